"""Uploaded letters on disk: safe names, bounded reads, one folder per content hash.

An upload is saved as ``uploads/<first 16 hex of its sha256>/<safe name>``: the
client's path is never used, two different files never share a path, and the
same file uploaded again lands on the same path (so the indexer reports it
``unchanged`` instead of indexing it twice).
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from index.loaders import SUPPORTED_SUFFIXES

from .errors import UnsupportedFileTypeError, UploadRejectedError, UploadTooLargeError

_READ_BYTES = 1024 * 1024
_MAX_STEM_CHARS = 60  # CJK takes 3 bytes a character; file names may have 255 bytes
_UNSAFE_CHARS = re.compile(r"[^\w\-.()（）〔〕【】]+")


def safe_file_name(client_name: str | None) -> str:
    """A file name fit for our disk from whatever the client sent: no folders, no odd characters."""
    name = PurePosixPath(unicodedata.normalize("NFC", client_name or "").replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(none)"
        raise UnsupportedFileTypeError(
            f"Cannot index a {shown} file; upload one of {', '.join(SUPPORTED_SUFFIXES)}.")
    stem = _UNSAFE_CHARS.sub("_", name[: -len(suffix)]).strip("._- ")[:_MAX_STEM_CHARS]
    return (stem or "letter") + suffix


def save_upload(source: BinaryIO, name: str, uploads_dir: Path, *, max_bytes: int) -> Path:
    """Copy ``source`` to ``uploads_dir/<hash>/<name>``, reading at most ``max_bytes`` + 1 bytes."""
    uploads_dir.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=uploads_dir, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as target:
            digest = _copy_bounded(source, target, max_bytes)
        destination = uploads_dir / digest[:16] / name
        destination.parent.mkdir(exist_ok=True)
        os.replace(partial, destination)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return destination


def discard_upload(path: Path, uploads_dir: Path) -> None:
    """Delete a saved upload and its hash folder once empty; paths outside ``uploads_dir`` are left alone."""
    if not path.resolve().is_relative_to(uploads_dir.resolve()):
        return
    path.unlink(missing_ok=True)
    if path.parent.resolve() == uploads_dir.resolve():
        return
    try:
        path.parent.rmdir()
    except OSError:
        pass  # not empty: the same content was uploaded under another name


def _copy_bounded(source: BinaryIO, target: BinaryIO, max_bytes: int) -> str:
    digest = hashlib.sha256()
    size = 0
    while block := source.read(min(_READ_BYTES, max_bytes + 1 - size)):
        size += len(block)
        if size > max_bytes:
            raise UploadTooLargeError(
                f"The upload is over the {max_bytes:,}-byte limit (GOVQA_HTTP__MAX_UPLOAD_BYTES).")
        digest.update(block)
        target.write(block)
    if size == 0:
        raise UploadRejectedError("The uploaded file is empty.")
    return digest.hexdigest()
