"""Files in, chunks in the store out: load → clean → parse → chunk → embed → store."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from .chunking import chunk_letter
from .cleaning import clean_text
from .errors import GovqaError, InputFileError, UnknownDocumentError
from .loaders import iter_input_files, parse_file, read_file
from .registry import Registry
from .settings import Settings
from .store import ChunkStore
from .structure import parse_letter
from .types import Chunk, DocumentRecord, Letter

Status = Literal["indexed", "replaced", "unchanged", "duplicate", "failed"]
# Letters are gathered up to ``settings.index.group_chunks`` chunks (512 by default), then embedded together
# and stored together:
# - embedding: the embedder's length-sorted batches hold chunks of like length. One letter's ~20 chunks
#   padded to its longest cost 1.62x the tokens of the chunks themselves, 512 chunks of ~25 letters 1.05x
#   (100 generated letters, e5 tokens; measured 2026-12-06);
# - storing: each Chroma call costs about 0.1 s whatever it holds (4,000 chunks of the 1,020-letter index,
#   a letter a call: 23.4 s; 512 chunks a call: 4.2 s; HNSW settings change neither; measured 2026-12-06).
# Every letter of a group is pending in the registry before its chunks are written and complete after, so a
# crash loses no stored letter: the next run undoes the pending ones and indexes them again.


class PassageEmbedder(Protocol):
    """What the indexer needs of an embedding model."""

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class IndexOutcome:
    """What happened to one file."""

    path: str
    status: Status
    doc_id: str | None = None
    display_name: str | None = None
    chunk_count: int = 0
    error: str | None = None


@dataclass(frozen=True)
class IndexReport:
    """What happened to every file of one run."""

    outcomes: tuple[IndexOutcome, ...] = field(default_factory=tuple)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failures(self) -> list[IndexOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


@dataclass(frozen=True)
class _Parsed:
    """A file's letter and chunks, parsed and not yet stored."""

    source: str
    letter: Letter
    chunks: list[Chunk]


class Indexer:
    """Keeps the store and the registry in step with the files given to it."""

    def __init__(self, settings: Settings, *, store: ChunkStore, registry: Registry, embedder: PassageEmbedder) -> None:
        self._settings = settings
        self._store = store
        self._registry = registry
        self._embedder = embedder

    def recover(self, *, orphans: bool = True) -> list[str]:
        """Undo what a crash left half-done (pending documents, an older version beside its
        replacement, and with ``orphans`` chunks of no document); returns the ids removed.

        The first two are found in the registry alone; orphan chunks only by listing the store, and they
        change no answer (answering sees the registry's documents), so a server may remove them later
        (``remove_orphans``)."""
        leftovers = self._registry.pending() + self._superseded()
        for doc_id in leftovers:
            self._forget(doc_id)
        return leftovers + (self.remove_orphans() if orphans else [])

    def remove_orphans(self) -> list[str]:
        """Delete the chunks of documents the registry does not hold (a crash between forgetting a
        document and deleting its chunks); returns their document ids."""
        known = {record.doc_id for record in self._registry.documents()}
        orphans = sorted(self._store.doc_ids() - known)
        for doc_id in orphans:
            self._store.delete_document(doc_id)
        return orphans

    def index_paths(self, paths: Iterable[Path], *, on_file: Callable[[IndexOutcome], None] | None = None,
                    on_start: Callable[[int], None] | None = None) -> IndexReport:
        """Index every supported file under ``paths``; one bad file never stops the rest. Letters are parsed
        and gathered up to ``settings.index.group_chunks`` chunks, then embedded and stored together."""
        self.recover()
        files = iter_input_files(paths)
        if on_start:
            on_start(len(files))
        outcomes: list[IndexOutcome | None] = []
        gathered: list[tuple[int, _Parsed]] = []   # (slot in outcomes, parsed letter not yet stored)

        def settle(slot: int, outcome: IndexOutcome) -> None:
            outcomes[slot] = outcome
            if on_file:
                on_file(outcome)

        def store_gathered() -> None:
            if not gathered:
                return
            for slot, outcome in zip((slot for slot, _ in gathered), self._store_all([p for _, p in gathered])):
                settle(slot, outcome)
            gathered.clear()

        for path in files:
            outcomes.append(None)
            source = str(path.resolve())
            try:
                parsed = self._parse_new(path, source)
            except GovqaError as error:
                parsed = IndexOutcome(source, "failed", error=str(error))
            if isinstance(parsed, _Parsed) and any(p.letter.content_hash == parsed.letter.content_hash for _, p in gathered):
                store_gathered()   # the same letter twice in one group: the second is a duplicate of the stored first
                parsed = self.index_file(path)
            if isinstance(parsed, IndexOutcome):
                settle(len(outcomes) - 1, parsed)
                continue
            gathered.append((len(outcomes) - 1, parsed))
            if sum(len(p.chunks) for _, p in gathered) >= self._settings.index.group_chunks:
                store_gathered()
        store_gathered()
        return IndexReport(tuple(outcomes))

    def index_file(self, path: Path) -> IndexOutcome:
        """Index one file, replacing an older version from the same path."""
        source = str(path.resolve())
        try:
            parsed = self._parse_new(path, source)
        except GovqaError as error:
            return IndexOutcome(source, "failed", error=str(error))
        return parsed if isinstance(parsed, IndexOutcome) else self._store_all([parsed])[0]

    def remove(self, doc_id: str) -> DocumentRecord:
        """Delete a document and all its chunks."""
        record = self._registry.get(doc_id)
        if record is None:
            raise UnknownDocumentError(doc_id)
        self._forget(record.doc_id)
        return record

    def _forget(self, doc_id: str) -> None:
        """Registry row first, then chunks: a crash in between leaves only orphan chunks, which recover() deletes."""
        self._registry.remove(doc_id)
        self._store.delete_document(doc_id)

    def _superseded(self) -> list[str]:
        """Older versions of a file still beside the newer one (a crash while replacing it)."""
        newest: dict[str, str] = {}
        older = []
        for record in self._registry.documents():  # oldest first
            if record.source_path in newest:
                older.append(newest[record.source_path])
            newest[record.source_path] = record.doc_id
        return older

    def _parse_new(self, path: Path, source: str) -> _Parsed | IndexOutcome:
        """The file's letter and chunks, or its outcome when it holds a letter already indexed."""
        data = read_file(path, max_bytes=self._settings.index.max_file_bytes)  # the one read of the file
        content_hash = hashlib.sha256(data).hexdigest()
        known = self._registry.by_hash(content_hash)
        if known:
            if known.source_path == source:
                letter = self._parse(path, data, source, content_hash)
                self._refresh_facts(known, letter)
                return IndexOutcome(source, "unchanged", known.doc_id, letter.display_name, known.chunk_count)
            # The file now holds a letter indexed from elsewhere: what it held before is gone.
            self._drop_older_versions(source, keep=known.doc_id)
            return IndexOutcome(source, "duplicate", known.doc_id, known.display_name, known.chunk_count)
        letter = self._parse(path, data, source, content_hash)
        chunks = chunk_letter(letter, max_chars=self._settings.index.chunk_max_chars,
                              overlap_sentences=self._settings.index.chunk_overlap_sentences)
        if not chunks:
            raise InputFileError(path, "no text to index after cleaning.")
        return _Parsed(source, letter, chunks)

    def _store_all(self, parsed: list[_Parsed]) -> list[IndexOutcome]:
        """Embed the letters' chunks in one go and store them in one go, replacing older versions of their
        files; where the store refuses the group, each letter is stored on its own, so one bad letter fails alone."""
        try:
            vectors = self._embedder.embed_passages([chunk.embed_text for p in parsed for chunk in p.chunks])
        except GovqaError as error:
            return [IndexOutcome(p.source, "failed", error=str(error)) for p in parsed]
        try:
            self._store_letters(parsed, vectors)
        except GovqaError as error:
            if len(parsed) == 1:
                return [IndexOutcome(parsed[0].source, "failed", error=str(error))]
            ends = np.cumsum([len(p.chunks) for p in parsed])
            return [self._store_one(p, vectors[end - len(p.chunks):end]) for p, end in zip(parsed, ends)]
        return [self._replace_older(p) for p in parsed]

    def _store_one(self, p: _Parsed, embeddings: np.ndarray) -> IndexOutcome:
        try:
            self._store_letters([p], embeddings)
        except GovqaError as error:
            return IndexOutcome(p.source, "failed", error=str(error))
        return self._replace_older(p)

    def _replace_older(self, p: _Parsed) -> IndexOutcome:
        try:
            replaced = self._drop_older_versions(p.source, keep=p.letter.doc_id)
        except GovqaError as error:
            return IndexOutcome(p.source, "failed", error=str(error))
        return IndexOutcome(p.source, "replaced" if replaced else "indexed", p.letter.doc_id, p.letter.display_name,
                            len(p.chunks))

    def _refresh_facts(self, known: DocumentRecord, letter: Letter) -> None:
        """An unchanged letter's header facts as this version reads them: indexing a folder again brings what
        a newer parser finds (an agency, a date) to letters indexed before, without embedding them again."""
        if (letter.display_name, letter.metadata) != (known.display_name, known.metadata):
            self._registry.update_facts(known.doc_id, letter.display_name, letter.metadata)

    def _parse(self, path: Path, data: bytes, source: str, content_hash: str) -> Letter:
        raw = parse_file(path, data)
        text = clean_text(raw.text)
        if not text.strip():
            raise InputFileError(path, "the file has no text once blank lines and page numbers are removed.")
        return parse_letter(text, source_path=source, content_hash=content_hash, doc_id=content_hash[:16])

    def _store_letters(self, parsed: list[_Parsed], embeddings: np.ndarray) -> None:
        """Every letter pending, then all their chunks in one store call, then every letter complete."""
        for p in parsed:
            self._registry.begin(DocumentRecord(
                doc_id=p.letter.doc_id, source_path=p.letter.source_path, content_hash=p.letter.content_hash,
                display_name=p.letter.display_name, metadata=p.letter.metadata, chunk_count=len(p.chunks),
            ))
        self._store.add([chunk for p in parsed for chunk in p.chunks], embeddings)
        for p in parsed:
            self._registry.complete(p.letter.doc_id)

    def _drop_older_versions(self, source: str, keep: str) -> bool:
        older = [record for record in self._registry.by_source(source) if record.doc_id != keep]
        for record in older:
            self._forget(record.doc_id)
        return bool(older)
