"""The default model on each runtime, side by side in one run: speed, start-up, memory, faithfulness.

    .venv/bin/python benchmarks/runtime.py [--passages 256] [--queries 50]

Each runtime runs in its own subprocess (so start-up and peak RSS are its own): torch fp32
(sentence-transformers), onnxruntime 4-bit (what answering uses) and the same file on OpenVINO (what
indexing uses where the CPU computes bf16), at 1 thread and at one per core, plus the floor: the least any process must do, import onnxruntime and tokenizers, load the
4-bit encoder and embed one query. Faithfulness compares each runtime's vectors with torch's on
the same passages (min cosine, top-5 neighbours of the queries). Needs `govqa model prepare` first.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
LETTERS = ROOT / "tests" / "data" / "letters"
QUESTIONS = ["中山市有多少个5G基站？", "专项资金支持了哪些企业？", "How many 5G base stations are there?",
             "首席信息官制度如何推广？", "工业互联网标杆示范项目有哪些？", "加装电梯补贴多少钱", "农产品交易会签约金额"]


def passages(count: int) -> list[str]:
    """``count`` passages of 150–300 characters cut from the sample and test letters."""
    text = "".join("".join(p.read_text(encoding="utf-8").split()) for p in [SAMPLE, *sorted(LETTERS.glob("*.txt"))])
    out, at = [], 0
    for i in range(count):
        size = 150 + (i * 37) % 151
        out.append(text[at:at + size])
        at = (at + size) % max(1, len(text) - 300)
    return out


def worker(runtime: str, threads: int, count: int, queries: int, out: Path) -> None:
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from index.embedding_model import load_embedder
    from index.settings import Settings

    # "openvino": the same 4-bit ONNX file as "onnx", run by OpenVINO (bf16 where the CPU has it)
    engine = "openvino" if runtime == "openvino" else "onnxruntime"
    settings = Settings(runtime="torch" if runtime == "torch" else "onnx", onnx_engine=engine, onnx_threads=threads,
                        torch_threads=threads)
    embedder = load_embedder(settings)
    first = embedder.embed_query(QUESTIONS[0])
    first_query_s = time.perf_counter() - started
    texts = passages(count)
    embedder.embed_passages(texts[:8])
    t = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    passages_per_s = len(texts) / (time.perf_counter() - t)
    latencies = []
    for i in range(queries):
        t = time.perf_counter()
        embedder.embed_query(QUESTIONS[i % len(QUESTIONS)])
        latencies.append((time.perf_counter() - t) * 1000)
    np.save(out.with_suffix(".passages.npy"), vectors)
    np.save(out.with_suffix(".queries.npy"), np.stack([first] + [embedder.embed_query(q) for q in QUESTIONS[1:]]))
    out.write_text(json.dumps({
        "cold_to_first_query_s": first_query_s, "passages_per_s": passages_per_s,
        "query_p50_ms": float(np.percentile(latencies, 50)), "query_p95_ms": float(np.percentile(latencies, 95)),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch_imported": "torch" in sys.modules}))


def floor_worker(out: Path) -> None:
    """The least a process must do to answer: onnxruntime + tokenizers, the 4-bit encoder, one query."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from index.embedding_model import load_onnx_embedder
    from index.settings import Settings

    load_onnx_embedder(Settings()).embed_query(QUESTIONS[0])
    out.write_text(json.dumps({"cold_to_first_query_s": time.perf_counter() - started,
                               "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run_child(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, *args], check=True)
    return time.perf_counter() - started


def top5(passage_vectors: np.ndarray, query_vectors: np.ndarray) -> list[set[int]]:
    return [set(np.argsort(-(passage_vectors @ q))[:5]) for q in query_vectors]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--worker", nargs=4, metavar=("RUNTIME", "THREADS", "PASSAGES", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        runtime, threads, count, out = args.worker
        return worker(runtime, int(threads), int(count), args.queries, Path(out))
    if args.floor:
        return floor_worker(args.floor)

    import tempfile

    cores = os.cpu_count() or 1
    print(f"load average {os.getloadavg()[0]:.1f} on {cores} CPUs; {args.passages} passages of 150–300 characters")
    with tempfile.TemporaryDirectory(prefix="govqa-runtime-") as tmp:
        rows = []
        for runtime, threads in [("torch", 1), ("onnx", 1), ("openvino", 1), ("torch", cores), ("onnx", cores),
                                 ("openvino", cores)]:
            out = Path(tmp) / f"{runtime}-{threads}.json"
            wall = run_child(["--worker", runtime, str(threads), str(args.passages), str(out), "--queries", str(args.queries)])
            rows.append((runtime, threads, wall, json.loads(out.read_text()), out))
        floor_path = Path(tmp) / "floor.json"  # last: its files are in the page cache, as for the others
        floor_wall = run_child(["--floor", str(floor_path)])
        floor = json.loads(floor_path.read_text())
        reference = next(r for r in rows if r[0] == "torch")[4]
        ref_p, ref_q = np.load(reference.with_suffix(".passages.npy")), np.load(reference.with_suffix(".queries.npy"))
        head = ["runtime", "threads", "passages/s", "× torch", "query p50 ms", "cold → first query s", "× floor",
                "RSS MB", "min cosine", "top-5 overlap", "torch imported"]
        table = []
        torch_speed = {t: r[3]["passages_per_s"] for r in rows if r[0] == "torch" for t in [r[1]]}
        for runtime, threads, wall, figures, out in rows:
            p, q = np.load(out.with_suffix(".passages.npy")), np.load(out.with_suffix(".queries.npy"))
            cosine = float(min((p * ref_p).sum(1).min(), (q * ref_q).sum(1).min()))
            overlap = float(np.mean([len(a & b) / 5 for a, b in zip(top5(p, q), top5(ref_p, ref_q))]))
            label = {"torch": "torch fp32", "onnx": "onnxruntime 4-bit", "openvino": "OpenVINO 4-bit (bf16)"}[runtime]
            table.append([label, str(threads),
                          f"{figures['passages_per_s']:.1f}", f"{figures['passages_per_s'] / torch_speed[threads]:.2f}",
                          f"{figures['query_p50_ms']:.1f}", f"{figures['cold_to_first_query_s']:.2f}",
                          f"{figures['cold_to_first_query_s'] / floor['cold_to_first_query_s']:.1f}",
                          f"{figures['rss_mb']:.0f}", f"{cosine:.6f}", f"{overlap:.3f}", str(figures["torch_imported"])])
        table.append(["floor (onnx, 1 query)", "1", "—", "—", "—", f"{floor['cold_to_first_query_s']:.2f}", "1.0",
                      f"{floor['rss_mb']:.0f}", "—", "—", "False"])
    widths = [max(len(row[i]) for row in [head, *table]) for i in range(len(head))]
    for row in [head, ["-" * w for w in widths], *table]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    print(f"(floor process wall, interpreter start included: {floor_wall:.2f} s)")


if __name__ == "__main__":
    main()
