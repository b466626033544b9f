"""Benchmark indexing: prepare the model (cold), load it, index many letters, re-index them unchanged.

Run: ``.venv/bin/python benchmarks/bench_index.py [--copies 20] [--batch 32] [--threads 1]``

The letters are the sample plus tests/data/letters, each copied ``--copies``
times with its numbers and place names varied so every copy has its own hash.
Everything (model, store, registry) lives in a temporary directory.
"""
from __future__ import annotations

import argparse
import importlib
import os
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from index.embedding_model import DEFAULT_MODEL_DIRNAME, load_embedder, prepare_default_model
from index.indexer import Indexer, IndexReport
from index.registry import Registry
from index.settings import DEFAULT_EMBEDDING_MODEL, IndexSettings, Settings
from index.store import ChunkStore
from report import print_table, timed

ROOT = Path(__file__).resolve().parent.parent
LETTERS = [ROOT / "samples" / "zhongshan-gxj-2022-53.txt", *sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))]
PLACES = ["中山", "江门", "佛山", "珠海", "惠州", "肇庆", "清远", "韶关", "河源", "梅州", "汕尾", "阳江"]
# Numbers of two or more digits that are not part of a date: shifting them keeps the letter well formed.
AMOUNT = re.compile(r"(?<![\d.])(\d{2,})(?![\d年月日])")


class TimedEmbedder:
    """The real embedder, adding up the seconds spent embedding."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self.seconds = 0.0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self._embedder.embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - started


def varied(text: str, copy: int) -> str:
    """``text`` with its amounts shifted and its place names rotated, so each copy hashes differently."""
    text = AMOUNT.sub(lambda m: str(int(m.group(1)) + copy), text)
    return text.replace("中山", PLACES[copy % len(PLACES)]) if copy else text


def write_copies(folder: Path, copies: int) -> int:
    """Write ``copies`` varied copies of every letter into ``folder``; returns the number of files."""
    folder.mkdir(parents=True)
    for copy in range(copies):
        for letter in LETTERS:
            text = varied(letter.read_text(encoding="utf-8"), copy)
            (folder / f"{letter.stem}-{copy:03d}.txt").write_text(text, encoding="utf-8")
    return copies * len(LETTERS)


def run(copies: int, batch: int, threads: int) -> None:
    """Prepare, load, index, re-index in a fresh temp dir; print the results."""
    with tempfile.TemporaryDirectory(prefix="govqa-bench-index-") as tmp:
        tmp_dir = Path(tmp)
        prep_s, model_dir = timed(prepare_default_model, tmp_dir / "models" / DEFAULT_MODEL_DIRNAME)
        import_s, _ = timed(importlib.import_module, "sentence_transformers")  # reported apart from loading
        settings = Settings(data_dir=tmp_dir / "data", models_dir=model_dir.parent, embedding_model=DEFAULT_EMBEDDING_MODEL,
                            torch_threads=threads, index=IndexSettings(embed_batch_size=batch))
        load_s, embedder = timed(load_embedder, settings)
        embedder.embed_passages(["预热"] * batch)  # the first call pays one-off costs
        files = write_copies(tmp_dir / "letters", copies)
        timed_embedder = TimedEmbedder(embedder)
        indexer = Indexer(settings, store=ChunkStore.open(settings), registry=Registry(settings.registry_path),
                          embedder=timed_embedder)
        index_s, report = timed(indexer.index_paths, [tmp_dir / "letters"])
        embed_s = timed_embedder.seconds
        reindex_s, again = timed(indexer.index_paths, [tmp_dir / "letters"])
    check(report, again, files)
    chunks = sum(outcome.chunk_count for outcome in report.outcomes)
    print_table([
        ("prepare model (cold, fresh dir)", f"{prep_s:.2f} s"),
        ("import sentence_transformers", f"{import_s:.2f} s"),
        ("load model", f"{load_s:.2f} s"),
        (f"index {files} files ({len(LETTERS)} letters x {copies})", f"{index_s:.2f} s, {chunks} chunks"),
        ("  of which embedding", f"{embed_s:.2f} s ({100 * embed_s / index_s:.0f}%)"),
        ("  throughput", f"{chunks / index_s:.1f} chunks/s, {files / index_s:.2f} files/s"),
        (f"re-index {files} unchanged files", f"{reindex_s:.2f} s ({files / reindex_s:.0f} files/s)"),
    ])


def check(report: IndexReport, again: IndexReport, files: int) -> None:
    """Refuse to print figures for a run that did not do what it claims."""
    if report.count("indexed") != files:
        raise SystemExit(f"expected {files} indexed, got {[(o.path, o.status, o.error) for o in report.outcomes if o.status != 'indexed']}")
    if again.count("unchanged") != files:
        raise SystemExit(f"expected {files} unchanged on re-index, got {again.count('unchanged')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each letter (default 20)")
    parser.add_argument("--batch", type=int, default=32, help="chunks per model call (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as GOVQA_TORCH_THREADS)")
    args = parser.parse_args()
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    run(args.copies, args.batch, args.threads)


if __name__ == "__main__":
    main()
