"""Request and response bodies of the JSON API, named for their role."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from index.indexer import IndexOutcome
from index.types import DocumentRecord
from retrieval.types import Answer

MAX_ID_CHARS = 128


class AskRequest(BaseModel):
    """A question, optionally in a conversation and limited to one document."""

    question: str = Field(description="The question, in Chinese or English. Empty or over-long questions are refused.",
                          examples=["一共收到多少家企业的首席信息官备案申请？"])
    session_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS,
                                   description="Any id of your choosing; questions sharing it form a conversation.")
    document: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS,
                                 description="Answer only from this document (an id, or a unique prefix, from GET /v1/documents).")


class CitationPublic(BaseModel):
    """Where an answer came from."""

    document: str
    section: str
    quote: str
    doc_id: str


class AnswerPublic(BaseModel):
    """The answer object every front end shares (``Answer.to_dict``)."""

    question: str
    answer: str = Field(description="The answer; when `answered` is false it says the letters do not contain it.")
    answered: bool
    citations: list[CitationPublic]
    session_id: str | None
    mode: str = Field(description="extractive, llm or llm-fallback.")
    note: str | None
    timings_ms: dict[str, float]

    @classmethod
    def of(cls, answer: Answer) -> "AnswerPublic":
        return cls.model_validate(answer.to_dict())


class DocumentPublic(BaseModel):
    """One indexed letter."""

    id: str
    display_name: str
    doc_number: str | None = Field(description="文号, e.g. 中工信函〔2022〕53号.")
    title: str | None
    agency: str | None = Field(description="发文机关.")
    date: str | None = Field(description="As written in the letter, e.g. 2022年6月14日.")
    date_iso: str | None
    chunk_count: int
    source: str = Field(description="The file name it was indexed from.")
    indexed_at: str

    @classmethod
    def of(cls, record: DocumentRecord) -> "DocumentPublic":
        meta = record.metadata
        return cls(id=record.doc_id, display_name=record.display_name, doc_number=meta.doc_number, title=meta.title,
                   agency=meta.agency, date=meta.date, date_iso=meta.date_iso, chunk_count=record.chunk_count,
                   source=Path(record.source_path).name, indexed_at=record.indexed_at)


class IndexOutcomePublic(BaseModel):
    """What happened to an uploaded file."""

    status: str = Field(description="indexed, replaced, unchanged (already indexed from this upload) "
                                    "or duplicate (the same text is already indexed from another file).")
    id: str | None
    display_name: str | None
    chunk_count: int
    source: str = Field(description="The file name the upload was saved as.")

    @classmethod
    def of(cls, outcome: IndexOutcome, source: str) -> "IndexOutcomePublic":
        return cls(status=outcome.status, id=outcome.doc_id, display_name=outcome.display_name,
                   chunk_count=outcome.chunk_count, source=source)


class HealthPublic(BaseModel):
    """The server is up; how many documents it knows."""

    status: str = "ok"
    documents: int


class ErrorPublic(BaseModel):
    """Every error response: a message fit to show a person."""

    detail: str
