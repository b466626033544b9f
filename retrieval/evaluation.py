"""`govqa eval`: score answers against a gold file, by the same rules as the project's scorer.

Gold lines: {"id", "question", "session"?, "expect"?: [[alt, ...], ...], "forbid"?: [str],
"section"?: str|null, "document"?: str|[str], "answerable"?: bool}. An answerable item is
correct when it is answered, its answer is at most MAX_ANSWER characters, every expect group
has an alternative in it and no forbid string is. The first TOP_CITATIONS citations count for
the section, document and evidence rules. Matching ignores case, whitespace, width (NFKC) and quotes.
"""
from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import GovqaError

MAX_ANSWER = 200
TOP_CITATIONS = 3
_DROP = dict.fromkeys(map(ord, "“”\"'‘’「」『』 \t\r\n\u3000"), None)


def norm(text: str | None) -> str:
    """The form texts are compared in."""
    return unicodedata.normalize("NFKC", text or "").lower().translate(_DROP)


def has_all(text: str, groups: list[list[str]]) -> bool:
    """Every group has at least one alternative in ``text``."""
    t = norm(text)
    return all(any(norm(alt) in t for alt in group) for group in groups)


@dataclass
class Tally:
    """Counts behind the percentages."""

    answerable: int = 0
    correct: int = 0
    cited: int = 0
    cite_total: int = 0
    evidence: int = 0
    doc_hit: int = 0
    doc_total: int = 0
    unanswerable: int = 0
    refused: int = 0
    failures: list[dict] = field(default_factory=list)


def load_gold(path: Path) -> list[dict]:
    """Gold items from a JSON-lines file, with a clear error for a bad line."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise GovqaError(f"{path}:{number}: not valid JSON ({error.msg}).") from error
        if not isinstance(item, dict) or not item.get("question"):
            raise GovqaError(f"{path}:{number}: each line needs a \"question\".")
        items.append(item)
    return items


def score(gold: Iterable[dict], answers: Iterable[dict]) -> dict:
    """Percentages and counts for answers (dicts in the `ask --jsonl` shape) against gold items."""
    tally = Tally()
    for g, a in zip(gold, answers, strict=True):
        if g.get("answerable", True):
            _score_answerable(tally, g, a)
        else:
            tally.unanswerable += 1
            tally.refused += not a.get("answered")
            if a.get("answered"):
                tally.failures.append({"id": g.get("id"), "question": g["question"], "answer": a.get("answer"), "why": "should refuse"})
    return _summary(tally)


def _score_answerable(tally: Tally, g: dict, a: dict) -> None:
    text = a.get("answer") or ""
    cites = (a.get("citations") or [])[:TOP_CITATIONS]
    tally.answerable += 1
    ok = (bool(a.get("answered")) and len(norm(text)) <= MAX_ANSWER and has_all(text, g.get("expect", []))
          and not any(norm(f) in norm(text) for f in g.get("forbid", [])))
    tally.correct += ok
    tally.evidence += has_all(" ".join(c.get("quote") or "" for c in cites), g.get("expect", []))
    cite_ok = True
    if g.get("section"):
        tally.cite_total += 1
        cite_ok = any(norm(g["section"]) in norm(c.get("section")) for c in cites)
        tally.cited += cite_ok
    if g.get("document"):
        tally.doc_total += 1
        names = g["document"] if isinstance(g["document"], list) else [g["document"]]
        tally.doc_hit += any(norm(n) in norm(c.get("document")) for n in names for c in cites)
    if not (ok and cite_ok):
        tally.failures.append({"id": g.get("id"), "question": g["question"], "answer": text[:160],
                               "why": "answer" if not ok else "citation"})


def _summary(t: Tally) -> dict:
    def pct(n: int, d: int) -> float | None:
        return round(100.0 * n / d, 1) if d else None

    return {
        "answer_accuracy": pct(t.correct, t.answerable),
        "citation_accuracy": pct(t.cited, t.cite_total),
        "evidence_recall": pct(t.evidence, t.answerable),
        "document_accuracy": pct(t.doc_hit, t.doc_total),
        "refusal_accuracy": pct(t.refused, t.unanswerable),
        "overall": pct(t.correct + t.refused, t.answerable + t.unanswerable),
        "failures": t.failures,
    }


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered) / 100) - 1))
    return ordered[rank]
