"""The reader's shipped files and their config: readable without torch, so answering can check them."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.files import file_sha256
from index.errors import ModelError

WEIGHTS_DIR = Path(__file__).parent / "weights"
WEIGHTS_FILE = "reader.safetensors"
CONFIG_FILE = "reader.json"
RESTORE_HINT = ("Restore it with `git checkout -- retrieval/reader/weights/`, or train it again with "
                "`python scripts/train_reader.py` (about an hour and a half on 2 CPU cores).")


@dataclass(frozen=True)
class ReaderConfig:
    """What the shipped weights were trained with, and what training measured (written by the training script)."""

    trained_layers: int
    max_length: int
    stride: int
    max_question_tokens: int
    max_answer_tokens: int
    # Answer when best span score − no-answer score ≥ this; chosen on the calibration split (see training report).
    answer_threshold: float
    calibration: dict = field(default_factory=dict)
    held_out: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    # Per question language ("zh", "en"), each chosen by the same rule on that language's calibration
    # questions (English renderings read with lower margins); a language missing here uses answer_threshold.
    language_thresholds: dict = field(default_factory=dict)

    def threshold_for(self, english: bool) -> float:
        """The threshold for a question in English or (else) Chinese."""
        return float(self.language_thresholds.get("en" if english else "zh", self.answer_threshold))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "ReaderConfig":
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def read_config(weights_dir: Path) -> ReaderConfig:
    """``weights_dir/reader.json``; raises ModelError naming the file and how to restore it."""
    config_path = Path(weights_dir) / CONFIG_FILE
    if not config_path.is_file():
        raise ModelError(f"The reader file {config_path} is missing. {RESTORE_HINT}")
    try:
        return ReaderConfig.load(config_path)
    except (ValueError, TypeError) as exc:
        raise ModelError(f"The reader file {config_path} is corrupt ({exc}). {RESTORE_HINT}") from exc


def weights_fingerprint(weights_dir: Path, *, remember_in: Path | None = None) -> str:
    """Hash of the trained weights: what an exported reader was built from (``remember_in``: see
    ``index.files.file_sha256``)."""
    path = Path(weights_dir) / WEIGHTS_FILE
    try:
        return file_sha256(path, remember_in=remember_in)
    except OSError as exc:
        raise ModelError(f"The reader file {path} is missing or unreadable ({exc}). {RESTORE_HINT}") from exc
