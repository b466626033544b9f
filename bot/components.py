"""The indexer the writing CLI commands use (`govqa index`, `govqa docs rm`)."""
from __future__ import annotations

from index.components import open_index
from index.indexer import Indexer
from index.settings import Settings


def open_indexer(settings: Settings, *, with_model: bool = True) -> Indexer:
    """An Indexer over the configured store and registry, holding the writer lock."""
    embedder = None
    if with_model:
        from index.embedding_model import load_embedder

        embedder = load_embedder(settings, for_indexing=True)
    return open_index(settings, writer="govqa index", embedder=embedder).indexer
