"""Exact dense search over every chunk's vector held in memory, in place of a query to Chroma.

An answering process that starts from the answering snapshot (``retrieval.snapshot``) has every stored
vector already: comparing the query with all of them is one matrix product (1,000 letters, 19,778 chunks of
384 numbers: 30 MB, a few milliseconds), exact where Chroma's HNSW graph is approximate, and leaves
chromadb unimported (0.7–0.9 s of every cold start). Chroma stays the store every write goes to.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.types import Chunk


class DenseVectors:
    """The vectors of ``chunks`` (row i is chunk i's), searched by cosine similarity as Chroma's cosine space is."""

    def __init__(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        self._chunks = list(chunks)
        matrix = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(matrix) else np.ones((0, 1), np.float32)
        # e5's vectors are stored unit length: those are used as they are, not copied (30 MB at 1,000 letters).
        if not np.allclose(norms, 1, atol=1e-4):
            matrix = matrix / np.where(norms > 0, norms, 1)
        self._matrix = matrix
        self._rows: dict[str, list[int]] = {}
        for row, chunk in enumerate(self._chunks):
            self._rows.setdefault(chunk.doc_id, []).append(row)

    def search(self, embedding: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[Chunk]:
        """The ``k`` chunks nearest to ``embedding`` (of some documents, if given), nearest first."""
        rows = np.arange(len(self._chunks)) if doc_ids is None else np.asarray(
            [row for doc_id in dict.fromkeys(doc_ids) for row in self._rows.get(doc_id, [])], dtype=np.int64)
        if not len(rows) or k <= 0:
            return []
        query = np.asarray(embedding, dtype=np.float32).reshape(-1)
        similarity = (self._matrix if doc_ids is None else self._matrix[rows]) @ query
        if k < len(rows):
            nearest = np.argpartition(-similarity, k - 1)[:k]
            nearest = nearest[np.lexsort((rows[nearest], -similarity[nearest]))]  # ties: in reading order
        else:
            nearest = np.lexsort((rows, -similarity))
        return [self._chunks[rows[i]] for i in nearest]
