"""The one answer API every front end calls: ask, converse, list and manage documents."""
from __future__ import annotations

import logging
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

logger = logging.getLogger(__name__)


class Answerer(Protocol):
    """Turns a question (with its conversation) into an Answer."""

    def answer(self, question: str, *, history: list[Answer], doc_ids: list[str] | None) -> Answer: ...


class AnswerService:
    """Questions in, Answer objects out; documents listed, added and removed.

    Thread-safe: the HTTP server and the Telegram bot call it from many tasks.
    """

    def __init__(self, settings: Settings, *, answerer: Answerer, registry: Registry, indexer: Indexer | None,
                 sessions: SessionStore, on_index_change: "callable | None" = None) -> None:
        self._settings = settings
        self._answerer = answerer
        self._registry = registry
        self._indexer = indexer
        self._sessions = sessions
        self._on_index_change = on_index_change
        self._write_lock = threading.Lock()

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

    def remove_orphans_in_background(self) -> threading.Thread:
        """Delete, on a thread and before any upload or deletion, chunks a crash left without a document
        (``Indexer.remove_orphans``): listing the store to find them is 1–2 s at 1,000 letters with
        chromadb's import, which a server need not wait for, as they change no answer."""
        indexer = self._require_indexer()

        def remove() -> None:
            with self._write_lock:
                try:
                    indexer.remove_orphans()
                except Exception:  # the next upload or deletion meets the same store and says what is wrong
                    logger.exception("Removing chunks left by a crash failed")
        thread = threading.Thread(target=remove, daemon=True, name="remove-orphans")
        thread.start()
        return thread

    def reset(self, session_id: str) -> None:
        """Forget a conversation."""
        self._sessions.reset(session_id)

    def documents(self) -> list[DocumentRecord]:
        """Every indexed document."""
        return self._registry.documents()

    def add_document(self, path: Path) -> IndexOutcome:
        """Index one file (an upload); the answerer sees it at once."""
        with self._write_lock:
            outcome = self._require_indexer().index_file(path)
            if outcome.status in ("indexed", "replaced", "duplicate") and self._on_index_change:
                self._on_index_change()
        return outcome

    def remove_document(self, doc_id: str) -> DocumentRecord:
        """Delete a document and its chunks."""
        with self._write_lock:
            record = self._require_indexer().remove(self._document(doc_id).doc_id)
            if self._on_index_change:
                self._on_index_change()
        return record

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
