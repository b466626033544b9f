"""(question, passage) pairs → windows of token ids, with start/end targets or offsets back to text.

The shape of Hugging Face's run_qa.py: the passage is cut into overlapping
windows of ``max_length`` tokens; a window that does not hold the answer (or a
pair without one) points both targets at the first token, which is how the model
learns to say "no answer".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.onnx_runtime import padded

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


# XLM-R's pair template, as e5's tokenizer.json writes it: <s> question </s></s> passage </s>.
SPECIAL_TOKENS_IN_PAIR = 4


def encode_windows(tokenizer, questions: list[str], passages: list[str], *, max_length: int, stride: int,
                   max_question_tokens: int, pad_to_max: bool = False) -> Windows:
    """Windows for pairs ``(questions[i], passages[i])``; over-long questions keep their last tokens.

    ``tokenizer``: e5's, as ``index.onnx_runtime.load_tokenizer`` (sentencepiece pieces) or
    ``load_hf_tokenizer`` (`tokenizers`, no truncation or padding set) loads it: the same ids and offsets. Windows are cut as transformers'
    ``truncation="only_second"`` with ``stride`` and overflowing tokens cuts them (tested against
    it), but without touching the tokenizer's state: one tokenizer serves every thread.
    """
    backend = tokenizer
    bos, eos = backend.token_to_id("<s>"), backend.token_to_id("</s>")
    asked = backend.encode_batch(questions, add_special_tokens=False)
    read = backend.encode_batch(passages, add_special_tokens=False)
    rows, pair_index, offsets = [], [], []
    for pair, (question, passage) in enumerate(zip(asked, read)):
        question_ids = question.ids[-max_question_tokens:] if max_question_tokens else []
        room = max(1, max_length - len(question_ids) - SPECIAL_TOKENS_IN_PAIR)
        step = max(1, room - stride)
        start = 0
        while True:
            part = slice(start, start + room)
            rows.append([bos, *question_ids, eos, eos, *passage.ids[part], eos])
            offsets.append([None] * (len(question_ids) + 3) + [tuple(o) for o in passage.offsets[part]] + [None])
            pair_index.append(pair)
            if start + room >= len(passage.ids):
                break
            start += step
    input_ids, attention_mask = padded(rows, max_length if pad_to_max else None)
    return Windows(input_ids=input_ids, attention_mask=attention_mask,
                   pair_index=np.asarray(pair_index, dtype=np.int64), offsets=offsets)


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
