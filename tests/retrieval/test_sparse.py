"""retrieval.sparse.SparseIndex: BM25 over jieba words, and the word weights the answerer reads."""
from __future__ import annotations

import pytest

from index.types import Chunk
from retrieval.lexicon import Segmenter
from retrieval.sparse import CharacterPairs, SparseIndex

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


def _letter_chunk(doc: str, ordinal: int, text: str) -> Chunk:
    return Chunk(chunk_id=f"{doc}:{ordinal}", doc_id=doc, display_name=doc, section_path=(), text=text,
                 start=0, end=len(text), ordinal=ordinal)


# Two letters about car parks: only one names 同江, and only in its header chunk; the figures of both are
# in chunks naming no place. A third letter is about something else.
PARKING = [
    _letter_chunk("tongjiang", 0, "同江市交通运输局关于加强公共停车场建设建议的答复"),
    _letter_chunk("tongjiang", 1, "今年计划新建停车场4个，新增车位500个。"),
    _letter_chunk("other", 0, "某区住房和城乡建设局关于停车难问题的答复"),
    _letter_chunk("other", 1, "今年计划新建停车场12个，新增车位1800个，停车场建设资金已落实。"),
    _letter_chunk("bus", 0, "公交线路覆盖全部镇街，新能源公交车占比达到92%。"),
]


def test_letters_rank_the_letter_whose_whole_text_has_the_words(segmenter: Segmenter) -> None:
    index = SparseIndex(PARKING, segmenter)
    words = segmenter.index_terms("同江今年计划建几个停车场？")
    assert index.search(words, k=1)[0][0].chunk_id == "other:1"  # chunk by chunk the other letter's figures win
    assert index.letters(words, k=1) == ["tongjiang"]
    assert index.letters(words, k=2) == ["tongjiang", "other"]


def test_letters_are_none_for_unknown_words_or_when_every_letter_would_be_picked(segmenter: Segmenter) -> None:
    index = SparseIndex(PARKING, segmenter)
    assert index.letters(["地铁"], k=1) == [] and index.letters([], k=1) == []
    assert index.letters(["停车场"], k=3) == []  # three letters: searching them alone is the whole search
    assert index.letters(["停车场"], k=0) == []
    assert SparseIndex([], segmenter).letters(["停车场"], k=1) == []


def test_character_pairs_never_rule_out_a_word_of_the_text_and_rule_out_most_others() -> None:
    text = "\n".join(TEXTS.values()) + "\nABC，ｆｕｌｌ-width 𠀀𠀁"  # Latin, full-width forms, beyond the BMP
    pairs = CharacterPairs(text)
    inside = [text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + 6) + 1)]
    assert all(pairs.may_contain(word) for word in inside)
    absent = ["停车场", "槟榔黄化", "饮用水水源地", "体育场", "公路改造", "学校招聘", "river", "𠀁𠀀"]
    assert sum(pairs.may_contain(word) for word in absent) <= 1


def test_character_pairs_made_block_by_block_are_those_of_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(TEXTS.values())
    whole = CharacterPairs(text)
    monkeypatch.setattr(CharacterPairs, "BLOCK", 7)  # pairs across every block boundary
    in_blocks = CharacterPairs(text)
    assert all(in_blocks.may_contain(text[i:i + 2]) for i in range(len(text) - 1))
    assert (in_blocks._seen == whole._seen).all()


# An English question about roads in 麦积 renders "roads" as many Chinese words. Summed, the chunk that holds
# many of them (a parking letter's 道路, 马路, 路面, 公路) outranks the one that answers (公路 once, and 麦积).
ROADS = [
    _letter_chunk("parking", 0, "加强道路停车管理，马路两侧施划泊位，路面破损及时修补，公路沿线增设停车场。"),
    _letter_chunk("maiji", 0, "麦积区农村公路总里程达到2168公里。"),
    _letter_chunk("bus", 0, "公交线路覆盖全部镇街，新能源公交车占比达到92%。"),
]
ROAD_RENDERINGS = ("道路", "马路", "路面", "公路")


def test_an_ideas_renderings_score_as_its_best_word_not_their_sum(segmenter: Segmenter) -> None:
    index = SparseIndex(ROADS, segmenter)
    flat = ["麦积区", *ROAD_RENDERINGS]
    assert index.search(flat, k=1)[0][0].chunk_id == "parking:0"  # the sum: four renderings beat the place
    structured = ["麦积区", ROAD_RENDERINGS]
    assert index.search(structured, k=1)[0][0].chunk_id == "maiji:0"
    by_id = {chunk.chunk_id: score for chunk, score in index.search(structured, k=3)}
    best_word = max(dict(index.search([word], k=3)).get(ROADS[0], 0.0) for word in ROAD_RENDERINGS)
    assert by_id["parking:0"] == pytest.approx(best_word)


def test_a_structured_query_of_single_words_scores_as_the_flat_one(segmenter: Segmenter) -> None:
    index = SparseIndex(PARKING, segmenter)
    words = segmenter.index_terms("同江今年计划建几个停车场？")
    assert index.search(words, k=5) == index.search([(word,) for word in words], k=5)
    assert index.letters(words, k=2) == index.letters([(word,) for word in words], k=2)


def test_an_idea_with_no_known_word_adds_nothing(segmenter: Segmenter) -> None:
    index = SparseIndex(ROADS, segmenter)
    assert index.search([("地铁", "轻轨")], k=3) == []
    assert index.search(["麦积区", ("地铁", "轻轨")], k=3) == index.search(["麦积区"], k=3)
    assert index.letters([("地铁", "轻轨")], k=1) == []
