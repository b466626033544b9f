"""(question, passage) pairs → windows of token ids, with start/end targets or offsets back to text.

The shape of Hugging Face's run_qa.py: the passage is cut into overlapping
windows of ``max_length`` tokens; a window that does not hold the answer (or a
pair without one) points both targets at the first token, which is how the model
learns to say "no answer".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NO_ANSWER_INDEX = 0  # the <s> token: where start and end point when a window holds no answer


@dataclass(frozen=True)
class Windows:
    """Tokenised windows of one or more pairs, padded to one length.

    ``pair_index[i]`` is the pair window ``i`` came from; ``offsets[i][t]`` is the
    (start, end) in that pair's passage of token ``t``, or None for question and
    special tokens.
    """

    input_ids: np.ndarray          # (n, length) int64
    attention_mask: np.ndarray     # (n, length) int64
    pair_index: np.ndarray         # (n,) int64
    offsets: list[list[tuple[int, int] | None]]


def encode_windows(tokenizer, questions: list[str], passages: list[str], *, max_length: int, stride: int,
                   max_question_tokens: int, pad_to_max: bool = False) -> Windows:
    """Windows for pairs ``(questions[i], passages[i])``; over-long questions are cut from the left."""
    questions = [_clip_question(tokenizer, q, max_question_tokens) for q in questions]
    encoded = tokenizer(
        questions, passages, truncation="only_second", max_length=max_length, stride=stride,
        return_overflowing_tokens=True, return_offsets_mapping=True,
        padding="max_length" if pad_to_max else "longest",
    )
    offsets = []
    for i, mapping in enumerate(encoded["offset_mapping"]):
        sequence_ids = encoded.sequence_ids(i)
        offsets.append([tuple(span) if sid == 1 else None for sid, span in zip(sequence_ids, mapping)])
    return Windows(
        input_ids=np.asarray(encoded["input_ids"], dtype=np.int64),
        attention_mask=np.asarray(encoded["attention_mask"], dtype=np.int64),
        pair_index=np.asarray(encoded["overflow_to_sample_mapping"], dtype=np.int64),
        offsets=offsets,
    )


def span_targets(windows: Windows, answer_spans: list[tuple[int, int] | None]) -> tuple[np.ndarray, np.ndarray]:
    """Start/end token targets per window; ``answer_spans[pair]`` is (char_start, char_end) or None."""
    starts = np.full(len(windows.offsets), NO_ANSWER_INDEX, dtype=np.int64)
    ends = np.full(len(windows.offsets), NO_ANSWER_INDEX, dtype=np.int64)
    for i, offsets in enumerate(windows.offsets):
        span = answer_spans[windows.pair_index[i]]
        if span is None:
            continue
        char_start, char_end = span
        tokens = [t for t, o in enumerate(offsets) if o is not None and o[1] > o[0]]
        if not tokens or offsets[tokens[0]][0] > char_start or offsets[tokens[-1]][1] < char_end:
            continue  # the answer is not wholly inside this window
        starts[i] = next(t for t in tokens if offsets[t][1] > char_start)
        ends[i] = next(t for t in reversed(tokens) if offsets[t][0] < char_end)
    return starts, ends


def _clip_question(tokenizer, question: str, max_tokens: int) -> str:
    """Keep a question's last ``max_tokens`` tokens: its asking part is usually at the end."""
    encoded = tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"]
    if len(offsets) <= max_tokens:
        return question
    return question[offsets[-max_tokens][0]:]
