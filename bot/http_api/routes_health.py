"""/healthz: open to all, even when an API key is set."""
from __future__ import annotations

from fastapi import APIRouter

from .deps import ServiceDep
from .schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(service: ServiceDep) -> HealthPublic:
    """The server is up; how many documents are indexed."""
    return HealthPublic(documents=service.document_count())
