"""Romanised Chinese names in English questions (Gaoping, Zhongfang) found among the letters' words by
their pinyin: towns, villages and projects are seldom in a dictionary, and a name the dictionary does
not render would otherwise be no search word at all."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import cache

from .places import bare_name, place_level

# Names of two to four characters: a county's or a town's without its suffix (高平, 忠防); a single
# syllable (Long, Fang) would match too many words, and English words rarely spell a longer name.
NAME_CHARS = (2, 4)
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_PINYIN_KEY = re.compile(r"[^a-z]")


class RomanisedNames:
    """The words of a vocabulary by their toneless pinyin, run together (高平 → gaoping), built on first use."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = words  # sorted out on first use: most indexes never see an English name
        self._by_pinyin: dict[str, tuple[str, ...]] | None = None
        self._lock = threading.Lock()

    def words_for(self, name: str, suffixes: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The vocabulary's words spelt ``name`` in pinyin ("Gaoping" → 高平, 高坪), in a fixed order; a place's
        full name is spelt by its name without the rank suffix too ("Bailu" → 百禄镇, where the letters only
        have the full name). ``suffixes``: the rank an English word gave the name ("Huan county" → 县), whose
        pinyin is added to the name ("huanxian" → 环县: a one-character name spells nothing on its own)."""
        index = self._index()
        key = _PINYIN_KEY.sub("", name.lower())
        if not key:
            return ()
        found = list(index.get(key, ()))
        for suffix in suffixes:
            found += [w for w in index.get(key + _spelt(suffix), ()) if w.endswith(suffix) and w not in found]
        return tuple(found)

    def _index(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            if self._by_pinyin is None:
                from pypinyin import lazy_pinyin  # its tables cost 50 MB: only once an English name is asked

                found: dict[str, set[str]] = {}
                for word in self._words:
                    if not _CJK.fullmatch(word):
                        continue
                    if NAME_CHARS[0] <= len(word) <= NAME_CHARS[1]:
                        found.setdefault("".join(lazy_pinyin(word)), set()).add(word)
                    bare = bare_name(word) if place_level(word) else word
                    if bare != word and NAME_CHARS[0] <= len(bare) <= NAME_CHARS[1]:
                        found.setdefault("".join(lazy_pinyin(bare)), set()).add(word)
                self._by_pinyin = {key: tuple(sorted(words)) for key, words in found.items()}
            return self._by_pinyin


# How alike (difflib's ratio) an English name and a place's toneless pinyin must be for the name to be that
# place written in English; the place's name without its rank suffix, or as much of it as the English name is
# long (Guangxi: 广西壮族自治区). Pinyin spellings are 1.0 (Nanning, Dali); the older spellings still in use come
# close (Qiqihar qiqihaer 0.93, Harbin 0.92, Lhasa 0.89). Below: other places the dictionary renders an English
# word or name by (for Guangxi the counties whose entries name it: 港北区 0.71, 灌阳县 0.67, 靖西 0.62; for
# Nanning 南安市 0.67), and English words it also renders as places (New 新建 0.20, Area 城区 0.18, Center
# 老城区 0.43): "Wuxiang New Area" had required the letter to name 新建. Lost as places, still searched for:
# exonyms that are no spelling (Tibet, Hong Kong) and the furthest old ones (Urumqi 0.71, Hohhot 0.67).
SPELT_ALIKE_RATIO = 0.8


def spelt_alike(name: str, place: str) -> bool:
    """Whether the English ``name`` is the place ``place`` spelt in pinyin, or nearly (Qiqihar: 齐齐哈尔市)."""
    key = _PINYIN_KEY.sub("", name.lower())
    if not key:
        return False
    spelt = _spelt(bare_name(place) if place_level(place) else place)
    return max(SequenceMatcher(None, key, spelt).ratio(),
               SequenceMatcher(None, key, spelt[:len(key)]).ratio()) >= SPELT_ALIKE_RATIO


@cache
def _spelt(word: str) -> str:
    """A word's toneless pinyin, run together (县 → xian, 齐齐哈尔 → qiqihaer)."""
    from pypinyin import lazy_pinyin  # its tables cost 50 MB: only once an English name is asked
    return "".join(lazy_pinyin(word))
