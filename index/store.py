"""The chunk store: a Chroma collection, embedded on disk or on a Chroma server."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from .errors import StoreError
from .settings import Settings
from .types import Chunk

_PAGE = 5000  # Chroma caps how many records one call may add or get


@dataclass(frozen=True)
class StoredHit:
    """A chunk found by vector search, with its cosine similarity."""

    chunk: Chunk
    similarity: float


def open_client(settings: Settings) -> chromadb.ClientAPI:
    """A Chroma client: HttpClient when GOVQA_CHROMA_URL is set, else on-disk in the data dir."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            return chromadb.HttpClient(
                host=url.hostname or "localhost", port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https", settings=chroma_settings,
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as error:  # chromadb raises many types; all mean "cannot open"
        where = settings.chroma_url or settings.chroma_dir
        raise StoreError(f"Cannot open the Chroma store at {where}: {error}") from error


class ChunkStore:
    """Chunks and their embeddings in one Chroma collection."""

    def __init__(self, client: chromadb.ClientAPI, collection: str) -> None:
        self._collection = client.get_or_create_collection(
            collection, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None,
        )

    @classmethod
    def open(cls, settings: Settings) -> "ChunkStore":
        """The store configured by ``settings``."""
        return cls(open_client(settings), settings.collection)

    def count(self) -> int:
        """Number of chunks stored."""
        return self._collection.count()

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        """Store chunks with their embeddings (upsert: re-adding is harmless)."""
        for first in range(0, len(chunks), _PAGE):
            page = chunks[first:first + _PAGE]
            self._collection.upsert(
                ids=[chunk.chunk_id for chunk in page],
                embeddings=np.asarray(embeddings[first:first + _PAGE], dtype=np.float32),
                documents=[chunk.text for chunk in page],
                metadatas=[_metadata(chunk) for chunk in page],
            )

    def delete_document(self, doc_id: str) -> None:
        """Remove every chunk of one document."""
        self._collection.delete(where={"doc_id": doc_id})

    def doc_ids(self) -> set[str]:
        """Ids of every document that has chunks in the store (reads metadata only)."""
        found: set[str] = set()
        offset = 0
        while True:
            page = self._collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            found.update(meta["doc_id"] for meta in page["metadatas"])
            if len(page["ids"]) < _PAGE:
                return found
            offset += _PAGE

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """All chunks (of one document, if given), in document and reading order."""
        where = {"doc_id": doc_id} if doc_id else None
        found: list[Chunk] = []
        offset = 0
        while True:
            page = self._collection.get(where=where, include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            found += [_chunk(cid, text, meta) for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"])]
            if len(page["ids"]) < _PAGE:
                return sorted(found, key=lambda c: (c.doc_id, c.ordinal))
            offset += _PAGE

    def search(self, embedding: np.ndarray, k: int, doc_ids: Sequence[str] | None = None) -> list[StoredHit]:
        """The ``k`` chunks nearest to ``embedding``, optionally within some documents."""
        total = self.count()
        if total == 0:
            return []
        where = None
        if doc_ids:
            where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": list(doc_ids)}}
        result = self._collection.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)], n_results=min(k, total),
            where=where, include=["documents", "metadatas", "distances"],
        )
        rows = zip(result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0])
        return [StoredHit(_chunk(cid, text, meta), 1.0 - distance) for cid, text, meta, distance in rows]


def _metadata(chunk: Chunk) -> dict:
    return {
        "doc_id": chunk.doc_id,
        "display_name": chunk.display_name,
        "section": chunk.section,
        "section_path": json.dumps(list(chunk.section_path), ensure_ascii=False),
        "start": chunk.start,
        "end": chunk.end,
        "ordinal": chunk.ordinal,
    }


def _chunk(chunk_id: str, text: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=chunk_id, doc_id=meta["doc_id"], display_name=meta["display_name"],
        section_path=tuple(json.loads(meta["section_path"])), text=text,
        start=int(meta["start"]), end=int(meta["end"]), ordinal=int(meta["ordinal"]),
    )
