"""Would OpenVINO embed faster than what govqa runs? The default e5-small on torch fp32, OpenVINO fp32
and OpenVINO int8 (NNCF post-training quantisation), side by side on one thread.

    pip install openvino nncf            # not project dependencies: this script only measures
    .venv/bin/python benchmarks/openvino_check.py [--passages 256] [--calibration 300]

Issue 8 quotes OpenVINO int8 at 3x torch with top-5 overlap 0.97, measured on another machine. int8
arithmetic only pays where the CPU has int8 dot products (AVX-512 VNNI, AVX-VNNI, AMX); this prints the
CPU's flags beside the figures so a run says which kind of machine it was. Faithfulness is measured as
benchmarks/runtime.py measures it: min cosine to torch's vectors over passages and queries, and the
overlap of each query's top-5 passages. Needs `govqa model prepare` first.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from runtime import QUESTIONS, passages, top5

ROOT = Path(__file__).resolve().parent.parent
INT8_FLAGS = ("avx512_vnni", "avx_vnni", "amx_int8", "avx512_bf16", "amx_bf16")


def cpu_flags() -> list[str]:
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return []
    return [f for f in ("avx2", "avx512f", *INT8_FLAGS) if f in flags]


def batches(tokenizer, texts: list[str], prefix: str, size: int = 16):
    """(rows of ``texts``, input ids, mask), longest first, each batch cut to its longest text."""
    encoded = [tokenizer.encode(prefix + t).ids[:512] for t in texts]
    order = np.argsort([-len(e) for e in encoded], kind="stable")
    for begin in range(0, len(order), size):
        rows = order[begin:begin + size]
        length = max(len(encoded[i]) for i in rows)
        ids = np.zeros((len(rows), length), np.int64)
        mask = np.zeros((len(rows), length), np.int64)
        for j, i in enumerate(rows):
            ids[j, :len(encoded[i])] = encoded[i]
            mask[j, :len(encoded[i])] = 1
        yield rows, ids, mask


def embed(run, tokenizer, texts: list[str], prefix: str) -> np.ndarray:
    """e5's vectors: mean of the last hidden states over real tokens, normalised."""
    out = np.zeros((len(texts), 384), np.float32)
    for rows, ids, mask in batches(tokenizer, texts, prefix):
        hidden = run(ids, mask)
        weights = mask[..., None].astype(np.float32)
        vectors = (hidden * weights).sum(1) / weights.sum(1)
        out[rows] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--calibration", type=int, default=300, help="passages NNCF calibrates int8 on")
    args = parser.parse_args()
    try:
        import nncf
        import openvino as ov
    except ImportError:
        print("openvino_check: needs `pip install openvino nncf`", file=sys.stderr)
        return 2
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    sys.path.insert(0, str(ROOT))
    from index.embedding_model import DEFAULT_MODEL_DIRNAME
    from index.settings import Settings

    model_dir = Settings().models_dir / DEFAULT_MODEL_DIRNAME
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    torch.set_num_threads(1)
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    texts = passages(args.passages)
    # Calibration passages are cut elsewhere in the same letters, so int8 is not scored on what it was fitted to.
    calibration = passages(args.passages + args.calibration)[args.passages:]

    def torch_run(ids, mask):
        with torch.inference_mode():
            return model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state.numpy()

    core = ov.Core()
    example = {"input_ids": torch.ones(2, 16, dtype=torch.long), "attention_mask": torch.ones(2, 16, dtype=torch.long)}
    fp32 = ov.convert_model(model, example_input=example)
    samples = [{"input_ids": ids, "attention_mask": mask} for _, ids, mask in batches(tokenizer, calibration, "passage: ", 1)]
    int8 = nncf.quantize(fp32, nncf.Dataset(samples), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(samples))

    def openvino_run(ov_model):
        compiled = core.compile_model(ov_model, "CPU", {"INFERENCE_NUM_THREADS": 1, "PERFORMANCE_HINT": "LATENCY"})
        request = compiled.create_infer_request()
        return lambda ids, mask: request.infer({"input_ids": ids, "attention_mask": mask})[compiled.outputs[0]]

    runs = {"torch fp32": torch_run, "openvino fp32": openvino_run(fp32), "openvino int8 (NNCF)": openvino_run(int8)}
    print(f"CPU flags: {' '.join(cpu_flags()) or 'none of interest'}; {len(texts)} passages of 150–300 characters, 1 thread")
    reference = None
    for name, run in runs.items():
        embed(run, tokenizer, texts[:16], "passage: ")  # warm-up
        started = time.perf_counter()
        vectors = embed(run, tokenizer, texts, "passage: ")
        speed = len(texts) / (time.perf_counter() - started)
        queries = embed(run, tokenizer, QUESTIONS, "query: ")
        latencies = []
        for i in range(30):
            started = time.perf_counter()
            embed(run, tokenizer, [QUESTIONS[i % len(QUESTIONS)]], "query: ")
            latencies.append((time.perf_counter() - started) * 1000)
        reference = reference or (speed, vectors, queries)
        cosine = min((vectors * reference[1]).sum(1).min(), (queries * reference[2]).sum(1).min())
        overlap = np.mean([len(a & b) / 5 for a, b in zip(top5(vectors, queries), top5(reference[1], reference[2]))])
        print(f"{name:22} {speed:6.1f} passages/s  ×torch {speed / reference[0]:.2f}  query p50 "
              f"{np.median(latencies):5.1f} ms  min cosine {cosine:.6f}  top-5 overlap {overlap:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
