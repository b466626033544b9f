"""/v1/ask and /v1/sessions: questions in, answers with citations out."""
from __future__ import annotations

from fastapi import APIRouter, status

from .deps import ServiceDep
from .schemas import AnswerPublic, AskRequest, ErrorPublic

router = APIRouter(prefix="/v1", tags=["ask"])


@router.post("/ask", responses={404: {"model": ErrorPublic}, 422: {"model": ErrorPublic}})
def ask(request: AskRequest, service: ServiceDep) -> AnswerPublic:
    """Answer a question from the indexed letters, citing document, section and quote."""
    answer = service.ask(request.question, session_id=request.session_id, document=request.document)
    return AnswerPublic.of(answer)


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def reset_session(session_id: str, service: ServiceDep) -> None:
    """Forget a conversation; the next question with this session id starts afresh."""
    service.reset(session_id)
