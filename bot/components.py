"""Build the long-lived parts (store, registry, model, indexer) from settings, once per process."""
from __future__ import annotations

import numpy as np

from index.indexer import Indexer
from index.lock import hold_writer_lock
from index.registry import Registry
from index.settings import Settings
from index.store import ChunkStore


class _NoEmbedder:
    """Stands in where a command only deletes and never embeds."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("this indexer was opened without a model")


def open_indexer(settings: Settings, *, with_model: bool = True) -> Indexer:
    """An Indexer over the configured store and registry."""
    hold_writer_lock(settings.data_dir, who="govqa index")
    embedder = _NoEmbedder()
    if with_model:
        from index.embedding_model import load_embedder

        embedder = load_embedder(settings)
    return Indexer(settings, store=ChunkStore.open(settings), registry=Registry(settings.registry_path), embedder=embedder)
