"""Request bodies are bounded: refused at once when declared too large, cut off when they grow past it."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import HTTPException, status
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    """413 for request bodies over ``default_bytes``, or over ``post_limits[path]`` for a POST to that path.

    A body that declares its length is refused before a byte of it is read; a
    chunked one is read until it passes the limit, then refused.
    """

    def __init__(self, app: ASGIApp, *, default_bytes: int, post_limits: Mapping[str, tuple[int, str]]) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.post_limits = dict(post_limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, detail = self._limit(scope)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await JSONResponse({"detail": detail}, status_code=status.HTTP_413_CONTENT_TOO_LARGE)(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=detail)
            return message

        await self.app(scope, receive_within_limit, send)

    def _limit(self, scope: Scope) -> tuple[int, str]:
        path = scope["path"].rstrip("/")
        if scope["method"] == "POST" and path in self.post_limits:
            return self.post_limits[path]
        return self.default_bytes, f"The request body is over the {self.default_bytes:,}-byte limit."
