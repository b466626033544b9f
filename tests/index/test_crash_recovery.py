"""Crash recovery: the registry and the Chroma store agree after a process dies at any point.

The real processes are killed with SIGKILL: `govqa index DIR` in the middle of
a batch of letters, and `govqa serve` in the middle of concurrent uploads.
Then every step where the indexer writes (registry row, chunks, completion,
deletion of an older version, removal) is interrupted in-process, to reach the
moments a kill rarely hits. After each, what the next run leaves must hold:

* no pending registry rows;
* every complete document has exactly ``chunk_count`` chunks in the store,
  numbered 0…n-1, and the store holds no chunk of any other document;
* no chunk id twice, at most one document per source path and per content;
* every file is indexed.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from index.indexer import Indexer
from index.registry import Registry
from index.settings import Settings
from index.store import ChunkStore, open_client
from index.types import DocumentRecord
from tests.govqa_server import GovqaServer, govqa_command, govqa_env, run_govqa

ROOT = Path(__file__).resolve().parents[2]
SOURCE_LETTERS = sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))
BATCH_SIZE = 40
KILL_GROUP_CHUNKS = 24   # about 3 of these letters a group
UPLOAD_COUNT = 8
POLL_S = 0.005
RUN_TIMEOUT_S = 600

DOC_NUMBER = re.compile(r"〔(\d{4})〕(第?)(\d+)号")
COUNTED = re.compile(r"(?<![\d.])(\d+)(?=[家台个户吨亩人])")


# --- letters ------------------------------------------------------------------------------------

def letter_variant(text: str, number: int) -> str:
    """The letter with its 文号 and counted quantities changed by ``number``: a different file, the same shape."""
    text = DOC_NUMBER.sub(lambda m: f"〔{m[1]}〕{m[2]}{1000 + number}号", text, count=1)
    return COUNTED.sub(lambda m: str(int(m[1]) + number), text)


def write_letters(folder: Path, count: int) -> list[Path]:
    """``count`` distinct small letters made from tests/data/letters."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        source = SOURCE_LETTERS[number % len(SOURCE_LETTERS)]
        path = folder / f"{source.stem}-{number:02d}.txt"
        path.write_text(letter_variant(source.read_text(encoding="utf-8"), number), encoding="utf-8")
        paths.append(path)
    assert len({_sha256(path) for path in paths}) == count
    return paths


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- looking at an index ------------------------------------------------------------------------

def registry_statuses(registry_path: Path) -> Counter:
    """How many rows are pending and complete, read without writing (another process owns the file)."""
    if not registry_path.exists():
        return Counter()
    try:
        with closing(sqlite3.connect(f"file:{registry_path}?mode=ro", uri=True, timeout=5)) as db:
            return Counter(status for (status,) in db.execute("SELECT status FROM documents"))
    except sqlite3.OperationalError:  # created but its table not yet
        return Counter()


def assert_consistent(settings: Settings) -> list[DocumentRecord]:
    """Registry and store agree (see the module docstring); returns the complete documents.

    Opens the data dir in this process, so only once no other process writes to it.
    """
    registry, client = Registry(settings.registry_path), open_client(settings)
    try:
        assert registry.pending() == [], "pending registry rows survived recovery"
        records = registry.documents()
        chunks = ChunkStore(client, settings.collection).chunks()
    finally:
        registry.close()
        client.close()  # the last client of a path stops its cached system: the next open reads the disk again
    ids = [chunk.chunk_id for chunk in chunks]
    assert len(ids) == len(set(ids)), "a chunk id is stored twice"
    stored = Counter(chunk.doc_id for chunk in chunks)
    recorded = {record.doc_id: record.chunk_count for record in records}
    assert dict(stored) == recorded, f"store {dict(stored)} vs registry {recorded}"
    for record in records:
        ordinals = sorted(chunk.ordinal for chunk in chunks if chunk.doc_id == record.doc_id)
        assert ordinals == list(range(record.chunk_count)), record.doc_id
    duplicated = [path for path, n in Counter(r.source_path for r in records).items() if n > 1]
    assert not duplicated, f"several documents for one source path: {duplicated}"
    assert len({record.content_hash for record in records}) == len(records), "the same content indexed twice"
    return records


# --- `govqa index DIR`, killed mid-batch ----------------------------------------------------------

def kill_when_mid_batch(process: subprocess.Popen, registry_path: Path, total: int) -> Counter:
    """SIGKILL the process once some documents are complete, ideally while one is pending; returns what it saw."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        statuses = registry_statuses(registry_path)
        mid_document = statuses["complete"] >= 3 and statuses["pending"] >= 1
        if mid_document or statuses["complete"] >= total // 3:
            process.kill()
            process.wait(timeout=30)
            return statuses
        time.sleep(POLL_S)
    pytest.fail(f"`govqa index` ended (exit {process.returncode}) before it could be killed mid-batch")


@pytest.mark.slow
def test_index_killed_mid_batch_then_rerun_leaves_registry_and_store_in_agreement(tmp_path: Path, model_dir: Path,
                                                                                   embedder) -> None:
    letters = write_letters(tmp_path / "letters", BATCH_SIZE)
    settings = Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent)
    # Groups of a few letters (the default, 512 chunks, would hold all 40): the kill lands between or inside groups.
    env = govqa_env(settings.data_dir, settings.models_dir, GOVQA_INDEX__GROUP_CHUNKS=str(KILL_GROUP_CHUNKS))
    with (tmp_path / "first-run.log").open("wb") as log:
        first = subprocess.Popen([*govqa_command(), "index", str(tmp_path / "letters")], env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
        seen = kill_when_mid_batch(first, settings.registry_path, BATCH_SIZE)
    assert seen["complete"] < BATCH_SIZE, seen  # seen["pending"] is >= 1 when the kill caught a group mid-write

    second = run_govqa(["index", str(tmp_path / "letters")], env, timeout=RUN_TIMEOUT_S)

    assert second.returncode == 0, second.stdout + second.stderr
    assert "failed 0" in second.stdout
    records = assert_consistent(settings)
    assert sorted(r.source_path for r in records) == sorted(str(path.resolve()) for path in letters)
    assert {r.content_hash for r in records} == {_sha256(path) for path in letters}
    third = Indexer(settings, store=ChunkStore.open(settings), registry=Registry(settings.registry_path),
                    embedder=embedder).index_paths([tmp_path / "letters"])
    assert third.count("unchanged") == BATCH_SIZE, "a run after recovery found work left to do"
    assert assert_consistent(settings) == records


# --- `govqa serve`, killed mid-upload -----------------------------------------------------------

def upload(url: str, path: Path) -> httpx.Response | Exception:
    """POST one letter; a server killed meanwhile gives the transport error instead of a response."""
    try:
        with path.open("rb") as handle:
            return httpx.post(f"{url}/v1/documents", files={"file": (path.name, handle, "text/plain")}, timeout=300)
    except httpx.TransportError as error:
        return error


def kill_mid_uploads(server: GovqaServer, registry_path: Path, letters: list[Path]) -> Counter:
    """Upload every letter concurrently and SIGKILL the server while they are being indexed."""
    with ThreadPoolExecutor(max_workers=len(letters)) as pool:
        pending_uploads = [pool.submit(upload, server.url, path) for path in letters]
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            statuses = registry_statuses(registry_path)
            if (statuses["complete"] >= 2 and statuses["pending"]) or statuses["complete"] >= len(letters) // 2:
                server.kill()
                break
            if all(future.done() for future in pending_uploads):
                pytest.fail("every upload finished before the server could be killed")
            time.sleep(POLL_S)
        results = [future.result() for future in pending_uploads]
    assert any(isinstance(result, Exception) for result in results), "no upload was cut off by the kill"
    return statuses


@pytest.mark.slow
def test_server_killed_mid_upload_restarts_consistent_and_takes_uploads_again(tmp_path: Path, model_dir: Path) -> None:
    letters = write_letters(tmp_path / "letters", UPLOAD_COUNT)
    settings = Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent)
    env = govqa_env(settings.data_dir, settings.models_dir)
    with GovqaServer(env, tmp_path / "server-1.log") as first:
        seen = kill_mid_uploads(first, settings.registry_path, letters)

    with GovqaServer(env, tmp_path / "server-2.log") as second:
        after_restart = registry_statuses(settings.registry_path)
        listed = httpx.get(f"{second.url}/v1/documents", timeout=30).json()
        again = [upload(second.url, path) for path in letters]
        assert all(isinstance(response, httpx.Response) for response in again), again
        by_name = {response.json()["source"]: response.json() for response in again}
        asked = httpx.post(f"{second.url}/v1/ask", timeout=120, json={
            "question": "这封答复函是哪天发出的？", "document": by_name[letters[-1].name]["id"]}).json()

    assert after_restart["pending"] == 0, f"the restarted server kept the crash's pending rows (saw {seen} at the kill)"
    assert len(listed) == after_restart["complete"]
    assert [response.status_code for response in again if response.status_code not in (200, 201)] == []
    assert {response.json()["status"] for response in again} <= {"indexed", "unchanged"}
    assert asked["answered"] and asked["citations"][0]["doc_id"] == by_name[letters[-1].name]["id"], asked
    records = assert_consistent(settings)
    assert {record.content_hash for record in records} == {_sha256(path) for path in letters}


# --- every write step interrupted, in-process ---------------------------------------------------

class SimulatedCrash(BaseException):
    """The process dies here: not an Exception, so nothing on the way up handles it."""


class CrashAt:
    """Wraps the registry and the store; the first call to ``method`` dies instead of running."""

    WRITES = frozenset({"begin", "complete", "remove", "add", "delete_document"})

    def __init__(self, method: str) -> None:
        self.method = method
        self.writes: list[str] = []

    def wrap(self, target):
        plan = self

        class Dying:
            def __getattr__(self, name: str):
                attribute = getattr(target, name)
                if name not in plan.WRITES:
                    return attribute

                def write(*args, **kwargs):
                    plan.writes.append(name)
                    if name == plan.method:
                        raise SimulatedCrash(name)
                    return attribute(*args, **kwargs)
                return write
        return Dying()


def open_indexer(settings: Settings, embedder, crash: CrashAt | None = None) -> Indexer:
    """An Indexer over the data dir, as a fresh process would open it (optionally one that dies)."""
    store, registry = ChunkStore.open(settings), Registry(settings.registry_path)
    if crash:
        store, registry = crash.wrap(store), crash.wrap(registry)
    return Indexer(settings, store=store, registry=registry, embedder=embedder)


@pytest.fixture()
def workspace(tmp_path: Path, model_dir: Path) -> tuple[Settings, Path]:
    """A data dir and one letter file in its own folder."""
    letter = write_letters(tmp_path / "letters", 1)[0]
    return Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent), letter


@pytest.mark.parametrize("method", ["begin", "add", "complete"])
def test_crash_while_indexing_a_new_file_is_undone_or_finished_by_the_next_run(workspace, embedder, method) -> None:
    settings, letter = workspace
    crash = CrashAt(method)
    with pytest.raises(SimulatedCrash):
        open_indexer(settings, embedder, crash).index_paths([letter.parent])

    report = open_indexer(settings, embedder).index_paths([letter.parent])

    assert report.count("indexed") == 1, report
    records = assert_consistent(settings)
    assert [(r.source_path, r.content_hash) for r in records] == [(str(letter.resolve()), _sha256(letter))]


@pytest.mark.parametrize("method", ["begin", "add", "complete", "delete_document", "remove"])
def test_crash_while_replacing_a_changed_file_leaves_one_version_after_the_next_run(workspace, embedder, method) -> None:
    settings, letter = workspace
    open_indexer(settings, embedder).index_paths([letter.parent])
    letter.write_text(letter_variant(letter.read_text(encoding="utf-8"), 500), encoding="utf-8")
    crash = CrashAt(method)
    with pytest.raises(SimulatedCrash):
        open_indexer(settings, embedder, crash).index_paths([letter.parent])

    open_indexer(settings, embedder).index_paths([letter.parent])

    records = assert_consistent(settings)
    assert [(r.source_path, r.content_hash) for r in records] == [(str(letter.resolve()), _sha256(letter))]


@pytest.mark.parametrize("method", ["delete_document", "remove"])
def test_crash_while_removing_a_document_leaves_it_whole_or_gone(workspace, embedder, method) -> None:
    settings, letter = workspace
    open_indexer(settings, embedder).index_paths([letter.parent])
    doc_id = Registry(settings.registry_path).documents()[0].doc_id
    with pytest.raises(SimulatedCrash):
        open_indexer(settings, embedder, CrashAt(method)).remove(doc_id)

    open_indexer(settings, embedder).recover()

    records = assert_consistent(settings)
    assert len(records) <= 1
