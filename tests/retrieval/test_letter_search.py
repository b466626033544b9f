"""HybridRetriever's search within the letters the question points to (``letter_k``), over a real Chroma
store and the real embedding model: a letter names its place once, in its header, and the chunk
holding the figure asked for names no place."""
from __future__ import annotations

import numpy as np
import pytest

from index.settings import Settings
from index.store import ChunkStore
from index.types import Chunk
from retrieval.knowledge import KnowledgeView
from retrieval.lexicon import Segmenter
from retrieval.retriever import HybridRetriever

# Invented letters: every district plans car parks; only one letter is 同江's, and says so in its header.
DISTRICTS = ["河东区", "河西区", "城南区", "城北区", "高新区", "开发区"]
QUESTION = "同江今年计划建几个停车场？"


def _letters() -> list[Chunk]:
    texts = {"tongjiang": ["同江市交通运输局关于加强公共停车场建设建议的答复", "我市停车难问题日益突出，群众反映强烈。",
                           "今年计划新建停车场4个，可新增车位500个，资金已经落实。"]}
    for number, district in enumerate(DISTRICTS):
        texts[f"d{number}"] = [f"{district}住房和城乡建设局关于停车难问题的答复",
                              f"今年计划新建公共停车场{number + 6}个，新增停车位{number + 9}00个，停车场建设资金已落实。",
                              "下一步，我们将继续推进停车场建设，缓解停车难问题。"]
    return [Chunk(chunk_id=f"{doc}:{i}", doc_id=doc, display_name=doc, section_path=(), text=text, start=0,
                  end=len(text), ordinal=i) for doc, parts in texts.items() for i, text in enumerate(parts)]


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory, model_dir, embedder) -> HybridRetriever:
    settings = Settings(data_dir=tmp_path_factory.mktemp("letters"), models_dir=model_dir.parent)
    store = ChunkStore.open(settings)
    chunks = _letters()
    store.add(chunks, embedder.embed_passages([chunk.embed_text for chunk in chunks]))
    return HybridRetriever(store=store, knowledge=KnowledgeView(store, Segmenter()), embedder=embedder, k=2)


def _top(retriever: HybridRetriever, letter_k: int) -> list[str]:
    searcher = retriever.model_copy(update={"letter_k": letter_k})
    return [hit.chunk.chunk_id for hit in searcher.hits(QUESTION, words=Segmenter().index_terms(QUESTION))]


def test_the_figure_of_the_letter_the_question_names_is_found_by_searching_that_letter(retriever) -> None:
    assert "tongjiang:2" not in _top(retriever, 0)  # among seven letters alike, the figure chunk loses
    assert "tongjiang:2" in _top(retriever, 1)


def test_a_search_kept_to_given_documents_is_not_widened(retriever) -> None:
    hits = retriever.hits(QUESTION, words=Segmenter().index_terms(QUESTION), doc_ids=["d0"])
    assert hits and {hit.chunk.doc_id for hit in hits} == {"d0"}


def test_the_search_within_letters_ranks_as_chromas_filtered_query(retriever, embedder) -> None:
    letters = ["tongjiang", "d0", "d3"]
    query = embedder.embed_query(QUESTION)
    chroma = {hit.chunk.chunk_id: hit.similarity for hit in retriever.store.search(query, 30, letters)}
    ours = [chunk.chunk_id for chunk in retriever._nearest_within(query, letters)]
    assert len(ours) == 9 and set(ours) == set(chroma)
    scores = [chroma[chunk_id] for chunk_id in ours]  # the same order up to ties (d0:2 and d3:2 read alike)
    assert all(a >= b - 1e-6 for a, b in zip(scores, scores[1:]))


def test_stored_vectors_are_looked_up_by_id(retriever, embedder) -> None:
    found = retriever.store.embeddings(["tongjiang:2", "no-such-chunk", "d0:1"])
    assert set(found) == {"tongjiang:2", "d0:1"}
    expected = embedder.embed_passages([chunk.embed_text for chunk in _letters() if chunk.chunk_id == "tongjiang:2"])[0]
    assert np.allclose(found["tongjiang:2"], expected, atol=1e-5)
    assert retriever.store.embeddings([]) == {}


def test_a_question_asked_in_a_conversation_about_a_letter_searches_that_letter(retriever) -> None:
    unplaced = "今年计划建几个停车场？"  # asked after an answer from 同江's letter: it names no letter of its own
    words = Segmenter().index_terms(unplaced)
    searcher = retriever.model_copy(update={"letter_k": 0})
    assert "tongjiang:2" not in [hit.chunk.chunk_id for hit in searcher.hits(unplaced, words=words)]
    hits = searcher.hits(unplaced, words=words, conversation_doc="tongjiang")
    assert "tongjiang:2" in [hit.chunk.chunk_id for hit in hits]
    kept = searcher.hits(unplaced, words=words, doc_ids=["d0"], conversation_doc="tongjiang")
    assert {hit.chunk.doc_id for hit in kept} == {"d0"}  # a search kept to named documents stays there
