"""/v1/documents: list, upload and delete indexed letters."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Response, UploadFile, status

from index.errors import UnknownDocumentError
from index.indexer import IndexOutcome
from index.settings import Settings
from retrieval.service import AnswerService

from .deps import ServiceDep, SettingsDep
from .errors import UploadRejectedError
from .schemas import DocumentPublic, ErrorPublic, IndexOutcomePublic
from .uploads import discard_upload, safe_file_name, save_upload

router = APIRouter(prefix="/v1/documents", tags=["documents"])

_NEW = ("indexed", "replaced")


@router.get("")
def list_documents(service: ServiceDep) -> list[DocumentPublic]:
    """Every indexed letter with its 文号, title, date and chunk count."""
    return [DocumentPublic.of(record) for record in service.documents()]


@router.post("", status_code=status.HTTP_201_CREATED, responses={
    200: {"model": IndexOutcomePublic, "description": "Already indexed (unchanged or duplicate)."},
    413: {"model": ErrorPublic}, 415: {"model": ErrorPublic}, 422: {"model": ErrorPublic}})
def upload_document(file: UploadFile, response: Response, service: ServiceDep,
                    settings: SettingsDep) -> IndexOutcomePublic:
    """Upload a letter (.txt .md .pdf .docx .html) and index it; it can be asked about at once."""
    name = safe_file_name(file.filename)
    uploads_dir = uploads_dir_of(settings)
    saved = save_upload(file.file, name, uploads_dir, max_bytes=settings.http.max_upload_bytes)
    outcome = _index_upload(service, saved, uploads_dir)
    if outcome.status == "failed":
        raise UploadRejectedError(_without_path(outcome, saved, name))
    if outcome.status not in _NEW:
        response.status_code = status.HTTP_200_OK
    return IndexOutcomePublic.of(outcome, name)


@router.delete("/{doc_id}", responses={404: {"model": ErrorPublic}})
def delete_document(doc_id: str, service: ServiceDep, settings: SettingsDep) -> DocumentPublic:
    """Remove a letter and its chunks from the index (and its file, if it was uploaded)."""
    if not any(record.doc_id == doc_id for record in service.documents()):
        raise UnknownDocumentError(doc_id)  # the full id: a stray prefix must not delete a letter
    record = service.remove_document(doc_id)
    discard_upload(Path(record.source_path), uploads_dir_of(settings))
    return DocumentPublic.of(record)


def uploads_dir_of(settings: Settings) -> Path:
    """Where uploads are saved."""
    return settings.paths.uploads


def _index_upload(service: AnswerService, saved: Path, uploads_dir: Path) -> IndexOutcome:
    """Index a saved upload; the file is kept only if the index now refers to it."""
    try:
        outcome = service.add_document(saved)
    except BaseException:
        discard_upload(saved, uploads_dir)
        raise
    if outcome.status in ("failed", "duplicate"):  # a duplicate stays indexed from its other file
        discard_upload(saved, uploads_dir)
    return outcome


def _without_path(outcome: IndexOutcome, saved: Path, name: str) -> str:
    """The indexer's message with our server-side path replaced by the upload's name."""
    message = outcome.error or "The file cannot be indexed."
    for path in (str(saved.resolve()), str(saved)):
        message = message.replace(path, name)
    return message
