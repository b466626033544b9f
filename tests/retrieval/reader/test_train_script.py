"""scripts/train_reader.py's pieces: plan overrides, the saved data stage, and a GPU-less device choice."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))

import train_reader  # noqa: E402

from retrieval.reader import train as T  # noqa: E402
from retrieval.reader.data import Example  # noqa: E402


def test_overrides_take_each_fields_type() -> None:
    overrides = train_reader.plan_overrides(["learning_rate=1e-3", "epochs=3", "threshold_per_language=true",
                                             "unanswerable_share=none"])
    assert overrides == {"learning_rate": 1e-3, "epochs": 3, "threshold_per_language": True, "unanswerable_share": None}
    plan = dataclasses.replace(T.TrainingPlan(), **overrides)
    assert isinstance(plan.epochs, int) and plan.learning_rate == 1e-3


@pytest.mark.parametrize("bad", ["no_such_field=1", "epochs", "epochs="])
def test_an_unknown_or_empty_override_stops_with_the_fields_named(bad) -> None:
    with pytest.raises(SystemExit) as stop:
        train_reader.plan_overrides([bad])
    assert "learning_rate" in str(stop.value)


def _splits() -> dict:
    example = Example("q1", "a", "新增多少个泊位？", "今年新增泊位两千三百个。", "两千三百个", 6)
    negative = dataclasses.replace(example, qid="q1-neg", context="明年继续推进。", answer_text="", answer_start=-1)
    return {"counts": {"questions": 1, "train_questions": 1}, "train_examples": [example, negative],
            "held_back": [example], "held_back_english": [], "held_back_loosened": [], "calibration": [example]}


def test_saved_examples_read_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "examples.json.xz"
    plan = T.TrainingPlan()
    train_reader.write_examples(path, _splits(), plan)
    assert train_reader.read_examples(path, plan) == _splits()


def test_examples_saved_under_another_data_plan_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "examples.json.xz"
    train_reader.write_examples(path, _splits(), T.TrainingPlan())
    other = dataclasses.replace(T.TrainingPlan(), english_question_rate=0.5)
    with pytest.raises(SystemExit) as stop:
        train_reader.read_examples(path, other)
    assert "--save-examples" in str(stop.value)
    # a field the data stage does not depend on may differ
    assert train_reader.read_examples(path, dataclasses.replace(T.TrainingPlan(), learning_rate=1e-3))
