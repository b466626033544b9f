"""The in-memory view of the index that answering reads: BM25, word weights, chunks by document, and
(from the answering snapshot) every chunk's vector."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import numpy as np

from index.registry import Registry
from index.settings import Settings
from index.store import ChunkStore
from index.types import Chunk, DocumentRecord

from .dense import DenseVectors
from .lexicon import Segmenter, normalize
from .snapshot import KnowledgeSnapshot, SavedKnowledge, snapshot_key
from .sparse import SparseIndex, build_parts
from .term_cache import TermCache


class KnowledgeView:
    """Holds the current SparseIndex (and DenseVectors); ``refresh()`` swaps in new ones after documents change.

    ``chunk_ids``: the chunks answering sees (default: every stored chunk; the answer service passes the
    registry's, ``Registry.chunk_ids``, which needs no Chroma); ``documents``: the documents they belong
    to (``Registry.documents``), read again with them. Needs no model, so that an answering process
    opens it while its models load.
    """

    def __init__(self, store: ChunkStore, segmenter: Segmenter, term_cache: TermCache | None = None,
                 snapshot: KnowledgeSnapshot | None = None, *, chunk_ids: Callable[[], Iterable[str]] | None = None,
                 documents: Callable[[], list[DocumentRecord]] = list) -> None:
        self._store = store
        self._segmenter = segmenter
        self._terms = term_cache or TermCache(None)
        self._snapshot = snapshot or KnowledgeSnapshot(None)
        self._chunk_ids = chunk_ids or store.chunk_ids
        self._read_documents = documents
        self._lock = threading.Lock()
        self.sparse, self._by_doc, self._vectors, self._letter_texts = self._build()
        self._documents = self._read_documents()

    def refresh(self) -> None:
        """Re-read the chunks from the store (after an upload or a deletion); only new chunks are segmented."""
        sparse, by_doc, vectors, letter_texts = self._build()
        documents = self._read_documents()
        with self._lock:
            self.sparse, self._by_doc, self._vectors, self._letter_texts = sparse, by_doc, vectors, letter_texts
            self._documents = documents
        threading.Thread(target=sparse.warm_up, daemon=True, name="sparse-warm-up").start()

    def dense_for(self, model: str | None) -> DenseVectors | None:
        """Every chunk's vector, from the snapshot, if ``model`` (an embedder's identity) made them; else
        None, and dense search asks the store."""
        vectors = self._vectors
        return vectors[1] if vectors is not None and model is not None and vectors[0] == model else None

    def warm_up(self) -> None:
        """Precompute what makes a corpus-wide word lookup fast (seconds at a thousand letters)."""
        self.sparse.warm_up()

    def _build(self) -> tuple[SparseIndex, dict[str, list[Chunk]], tuple[str, DenseVectors] | None, dict[str, str]]:
        """From the snapshot when it holds exactly the chunks answering sees; else from the store (and the
        words stored for its chunks), saving a snapshot where this process may. Vectors (with the model
        that made them) only from a snapshot."""
        seen = set(self._chunk_ids())
        key = snapshot_key(seen, self._segmenter.version)
        saved = self._snapshot.load(key)
        if saved is None:
            chunks = [chunk for chunk in self._store.chunks() if chunk.chunk_id in seen]  # not a half-done write's
            tokenized = self._terms.terms_for(chunks, self._segmenter.index_terms, version=self._segmenter.version)
            self._terms.forget_all_but({chunk.chunk_id for chunk in chunks})
            sparse = SparseIndex(chunks, self._segmenter, tokenized)
            if not self._snapshot.writable:
                return sparse, _by_document(chunks), None, {}
            saved = saved_knowledge(self._store, chunks, sparse.parts)
            self._snapshot.save(snapshot_key((chunk.chunk_id for chunk in chunks), self._segmenter.version), saved)
        else:
            sparse = SparseIndex(saved.chunks, self._segmenter, parts=saved.parts)
        vectors = None
        if saved.vectors is not None and saved.vector_model is not None:
            vectors = (saved.vector_model, DenseVectors(saved.chunks, saved.vectors))
        return sparse, _by_document(saved.chunks), vectors, dict(saved.letter_texts or {})

    def idf(self, term: str) -> float:
        return self.sparse.idf(term)

    def known(self, term: str) -> bool:
        return self.sparse.known(term)

    def romanised(self, name: str, suffixes: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The letters' words a romanised name spells (Gaoping → 高平; Huan with 县 → 环县)."""
        return self.sparse.romanised.words_for(name, suffixes)

    def documents(self) -> list[DocumentRecord]:
        """Every document answering sees, oldest first: read with the chunks, not at every question (the
        registry's 1,000 rows are 20 ms to read, and a question looks through them up to twice)."""
        return self._documents

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """Every chunk of one document, in reading order."""
        return self._by_doc.get(doc_id, [])

    def letter_text(self, doc_id: str) -> str:
        """A document's chunks' text, joined and normalised (``lexicon.normalize``): saved in the snapshot,
        else made here once (NFKC over a thousand letters' text takes about 0.5 s, which a question naming
        a place would otherwise pay in a new process)."""
        texts = self._letter_texts
        if doc_id not in texts:
            texts[doc_id] = letter_text(self.chunks_of(doc_id))
        return texts[doc_id]


def store_index_terms(settings: Settings) -> int:
    """Segment and store the BM25 words of every chunk not stored yet, and save the snapshot of the chunks
    and their BM25 (``retrieval.snapshot``); returns how many chunks have words.

    The writer does this after indexing (`govqa index` holds the writer lock, which storing needs),
    so answering processes start without segmenting the corpus (seconds per hundred letters).
    """
    segmenter = Segmenter(settings.paths.jieba_cache, memory_mapped=False)  # the whole corpus: dicts are faster
    store = ChunkStore.open(settings)
    registry = Registry(settings.paths.registry)
    try:
        seen = set(registry.chunk_ids())
    finally:
        registry.close()
    chunks = [chunk for chunk in store.chunks() if chunk.chunk_id in seen]
    tokenized = TermCache(settings.paths.term_cache).terms_for(chunks, segmenter.index_terms, version=segmenter.version)
    KnowledgeSnapshot(settings.paths.knowledge_snapshot).save(
        snapshot_key((chunk.chunk_id for chunk in chunks), segmenter.version),
        saved_knowledge(store, chunks, build_parts(chunks, tokenized)))
    return len(chunks)


def saved_knowledge(store: ChunkStore, chunks: list[Chunk], parts) -> SavedKnowledge:
    """The snapshot of ``chunks``: with each letter's normalised text, and with their stored vectors and the
    model the store records when it has a vector for every chunk and records a model (else without
    vectors: dense search then asks the store)."""
    texts = {doc_id: letter_text(doc_chunks) for doc_id, doc_chunks in _by_document(chunks).items()}
    stored = store.embeddings([chunk.chunk_id for chunk in chunks])
    model = store.embedding_record().model if chunks else None
    if model is None or len(stored) != len(chunks):
        return SavedKnowledge(chunks, parts, letter_texts=texts)
    vectors = np.stack([stored[chunk.chunk_id] for chunk in chunks]).astype(np.float32)
    return SavedKnowledge(chunks, parts, vectors, model, texts)


def letter_text(chunks: list[Chunk]) -> str:
    """One letter's chunks' text, joined and normalised as the answerer compares words with it."""
    return normalize(" ".join(chunk.text for chunk in chunks))


def _by_document(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.doc_id, []).append(chunk)
    return grouped
