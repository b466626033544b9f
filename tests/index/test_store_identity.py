"""The store remembers which embedding model made its vectors; another model is refused until `govqa reindex`.

A real Chroma store in tmp_path and the real model; a model change is the real model under another
identity (OtherModel), whose vectors may also differ (negated, or twice as long).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings as ChromaSettings

from index.components import open_index
from index.errors import EmbeddingMismatchError
from index.indexer import Indexer
from index.registry import Registry
from index.settings import Settings
from index.store import ChunkStore, EmbeddingRecord

ROOT = Path(__file__).resolve().parents[2]
GOVQA = Path(sys.executable).parent / "govqa"
SMALL = ROOT / "tests" / "data" / "letters" / "gdkjt-2023-112.txt"  # 5 chunks
QUESTION = "首席信息官"


class OtherModel:
    """The real model reporting another identity; ``vectors`` turns its vectors into the other model's."""

    def __init__(self, embedder, identity: str = "acme/other-model", *, vectors=lambda v: v) -> None:
        self._embedder = embedder
        self._vectors = vectors
        self.identity = identity
        self.name = identity

    @property
    def dim(self) -> int:
        return int(self._vectors(np.zeros((1, self._embedder.dim), dtype=np.float32)).shape[1])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._vectors(self._embedder.embed_passages(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vectors(self._embedder.embed_query(text)[None, :])[0]


class Interrupted(Exception):
    """Stands for the process dying mid-way; not a GovqaError, so nothing catches it."""


def negated(vectors: np.ndarray) -> np.ndarray:
    return -vectors


def doubled(vectors: np.ndarray) -> np.ndarray:
    """768-dimensional, still unit length: a model whose vectors have another length."""
    return np.hstack([vectors, vectors]) / np.sqrt(2)


@pytest.fixture
def settings(tmp_path: Path, model_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent, index={"embed_batch_size": 2})


def index_letter(settings: Settings, embedder) -> None:
    open_index(settings, writer="test", embedder=embedder).indexer.index_paths([SMALL])


def stored_vectors(settings: Settings) -> dict[str, np.ndarray]:
    client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
    records = client.get_collection(settings.collection).get(include=["embeddings"])
    return dict(zip(records["ids"], np.asarray(records["embeddings"])))


def reindex(settings: Settings, embedder) -> int:
    """What `govqa reindex` does, in this process."""
    store = open_index(settings, writer="test", embedder=embedder, check_model=False).store
    return store.reembed(embedder.embed_passages, model=embedder.identity, batch_size=settings.index.embed_batch_size)


def test_first_index_records_model_and_vector_length(settings, embedder) -> None:
    index_letter(settings, embedder)
    assert ChunkStore.open(settings).embedding_record() == EmbeddingRecord(embedder.identity, 384)


def test_reopening_with_the_same_model_works(settings, embedder) -> None:
    index_letter(settings, embedder)
    assert open_index(settings, embedder=embedder).store.count() == 5
    assert open_index(settings, writer="test", embedder=embedder).indexer is not None


def test_another_model_is_refused_naming_both_and_govqa_reindex(settings, embedder) -> None:
    index_letter(settings, embedder)
    for writer in (None, "test"):
        with pytest.raises(EmbeddingMismatchError) as refused:
            open_index(settings, writer=writer, embedder=OtherModel(embedder))
        message = str(refused.value)
        assert embedder.identity in message and "acme/other-model" in message
        assert "`govqa reindex`" in message and str(settings.chroma_dir) in message


def test_reindex_replaces_every_vector_and_records_the_new_model(settings, embedder) -> None:
    index_letter(settings, embedder)
    other = OtherModel(embedder, vectors=negated)
    assert reindex(settings, other) == 5
    store = ChunkStore.open(settings)
    chunks = store.chunks()
    vectors = stored_vectors(settings)
    expected = -embedder.embed_passages([chunk.embed_text for chunk in chunks])
    assert np.allclose([vectors[chunk.chunk_id] for chunk in chunks], expected, atol=1e-5)
    assert store.embedding_record() == EmbeddingRecord("acme/other-model", 384)
    assert store.chunks() == chunks  # texts and metadata as they were
    answering = open_index(settings, embedder=other).store
    assert answering.search(other.embed_query(QUESTION), k=1)[0].similarity > 0.5
    with pytest.raises(EmbeddingMismatchError):
        open_index(settings, embedder=embedder)


def test_reindex_to_a_model_with_longer_vectors(settings, embedder) -> None:
    index_letter(settings, embedder)
    other = OtherModel(embedder, "acme/base-model", vectors=doubled)
    reindex(settings, other)
    store = open_index(settings, embedder=other).store
    assert store.embedding_record() == EmbeddingRecord("acme/base-model", 768)
    assert store.search(other.embed_query(QUESTION), k=1)[0].similarity > 0.5


def test_interrupted_reindex_leaves_the_old_index_and_runs_again(settings, embedder) -> None:
    index_letter(settings, embedder)
    before = stored_vectors(settings)
    calls = []

    def dies_on_second_batch(vectors: np.ndarray) -> np.ndarray:
        calls.append(len(vectors))
        if len(calls) == 2:
            raise Interrupted
        return -vectors

    with pytest.raises(Interrupted):
        reindex(settings, OtherModel(embedder, vectors=dies_on_second_batch))
    assert ChunkStore.open(settings).embedding_record().model == embedder.identity
    assert all(np.array_equal(before[cid], vector) for cid, vector in stored_vectors(settings).items())
    open_index(settings, embedder=embedder)  # the old model still answers
    with pytest.raises(EmbeddingMismatchError, match="govqa reindex"):
        open_index(settings, embedder=OtherModel(embedder))
    assert reindex(settings, OtherModel(embedder, vectors=negated)) == 5
    open_index(settings, embedder=OtherModel(embedder))


def test_reindex_that_died_before_the_rename_is_finished_by_the_next_open(settings, embedder, monkeypatch) -> None:
    index_letter(settings, embedder)
    modify = Collection.modify

    def dies_renaming(collection, *args, **kwargs):
        if kwargs.get("name"):
            raise Interrupted
        return modify(collection, *args, **kwargs)

    monkeypatch.setattr(Collection, "modify", dies_renaming)
    with pytest.raises(Interrupted):
        reindex(settings, OtherModel(embedder, vectors=negated))
    monkeypatch.setattr(Collection, "modify", modify)
    store = open_index(settings, embedder=OtherModel(embedder)).store
    assert store.count() == 5 and store.embedding_record().model == "acme/other-model"


def test_index_that_records_no_model_is_adopted_by_the_first_writer(settings, embedder) -> None:
    store = ChunkStore.open(settings)
    Indexer(settings, store=store, registry=Registry(settings.registry_path), embedder=embedder).index_paths([SMALL])
    assert store.embedding_record() == EmbeddingRecord(None, 384)  # as an index from before
    other = OtherModel(embedder)
    open_index(settings, embedder=other)  # a reader adopts it without writing
    assert ChunkStore.open(settings).embedding_record().model is None
    open_index(settings, writer="test", embedder=other)
    assert ChunkStore.open(settings).embedding_record() == EmbeddingRecord("acme/other-model", 384)
    with pytest.raises(EmbeddingMismatchError):
        open_index(settings, embedder=embedder)


def test_index_that_records_no_model_refuses_vectors_of_another_length(settings, embedder) -> None:
    store = ChunkStore.open(settings)
    Indexer(settings, store=store, registry=Registry(settings.registry_path), embedder=embedder).index_paths([SMALL])
    with pytest.raises(EmbeddingMismatchError, match="384-dimensional"):
        open_index(settings, writer="test", embedder=OtherModel(embedder, vectors=doubled))


def test_empty_store_adopts_any_model(settings, embedder) -> None:
    ChunkStore.open(settings).record_embedding_model("acme/old-model", 768)
    index_letter(settings, embedder)
    assert ChunkStore.open(settings).embedding_record() == EmbeddingRecord(embedder.identity, 384)


def test_a_reader_starting_from_the_snapshot_of_another_models_vectors_is_refused(settings, embedder, reader) -> None:
    from retrieval.factory import build_service
    from retrieval.knowledge import store_index_terms

    index_letter(settings, embedder)
    store_index_terms(settings)  # as `govqa index` does (this process holds the writer lock)
    service = build_service(settings, embedder=embedder, reader=reader, read_only=True, warm_up=False)
    assert service.ask(QUESTION).citations
    with pytest.raises(EmbeddingMismatchError, match="govqa reindex"):
        build_service(settings, embedder=OtherModel(embedder), reader=reader, read_only=True, warm_up=False)


def test_embedder_that_names_no_model_is_not_checked(settings, embedder) -> None:
    index_letter(settings, embedder)

    class Anonymous:
        embed_passages = embedder.embed_passages

    open_index(settings, embedder=Anonymous())


@pytest.mark.slow  # loads the model in subprocesses
def test_govqa_reindex_command_re_embeds_after_a_model_change(settings, embedder) -> None:
    store = ChunkStore.open(settings)  # no writer lock in this process: the subprocesses need it
    Indexer(settings, store=store, registry=Registry(settings.registry_path), embedder=embedder).index_paths([SMALL])
    store.record_embedding_model("acme/old-model", 384)
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVQA_")}
    env.update(GOVQA_DATA_DIR=str(settings.data_dir), GOVQA_MODELS_DIR=str(settings.models_dir), COLUMNS="80")

    def govqa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(GOVQA), *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)

    refused = govqa("index", str(SMALL))
    assert refused.returncode == 1
    assert "acme/old-model" in refused.stderr and "`govqa reindex`" in refused.stderr
    reindexed = govqa("reindex")
    assert reindexed.returncode == 0, reindexed.stderr
    assert f"re-embedded 5 chunks with {embedder.identity}" in reindexed.stdout
    assert ChunkStore.open(settings).embedding_record() == EmbeddingRecord(embedder.identity, 384)
    from retrieval.lexicon import Segmenter
    from retrieval.snapshot import KnowledgeSnapshot, snapshot_key

    saved = KnowledgeSnapshot(settings.paths.knowledge_snapshot).load(
        snapshot_key(Registry(settings.registry_path).chunk_ids(), Segmenter().version))
    assert saved is not None and saved.vector_model == embedder.identity  # answering starts from the new vectors
    vectors = stored_vectors(settings)
    assert np.array_equal(saved.vectors, [vectors[chunk.chunk_id] for chunk in saved.chunks])
    assert govqa("index", str(SMALL)).returncode == 0
