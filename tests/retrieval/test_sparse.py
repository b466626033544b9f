"""retrieval.sparse.SparseIndex: BM25 over jieba words, and the word weights the answerer reads."""
from __future__ import annotations

import pytest

from index.types import Chunk
from retrieval.lexicon import Segmenter
from retrieval.sparse import SparseIndex

TEXTS = {
    "a": "全市5G基站总数达到6451个，全省排名第8。",
    "b": "已举办了两期企业首席信息官培训班，目前共收到45家企业的备案申请。",
    "c": "推动工业互联网平台建设，全市累计推动企业上云上平台。",
    "d": "全市新能源公交车占比达到92%，公交线路覆盖全部镇街。",
}


def _chunk(name: str, doc: str) -> Chunk:
    return Chunk(chunk_id=f"{doc}:{name}", doc_id=doc, display_name=doc, section_path=(), text=TEXTS[name],
                 start=0, end=len(TEXTS[name]), ordinal=0)


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture(scope="module")
def index(segmenter: Segmenter) -> SparseIndex:
    return SparseIndex([_chunk("a", "gxj"), _chunk("b", "gxj"), _chunk("c", "gxj"), _chunk("d", "jtj")], segmenter)


def test_the_chunk_with_the_words_ranks_first(index: SparseIndex, segmenter: Segmenter) -> None:
    found = index.search(segmenter.index_terms("首席信息官培训班"), k=3)
    assert found[0][0].chunk_id == "gxj:b" and found[0][1] > 0
    assert all(score > 0 for _, score in found)


def test_search_keeps_to_the_documents_given(index: SparseIndex) -> None:
    assert {chunk.chunk_id for chunk, _ in index.search(["基站", "公交"], k=4)} == {"gxj:a", "jtj:d"}
    assert [chunk.chunk_id for chunk, _ in index.search(["基站", "公交"], k=4, doc_ids=["jtj"])] == ["jtj:d"]


def test_words_no_chunk_has_find_nothing(index: SparseIndex) -> None:
    assert index.search(["地铁", "机场"], k=3) == []
    assert index.search([], k=3) == []
    assert SparseIndex([], Segmenter()).search(["基站"], k=3) == []


def test_k_limits_the_results(index: SparseIndex) -> None:
    assert len(index.search(["企业", "基站", "公交"], k=2)) == 2


def test_a_rare_word_weighs_more_than_a_common_one_and_an_absent_word_most(index: SparseIndex) -> None:
    assert index.idf("企业") < index.idf("首席信息官") < index.idf("地铁")


def test_a_word_inside_a_longer_word_is_known(index: SparseIndex) -> None:
    assert index.known("基站") and index.known("信息官")  # 信息官 is inside 首席信息官
    assert not index.known("地铁")
    assert index.idf("信息官") > index.idf("企业")  # in one chunk (inside a word) against two


def test_warm_up_changes_no_answer(segmenter: Segmenter) -> None:
    cold = SparseIndex([_chunk(name, "gxj") for name in TEXTS], segmenter)
    warm = SparseIndex([_chunk(name, "gxj") for name in TEXTS], segmenter)
    warm.warm_up()
    for word in ("基站", "信息官", "地铁", "新能源公交", "x"):
        assert (cold.known(word), cold.idf(word)) == (warm.known(word), warm.idf(word)), word


def test_given_words_are_used_instead_of_segmenting(segmenter: Segmenter) -> None:
    chunks = [_chunk("a", "gxj"), _chunk("b", "gxj")]
    index = SparseIndex(chunks, segmenter, tokenized=[["甲"], ["乙", "乙"]])
    assert [chunk.chunk_id for chunk, _ in index.search(["乙"], k=2)] == ["gxj:b"]
    assert index.search(["基站"], k=2) == []  # the chunk's text was not segmented
    assert len(index) == 2
