"""Benchmark the default embedding model: prepare (cold), load, passage throughput, query latency.

Run: ``.venv/bin/python benchmarks/bench_model.py [--passages 256] [--batch 32] [--queries 50] [--threads N]``

On a busy machine torch's default thread count can spin-wait badly; compare with ``--threads 1``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

import numpy as np

from index.embedding_model import DEFAULT_MODEL_DIRNAME, load_embedder, prepare_default_model
from index.settings import DEFAULT_EMBEDDING_MODEL, IndexSettings, Settings
from report import print_table, timed

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "zhongshan-gxj-2022-53.txt"
QUESTIONS = ["中山市有多少个5G基站？", "专项资金支持了哪些企业？", "How many 5G base stations are there?",
             "首席信息官制度如何推广？", "工业互联网标杆示范项目有哪些？"]


def make_passages(count: int, chars: int = 150) -> list[str]:
    """``count`` windows of ``chars`` characters cut from the sample letter."""
    text = "".join(SAMPLE.read_text(encoding="utf-8").split())
    step = max(1, (len(text) - chars) // count)
    return [text[(i * step) % (len(text) - chars):][:chars] for i in range(count)]


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``."""
    return float(np.percentile(np.asarray(values), q))


def run(passage_count: int, batch: int, query_count: int) -> None:
    """Prepare into a fresh temp dir, load, embed; print the results."""
    with tempfile.TemporaryDirectory(prefix="govqa-bench-") as tmp:
        data_dir = Path(tmp)
        prep_s, model_dir = timed(prepare_default_model, data_dir / "models" / DEFAULT_MODEL_DIRNAME)
        size_mb = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1e6
        import sentence_transformers  # noqa: F401  (import time is reported separately from loading)

        settings = Settings(data_dir=data_dir, models_dir=model_dir.parent, embedding_model=DEFAULT_EMBEDDING_MODEL,
                            index=IndexSettings(embed_batch_size=batch))
        load_s, embedder = timed(load_embedder, settings)
        passages = make_passages(passage_count)
        embedder.embed_passages(passages[:batch])  # warm-up
        embed_s, _ = timed(embedder.embed_passages, passages)
        embedder.embed_query(QUESTIONS[0])
        latencies = [timed(embedder.embed_query, QUESTIONS[i % len(QUESTIONS)])[0] * 1000 for i in range(query_count)]
    print_table([
        ("prepare (cold, fresh dir)", f"{prep_s:.2f} s"),
        ("prepared dir size", f"{size_mb:.0f} MB"),
        ("load (SentenceTransformer)", f"{load_s:.2f} s"),
        (f"passages/s ({passage_count} x ~150 chars, batch {batch})", f"{passage_count / embed_s:.1f}"),
        (f"query latency p50 ({query_count} queries)", f"{statistics.median(latencies):.1f} ms"),
        ("query latency p95", f"{percentile(latencies, 95):.1f} ms"),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    run(args.passages, args.batch, args.queries)


if __name__ == "__main__":
    main()
