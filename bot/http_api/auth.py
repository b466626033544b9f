"""The optional bearer token: every /v1 route needs it when GOVQA_API_KEY is set; /healthz never does.

The check runs twice on purpose: as ASGI middleware, so a request without the
key is refused before its body (an upload, say) is read, and as a dependency,
so the OpenAPI docs show which routes need it.
"""
from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from index.settings import Settings

from .deps import SettingsDep

GUARDED_PREFIX = "/v1"
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

_bearer = HTTPBearer(auto_error=False, description="The key set by GOVQA_API_KEY, when one is set.")
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def api_key_problem(settings: Settings, authorization: str | None) -> str | None:
    """Why a request with this Authorization header may not proceed, or None if it may."""
    if settings.api_key is None:
        return None
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "This server needs an API key: send `Authorization: Bearer <key>`."
    expected = settings.api_key.get_secret_value().encode()
    if not secrets.compare_digest(token.strip().encode(), expected):
        return "The API key is wrong."
    return None


def require_api_key(settings: SettingsDep, credentials: CredentialsDep) -> None:
    """Dependency: 401 unless the request carries the configured key."""
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    if problem := api_key_problem(settings, header):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=problem, headers=_CHALLENGE)


class ApiKeyMiddleware:
    """401 for /v1 requests without the configured key, before anything reads their body."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _is_guarded(scope["path"]):
            problem = api_key_problem(self.settings, Headers(scope=scope).get("authorization"))
            if problem:
                response = JSONResponse({"detail": problem}, status.HTTP_401_UNAUTHORIZED, headers=_CHALLENGE)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _is_guarded(path: str) -> bool:
    return path == GUARDED_PREFIX or path.startswith(GUARDED_PREFIX + "/")
