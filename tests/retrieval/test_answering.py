"""End-to-end answering over real letters: exact values, right sections and documents, honest refusals.

None of these questions is in the dev set; they are other questions of the same kinds.
"""
from __future__ import annotations

import pytest

from retrieval.types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN

SAMPLE_NAME = "中工信函〔2022〕53号"


def _cited_sections(answer) -> str:
    return " | ".join(c.section for c in answer.citations[:3])


@pytest.mark.parametrize("question, expected, forbidden, section", [
    ("5G用户占比在全省排第几？", "第5", ["第4", "第6", "第8"], "持续加强5G等新型基础设施建设"),
    ("移动通信基站总数在全省排名第几？", "第6", ["第4", "第5", "第8"], "持续加强5G等新型基础设施建设"),
    ("认定了多少家市级工业和工业互联网公共技术服务平台？", "25", ["13家", "14个"], "构建企业全生命周期公共技术服务体系"),
    ("智能改造方案被企业采纳并实施了多少套？", "2000", ["4500"], "构建企业全生命周期公共技术服务体系"),
    ("标杆项目带动总投资超过多少？", "1.3亿元", ["2198"], "推动一批重点5G+工业互联网项目建设"),
    ("多少人通过评价获得技能等级证书？", "1500", ["265", "3000"], "引育数字化领域的高层次、复合型人才"),
    ("中山市出台了什么文件鼓励企业建立首席信息官制度？", "鼓励企业建立首席信息官制度的实施意见", [], "推广首席信息官制度"),
])
def test_sample_letter_facts(library, question, expected, forbidden, section):
    answer = library.ask(question)
    assert answer.answered, answer
    assert expected in answer.text
    assert not any(f in answer.text for f in forbidden), answer.text
    assert len(answer.text) <= 200
    assert section in answer.citations[0].section
    assert SAMPLE_NAME in answer.citations[0].document
    assert expected in answer.citations[0].quote


@pytest.mark.parametrize("question, expected, document", [
    ("白云区累计完成既有住宅加装电梯审批多少台？", "712", "云建复〔2021〕8号"),
    ("加装电梯平均每台迁改费用约多少？", "8.6万元", "云建复〔2021〕8号"),
    ("全省共认定省级新型研发机构多少家？", "287", "粤科函〔2023〕112号"),
    ("粤东西北地区新型研发机构研发人员流失率是多少？", "11.6%", "粤科函〔2023〕112号"),
])
def test_facts_from_the_right_letter(library, question, expected, document):
    answer = library.ask(question)
    assert answer.answered and expected in answer.text, answer
    assert document in answer.citations[0].document


def test_english_question_finds_chinese_text(library):
    answer = library.ask("How many national-level testing and inspection platforms have been built?")
    assert answer.answered and "4个" in answer.text and "14个" not in answer.text, answer
    assert "构建企业全生命周期公共技术服务体系" in answer.citations[0].section


def test_english_question_about_another_letter(library):
    answer = library.ask("How many elevator installations have been approved in Baiyun District?")
    assert answer.answered and "712" in answer.text, answer
    assert "云建复〔2021〕8号" in answer.citations[0].document


@pytest.mark.parametrize("question", [
    "中山市2019年有多少个5G基站？",            # a year the letter does not report
    "深圳市的5G用户占比是多少？",              # a city no letter is about
    "首席信息官培训班每期有多少名学员？",      # a detail the letter does not give
    "加装电梯的业主满意度是多少？",
    "首席信息官培训班的培训时长是多少？",      # jieba cuts 时长 into single characters
    "彭诗敏委员的电话是多少？",                # the letter gives its contact person's phone, not the deputy's
    "How many hospitals are there in Zhongshan?",  # "一批医疗机构" is not a count
    "How many 5G base stations does Shenzhen have?",
    "What is the registration fee for the CIO training course?",
])
def test_questions_the_letters_cannot_answer_are_refused(library, question):
    answer = library.ask(question)
    assert not answer.answered, answer
    assert answer.text in (NOT_IN_LETTERS, NOT_IN_LETTERS_EN)
    assert not any(ch.isdigit() for ch in answer.text)


def test_contact_questions_follow_the_letter_asked_about(library):
    zhongshan = library.ask("中山5G基站答复函的联系人是谁？")
    assert "李金吉" in zhongshan.text, zhongshan
    baiyun = library.ask("加装电梯那份答复的联系电话是多少？")
    assert "020-36218457" in baiyun.text, baiyun
    assert "88308273" not in baiyun.text


def test_contact_phone_is_given_for_the_contact_person(library):
    answer = library.ask("李金吉的电话是多少？")
    assert answer.answered and "88308273" in answer.text, answer


def test_document_filter_limits_answers_to_one_letter(library, doc_ids):
    gdkjt = doc_ids["gdkjt-2023-112"]
    answer = library.ask("联系人是谁？", document=gdkjt)
    assert "郑晓琳" in answer.text, answer
    outside = library.ask("全市的5G基站有多少个？", document=gdkjt)
    assert not outside.answered, outside


def test_follow_up_resolves_against_the_session(library):
    first = library.ask("5G用户占比是多少？", session_id="t-follow")
    assert "28.0%" in first.text
    second = library.ask("在全省排名第几？", session_id="t-follow")
    assert second.answered and "第5" in second.text, second
    assert not any(r in second.text for r in ("第4", "第6", "第8"))


def test_sessions_do_not_leak_into_each_other(library):
    library.ask("5G用户占比是多少？", session_id="t-a")
    library.ask("移动通信基站总数是多少？", session_id="t-b")
    assert "第5" in library.ask("在全省排名第几？", session_id="t-a").text
    assert "第6" in library.ask("在全省排名第几？", session_id="t-b").text


def test_compound_question_answers_both_parts(library):
    answer = library.ask("5G用户占比是多少，在全省排第几？")
    assert "28.0%" in answer.text and "第5" in answer.text, answer


def test_metadata_answers_cite_the_sign_off(library):
    answer = library.ask("粤科函〔2023〕112号的落款日期是哪一天？")
    assert "2023年6月28日" in answer.text, answer
    assert any("2023年6月28日" in c.quote for c in answer.citations)


def test_timings_are_reported(library):
    answer = library.ask("有多少人获得了高级工证书？")
    assert {"embed", "search", "answer", "total"} <= set(answer.timings_ms)


def test_a_date_written_in_chinese_numerals_is_also_given_in_digits(library, doc_ids):
    answer = library.ask("落款日期是哪一天？", document=doc_ids["qingxin-nyj-2022-15"])
    assert "2022年7月8日" in answer.text and "二〇二二年七月八日" in answer.text, answer


def test_this_letter_without_context_among_several_says_which_letter(library):
    answer = library.ask("答复函的落款日期是哪一天？")
    assert answer.answered
    named = answer.citations[0].document.split()[0]
    assert named in answer.text, answer
