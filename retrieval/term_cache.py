"""BM25 words of every chunk, kept on disk so a restart does not segment the whole corpus again.

Segmenting is the slow part of building BM25 (jieba reads ~1 MB of text a second). The
words of a chunk depend on its text and on the segmenter, so they are stored by chunk id
together with the segmenter's version: a change of stop words, jieba or the segmenting
code segments every chunk again rather than mixing old and new words. Only the data
dir's one writer (the process holding its writer lock) stores words; readers (`govqa ask`,
`chat`, `telegram`) use what is stored and segment the rest in memory. Plain sqlite3: one
table, and SQLite makes it safe to kill at any moment.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from index.lock import holds_writer_lock
from index.types import Chunk

_TABLE = "chunk_words"
_SCHEMA = f"CREATE TABLE IF NOT EXISTS {_TABLE} (chunk_id TEXT PRIMARY KEY, version TEXT NOT NULL, terms TEXT NOT NULL)"
_OLD_TABLES = ("chunk_terms",)  # words stored before they carried a segmenter version
_BATCH = 900  # SQLite's limit on host parameters in one statement is 999


class TermCache:
    """chunk id → its BM25 words, as segmented by one segmenter version.

    ``writable``: whether this process may store words; by default only when it
    holds the writer lock of the data dir the file is in (``path.parent``).
    """

    def __init__(self, path: Path | None, *, writable: bool | None = None) -> None:
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.writable = False
        if path is None:
            return
        self.writable = holds_writer_lock(path.parent) if writable is None else writable
        if self.writable:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            for table in _OLD_TABLES:
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
            self._db.commit()
        elif path.is_file():
            self._db = _open_read_only(path)

    def terms_for(self, chunks: Sequence[Chunk], segment: Callable[[str], list[str]], *,
                  version: str) -> list[list[str]]:
        """The words of every chunk, segmenting only those not stored for this segmenter ``version``
        (and storing them, when writable)."""
        known = self._load([chunk.chunk_id for chunk in chunks], version)
        missing = [chunk for chunk in chunks if chunk.chunk_id not in known]
        fresh = {chunk.chunk_id: segment(chunk.embed_text) for chunk in missing}
        self._save(fresh, version)
        known.update(fresh)
        return [known[chunk.chunk_id] for chunk in chunks]

    def forget_all_but(self, chunk_ids: set[str]) -> None:
        """Drop the words of chunks no longer in the store (when writable)."""
        if self._db is None or not self.writable:
            return
        with self._lock:
            stored = {row[0] for row in self._db.execute(f"SELECT chunk_id FROM {_TABLE}")}
            gone = list(stored - chunk_ids)
            for first in range(0, len(gone), _BATCH):
                page = gone[first:first + _BATCH]
                self._db.execute(f"DELETE FROM {_TABLE} WHERE chunk_id IN ({','.join('?' * len(page))})", page)
            self._db.commit()

    def _load(self, chunk_ids: list[str], version: str) -> dict[str, list[str]]:
        if self._db is None:
            return {}
        found: dict[str, list[str]] = {}
        with self._lock:
            try:
                for first in range(0, len(chunk_ids), _BATCH):
                    page = chunk_ids[first:first + _BATCH]
                    rows = self._db.execute(
                        f"SELECT chunk_id, terms FROM {_TABLE} WHERE version = ? "
                        f"AND chunk_id IN ({','.join('?' * len(page))})", [version, *page])
                    found.update((chunk_id, terms.split("\t") if terms else []) for chunk_id, terms in rows)
            except sqlite3.Error:
                if self.writable:
                    raise
                return {}  # a reader of an old or damaged file segments in memory instead
        return found

    def _save(self, terms: dict[str, list[str]], version: str) -> None:
        if self._db is None or not self.writable or not terms:
            return
        with self._lock:
            self._db.executemany(f"INSERT OR REPLACE INTO {_TABLE} VALUES (?, ?, ?)",
                                 [(chunk_id, version, "\t".join(words)) for chunk_id, words in terms.items()])
            self._db.commit()


def _open_read_only(path: Path) -> sqlite3.Connection | None:
    """A connection that cannot change the file, or None if it cannot be read."""
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=30)
    except sqlite3.Error:
        return None
