"""A real answer service over several letters: the sample plus the invented ones in tests/data/letters."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
LETTERS = sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))


@pytest.fixture(scope="session")
def library_settings(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Settings:
    """Settings over a fresh data dir, using the session's prepared model."""
    return Settings(data_dir=tmp_path_factory.mktemp("library"), models_dir=model_dir.parent)


@pytest.fixture(scope="session")
def library(library_settings: Settings, embedder, reader):
    """The AnswerService with four letters of different shapes indexed."""
    from retrieval.factory import build_service

    service = build_service(library_settings, embedder=embedder, reader=reader)
    for path in [SAMPLE, *LETTERS]:
        assert service.add_document(path).status == "indexed"
    return service


@pytest.fixture(scope="session")
def doc_ids(library) -> dict[str, str]:
    """Document id by file stem."""
    return {Path(record.source_path).stem: record.doc_id for record in library.documents()}
