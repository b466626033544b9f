"""Fixtures for the chat and Telegram front ends: one real answer service over the sample letter per session."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import Settings

SAMPLE_LETTER = Path(__file__).resolve().parents[2] / "samples" / "zhongshan-gxj-2022-53.txt"


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Settings:
    """Settings over a fresh data directory; the model is the session's prepared one, never re-converted."""
    return Settings(data_dir=tmp_path_factory.mktemp("bot-data"), embedding_model=str(model_dir))


@pytest.fixture(scope="session")
def answer_service(indexed_settings: Settings, embedder, reader):
    """The real AnswerService (retrieval.factory) with the sample letter indexed."""
    from retrieval.factory import build_service

    service = build_service(indexed_settings, embedder=embedder, reader=reader)
    outcome = service.add_document(SAMPLE_LETTER)
    assert outcome.status == "indexed", outcome
    return service
