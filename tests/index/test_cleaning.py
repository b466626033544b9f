"""clean_text: whitespace, page furniture, re-joining wrapped and page-broken lines."""
from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.cleaning import clean_text
from index.patterns import is_label_line

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"


@pytest.fixture(scope="module")
def sample_raw() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_lines(sample_raw: str) -> list[str]:
    return clean_text(sample_raw).split("\n")


def _lines(text: str) -> list[str]:
    return clean_text(text).split("\n")


# --- the real sample letter -------------------------------------------------


@pytest.mark.parametrize(
    "joined",
    ["截止至2021年年底", "热管理材料及相关技术", "通过平台赋能促进企业与产业服务生态", "实训基地的资金支持。二是"],
)
def test_sample_sentences_broken_by_page_breaks_are_rejoined(sample_lines: list[str], joined: str) -> None:
    assert any(joined in line for line in sample_lines)


@pytest.mark.parametrize(
    "line",
    [
        "(A类)",
        "中工信函〔2022〕53号",
        "中山市工业和信息化局关于市政协十三届一次会议第131082号提案答复的函",
        "彭诗敏委员：",
        "一、关于强基础——因企施策促发展的建议",
        "四、关于引人才——加大专项资金支持建议",
        "专此答复，诚挚感谢您对数字化转型工作的关心支持。",
        "2022年6月14日",
        "（联系人：李金吉，电话：88308273）",
        "公开方式：主动公开。",
        "抄送：市政府办公室、市政协提案委、各会办单位。",
    ],
)
def test_sample_header_and_signoff_lines_stay_separate(sample_lines: list[str], line: str) -> None:
    assert line in sample_lines


def test_sample_agency_line_is_kept_in_header_and_signoff(sample_lines: list[str]) -> None:
    assert sample_lines.count("中山市工业和信息化局") == 2


def test_sample_only_the_four_broken_sentences_are_joined(sample_raw: str, sample_lines: list[str]) -> None:
    raw_lines = [line for line in sample_raw.splitlines() if line.strip()]
    assert len(sample_lines) == len(raw_lines) - 4


def test_sample_subsection_headings_start_their_own_paragraphs(sample_raw: str, sample_lines: list[str]) -> None:
    starts = [line[:12] for line in sample_raw.splitlines() if re.match(r"[（(][一二三四]", line)]
    assert len(starts) == 11
    for start in starts:
        assert any(line.startswith(start) for line in sample_lines), start


def test_sample_is_not_changed_beyond_whitespace(sample_raw: str) -> None:
    assert re.sub(r"\s", "", clean_text(sample_raw)) == re.sub(r"\s", "", sample_raw)


def _rewrap(paragraphs: list[str], width: int, per_page: int) -> str:
    """Lay paragraphs out as PDF text: lines of ``width`` display columns, "- n -" under each page."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line, used = "", 0
        for ch in paragraph:
            cost = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + cost > width:
                lines.append(line)
                line, used = "", 0
            line, used = line + ch, used + cost
        lines.append(line)
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    return "\n\n".join("\n".join([*page, f"- {n} -"]) for n, page in enumerate(pages, 1))


@pytest.mark.parametrize("width", [44, 50, 56, 62, 68])
@pytest.mark.parametrize("per_page", [19, 24])
def test_sample_laid_out_as_a_pdf_is_rebuilt(sample_lines: list[str], width: int, per_page: int) -> None:
    lines = _lines(_rewrap(sample_lines, width, per_page))
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", "".join(sample_lines))
    for line in lines:  # never two paragraphs in one; a split only at a sentence end
        owner = next(p for p in sample_lines if line.replace(" ", "") in p.replace(" ", ""))
        assert line[-1] in "。：；" or owner.endswith(line), line
    for line in sample_lines:
        if len(line) < 40:  # header, headings, sign-off
            assert line in lines


# --- characters and whitespace ------------------------------------------------


def test_line_endings_and_odd_spaces_are_normalised() -> None:
    text = "第一段\u00a0文字。\r\n\r\n　　第二段\u200b文字。\r第三段\ufeff。\u2028Smart\u3000\u3000 Bus 系统。"
    assert _lines(text) == ["第一段文字。", "第二段文字。", "第三段。", "Smart Bus 系统。"]


def test_spaces_between_cjk_are_removed_but_latin_words_keep_theirs() -> None:
    assert clean_text("市政协十三届 一次会议，“5G + 工业互联网” 项目 and the Smart  Bus app。") == (
        "市政协十三届一次会议，“5G + 工业互联网”项目 and the Smart Bus app。"
    )


def test_output_has_one_paragraph_per_line_without_padding() -> None:
    out = clean_text("\n\n  甲段。  \n\n\n\t乙段。\t\n\n")
    assert out == "甲段。\n乙段。"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\f\f", "\u200b\u3000"])
def test_empty_input_gives_empty_output(text: str) -> None:
    assert clean_text(text) == ""


# --- page numbers and running headers -------------------------------------------


@pytest.mark.parametrize(
    "page_number",
    ["- 3 -", "—3—", "－ 3 －", "– 12 –", "第 3 页 共 9 页", "第3页/共9页", "共9页 第3页", "3/9", "3", "Page 3 of 9"],
)
def test_page_numbers_are_dropped(page_number: str) -> None:
    text = f"正文第一段。\n\n{page_number}\n\n正文第二段。"
    assert _lines(text) == ["正文第一段。", "正文第二段。"]


def test_a_number_inside_a_block_is_kept_as_data() -> None:
    assert _lines("序号\n1\n项目名称\n金额（万元）") == ["序号", "1", "项目名称", "金额（万元）"]


def _pages(header: str, bodies: list[str]) -> str:
    """Text as a PDF loader gives it: running header, body, page number, blank line."""
    return "\n\n".join(f"{header}\n{body}\n- {n} -" for n, body in enumerate(bodies, 1))


def test_running_header_on_three_pages_is_removed() -> None:
    text = _pages("江门市交通运输局信息公开专栏", ["第一页内容，到这里没有写", "完。第二页内容。", "第三页内容。"])
    assert _lines(text) == ["第一页内容，到这里没有写完。第二页内容。", "第三页内容。"]


BODIES = ["一、关于线网的建议", "我局已逐项研究落实。", "二、关于车辆的建议"]


def test_running_footer_with_changing_page_number_is_removed() -> None:
    pages = [f"{body}\n江交函〔2023〕118号 第{n}页" for n, body in enumerate(BODIES, 1)]
    assert _lines("\n\n".join(pages)) == BODIES


def test_running_header_without_page_numbers_is_removed() -> None:
    text = "\n\n".join(f"江门市交通运输局信息公开专栏\n{body}" for body in BODIES)
    assert _lines(text) == BODIES


def test_an_agency_line_standing_alone_in_three_blocks_is_no_running_header() -> None:
    # Measured before: a letter naming its agency alone atop its header, again over its title and in its
    # sign-off, blank lines between, lost all three, and with them the agency its metadata reads.
    text = "\n\n".join(["雅安市林业局", "雅林建〔2022〕12号", "雅安市林业局\n关于第45号建议答复的函",
                        "杨光荣代表：", "您提出的建议收悉。", "雅安市林业局\n2022年6月1日"])
    assert _lines(text).count("雅安市林业局") == 3


def test_form_feeds_mark_pages_like_pdftotext_output() -> None:
    text = "\f".join(f"信息公开专栏\n{body}\n" for body in BODIES)
    assert _lines(text) == BODIES


def test_a_line_seen_on_two_pages_only_is_kept() -> None:
    text = _pages("江门市交通运输局", ["第一页。", "第二页。"])
    assert _lines(text) == ["江门市交通运输局", "第一页。", "江门市交通运输局", "第二页。"]


# --- hard wraps ---------------------------------------------------------------------


WRAPPED = """\
江门市交通运输局关于市十六届人大二次会议第
20230045号建议答复的函
陈志远代表：
（一）开展线网整体评估。2023年3月，我局委托第三方机
构对中心城区112条公交线路开展客流调查，结合手机信令数
据识别出重复系数较高的线路17条、客流低于每公里0.8人次
的线路9条。
（二）完善信息服务。推动实时公交APP接入GPS定位，市民
可通过 the Smart Bus mini program 查询，全市共有公交车1
986辆，满意度调查显示该功能的好评率达到92%，经商市财政局
，现答复如下：
二、关于推广新能源公交车的建议
江门市交通运输局
2023年7月5日
"""


def test_hard_wrapped_lines_are_rejoined() -> None:
    assert _lines(WRAPPED) == [
        "江门市交通运输局关于市十六届人大二次会议第20230045号建议答复的函",
        "陈志远代表：",
        "（一）开展线网整体评估。2023年3月，我局委托第三方机构对中心城区112条公交线路开展客流调查，"
        "结合手机信令数据识别出重复系数较高的线路17条、客流低于每公里0.8人次的线路9条。",
        "（二）完善信息服务。推动实时公交APP接入GPS定位，市民可通过 the Smart Bus mini program 查询，"
        "全市共有公交车1986辆，满意度调查显示该功能的好评率达到92%，经商市财政局，现答复如下：",
        "二、关于推广新能源公交车的建议",
        "江门市交通运输局",
        "2023年7月5日",
    ]


def test_wrapped_latin_words_get_one_space_and_split_numbers_none() -> None:
    text = (
        "市民可以通过手机下载江门智慧公交应用程序Smart\n"
        "Bus查询车辆的实时位置、到站时间和拥挤程度，该\n"
        "应用已经覆盖全市公交线路，累计注册用户达到12\n"
        "5万人，日均查询量超过三十万次，用户满意度较高。\n"
    )
    assert clean_text(text) == (
        "市民可以通过手机下载江门智慧公交应用程序Smart Bus查询车辆的实时位置、到站时间和拥挤程度，"
        "该应用已经覆盖全市公交线路，累计注册用户达到125万人，日均查询量超过三十万次，用户满意度较高。"
    )


FULL = "我局高度重视代表建议并会同市发展改革局市财政局开展专题调研形成工作方案"  # 36 CJK, no punctuation


@pytest.mark.parametrize(
    "heading",
    ["一、关于优化公交线网的建议", "（一）开展线网整体评估", "(一)开展线网整体评估", "1.加强组织领导",
     "1、加强组织领导", "（1）加强组织领导", "第一条 为规范管理", "第二章 总则", "①优化线路"],
)
@pytest.mark.parametrize("separator", ["\n", "\n\n", "\n\n- 2 -\n\n"])
def test_headings_are_never_merged_into_the_previous_paragraph(heading: str, separator: str) -> None:
    text = f"{FULL}，这里仍然是同一个句子\n{FULL}，这里仍然是同一个句子{separator}{heading}\n正文。"
    heading = heading.replace(" ", "")  # 第一条 为… loses its space between CJK characters
    lines = _lines(text)
    assert any(line.startswith(heading) for line in lines[1:])
    assert heading not in lines[0]


@pytest.mark.parametrize("line", ["电话：88308273", "联系电话：0760-88308273", "联系人：李金吉", "手机：13800138000",
                                  "联系人及电话：李金吉，88308273", "抄送单位：市政府办公室", "附件1：项目清单",
                                  "（此件主动公开）"])
def test_a_label_line_after_a_hard_wrapped_line_keeps_its_own_line(line: str) -> None:
    text = "\n".join([f"{FULL}，一", f"{FULL}，二", f"{FULL}，三", FULL, line])
    assert _lines(text)[-1] == line
    assert is_label_line(line)  # the same definition the metadata reads the sign-off with


@pytest.mark.parametrize(
    "line",
    ["中山市工业和信息化局", "2022年6月14日", "二〇二二年六月十四日", "（联系人：李金吉，电话：88308273）",
     "公开方式：主动公开", "抄送：市政府办公室", "彭诗敏委员：", "中工信函〔2022〕53号", "(A类)",
     "关于加快推进公交优先发展的答复", "特此函复"],
)
@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_header_and_signoff_lines_are_not_joined_to_a_short_prose_line(line: str, separator: str) -> None:
    text = f"专此答复，感谢您对我们工作的关心和支持{separator}{line}{separator}下一段。"
    assert line in _lines(text)


def test_a_page_broken_sentence_is_rejoined_across_page_number_and_blank_lines() -> None:
    text = "（一）持续加强基础设施建设。近年来，我市持续推动新型基础设施建设，截止至\n\n- 1 -\n\n\n2021年年底，基站总数达到3.9万个。"
    assert _lines(text) == ["（一）持续加强基础设施建设。近年来，我市持续推动新型基础设施建设，截止至2021年年底，基站总数达到3.9万个。"]


def test_a_short_heading_without_punctuation_is_not_joined_to_the_body() -> None:
    assert _lines("一、关于强基础，促发展的建议\n\n近年来，我市持续推动建设。") == [
        "一、关于强基础，促发展的建议",
        "近年来，我市持续推动建设。",
    ]


def test_a_title_wrapped_over_three_lines_is_one_line() -> None:
    text = "（A类）\n中山市工业和信息化局关于市政协十三届\n一次会议第131082号提案\n答复的函\n彭诗敏委员："
    assert _lines(text) == ["（A类）", "中山市工业和信息化局关于市政协十三届一次会议第131082号提案答复的函", "彭诗敏委员："]


def test_a_number_wrapped_at_its_decimal_point_is_rejoined() -> None:
    assert _lines("市民平均换乘次数由1.\n6次下降至1.3次。") == ["市民平均换乘次数由1.6次下降至1.3次。"]


def test_a_salutation_with_a_comma_is_not_joined_to_the_body() -> None:
    assert _lines("尊敬的陈志远代表，\n\n您提出的建议收悉，现答复如下：") == [
        "尊敬的陈志远代表，",
        "您提出的建议收悉，现答复如下：",
    ]


def test_a_line_starting_with_closing_punctuation_continues_the_previous_one() -> None:
    assert _lines("经商市发展改革局、市财政局\n，现答复如下：") == ["经商市发展改革局、市财政局，现答复如下："]


def test_cleaning_is_fast_on_large_and_pathological_input(sample_raw: str) -> None:
    inputs = [
        sample_raw * 30,
        "关于" * 100_000,
        "（" * 100_000 + "）",
        " 中 " * 100_000,
        "\n".join(["中山市工业和信息化局"] * 20_000),
        "\n\n".join(str(n) for n in range(20_000)),
    ]
    start = time.perf_counter()
    for text in inputs:
        clean_text(text)
    assert time.perf_counter() - start < 10


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_crashes_and_output_is_one_trimmed_paragraph_per_line(text: str) -> None:
    out = clean_text(text)
    assert "\r" not in out and "\n\n" not in out
    for line in out.split("\n") if out else []:
        assert line and line == line.strip()


_CHARS = st.sampled_from(
    list("中山市工业和信息化局关于答复函委员代表一二三四五十条页共第")
    + list("abcXYZ")
    + list("。，、；：！？（）()《》“”—…-/.,:;! ")
    + ["\u3000", "\u00a0", "\u200b", "\t"]
)
_LINES = st.lists(st.text(_CHARS, max_size=40), max_size=30, unique_by=lambda s: "".join(filter(str.isalnum, s)))


def _kept(text: str) -> list[str]:
    return [ch for ch in text if ch.isalnum()]


@settings(max_examples=400, deadline=None)
@given(_LINES, st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n\f\n"]), min_size=30, max_size=30))
def test_no_letter_or_digit_is_lost_or_reordered(lines: list[str], breaks: list[str]) -> None:
    # Without digits there are no page numbers, and unique lines are no running header.
    text = "".join(line + brk for line, brk in zip(lines, breaks))
    assert _kept(clean_text(text)) == _kept(text)
