"""Hybrid retrieval: dense search (over the answering snapshot's vectors, else in Chroma) plus BM25 over
jieba words, fused by reciprocal rank.

Among many letters a chunk alone often does not say which letter it is from: the place and subject are
in the header, the figure asked for is in a chunk naming neither. So the letters whose whole text BM25
ranks best for the question (``letter_k`` of them) get a dense and a BM25 search of their own, fused
into one more ranking beside the two searches of every letter.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from index.store import ChunkStore
from index.types import Chunk

from .knowledge import KnowledgeView
from .language_offset import LanguageOffset
from .sparse import QueryTerm
from .types import Hit


class QueryEmbedder(Protocol):
    """What retrieval needs of an embedding model."""

    def embed_query(self, text: str) -> np.ndarray: ...


def fuse(rankings: Sequence[Sequence[Chunk]], *, k: int, rrf_k: int) -> list[Hit]:
    """Reciprocal-rank fusion of several rankings of chunks."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    ranks: dict[str, list[int | None]] = {}
    for which, ranking in enumerate(rankings):
        for rank, chunk in enumerate(ranking):
            scores[chunk.chunk_id] = scores.get(chunk.chunk_id, 0.0) + 1.0 / (rrf_k + rank + 1)
            chunks[chunk.chunk_id] = chunk
            ranks.setdefault(chunk.chunk_id, [None] * len(rankings))[which] = rank
    best = sorted(scores, key=lambda cid: -scores[cid])[:k]
    return [Hit(chunks[cid], scores[cid], *ranks[cid][:2]) for cid in best]


class HybridRetriever(BaseRetriever):
    """A LangChain retriever over one govqa index.

    ``invoke(question, words=[...], doc_ids=[...], conversation_doc=...)``: ``words`` are the BM25 query
    terms (``Question.search_terms``: the question's own segmentation and, as tuples, the words that may
    stand for each of its ideas, e.g. an English word's Chinese renderings); ``doc_ids`` restricts the
    search to some documents; ``conversation_doc`` is the letter the conversation is about, searched as a
    letter the question's words pick is.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChunkStore
    knowledge: KnowledgeView
    embedder: Any
    k: int = 8
    dense_k: int = 30
    sparse_k: int = 30
    rrf_k: int = 60
    letter_k: int = 3
    # The embedder's identity (index.components.embedder_identity): the snapshot's vectors are searched
    # only when this model made them.
    model_identity: str | None = None
    # Added to an English question's vector (language_offset.py): None for a model it was not fitted for.
    language_offset: LanguageOffset | None = None

    def hits(self, query: str, *, words: Sequence[QueryTerm], doc_ids: Sequence[str] | None = None,
             embedding: np.ndarray | None = None, conversation_doc: str | None = None) -> list[Hit]:
        """The fused hits, best first."""
        return self._search(query, words, doc_ids, embedding, conversation_doc)[0]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                words: Sequence[QueryTerm] | None = None, doc_ids: Sequence[str] | None = None,
                                conversation_doc: str | None = None, **_: Any) -> list[Document]:
        """``invoke(question, words=..., doc_ids=..., conversation_doc=...)``: Documents with the chunk's
        section metadata. Each Document's metadata also carries the query's ``embed_ms`` and ``search_ms``.
        """
        words = list(words) if words is not None else self.knowledge.sparse.query_words(query)
        hits, timings = self._search(query, words, doc_ids, None, conversation_doc)
        return [hit_to_document(hit, timings) for hit in hits]

    def _search(self, query: str, words: Sequence[QueryTerm], doc_ids: Sequence[str] | None,
                embedding: np.ndarray | None, conversation_doc: str | None = None) -> tuple[list[Hit], dict[str, float]]:
        started = time.perf_counter()
        if embedding is None:
            embedding = self.embedder.embed_query(query)
            if self.language_offset is not None:
                embedding = self.language_offset.apply(query, embedding)
        embedded = time.perf_counter()
        sparse_index, dense = self.knowledge.sparse, self.knowledge.dense_for(self.model_identity)
        nearest = (dense.search(embedding, self.dense_k, doc_ids) if dense is not None
                   else [hit.chunk for hit in self.store.search(embedding, self.dense_k, doc_ids)])
        rankings = [nearest, [chunk for chunk, _ in sparse_index.search(words, self.sparse_k, doc_ids)]]
        letters = [] if doc_ids else sparse_index.letters(words, self.letter_k)
        if conversation_doc and not doc_ids:
            # A question asked after an answer from a letter may be about that letter without naming it
            # (现在前期工作做到哪一步了？): its chunks are searched as those of a letter its words pick.
            letters = list(dict.fromkeys([conversation_doc, *letters]))
        if letters:
            # One ranking, not two: as two, a wrongly picked letter outvoted the whole index's searches
            # (benchmarks/mrc_retrieval.py, letter_k 1: answer in the first 4 chunks 96.7% → 94.2%).
            within = [dense.search(embedding, self.dense_k, letters) if dense is not None
                      else self._nearest_within(embedding, letters),
                      [chunk for chunk, _ in sparse_index.search(words, self.sparse_k, letters)]]
            rankings.append([hit.chunk for hit in fuse(within, k=self.dense_k + self.sparse_k, rrf_k=self.rrf_k)])
        hits = fuse(rankings, k=self.k, rrf_k=self.rrf_k)
        return hits, {"embed_ms": (embedded - started) * 1000, "search_ms": (time.perf_counter() - embedded) * 1000}

    def _nearest_within(self, embedding: np.ndarray, doc_ids: Sequence[str]) -> list[Chunk]:
        """The ``dense_k`` chunks of a few letters nearest to ``embedding``: their vectors looked up by id
        and compared exactly, which is what Chroma does for a filtered query too, at a tenth of the time
        (measured at 1,020 letters, 3 letters: 2.1 ms against 19.4 ms)."""
        chunks = [chunk for doc_id in doc_ids for chunk in self.knowledge.chunks_of(doc_id)]
        vectors = self.store.embeddings([chunk.chunk_id for chunk in chunks])
        chunks = [chunk for chunk in chunks if chunk.chunk_id in vectors]
        if not chunks:
            return []
        similarity = np.stack([vectors[chunk.chunk_id] for chunk in chunks]) @ np.asarray(embedding, dtype=np.float32)
        return [chunks[i] for i in np.argsort(-similarity, kind="stable")[:self.dense_k]]


def hit_to_document(hit: Hit, timings: dict[str, float] | None = None) -> Document:
    """A LangChain Document carrying a hit's chunk and scores."""
    chunk = hit.chunk
    return Document(page_content=chunk.text, id=chunk.chunk_id, metadata={
        "doc_id": chunk.doc_id, "display_name": chunk.display_name, "section": chunk.section,
        "section_path": list(chunk.section_path), "start": chunk.start, "end": chunk.end,
        "ordinal": chunk.ordinal, "score": hit.score, "dense_rank": hit.dense_rank, "sparse_rank": hit.sparse_rank,
        **(timings or {}),
    })


def document_to_hit(document: Document) -> Hit:
    """The Hit a retriever's Document stands for (the inverse of ``hit_to_document``)."""
    meta = document.metadata
    chunk = Chunk(chunk_id=document.id, doc_id=meta["doc_id"], display_name=meta["display_name"],
                  section_path=tuple(meta["section_path"]), text=document.page_content, start=meta["start"],
                  end=meta["end"], ordinal=meta["ordinal"])
    return Hit(chunk, meta["score"], meta["dense_rank"], meta["sparse_rank"])
