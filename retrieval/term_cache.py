"""BM25 words of every chunk, kept on disk so a restart does not segment the whole corpus again.

Segmenting is the slow part of building BM25 (jieba reads ~1 MB of text a second); the
words of a chunk never change, so they are stored by chunk id and only new chunks are
segmented. Plain sqlite3: one table, and SQLite makes it safe to kill at any moment.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from index.types import Chunk

_SCHEMA = "CREATE TABLE IF NOT EXISTS chunk_terms (chunk_id TEXT PRIMARY KEY, terms TEXT NOT NULL)"
_BATCH = 900  # SQLite's limit on host parameters in one statement is 999


class TermCache:
    """chunk id → its BM25 words."""

    def __init__(self, path: Path | None) -> None:
        self._lock = threading.Lock()
        self._db = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)

    def terms_for(self, chunks: Sequence[Chunk], segment: Callable[[str], list[str]]) -> list[list[str]]:
        """The words of every chunk, segmenting (and remembering) only those not seen before."""
        known = self._load([chunk.chunk_id for chunk in chunks])
        missing = [chunk for chunk in chunks if chunk.chunk_id not in known]
        fresh = {chunk.chunk_id: segment(chunk.embed_text) for chunk in missing}
        self._save(fresh)
        known.update(fresh)
        return [known[chunk.chunk_id] for chunk in chunks]

    def forget_all_but(self, chunk_ids: set[str]) -> None:
        """Drop the words of chunks no longer in the store."""
        if self._db is None:
            return
        with self._lock:
            stored = {row[0] for row in self._db.execute("SELECT chunk_id FROM chunk_terms")}
            gone = list(stored - chunk_ids)
            for first in range(0, len(gone), _BATCH):
                page = gone[first:first + _BATCH]
                self._db.execute(f"DELETE FROM chunk_terms WHERE chunk_id IN ({','.join('?' * len(page))})", page)
            self._db.commit()

    def _load(self, chunk_ids: list[str]) -> dict[str, list[str]]:
        if self._db is None:
            return {}
        found: dict[str, list[str]] = {}
        with self._lock:
            for first in range(0, len(chunk_ids), _BATCH):
                page = chunk_ids[first:first + _BATCH]
                rows = self._db.execute(
                    f"SELECT chunk_id, terms FROM chunk_terms WHERE chunk_id IN ({','.join('?' * len(page))})", page)
                found.update((chunk_id, terms.split("\t") if terms else []) for chunk_id, terms in rows)
        return found

    def _save(self, terms: dict[str, list[str]]) -> None:
        if self._db is None or not terms:
            return
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO chunk_terms VALUES (?, ?)",
                                 [(chunk_id, "\t".join(words)) for chunk_id, words in terms.items()])
            self._db.commit()
