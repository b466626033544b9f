"""The shipped reader: it loads, it reads spans, and a missing or broken file says how to restore it."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.errors import ModelError
from retrieval.reader.features import encode_windows
from retrieval.reader.model import CONFIG_FILE, WEIGHTS_DIR, WEIGHTS_FILE, load_reader


def test_padding_does_not_change_the_logits(reader) -> None:
    def windows(questions, passages):
        return encode_windows(reader.tokenizer, questions, passages, max_length=64, stride=16, max_question_tokens=16)

    one = windows(["几个？"], ["共有三个。"])
    two = windows(["几个？", "这里说了很长的一段话吗？"], ["共有三个。", "这是一段更长的文字，用来让第一行被补齐。"])
    assert two.input_ids.shape[1] > one.input_ids.shape[1]
    alone, _ = reader.scorer(one.input_ids, one.attention_mask)
    padded, _ = reader.scorer(two.input_ids, two.attention_mask)
    n = alone.shape[1]
    np.testing.assert_allclose(alone[0], padded[0, :n], atol=1e-3)


def test_config_records_its_training_and_calibration(reader) -> None:
    config = reader.config
    assert config.held_out["exact_match"] > 0 and config.held_out["f1"] >= config.held_out["exact_match"]
    assert config.calibration["rule"] == "best_accuracy"
    assert config.calibration["threshold"] == pytest.approx(config.answer_threshold, abs=1e-3)
    assert config.calibration["answered_right"] + config.calibration["false_refusal"] + config.calibration["answered_wrong"] == pytest.approx(100, abs=0.1)
    assert config.training["plan"]["trained_layers"] == config.trained_layers


@pytest.mark.parametrize("broken", ["missing-weights", "missing-config", "corrupt-weights", "corrupt-config"])
def test_a_broken_reader_file_is_named_with_the_restore_command(tmp_path: Path, model_dir: Path, broken: str) -> None:
    weights = tmp_path / "weights"
    shutil.copytree(WEIGHTS_DIR, weights)
    target = weights / (WEIGHTS_FILE if "weights" in broken else CONFIG_FILE)
    if broken.startswith("missing"):
        target.unlink()
    else:
        target.write_bytes(b"\x00not a reader file")
    with pytest.raises(ModelError) as failure:
        load_reader(model_dir, weights)
    assert str(target) in str(failure.value) and "train_reader.py" in str(failure.value)
