"""The real `govqa` console script as a subprocess: `govqa serve` on a free loopback port, or any command to completion.

Used by the tests that must see a whole process (SIGKILL, load, what reaches
stdout/stderr). Each process gets a clean environment: only what the test
passes, never the caller's GOVQA_* or TELEGRAM_* variables.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

STARTUP_TIMEOUT_S = 180
STOP_TIMEOUT_S = 30
_SCRUBBED_PREFIXES = ("GOVQA_", "TELEGRAM_", "OPENAI_")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def govqa_command() -> list[str]:
    """The `govqa` console script of the running interpreter's environment."""
    beside = Path(sys.executable).parent / "govqa"
    found = str(beside) if beside.exists() else shutil.which("govqa")
    return [found] if found else [sys.executable, "-c", "from bot.cli import main; main()"]


def govqa_env(data_dir: Path, models_dir: Path, **variables: str) -> dict[str, str]:
    """The environment of a govqa subprocess: this data dir, the session's prepared model, ``variables``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_SCRUBBED_PREFIXES)}
    env.update(GOVQA_DATA_DIR=str(data_dir), GOVQA_MODELS_DIR=str(models_dir), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1", **variables)
    return env


def run_govqa(args: list[str], env: Mapping[str, str], *, timeout: float = 600,
              stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run one govqa command to completion, capturing its output."""
    return subprocess.run([*govqa_command(), *args], env=dict(env), input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, check=False)


class GovqaServer:
    """`govqa serve` on a free loopback port; output goes to a log file read by ``log()``."""

    def __init__(self, env: Mapping[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = dict(env)
        self._log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "GovqaServer":
        """Start the server and wait until /healthz answers."""
        with self._log_path.open("ab") as log:
            self.process = subprocess.Popen([*govqa_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                                            env=self._env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"govqa serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"govqa serve did not answer /healthz within {STARTUP_TIMEOUT_S} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C or a service manager would; SIGKILL if it does not end."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        return self._log_path.read_text(encoding="utf-8", errors="replace") if self._log_path.exists() else ""

    def __enter__(self) -> "GovqaServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
