"""The reader at query time: which passages answer a question, and where."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from index.embedding_model import DEFAULT_MODEL_DIRNAME, prepare_default_model
from index.errors import ModelError
from index.settings import Settings

from .features import encode_windows
from .model import WEIGHTS_DIR, ReaderConfig, SpanReaderModel, load_reader
from .postprocess import best_spans


@dataclass(frozen=True)
class Reading:
    """The reader's best span in one passage: ``passage[start:end]``, and its margin over "no answer"."""

    passage: int
    start: int
    end: int
    margin: float

    @property
    def found(self) -> bool:
        return self.start >= 0


def default_base_dir(settings: Settings) -> Path:
    """The prepared default e5-small directory (prepared now if it is not yet)."""
    return prepare_default_model(settings.models_dir / DEFAULT_MODEL_DIRNAME)


def load_tokenizer(base_dir: Path):
    """The e5 tokenizer (fast: offsets map tokens back to characters)."""
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True, use_fast=True)
    except Exception as exc:  # OSError/ValueError from transformers: the directory is unusable
        raise ModelError(f"Cannot load the reader's tokenizer at {base_dir}: {exc}. "
                         "Delete that directory and run `govqa model prepare`.") from exc


class Reader:
    """Reads a question against passages and returns the best span of each."""

    def __init__(self, model: SpanReaderModel, tokenizer, config: ReaderConfig) -> None:
        self._model = model
        self._tokenizer = tokenizer
        self.config = config

    @property
    def threshold(self) -> float:
        """Margin at which a span is an answer (chosen on the calibration split at training time)."""
        return self.config.answer_threshold

    def read(self, question: str, passages: list[str]) -> list[Reading]:
        """One Reading per passage, in the passages' order."""
        if not passages:
            return []
        config = self.config
        windows = encode_windows(self._tokenizer, [question] * len(passages), passages,
                                 max_length=config.max_length, stride=config.stride,
                                 max_question_tokens=config.max_question_tokens)
        with torch.inference_mode():
            start, end = self._model(torch.from_numpy(windows.input_ids), torch.from_numpy(windows.attention_mask))
        spans = best_spans(windows, start.numpy(), end.numpy(), pairs=len(passages),
                           max_answer_tokens=config.max_answer_tokens)
        return [Reading(s.pair, s.start, s.end, s.margin if s.start >= 0 else -np.inf) for s in spans]


def load_default_reader(settings: Settings) -> Reader:
    """The reader (shipped, or ``settings.reader_dir``) on the prepared e5-small encoder; raises ModelError."""
    base_dir = default_base_dir(settings)
    model, config = load_reader(base_dir, settings.reader_dir or WEIGHTS_DIR)
    return Reader(model, load_tokenizer(base_dir), config)
