"""The one answer API every front end calls: ask, converse, list and manage documents."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Protocol

from index.errors import QuestionError, UnknownDocumentError
from index.indexer import Indexer, IndexOutcome
from index.registry import Registry
from index.settings import Settings
from index.types import DocumentRecord

from .conversation import SessionStore
from .types import Answer



class Answerer(Protocol):
    """Turns a question (with its conversation) into an Answer."""

    def answer(self, question: str, *, history: list[Answer], doc_ids: list[str] | None) -> Answer: ...


class AnswerService:
    """Questions in, Answer objects out; documents listed, added and removed.

    Thread-safe: the HTTP server and the Telegram bot call it from many tasks.
    """

    def __init__(self, settings: Settings, *, answerer: Answerer, registry: Registry, indexer: Indexer | None,
                 sessions: SessionStore, on_index_change: "callable | None" = None,
                 warm_up: "callable | None" = None) -> None:
        """``warm_up``: starts loading what later questions may need, for ``warm_up_in_background``."""
        self._settings = settings
        self._answerer = answerer
        self._registry = registry
        self._indexer = indexer
        self._sessions = sessions
        self._on_index_change = on_index_change
        self._write_lock = threading.Lock()
        self._orphans_removed = False
        self._warm_up = warm_up

    def warm_up_in_background(self) -> None:
        """Start the warm-up this service was built without (once; a server calls it when it is up, so
        that its start does not share the cores with it)."""
        warm_up, self._warm_up = self._warm_up, None
        if warm_up is not None:
            warm_up()

    def ask(self, question: str, *, session_id: str | None = None, document: str | None = None,
            history: list[Answer] | None = None) -> Answer:
        """Answer one question; earlier turns give it context.

        The turns come from ``history`` when the caller keeps the conversation
        (the OpenAI endpoint gets it in every request), else from the session.
        """
        question = self._checked(question)
        doc_ids = [self._document(document).doc_id] if document else None
        started = time.perf_counter()
        keep_session = session_id is not None and history is None
        if history is None:
            history = self._sessions.history(session_id) if session_id else []
        answer = self._answerer.answer(question, history=history, doc_ids=doc_ids)
        timings = dict(answer.timings_ms, total=(time.perf_counter() - started) * 1000)
        answer = _replace(answer, session_id=session_id, timings_ms=timings)
        if keep_session:
            self._sessions.record(session_id, answer)
        return answer

    def reset(self, session_id: str) -> None:
        """Forget a conversation."""
        self._sessions.reset(session_id)

    def document_count(self) -> int:
        """How many documents are indexed."""
        return self._registry.count()

    def documents(self) -> list[DocumentRecord]:
        """Every indexed document."""
        return self._registry.documents()

    def add_document(self, path: Path) -> IndexOutcome:
        """Index one file (an upload); the answerer sees it at once."""
        with self._write_lock:
            self._remove_orphans_once()
            outcome = self._require_indexer().index_file(path)
            if outcome.status in ("indexed", "replaced", "duplicate") and self._on_index_change:
                self._on_index_change()
        return outcome

    def remove_document(self, doc_id: str) -> DocumentRecord:
        """Delete a document and its chunks."""
        with self._write_lock:
            self._remove_orphans_once()
            record = self._require_indexer().remove(self._document(doc_id).doc_id)
            if self._on_index_change:
                self._on_index_change()
        return record

    def _remove_orphans_once(self) -> None:
        """Before this service's first write: delete chunks a crash left without a document
        (``Indexer.remove_orphans``). Not at start-up: finding them lists the store, with chromadb's
        import 1–2 s at 1,000 letters that a server's start need not wait for (nor share its cores
        with), as they change no answer; the first write opens the store anyway."""
        if not self._orphans_removed:
            self._require_indexer().remove_orphans()
            self._orphans_removed = True

    def _document(self, doc_id: str) -> DocumentRecord:
        record = self._registry.get(doc_id)
        if record is None:
            raise UnknownDocumentError(doc_id)
        return record

    def _require_indexer(self) -> Indexer:
        if self._indexer is None:
            raise RuntimeError("this AnswerService was built read-only")
        return self._indexer

    def _checked(self, question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise QuestionError("The question is empty.")
        limit = self._settings.retrieval.max_question_chars
        if len(question) > limit:
            raise QuestionError(f"The question is {len(question)} characters long; the limit is {limit}.")
        return question


def _replace(answer: Answer, **changes) -> Answer:
    from dataclasses import replace

    return replace(answer, **changes)
