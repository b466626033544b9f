"""The 4-bit ONNX files on OpenVINO, computing in bf16 where the CPU does so natively.

OpenVINO reads the very files onnxruntime runs (its ONNX front end knows ``MatMulNBits`` and
``GatherBlockQuantized``), so nothing is exported for it. Measured on 2 cores with AVX-512 BF16
(2026-12-05, OpenVINO 2026.4, the files `govqa model prepare` writes):

- encoder, passages of 150–300 characters: onnxruntime 12.1 / 23.7 passages/s (1 / 2 threads),
  OpenVINO bf16 22.2 / 39.0; against torch fp32 min cosine 0.99999 and top-5 overlap 1.00;
- reader, one 160-token window: onnxruntime 80 ms, OpenVINO bf16 46 ms (1 thread); on the calibration
  split (1,103 question sets) best margins 0.035 from onnxruntime's at the median, 0.30 at most, 2 answers
  shown changed between right and wrong, rates at the threshold the same; real-dev and dev: the same
  136 and 43 answers;
- a process holding the reader: +0.11 s to load it (compiled blobs cached), +111 MB resident alone; a
  cold `govqa ask` with both models on OpenVINO 536 MB instead of 300–308.

Where the CPU lacks native bf16, OpenVINO computes in fp32 at onnxruntime's speed, so ``auto`` keeps
onnxruntime there (``index.embedding_model.onnx_engine``).
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import ModelError
from .onnx_runtime import available_cores

# 0 turns off OpenVINO's default int8 quantisation of activations for weight-compressed (4-bit) models.
# Measured with it on: encoder min cosine to torch 0.9999 but top-5 overlap 0.86 (issue 8's bar: 0.95);
# off: 0.99999 and 1.00, at 22 instead of 26 passages/s.
DYNAMIC_QUANTIZATION_GROUP_SIZE = 0
# Kernels kept per input shape (every batch of letters' chunks is a new shape). Measured, 4,000 passages in
# batches of 3–30: OpenVINO's default 5000 grew the process 457 → 600 MB and on; 64: 447 → 525 MB, flat
# after 2,400 passages (onnxruntime: 397 → 533 MB), 3% slower.
RUNTIME_CACHE_CAPACITY = 64
CACHE_DIRNAME = "openvino-cache"   # compiled models, inside settings.models_dir: 0.4–0.75 s → 0.1 s to load
INSTALL_HINT = "Install it with `pip install openvino`, or set GOVQA_ONNX_ENGINE=onnxruntime."


@dataclass(frozen=True)
class OutputInfo:
    """What onnxruntime's ``NodeArg`` says of an output, as far as govqa reads it."""

    name: str
    shape: list


def import_openvino():
    try:
        import openvino
    except ImportError as exc:
        raise ModelError(f"The OpenVINO engine is not installed ({exc}). {INSTALL_HINT}") from exc
    return openvino


def native_bf16() -> bool:
    """Whether OpenVINO is installed and the CPU computes bf16 natively (AVX-512 BF16 or AMX)."""
    try:
        import openvino  # noqa: F401 - installed?
    except ImportError:
        return False
    return _cpu_computes_bf16()


@functools.cache
def _cpu_computes_bf16() -> bool:
    """OpenVINO's own answer (installed: callers import it first); asked once per process."""
    import openvino

    return "BF16" in openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


class OpenVinoSession:
    """An OpenVINO compiled model behind the part of onnxruntime's session interface govqa uses
    (``run``, ``get_outputs``). ``streams`` calls may run at once, from different threads, each on
    ``threads`` threads (0: the cores shared among the streams)."""

    def __init__(self, path: Path, *, threads: int, streams: int = 1, cache_dir: Path | None = None) -> None:
        openvino = import_openvino()
        config = {"INFERENCE_PRECISION_HINT": "bf16" if _cpu_computes_bf16() else "f32", "NUM_STREAMS": streams,
                  "INFERENCE_NUM_THREADS": threads * streams if threads else available_cores(),
                  "DYNAMIC_QUANTIZATION_GROUP_SIZE": DYNAMIC_QUANTIZATION_GROUP_SIZE,
                  "CPU_RUNTIME_CACHE_CAPACITY": RUNTIME_CACHE_CAPACITY}
        if cache_dir is not None:
            try:
                Path(cache_dir).mkdir(parents=True, exist_ok=True)
                config["CACHE_DIR"] = str(cache_dir)
            except OSError:
                pass  # a read-only models dir: compile every time
        try:
            self._compiled = openvino.Core().compile_model(str(path), "CPU", config)
        except Exception as exc:  # OpenVINO raises RuntimeError subclasses of its own for unreadable models
            raise ModelError(f"Cannot load the ONNX model {path} on OpenVINO: {exc}. "
                             "Delete it and run `govqa model prepare`.") from exc
        self._outputs = list(self._compiled.outputs)
        self._requests = threading.local()

    def get_outputs(self) -> list[OutputInfo]:
        return [OutputInfo(output.get_any_name(),
                           [dim.get_length() if dim.is_static else None for dim in output.get_partial_shape()])
                for output in self._outputs]

    def run(self, output_names, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        """Every output, copied out of the request (``output_names``: None, as govqa asks, or a subset)."""
        request = getattr(self._requests, "request", None)
        if request is None:  # an infer request serves one call at a time: one per calling thread
            request = self._requests.request = self._compiled.create_infer_request()
        results = request.infer(feeds)
        outputs = self._outputs if output_names is None else [self._compiled.output(name) for name in output_names]
        return [np.array(results[output], copy=True) for output in outputs]
