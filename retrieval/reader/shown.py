"""How a span is shown to a person: inside its clause, or for open questions its sentence.

Answering shows spans this way, and calibration judges a reading by what would be
shown (``shown_contains``), so the threshold is chosen for the answers people see.
"""
from __future__ import annotations

import re
import unicodedata

from index.chunking import split_sentences

# score.py counts an answer longer than 200 characters as a pasted passage; the issue asks for at most 200.
ANSWER_MAX_CHARS = 180
# A clause this short ("全省排名第8") is shown with the clause before it, which names what it is about.
SHORT_CLAUSE_CHARS = 8
_CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)


def clause_around(passage: str, start: int, end: int) -> str:
    """The clause holding ``passage[start:end]`` (and the clause before it when that one is a bare fragment)."""
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(passage)] + [len(passage)]
    left = max(b for b in bounds if b <= start)
    right = min((b for b in bounds if b >= end), default=len(passage))
    if len(passage[left:right].strip("，,；;。！？!?\n ")) < SHORT_CLAUSE_CHARS:
        earlier = [b for b in bounds if b < left]
        if earlier and passage[left - 1] not in "。！？!?\n":
            left = max(earlier)
    text = " ".join(passage[left:right].split()).strip("，,；;。！？!? ")
    return fit(text, passage[start:end])


def sentence_around(passage: str, start: int, end: int, limit: int = ANSWER_MAX_CHARS) -> str:
    """The sentence (or sentences) the span lies in, within ``limit`` characters around the span."""
    pieces = [(a, b) for line_start, line in _lines(passage) for a, b in
              ((line_start + x, line_start + y) for x, y in split_sentences(line))]
    inside = [(a, b) for a, b in pieces if b > start and a < end] or [(start, end)]
    text = " ".join(passage[inside[0][0]:inside[-1][1]].split())
    return fit(text, passage[start:end], limit)


def fit(text: str, span: str, limit: int = ANSWER_MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters around ``span`` when it is longer."""
    if len(text) <= limit:
        return text
    span = " ".join(span.split())
    at = max(0, text.find(span))
    begin = max(0, min(at - (limit - len(span)) // 2, len(text) - limit))
    return ("…" if begin else "") + text[begin:begin + limit] + ("…" if begin + limit < len(text) else "")


def shown_contains(passage: str, start: int, end: int, answer: str) -> bool:
    """Whether the clause shown for this span holds ``answer`` (ignoring width, case, spaces and punctuation)."""
    if start < 0:
        return False
    return _plain(answer) in _plain(clause_around(passage, start, end))


def _plain(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).lower())


def _lines(text: str) -> list[tuple[int, str]]:
    found, at = [], 0
    for line in text.split("\n"):
        found.append((at, line))
        at += len(line) + 1
    return found
