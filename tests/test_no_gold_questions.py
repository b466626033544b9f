"""No test asks a question of the gold sets we are judged with (issue 9): a test that does measures
nothing a new letter would."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
EVAL = TESTS.parents[1] / "shared" / "eval"
GOLD_FILES = [EVAL / "dev.jsonl", EVAL / "real-dev" / "questions.jsonl"]


def test_no_test_file_holds_a_gold_question() -> None:
    if not all(path.is_file() for path in GOLD_FILES):
        pytest.skip(f"the gold sets are not at {EVAL}")
    questions = {json.loads(line)["question"] for path in GOLD_FILES
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    found = [(path.relative_to(TESTS), question) for path in TESTS.rglob("*.py")
             for question in questions if question in path.read_text(encoding="utf-8")]
    assert not found, found
