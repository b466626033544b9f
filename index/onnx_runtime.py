"""Models at query time without torch: onnxruntime (or OpenVINO) sessions and the `tokenizers` library.

The files come from :mod:`index.onnx_export` (run by `govqa model prepare`).
Importing this module imports neither torch nor transformers.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import ModelError

PAD_ID = 1           # XLM-R's <pad>: e5's tokenizer.json pads with it
MAX_TOKENS = 512     # e5-small's position embeddings
ENCODER_FILE = "encoder-q4.onnx"  # written by index.onnx_export inside the prepared model directory
# Bump when index.onnx_export writes different files for the same source (quantisation, opset, graph):
# every prepared export is then made again. 2: large weights in a ``.data`` file beside the model.
EXPORT_VERSION = 2
# The encoder's 4-bit layers compute with int8 activations (onnxruntime's MatMulNBits accuracy_level 4) where
# the reader's keep fp32 arithmetic (index.onnx_export.QUANT_ACCURACY_LEVEL). Measured 2026-12-06 on this 2-core
# AVX-512 VNNI machine over the real-dev questions, one thread: a query 15.2 → 10.2 ms (p50), 17.9 → 12.0 ms
# of CPU; vectors at cosine ≥ 0.99988 to level 0's and the same answers on real-dev and dev.jsonl. In the
# encoder export's fingerprint (index.embedding_model.onnx_encoder_file), so older exports are made again.
ENCODER_ACCURACY_LEVEL = 4
MARKER_SUFFIX = ".json"   # beside each exported file: what it was exported from, written after the file
DATA_SUFFIX = ".data"     # beside each exported file: its large weights, which onnxruntime maps from disk


def is_exported(path: Path, fingerprint: dict) -> bool:
    """Whether ``path`` is a finished export of what ``fingerprint`` describes."""
    import json

    try:
        marker = json.loads(Path(str(path) + MARKER_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = {"export_version": EXPORT_VERSION, **fingerprint}
    return (Path(path).is_file() and Path(str(path) + DATA_SUFFIX).is_file()
            and all(marker.get(key) == value for key, value in wanted.items()))


def load_tokenizer(model_dir: Path):
    """e5's tokenizer for answering and indexing: ``tokenizer.json``'s ids and offsets, its pieces held by
    sentencepiece (``index.pieces``: 66 MB and 0.5 s to load instead of 282 MB and 0.77 s).

    The piece files are made from ``tokenizer.json`` the first time (about 2 s; `govqa model prepare`
    makes them); where the model directory cannot be written, ``tokenizer.json`` itself is loaded.
    One instance can serve every thread.
    """
    from .pieces import load_piece_tokenizer

    try:
        return load_piece_tokenizer(Path(model_dir))
    except OSError:
        return load_hf_tokenizer(model_dir)
    except Exception as exc:  # sentencepiece and tokenizers raise bare RuntimeError/Exception on bad files
        raise ModelError(f"Cannot load the tokenizer files in {model_dir}: {exc}. "
                         "Delete that model directory and run `govqa model prepare`.") from exc


def load_hf_tokenizer(model_dir: Path):
    """The model's fast tokenizer (``tokenizer.json``), as the `tokenizers` library loads it (training
    encodes in parallel with it).

    One instance can serve every thread: it is never given truncation or padding
    state, which callers apply to the ids themselves.
    """
    from tokenizers import Tokenizer

    path = Path(model_dir) / "tokenizer.json"
    try:
        return Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for a missing or malformed file
        raise ModelError(f"Cannot load the tokenizer {path}: {exc}. "
                         "Delete that model directory and run `govqa model prepare`.") from exc


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def open_session(path: Path, *, threads: int, engine: str = "onnxruntime", streams: int = 1,
                 cache_dir: Path | None = None):
    """A CPU session for ``path`` on onnxruntime, or on OpenVINO (``engine="openvino"``:
    :class:`index.openvino_runtime.OpenVinoSession`, ``streams`` calls at once, compiled models kept in
    ``cache_dir``); ``threads`` 0 means one per core."""
    if engine == "openvino":
        from .openvino_runtime import OpenVinoSession

        return OpenVinoSession(path, threads=threads, streams=streams, cache_dir=cache_dir)
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/NoSuchFile types
        raise ModelError(f"Cannot load the ONNX model {path}: {exc}. Delete it and run `govqa model prepare`.") from exc


def padded(rows: Sequence[Sequence[int]], length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Token-id rows → (input_ids, attention_mask), padded with <pad> to ``length`` (default: the longest row)."""
    length = length or max(len(row) for row in rows)
    ids = np.full((len(rows), length), PAD_ID, dtype=np.int64)
    mask = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return ids, mask


class OnnxEmbedder:
    """The default embedding model on onnxruntime: same vectors, interface and identity as
    :class:`index.embedding_model.Embedder` (cosine ≥ 0.999 to it, tested)."""

    def __init__(self, session, tokenizer, *, name: str, identity: str, query_prompt: str, passage_prompt: str,
                 batch_size: int = 32, max_tokens: int = MAX_TOKENS) -> None:
        self._session = session
        self.tokenizer = tokenizer  # the reader on the same encoder shares it
        self.name = name
        self.identity = identity
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self._eos = tokenizer.token_to_id("</s>")
        self.dim = int(session.get_outputs()[0].shape[-1])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)``; batches hold texts of similar length."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        rows = self._token_rows([self.passage_prompt + text for text in texts])
        order = sorted(range(len(rows)), key=lambda i: len(rows[i]))  # little padding per batch
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            out[batch] = self._run([rows[i] for i in batch])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """The vector of one question, shape ``(dim,)``."""
        return self._run(self._token_rows([self.query_prompt + text]))[0]

    def _token_rows(self, texts: list[str]) -> list[list[int]]:
        rows = [encoding.ids for encoding in self.tokenizer.encode_batch(texts)]
        # What the tokenizer's own truncation does: keep <s>, cut the text, end with </s>.
        return [row if len(row) <= self.max_tokens else [*row[:self.max_tokens - 1], self._eos] for row in rows]

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        ids, mask = padded(rows)
        pooled = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
