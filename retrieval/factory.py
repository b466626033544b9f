"""Build a ready AnswerService from settings: model, store, registry, BM25, chain."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from langchain_core.runnables import Runnable

from index.components import IndexParts, check_embedding_model, embedder_identity, open_index, store_location
from index.embedding_model import load_embedder
from index.indexer import Indexer
from index.settings import Settings

from .chain import ChainAnswerer, build_chain
from .conversation import SessionStore
from .crosslingual import EnglishToChinese, cedict_cache
from .extractive import ExtractiveAnswerer
from .knowledge import KnowledgeView
from .language_offset import offset_for
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
    warm_up: Callable[[], None]  # starts loading, on a thread, what later questions may need


@dataclass(frozen=True)
class OpenedIndex:
    """An index opened for answering before any model is loaded: its parts, the segmenter and the
    knowledge view (from the answering snapshot, where it holds the registry's documents)."""

    index: IndexParts
    segmenter: Segmenter
    knowledge: KnowledgeView


def open_knowledge(settings: Settings, index: IndexParts) -> OpenedIndex:
    """The knowledge view of an opened index (no model needed)."""
    segmenter = Segmenter(settings.paths.jieba_cache)
    knowledge = KnowledgeView(index.store, segmenter, TermCache(settings.paths.term_cache),
                              KnowledgeSnapshot(settings.paths.knowledge_snapshot), chunk_ids=index.registry.chunk_ids,
                              documents=index.registry.documents)
    return OpenedIndex(index, segmenter, knowledge)


def open_for_answering(settings: Settings, *, read_only: bool) -> OpenedIndex:
    """The index an answer service answers from, opened while its models may still be loading.

    The model is checked, and orphan chunks removed, in ``build_service``: the answering snapshot stands
    in for the store where it can, so that a start need not import chromadb or list the store.
    """
    index = open_index(settings, writer=None if read_only else "govqa (answer service)", check_model=False,
                       orphans=False)
    return open_knowledge(settings, index)


def build_answering(settings: Settings, index: IndexParts, *, embedder, reader: Reader, warm_up: bool = True,
                    opened: OpenedIndex | None = None) -> AnsweringParts:
    """The answering steps over an opened index (BM25 and word weights read from it, or from ``opened``).

    ``warm_up``: load in the background what later questions may need (the tagger, CC-CEDICT's index,
    the corpus's character pairs); off for a process that answers one question and exits, which would
    only share its cores with loading what that question may never use.
    """
    opened = opened or open_knowledge(settings, index)
    segmenter, knowledge = opened.segmenter, opened.knowledge
    dictionary = _LazyDictionary(cedict_cache(settings))
    analyser = QuestionAnalyser(segmenter, dictionary, knowledge.known, romanised=knowledge.romanised)
    registry = index.registry
    extractive = ExtractiveAnswerer(analyser, reader, document=registry.get, chunks_of=knowledge.chunks_of,
                                    documents=knowledge.documents, latest=registry.latest,
                                    places_in=segmenter.places, letter_text=knowledge.letter_text)
    retrieval = settings.retrieval
    retriever = HybridRetriever(store=index.store, knowledge=knowledge, embedder=embedder, k=retrieval.top_k,
                                dense_k=retrieval.dense_k, sparse_k=retrieval.sparse_k, rrf_k=retrieval.rrf_k,
                                letter_k=retrieval.letter_k, model_identity=embedder_identity(embedder),
                                language_offset=offset_for(embedder_identity(embedder)))
    chat_model = build_chat_model(settings.llm)
    llm = LLMAnswerer(chat_model, timeout_s=settings.llm.timeout_s, document=registry.get) if chat_model else None
    parts = AnsweringParts(knowledge, extractive, retriever, build_chain(extractive, retriever, llm=llm),
                           warm_up=lambda: dictionary.warm_up(knowledge, segmenter))
    if warm_up:
        parts.warm_up()  # last: its few CPU seconds would otherwise slow the start-up above
    return parts


def build_service(settings: Settings, *, embedder=None, reader: Reader | None = None, read_only: bool = False,
                  warm_up: bool = True, opened: OpenedIndex | None = None) -> AnswerService:
    """An AnswerService over the configured index; pass ``embedder`` or ``reader`` to reuse loaded models,
    ``opened`` an index ``open_for_answering`` opened (``warm_up``: see ``build_answering``; without it
    the service's ``warm_up_in_background`` starts it later)."""
    embedder = embedder or load_embedder(settings)
    # One tokenizer for both models (as retrieval.startup.load_models loads them, side by side with imports).
    reader = reader or load_default_reader(settings, tokenizer=getattr(embedder, "tokenizer", None))
    opened = opened or open_for_answering(settings, read_only=read_only)
    index = opened.index
    if index.indexer is not None:  # opened (and recovered) before the model was loaded: now it can embed
        index = replace(index, indexer=Indexer(settings, store=index.store, registry=index.registry, embedder=embedder))
    parts = build_answering(settings, index, embedder=embedder, reader=reader, warm_up=warm_up, opened=opened)
    if parts.knowledge.dense_for(embedder_identity(embedder)) is None:
        # Vectors from the snapshot are this model's (the one the store records); a search in the store
        # needs the store's to be, and a writer records its model in a store that records none.
        check_embedding_model(index.store, embedder, where=store_location(settings), record=not read_only)
    sessions = SessionStore(max_turns=settings.retrieval.session_turns, max_sessions=settings.retrieval.max_sessions)
    return AnswerService(settings, answerer=ChainAnswerer(parts.chain), registry=index.registry,
                         indexer=index.indexer, sessions=sessions, on_index_change=parts.knowledge.refresh,
                         warm_up=None if warm_up else parts.warm_up)
