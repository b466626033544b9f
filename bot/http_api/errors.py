"""The one place a GovqaError becomes an HTTP response; anything else is logged as a 500."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from index.errors import GovqaError, InputFileError, ModelError, QuestionError, StoreError, UnknownDocumentError

logger = logging.getLogger("govqa.http")


class UploadTooLargeError(GovqaError):
    """An upload over GOVQA_HTTP__MAX_UPLOAD_BYTES."""


class UnsupportedFileTypeError(GovqaError):
    """An upload whose suffix no loader reads."""


class UploadRejectedError(GovqaError):
    """An upload that was received but cannot become a letter (empty, unreadable…)."""


_STATUS_BY_ERROR: dict[type[GovqaError], int] = {
    UnknownDocumentError: status.HTTP_404_NOT_FOUND,
    QuestionError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    InputFileError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    UploadRejectedError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    UploadTooLargeError: status.HTTP_413_CONTENT_TOO_LARGE,
    UnsupportedFileTypeError: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    ModelError: status.HTTP_503_SERVICE_UNAVAILABLE,
    StoreError: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def status_for(error: GovqaError) -> int:
    """The HTTP status of a GovqaError: the entry of its nearest class, else 400."""
    for cls in type(error).__mro__:
        if cls in _STATUS_BY_ERROR:
            return _STATUS_BY_ERROR[cls]
    return status.HTTP_400_BAD_REQUEST


async def govqa_error_response(request: Request, error: GovqaError) -> JSONResponse:
    """A GovqaError as ``{"detail": message}`` with its status."""
    code = status_for(error)
    if code >= 500:
        logger.error("%s %s: %s", request.method, request.url.path, error)
    return JSONResponse({"detail": str(error)}, status_code=code)


async def unexpected_error_response(request: Request, error: Exception) -> JSONResponse:
    """Any other exception: the client gets no internals.

    Starlette re-raises the exception after this response, so the server logs
    its traceback once; logging it here too would print it twice.
    """
    return JSONResponse({"detail": "Internal server error; the server log has the details."},
                        status_code=status.HTTP_500_INTERNAL_SERVER_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(GovqaError, govqa_error_response)
    app.add_exception_handler(Exception, unexpected_error_response)
