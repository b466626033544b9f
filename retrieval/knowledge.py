"""The in-memory view of the index that answering reads: BM25, word weights, chunks by document."""
from __future__ import annotations

import threading

from index.store import ChunkStore
from index.types import Chunk

from .lexicon import Segmenter
from .sparse import SparseIndex


class KnowledgeView:
    """Holds the current SparseIndex; ``refresh()`` swaps in a new one after documents change."""

    def __init__(self, store: ChunkStore, segmenter: Segmenter) -> None:
        self._store = store
        self._segmenter = segmenter
        self._lock = threading.Lock()
        self.sparse = SparseIndex(store.chunks(), segmenter)
        self._by_doc = _by_document(self.sparse.chunks)

    def refresh(self) -> None:
        """Re-read every chunk from the store (after an upload or a deletion)."""
        sparse = SparseIndex(self._store.chunks(), self._segmenter)
        with self._lock:
            self.sparse, self._by_doc = sparse, _by_document(sparse.chunks)

    def idf(self, term: str) -> float:
        return self.sparse.idf(term)

    def known(self, term: str) -> bool:
        return self.sparse.known(term)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """Every chunk of one document, in reading order."""
        return self._by_doc.get(doc_id, [])


def _by_document(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.doc_id, []).append(chunk)
    return grouped
