"""A uvicorn server in a thread on a loopback port the OS picked: for the real API and for fake peers."""
from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn


class LiveServer:
    """Serves an ASGI app until the ``with`` block ends; ``url`` is its base URL."""

    def __init__(self, app, *, health_path: str = "/healthz", lifespan: str = "off") -> None:
        """``lifespan="on"`` runs the app's start-up and shut-down hooks, as `govqa serve` does."""
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._health_path = health_path
        self._server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}{self._health_path}", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *exc_info) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
