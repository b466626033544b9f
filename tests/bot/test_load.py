"""A bounded load test against a real `govqa serve` subprocess on loopback.

The sample letter and the letters of tests/data/letters are uploaded; then
GOVQA_LOAD_REQUESTS questions (300 by default; 2000 for the long variant) go to
/v1/ask at concurrency 16 while another client uploads and deletes variants of
the other letters. The load itself is benchmarks/load_test.py.
"""
from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.load_test import SAMPLE_LETTER, run_load
from tests.govqa_server import GovqaServer, govqa_env

pytestmark = pytest.mark.slow

LETTERS = sorted((Path(__file__).resolve().parents[2] / "tests" / "data" / "letters").glob("*.txt"))
REQUESTS = int(os.environ.get("GOVQA_LOAD_REQUESTS", "300"))
CONCURRENCY = 16


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[str]:
    """`govqa serve` over a fresh data dir holding the sample and the test letters."""
    data_dir = tmp_path_factory.mktemp("load-data")
    with GovqaServer(govqa_env(data_dir, model_dir.parent), data_dir / "server.log") as server:
        for path in [SAMPLE_LETTER, *LETTERS]:
            response = httpx.post(f"{server.url}/v1/documents", files={"file": (path.name, path.read_bytes())}, timeout=120)
            assert response.status_code == 201, response.text
        yield server.url
        assert "Traceback" not in server.log(), server.log()


def test_concurrent_asks_with_uploads_and_deletions_have_no_server_errors_and_no_wrong_documents(
        server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    report = asyncio.run(run_load(server_url, requests=REQUESTS, concurrency=CONCURRENCY))
    with capsys.disabled():
        print(f"\nload test, {REQUESTS} requests at concurrency {CONCURRENCY}:\n{report.summary()}")

    assert report.transport_errors == []
    assert report.server_errors == 0
    assert report.ask_statuses == {200: REQUESTS}
    assert report.wrong_document == [], report.wrong_document[:3]
    assert report.sample_answered >= report.sample_asked * 0.8, "most sample questions have an answer"
    assert sum(report.upload_statuses.values()) >= 1 and set(report.upload_statuses) == {201}
    assert set(report.delete_statuses) <= {200}


def test_index_after_the_load_is_as_before(server_url: str) -> None:
    documents = httpx.get(f"{server_url}/v1/documents", timeout=30).json()
    assert sorted(document["source"] for document in documents) == sorted(path.name for path in [SAMPLE_LETTER, *LETTERS])
