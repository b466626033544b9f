"""/v1/chat/completions and /v1/models in the OpenAI format (Open WebUI, LobeChat, Chatbox…)."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import StreamingResponse

from retrieval.service import AnswerService
from retrieval.types import Answer

from .deps import ServiceDep
from .openai_format import (
    MODEL_ID, ChatCompletion, ChatCompletionRequest, ChatTurn, ModelList, ModelPublic, chat_turn, completion,
    completion_events,
)
from .schemas import ErrorPublic

router = APIRouter(prefix="/v1", tags=["openai"])

_STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


@router.post("/chat/completions", response_model=ChatCompletion, responses={
    200: {"content": {"text/event-stream": {}}, "description": "A completion, or with `stream` its events."},
    422: {"model": ErrorPublic}})
def chat_completions(request: ChatCompletionRequest, service: ServiceDep) -> ChatCompletion | StreamingResponse:
    """Answer the last user message, with its sources appended; streams when `stream` is true."""
    answer = _ask(service, chat_turn(request))
    if request.stream:
        return StreamingResponse(completion_events(answer), media_type="text/event-stream", headers=_STREAM_HEADERS)
    return completion(answer)


@router.get("/models")
def list_models() -> ModelList:
    """The one model this server offers: govqa."""
    return ModelList(data=[ModelPublic()])


@router.get("/models/{model_id}", responses={404: {"model": ErrorPublic}})
def get_model(model_id: str) -> ModelPublic:
    """The govqa model; any other name is 404."""
    if model_id != MODEL_ID:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No model {model_id!r}; this server offers {MODEL_ID!r}.")
    return ModelPublic()


def _ask(service: AnswerService, turn: ChatTurn) -> Answer:
    return service.ask(turn.question, session_id=turn.session_id, history=list(turn.history))
