"""BM25 words survive a restart: only chunks never seen before, or seen by another segmenter, are segmented."""
from __future__ import annotations

import sqlite3

import pytest

from index.lock import hold_writer_lock
from index.types import Chunk
from retrieval import lexicon
from retrieval.term_cache import TermCache

V1 = "segmenter-v1"


def _chunk(n: int) -> Chunk:
    return Chunk(chunk_id=f"doc:{n}", doc_id="doc", display_name="d", section_path=("一、总则",),
                 text=f"第{n}段：全市建成5G基站{n}个。", start=0, end=10, ordinal=n)


class CountingSegmenter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> list[str]:
        self.calls += 1
        return text.split("：")


def _stored(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM chunk_words").fetchone()[0]


def test_restart_reuses_the_words_of_known_chunks(tmp_path):
    chunks = [_chunk(n) for n in range(5)]
    first = CountingSegmenter()
    words = TermCache(tmp_path / "terms.sqlite3", writable=True).terms_for(chunks, first, version=V1)
    assert first.calls == 5

    again = CountingSegmenter()
    reopened = TermCache(tmp_path / "terms.sqlite3", writable=True)
    assert reopened.terms_for(chunks + [_chunk(9)], again, version=V1) == words + [again(_chunk(9).embed_text)]
    assert again.calls == 2  # the new chunk, plus the call made by this assertion


def test_another_segmenter_version_segments_every_chunk_again(tmp_path):
    chunks = [_chunk(n) for n in range(3)]
    TermCache(tmp_path / "terms.sqlite3", writable=True).terms_for(chunks, CountingSegmenter(), version=V1)
    changed = CountingSegmenter()
    assert TermCache(tmp_path / "terms.sqlite3", writable=True).terms_for(
        chunks, lambda text: ["新", *changed(text)], version="segmenter-v2")[0][0] == "新"
    assert changed.calls == 3
    counter = CountingSegmenter()
    TermCache(tmp_path / "terms.sqlite3", writable=True).terms_for(chunks, counter, version="segmenter-v2")
    assert counter.calls == 0  # the new words replaced the old ones


def test_the_segmenter_version_follows_its_stop_words(monkeypatch: pytest.MonkeyPatch):
    segmenter = lexicon.Segmenter()
    before = segmenter.version
    assert lexicon.Segmenter().version == before  # stable across processes' instances
    monkeypatch.setattr(lexicon, "STOP_WORDS_ZH", lexicon.STOP_WORDS_ZH | {"基站"})
    assert lexicon.Segmenter().version != before


def test_forgotten_chunks_are_segmented_again(tmp_path):
    cache = TermCache(tmp_path / "terms.sqlite3", writable=True)
    chunks = [_chunk(n) for n in range(3)]
    cache.terms_for(chunks, CountingSegmenter(), version=V1)
    cache.forget_all_but({"doc:0"})
    counter = CountingSegmenter()
    cache.terms_for(chunks, counter, version=V1)
    assert counter.calls == 2


def test_a_reader_uses_stored_words_but_never_writes(tmp_path):
    path = tmp_path / "terms.sqlite3"
    TermCache(path, writable=True).terms_for([_chunk(0)], CountingSegmenter(), version=V1)
    reader, counter = TermCache(path, writable=False), CountingSegmenter()
    assert reader.terms_for([_chunk(0), _chunk(1)], counter, version=V1) == [["一、总则\n第0段", "全市建成5G基站0个。"],
                                                                            ["一、总则\n第1段", "全市建成5G基站1个。"]]
    assert counter.calls == 1
    reader.forget_all_but(set())
    assert _stored(path) == 1


def test_without_the_writer_lock_the_cache_is_read_only(tmp_path):
    """`govqa ask`, `chat` and `telegram` do not hold the data dir's lock: they create and change nothing."""
    reader_dir, writer_dir = tmp_path / "reader", tmp_path / "writer"
    reader = TermCache(reader_dir / "bm25-terms.sqlite3")
    assert not reader.writable
    assert reader.terms_for([_chunk(1)], CountingSegmenter(), version=V1)
    assert not reader_dir.exists()

    hold_writer_lock(writer_dir, who="test")
    writer = TermCache(writer_dir / "bm25-terms.sqlite3")
    assert writer.writable
    writer.terms_for([_chunk(1)], CountingSegmenter(), version=V1)
    assert _stored(writer_dir / "bm25-terms.sqlite3") == 1


def test_a_cache_without_a_file_still_segments(tmp_path):
    counter = CountingSegmenter()
    assert TermCache(None).terms_for([_chunk(1)], counter, version=V1) == [["一、总则\n第1段", "全市建成5G基站1个。"]]
    assert counter.calls == 1
