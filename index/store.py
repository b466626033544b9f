"""The chunk store: a Chroma collection, embedded on disk or on a Chroma server.

chromadb is imported when a store is first used, not when this module is (0.7–0.9 s on 2 cores): an
answering process that starts from the answering snapshot (``retrieval.snapshot``) never uses it.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import numpy as np

from .errors import StoreError
from .settings import Settings
from .types import Chunk, doc_id_of

if TYPE_CHECKING:
    import chromadb

_PAGE = 5000  # Chroma caps how many records one call may add or get
_CONFIGURATION = {"hnsw": {"space": "cosine"}}
_MODEL_KEY = "govqa_embedding_model"  # collection metadata, so a Chroma server keeps it too
_DIM_KEY = "govqa_embedding_dim"
_REEMBEDDING_SUFFIX = "-reembedding"  # the side collection `govqa reindex` fills before it takes the store's name


@dataclass(frozen=True)
class EmbeddingRecord:
    """Which model made the stored vectors, as far as the store knows."""

    model: str | None  # None: an index from before the model was recorded
    dim: int | None  # None: nothing recorded and no vector stored

    def matches(self, model: str, dim: int | None) -> bool:
        """Whether vectors of ``model`` (``dim`` long, if known) can be compared with the stored ones."""
        same_dim = self.dim is None or dim is None or self.dim == dim
        return same_dim and self.model in (None, model)

    def describe(self) -> str:
        """The model for a message: its identity, or what the vectors show of an unrecorded one."""
        return self.model or f"an unrecorded model ({self.dim}-dimensional vectors)"


@dataclass(frozen=True)
class StoredHit:
    """A chunk found by vector search, with its cosine similarity."""

    chunk: Chunk
    similarity: float


def open_client(settings: Settings) -> chromadb.ClientAPI:
    """A Chroma client: HttpClient when GOVQA_CHROMA_URL is set, else on-disk in the data dir."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

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

    def __init__(self, client: chromadb.ClientAPI | None, collection: str, *,
                 opener: Callable[[], chromadb.ClientAPI] | None = None) -> None:
        """``client``, or ``opener`` to make one the first time the store is used."""
        self._name = collection
        self._opener = opener
        self._open_lock = threading.Lock()
        self._client: chromadb.ClientAPI | None = None
        self._opened: chromadb.Collection | None = None
        if client is not None:
            self._client, self._opened = client, _open_collection(client, collection)
        elif opener is None:
            raise ValueError("ChunkStore needs a client or an opener")

    @classmethod
    def open(cls, settings: Settings, *, deferred: bool = False) -> "ChunkStore":
        """The store configured by ``settings``; ``deferred``: opened (and chromadb imported) at first use,
        where a StoreError then says it cannot be opened."""
        if deferred:
            return cls(None, settings.collection, opener=lambda: open_client(settings))
        return cls(open_client(settings), settings.collection)

    @property
    def _collection(self) -> chromadb.Collection:
        if self._opened is None:
            with self._open_lock:
                if self._opened is None:
                    client = self._opener()
                    self._opened, self._client = _open_collection(client, self._name), client
        return self._opened

    @property
    def _chroma(self) -> chromadb.ClientAPI:
        self._collection  # noqa: B018 - opens the client of a deferred store
        return self._client

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
        """Ids of every document that has chunks in the store, read off the chunk ids (``doc_id_of``): 0.3 s
        at 1,000 letters, against 1.2 s for reading every chunk's metadata."""
        return {doc_id_of(chunk_id) for chunk_id in self.chunk_ids()}

    def chunk_ids(self) -> list[str]:
        """Every stored chunk's id (no texts: 0.3 s at 1,000 letters against 1.7 s for the chunks)."""
        found: list[str] = []
        offset = 0
        while True:
            page = self._collection.get(include=[], limit=_PAGE, offset=offset)
            found += page["ids"]
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

    def embeddings(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of some chunks, by id (a key lookup, no search; ids not stored are left out)."""
        found: dict[str, np.ndarray] = {}
        ids = list(chunk_ids)
        for first in range(0, len(ids), _PAGE):
            page = self._collection.get(ids=ids[first:first + _PAGE], include=["embeddings"])
            found.update(zip(page["ids"], np.asarray(page["embeddings"], dtype=np.float32)))
        return found

    def embedding_record(self) -> EmbeddingRecord:
        """The recorded model and vector length; for an index that records none, the length of a stored vector."""
        meta = self._collection.metadata or {}
        dim = meta.get(_DIM_KEY)
        if dim is None:
            stored = self._collection.get(limit=1, include=["embeddings"])["embeddings"]
            dim = len(stored[0]) if stored is not None and len(stored) else None
        return EmbeddingRecord(meta.get(_MODEL_KEY), None if dim is None else int(dim))

    def record_embedding_model(self, model: str, dim: int | None) -> None:
        """Record which model made the stored vectors."""
        self._collection.modify(metadata=_with_model(self._collection.metadata, model, dim))

    def reembed(self, embed_passages: Callable[[list[str]], np.ndarray], *, model: str, batch_size: int,
                on_batch: Callable[[int], None] | None = None) -> int:
        """Replace every stored vector by one of ``model``, embedded from the chunk's stored text; returns how many.

        The new vectors go into a side collection that takes the store's name only once it is complete, so an
        interruption leaves the store as it was (still recording the old model) and running again starts over.
        A side collection also lets the new model's vectors have another length than the old one's.
        """
        side_name = self._name + _REEMBEDDING_SUFFIX
        _drop_collection(self._chroma, side_name)  # left by a run that did not finish
        side = self._chroma.create_collection(side_name, configuration=_CONFIGURATION, embedding_function=None)
        dim = None
        for ids, texts, metas in self._pages():
            for first in range(0, len(ids), batch_size):
                batch = slice(first, first + batch_size)
                chunks = [_chunk(cid, text, meta) for cid, text, meta in zip(ids[batch], texts[batch], metas[batch])]
                vectors = np.asarray(embed_passages([chunk.embed_text for chunk in chunks]), dtype=np.float32)
                side.add(ids=ids[batch], embeddings=vectors, documents=texts[batch], metadatas=metas[batch])
                dim = vectors.shape[1]
                if on_batch:
                    on_batch(len(chunks))
        side.modify(metadata=_with_model(self._collection.metadata, model, dim))  # marks it complete
        self._chroma.delete_collection(self._name)
        side.modify(name=self._name)  # a crash just before this is finished by _open_collection
        self._opened = side
        return side.count()

    def _pages(self) -> Iterator[tuple[list[str], list[str], list[dict]]]:
        """Every record's id, document and metadata, a page at a time."""
        offset = 0
        while True:
            page = self._collection.get(include=["documents", "metadatas"], limit=_PAGE, offset=offset)
            if page["ids"]:
                yield page["ids"], page["documents"], page["metadatas"]
            if len(page["ids"]) < _PAGE:
                return
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


def _open_collection(client: chromadb.ClientAPI, name: str) -> chromadb.Collection:
    """The named collection, created if missing; finishes a `govqa reindex` that died between dropping
    the old collection and renaming the complete new one."""
    from chromadb.errors import NotFoundError

    try:
        return client.get_collection(name, embedding_function=None)
    except NotFoundError:
        pass
    try:
        side = client.get_collection(name + _REEMBEDDING_SUFFIX, embedding_function=None)
    except NotFoundError:
        side = None
    if side is not None and _MODEL_KEY in (side.metadata or {}):  # the model is recorded only once it is complete
        side.modify(name=name)
        return side
    return client.get_or_create_collection(name, configuration=_CONFIGURATION, embedding_function=None)


def _with_model(metadata: dict | None, model: str, dim: int | None) -> dict:
    """Collection metadata recording ``model``; modify() replaces the whole metadata, and refuses legacy
    "hnsw:" keys (the distance lives in the configuration), so those are left out."""
    kept = {key: value for key, value in (metadata or {}).items()
            if not key.startswith("hnsw:") and key not in (_MODEL_KEY, _DIM_KEY)}
    return kept | {_MODEL_KEY: model} | ({_DIM_KEY: int(dim)} if dim is not None else {})


def _drop_collection(client: chromadb.ClientAPI, name: str) -> None:
    from chromadb.errors import NotFoundError

    try:
        client.delete_collection(name)
    except NotFoundError:
        pass


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
