"""Dependencies shared by the routers: the service and the settings the app was built with."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from index.settings import Settings
from retrieval.service import AnswerService


def get_service(request: Request) -> AnswerService:
    """The AnswerService the app was built with."""
    return request.app.state.service


def get_settings(request: Request) -> Settings:
    """The Settings the app was built with."""
    return request.app.state.settings


ServiceDep = Annotated[AnswerService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
