"""Logits to spans: the best valid span per pair, and its margin over "no answer"."""
from __future__ import annotations

import numpy as np

from retrieval.reader.features import Windows
from retrieval.reader.postprocess import best_spans


def _windows(offsets: list[list], pair_index: list[int]) -> Windows:
    n, length = len(offsets), max(len(o) for o in offsets)
    return Windows(np.zeros((n, length), np.int64), np.ones((n, length), np.int64), np.array(pair_index), offsets)


def test_best_span_skips_question_tokens_and_overlong_spans() -> None:
    # token 0 is <s>, tokens 1-2 the question, 3-6 the passage
    offsets = [[None, None, None, (0, 2), (2, 4), (4, 6), (6, 8)]]
    start = np.array([[0.0, 9.0, 0.0, 1.0, 5.0, 0.0, 0.0]])
    end = np.array([[0.0, 0.0, 9.0, 0.0, 0.0, 4.0, 6.0]])
    [span] = best_spans(_windows(offsets, [0]), start, end, pairs=1, max_answer_tokens=2)
    assert (span.start, span.end) == (2, 6)  # tokens 4..5; 4..6 would be 3 tokens long
    assert span.score == 9.0 and span.null_score == 0.0 and span.margin == 9.0


def test_spans_of_one_pair_compete_across_its_windows() -> None:
    offsets = [[None, (0, 2), (2, 4)], [None, (2, 4), (4, 6)]]
    start = np.array([[3.0, 1.0, 0.0], [1.0, 0.0, 2.0]])
    end = np.array([[3.0, 1.0, 0.0], [1.0, 0.0, 5.0]])
    [span] = best_spans(_windows(offsets, [0, 0]), start, end, pairs=1, max_answer_tokens=5)
    assert (span.start, span.end) == (4, 6)
    assert span.null_score == 2.0  # the lower no-answer score of its windows


def test_each_pair_gets_its_own_span() -> None:
    offsets = [[None, (0, 1), (1, 2)], [None, (0, 1), (1, 2)]]
    start = np.array([[0.0, 2.0, 0.0], [5.0, 0.0, 1.0]])
    end = np.array([[0.0, 2.0, 0.0], [5.0, 0.0, 1.0]])
    first, second = best_spans(_windows(offsets, [0, 1]), start, end, pairs=2, max_answer_tokens=3)
    assert (first.pair, first.start, first.end, first.margin) == (0, 0, 1, 4.0)
    assert (second.pair, second.start, second.end, second.margin) == (1, 1, 2, -8.0)


def test_a_taken_range_gives_the_next_best_span_that_does_not_overlap_it() -> None:
    offsets = [[None, (0, 2), (2, 4), (4, 6), (6, 8)]]
    start = np.array([[0.0, 6.0, 1.0, 4.0, 0.0]])
    end = np.array([[0.0, 6.0, 1.0, 0.0, 4.0]])
    [free] = best_spans(_windows(offsets, [0]), start, end, pairs=1, max_answer_tokens=2)
    assert (free.start, free.end) == (0, 2)
    [other] = best_spans(_windows(offsets, [0]), start, end, pairs=1, max_answer_tokens=2, taken={0: [(0, 2)]})
    assert (other.start, other.end) == (4, 8)
    [untouched] = best_spans(_windows(offsets, [0]), start, end, pairs=1, max_answer_tokens=2, taken={1: [(0, 2)]})
    assert (untouched.start, untouched.end) == (0, 2)  # another passage's ranges do not apply


def test_a_span_the_filter_rejects_gives_way_to_the_best_one_it_accepts() -> None:
    offsets = [[None, (0, 2), (2, 4), (4, 6), (6, 8)]]
    start = np.array([[0.0, 6.0, 1.0, 4.0, 0.0]])
    end = np.array([[0.0, 6.0, 1.0, 0.0, 4.0]])
    asked = []

    def not_the_first_two_characters(pair: int, begin: int, finish: int) -> bool:
        asked.append((pair, begin, finish))
        return begin >= 2

    [span] = best_spans(_windows(offsets, [0]), start, end, pairs=1, max_answer_tokens=2,
                        accept=not_the_first_two_characters)
    assert (span.start, span.end, span.score) == (4, 8, 8.0)
    assert asked[0] == (0, 0, 2) and asked[-1] == (0, 4, 8)   # the best first, and none after the one taken
