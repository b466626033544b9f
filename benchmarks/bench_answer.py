"""Warm answer latency: p50/p95 per question and where the time goes (embed, search, answer), and how many
reader windows a question reads.

    .venv/bin/python benchmarks/bench_answer.py [--letters PATH ...] [--questions gold.jsonl] [--rounds 3]

Indexes the letters into a temporary data dir (the sample letter by default), warms the
service up, then asks every question ``--rounds`` times and prints a table.
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from index.settings import Settings
from retrieval.evaluation import percentile
from retrieval.factory import build_service

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = [
    "截至2021年底，中山市的5G基站有多少个？", "一共收到了多少家企业的首席信息官备案申请？", "每万人拥有5G基站数是多少，在全省排第几？",
    "哪些平台企业已经落户中山开展平台建设？", "答复函的落款日期是哪一天？", "How many CIO filing applications have been received?",
    "广州市有多少个5G基站？", "What will the weather be like tomorrow?", "标杆项目累计获得了多少省专项资金？", "举办了几项数字类技能大赛？",
]


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", nargs="*", type=Path, default=[ROOT / "samples"])
    parser.add_argument("--questions", type=Path, help="JSON lines with a \"question\" field")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="reuse an already indexed data dir")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.questions.open(encoding="utf-8")] if args.questions else DEFAULT_QUESTIONS
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="govqa-bench-"))
    started = time.perf_counter()
    service = build_service(Settings(data_dir=data_dir))
    build_s = time.perf_counter() - started
    if not args.data_dir:
        from index.loaders import iter_input_files
        for path in iter_input_files(args.letters):
            service.add_document(path)
    for question in questions[:3]:
        service.ask(question)  # warm-up
    windows = count_reader_windows()
    stages: dict[str, list[float]] = {}
    per_question: list[tuple[int, float]] = []   # (reader windows, read ms)
    for _ in range(args.rounds):
        for question in questions:
            windows.clear()
            answer = service.ask(question)
            for stage, ms in answer.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
            per_question.append((sum(windows), answer.timings_ms.get("read", 0.0)))
    print(f"documents: {len(service.documents())}   questions: {len(questions)} x {args.rounds}   service build: {build_s:.1f} s")
    print(f"{'stage':<10}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for stage, values in stages.items():
        print(f"{stage:<10}{percentile(values, 50):>10.1f}{percentile(values, 95):>10.1f}{statistics.mean(values):>10.1f}")
    counts = [n for n, _ in per_question]
    print(f"reader windows a question: p50 {percentile(counts, 50):.0f}, p95 {percentile(counts, 95):.0f}, "
          f"mean {statistics.mean(counts):.1f}; read ms a window (median over questions that read): "
          f"{statistics.median([ms / n for n, ms in per_question if n]) if any(counts) else 0:.1f}")


def count_reader_windows() -> list[int]:
    """The windows of every reader call from now on (one entry a call), for the benchmark to read and clear:
    the reader is deep inside the service, so its module's scoring function is wrapped."""
    from retrieval.reader import runtime

    calls: list[int] = []
    score_windows = runtime.score_windows

    def counting(scorer, windows, **options):
        calls.append(int(windows.input_ids.shape[0]))
        return score_windows(scorer, windows, **options)

    runtime.score_windows = counting
    return calls


if __name__ == "__main__":
    main()
