"""A Chroma server for the tests of server mode (GOVQA_CHROMA_URL).

``chroma_server_url(folder)`` yields GOVQA_TEST_CHROMA_URL when it is set (CI may
point it at a shared server); otherwise it starts ``chroma run`` (the CLI that
ships with the chromadb package) on a free loopback port, persisting into
``folder``, and stops it afterwards. Tests give every run its own collection
name, so a shared server never mixes their chunks.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.govqa_server import free_port

URL_ENV = "GOVQA_TEST_CHROMA_URL"
STARTUP_TIMEOUT_S = 60
STOP_TIMEOUT_S = 20


def chroma_command() -> list[str]:
    """The `chroma` CLI of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError(f"No `chroma` CLI beside {sys.executable} or on PATH; install chromadb, or set {URL_ENV}.")
    return [found]


def collection_name(purpose: str) -> str:
    """A collection name no other test run uses (Chroma allows 3-512 characters of [a-zA-Z0-9._-])."""
    return f"govqa-test-{purpose}-{uuid.uuid4().hex[:12]}"


@contextmanager
def chroma_server_url(folder: Path) -> Iterator[str]:
    """The URL of a running Chroma server: GOVQA_TEST_CHROMA_URL, or one started here until the block ends."""
    if os.environ.get(URL_ENV):
        yield os.environ[URL_ENV].rstrip("/")
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "chroma-server.log").open("wb") as log:
        process = subprocess.Popen([*chroma_command(), "run", "--path", str(folder / "chroma"),
                                    "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        _wait_for_heartbeat(url, process, folder / "chroma-server.log")
        yield url
    finally:
        _stop(process)


def _wait_for_heartbeat(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"chroma run did not answer at {url} within {STARTUP_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)
