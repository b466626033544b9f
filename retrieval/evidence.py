"""Evidence: the sentences and clauses of retrieved chunks, and how well each matches a question."""
from __future__ import annotations

import re
from dataclasses import dataclass

from index.chunking import split_sentences

from .crosslingual import TermGroup
from .lexicon import normalize
from .question import Question
from .types import Hit
from .values import dates, money, percentages, quantities, ranks

_CLAUSE_END = re.compile(r"[，,；;。！？!?：:]")
_LEADING_FILLER = re.compile(r"^(其中|另外|此外|同时|并且|并|且|以及|一是|二是|三是|四是|五是|六是|目前|当前|现已|截至目前|总体上|另|共)[，,]?")
RANK_WORDS = ("排名", "排第", "全省", "全市", "全国", "名次", "排")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a retrieved chunk."""

    text: str
    norm: str
    hit: Hit
    rank: int                   # the chunk's retrieval rank
    clauses: tuple[str, ...]

    @property
    def context(self) -> str:
        """Normalised text the sentence is read in: its section path and itself."""
        return normalize(self.hit.chunk.section) + " " + self.norm


@dataclass(frozen=True)
class Candidate:
    """A possible answer: clauses ``first..last`` of one sentence, with its score."""

    sentence: Sentence
    first: int
    last: int
    score: float
    value: str = ""

    @property
    def text(self) -> str:
        return "，".join(self.sentence.clauses[self.first:self.last + 1])


def sentences_of(hits: list[Hit]) -> list[Sentence]:
    """Every sentence of the hits, best hit first."""
    found = []
    for rank, hit in enumerate(hits):
        for line in hit.chunk.text.splitlines():  # a paragraph break ends a sentence (a heading on its own line)
            for start, end in split_sentences(line):
                sentence = " ".join(line[start:end].split())
                clauses = tuple(c.strip() for c in _CLAUSE_END.split(sentence) if c.strip())
                if clauses:
                    found.append(Sentence(sentence, normalize(sentence), hit, rank, clauses))
    return found


class Matcher:
    """Weighs a question's ideas and finds them in texts."""

    def __init__(self, idf: "callable[[str], float]", known: "callable[[str], bool]", sub_words: "callable[[str], list[str]]") -> None:
        self._idf = idf
        self._known = known
        self._sub_words = sub_words

    def weight(self, group: TermGroup) -> float:
        """An idea's weight: the rarest of its known words; unknown words count half."""
        known = [self._idf(alt) for alt in group.alternatives if self._known(alt)]
        return max(known) if known else 0.5 * self._idf("\0never")

    def match(self, group: TermGroup, text: str) -> float:
        """1 when the idea is in ``text``, a fraction when only parts of a long word are, else 0."""
        if any(alt in text for alt in group.alternatives):
            return 1.0
        if len(group.alternatives) == 1:
            parts = self._sub_words(group.alternatives[0])
            if parts:
                return 0.7 * sum(part in text for part in parts) / len(parts)
        return 0.0

    def coverage(self, question: Question, text: str) -> float:
        """The weighted share of the question's ideas found in ``text``.

        Place names are left out: they say which letter, not which sentence, and
        are checked against the whole letter instead.
        """
        places = {place.source for place in question.places}
        groups = [g for g in question.groups if g.source not in places]
        weights = [self.weight(g) for g in groups]
        total = sum(weights)
        if not total:
            return 0.0
        return sum(w * self.match(g, text) for g, w in zip(groups, weights)) / total

    def score(self, question: Question, text: str, *, skip: tuple[str, ...] = ()) -> float:
        """Sum of the weights of the ideas found in ``text``."""
        return sum(self.weight(g) * self.match(g, text) for g in question.groups if g.source not in skip)


def typed_values(kind: str, clause: str) -> list[str]:
    """The values of the asked kind in a clause."""
    if kind == "quantity":
        return [v.text for v in quantities(clause)]
    if kind == "money":
        return [v.text for v in money(clause)] or [v.text for v in quantities(clause) if v.unit in ("元", "万元", "亿元")]
    if kind == "percent":
        return [v.text for v in percentages(clause)]
    if kind == "date":
        return [v.text for v in dates(clause)]
    if kind == "rank":
        return [v.text for v in ranks(clause)]
    return []


def units_of(clause: str) -> set[str]:
    """Measure words that follow numbers in a clause."""
    return {v.unit for v in quantities(clause) if v.unit}


def trim_filler(text: str) -> str:
    """Drop a leading connective (其中, 一是, 目前…) from an answer clause."""
    return _LEADING_FILLER.sub("", text).strip() or text
