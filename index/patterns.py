"""The vocabulary of a reply letter (答复函), defined once.

Cleaning (which lines stand alone), metadata (which facts a line gives),
structure (where the header, body and sign-off are) and retrieval (which
values a sentence holds) all read letters with these patterns, so they agree
on what a heading, a date, a label line, a 文号, an agency or a closing is.
Chinese numerals come from ``index.numerals``, which turns them into numbers.
"""
from __future__ import annotations

import re

from index.numerals import CN_BIG, CN_DIGITS as _DIGIT_VALUES, CN_UNITS

# --- Chinese numerals ---------------------------------------------------------------------

CN_DIGITS = "".join(_DIGIT_VALUES)
"""零〇○一二两三四五六七八九: the digits."""
CN_NUMERALS = CN_DIGITS + "".join(CN_UNITS) + "".join(CN_BIG)
"""Every character of a Chinese number (三万九千, 二〇二二, 十四)."""
CN_ORDINALS = "一二三四五六七八九十"
"""The numerals of heading markers, months and days (一、, （十二）, 六月十四日)."""
CN_YEAR_DIGITS = "".join(ch for ch in _DIGIT_VALUES if ch != "两")
"""The digits a year is written with, one by one (二〇二二, 二○二二)."""


def _spaced(word: str) -> str:
    """``word`` allowing one stray space between its characters ("抄 送")."""
    return r"\s?".join(re.escape(ch) for ch in word)


# --- headings -----------------------------------------------------------------------------

_ORDINAL = rf"[{CN_ORDINALS}百零〇\d]{{1,4}}"
HEADING_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第\s?{_ORDINAL}\s?章")),
    ("part", re.compile(rf"^第\s?{_ORDINAL}\s?节")),
    ("article", re.compile(rf"^第\s?{_ORDINAL}\s?条")),
    ("volume", re.compile(rf"^第\s?{_ORDINAL}\s?(?:篇|部分)")),
    # "一、二期工程", "三、四季度" are enumerations, not heading "一、".
    ("cn", re.compile(rf"^[{CN_ORDINALS}]{{1,3}}\s?(?:、(?![{CN_ORDINALS}]{{1,3}}[、期季等])|[.．](?![\d{CN_ORDINALS}]))")),
    ("cn_paren", re.compile(rf"^[（(]\s*[{CN_ORDINALS}]{{1,3}}\s*[）)]")),
    # "1.3亿元" and "1、2号楼" start with a number, not a marker.
    ("arabic", re.compile(r"^\d{1,2}\s*[.．、](?!\d)")),
    ("arabic_paren", re.compile(r"^(?:[（(]\s*\d{1,2}\s*[）)]|[⑴-⒇])")),
    ("arabic_half_paren", re.compile(r"^\d{1,2}[)）](?!\d)")),
    ("circled", re.compile(r"^[①-⑳]")),
    ("dotted", re.compile(r"^[⒈-⒛]")),
)
"""Heading markers by kind, matched at the start of a line: 第一章 第一节 第一条 第一部分 一、 （一） 1. （1） 1) ① ⒈."""


def heading_marker(line: str) -> tuple[str, re.Match[str]] | None:
    """The kind and match of the heading marker ``line`` starts with, or None."""
    for kind, marker in HEADING_MARKERS:
        match = marker.match(line)
        if match:
            return kind, match
    return None


def starts_with_heading(line: str) -> bool:
    """Whether ``line`` starts with a heading marker."""
    return heading_marker(line) is not None


# --- dates --------------------------------------------------------------------------------

YEAR = rf"\d{{4}}|[{CN_YEAR_DIGITS}]{{4}}"
MONTH = rf"\d{{1,2}}|[{CN_ORDINALS}]{{1,2}}"
DAY = rf"\d{{1,2}}|[{CN_ORDINALS}]{{1,3}}"
DATE = re.compile(rf"(?P<y>{YEAR})\s*年\s*(?P<m>{MONTH})\s*月\s*(?P<d>{DAY})\s*日")
"""A full date as letters write it: 2022年6月14日, 二〇二二年六月十四日."""
DATE_LINE = re.compile(rf"^[（(]?\s*(?:日期\s*[：:]\s*)?(?P<date>{DATE.pattern})\s*[）)]?$")
"""A line that is only a date (perhaps bracketed, perhaps "日期：…")."""

# --- labelled lines -----------------------------------------------------------------------

LABEL_WORDS = (
    "联系人", "联系电话", "电话", "联系方式", "手机", "经办人", "承办人", "签发人",
    "公开方式", "公开属性", "信息公开", "抄送", "抄报", "主送", "附件", "主题词", "印发", "发送",
    # Who signed for the agency, under its name and date ("承办负责人：胡军勇").
    "负责人", "承办负责人", "分管负责人",
    "主办单位", "协办单位", "会办单位", "联系单位",
    # Form fields of a reply sheet ("建议人：", "提案人：") whose value may be empty: never a salutation.
    "建议人", "提案人", "领衔人", "附议人",
)
"""Words that open a labelled header or sign-off line ("联系人：…", "抄送：…")."""

DISCLOSURE_NOTE = r"(?:主动公开|依申请公开|不予公开|不公开)"
"""How a letter states its disclosure on a line of its own: "（依申请公开）"."""
_LABEL = "|".join(_spaced(word) for word in sorted(LABEL_WORDS, key=len, reverse=True))
LABEL_LINE = re.compile(
    rf"^[（(]?\s*(?:(?:{_LABEL})\s*(?:[：:\d]|[^，。；;：:\n]{{1,8}}?[：:])|此件|本件|{DISCLOSURE_NOTE}[）)]?\s*$)"
)
"""A labelled line: a label word then its colon (or a number: "附件1"), perhaps after a few words
("联系人及电话：", "抄送单位："); or a disclosure note "（此件主动公开）", "（依申请公开）"."""


def is_label_line(line: str) -> bool:
    """True for labelled lines like "联系人：…", "电话：…", "抄送：…", "签发人：…", "（此件主动公开）"."""
    return LABEL_LINE.match(line) is not None


# --- 文号, agencies, titles, salutations, closings ----------------------------------------

_DOC_NUMBER_CORE = r"[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号"
DOC_NUMBER = re.compile(rf"[\u4e00-\u9fffA-Za-z]{{1,10}}\s*{_DOC_NUMBER_CORE}")
"""A document number (文号): 中工信函〔2022〕53号, 粤科函[2023]112号."""
DOC_NUMBER_TAIL = re.compile(_DOC_NUMBER_CORE)
"""The bracketed year and number of a 文号, with or without its agency prefix: 〔2022〕53号."""

AGENCY_SUFFIXES = ("委员会", "办公室", "小组", "政府", "中心", "公司", "集团", "局", "委", "办", "厅", "部",
                   "院", "署", "会", "室", "所", "处", "站", "队", "社", "馆", "行")
"""How the name of a government body (or company) ends."""
_ORG = rf"[\u4e00-\u9fff（）()]{{1,30}}(?:{'|'.join(AGENCY_SUFFIXES)})"
LABELLED_AGENCY = re.compile(rf"(?:主办单位|承办单位|发布机构|发文机关|发文单位)(?:\s*[：:|]\s*\|?\s*|\s+)(?P<org>{_ORG})")
"""A web page's or reply sheet's field naming the agency ("主办单位: 周村区交通运输局", "发布机构: | 沂水县教育和体育局")."""

AGENCY_LINE = re.compile(
    rf"^(?P<org>{_ORG}(?:\s+{_ORG})*)(?:[（(](?:盖章|印章|章)[）)])?(?:文件)?(?:\s*(?:{DATE.pattern}))?$"
)
"""A line naming the agency (joint replies: several, separated by spaces), perhaps "(盖章)" or the date after it."""

TITLE_ENDINGS = ("函", "复", "答复", "回复", "意见", "通知", "报告", "决定", "批复", "请示", "通报", "说明",
                 "公告", "通告", "纪要", "情况")
TITLE_END = re.compile(rf"(?:{'|'.join(TITLE_ENDINGS)})[”》」』）)]?$")
"""How a document title ends: …的函, …的答复, …意见."""
TITLE_WORDS = re.compile(r"关于|答复|提案|建议|议案")
"""Words a letter's title has."""

# A salutation is short, unless it lists names (十九位委员: "薛彦宁、贾黎、…、高培增委员：").
SALUTATION = re.compile(r"^(?:尊敬的)?(?P<who>[^：:。；;，,！!？?]{2,40}?"
                        r"|(?:[\u4e00-\u9fff]{2,4}、){2,}[^：:。；;，,！!？?、]{2,12}?)\s*[：:]$")
# "答复内容：" (a form's label above the reply) addresses no one.
_NOT_SALUTATION = re.compile(r"如下|以下|内容\s*[：:]$")


def is_salutation(line: str) -> bool:
    """True for a salutation line such as "彭诗敏委员：" (not "现答复如下：" or "附件：")."""
    return bool(SALUTATION.match(line) and not is_label_line(line) and not _NOT_SALUTATION.search(line))


_CLOSING_WORDS = r"(?:专此|特此)(?:答复|函复|回复|复函|函告|函达|说明|通知|复)|此(?:函复|答复|复)"
CLOSING = re.compile(rf"^(?:(?:专此|特此)(?:答复|函复|回复|复函|函告|函达|说明|通知|复)"
                     rf"|此(?:函复|答复|复)(?=[。！!，,\s]|$)|以上(?:答复|回复))")
"""A paragraph that opens the sign-off: 专此答复，…; 特此函复。; 此复; 以上答复…."""
CLOSING_LINE = re.compile(rf"(?:{_CLOSING_WORDS})[。.！!]?")
"""A line that is only a closing formula (use with ``fullmatch``)."""
