"""Build a ready AnswerService from settings: model, store, registry, BM25, chain."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from langchain_core.runnables import Runnable

from index.components import IndexParts, check_embedding_model, embedder_identity, open_index, store_location
from index.embedding_model import load_embedder
from index.settings import Settings

from .chain import ChainAnswerer, build_chain
from .conversation import SessionStore
from .crosslingual import EnglishToChinese, cedict_cache
from .extractive import ExtractiveAnswerer
from .knowledge import KnowledgeView
from .lexicon import Segmenter
from .llm import LLMAnswerer, build_chat_model
from .question import QuestionAnalyser
from .reader.runtime import Reader, load_default_reader
from .retriever import HybridRetriever
from .service import AnswerService
from .snapshot import KnowledgeSnapshot
from .term_cache import TermCache


class _LazyDictionary:
    """CC-CEDICT's reverse index (read from its cache, or built in seconds): once, on first use or in the background."""

    def __init__(self, cache: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._cache = cache

    def __call__(self) -> EnglishToChinese:
        return self.dictionary

    @cached_property
    def dictionary(self) -> EnglishToChinese:
        with self._lock:
            return EnglishToChinese(self._cache)

    def warm_up(self, knowledge: KnowledgeView, segmenter: Segmenter) -> None:
        def work() -> None:
            knowledge.warm_up()
            segmenter.warm_up()
            self.dictionary  # noqa: B018 - builds the cached property

        threading.Thread(target=work, daemon=True, name="cedict-warm-up").start()


@dataclass(frozen=True)
class AnsweringParts:
    """What answers questions over one index: the chain, and the steps a benchmark calls one by one."""

    knowledge: KnowledgeView
    extractive: ExtractiveAnswerer
    retriever: HybridRetriever
    chain: Runnable


def build_answering(settings: Settings, index: IndexParts, *, embedder, reader: Reader,
                    warm_up: bool = True) -> AnsweringParts:
    """The answering steps over an opened index (BM25 and word weights read from it).

    ``warm_up``: load in the background what later questions may need (the tagger, CC-CEDICT's index,
    the corpus's character pairs); off for a process that answers one question and exits, which would
    only share its cores with loading what that question may never use.
    """
    segmenter = Segmenter(settings.paths.jieba_cache)
    knowledge = KnowledgeView(index.store, segmenter, TermCache(settings.paths.term_cache),
                              KnowledgeSnapshot(settings.paths.knowledge_snapshot), chunk_ids=index.registry.chunk_ids,
                              embedding_model=embedder_identity(embedder))
    dictionary = _LazyDictionary(cedict_cache(settings))
    analyser = QuestionAnalyser(segmenter, dictionary, knowledge.known, romanised=knowledge.romanised)
    registry = index.registry
    extractive = ExtractiveAnswerer(analyser, reader, document=registry.get, chunks_of=knowledge.chunks_of,
                                    documents=registry.documents, latest=registry.latest,
                                    places_in=segmenter.places, letter_text=knowledge.letter_text)
    retrieval = settings.retrieval
    retriever = HybridRetriever(store=index.store, knowledge=knowledge, embedder=embedder, k=retrieval.top_k,
                                dense_k=retrieval.dense_k, sparse_k=retrieval.sparse_k, rrf_k=retrieval.rrf_k,
                                letter_k=retrieval.letter_k)
    chat_model = build_chat_model(settings.llm)
    llm = LLMAnswerer(chat_model, timeout_s=settings.llm.timeout_s, document=registry.get) if chat_model else None
    if warm_up:
        dictionary.warm_up(knowledge, segmenter)  # last: its few CPU seconds would otherwise slow the start-up above
    return AnsweringParts(knowledge, extractive, retriever, build_chain(extractive, retriever, llm=llm))


def build_service(settings: Settings, *, embedder=None, reader: Reader | None = None,
                  read_only: bool = False, warm_up: bool = True) -> AnswerService:
    """An AnswerService over the configured index; pass ``embedder`` or ``reader`` to reuse loaded models
    (``warm_up``: see ``build_answering``)."""
    embedder = embedder or load_embedder(settings)
    # One tokenizer for both models (as retrieval.startup.load_models loads them, side by side with imports).
    reader = reader or load_default_reader(settings, tokenizer=getattr(embedder, "tokenizer", None))
    # The model is checked, and orphan chunks removed, below: the answering snapshot stands in for the store
    # where it can, so that a start need not import chromadb or list the store.
    index = open_index(settings, writer=None if read_only else "govqa (answer service)", embedder=embedder,
                       check_model=False, orphans=False)
    parts = build_answering(settings, index, embedder=embedder, reader=reader, warm_up=warm_up)
    if parts.knowledge.dense is None:
        # Vectors from the snapshot are this model's (the one the store records); a search in the store
        # needs the store's to be, and a writer records its model in a store that records none.
        check_embedding_model(index.store, embedder, where=store_location(settings), record=not read_only)
    sessions = SessionStore(max_turns=settings.retrieval.session_turns, max_sessions=settings.retrieval.max_sessions)
    service = AnswerService(settings, answerer=ChainAnswerer(parts.chain), registry=index.registry,
                            indexer=index.indexer, sessions=sessions, on_index_change=parts.knowledge.refresh)
    if index.indexer is not None:
        service.remove_orphans_in_background()
    return service
