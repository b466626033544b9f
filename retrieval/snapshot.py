"""Every chunk, the BM25 indexes built from them and the chunks' vectors, saved in one file beside the index,
so an answering process starts without Chroma: without reading every chunk's text from it, building BM25,
or importing chromadb to search it (``retrieval.dense`` searches the saved vectors).

At 1,000 letters (19,778 chunks) that is 1.7 s for the chunks, 0.4 s for their stored words and 2.5 s
for BM25 a start; reading this file back takes about 0.3 s. It holds what the store held when it was
written: its key is the SHA-256 of the sorted chunk ids (a chunk id names its document, whose id is a
hash of its content) and of the segmenter's version, and a process uses the file only when the chunk ids
of the registry's complete documents (``Registry.chunk_ids``: SQLite, milliseconds, where listing the
store's took 0.3 s at 1,000 letters after importing chromadb) give the same key. The vectors are used
only by a process whose embedding model made them (the model the store recorded, saved beside them);
`govqa reindex` deletes the file before it changes any vector. Like the BM25 words (``term_cache``),
only the data dir's one writer saves it; others read it or build in memory. Written whole or not at
all (a temporary file renamed into place).

Pickle, as for CC-CEDICT's index beside the models: the file is the data dir owner's own, written by
this program, and pickle is the one format that keeps bm25s's objects whole.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.files import write_atomically
from index.lock import holds_writer_lock
from index.types import Chunk

from .sparse import BM25Parts

SNAPSHOT_REVISION = 2  # bump when what the file holds changes (2: the vectors and their model)


@dataclass(frozen=True)
class SavedKnowledge:
    """What a snapshot holds: the chunks in store order, their BM25 parts, their vectors (row i is chunk
    i's) with the model that made them (vectors None when the store could not give them all), and each
    letter's normalised text (``knowledge.letter_text``), by document id."""

    chunks: list[Chunk]
    parts: BM25Parts
    vectors: np.ndarray | None = None
    vector_model: str | None = None
    letter_texts: dict[str, str] | None = None


def snapshot_key(chunk_ids: Iterable[str], segmenter_version: str) -> str:
    """What a snapshot is valid for: exactly these chunks, segmented by this segmenter version."""
    digest = hashlib.sha256(f"{SNAPSHOT_REVISION}\n{segmenter_version}\n".encode())
    for chunk_id in sorted(chunk_ids):
        digest.update(chunk_id.encode())
        digest.update(b"\n")
    return digest.hexdigest()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block: unpickling makes some hundred thousand objects
    (chunks, their texts, BM25's tables), none of them garbage, and each few hundred trigger a collection
    that walks all made so far. Measured, 1,020 letters' snapshot: 0.60 s to read with it on, 0.18 s off;
    a cold `govqa ask` there 1.59–1.68 → 1.50–1.58 s (the load overlaps the models' loading)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class KnowledgeSnapshot:
    """The snapshot file of one data dir; ``writable`` by default only for the holder of its writer lock."""

    def __init__(self, path: Path | None, *, writable: bool | None = None) -> None:
        self.path = path
        self.writable = bool(path) and (holds_writer_lock(path.parent) if writable is None else writable)

    def load(self, key: str) -> SavedKnowledge | None:
        """What was saved under ``key``; None when there is no such file, it was saved for other chunks,
        or it cannot be read."""
        if self.path is None:
            return None
        try:
            with open(self.path, "rb") as fh:
                if pickle.load(fh) != key:  # the key comes first: another snapshot is not unpickled
                    return None
                with _collector_paused():
                    saved = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return None
        if (not isinstance(saved, SavedKnowledge) or not isinstance(saved.parts, BM25Parts)
                or not all(isinstance(chunk, Chunk) for chunk in saved.chunks[:1])
                or (saved.vectors is not None and len(saved.vectors) != len(saved.chunks))):
            return None
        return saved

    def delete(self) -> None:
        """Remove the file (before the stored vectors change): answering builds from the store until a
        writer saves it again."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def save(self, key: str, saved: SavedKnowledge) -> bool:
        """Save (only if writable); False when not saved. A place that cannot be written only means building
        again next time."""
        if not self.writable or self.path is None:
            return False

        def write(path: Path) -> None:
            with open(path, "wb") as out:
                pickle.dump(key, out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(saved, out, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            write_atomically(self.path, write)
        except OSError:
            return False
        return True
