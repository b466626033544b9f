"""retrieval.snapshot: answering starts from the saved chunks and BM25 only while they are the stored ones."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.settings import Settings
from index.store import ChunkStore
from index.types import Chunk
from retrieval.knowledge import KnowledgeView
from retrieval.lexicon import Segmenter
from retrieval.snapshot import KnowledgeSnapshot, snapshot_key
from retrieval.term_cache import TermCache

LETTERS = {
    "baiyun": ["白云区累计完成加装电梯审批1200台，已竣工投入使用538台。", "财政对每台加装电梯补助15万元。"],
    "qingxin": ["清新区丝苗米种植面积达16.8万亩。", "全区有丝苗米加工企业23家。"],
}


def _chunks(doc: str, texts: list[str]) -> list[Chunk]:
    return [Chunk(chunk_id=f"{doc}:{i}", doc_id=doc, display_name=doc, section_path=("一、情况",), text=text, start=0,
                  end=len(text), ordinal=i) for i, text in enumerate(texts)]


@pytest.fixture(scope="module")
def segmenter(tmp_path_factory: pytest.TempPathFactory) -> Segmenter:
    return Segmenter(tmp_path_factory.mktemp("jieba") / "jieba.cache")


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    store = ChunkStore.open(Settings(data_dir=tmp_path / "data"))
    for doc, texts in LETTERS.items():
        store.add(_chunks(doc, texts), np.random.default_rng(0).normal(size=(len(texts), 8)).astype(np.float32))
    return store


def _view(store: ChunkStore, segmenter: Segmenter, path: Path, *, writable: bool) -> KnowledgeView:
    return KnowledgeView(store, segmenter, TermCache(None), KnowledgeSnapshot(path, writable=writable))


def _results(view: KnowledgeView) -> list:
    words = view.sparse.query_words("加装电梯补助，丝苗米加工企业")
    return [[(chunk.chunk_id, round(score, 6)) for chunk, score in view.sparse.search(words, k=4)],
            view.sparse.letters(words, k=1), [round(view.idf(w), 6) for w in [*words, "不在信里"]]]


def test_a_writer_saves_it_and_a_reader_starts_from_it_with_the_same_results(store, segmenter, tmp_path) -> None:
    path = tmp_path / "snapshot.pickle"
    built = _view(store, segmenter, path, writable=True)
    assert path.is_file()
    loaded = KnowledgeSnapshot(path, writable=False).load(snapshot_key(store.chunk_ids(), segmenter.version))
    assert loaded is not None and [c.chunk_id for c in loaded.chunks] == [c.chunk_id for c in built.sparse.chunks]
    read = _view(store, segmenter, path, writable=False)
    assert read.sparse.parts is not built.sparse.parts  # unpickled, not rebuilt in this process … and the same
    assert _results(read) == _results(built)
    assert read.chunks_of("baiyun") == built.chunks_of("baiyun")


def test_a_snapshot_of_other_chunks_is_not_used(store, segmenter, tmp_path) -> None:
    path = tmp_path / "snapshot.pickle"
    _view(store, segmenter, path, writable=True)
    added = _chunks("new", ["新建停车场4处，新增车位135个。"])
    store.add(added, np.ones((1, 8), dtype=np.float32))
    assert KnowledgeSnapshot(path).load(snapshot_key(store.chunk_ids(), segmenter.version)) is None
    view = _view(store, segmenter, path, writable=False)
    assert [c.chunk_id for c, _ in view.sparse.search(["停车场"], k=2)] == ["new:0"]
    store.delete_document("new")
    assert KnowledgeSnapshot(path).load(snapshot_key(store.chunk_ids(), segmenter.version)) is not None
    assert KnowledgeSnapshot(path).load(snapshot_key(store.chunk_ids(), "another segmenter")) is None


def test_only_a_writer_saves_it(store, segmenter, tmp_path) -> None:
    path = tmp_path / "snapshot.pickle"
    _view(store, segmenter, path, writable=False)
    assert not path.exists()
    assert not KnowledgeSnapshot(path).writable  # no writer lock held on tmp_path


def test_a_damaged_snapshot_is_built_again(store, segmenter, tmp_path) -> None:
    path = tmp_path / "snapshot.pickle"
    reference = _results(_view(store, segmenter, tmp_path / "reference.pickle", writable=False))
    for damage in (b"", b"not a pickle", path.read_bytes()[:100] if path.exists() else b"\x80\x05"):
        path.write_bytes(damage)
        assert _results(_view(store, segmenter, path, writable=False)) == reference
    path.write_bytes(b"")
    _view(store, segmenter, path, writable=True)  # a writer replaces it
    assert KnowledgeSnapshot(path).load(snapshot_key(store.chunk_ids(), segmenter.version)) is not None


def test_an_unwritable_place_only_means_building_again(store, segmenter, tmp_path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    view = _view(store, segmenter, blocked / "snapshot.pickle", writable=True)
    words = view.sparse.query_words("丝苗米种植面积")
    assert [c.chunk_id for c, _ in view.sparse.search(words, k=1)] == ["qingxin:0"]


def test_the_chunks_normalised_texts_are_saved_and_an_older_snapshot_without_them_still_answers(
        store, segmenter, tmp_path) -> None:
    from dataclasses import replace

    from retrieval.sparse import SparseIndex

    path = tmp_path / "snapshot.pickle"
    built = _view(store, segmenter, path, writable=True)
    loaded = KnowledgeSnapshot(path, writable=False).load(snapshot_key(store.chunk_ids(), segmenter.version))
    assert loaded.parts.texts is not None and len(loaded.parts.texts) == len(loaded.chunks)
    read = _view(store, segmenter, path, writable=False)
    older = SparseIndex(loaded.chunks, segmenter, parts=replace(loaded.parts, texts=None))
    for word in ["加装电", "丝苗", "不在信里"]:  # inside longer words, or nowhere: looked for in the texts
        assert read.sparse.known(word) == older.known(word) == built.sparse.known(word)
        assert read.sparse.idf(word) == older.idf(word)


def test_loading_leaves_the_garbage_collector_as_it_found_it(store, segmenter, tmp_path) -> None:
    # The collector is paused while the snapshot is unpickled (a fifth of the time at 1,000 letters).
    import gc

    path = tmp_path / "snapshot.pickle"
    _view(store, segmenter, path, writable=True)
    key = snapshot_key(store.chunk_ids(), segmenter.version)
    good = path.read_bytes()
    assert gc.isenabled()
    assert KnowledgeSnapshot(path).load(key) is not None and gc.isenabled()
    path.write_bytes(good[:len(good) // 2])   # cut mid-snapshot: unpickling fails inside the pause
    assert KnowledgeSnapshot(path).load(key) is None and gc.isenabled()
    gc.disable()
    try:
        path.write_bytes(good)
        assert KnowledgeSnapshot(path).load(key) is not None and not gc.isenabled()   # a caller's choice stays
    finally:
        gc.enable()
