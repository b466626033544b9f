"""The in-memory view of the index that answering reads: BM25, word weights, chunks by document."""
from __future__ import annotations

import threading

from index.settings import Settings
from index.store import ChunkStore
from index.types import Chunk

from .lexicon import Segmenter
from .snapshot import KnowledgeSnapshot, snapshot_key
from .sparse import SparseIndex, build_parts
from .term_cache import TermCache


class KnowledgeView:
    """Holds the current SparseIndex; ``refresh()`` swaps in a new one after documents change."""

    def __init__(self, store: ChunkStore, segmenter: Segmenter, term_cache: TermCache | None = None,
                 snapshot: KnowledgeSnapshot | None = None) -> None:
        self._store = store
        self._segmenter = segmenter
        self._terms = term_cache or TermCache(None)
        self._snapshot = snapshot or KnowledgeSnapshot(None)
        self._lock = threading.Lock()
        self.sparse, self._by_doc = self._build()

    def refresh(self) -> None:
        """Re-read the chunks from the store (after an upload or a deletion); only new chunks are segmented."""
        sparse, by_doc = self._build()
        with self._lock:
            self.sparse, self._by_doc = sparse, by_doc
        threading.Thread(target=sparse.warm_up, daemon=True, name="sparse-warm-up").start()

    def warm_up(self) -> None:
        """Precompute what makes a corpus-wide word lookup fast (seconds at a thousand letters)."""
        self.sparse.warm_up()

    def _build(self) -> tuple[SparseIndex, dict[str, list[Chunk]]]:
        """From the snapshot when it holds exactly the stored chunks; else from the store (and the words
        stored for its chunks), saving a snapshot where this process may."""
        key = snapshot_key(self._store.chunk_ids(), self._segmenter.version)
        saved = self._snapshot.load(key)
        if saved is not None:
            chunks, parts = saved
            return SparseIndex(chunks, self._segmenter, parts=parts), _by_document(chunks)
        chunks = self._store.chunks()
        tokenized = self._terms.terms_for(chunks, self._segmenter.index_terms, version=self._segmenter.version)
        self._terms.forget_all_but({chunk.chunk_id for chunk in chunks})
        sparse = SparseIndex(chunks, self._segmenter, tokenized)
        self._snapshot.save(snapshot_key((chunk.chunk_id for chunk in chunks), self._segmenter.version), chunks, sparse.parts)
        return sparse, _by_document(chunks)

    def idf(self, term: str) -> float:
        return self.sparse.idf(term)

    def known(self, term: str) -> bool:
        return self.sparse.known(term)

    def romanised(self, name: str) -> tuple[str, ...]:
        """The letters' words a romanised name spells (Gaoping → 高平)."""
        return self.sparse.romanised.words_for(name)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """Every chunk of one document, in reading order."""
        return self._by_doc.get(doc_id, [])


def store_index_terms(settings: Settings) -> int:
    """Segment and store the BM25 words of every chunk not stored yet, and save the snapshot of the chunks
    and their BM25 (``retrieval.snapshot``); returns how many chunks have words.

    The writer does this after indexing (`govqa index` holds the writer lock, which storing needs),
    so answering processes start without segmenting the corpus (seconds per hundred letters).
    """
    segmenter = Segmenter(settings.paths.jieba_cache, memory_mapped=False)  # the whole corpus: dicts are faster
    store = ChunkStore.open(settings)
    chunks = store.chunks()
    tokenized = TermCache(settings.paths.term_cache).terms_for(chunks, segmenter.index_terms, version=segmenter.version)
    KnowledgeSnapshot(settings.paths.knowledge_snapshot).save(
        snapshot_key((chunk.chunk_id for chunk in chunks), segmenter.version), chunks, build_parts(chunks, tokenized))
    return len(chunks)


def _by_document(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.doc_id, []).append(chunk)
    return grouped
