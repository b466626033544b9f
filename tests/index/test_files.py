"""index.files: files written whole, and digests remembered until the file changes."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from index.files import DIGESTS_FILE, file_sha256


def test_a_digest_is_the_files_sha256_and_is_remembered_across_processes(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"\x01" * 5000)
    remember = tmp_path / "models"
    remember.mkdir()
    assert file_sha256(weights, remember_in=remember) == hashlib.sha256(weights.read_bytes()).hexdigest()
    record = json.loads((remember / DIGESTS_FILE).read_text(encoding="utf-8"))
    entry = record[str(weights.resolve())]
    # What a later process finds is what it returns, without reading the file: planted, it is believed.
    entry["sha256"] = "remembered"
    (remember / DIGESTS_FILE).write_text(json.dumps(record), encoding="utf-8")
    assert file_sha256(weights, remember_in=remember) == "remembered"


def test_a_changed_file_is_hashed_again(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"\x01" * 5000)
    file_sha256(weights, remember_in=tmp_path)
    weights.write_bytes(b"\x02" * 5001)
    os.utime(weights, ns=(1, 2))
    assert file_sha256(weights, remember_in=tmp_path) == hashlib.sha256(b"\x02" * 5001).hexdigest()


def test_digests_that_cannot_be_kept_or_read_only_mean_hashing_again(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"abc")
    (tmp_path / DIGESTS_FILE).write_text("not json", encoding="utf-8")
    assert file_sha256(weights, remember_in=tmp_path) == hashlib.sha256(b"abc").hexdigest()
    missing = tmp_path / "no-such-dir"
    assert file_sha256(weights, remember_in=missing) == hashlib.sha256(b"abc").hexdigest()
