"""Build the FastAPI app around one AnswerService, and run it on uvicorn."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import uvicorn
from fastapi import Depends, FastAPI

from index.settings import Settings
from retrieval.service import AnswerService

from . import routes_ask, routes_documents, routes_health, routes_openai
from .auth import ApiKeyMiddleware, require_api_key
from .errors import install_error_handlers
from .limits import BodyLimitMiddleware

logger = logging.getLogger("govqa.http")

MAX_JSON_BODY_BYTES = 1024 * 1024
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # boundaries and part headers around the uploaded file

_DESCRIPTION = """Questions over Chinese government reply letters (答复函), answered with citations.

* `POST /v1/ask` — the answer object; `POST /v1/chat/completions` — the same in the OpenAI format.
* `/v1/documents` — list, upload (multipart `file`) and delete letters.
* When `GOVQA_API_KEY` is set, every `/v1` route needs `Authorization: Bearer <key>`.
"""


def create_app(service: AnswerService, settings: Settings) -> FastAPI:
    """The HTTP API over ``service``; both live on ``app.state``. Once the server is up it starts the
    service's warm-up, if it was built without one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        service.warm_up_in_background()
        yield

    app = FastAPI(title="govqa", version="0.1.0", description=_DESCRIPTION, lifespan=lifespan)
    app.state.service = service
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, default_bytes=MAX_JSON_BODY_BYTES,
                       post_limits={routes_documents.router.prefix: _upload_body_limit(settings)})
    app.add_middleware(ApiKeyMiddleware, settings=settings)  # added last, so it runs first
    guarded = [Depends(require_api_key)]
    app.include_router(routes_health.router)
    app.include_router(routes_ask.router, dependencies=guarded)
    app.include_router(routes_documents.router, dependencies=guarded)
    app.include_router(routes_openai.router, dependencies=guarded)
    return app


def _upload_body_limit(settings: Settings) -> tuple[int, str]:
    """The multipart body may exceed the file a little; the file itself is held to the exact limit on saving."""
    limit = settings.http.max_upload_bytes
    return limit + MULTIPART_OVERHEAD_BYTES, f"The upload is over the {limit:,}-byte limit (GOVQA_HTTP__MAX_UPLOAD_BYTES)."


def serve(settings: Settings) -> None:
    """Build the answer service and serve the API on settings.http.host:port until interrupted."""
    from retrieval.startup import answer_service

    # Warmed up once uvicorn is up (create_app): at 1,000 letters its 2 s of CPU beside uvicorn's start
    # delayed the server's readiness by as much.
    service = answer_service(settings, read_only=False, warm_up=False)
    if settings.api_key is None and settings.http.host not in ("127.0.0.1", "localhost", "::1"):
        logger.warning("Listening on %s without an API key: anyone who can reach it can upload and delete letters. "
                       "Set GOVQA_API_KEY.", settings.http.host)
    uvicorn.run(create_app(service, settings), host=settings.http.host, port=settings.http.port,
                server_header=False)
