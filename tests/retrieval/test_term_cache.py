"""BM25 words survive a restart: only chunks never seen before are segmented."""
from __future__ import annotations

from index.types import Chunk
from retrieval.term_cache import TermCache


def _chunk(n: int) -> Chunk:
    return Chunk(chunk_id=f"doc:{n}", doc_id="doc", display_name="d", section_path=("一、总则",),
                 text=f"第{n}段：全市建成5G基站{n}个。", start=0, end=10, ordinal=n)


class CountingSegmenter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> list[str]:
        self.calls += 1
        return text.split("：")


def test_restart_reuses_the_words_of_known_chunks(tmp_path):
    chunks = [_chunk(n) for n in range(5)]
    first = CountingSegmenter()
    words = TermCache(tmp_path / "terms.sqlite3").terms_for(chunks, first)
    assert first.calls == 5

    again = CountingSegmenter()
    reopened = TermCache(tmp_path / "terms.sqlite3")
    assert reopened.terms_for(chunks + [_chunk(9)], again) == words + [again(_chunk(9).embed_text)]
    assert again.calls == 2  # the new chunk, plus the call made by this assertion


def test_forgotten_chunks_are_segmented_again(tmp_path):
    cache = TermCache(tmp_path / "terms.sqlite3")
    chunks = [_chunk(n) for n in range(3)]
    cache.terms_for(chunks, CountingSegmenter())
    cache.forget_all_but({"doc:0"})
    counter = CountingSegmenter()
    cache.terms_for(chunks, counter)
    assert counter.calls == 2


def test_a_cache_without_a_file_still_segments(tmp_path):
    counter = CountingSegmenter()
    assert TermCache(None).terms_for([_chunk(1)], counter) == [["一、总则\n第1段", "全市建成5G基站1个。"]]
    assert counter.calls == 1
