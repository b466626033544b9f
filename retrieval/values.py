"""Values in running Chinese text that answering and the LLM guard read: measure words, dates, years."""
from __future__ import annotations

import re

from index.patterns import DAY, MONTH, YEAR

MEASURE_WORDS = (
    "万元|亿元|千元|元|万人|万户|万个|万家|万套|万平方米|平方米|平方公里|公里|千米|米|吨|万吨|亩|公顷|"
    "个|家|项|期|人|名|套|次|批|所|座|条|台|件|户|场|份|篇|部|辆|张|本|处|栋|间|层|支|类|种|位|例|届|轮|天|小时|年|月|岁|倍|余|多"
)
"""Units a counted number is followed by (多少家 asks for 家)."""
DATE = re.compile(rf"(?P<year>{YEAR})年(?:(?P<month>{MONTH})月(?:(?P<day>{DAY})日)?)?(?:年底|年末|底)?")
"""A year, a month or a day in running text: 2021年年底, 2022年6月, 二〇二二年六月十四日."""


def years_in(text: str) -> set[str]:
    """Four-digit years mentioned in ``text``."""
    return set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))
