"""Facts of a reply letter (答复函) read from its header and sign-off lines.

The functions here see plain lines only (no offsets, no sections); the
patterns of a letter's lines (dates, 文号, agencies, labels, salutations) are
``index.patterns``. ``index.structure`` uses ``is_signoff_line`` to find where
the sign-off begins, then calls ``extract_metadata`` on the three parts.
Every extractor returns ``None`` when the fact is absent.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence

from index.numerals import chinese_number
from index.patterns import AGENCY_LINE, DATE, DATE_LINE, DISCLOSURE_NOTE, DOC_NUMBER, LABEL_LINE, LABELLED_AGENCY, SALUTATION, TITLE_END, is_salutation
from index.types import LetterMetadata

_NUMBER = r"([A-Za-z]?\d[\d\-－]*)"
PROPOSAL_NUMBER = re.compile(
    rf"第\s*{_NUMBER}\s*号\s*(?:代表|委员)?(?:提案|建议|议案)"
    rf"|(?:提案|建议|议案)\s*第\s*{_NUMBER}\s*号"
)

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# A web page's table gives the letter's own date as "发文日期: 2021-11-10" or "答复时间: 2025-09-15" (not 发布日期 or 生效日期: the
# page's publication and the rule's effect, which can be weeks later).
LABELLED_ISO_DATE = re.compile(r"(?:发文|成文|答复|签发|印发)(?:日期|时间)\s*[：:|]?\s*\|?\s*(\d{4}-\d{1,2}-\d{1,2})(?!\d)")

CATEGORY = re.compile(r"^[（(【\[]?\s*(?:(?:答复)?类别\s*[：:]\s*)?([A-DＡ-Ｄ])\s*类\s*[）)】\]]?$")
# The category set after the 文号 on its line, as the top right of many replies has it: "忠字〔2020〕1号 B类".
CATEGORY_AFTER_DOC_NUMBER = re.compile(rf"(?:{DOC_NUMBER.pattern})\s*[（(【\[]?\s*(?P<letter>[A-DＡ-Ｄ])\s*类\s*[）)】\]]?$")

# A reply sheet's 办理结果 as boxes, the one ticked: "A已解决() B正在解决(√) C计划解决() D不能解决()".
CATEGORY_TICKED = re.compile(r"(?<![A-Za-z])(?P<letter>[A-DＡ-Ｄ])\s*[.．、]?\s*(?P<words>[\u4e00-\u9fff]{1,8})\s*[（(]\s*[√✓✔]\s*[）)]")

CONTACT = re.compile(r"(?:联系人|经办人|承办人)(?:及(?:联系)?电话|和(?:联系)?电话)?\s*[：:]\s*([^\s，,；;、：:（）()\d]+)")
PHONE = re.compile(r"(?:联系电话|电话|联系方式|手机)\s*[：:]\s*(\+?[\d（(][\d\-－—（）()转\s]*\d)"
                   r"|(?:联系人|经办人|承办人)[及和](?:联系)?电话\s*[：:][^\d]*(\+?\d[\d\-－—转]*\d)")
DISCLOSURE = re.compile(
    r"公开(?:方式|属性)\s*[：:]\s*([\u4e00-\u9fff][^\s。；;，,）)|]*)|此件(主动公开|依申请公开|不予公开|不公开|公开发布)"
    rf"|^[（(]\s*({DISCLOSURE_NOTE})\s*[）)]$"
)
_DOC_NUMBER_LABEL = re.compile(r"^(?:发文字号|发文编号|文号|字号)\s*")
_TITLE_CELL = re.compile(r"^标\s*题\s*[：:]\s*\|?\s*|[\s|]+$")
_TABLE_ROW = re.compile(r"[：:]\s*\|")   # "发文单位: | 成文日期: |": labels with empty cells, no title
_LEADING_YEAR = re.compile(r"^\d{4}年")
_NOTE = re.compile(r"^[（(]?\s*注\s*[：:]")   # a note on the form, "(注:A已经解决或基本解决,…)"
_TABLE_LABEL = re.compile(r"^[^：:|]{1,8}[：:|]\s*\|?\s*")   # a web page table's label before its value
# The meeting a proposal was made at, as titles and openings name it: "市十七届人大五次会议", "省人大十三届四次
# 会议", "政协成安县第十届委员会第三次会议", "县十八届人民代表大会二次会议"; the level (省/市/县…) and body
# just before the 届 are kept, a place name further left is not (it cannot be told from an agency's words).
SESSION = re.compile(
    r"(?:(?:自治区|省|市|县|区)(?:人大|政协)?|(?:人大|政协)(?:[^\s，,。、对于在局的]{1,3}?(?:省|市|县|区))?)?"
    r"第?[一二三四五六七八九十]+届(?:人大|政协|人民代表大会|委员会)?(?:常委会)?第?[一二三四五六七八九十]+次(?:全体)?会议?")
# The bodies that handle a proposal beside the replying agency (会办单位), as letters name them: a header's label
# ("会办单位: 贵阳市政府,遵义市政府"), or the opening's "经综合市科技局、商务局意见" / "经征求…意见" / "经商…同意" /
# "由我部会同水利部办理" / "由我局主办，市教育局会办". Each body ends in a body's word (as an agency does);
# "会同有关部门全力打好…" (no 办理 after it) is an action, not the handling, so the opening's forms need their
# verb of handling.
_BODY = r"[^，,。；;：:“”《》\s]{1,30}?(?:[局部委厅办院府会所站处室队社司]|中心|单位|部门)"
_BODIES = rf"{_BODY}(?:[、和及与,，]{_BODY})*(?:等(?:单位|部门)?)?"
CO_HANDLERS = re.compile(
    r"(?:会办|协办|参办)(?:单位|部门)\s*[：:|]\s*\|?\s*([^|]+?)\s*\|?\s*$"
    rf"|(?:(?:经|已)(?:综合|征求|会商|听取)了?|经商)({_BODIES})的?(?:意见|同意)"
    rf"|会同({_BODIES})(?:共同|一起)?(?:办理|研究办理|办复|答复)"
    rf"|主办[，,]({_BODIES})(?:会办|协办)(?![单部])")
# Who signed for the agency: an official document's 签发人 (header), a reply sheet's 承办负责人 (sign-off).
SIGNER = re.compile(r"(?:签发人|(?:承办|分管)?负责人)\s*[：:]\s*([\u4e00-\u9fff]{2,4}(?:\s[\u4e00-\u9fff]{1,2})?)(?![\u4e00-\u9fff])")
# Without a salutation, the proposers named in the letter's opening ("在县十八届人大二次会议上，万守文、梁清君、…、
# 冯彦丽等提出的《…》"): at least two names joined by 、, then 等 and perhaps their count and role, then 提出的.
PROPOSERS = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4}等(?:\d+|[一二三四五六七八九十]+)?[名位]?(?:代表|委员)?)"
                       r"(?:联名)?提出的")
# A salutation that opens a paragraph, its text after it: names (perhaps spaced, 潘 凤) and a role.
OPENING_SALUTATION = re.compile(r"^(?:尊敬的)?(?P<who>[\u4e00-\u9fff][\u4e00-\u9fff\s、]{1,40}?(?:代表|委员))\s*[：:]\s*\S")
MAIN_RECIPIENT = re.compile(r"^主\s*送\s*[：:]\s*(.+?)[\s。．.]*$")
CC = re.compile(r"^[（(]?\s*抄\s*送\s*[：:]\s*(.+?)[\s。．.）)]*$")


def is_signoff_line(line: str) -> bool:
    """True for lines that can make up a sign-off: agency, date, labels, category."""
    return bool(AGENCY_LINE.match(line) or DATE_LINE.match(line)
                or LABEL_LINE.match(line) or CATEGORY.match(line))


def date_to_iso(date: str) -> str | None:
    """"2022年6月14日", "二〇二二年六月十四日" or "2022-06-14" → "2022-06-14"; None if not a valid date."""
    iso = ISO_DATE.fullmatch(date.strip())
    if iso:
        try:
            return datetime.date(*(int(part) for part in iso.groups())).isoformat()
        except ValueError:
            return None
    match = DATE.search(date)
    if not match:
        return None
    try:
        day = datetime.date(*(chinese_number(match[part]) for part in "ymd"))
    except (ValueError, KeyError, TypeError):
        return None
    return day.isoformat()


# A web page may put a summary, the title again and a view counter before the salutation, so the body reads
# from the summary (one real-dev letter's salutation is its 4th body paragraph). A salutation line among the
# first of them addresses the letter when the header has none.
SALUTATION_PARAGRAPHS = 5
# The body paragraphs that open a letter: where its intro names the proposal ("您提出的《…》(提案第131082号)收悉")
# and, in a letter without a salutation, its proposers.
OPENING_PARAGRAPHS = 3


def extract_metadata(header: Sequence[str], body: Sequence[str],
                     signoff: Sequence[str]) -> LetterMetadata:
    """Read a letter's metadata from its header, body and sign-off paragraphs.

    The sign-off is searched before the header for contact, date and the like;
    the proposal number is looked for in the title, the header and the first
    body paragraphs (the intro "您提出的《…》(提案第131082号)收悉"), and so are the
    proposers where no salutation names them.
    """
    title = find_title(header)
    date = _date(signoff) or _date(header) or _labelled_iso_date([*header, *signoff])
    ends = [*signoff, *header]
    return LetterMetadata(
        agency=_agency(header, signoff, title),
        doc_number=_doc_number(header),
        title=title,
        addressee=(_addressee(header) or _salutation(body[:SALUTATION_PARAGRAPHS])
                   or _first(PROPOSERS, [*header, *body[:OPENING_PARAGRAPHS]])),
        # a header may break its line between 提案 and 第34号 ("…委员提案\n第34号办理情况的报告"): pairs joined last
        proposal_number=_first(PROPOSAL_NUMBER, [title or "", *header, *body[:OPENING_PARAGRAPHS],
                                                 *(a + b for a, b in zip(header, header[1:]))]),
        date=date,
        date_iso=date_to_iso(date) if date else None,
        contact=_first(CONTACT, ends),
        phone=_first(PHONE, ends),
        disclosure=_first(DISCLOSURE, ends),
        cc=_first(CC, ends),
        category=_category(ends),
        signer=_first(SIGNER, ends),
        session=_first(SESSION, [title or "", *header, *body[:OPENING_PARAGRAPHS], *signoff]),  # 正在阅读: 对…答复
        co_handlers=_first(CO_HANDLERS, [*header, *body[:OPENING_PARAGRAPHS]]),
    )


def _first(pattern: re.Pattern[str], lines: Iterable[str]) -> str | None:
    """The first match in ``lines``: its first non-empty group, or the whole match."""
    for line in lines:
        match = pattern.search(line)
        if match:
            value = next((group for group in match.groups() if group), match.group(0))
            return value.strip()
    return None


def _doc_number(header: Sequence[str]) -> str | None:
    """The header's 文号, without a label glued to it ("发文字号宁林函〔2025〕559号": a page's table cell)."""
    found = _first(DOC_NUMBER, header)
    if found is None:
        return None
    return _DOC_NUMBER_LABEL.sub("", found) or found


def find_title(header: Sequence[str]) -> str | None:
    """The "…关于…的函/答复/复函/意见" line (joined with the next if the title wraps),
    else the first long header line that is not some other known field. A web page's table cell gives
    it without its label and borders ("标 题: …的函 | |")."""
    header = [_TITLE_CELL.sub("", line) for line in header]
    for index, line in enumerate(header):
        if "关于" not in line or is_salutation(line):
            continue
        if TITLE_END.search(line):
            return line
        following = header[index + 1] if index + 1 < len(header) else ""
        if TITLE_END.search(following) and not DOC_NUMBER.search(following):
            return line + following
    # else the first long line that is no note ("(注:A已经解决…)"), joined with the next where that ends the
    # title ("黄石市政协十三届四次会议委员提案" / "第34号办理情况的报告")
    for index, line in enumerate(header):
        if len(line) >= 12 and not _is_known_line(line) and not _TABLE_ROW.search(line) and not _NOTE.match(line):
            following = header[index + 1] if index + 1 < len(header) else ""
            joined = not TITLE_END.search(line) and TITLE_END.search(following) and not _is_known_line(following)
            return line + following if joined and not _TABLE_ROW.search(following) else line
    return None


def _is_known_line(line: str) -> bool:
    return bool(is_signoff_line(line) or is_salutation(line) or DOC_NUMBER.search(line))


def _agency(header: Sequence[str], signoff: Sequence[str], title: str | None) -> str | None:
    """The header's organisation line, else the sign-off's, else the title's prefix, else a labelled field
    ("主办单位: …"; last: a page's 发布机构 may be the site's office rather than the agency replying)."""
    for line in [*header, *signoff]:
        match = AGENCY_LINE.match(line)
        if match:
            return match["org"]
    # "2019年县人社局对县人大…第115号建议答复的函"; a table label other than 标题's (find_title) left before it
    prefix = (title.partition("关于")[0] if "关于" in title else title.partition("对")[0]) if title else ""
    match = AGENCY_LINE.match(_LEADING_YEAR.sub("", _TABLE_LABEL.sub("", prefix)))
    if match:
        return match["org"]
    labelled = next((m for m in map(LABELLED_AGENCY.search, header) if m), None)
    return labelled["org"] if labelled else None


def _addressee(header: Sequence[str]) -> str | None:
    """The salutation without "尊敬的" and the colon ("彭诗敏委员：" → "彭诗敏委员"),
    else a "主送：…" line's value."""
    return _salutation(reversed(header)) or _first(MAIN_RECIPIENT, header)


def _salutation(lines: Iterable[str]) -> str | None:
    """Who the first salutation of ``lines`` addresses: a salutation line, or a paragraph that opens with one
    naming a deputy or member ("潘凤代表: 非常感谢您提出的…", as web pages join them)."""
    for line in lines:
        if is_salutation(line):
            return SALUTATION.match(line)["who"].strip()
        match = OPENING_SALUTATION.match(line)
        if match:
            return match["who"].strip()
    return None


def _labelled_iso_date(lines: Sequence[str]) -> str | None:
    """A date given only as a labelled ISO date ("成文日期: | 2021-05-25"), written as letters write dates."""
    for line in lines:
        match = LABELLED_ISO_DATE.search(line)
        iso = date_to_iso(match[1]) if match else None
        if iso:
            year, month, day = (int(part) for part in iso.split("-"))
            return f"{year}年{month}月{day}日"
    return None


def _date(lines: Sequence[str]) -> str | None:
    """A date as written: a line that is only a date first, else any date in the lines."""
    for line in lines:
        match = DATE_LINE.match(line)
        if match:
            return match["date"]
    for line in lines:
        match = DATE.search(line)
        if match:
            return match.group(0)
    return None


def _category(lines: Sequence[str]) -> str | None:
    """"(A类)" or "答复类别：A类" → "A类" (full-width letters are normalised); a ticked box of a reply sheet's
    办理结果 ("A已解决() B正在解决(√) C计划解决()") → "B类（正在解决）"."""
    letter = _first(CATEGORY, lines)
    if letter is None:
        after = next((m for m in map(CATEGORY_AFTER_DOC_NUMBER.search, lines) if m), None)
        letter = after.group("letter") if after else None
    if letter is None:
        ticked = next((m for m in map(CATEGORY_TICKED.search, lines) if m), None)
        if ticked:
            return f"{unicodedata.normalize('NFKC', ticked['letter'])}类（{ticked['words']}）"
    return f"{unicodedata.normalize('NFKC', letter)}类" if letter else None
