"""Training questions reworded away from their answer's sentence, so the reader learns paraphrased questions.

In the reading-comprehension data a question usually repeats its answer sentence's words; people asking
about a letter mostly do not ("融了多少钱" for "融资13亿元", "新加了哪个站" for "增设…一站"). A reader
trained on the data alone learns "few shared words → no answer": on the calibration split its median
margin is 7.5 where under a fifth of the question's character pairs are in the answer sentence and
11.6–13.9 where more are. A loosened copy of a question replaces some of the words it shares with the
answer sentence by a CC-CEDICT near-synonym (a word with one of its main English glosses that shares a
character with it: 举行 → 举办, 花费 → 花销), so that the copy leans on meaning, not on copied words;
names and numbers stay. Negatives are made from the copies as from the
originals, so no-answer is still learnt for them. Written by hand: no offline Chinese paraphraser is
maintained for this machine; the dictionary is the one the English renderings use.
"""
from __future__ import annotations

import random
import re
from collections import defaultdict
from functools import cached_property

import jieba.posseg

from ..crosslingual import cedict_entries
from .data import Example, answer_sentence
from .gloss import QUESTION_WORDS

# Of the words a question shares with its answer sentence, the share reworded (at least one). Set before
# training, not tuned: half keeps what the question is about recognisable.
REWORDED_SHARE = 0.5
# A gloss shared by more words than this ("to do", "good") says nothing about meaning.
MAX_GLOSS_WORDS = 30
# Glosses longer than this many English words are definitions, not synonyms.
MAX_GLOSS_LENGTH = 3
# Only a word's first senses count (CC-CEDICT lists the main meaning first): 游戏 "game" is no 戏剧 "play".
SENSES_COMPARED = 2
# jieba's tags of names and numbers, never reworded: they anchor what the question is about.
_KEPT_TAGS = ("nr", "ns", "nt", "nz", "m", "eng", "x")
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_SKIPPED_GLOSS = ("cl:", "variant", "see ", "old variant", "surname", "abbr", "used in", "particle")


class QuestionLoosener:
    """Chinese question → a copy sharing fewer words with the answer's sentence (or None)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())

    def loosened(self, example: Example) -> str | None:
        """The question with some words it shares with the answer sentence reworded; None when it shares none."""
        sentence = answer_sentence(example)
        tagged = self._tagger.lcut(example.question)
        words = [pair.word for pair in tagged]
        synonyms = {i: self._near_synonyms(pair.word, sentence) for i, pair in enumerate(tagged)
                    if _HAN_WORD.fullmatch(pair.word) and pair.word in sentence and pair.word not in QUESTION_WORDS
                    and not pair.flag.startswith(_KEPT_TAGS)}
        shared = [i for i, near in synonyms.items() if near]
        if not shared:
            return None
        count = max(1, round(len(shared) * REWORDED_SHARE))
        for i in sorted(self._rng.sample(shared, count)):
            words[i] = self._rng.choice(synonyms[i])
        return "".join(words)

    def _near_synonyms(self, word: str, sentence: str) -> list[str]:
        """Dictionary words sharing a main gloss and a character with ``word``, absent from the sentence."""
        return sorted(w for w in self._synonyms.get(word, ()) if w not in sentence)

    @cached_property
    def _synonyms(self) -> dict[str, set[str]]:
        by_gloss: dict[str, set[str]] = defaultdict(set)
        glosses_of: dict[str, set[str]] = defaultdict(set)
        for word, senses in cedict_entries():
            if not _HAN_WORD.fullmatch(word):
                continue
            for sense in senses[:SENSES_COMPARED]:
                gloss = re.sub(r"^to ", "", re.sub(r"\([^)]*\)", "", sense).strip().lower())
                if gloss and not gloss.startswith(_SKIPPED_GLOSS) and len(gloss.split()) <= MAX_GLOSS_LENGTH:
                    by_gloss[gloss].add(word)
                    glosses_of[word].add(gloss)
        synonyms: dict[str, set[str]] = {}
        for word, glosses in glosses_of.items():
            near = {other for gloss in glosses if len(by_gloss[gloss]) <= MAX_GLOSS_WORDS
                    for other in by_gloss[gloss] if other != word and set(other) & set(word)}
            if near:
                synonyms[word] = near
        return synonyms

