"""One writing process per data dir.

The embedded Chroma store and the registry's crash recovery assume a single writer:
a `govqa index` running beside `govqa serve` would undo the server's half-finished
uploads as crash leftovers (and the other way round). Writers hold an exclusive
flock on ``<data dir>/writer.lock`` for as long as they live; the operating system
releases it when the process ends, even by kill -9.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .errors import StoreError
from .settings import DataDir

# Locks this process holds, by path: a second writer in the same process (tests build
# several services) shares the lock instead of blocking on itself.
_HELD: dict[Path, int] = {}


def _lock_path(data_dir: Path) -> Path:
    return DataDir(data_dir).writer_lock.resolve()


def holds_writer_lock(data_dir: Path) -> bool:
    """Whether this process is the writer of ``data_dir``."""
    return _lock_path(data_dir) in _HELD


def hold_writer_lock(data_dir: Path, *, who: str) -> None:
    """Take the data dir's writer lock for the rest of this process, or explain who has it."""
    path = _lock_path(data_dir)
    if path in _HELD:
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 200).decode(errors="replace").strip() or "another govqa process"
        os.close(fd)
        raise StoreError(
            f"{data_dir} is being written by {holder}. Run one writing command at a time per data dir "
            "(upload to a running server with POST /v1/documents), or use a Chroma server (GOVQA_CHROMA_URL) "
            "and separate data dirs.") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{who} (pid {os.getpid()})".encode())
    _HELD[path] = fd
