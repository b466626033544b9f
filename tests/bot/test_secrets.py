"""Secrets (GOVQA_API_KEY, GOVQA_LLM_API_KEY, TELEGRAM_BOT_TOKEN) never reach output, logs, responses or errors.

Recognisable fake secrets are set in the environment of real `govqa serve` and
`govqa ask` processes whose LLM endpoint fails: for the server, a loopback
endpoint that answers 401 and echoes the key it was sent (as some
OpenAI-compatible servers do); for `govqa ask`, a loopback port nothing
listens on. Everything they print, log and answer is searched for the secrets.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from index.settings import Settings
from tests.govqa_server import GovqaServer, free_port, govqa_env, run_govqa
from tests.live_server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_LETTER = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
CIO_QUESTION = "一共收到多少家企业的首席信息官备案申请？"

API_KEY = "fake-api-key-SECRET-7c1d4e0a"
LLM_KEY = "fake-llm-key-SECRET-3b9a2f61"
BOT_TOKEN = "123456789:fake-telegram-token-SECRET-e5d6"
SECRETS = (API_KEY, LLM_KEY, BOT_TOKEN)


def leaked(text: str) -> list[str]:
    """The secrets, or recognisable middles of them (a masked key still shows those), found in ``text``."""
    fragments = [*SECRETS, *(secret[4:-4] for secret in SECRETS)]
    return [fragment for fragment in fragments if fragment in text]


def echoing_llm(received: list[str]) -> FastAPI:
    """An OpenAI-compatible endpoint that refuses every call, echoing the key it got (as some servers do)."""
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict:
        return {}

    @app.post("/v1/chat/completions")
    def refuse(authorization: Annotated[str, Header()] = "") -> JSONResponse:
        received.append(authorization)
        return JSONResponse({"error": {"message": f"Incorrect API key provided: {authorization}",
                                       "type": "invalid_request_error", "code": "invalid_api_key"}}, status_code=401)
    return app


def secret_env(data_dir: Path, model_dir: Path, llm_url: str) -> dict[str, str]:
    return govqa_env(data_dir, model_dir.parent, GOVQA_API_KEY=API_KEY, GOVQA_LLM_API_KEY=LLM_KEY,
                     GOVQA_LLM_BASE_URL=llm_url, GOVQA_LLM_MODEL="fake-model", GOVQA_LLM__TIMEOUT_S="10",
                     TELEGRAM_BOT_TOKEN=BOT_TOKEN)


def transcript(response: httpx.Response) -> str:
    """Status, headers and body of a response, as one text to search."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return f"{response.status_code}\n{headers}\n{response.text}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[dict]:
    """Run `govqa serve` with the secrets through successful and failing requests; yields what was seen."""
    data_dir = tmp_path_factory.mktemp("secrets-data")
    good = {"Authorization": f"Bearer {API_KEY}"}
    llm_received: list[str] = []
    with LiveServer(echoing_llm(llm_received)) as llm, \
            GovqaServer(secret_env(data_dir, model_dir, f"{llm.url}/v1"), data_dir / "server.log") as server:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            responses = {
                "healthz": client.get("/healthz"),
                "no key": client.post("/v1/ask", json={"question": CIO_QUESTION}),
                "wrong key": client.post("/v1/ask", json={"question": CIO_QUESTION}, headers={"Authorization": "Bearer nope"}),
                "upload": client.post("/v1/documents", headers=good,
                                      files={"file": (SAMPLE_LETTER.name, SAMPLE_LETTER.read_bytes())}),
                "unsupported upload": client.post("/v1/documents", headers=good, files={"file": ("x.exe", b"MZ")}),
                "ask": client.post("/v1/ask", headers=good, json={"question": CIO_QUESTION}),
                "empty question": client.post("/v1/ask", headers=good, json={"question": " "}),
                "unknown document": client.post("/v1/ask", headers=good, json={"question": CIO_QUESTION, "document": "zzz"}),
                "chat": client.post("/v1/chat/completions", headers=good,
                                    json={"model": "govqa", "messages": [{"role": "user", "content": CIO_QUESTION}]}),
                "openapi": client.get("/openapi.json"),
            }
    yield {"responses": responses, "log": server.log(), "llm_received": llm_received, "data_dir": data_dir}


@pytest.mark.slow
def test_server_requests_succeed_and_fail_as_expected(served) -> None:
    statuses = {name: response.status_code for name, response in served["responses"].items()}
    assert statuses == {"healthz": 200, "no key": 401, "wrong key": 401, "upload": 201, "unsupported upload": 415,
                        "ask": 200, "empty question": 422, "unknown document": 404, "chat": 200, "openapi": 200}
    assert served["responses"]["ask"].json()["mode"] == "llm-fallback"
    assert f"Bearer {LLM_KEY}" in served["llm_received"], "the failing LLM was really called with the key"


@pytest.mark.slow
def test_server_responses_never_contain_a_secret(served) -> None:
    for name, response in served["responses"].items():
        assert leaked(transcript(response)) == [], name


@pytest.mark.slow
def test_server_log_never_contains_a_secret(served) -> None:
    assert "LLM call failed" in served["log"], "the failure was logged"
    assert leaked(served["log"]) == []


@pytest.mark.slow
def test_govqa_ask_with_a_failing_llm_prints_no_secret(served, model_dir: Path) -> None:
    """`govqa ask --jsonl` over the index the server built; its LLM is a port nothing listens on."""
    env = secret_env(served["data_dir"], model_dir, f"http://127.0.0.1:{free_port()}/v1")
    lines = [json.dumps({"question": CIO_QUESTION}, ensure_ascii=False),
             json.dumps({"question": CIO_QUESTION, "document": "no-such-document"}), "not json"]

    result = run_govqa(["ask", "--jsonl"], env, stdin="\n".join(lines) + "\n", timeout=300)

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0]["mode"] == "llm-fallback" and "45" in answers[0]["answer"], answers[0]
    assert [bool(answer.get("error")) for answer in answers] == [False, True, True]
    assert leaked(result.stdout) == [] and leaked(result.stderr) == []


def test_settings_repr_str_and_dump_hide_the_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVQA_API_KEY", API_KEY)
    monkeypatch.setenv("GOVQA_LLM_API_KEY", LLM_KEY)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)

    settings = Settings()

    assert settings.api_key.get_secret_value() == API_KEY and settings.llm.api_key.get_secret_value() == LLM_KEY
    for shown in (repr(settings), str(settings), settings.model_dump_json(), repr(settings.llm), str(settings.model_dump())):
        assert leaked(shown) == []


@pytest.mark.parametrize("broken", [
    {"GOVQA_HTTP__PORT": "not-a-port"},
    {"GOVQA_LLM__TIMEOUT_S": "-1"},
    {"GOVQA_LLM": json.dumps({"api_key": LLM_KEY, "timeout_s": -1})},
    {"GOVQA_LLM": '{"api_key": "' + LLM_KEY + '", '},
])
def test_settings_errors_never_show_the_secrets(monkeypatch: pytest.MonkeyPatch, broken: dict[str, str]) -> None:
    monkeypatch.setenv("GOVQA_API_KEY", API_KEY)
    monkeypatch.setenv("GOVQA_LLM_API_KEY", LLM_KEY)
    for name, value in broken.items():
        monkeypatch.setenv(name, value)

    with pytest.raises((ValidationError, ValueError)) as raised:
        Settings()

    assert leaked(str(raised.value)) == [] and leaked(repr(raised.value)) == []
