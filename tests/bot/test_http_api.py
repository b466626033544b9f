"""`govqa serve`: a real uvicorn on 127.0.0.1 over a real AnswerService and index.

The answer service is the session's shared one from tests/bot/conftest.py
(the model loads once, the sample letter is indexed once); two servers run
over it, one open and one with an API key. Clients are
httpx and the official ``openai`` package, talking HTTP over loopback.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import hypothesis
import openai
import pytest
import schemathesis
from pydantic import SecretStr
from schemathesis.generation.modes import GenerationMode

from bot.http_api import create_app
from bot.http_api.routes_documents import uploads_dir_of
from index.settings import HTTPSettings, Settings
from tests.live_server import LiveServer

SAMPLE_LETTER = Path(__file__).resolve().parents[2] / "samples" / "zhongshan-gxj-2022-53.txt"
CIO_QUESTION = "一共收到多少家企业的首席信息官备案申请？"
# A fact of the sample letter no gold item asks for, and a follow-up that alone is refused (measured).
INVEST_QUESTION = "5G+工业互联网标杆项目带动总投资超过多少？"
LEADER_FOLLOW_UP = "这些项目带头的是哪家企业？"
API_KEY = "test-key-0123456789"
MAX_UPLOAD_BYTES = 64 * 1024

SMALL_LETTER = """\
测试市交通运输局

测交函〔2024〕7号

测试市交通运输局关于市人大代表第2024015号建议答复的函

王小明代表：

您提出的《关于加快公共充电设施建设的建议》收悉，现答复如下：

一、关于充电桩建设

截至2023年底，我市共建成公共充电桩327个，覆盖全部12个镇街。2024年计划新增公共充电桩150个。

二、关于运营管理

我局将会同市发展改革局制定充电设施运营管理办法，规范收费标准。

测试市交通运输局

2024年3月8日
"""


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def http_settings(indexed_settings: Settings) -> Settings:
    """The shared front-end settings (tests/bot/conftest.py), open, with a small upload limit."""
    return indexed_settings.model_copy(update={"api_key": None, "http": HTTPSettings(max_upload_bytes=MAX_UPLOAD_BYTES)})


@pytest.fixture(scope="session")
def base_url(answer_service, http_settings: Settings) -> Iterator[str]:
    """An open server (no API key) over the shared answer service."""
    with LiveServer(create_app(answer_service, http_settings)) as server:
        yield server.url


@pytest.fixture(scope="session")
def keyed_url(answer_service, http_settings: Settings) -> Iterator[str]:
    """A server that needs ``Authorization: Bearer API_KEY``."""
    settings = http_settings.model_copy(update={"api_key": SecretStr(API_KEY)})
    with LiveServer(create_app(answer_service, settings)) as server:
        yield server.url


@pytest.fixture(autouse=True)
def leaves_the_index_as_found(answer_service, base_url: str) -> Iterator[None]:
    """The service is shared with the other front ends' tests: what a test uploads goes again."""
    before = {record.doc_id for record in answer_service.documents()}
    yield
    for record in answer_service.documents():
        if record.doc_id not in before:
            httpx.delete(f"{base_url}/v1/documents/{record.doc_id}")


@pytest.fixture()
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=60) as http:
        yield http


@pytest.fixture()
def sample_doc_id(client: httpx.Client) -> str:
    documents = client.get("/v1/documents").json()
    return next(doc["id"] for doc in documents if doc["doc_number"] == "中工信函〔2022〕53号")


# --- ask ------------------------------------------------------------------------------------

def test_healthz_counts_documents(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "documents": len(client.get("/v1/documents").json())}
    assert response.json()["documents"] >= 1


def test_ask_cio_question_is_answered_with_citations(client: httpx.Client, sample_doc_id: str) -> None:
    response = client.post("/v1/ask", json={"question": CIO_QUESTION})
    assert response.status_code == 200
    answer = response.json()
    assert answer["answered"] is True
    assert "45" in answer["answer"]
    assert answer["citations"], answer
    first = answer["citations"][0]
    assert set(first) == {"document", "section", "quote", "doc_id"}
    assert "首席信息官" in first["section"] and "45" in first["quote"]
    assert first["doc_id"] == sample_doc_id
    assert answer["session_id"] is None
    assert answer["timings_ms"]["total"] > 0
    assert {"question", "mode", "note"} <= set(answer)


def test_ask_follow_up_in_the_same_session(client: httpx.Client) -> None:
    first = client.post("/v1/ask", json={"question": INVEST_QUESTION, "session_id": "http-s1"}).json()
    follow_up = client.post("/v1/ask", json={"question": LEADER_FOLLOW_UP, "session_id": "http-s1"}).json()
    assert "1.3亿" in first["answer"]
    assert follow_up["session_id"] == "http-s1"
    assert follow_up["answered"] is True
    assert "大洋电机" in follow_up["answer"]


def test_ask_limited_to_a_document(client: httpx.Client, sample_doc_id: str) -> None:
    answer = client.post("/v1/ask", json={"question": CIO_QUESTION, "document": sample_doc_id}).json()
    assert "45" in answer["answer"]
    assert {citation["doc_id"] for citation in answer["citations"]} == {sample_doc_id}


def test_reset_session_is_204(client: httpx.Client) -> None:
    assert client.delete("/v1/sessions/http-reset").status_code == 204


@pytest.mark.parametrize("question", ["", "   \n "])
def test_ask_empty_question_is_422(client: httpx.Client, question: str) -> None:
    response = client.post("/v1/ask", json={"question": question})
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


def test_ask_over_long_question_is_422(client: httpx.Client, http_settings: Settings) -> None:
    limit = http_settings.retrieval.max_question_chars
    response = client.post("/v1/ask", json={"question": "问" * (limit + 1)})
    assert response.status_code == 422
    assert str(limit) in response.json()["detail"]


def test_ask_unknown_document_is_404(client: httpx.Client) -> None:
    response = client.post("/v1/ask", json={"question": CIO_QUESTION, "document": "no-such-document"})
    assert response.status_code == 404
    assert "no-such-document" in response.json()["detail"]


@pytest.mark.parametrize("body", [b'{"question": "hi"', b"not json", b"[1, 2]", b'{"question": 7}', b"{}"])
def test_ask_malformed_json_is_422(client: httpx.Client, body: bytes) -> None:
    response = client.post("/v1/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_ask_body_over_the_json_limit_is_413(client: httpx.Client) -> None:
    response = client.post("/v1/ask", json={"question": "问" * 2_000_000})
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


# --- documents ------------------------------------------------------------------------------

def test_documents_list_shows_the_sample_letter(client: httpx.Client) -> None:
    documents = client.get("/v1/documents").json()
    sample = next(doc for doc in documents if doc["doc_number"] == "中工信函〔2022〕53号")
    assert sample["source"] == SAMPLE_LETTER.name
    assert sample["chunk_count"] > 0
    assert sample["agency"] == "中山市工业和信息化局" and "131082" in sample["title"]
    assert {"id", "title", "date", "agency", "indexed_at"} <= set(sample)


def test_upload_ask_and_delete_a_letter(client: httpx.Client, tmp_path: Path, http_settings: Settings) -> None:
    letter = tmp_path / "充电桩 答复函.txt"
    letter.write_text(SMALL_LETTER, encoding="utf-8")
    with letter.open("rb") as upload:
        response = client.post("/v1/documents", files={"file": (letter.name, upload, "text/plain")})
    assert response.status_code == 201, response.text
    outcome = response.json()
    assert outcome["status"] == "indexed" and outcome["chunk_count"] > 0
    doc_id = outcome["id"]
    listed = {doc["id"]: doc for doc in client.get("/v1/documents").json()}
    assert listed[doc_id]["doc_number"] == "测交函〔2024〕7号"
    assert listed[doc_id]["source"] == outcome["source"]

    answer = client.post("/v1/ask", json={"question": "截至2023年底共建成多少个公共充电桩？", "document": doc_id}).json()
    assert answer["answered"] and "327" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == doc_id

    assert client.delete(f"/v1/documents/{doc_id}").status_code == 200
    assert doc_id not in {doc["id"] for doc in client.get("/v1/documents").json()}
    assert client.delete(f"/v1/documents/{doc_id}").status_code == 404
    assert not list(uploads_dir_of(http_settings).rglob("*.txt"))


def test_upload_same_file_twice_is_unchanged(client: httpx.Client) -> None:
    files = {"file": ("again.txt", SMALL_LETTER.replace("327", "328").encode(), "text/plain")}
    first = client.post("/v1/documents", files=files)
    second = client.post("/v1/documents", files=files)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["status"] == "unchanged" and second.json()["id"] == first.json()["id"]
    client.delete(f"/v1/documents/{first.json()['id']}")


def test_upload_of_an_indexed_letter_is_duplicate(client: httpx.Client, sample_doc_id: str,
                                                  http_settings: Settings) -> None:
    response = client.post("/v1/documents", files={"file": ("copy.txt", SAMPLE_LETTER.read_bytes(), "text/plain")})
    assert response.status_code == 200
    assert response.json()["status"] == "duplicate" and response.json()["id"] == sample_doc_id
    assert not list(uploads_dir_of(http_settings).rglob("copy.txt"))


@pytest.mark.parametrize("client_name", ["../../../etc/passwd.txt", "..\\..\\passwd.TXT", "/etc/passwd?.txt"])
def test_upload_never_trusts_the_client_path(client: httpx.Client, http_settings: Settings, client_name: str) -> None:
    letter = SMALL_LETTER.replace("327", "329").encode()
    response = client.post("/v1/documents", files={"file": (client_name, letter, "text/plain")})
    assert response.status_code == 201, response.text
    saved = [path for path in uploads_dir_of(http_settings).rglob("*") if path.is_file()]
    assert [path.name for path in saved] == [response.json()["source"]]
    assert saved[0].name.startswith("passwd") and saved[0].name.endswith(".txt")
    client.delete(f"/v1/documents/{response.json()['id']}")


@pytest.mark.parametrize("name", ["letter.exe", "letter", "letter.txt.zip"])
def test_upload_unsupported_type_is_415(client: httpx.Client, name: str) -> None:
    response = client.post("/v1/documents", files={"file": (name, b"MZ\x90\x00", "application/octet-stream")})
    assert response.status_code == 415
    assert ".pdf" in response.json()["detail"]


def test_upload_over_the_limit_is_413(client: httpx.Client, http_settings: Settings) -> None:
    oversize = b"a" * (MAX_UPLOAD_BYTES + 1)
    response = client.post("/v1/documents", files={"file": ("big.txt", oversize, "text/plain")})
    assert response.status_code == 413
    assert "GOVQA_HTTP__MAX_UPLOAD_BYTES" in response.json()["detail"]
    assert not [path for path in uploads_dir_of(http_settings).rglob("*") if path.is_file()]


def test_upload_far_over_the_limit_is_refused_before_reading(client: httpx.Client) -> None:
    response = client.post("/v1/documents", files={"file": ("huge.txt", b"a" * (4 * MAX_UPLOAD_BYTES), "text/plain")})
    assert response.status_code == 413
    assert "GOVQA_HTTP__MAX_UPLOAD_BYTES" in response.json()["detail"]


def test_chunked_upload_over_the_limit_is_413(client: httpx.Client) -> None:
    boundary = "govqa-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()

    def body() -> Iterator[bytes]:  # a generator: httpx sends it chunked, with no Content-Length
        yield head
        for _ in range(8):
            yield b"a" * MAX_UPLOAD_BYTES
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post("/v1/documents", content=body(),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413
    assert "GOVQA_HTTP__MAX_UPLOAD_BYTES" in response.json()["detail"]


def test_upload_empty_file_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/documents", files={"file": ("empty.txt", b"", "text/plain")})
    assert response.status_code == 422
    assert "empty" in response.json()["detail"]


def test_upload_unreadable_letter_is_422_and_not_kept(client: httpx.Client, http_settings: Settings) -> None:
    response = client.post("/v1/documents", files={"file": ("broken.pdf", b"%PDF-1.4 not really", "application/pdf")})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "broken.pdf" in detail and str(http_settings.data_dir) not in detail
    assert not list(uploads_dir_of(http_settings).rglob("broken.pdf"))


def test_upload_without_a_file_is_422(client: httpx.Client) -> None:
    assert client.post("/v1/documents", data={"other": "x"}).status_code == 422


def test_delete_unknown_document_is_404(client: httpx.Client) -> None:
    response = client.delete("/v1/documents/0000000000000000")
    assert response.status_code == 404


def test_delete_needs_the_full_id(client: httpx.Client, sample_doc_id: str) -> None:
    assert client.delete(f"/v1/documents/{sample_doc_id[:4]}").status_code == 404
    assert sample_doc_id in {doc["id"] for doc in client.get("/v1/documents").json()}


@pytest.mark.slow
def test_concurrent_asks_and_uploads_all_succeed(base_url: str) -> None:
    letters = [SMALL_LETTER.replace("327", str(400 + number)).encode() for number in range(3)]

    def upload_and_delete(letter: bytes) -> tuple[int, int]:
        with httpx.Client(base_url=base_url, timeout=120) as http:
            created = http.post("/v1/documents", files={"file": ("concurrent.txt", letter, "text/plain")})
            return created.status_code, http.delete(f"/v1/documents/{created.json()['id']}").status_code

    def ask(_: int) -> str:
        return httpx.post(f"{base_url}/v1/ask", json={"question": CIO_QUESTION}, timeout=120).json()["answer"]

    before = httpx.get(f"{base_url}/healthz").json()["documents"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        uploads = pool.map(upload_and_delete, letters)
        answers = pool.map(ask, range(8))
        assert list(uploads) == [(201, 200)] * 3
        assert all("45" in answer for answer in answers)
    assert httpx.get(f"{base_url}/healthz").json()["documents"] == before


# --- auth -----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {API_KEY}"},
                                     {"Authorization": f"Bearer {API_KEY}x"}])
def test_api_key_missing_or_wrong_is_401(keyed_url: str, headers: dict) -> None:
    for method, path in [("GET", "/v1/documents"), ("POST", "/v1/ask"), ("GET", "/v1/models"),
                         ("POST", "/v1/chat/completions"), ("DELETE", "/v1/documents/x")]:
        response = httpx.request(method, keyed_url + path, headers=headers, json={"question": CIO_QUESTION})
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_api_key_is_checked_before_an_upload_is_read(keyed_url: str) -> None:
    files = {"file": ("huge.txt", b"a" * (4 * MAX_UPLOAD_BYTES), "text/plain")}
    response = httpx.post(f"{keyed_url}/v1/documents", files=files)
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


def test_api_key_right_is_200_and_healthz_stays_open(keyed_url: str) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    assert httpx.get(f"{keyed_url}/v1/documents", headers=headers).status_code == 200
    answer = httpx.post(f"{keyed_url}/v1/ask", headers=headers, json={"question": CIO_QUESTION}, timeout=60)
    assert answer.status_code == 200 and "45" in answer.json()["answer"]
    assert httpx.get(f"{keyed_url}/healthz").status_code == 200


def test_openapi_docs_are_served(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/documents", "/v1/documents/{doc_id}", "/v1/chat/completions", "/v1/models"} <= set(paths)


# --- OpenAI format --------------------------------------------------------------------------

def test_openai_client_lists_the_govqa_model(keyed_url: str) -> None:
    models = openai.OpenAI(base_url=f"{keyed_url}/v1", api_key=API_KEY).models.list()
    assert [model.id for model in models] == ["govqa"]


def test_openai_client_with_a_wrong_key_is_refused(keyed_url: str) -> None:
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{keyed_url}/v1", api_key="wrong", max_retries=0).models.list()


def test_openai_chat_completion(keyed_url: str) -> None:
    chat = openai.OpenAI(base_url=f"{keyed_url}/v1", api_key=API_KEY)
    completion = chat.chat.completions.create(model="govqa", messages=[{"role": "user", "content": CIO_QUESTION}])
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    assert "45" in content
    assert "\n\n来源：\n[1] " in content and "首席信息官" in content.split("来源：")[1]


def test_openai_chat_completion_streamed(keyed_url: str) -> None:
    chat = openai.OpenAI(base_url=f"{keyed_url}/v1", api_key=API_KEY)
    stream = chat.chat.completions.create(model="govqa", stream=True, messages=[
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": [{"type": "text", "text": CIO_QUESTION}]}])
    chunks = list(stream)
    content = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "45" in content and "\n\n来源：\n[1] " in content


def test_openai_stream_is_server_sent_events(client: httpx.Client) -> None:
    body = {"model": "govqa", "stream": True, "messages": [{"role": "user", "content": CIO_QUESTION}]}
    with client.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = response.read().decode()
    events = [event for event in text.split("\n\n") if event]
    assert all(event.startswith("data: ") for event in events)
    assert events[-1] == "data: [DONE]"
    assert json.loads(events[0][6:])["object"] == "chat.completion.chunk"


def test_openai_chat_follow_up_uses_the_earlier_messages(client: httpx.Client) -> None:
    first = [{"role": "user", "content": INVEST_QUESTION}]
    reply = client.post("/v1/chat/completions", json={"model": "govqa", "messages": first}).json()
    messages = first + [reply["choices"][0]["message"], {"role": "user", "content": LEADER_FOLLOW_UP}]
    follow_up = client.post("/v1/chat/completions", json={"model": "govqa", "messages": messages}).json()
    content = follow_up["choices"][0]["message"]["content"]
    assert "大洋电机" in content.split("来源：")[0]
    assert follow_up["govqa"]["session_id"] == reply["govqa"]["session_id"]


@pytest.mark.parametrize("messages", [[], [{"role": "assistant", "content": "hi"}], [{"role": "user", "content": ""}],
                                      [{"role": "wizard", "content": "hi"}]])
def test_openai_bad_messages_are_422(client: httpx.Client, messages: list) -> None:
    response = client.post("/v1/chat/completions", json={"model": "govqa", "messages": messages})
    assert response.status_code == 422


def test_openai_malformed_json_is_422(client: httpx.Client) -> None:
    response = client.post("/v1/chat/completions", content=b'{"messages": [', headers={"Content-Type": "application/json"})
    assert response.status_code == 422


# --- fuzzing: nothing a client sends is a server error --------------------------------------

FUZZ_EXAMPLES = 10  # per operation and mode; a one-off run with 300 found no 5xx either
FUZZED_OPERATIONS = [("POST", "/v1/ask"), ("POST", "/v1/chat/completions"), ("POST", "/v1/documents"),
                     ("DELETE", "/v1/documents/{doc_id}"), ("DELETE", "/v1/sessions/{session_id}"),
                     ("GET", "/v1/models/{model_id}")]


@pytest.fixture(scope="module")
def api_schema(base_url: str):
    return schemathesis.openapi.from_url(f"{base_url}/openapi.json")


@pytest.mark.slow
@pytest.mark.parametrize("mode", list(GenerationMode))
@pytest.mark.parametrize(("method", "path"), FUZZED_OPERATIONS)
def test_fuzzed_requests_are_never_server_errors(api_schema, method: str, path: str, mode: GenerationMode) -> None:
    @hypothesis.given(case=api_schema[path][method].as_strategy(mode))
    @hypothesis.settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, suppress_health_check=list(hypothesis.HealthCheck))
    def check(case) -> None:
        response = case.call(timeout=60)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text)

    check()


def test_a_server_starts_the_warm_up_its_service_was_built_without(http_settings: Settings) -> None:
    from index.registry import Registry
    from retrieval.conversation import SessionStore
    from retrieval.service import AnswerService

    started: list[str] = []

    class NotAsked:  # /healthz asks nothing
        def answer(self, question, *, history, doc_ids):
            raise AssertionError("not asked")

    service = AnswerService(http_settings, answerer=NotAsked(), registry=Registry(http_settings.registry_path),
                            indexer=None, sessions=SessionStore(max_turns=2, max_sessions=2),
                            warm_up=lambda: started.append("warm-up"))
    assert started == []
    with LiveServer(create_app(service, http_settings), lifespan="on") as server:
        assert httpx.get(f"{server.url}/healthz", timeout=30).json()["documents"] >= 1
        assert started == ["warm-up"]
    service.warm_up_in_background()
    assert started == ["warm-up"]  # once
