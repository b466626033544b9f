"""BM25 over jieba words (bm25s), of chunks and of whole letters, plus the document frequencies the
answerer weighs words by."""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import bm25s
import numpy as np

from index.types import Chunk

from .lexicon import Segmenter, normalize
from .romanised import RomanisedNames

# A BM25 query term: a word, or the words that stand for one idea (an English phrase's Chinese renderings).
QueryTerm = str | tuple[str, ...]


@dataclass(frozen=True)
class BM25Parts:
    """What a SparseIndex builds from its chunks' words (2.5 s at 1,000 letters), kept whole so that
    ``retrieval.snapshot`` can save it beside the index and answering processes start without it."""

    df: Counter
    bm25: bm25s.BM25
    letters: list[str]
    letter_bm25: bm25s.BM25
    # Each chunk's normalised text, where words BM25 does not know are looked for (an English question's
    # renderings): 0.5 s to make at 1,000 letters, which an answering process would otherwise spend on its
    # first such word. None in a snapshot saved before they were kept: then normalised when first needed.
    texts: list[str] | None = None


def build_parts(chunks: Sequence[Chunk], tokenized: Sequence[list[str]]) -> BM25Parts:
    """Document frequencies, the chunk BM25 and the whole-letter BM25 of chunks with these words."""
    bm25 = bm25s.BM25()
    if chunks:
        bm25.index([terms or [""] for terms in tokenized], show_progress=False)
    letters, letter_bm25 = _letter_index(chunks, tokenized)
    return BM25Parts(Counter(term for terms in tokenized for term in set(terms)), bm25, letters, letter_bm25,
                     [normalize(chunk.embed_text) for chunk in chunks])


class CharacterPairs:
    """Which pairs of adjacent characters a text has, as bits of a hashed table: a word with a pair the
    text lacks is surely not in it; one whose pairs all have their bit set (a pair of the text, or one
    sharing its slot) may be. Bits, not a set of strings: 0.1 s at 1,000 letters (3.9 million
    characters, 29,000 distinct pairs) against 0.8 s, which a server's warm-up spent beside its start."""

    # 2**22 one-byte slots (4 MB): 29,000 pairs fill under 1% of them, so a word the text lacks is
    # almost always ruled out at its first pair.
    SLOTS = 1 << 22
    _MULTIPLIER = 0x9E3779B1  # Knuth's multiplicative hash: spreads a pair's first character over the slots

    # Characters hashed at a time: the arrays of one block (about 30 MB) rather than of the whole text.
    BLOCK = 1 << 20

    def __init__(self, text: str) -> None:
        self._seen = np.zeros(self.SLOTS, dtype=bool)
        for start in range(0, max(len(text) - 1, 0), self.BLOCK):
            block = text[start:start + self.BLOCK + 1]  # one character more: the pair across the boundary
            codes = np.frombuffer(block.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            self._seen[self._slots(codes[:-1], codes[1:])] = True

    @classmethod
    def _slots(cls, first, second):
        return (first * np.uint64(cls._MULTIPLIER) + second) & np.uint64(cls.SLOTS - 1)

    def may_contain(self, word: str) -> bool:
        """False when the text surely does not contain ``word``."""
        codes = [ord(ch) for ch in word]
        return all(self._seen[(a * self._MULTIPLIER + b) & (self.SLOTS - 1)] for a, b in zip(codes, codes[1:]))


class SparseIndex:
    """A BM25 index of chunks; rebuilt from the store whenever documents change."""

    def __init__(self, chunks: Sequence[Chunk], segmenter: Segmenter, tokenized: Sequence[list[str]] | None = None,
                 *, parts: BM25Parts | None = None) -> None:
        """``parts``: built before from exactly these chunks (``build_parts``); else built from ``tokenized``
        (segmented here when None)."""
        self._segmenter = segmenter
        self.chunks: list[Chunk] = list(chunks)
        if parts is None:
            if tokenized is None:
                tokenized = [segmenter.index_terms(chunk.embed_text) for chunk in self.chunks]
            parts = build_parts(self.chunks, tokenized)
        self.parts = parts
        self._df, self._bm25 = parts.df, parts.bm25
        self._letters, self._letter_bm25 = parts.letters, parts.letter_bm25
        self._doc_of = np.array([chunk.doc_id for chunk in self.chunks], dtype=object)
        self._vocab = set(self._df)
        self._substring_df: dict[str, int] = {}
        self._pairs: CharacterPairs | None = None
        self.romanised = RomanisedNames(self._vocab)

    def __len__(self) -> int:
        return len(self.chunks)

    @cached_property
    def _texts(self) -> list[str]:
        # Only words BM25 does not know are looked for inside the texts (0.5 s to normalise 1,000 letters,
        # so kept in the parts a snapshot saves).
        saved = getattr(self.parts, "texts", None)
        if saved is not None and len(saved) == len(self.chunks):
            return saved
        return [normalize(chunk.embed_text) for chunk in self.chunks]

    @cached_property
    def _corpus(self) -> str:
        return "\n".join(self._texts)

    def idf(self, term: str) -> float:
        """Inverse document frequency; a word the letters never use gets the highest weight."""
        n = max(len(self.chunks), 1)
        df = self._df.get(term) or self._chunks_containing(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def known(self, term: str) -> bool:
        """True when some chunk contains ``term``, as a word or inside a longer one (首席信息官)."""
        return term in self._vocab or self._chunks_containing(term) > 0

    def warm_up(self) -> None:
        """Collect the corpus's character pairs, so most absent words are ruled out without a scan."""
        self._pairs = CharacterPairs(self._corpus)

    def _chunks_containing(self, term: str) -> int:
        """How many chunks contain ``term`` as a substring (cached: one scan of the corpus per new word)."""
        cached = self._substring_df.get(term)
        if cached is None:
            pairs = self._pairs
            if pairs is None:  # the corpus is needed now: its pairs (0.1 s more) spare the next words a scan
                self.warm_up()
                pairs = self._pairs
            if not pairs.may_contain(term):
                cached = 0
            elif term not in self._corpus:
                cached = 0
            else:
                cached = sum(term in text for text in self._texts)
            self._substring_df[term] = cached
        return cached

    def query_words(self, text: str) -> list[str]:
        """BM25 query words of a (Chinese) text."""
        return self._segmenter.index_terms(text)

    def letters(self, terms: Sequence[QueryTerm], k: int) -> list[str]:
        """The ``k`` letters whose whole text (all their chunks as one) BM25 ranks best for the query terms;
        none when the index holds no more than ``k`` letters.

        A letter names its place and subject in its header, not in every chunk: a question naming
        both finds the letter here even when the chunk that answers it names neither.
        """
        if len(self._letters) <= k:
            return []  # no letters to pick from, or no other letters to leave out
        scores = self._scores(self._letter_bm25, terms)
        if scores is None:
            return []
        order = np.argsort(-scores, kind="stable")[:k]
        return [self._letters[i] for i in order if scores[i] > 0]

    def search(self, terms: Sequence[QueryTerm], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[Chunk, float]]:
        """The ``k`` best chunks for the query terms (only among ``doc_ids`` when given)."""
        scores = self._scores(self._bm25, terms) if self.chunks else None
        if scores is None:
            return []
        if doc_ids:
            scores = np.where(np.isin(self._doc_of, list(doc_ids)), scores, 0.0)
        order = np.argsort(-scores)[:k]
        return [(self.chunks[i], float(scores[i])) for i in order if scores[i] > 0]

    def _scores(self, bm25: bm25s.BM25, terms: Sequence[QueryTerm]) -> np.ndarray | None:
        """BM25 scores of a structured query, or None when it has no word BM25 knows: a word scores as
        usual; a tuple of words standing for one idea scores as its best-scoring word in each entry, not
        as their sum (Pirkola's synonym operator, SIGIR 1998, for dictionary-translated queries: an
        English word's dozen renderings otherwise outweigh the rest of the question, and entries that
        hold many of them win)."""
        words: list[str] = []        # scored together, in one call
        ideas: list[list[str]] = []  # two or more known words each, scored word by word
        for term in terms:
            known = list(dict.fromkeys(w for w in ((term,) if isinstance(term, str) else term) if w in self._vocab))
            if len(known) == 1:
                words.append(known[0])
            elif known:
                ideas.append(known)
        if not words and not ideas:
            return None
        scores = bm25.get_scores(list(dict.fromkeys(words))) if words else 0.0
        for idea in ideas:
            scores = scores + np.max([bm25.get_scores([word]) for word in idea], axis=0)
        return np.asarray(scores, dtype=np.float32)


def _letter_index(chunks: Sequence[Chunk], tokenized: Sequence[list[str]]) -> tuple[list[str], bm25s.BM25]:
    """A BM25 index with one entry per letter: the words of all its chunks."""
    words: dict[str, list[str]] = {}
    for chunk, terms in zip(chunks, tokenized):
        words.setdefault(chunk.doc_id, []).extend(terms)
    letters = list(words)
    bm25 = bm25s.BM25()
    if letters:
        bm25.index([words[doc_id] or [""] for doc_id in letters], show_progress=False)
    return letters, bm25
