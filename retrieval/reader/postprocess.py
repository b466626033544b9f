"""Logits → the best answer span of each pair, and how much better it is than "no answer"."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .features import NO_ANSWER_INDEX, Windows

N_BEST = 20  # start and end candidates tried per window (run_qa.py's default n_best_size)
# (pair, start character, end character) → whether a span may answer (the question's unit and form checks)
SpanFilter = Callable[[int, int, int], bool]


@dataclass(frozen=True)
class Span:
    """The best span of one pair: characters ``start:end`` of its passage.

    ``margin`` is the span's score minus the no-answer score; the reader answers
    when it reaches the calibrated threshold. ``start == end == -1`` when no
    window had a valid span.
    """

    pair: int
    start: int
    end: int
    score: float
    null_score: float

    @property
    def margin(self) -> float:
        return self.score - self.null_score


def best_spans(windows: Windows, start_logits: np.ndarray, end_logits: np.ndarray, *, pairs: int,
               max_answer_tokens: int, taken: dict[int, list[tuple[int, int]]] | None = None,
               accept: SpanFilter | None = None) -> list[Span]:
    """One Span per pair: its best span over all its windows, and its lowest window no-answer score.

    ``taken``: character ranges, per pair, that a span may not overlap (answered by an earlier part
    of a compound question). ``accept``: a span it rejects is passed over for the next best.
    """
    taken = taken or {}
    best: list[Span] = [Span(p, -1, -1, -np.inf, np.inf) for p in range(pairs)]
    for i, offsets in enumerate(windows.offsets):
        pair = int(windows.pair_index[i])
        starts, ends = start_logits[i], end_logits[i]
        null = float(starts[NO_ANSWER_INDEX] + ends[NO_ANSWER_INDEX])
        current = best[pair]
        found = _best_in_window(offsets, starts, ends, max_answer_tokens, taken.get(pair, ()),
                                (lambda s, e, pair=pair: accept(pair, s, e)) if accept else None)
        score, start, end = found if found else (current.score, current.start, current.end)
        if found and found[0] <= current.score:
            score, start, end = current.score, current.start, current.end
        best[pair] = Span(pair, start, end, score, min(current.null_score, null))
    return best


def _best_in_window(offsets: list, starts: np.ndarray, end_scores: np.ndarray,
                    max_answer_tokens: int, taken=(), accept: Callable[[int, int], bool] | None = None,
                    ) -> tuple[float, int, int] | None:
    valid = np.array([o is not None and o[1] > o[0] for o in offsets] + [False] * (len(starts) - len(offsets)))
    if not valid.any():
        return None
    masked_start = np.where(valid, starts, -np.inf)
    masked_end = np.where(valid, end_scores, -np.inf)
    top_starts = np.argsort(masked_start)[::-1][:N_BEST]
    top_ends = np.argsort(masked_end)[::-1][:N_BEST]
    candidates = []
    for s in top_starts:
        if not valid[s]:
            break
        for e in top_ends:
            if not valid[e] or e < s or e - s + 1 > max_answer_tokens:
                continue
            if any(offsets[s][0] < end and start < offsets[e][1] for start, end in taken):
                continue
            candidates.append((float(masked_start[s] + masked_end[e]), offsets[s][0], offsets[e][1]))
    # The filter is asked of the best candidates first, and only until one passes.
    candidates.sort(key=lambda c: -c[0])
    return next((c for c in candidates if accept is None or accept(c[1], c[2])), None)
