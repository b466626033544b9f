"""Typed values inside Chinese text: quantities, ranks, dates, percentages, money, names of documents."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.patterns import CN_NUMERALS, DAY, DOC_NUMBER, MONTH, YEAR

CN_DIGITS = CN_NUMERALS
"""Every character of a Chinese number (``index.patterns.CN_NUMERALS``)."""
MEASURE_WORDS = (
    "万元|亿元|千元|元|万人|万户|万个|万家|万套|万平方米|平方米|平方公里|公里|千米|米|吨|万吨|亩|公顷|"
    "个|家|项|期|人|名|套|次|批|所|座|条|台|件|户|场|份|篇|部|辆|张|本|处|栋|间|层|支|类|种|位|例|届|轮|天|小时|年|月|岁|倍|余|多"
)
_MEASURE = re.compile(rf"(?:{MEASURE_WORDS})")
_NUMBER = rf"(?:\d+(?:[.,]\d+)*(?:\.\d+)?|[{CN_DIGITS}]+)"

QUANTITY = re.compile(
    rf"(?P<prefix>近|约|超过|超|逾|共|累计|达到|达)?(?P<number>{_NUMBER})(?P<scale>万|亿|千|百)?"
    rf"(?P<approx>余|多)?(?P<unit>%|％|{MEASURE_WORDS})?"
)
RANK = re.compile(rf"第(?P<number>\d+|[{CN_DIGITS}]+)(?![\d{CN_DIGITS}])(?P<after>名|位)?(?![届号期次批条章节款项个])")
DATE = re.compile(rf"(?P<year>{YEAR})年(?:(?P<month>{MONTH})月(?:(?P<day>{DAY})日)?)?(?:年底|年末|底)?")
"""A year, a month or a day in running text: 2021年年底, 2022年6月, 二〇二二年六月十四日."""
PERCENT = re.compile(rf"\d+(?:\.\d+)?\s*[%％]|百分之[{CN_DIGITS}点]+")
MONEY = re.compile(rf"{_NUMBER}(?:万|亿|千)?(?:余|多)?(?:元|万元|亿元)")
PHONE = re.compile(r"(?<!\d)(?:\d{3,4}-)?\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)")
BOOK_TITLE = re.compile(r"《[^》]{2,80}》")
_VAGUE_AFTER_ONE = ("批", "种", "类", "些", "系列", "定")
_LIST_SEPARATOR = re.compile(r"[、，,和及与]")


@dataclass(frozen=True)
class Value:
    """A typed value found at ``start:end`` of a text."""

    kind: str
    text: str
    start: int
    end: int
    unit: str = ""


def quantities(text: str) -> list[Value]:
    """Counted or measured numbers (not years, dates, ranks or document numbers)."""
    excluded = _spans(DATE, text) + _spans(RANK, text) + _spans(DOC_NUMBER, text) + _spans(PHONE, text)
    found = []
    for match in QUANTITY.finditer(text):
        number = match.group("number")
        unit = match.group("unit") or ""
        if number in "十百千万亿" or _inside(match.span("number"), excluded) or _is_label(text, match):
            continue
        if not unit and not match.group("scale") and not number[0].isdigit():
            continue  # a bare Chinese numeral is a word, not a quantity
        if not unit and not any(ch.isdigit() for ch in number):
            continue
        if number == "一" and unit in _VAGUE_AFTER_ONE:
            continue  # 一批, 一系列: "a number of", not a count
        found.append(Value("quantity", match.group(0), match.start(), match.end(), unit))
    return found


def ranks(text: str) -> list[Value]:
    """Rankings such as 第8 or 第四名 (not 第四届 or 第131082号)."""
    return [Value("rank", m.group(0), m.start(), m.end()) for m in RANK.finditer(text)]


def dates(text: str) -> list[Value]:
    """Dates and years such as 2022年6月14日, 2021年年底, 二〇二二年六月十四日."""
    return [Value("date", m.group(0), m.start(), m.end()) for m in DATE.finditer(text)]


def percentages(text: str) -> list[Value]:
    """Percentages such as 28.0%."""
    return [Value("percent", m.group(0), m.start(), m.end(), "%") for m in PERCENT.finditer(text)]


def money(text: str) -> list[Value]:
    """Amounts of money such as 2198.56万元."""
    return [Value("money", m.group(0), m.start(), m.end(), "元") for m in MONEY.finditer(text)]


def years_in(text: str) -> set[str]:
    """Four-digit years mentioned in ``text``."""
    return set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))


def _is_label(text: str, match: re.Match) -> bool:
    """5G, 4K, 第四届: digits that name something rather than count it."""
    before = text[match.start("number") - 1] if match.start("number") > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return before == "第" or (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)
