"""The OpenAI chat-completions wire format, so chat clients can use govqa as a "model".

Only what chat clients need: the last user message is the question, the
conversation is keyed by its first user message (and the OpenAI ``user``
field), and the answer's citations are appended to the content as text.
"""
from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from bot.render import answer_as_chat_pieces, reply_of_chat_text
from index.errors import QuestionError
from retrieval.types import Answer

from .schemas import AnswerPublic

MODEL_ID = "govqa"


class ChatContentPart(BaseModel):
    """One part of a multi-part message; only text parts are read."""

    model_config = ConfigDict(extra="ignore")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    """One message of the conversation the client sends."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ChatContentPart] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content if part.type == "text" and part.text)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """An OpenAI chat-completions request; sampling options and tools are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")
    model: str = Field(MODEL_ID, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(None, max_length=256, description="Keeps different users' conversations apart.")


class ChatCompletionMessage(BaseModel):
    """The reply: answer text with its sources appended."""

    role: Literal["assistant"] = "assistant"
    content: str


class ChatCompletionChoice(BaseModel):
    """The one choice of a completion."""

    index: int = 0
    message: ChatCompletionMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    """A whole answer; ``govqa`` carries the structured answer for clients that want it."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = MODEL_ID
    choices: list[ChatCompletionChoice]
    govqa: AnswerPublic


class ChatDelta(BaseModel):
    """The next piece of a streamed message; unset fields are left out, as OpenAI does."""

    role: Literal["assistant"] | None = None
    content: str | None = None

    @model_serializer(mode="wrap")
    def _without_nulls(self, handler: SerializerFunctionWrapHandler) -> dict:
        return {key: value for key, value in handler(self).items() if value is not None}


class ChatChunkChoice(BaseModel):
    """The one choice of a streamed event."""

    index: int = 0
    delta: ChatDelta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    """One server-sent event of a streamed answer."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str = MODEL_ID
    choices: list[ChatChunkChoice]


class ModelPublic(BaseModel):
    """The govqa "model", as /v1/models lists it."""

    id: str = MODEL_ID
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "govqa"


class ModelList(BaseModel):
    """What GET /v1/models returns."""

    object: Literal["list"] = "list"
    data: list[ModelPublic]


@dataclass(frozen=True)
class ChatTurn:
    """What a chat request asks: the question, the conversation it belongs to and its earlier turns."""

    question: str
    session_id: str
    history: tuple[Answer, ...] = ()


def chat_turn(request: ChatCompletionRequest) -> ChatTurn:
    """The last user message, with the earlier turns the request itself carries.

    Chat clients resend the whole conversation, so the context of a follow-up
    comes from ``history`` and nothing is kept on the server. The session id
    (a hash of the first user message with ``user``) is the same for every
    turn of one conversation; it only labels the answer.
    """
    user_texts = [message.text for message in request.messages if message.role == "user"]
    if not user_texts:
        raise QuestionError("The messages contain no user message to answer.")
    key = json.dumps([request.user or "", user_texts[0]], ensure_ascii=False).encode()
    session_id = "chat-" + hashlib.sha256(key).hexdigest()[:24]
    return ChatTurn(question=user_texts[-1], session_id=session_id, history=_earlier_turns(request))


def _earlier_turns(request: ChatCompletionRequest) -> tuple[Answer, ...]:
    """The request's earlier user questions with the replies that followed them, as Answers."""
    turns: list[Answer] = []
    messages = request.messages[:-1] if request.messages and request.messages[-1].role == "user" else request.messages
    for message in messages:
        if message.role == "user":
            turns.append(Answer(question=message.text, text="", answered=False))
        elif message.role == "assistant" and turns:
            text, answered = reply_of_chat_text(message.text)
            turns[-1] = Answer(question=turns[-1].question, text=text, answered=answered)
    return tuple(turns)


def completion(answer: Answer) -> ChatCompletion:
    """A non-streamed chat completion."""
    message = ChatCompletionMessage(content="".join(answer_as_chat_pieces(answer)))
    return ChatCompletion(id=_completion_id(), created=int(time.time()),
                          choices=[ChatCompletionChoice(message=message)], govqa=AnswerPublic.of(answer))


def completion_events(answer: Answer) -> Iterator[str]:
    """A streamed chat completion as server-sent events, ending with ``data: [DONE]``."""
    completion_id, created = _completion_id(), int(time.time())
    deltas = [ChatDelta(role="assistant", content="")] + [ChatDelta(content=piece) for piece in answer_as_chat_pieces(answer)]
    for delta in deltas:
        yield _event(ChatCompletionChunk(id=completion_id, created=created, choices=[ChatChunkChoice(delta=delta)]))
    last = ChatChunkChoice(delta=ChatDelta(), finish_reason="stop")
    yield _event(ChatCompletionChunk(id=completion_id, created=created, choices=[last]))
    yield "data: [DONE]\n\n"


def _completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def _event(chunk: ChatCompletionChunk) -> str:
    return f"data: {chunk.model_dump_json()}\n\n"
