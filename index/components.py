"""The one place that assembles an index from settings: store, registry and, for the writer, the indexer."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import EmbeddingMismatchError
from .indexer import Indexer
from .lock import hold_writer_lock
from .registry import Registry
from .settings import Settings
from .store import ChunkStore


class NoEmbedder:
    """Stands in where a writer only deletes and never embeds."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("this indexer was opened without a model")


@dataclass(frozen=True)
class IndexParts:
    """An opened index; ``indexer`` is None for readers."""

    store: ChunkStore
    registry: Registry
    indexer: Indexer | None = None


def open_index(settings: Settings, *, writer: str | None = None, embedder=None, check_model: bool = True,
               orphans: bool = True) -> IndexParts:
    """The configured index. With ``writer`` (who writes, for the lock's message) this process takes
    the data dir's writer lock and gets an Indexer, after undoing what a crashed writer left half-done.

    With ``embedder`` its model must be the one that made the stored vectors (else EmbeddingMismatchError);
    an index that records none, or holds nothing, adopts it, and a writer records it. ``check_model=False``
    is for `govqa reindex`, which is what a mismatch calls for.

    A reader's store is opened (and chromadb imported) when first used: an answering process that starts
    from the answering snapshot never uses it, and checks the model against the snapshot's instead. So is
    a writer's with ``orphans=False`` and ``check_model=False`` (the answer service's): its recovery then
    leaves orphan chunks for ``Indexer.remove_orphans``, as only listing the store finds them.
    """
    store = ChunkStore.open(settings, deferred=writer is None or not (orphans or check_model))
    registry = Registry(settings.paths.registry)
    if writer is not None:
        hold_writer_lock(settings.data_dir, who=writer)
    if embedder is not None and check_model:
        check_embedding_model(store, embedder, where=store_location(settings), record=writer is not None)
    if writer is None:
        return IndexParts(store, registry)
    indexer = Indexer(settings, store=store, registry=registry, embedder=embedder or NoEmbedder())
    indexer.recover(orphans=orphans)  # a writer killed mid-document left a pending one: undo it before anything reads
    return IndexParts(store, registry, indexer)


def embedder_identity(embedder) -> str | None:
    """What an embedder's vectors depend on (``Embedder.identity``), else its name; None if it says neither."""
    return getattr(embedder, "identity", None) or getattr(embedder, "name", None)


def check_embedding_model(store: ChunkStore, embedder, *, where: object, record: bool) -> None:
    """Refuse ``embedder`` if another model made the stored vectors; with ``record``, note its model
    where the store records none yet or holds nothing (an empty store adopts any model)."""
    model = embedder_identity(embedder)
    if model is None:
        return  # an embedder that cannot say what it is: nothing to compare
    dim = getattr(embedder, "dim", None)
    stored = store.embedding_record()
    if store.count() and not stored.matches(model, dim):
        raise EmbeddingMismatchError(where, stored.describe(), model)
    if record and stored.model != model:
        store.record_embedding_model(model, dim or (stored.dim if store.count() else None))


def store_location(settings: Settings) -> str:
    """Where the store is, for messages."""
    if settings.chroma_url:
        return f"{settings.chroma_url} (collection {settings.collection})"
    return str(settings.chroma_dir)
