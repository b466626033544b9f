"""The nouns that cross module boundaries on the answering side."""
from __future__ import annotations

from dataclasses import dataclass, field

from index.types import Chunk

NOT_IN_LETTERS = "这些答复函中没有找到这个问题的答案。"
NOT_IN_LETTERS_EN = "The letters do not contain the answer to this question."


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the ranks it got."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    sparse_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """Where an answer came from: document, full section path, quoted sentence(s)."""

    document: str
    section: str
    quote: str
    doc_id: str = ""


@dataclass(frozen=True)
class Answer:
    """The one answer object every front end renders.

    ``answered`` is False when the letters do not contain the answer; then
    ``text`` says so plainly and ``citations`` may list the nearest sections.
    """

    question: str
    text: str
    answered: bool
    citations: tuple[Citation, ...] = ()
    session_id: str | None = None
    mode: str = "extractive"               # "extractive" | "llm" | "llm-fallback"
    note: str | None = None                # e.g. why an LLM answer was replaced
    timings_ms: dict[str, float] = field(default_factory=dict)
    spans: tuple[str, ...] = ()            # what the reader pointed at and ``text`` shows: a follow-up asks another fact

    def to_dict(self) -> dict:
        """The JSON shape shared by `govqa ask --json`, the HTTP API and score.py."""
        return {
            "question": self.question,
            "answer": self.text,
            "answered": self.answered,
            "citations": [{"document": c.document, "section": c.section, "quote": c.quote, "doc_id": c.doc_id}
                          for c in self.citations],
            "session_id": self.session_id,
            "mode": self.mode,
            "note": self.note,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
