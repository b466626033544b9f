"""Tests for index.structure (layout, sections, display name) and index.metadata."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.metadata import date_to_iso, extract_metadata
from index.structure import parse_heading, parse_letter, display_name
from index.types import HEADER_SECTION, SIGNOFF_SECTION, Letter, LetterMetadata, Paragraph

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
LETTERS = ROOT / "tests" / "data" / "letters"
# The sample's two sentences broken by a page break, as the cleaner joins them.
SAMPLE_BROKEN_LINE_ENDS = ("截止至", "热管理材料")

TOP_A = "一、关于强基础——因企施策促发展的建议"
TOP_D = "四、关于引人才——加大专项资金支持建议"


def clean(raw: str, join_after: tuple[str, ...] = ()) -> str:
    """A stand-in for the cleaner: drop blank lines, join lines ending with ``join_after``."""
    lines: list[str] = []
    for line in (line.strip() for line in raw.splitlines()):
        if not line:
            continue
        if lines and lines[-1].endswith(join_after):
            lines[-1] += line
        else:
            lines.append(line)
    return "\n".join(lines)


def load(path: Path, join_after: tuple[str, ...] = ()) -> Letter:
    text = clean(path.read_text(encoding="utf-8"), join_after)
    return parse_letter(text, source_path=str(path), content_hash="hash", doc_id=path.stem)


def parse(text: str) -> Letter:
    return parse_letter(text, source_path="letters/x.txt", content_hash="h", doc_id="x")


def reply(body: str, *, header: str = "", after: str = "") -> Letter:
    """A short reply to 李华代表: ``header`` lines above its salutation, ``body`` its text, ``after`` what follows."""
    opening = f"{header}\n\n" if header else ""
    return parse(f"{opening}李华代表：\n\n您提出的建议收悉，现答复如下：\n\n{body}\n{after}")


def find(letter: Letter, needle: str) -> Paragraph:
    matches = [p for p in letter.paragraphs if needle in p.text]
    assert len(matches) == 1, f"{needle!r} found in {len(matches)} paragraphs"
    return matches[0]


@pytest.fixture(scope="module")
def sample() -> Letter:
    return load(SAMPLE, SAMPLE_BROKEN_LINE_ENDS)


@pytest.fixture(scope="module")
def baiyun() -> Letter:
    return load(LETTERS / "baiyun-zjj-2021-8.txt")


@pytest.fixture(scope="module")
def gdkjt() -> Letter:
    return load(LETTERS / "gdkjt-2023-112.txt")


@pytest.fixture(scope="module")
def qingxin() -> Letter:
    return load(LETTERS / "qingxin-nyj-2022-15.txt")


# --- the sample letter -------------------------------------------------------

def test_sample_metadata(sample: Letter) -> None:
    meta = sample.metadata
    assert meta.agency == "中山市工业和信息化局"
    assert meta.doc_number == "中工信函〔2022〕53号"
    assert meta.title == "中山市工业和信息化局关于市政协十三届 一次会议第131082号提案答复的函"
    assert meta.addressee == "彭诗敏委员"
    assert meta.proposal_number == "131082"
    assert meta.date == "2022年6月14日"
    assert meta.date_iso == "2022-06-14"
    assert meta.contact == "李金吉"
    assert meta.phone == "88308273"
    assert meta.disclosure == "主动公开"
    assert meta.cc is not None and "市政协提案委" in meta.cc
    assert meta.category == "A类"


def test_sample_display_name_is_doc_number(sample: Letter) -> None:
    assert sample.display_name == "中工信函〔2022〕53号"
    assert sample.doc_id == "zhongshan-gxj-2022-53"


def test_sample_section_of_45_companies(sample: Letter) -> None:
    assert find(sample, "45家企业").section_path == (TOP_D, "（三）推广首席信息官制度")


def test_sample_section_of_6451_base_stations(sample: Letter) -> None:
    path = find(sample, "6451个").section_path
    assert path[0] == TOP_A
    assert "持续加强5G等新型基础设施建设" in path[1]
    assert path == (TOP_A, "(一)持续加强5G等新型基础设施建设")  # brackets kept as written


def test_sample_top_sections_and_children(sample: Letter) -> None:
    children: dict[str, set[str]] = {}
    for paragraph in sample.paragraphs:
        path = paragraph.section_path
        if path and path[0] not in (HEADER_SECTION, SIGNOFF_SECTION):
            children.setdefault(path[0], set()).update(path[1:2])
    assert {top[:2]: len(subs) for top, subs in children.items()} == {
        "一、": 3, "二、": 2, "三、": 3, "四、": 3,
    }
    assert list(children) == [TOP_A, "二、关于掌方向——构筑产业新生态的建议",
                              "三、关于搭平台——赋能产业集群建议", TOP_D]


def test_sample_header_intro_and_signoff_paths(sample: Letter) -> None:
    paths = [p.section_path for p in sample.paragraphs]
    assert paths[:5] == [(HEADER_SECTION,)] * 5
    assert sample.paragraphs[4].text == "彭诗敏委员："
    assert paths[5:7] == [(), ()]  # the intro, before the first heading
    assert paths[-6:] == [(SIGNOFF_SECTION,)] * 6
    assert sample.paragraphs[-6].text.startswith("专此答复")
    assert find(sample, "2022年6月14日").section_path == (SIGNOFF_SECTION,)
    assert find(sample, "联系人：李金吉").section_path == (SIGNOFF_SECTION,)


def test_sample_heading_paragraph_keeps_full_text(sample: Letter) -> None:
    paragraph = find(sample, "6451个")
    assert paragraph.text.startswith("(一)持续加强5G等新型基础设施建设。近年来")
    assert paragraph.text.endswith("注入新动能。")


def test_sample_page_break_continuation_stays_in_its_section(sample: Letter) -> None:
    assert find(sample, "资金支持。二是").section_path == (TOP_D, "（二）引育数字化领域的高层次、复合型人才")


def test_sample_inline_enumeration_is_not_a_heading(sample: Letter) -> None:
    assert all("一是" not in part for p in sample.paragraphs for part in p.section_path)


@pytest.mark.parametrize("name", ["sample", "baiyun", "gdkjt", "qingxin"])
def test_offsets_are_exact(name: str, request: pytest.FixtureRequest) -> None:
    letter: Letter = request.getfixturevalue(name)
    assert letter.paragraphs
    assert len(letter.paragraphs) == len(letter.text.split("\n"))
    for paragraph in letter.paragraphs:
        assert letter.text[paragraph.start:paragraph.end] == paragraph.text
    starts = [p.start for p in letter.paragraphs]
    assert starts == sorted(starts)


# --- a district 住建局 reply to a 人大建议: "1." / "（1）", date before agency -----

def test_baiyun_metadata(baiyun: Letter) -> None:
    assert baiyun.metadata == LetterMetadata(
        agency="广州市白云区住房和城乡建设局",
        doc_number="云建复〔2021〕8号",
        title="广州市白云区住房和城乡建设局关于区十八届人大六次会议第20210047号建议的答复",
        addressee="陈立华代表",
        proposal_number="20210047",
        date="2021年9月10日",
        date_iso="2021-09-10",
        contact="黄嘉怡",
        phone="020-36218457",
        session="区十八届人大六次会议",
    )


def test_baiyun_sections(baiyun: Letter) -> None:
    assert find(baiyun, "6840万元").section_path == ("1.既有住宅加装电梯工作进展", "（2）加大财政补助")
    assert find(baiyun, "712台").section_path == ("1.既有住宅加装电梯工作进展",)
    assert find(baiyun, "8.6万元").section_path == ("2.存在的主要困难", "（2）管线迁改费用较高")


def test_baiyun_number_at_line_start_is_not_a_heading(baiyun: Letter) -> None:
    assert find(baiyun, "1.2亿元").section_path == ("3.下一步工作措施", "（2）推动管线单位让利")


def test_baiyun_signoff_with_date_before_agency(baiyun: Letter) -> None:
    signoff = [p.text for p in baiyun.paragraphs if p.section_path == (SIGNOFF_SECTION,)]
    assert signoff[0].startswith("以上答复")
    assert signoff[1:] == ["2021年9月10日", "广州市白云区住房和城乡建设局",
                           "联系人：黄嘉怡", "联系电话：020-36218457"]


# --- a provincial 科技厅 reply, HB/T header with 签发人, no headings ------------

def test_gdkjt_metadata(gdkjt: Letter) -> None:
    meta = gdkjt.metadata
    assert meta.agency == "广东省科学技术厅"
    assert meta.doc_number == "粤科函〔2023〕112号"
    assert meta.title == "广东省科学技术厅关于省政协十三届一次会议第20230386号提案答复的函"
    assert meta.addressee == "林婉清委员"
    assert meta.proposal_number == "20230386"
    assert (meta.date, meta.date_iso) == ("2023年6月28日", "2023-06-28")
    assert (meta.contact, meta.phone) == ("郑晓琳", "020-83163952")
    assert meta.disclosure == "依申请公开"
    assert meta.cc == "省政协提案委员会，省财政厅，省教育厅，汕头市科学技术局，湛江市科学技术局"
    assert meta.category is None


def test_gdkjt_without_headings_has_empty_body_paths(gdkjt: Letter) -> None:
    assert find(gdkjt, "签发人：周振邦").section_path == (HEADER_SECTION,)
    for needle in ("收悉", "287家", "1.86亿元", "11.6%", "500万元"):
        assert find(gdkjt, needle).section_path == ()
    assert find(gdkjt, "衷心感谢").section_path == (SIGNOFF_SECTION,)
    assert find(gdkjt, "特此函复").section_path == (SIGNOFF_SECTION,)


# --- a district 农业农村局 reply: 一、/①/1、, Chinese-numeral date, 此复 --------

def test_qingxin_metadata(qingxin: Letter) -> None:
    meta = qingxin.metadata
    assert meta.agency == "清远市清新区农业农村局"
    assert meta.doc_number == "清新农建议〔2022〕第15号"
    assert meta.addressee == "罗志强代表"
    assert meta.proposal_number == "2022015"
    assert (meta.date, meta.date_iso) == ("二〇二二年七月八日", "2022-07-08")
    assert (meta.contact, meta.phone) == ("冯嘉欣", "0763-5812376")
    assert meta.disclosure == "主动公开"
    assert meta.category == "B类"
    assert qingxin.display_name == "清新农建议〔2022〕第15号"


def test_qingxin_sections(qingxin: Letter) -> None:
    assert find(qingxin, "16.8万亩").section_path == ("一、基本情况",)
    assert find(qingxin, "560万元").section_path == ("二、已开展的工作", "②培育龙头企业")
    assert find(qingxin, "18万亩").section_path == ("三、下一步计划", "1、扩大种植规模")
    assert find(qingxin, "2.6万户").section_path == ("三、下一步计划", "2、申报国家地理标志")
    assert find(qingxin, "此复").section_path == (SIGNOFF_SECTION,)


# --- shapes not in the letters above ----------------------------------------

MINIMAL = "\n".join([
    "您好！您提出的关于增设社区公交接驳线路的建议收悉。",
    "经研究，我局已于2022年3月开通微循环公交线路2条，日均客流约1900人次。",
    "二〇二二年四月二十日",
    "某市交通运输局",
    "联系人：王某；联系电话：0760-88308273",
])


def test_letter_without_header_or_headings() -> None:
    letter = parse(MINIMAL)
    assert [p.section_path for p in letter.paragraphs] == [(), (), *[(SIGNOFF_SECTION,)] * 3]
    meta = letter.metadata
    assert meta.agency == "某市交通运输局"
    assert (meta.date, meta.date_iso) == ("二〇二二年四月二十日", "2022-04-20")
    assert (meta.contact, meta.phone) == ("王某", "0760-88308273")
    assert meta.doc_number is None and meta.title is None
    assert letter.display_name == "您好！您提出的关于增设社区公交接驳线路的建议收悉。"


def test_new_top_heading_resets_deeper_levels() -> None:
    letter = parse("\n".join([
        "张三委员：", "一、关于资金", "（一）加大投入。今年安排3000万元。", "1.细则。已印发。",
        "二、关于人才", "（一）引进人才。引进博士12名。", "此复。",
    ]))
    assert [p.section_path for p in letter.paragraphs] == [
        (HEADER_SECTION,),
        ("一、关于资金",),
        ("一、关于资金", "（一）加大投入"),
        ("一、关于资金", "（一）加大投入", "1.细则"),
        ("二、关于人才",),
        ("二、关于人才", "（一）引进人才"),
        (SIGNOFF_SECTION,),
    ]


def test_chapter_and_article_headings() -> None:
    letter = parse("\n".join([
        "第一章 总则", "第一条 为规范专项资金管理，制定本办法。", "第二条 本办法适用于市级资金。",
        "第二章 支持范围", "第三条 支持对象为规模以上企业。",
    ]))
    assert [p.section_path for p in letter.paragraphs] == [
        ("第一章 总则",),
        ("第一章 总则", "第一条 为规范专项资金管理，制定本办法"),
        ("第一章 总则", "第二条 本办法适用于市级资金"),
        ("第二章 支持范围",),
        ("第二章 支持范围", "第三条 支持对象为规模以上企业"),
    ]


@pytest.mark.parametrize(("paragraph", "kind", "heading"), [
    ("一、关于强基础——因企施策促发展的建议", "cn", "一、关于强基础——因企施策促发展的建议"),
    ("十一、其他事项", "cn", "十一、其他事项"),
    ("（二）强化政策支撑。中山市委…", "cn_paren", "（二）强化政策支撑"),
    ("(十)加强宣传：通过…。", "cn_paren", "(十)加强宣传"),
    ("1.既有住宅加装电梯工作进展", "arabic", "1.既有住宅加装电梯工作进展"),
    ("12、完善考核。将指标纳入考核。", "arabic", "12、完善考核"),
    ("（3）加强监管。", "arabic_paren", "（3）加强监管"),
    ("⑵加强监管。", "arabic_paren", "⑵加强监管"),
    ("2）优化流程。", "arabic_half_paren", "2）优化流程"),
    ("④打响品牌。", "circled", "④打响品牌"),
    ("二、下一步工作：", "cn", "二、下一步工作"),
    ("二、关于资金：加大投入", "cn", "二、关于资金：加大投入"),
])
def test_parse_heading(paragraph: str, kind: str, heading: str) -> None:
    assert parse_heading(paragraph) == (kind, heading)


@pytest.mark.parametrize("paragraph", [
    "1.3亿元专项资金已下达。", "1、2号楼已完成改造。", "2021年，我市新建基站1809个。",
    "2022.6.14", "一是加大投入。二是优化服务。", "一、二期工程已竣工。", "三、四季度将开工。", "您提出的（一）项建议收悉。",
    "第一，加快推进。",
])
def test_not_a_heading(paragraph: str) -> None:
    assert parse_heading(paragraph) is None


def test_long_run_in_heading_is_capped() -> None:
    heading = parse_heading("（一）" + "推进" * 30 + "。我局…")
    assert heading is not None
    assert len(heading.text) == 41 and heading.text.endswith("…")


def test_offsets_survive_indentation_and_crlf() -> None:
    text = "\u3000\u3000彭诗敏委员：\r\n\r\n  您提出的建议收悉。 \r\n\u3000一、关于资金\r\n此复。"
    letter = parse(text)
    assert [p.text for p in letter.paragraphs] == ["彭诗敏委员：", "您提出的建议收悉。", "一、关于资金", "此复。"]
    for paragraph in letter.paragraphs:
        assert text[paragraph.start:paragraph.end] == paragraph.text


def test_empty_text() -> None:
    letter = parse("")
    assert letter.paragraphs == ()
    assert letter.metadata == LetterMetadata()
    assert letter.display_name == "x.txt"


# --- metadata variants ----------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    ("穗建复〔2021〕8号", "穗建复〔2021〕8号"),
    ("中工信函[2022]53号", "中工信函[2022]53号"),
    ("中工信函（2022）53号", "中工信函（2022）53号"),
    ("海建议(2022)第15号", "海建议(2022)第15号"),
    ("粤科函〔2023〕112号    签发人：周振邦", "粤科函〔2023〕112号"),
])
def test_doc_number_variants(line: str, expected: str) -> None:
    assert extract_metadata([line], [], []).doc_number == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("您提出的《关于…的建议》(提案第131082号)收悉。", "131082"),
    ("您提出的第20220123号建议收悉。", "20220123"),
    ("关于市人大十六届二次会议第B0045号代表建议的答复", "B0045"),
])
def test_proposal_number_variants(line: str, expected: str) -> None:
    assert extract_metadata([], [line], []).proposal_number == expected


def test_a_proposal_number_on_the_line_after_its_kind() -> None:
    header = ["(注:A已经解决或基本解决,B正在解决)", "城南市政协十三届四次会议委员提案", "第27号办理情况的报告"]
    assert extract_metadata(header, ["您的提案收悉。"], []).proposal_number == "27"


@pytest.mark.parametrize(("line", "expected"), [
    ("关于市人大十六届二次会议第B0045号代表建议的答复", "市人大十六届二次会议"),
    ("水利局对政协临川县第八届委员会第二次会议第12号提案的答复", "政协临川县第八届委员会第二次会议"),
    ("关于对县十五届人民代表大会三次会议第7号建议的答复", "县十五届人民代表大会三次会议"),
    ("市交通局对市八届人大二次会议第9号建议的答复", "市八届人大二次会议"),   # not 局对市…: an agency's words
    ("关于答复十六届人大二次会第12号建议的函", "十六届人大二次会"),
    ("您在省政协十二届三次会议上提出的提案收悉。", "省政协十二届三次会议"),
    ("关于加快老旧小区改造的建议", None),
])
def test_the_meeting_a_proposal_was_made_at(line: str, expected: str | None) -> None:
    assert extract_metadata([], [line], []).session == expected


def test_the_meeting_named_after_the_sign_off_as_a_web_page_repeats_the_title() -> None:
    signoff = ["城南区交通运输局", "2018年6月4日", "正在阅读: 对城南区十六届人大三次会议代表建议第23号的答复"]
    assert extract_metadata([], ["您提出的建议收悉。"], signoff).session == "区十六届人大三次会议"


@pytest.mark.parametrize(("line", "expected"), [
    ("会办单位: 城南区财政局,城南区教育局", "城南区财政局,城南区教育局"),
    ("| 协办单位: | 市水务局 |", "市水务局"),
    ("您提出的《关于修缮体育馆的建议》收悉，经综合区财政局、区住房和城乡建设局意见，现答复如下：", "区财政局、区住房和城乡建设局"),
    ("经征求市总工会、市残疾人联合会等单位意见，现答复如下：", "市总工会、市残疾人联合会等单位"),
    ("经商市发展改革委同意，现答复如下：", "市发展改革委"),
    ("您的提案由我部会同交通运输部办理。", "交通运输部"),
    ("该建议由我局主办，市公安局、市交通运输局会办。", "市公安局、市交通运输局"),
    ("我局将会同有关部门全力推进道路改造。", None),        # an action the letter tells of, not the handling
    ("我局综合考虑了各方意见。", None),
])
def test_the_bodies_that_handled_a_proposal_beside_the_agency(line: str, expected: str | None) -> None:
    assert extract_metadata([], [line], []).co_handlers == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("办理结果 | A已解决() B正在解决(√)C计划解决()D不能解决() | ||", "B类（正在解决）"),
    ("办理结果：A.已解决（ ）B.正在解决（ ）C.计划解决（✓）", "C类（计划解决）"),
    ("（注：A已经解决或基本解决，B正在解决，C列入规划逐步解决，D不能解决）", None),   # the key, nothing ticked
])
def test_a_reply_sheets_ticked_box_is_its_category(line: str, expected: str | None) -> None:
    assert extract_metadata([line], [], []).category == expected


def test_a_note_on_the_form_is_no_title_and_a_title_broken_across_two_lines_is_joined() -> None:
    header = ["（注：A已经解决或基本解决，B正在解决，C列入规划逐步解决，D不能解决）", "城南区政协五届二次会议委员提案",
              "第12号办理情况的报告", "办理结果 | A已解决() B正在解决(√) | ||"]
    assert extract_metadata(header, [], []).title == "城南区政协五届二次会议委员提案第12号办理情况的报告"


def test_bodies_named_deep_in_a_letters_text_are_not_its_co_handlers() -> None:
    body = ["您提出的建议收悉，现答复如下：", "一、基本情况", "我市道路总里程5000公里。", "经综合市财政局意见，明年再建两条。"]
    assert extract_metadata([], body, []).co_handlers is None


@pytest.mark.parametrize(("lines", "contact", "phone"), [
    (["（联系人：李金吉，电话：88308273）"], "李金吉", "88308273"),
    (["联系人：王某；联系电话：0760-88308273"], "王某", "0760-88308273"),
    (["联系人：黄嘉怡", "联系电话：020-36218457"], "黄嘉怡", "020-36218457"),
    (["经办人：赵敏  联系方式：（020）83163952"], "赵敏", "（020）83163952"),
])
def test_contact_variants(lines: list[str], contact: str, phone: str) -> None:
    meta = extract_metadata([], [], lines)
    assert (meta.contact, meta.phone) == (contact, phone)


def test_signoff_fields_and_header_only_letter() -> None:
    meta = extract_metadata(
        ["（Ａ类）", "某区财政局文件", "尊敬的李四代表："], [],
        ["某区财政局 2023年1月9日", "公开方式：依申请公开", "抄送：区人大常委会。"],
    )
    assert meta.category == "A类"
    assert meta.agency == "某区财政局"
    assert meta.addressee == "李四代表"
    assert (meta.date, meta.date_iso) == ("2023年1月9日", "2023-01-09")
    assert (meta.disclosure, meta.cc) == ("依申请公开", "区人大常委会")


@pytest.mark.parametrize(("date", "iso"), [
    ("2022年6月14日", "2022-06-14"),
    ("二〇二二年六月十四日", "2022-06-14"),
    ("二〇二一年十二月三十一日", "2021-12-31"),
    ("二零二三年十月一日", "2023-10-01"),
    ("二〇二二年二月二十日", "2022-02-20"),
    ("2022 年 06 月 05 日", "2022-06-05"),
    ("二〇二三年二月三十日", None),
    ("六月十四日", None),
])
def test_date_to_iso(date: str, iso: str | None) -> None:
    assert date_to_iso(date) == iso


# --- display name -----------------------------------------------------------------

def test_display_name_rules() -> None:
    text = "(A类)\n\n某局关于某事项的函\n正文。"
    assert display_name(LetterMetadata(doc_number="穗建复〔2021〕8号", title="T"), text, "f.txt") \
        == "穗建复〔2021〕8号"
    assert display_name(LetterMetadata(title="某局关于某事项的函"), text, "f.txt") == "某局关于某事项的函"
    assert display_name(LetterMetadata(), text, "f.txt") == "某局关于某事项的函"
    assert display_name(LetterMetadata(), "\n  \n", "f.txt") == "f.txt"
    long_line = "关" * 60
    assert display_name(LetterMetadata(), long_line, "f.txt") == "关" * 40 + "…"
    opening = "张三代表:\n您提出的建议收悉。\n某局\n2019年8月15日"
    assert display_name(LetterMetadata(agency="某局", addressee="张三代表"), opening, "f.txt") == "某局答复张三代表"


def test_display_name_of_letter_without_doc_number() -> None:
    letter = parse("某局关于增设公交线路建议的答复\n张三代表：\n您提出的建议收悉。\n此复。")
    assert letter.metadata.doc_number is None
    assert letter.display_name == "某局关于增设公交线路建议的答复"


def test_wrapped_title_and_main_recipient() -> None:
    meta = extract_metadata(
        ["中山市工业和信息化局关于市政协十三届一次会议", "第131082号提案答复的函", "主送：市政协提案委"], [], [],
    )
    assert meta.title == "中山市工业和信息化局关于市政协十三届一次会议第131082号提案答复的函"
    assert meta.proposal_number == "131082"
    assert meta.addressee == "市政协提案委"
    assert meta.agency == "中山市工业和信息化局"  # from the title's prefix


@pytest.mark.parametrize("contact_line", [
    "联系人：程婷    联系电话：0797-1234567",   # fields on one line, separated by a layout gap
    "联系人及电话：程婷，0797-1234567",
])
def test_contact_and_phone_in_other_layouts(contact_line):
    from index.cleaning import clean_text

    text = clean_text("某某局\n某局函〔2023〕5号\n关于某某建议的答复\n张三代表：\n您的建议收悉。\n一、情况\n"
                      f"全市共建成12个站点。\n某某局\n2023年5月6日\n{contact_line}\n")
    meta = parse_letter(text, source_path="x.txt", content_hash="h", doc_id="d").metadata
    assert (meta.contact, meta.phone) == ("程婷", "0797-1234567")


def test_reply_sheet_form_fields_and_a_contact_unit_line() -> None:
    """A reply sheet's empty "建议人：" field is no salutation; a bracketed contact-unit line and a
    disclosure note on its own line end the letter even when its date is garbled."""
    from index.cleaning import clean_text

    text = clean_text("对某会议第7号代表建议的答复\n建议人：\n主办单位：某区水务局\n某水发〔2024〕3号\n"
                      "张三代表：\n您提的建议收悉，现答复如下：\n今年新建泵站4座。\n某区水务局\n2024 53\n"
                      "（联系单位：某区水务局，联系人：王五，联系电话：13800000000\n（依申请公开）\n"
                      "抄送：区人大常委会。\n")
    letter = parse_letter(text, source_path="x.txt", content_hash="h", doc_id="d")
    meta = letter.metadata
    assert meta.addressee == "张三代表"
    assert (meta.contact, meta.phone) == ("王五", "13800000000")
    assert meta.disclosure == "依申请公开"
    assert [p.section_path for p in letter.paragraphs if "联系单位" in p.text] == [(SIGNOFF_SECTION,)]


def test_disclosure_field_of_a_table_cell_is_words_not_its_border() -> None:
    assert extract_metadata([], [], ["公开方式：|"]).disclosure is None
    assert extract_metadata([], [], ["公开方式：主动公开|"]).disclosure == "主动公开"


def test_a_labelled_iso_date_of_a_web_page_is_the_letters_date() -> None:
    letter = reply("今年新建公园3个。", header="发文日期: 2023-04-07 发布日期: 2023-05-02")
    assert letter.metadata.date == "2023年4月7日"
    assert letter.metadata.date_iso == "2023-04-07"


def test_a_page_publication_date_alone_is_not_the_letters_date() -> None:
    letter = reply("今年新建公园3个。", header="发布日期: 2023-05-02")
    assert letter.metadata.date is None


def test_date_to_iso_reads_iso_dates_and_refuses_impossible_ones() -> None:
    assert date_to_iso("2021-11-10") == "2021-11-10"
    assert date_to_iso("2021-02-30") is None


@pytest.mark.parametrize("first_line", ["南字〔2021〕7号 C类", "南字〔2021〕7号（C类）", "南字〔2021〕7号\nC类"])
def test_a_category_beside_the_doc_number_is_the_letters_category(first_line: str) -> None:
    letter = reply("今年新建公园3个。", header=first_line)
    assert (letter.metadata.doc_number, letter.metadata.category) == ("南字〔2021〕7号", "C类")


def test_a_category_word_inside_a_sentence_is_not_a_category() -> None:
    letter = reply("今年新建B类公园3个。", header="南字〔2021〕7号")
    assert letter.metadata.category is None


def test_a_forms_reply_content_label_is_not_whom_the_letter_addresses() -> None:
    letter = parse("建议编号: 第8号\n答复内容:\n李华代表：\n\n您提出的建议收悉，现答复如下：\n\n今年新建公园3个。\n")
    assert letter.metadata.addressee == "李华代表"


def test_a_sign_off_with_the_signers_lines_after_its_date() -> None:
    letter = reply("今年新建公园3个。", after="\n感谢您对我局工作的关心和支持。\n\n某县住房和城乡建设局\n\n2020年9月24日\n\n"
                                          "承办负责人:张三\n\n承办人及联系电话:王五  0730-1234567\n")
    meta = letter.metadata
    assert (meta.agency, meta.date, meta.contact, meta.phone) == ("某县住房和城乡建设局", "2020年9月24日", "王五", "0730-1234567")
    assert meta.signer == "张三"
    assert [p.section_path for p in letter.paragraphs if "承办负责人" in p.text] == [(SIGNOFF_SECTION,)]


@pytest.mark.parametrize("field", ["主办单位: 某区交通运输局", "发布机构: | 某区交通运输局 | 发布日期: 2025-09-20",
                                   "索引号: 001/2025-01 发布机构: 某区交通运输局发文日期: 2025-09-15"])
def test_a_web_pages_labelled_agency_is_the_letters_agency(field: str) -> None:
    letter = reply("今年新开公交线路2条。", header=field, after="\n2025 915\n")
    assert letter.metadata.agency == "某区交通运输局"


def test_a_doc_number_glued_to_its_label() -> None:
    letter = reply("今年新造林3万亩。", header="索引号 001/2025-00189 生成日期 2025-08-26\n发文字号某林函〔2025〕559号 公开形式 主动公开")
    assert letter.metadata.doc_number == "某林函〔2025〕559号"


def test_a_labelled_reply_time_is_the_letters_date() -> None:
    letter = reply("今年新开公交线路2条。", header="答复时间: 2025-09-15")
    assert letter.metadata.date == "2025年9月15日"


def test_the_agency_before_a_title_without_its_about() -> None:
    letter = reply("已招聘教师30名。", header="2019年县人社局对县人大第三次会议第15号建议答复的函")
    assert letter.metadata.agency == "县人社局"


def test_a_title_in_a_web_pages_table_cell() -> None:
    letter = parse("发文单位: | 成文日期: |\n标 题: 某省生态环境厅关于第12号代表建议协办意见的函 | |\n\n某省发展改革委：\n\n"
                   "现提供协办意见如下：\n\n已完成整治3处。\n")
    assert letter.metadata.title == "某省生态环境厅关于第12号代表建议协办意见的函"


def test_the_agency_before_a_labelled_title() -> None:
    letter = parse("标 题: 某省生态环境厅关于第12号代表建议协办意见的函\n\n某省发展改革委：\n\n现提供协办意见如下：\n\n已完成整治3处。\n")
    assert letter.metadata.agency == "某省生态环境厅"


def test_a_salutation_listing_many_names() -> None:
    names = "、".join(f"{surname}晓{given}" for surname, given in zip("张李王赵钱孙周吴郑冯陈褚卫蒋沈", "明华军芳强丽静敏伟磊洋勇艳杰娟"))
    letter = parse(f"{names}委员:\n\n您提出的《关于继续改扩建学校的建议》收悉,现答复如下:\n\n今年新建学校3处。\n")
    assert letter.metadata.addressee == f"{names}委员"


def test_without_a_salutation_the_proposers_the_opening_names_are_the_addressee() -> None:
    letter = parse("关于对县十八届人大二次会议建议办理进展情况报告\n\n在县十八届人大二次会议上，张晓明、李晓华、王晓军等"
                   "提出的《关于新建文化广场的建议》由我局负责办理，现将办理进展情况汇报如下：\n\n已建成文化广场3个。\n")
    assert letter.metadata.addressee == "张晓明、李晓华、王晓军等"
    assert reply("已建成文化广场3个。在会上，赵晓强、钱晓丽等提出的意见已采纳。").metadata.addressee == "李华代表"


def test_a_salutation_after_a_web_pages_summary_is_the_addressee() -> None:
    letter = parse("文号: 某自然资议复〔2021〕1号\n\n内容概述: 张晓明等代表:您们提出的关于工业区扩区的建议收悉,现答复如下:工业区规划"
                   "面积1000亩……\n\n对县人大第六次会议第057号建议的答复\n\n浏览次数:  字体:[ ]\n\n张晓明代表:\n\n"
                   "提出的关于工业区扩区的建议收悉,现答复如下:\n\n工业区规划面积1000亩。\n")
    assert letter.metadata.addressee == "张晓明代表"
    joined = parse("（注:A已经解决或基本解决,B正在解决）\n\n市政协十三届四次会议委员提案第34号办理情况的报告\n\n"
                   "潘 凤代表: 非常感谢您提出的建议，现回复如下: 一、关于政府主导方面，全市建成景区12个。\n")
    assert joined.metadata.addressee == "潘 凤代表"


def test_a_web_pages_line_after_the_sign_off_does_not_hide_it() -> None:
    letter = reply("今年新建公路12公里。", after="\n某市交通运输局\n\n2018年6月20日\n\n"
                                            "正在阅读: 对某市人大三次会议代表建议第23号的答复\n")
    assert (letter.metadata.agency, letter.metadata.date) == ("某市交通运输局", "2018年6月20日")
    assert [p.section_path for p in letter.paragraphs if "新建公路" in p.text] != [(SIGNOFF_SECTION,)]


def test_a_sentence_after_the_last_date_is_no_sign_off() -> None:
    letter = reply("某市交通运输局", after="\n2018年6月20日\n\n"
                                       "今年新建公路12公里，明年计划再建20公里，资金已经落实到位。\n")
    assert [p.section_path for p in letter.paragraphs if "新建公路" in p.text] != [(SIGNOFF_SECTION,)]
