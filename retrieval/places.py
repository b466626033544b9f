"""Whether a letter can be about the place a question names.

Letters often do not name their own place: a county bureau writes 我县, 全县, 县委 and its county's name
appears nowhere in the text; a provincial department writes 全省, 省委. So a place missing from a letter
counts against it only when something says the question is about another place: another indexed letter
names it, or this letter names another place of the same rank instead (asked 广州市, it names 中山市).
A place whose rank its name does not show has the ranks of the divisions bearing it (南阳: 南阳市, a
city; 新建: 新建区, a county), or else is taken to be a city or a county, the ranks people name most.
Another letter names a place only unmistakably: with its suffix or as a province (新建 alone means
"newly built").
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

# China's 34 provincial-level divisions by the short names people use (the official list of names).
PROVINCES = frozenset(
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 "
    "四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门".split())
# The suffixes of administrative names, by rank (the official naming of divisions).
LEVEL_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("province", ("特别行政区", "自治区", "省")),
    ("city", ("地区", "市", "州", "盟")),
    ("county", ("县", "区", "旗")),
    ("town", ("街道", "镇", "乡")),
    ("village", ("社区", "村")),
)
# Every suffix, longest first (社区 before 区).
_SUFFIXES_LONGEST_FIRST = sorted((s for _, group in LEVEL_SUFFIXES for s in group), key=len, reverse=True)
# China's divisions at county level and above, by their full names (retrieval/data: from cpca, MIT).
DIVISIONS_FILE = Path(__file__).with_name("data") / "admin_divisions.txt"
# Ranks below the division list's (county): a name with their suffix is taken at its word.
_BELOW_THE_LIST = frozenset({"town", "village"})
# The suffixes of those ranks (镇, 村, 街道 …).
LOCAL_SUFFIXES = frozenset(s for level, group in LEVEL_SUFFIXES if level in _BELOW_THE_LIST for s in group)
# Ranks a bare name (南阳, 深圳) is compared at.
BARE_NAME_LEVELS = frozenset({"city", "county"})


def place_level(name: str) -> str | None:
    """The rank a place name shows: by its suffix, or as a province's short name; None when it shows none."""
    if name in PROVINCES:
        return "province"
    matches = [(len(s), level) for level, suffixes in LEVEL_SUFFIXES for s in suffixes
               if name.endswith(s) and len(name) > len(s)]
    return max(matches)[1] if matches else None  # the longest suffix: 河畔社区 is a 社区, not a 区


def bare_name(name: str) -> str:
    """The name without its rank suffix when two or more characters remain (郧西县 → 郧西, 环县 → 环县)."""
    suffix = next((s for s in _SUFFIXES_LONGEST_FIRST if name.endswith(s)), "")
    return name[:-len(suffix)] if suffix and len(name) - len(suffix) >= 2 else name


@cache
def division_names() -> frozenset[str]:
    """The full names of China's divisions at county level and above (天门市, 环县, 新建区)."""
    lines = DIVISIONS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _divisions_by_bare_name() -> dict[str, tuple[str, ...]]:
    """Each division's name without its suffix → the full names that bear it (新建 → 新建区)."""
    found: dict[str, list[str]] = {}
    for name in sorted(division_names()):
        found.setdefault(bare_name(name), []).append(name)
    return {bare: tuple(names) for bare, names in found.items()}


def division_prefix(word: str) -> str | None:
    """The longest full division name of three or more characters (北京市, 海淀区) that ``word`` begins with
    and is longer than, or None. Two-character names are left out: 城区, 郊区 and 矿区 are divisions too,
    and begin common words (城区改造)."""
    names = division_names()
    longest = _longest_division_name()
    return next((word[:end] for end in range(min(len(word) - 1, longest), 2, -1) if word[:end] in names), None)


@cache
def _longest_division_name() -> int:
    return max(map(len, division_names()))


def is_place_name(name: str) -> bool:
    """Whether a name can be a place in China: a division at county level or above, with or without its
    suffix (天门市, 天门, 环县), or a province's short name, as the division list has them all; or, below
    county level, which the list does not reach, at least two characters before a town's or village's
    suffix (石溪镇, 马家洞村). So the common words jieba's dictionary tags as places (惠及, 开园, 黄化,
    英雄), words that merely end in a rank's character (城市, 山区, 自治州) and foreign names a dictionary
    renders with one (农林水产省) are not places. A word that is also a division's name (新建, for 新建区)
    still is."""
    if name in division_names() or name in _divisions_by_bare_name() or name in PROVINCES:
        return True
    return is_local_place_name(name)


def is_local_place_name(name: str) -> bool:
    """A town's or village's name: two or more characters before its rank suffix (石溪镇, 马家洞村)."""
    return place_level(name) in _BELOW_THE_LIST and len(bare_name(name)) < len(name)


def names_place(alternatives: Iterable[str], text: str) -> bool:
    """The text names the place, with or without its rank suffix (郧西县 or 郧西)."""
    return any(a and (a in text or bare_name(a) in text) for a in alternatives)


def names_place_unmistakably(alternatives: Iterable[str], text: str) -> bool:
    """The text names the place in a form no common word takes: with its rank suffix (新建区, not 新建,
    which also means "newly built"), or by a province's short name. What counts against another letter."""
    return any(form in text for form in unmistakable_forms(alternatives))


def unmistakable_forms(alternatives: Iterable[str]) -> tuple[str, ...]:
    """The forms of a place name ``names_place_unmistakably`` looks for: a name with its rank suffix or a
    province as it is; a bare name as the divisions bearing it (新建 → 新建区), or as it is if none does."""
    forms: list[str] = []
    for alternative in alternatives:
        if not alternative:
            continue
        if alternative in PROVINCES or alternative != bare_name(alternative):
            forms.append(alternative)
        else:
            forms += _divisions_by_bare_name().get(alternative, (alternative,))
    return tuple(dict.fromkeys(forms))


def _levels_of(name: str) -> set[str]:
    """The ranks a name can have: its suffix's; for a bare name, those of the divisions bearing it
    (新建 → county, as 新建区), else a city's or a county's (``BARE_NAME_LEVELS``)."""
    level = place_level(name)
    if level:
        return {level}
    divisions = _divisions_by_bare_name().get(name, ())
    return {place_level(full) for full in divisions} - {None} or set(BARE_NAME_LEVELS)


def letter_can_be_about(alternatives: Iterable[str], letter_text: str, letter_places: Iterable[str], *,
                        named_elsewhere: bool) -> bool:
    """True unless the letter never names the asked place and either another letter does
    (``named_elsewhere``) or this one names another place of the asked place's rank.

    ``alternatives``: ways of writing the asked place (one for a Chinese question, the dictionary's
    renderings for an English one); ``letter_places``: the place names found in the letter.
    """
    alternatives = [a for a in alternatives if a]
    if names_place(alternatives, letter_text):
        return True
    if named_elsewhere:
        return False
    return not names_another_of_its_rank(alternatives, letter_places)


def names_another_of_its_rank(alternatives: Iterable[str], letter_places: Iterable[str]) -> bool:
    """Whether a letter's place names (``letter_places``) hold another place of the asked place's rank: asked
    勉县, the letter names 城固县; asked 雅安, naming 雅安市 and the counties 宝兴县 and 石棉县 is not another."""
    alternatives = [a for a in alternatives if a]
    levels = {level for a in alternatives for level in _levels_of(a)}
    return any(place_level(p) in levels and not names_place(alternatives, p) for p in letter_places)
