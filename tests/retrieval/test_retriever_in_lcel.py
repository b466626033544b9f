"""HybridRetriever is a real LangChain retriever: it drops into a user's own LCEL chain."""
from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from index.store import ChunkStore
from retrieval.knowledge import KnowledgeView
from retrieval.lexicon import Segmenter
from retrieval.retriever import HybridRetriever, document_to_hit


@pytest.fixture(scope="module")
def retriever(library, library_settings, embedder) -> HybridRetriever:
    """Built from the index's parts, as a user would."""
    store = ChunkStore.open(library_settings)
    return HybridRetriever(store=store, knowledge=KnowledgeView(store, Segmenter()), embedder=embedder, k=5)


def test_a_user_chain_gets_documents_with_section_metadata(retriever):
    chain = retriever | RunnableLambda(lambda docs: [(d.metadata["section"], d.page_content) for d in docs])
    sections = chain.invoke("丝苗米加工企业日加工能力提高")
    assert 0 < len(sections) <= 5
    assert any("已开展的工作" in section for section, _ in sections)
    documents = retriever.invoke("丝苗米加工企业日加工能力提高")
    assert all(isinstance(d, Document) and d.id and d.metadata["doc_id"] for d in documents)


def test_doc_ids_restrict_what_is_found(retriever, doc_ids):
    only = doc_ids["baiyun-zjj-2021-8"]
    documents = retriever.invoke("补助资金", doc_ids=[only])
    assert documents and {d.metadata["doc_id"] for d in documents} == {only}


def test_documents_read_back_into_the_same_hits(retriever):
    words = ["加装", "电梯", "补助"]
    documents = retriever.invoke("加装电梯补助", words=words)
    hits = retriever.hits("加装电梯补助", words=words)
    assert [document_to_hit(d).chunk for d in documents] == [h.chunk for h in hits]
