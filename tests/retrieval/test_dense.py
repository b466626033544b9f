"""retrieval.dense: exact search over the snapshot's vectors finds what Chroma finds, without chromadb."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.settings import Settings
from index.types import Chunk
from retrieval.dense import DenseVectors

LETTERS = Path(__file__).parents[1] / "data" / "letters"


def _chunk(doc: str, ordinal: int) -> Chunk:
    return Chunk(chunk_id=f"{doc}:{ordinal}", doc_id=doc, display_name=doc, section_path=(), text=f"{doc}{ordinal}",
                 start=0, end=1, ordinal=ordinal)


def test_search_ranks_by_cosine_and_keeps_to_the_documents_asked() -> None:
    rng = np.random.default_rng(3)
    chunks = [_chunk(doc, i) for doc in ("a", "b", "c") for i in range(5)]
    vectors = rng.normal(size=(len(chunks), 16)).astype(np.float32) * rng.uniform(0.5, 4, size=(len(chunks), 1))
    dense = DenseVectors(chunks, vectors)
    query = rng.normal(size=16).astype(np.float32)
    cosine = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
    expected = [chunks[i] for i in np.argsort(-cosine)]
    assert dense.search(query, 4) == expected[:4]  # the vectors' lengths do not count, as in Chroma's cosine space
    assert dense.search(query, 100) == expected
    within = dense.search(query, 3, ["c", "a", "c"])
    assert within == [c for c in expected if c.doc_id in ("a", "c")][:3]
    assert dense.search(query, 3, ["unknown"]) == [] and dense.search(query, 0) == []


def test_equal_similarities_come_in_reading_order() -> None:
    chunks = [_chunk("a", i) for i in range(4)]
    dense = DenseVectors(chunks, np.ones((4, 3), dtype=np.float32))
    assert dense.search(np.ones(3), 2) == chunks[:2]


def test_vectors_must_match_the_chunks() -> None:
    with pytest.raises(ValueError, match="2 chunks but 1 vectors"):
        DenseVectors([_chunk("a", 0), _chunk("a", 1)], np.ones((1, 3)))


# `govqa ask` in this process; then whether chromadb was imported, as the last line.
_ASK_THEN_SAY_IF_CHROMADB = """
import json, sys
from bot.cli import app
sys.argv = ["govqa", "ask", "--json", sys.argv[1]]
try:
    app()
except SystemExit:
    pass
print(json.dumps("chromadb" in sys.modules))
"""


def _ask(settings: Settings, question: str) -> tuple[dict, bool]:
    env = {**os.environ, "GOVQA_DATA_DIR": str(settings.data_dir), "GOVQA_MODELS_DIR": str(settings.models_dir)}
    result = subprocess.run([sys.executable, "-c", _ASK_THEN_SAY_IF_CHROMADB, question], env=env, capture_output=True,
                            text=True, timeout=300, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr[-2000:]
    *answer, imported = result.stdout.strip().splitlines()
    return json.loads("\n".join(answer)), json.loads(imported)


@pytest.mark.slow  # two answering processes
def test_answering_from_the_snapshot_needs_no_chromadb_and_answers_as_chroma_does(embedder, model_dir: Path,
                                                                                tmp_path: Path) -> None:
    from index.components import open_index
    from retrieval.knowledge import store_index_terms

    settings = Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent)
    index = open_index(settings, writer="test", embedder=embedder)
    index.indexer.index_paths([LETTERS / "qingxin-nyj-2022-15.txt", LETTERS / "baiyun-zjj-2021-8.txt"])
    assert store_index_terms(settings) == index.store.count()  # as `govqa index` does after indexing
    question = "清新区在农产品交易会上签约了多少金额？"
    _assert_same_nearest(index.store, settings, embedder, question)

    from_snapshot, imported = _ask(settings, question)
    assert not imported
    settings.paths.knowledge_snapshot.unlink()  # now the chunks and their vectors come from Chroma
    from_chroma, imported = _ask(settings, question)
    assert imported
    assert from_snapshot["answered"]
    assert {**from_snapshot, "timings_ms": None} == {**from_chroma, "timings_ms": None}


def _assert_same_nearest(store, settings: Settings, embedder, question: str) -> None:
    """Chroma's nearest chunks and the snapshot's, for the question and within one letter."""
    from index.registry import Registry
    from retrieval.lexicon import Segmenter
    from retrieval.snapshot import KnowledgeSnapshot, snapshot_key

    saved = KnowledgeSnapshot(settings.paths.knowledge_snapshot).load(
        snapshot_key(Registry(settings.paths.registry).chunk_ids(), Segmenter().version))
    assert saved is not None and saved.vectors is not None and saved.vector_model == embedder.identity
    dense = DenseVectors(saved.chunks, saved.vectors)
    query = embedder.embed_query(question)
    assert [c.chunk_id for c in dense.search(query, 8)] == [h.chunk.chunk_id for h in store.search(query, 8)]
    doc = saved.chunks[-1].doc_id
    assert ([c.chunk_id for c in dense.search(query, 5, [doc])]
            == [h.chunk.chunk_id for h in store.search(query, 5, [doc])])
