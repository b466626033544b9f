"""The document registry: which letters are indexed, by content hash, in SQLite.

Hand-written over the standard library's sqlite3 because what it needs is small
(one table, transactions) and SQLite gives crash safety for free. A document is
written as ``pending`` before its chunks go into the store and marked
``complete`` after, so a crash in between is found and undone on the next run.
"""
from __future__ import annotations

import dataclasses
import json
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from .errors import StoreError
from .types import DocumentRecord, LetterMetadata, chunk_id_for

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id        TEXT PRIMARY KEY,
    source_path   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    metadata_json TEXT NOT NULL,
    chunk_count   INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'complete')),
    indexed_at    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source_path);
CREATE INDEX IF NOT EXISTS documents_hash ON documents (content_hash);
"""

_COLUMNS = "doc_id, source_path, content_hash, display_name, metadata_json, chunk_count, indexed_at"


class Registry:
    """The documents table of one data directory."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"Cannot open the document registry at {path}: {error}. "
                             "Check GOVQA_DATA_DIR points to a writable folder.") from error

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def by_hash(self, content_hash: str) -> DocumentRecord | None:
        """The complete document with this content, if any."""
        return self._one("WHERE content_hash = ? AND status = 'complete'", content_hash)

    def by_source(self, source_path: str) -> list[DocumentRecord]:
        """Complete documents last indexed from this path."""
        return self._many("WHERE source_path = ? AND status = 'complete'", source_path)

    def get(self, doc_id: str) -> DocumentRecord | None:
        """The complete document with this id (a unique prefix of it is accepted)."""
        exact = self._one("WHERE doc_id = ? AND status = 'complete'", doc_id)
        if exact or not doc_id:
            return exact
        # substr, not LIKE: "_" and "%" in what a user typed must not act as wildcards.
        matches = self._many("WHERE substr(doc_id, 1, length(?)) = ? AND status = 'complete'", doc_id, doc_id)
        return matches[0] if len(matches) == 1 else None

    def documents(self) -> list[DocumentRecord]:
        """Every complete document, oldest first."""
        return self._many("WHERE status = 'complete' ORDER BY indexed_at, doc_id")

    def count(self) -> int:
        """How many complete documents (one SQLite step: a list of them, row by row, waits for the GIL at
        every row while another thread computes, 1–2 s for 1,000 rows in a busy server)."""
        return self._db.execute("SELECT count(*) FROM documents WHERE status = 'complete'").fetchone()[0]

    def chunk_ids(self) -> list[str]:
        """The ids of every complete document's chunks (``chunk_id_for``: a document's chunks are numbered
        from 0), which are what the store holds once no write is half done: a reader's view of the index."""
        rows = self._db.execute("SELECT doc_id, chunk_count FROM documents WHERE status = 'complete'").fetchall()
        return [chunk_id_for(doc_id, ordinal) for doc_id, count in rows for ordinal in range(count)]

    def latest(self) -> DocumentRecord | None:
        """The most recently indexed complete document."""
        return self._one("WHERE status = 'complete' ORDER BY indexed_at DESC, doc_id LIMIT 1")

    def pending(self) -> list[str]:
        """Ids of documents whose indexing never finished."""
        return [row[0] for row in self._db.execute("SELECT doc_id FROM documents WHERE status = 'pending'")]

    def begin(self, record: DocumentRecord) -> None:
        """Record a document as pending, before its chunks are stored."""
        self._db.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (record.doc_id, record.source_path, record.content_hash, record.display_name,
             _metadata_json(record.metadata),
             record.chunk_count, _now()),
        )

    def update_facts(self, doc_id: str, display_name: str, metadata: LetterMetadata) -> None:
        """Replace a document's name and header facts (read again by a newer parser; its chunks are kept)."""
        self._db.execute("UPDATE documents SET display_name = ?, metadata_json = ? WHERE doc_id = ?",
                         (display_name, _metadata_json(metadata), doc_id))

    def complete(self, doc_id: str) -> None:
        """Mark a pending document as fully stored."""
        self._db.execute("UPDATE documents SET status = 'complete', indexed_at = ? WHERE doc_id = ?", (_now(), doc_id))

    def remove(self, doc_id: str) -> None:
        """Forget a document."""
        self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def _one(self, where: str, *args: object) -> DocumentRecord | None:
        rows = self._many(where, *args)
        return rows[0] if rows else None

    def _many(self, where: str, *args: object) -> list[DocumentRecord]:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM documents {where}", args).fetchall()
        return [_record(row) for row in rows]


def count_documents(path: Path) -> int:
    """How many complete documents the registry at ``path`` holds, read without creating or changing anything.

    0 when there is no registry yet.
    """
    if not path.is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)) as db:
            return db.execute("SELECT count(*) FROM documents WHERE status = 'complete'").fetchone()[0]
    except sqlite3.Error as error:
        raise StoreError(f"Cannot read the document registry at {path}: {error}.") from error


def _metadata_json(metadata: LetterMetadata) -> str:
    return json.dumps(dataclasses.asdict(metadata), ensure_ascii=False)


def _record(row: tuple) -> DocumentRecord:
    doc_id, source_path, content_hash, display_name, metadata_json, chunk_count, indexed_at = row
    return DocumentRecord(
        doc_id=doc_id, source_path=source_path, content_hash=content_hash,
        display_name=display_name, metadata=LetterMetadata(**json.loads(metadata_json)),
        chunk_count=chunk_count, indexed_at=indexed_at,
    )


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
