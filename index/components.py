"""The one place that assembles an index from settings: store, registry and, for the writer, the indexer."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def open_index(settings: Settings, *, writer: str | None = None, embedder=None) -> IndexParts:
    """The configured index. With ``writer`` (who writes, for the lock's message) this process takes
    the data dir's writer lock and gets an Indexer, after undoing what a crashed writer left half-done."""
    store = ChunkStore.open(settings)
    registry = Registry(settings.paths.registry)
    if writer is None:
        return IndexParts(store, registry)
    hold_writer_lock(settings.data_dir, who=writer)
    indexer = Indexer(settings, store=store, registry=registry, embedder=embedder or NoEmbedder())
    indexer.recover()  # a writer killed mid-document left a pending one: undo it before anything reads the store
    return IndexParts(store, registry, indexer)
