"""One writing process per data dir: a second one is told who holds it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from index.errors import StoreError
from index.lock import hold_writer_lock

HOLDER = """
import sys, time
from pathlib import Path
from index.lock import hold_writer_lock
hold_writer_lock(Path(sys.argv[1]), who="govqa serve")
print("held", flush=True)
time.sleep(60)
"""


def test_second_writer_process_is_refused_with_the_holders_name(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match=r"govqa serve \(pid \d+\).*POST /v1/documents"):
            hold_writer_lock(tmp_path, who="govqa index")
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_released_when_the_holder_dies(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()  # kill -9: no clean-up code runs
    holder.wait()
    hold_writer_lock(tmp_path, who="govqa index")


def test_the_same_process_may_take_its_own_lock_again(tmp_path):
    hold_writer_lock(tmp_path, who="first")
    hold_writer_lock(tmp_path, who="second")
