"""Romanised Chinese names in English questions (Gaoping, Zhongfang) found among the letters' words by
their pinyin: towns, villages and projects are seldom in a dictionary, and a name the dictionary does
not render would otherwise be no search word at all."""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable

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

    def words_for(self, name: str) -> tuple[str, ...]:
        """The vocabulary's words spelt ``name`` in pinyin ("Gaoping" → 高平, 高坪), in a fixed order."""
        return self._index().get(_PINYIN_KEY.sub("", name.lower()), ())

    def _index(self) -> dict[str, tuple[str, ...]]:
        with self._lock:
            if self._by_pinyin is None:
                from pypinyin import lazy_pinyin  # its tables cost 50 MB: only once an English name is asked

                found: dict[str, list[str]] = {}
                for word in self._words:
                    if NAME_CHARS[0] <= len(word) <= NAME_CHARS[1] and _CJK.fullmatch(word):
                        found.setdefault("".join(lazy_pinyin(word)), []).append(word)
                self._by_pinyin = {key: tuple(sorted(words)) for key, words in found.items()}
            return self._by_pinyin
