#!/usr/bin/env python3
"""Train several reader plans side by side on one GPU and keep the best weights.

usage: python scripts/device/sweep.py EXAMPLES.json.xz BASE_DIR OUT_DIR [--seconds S]

Each variant is ``scripts/train_reader.py`` with some ``--set`` overrides, run in its own process
(held-back and calibration scored with torch on the GPU). Variants marked ``cpu_feasible`` cost at
most what the shipped plan costs on a 2-core CPU (trained layers × epochs × windows), so their weights
can be reproduced without a GPU; the others are references only. The best feasible variant is the one
that gets most calibration questions right at its own threshold, weighed as the threshold rule weighs
them (TrainingPlan.unanswerable_share), ties going to held-back F1: chosen on the calibration split,
never on the letters' question sets. Its weights are written to OUT_DIR in two halves (the device
tool brings back files of at most 16 MB), with every variant's figures in ``sweep.json`` (and the end
of the log of any that failed); each variant's whole log stays in /tmp/sweep/NAME/train.log.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# name → (overrides, cpu_feasible)
VARIANTS = {
    "shipped-plan": ([], True),
    "lr-1e-3": (["learning_rate=1e-3"], True),
    "lr-2.5e-4": (["learning_rate=2.5e-4"], True),
    "head-lr-1e-3": (["head_learning_rate=1e-3"], True),
    "6-layers-3-epochs": (["trained_layers=6", "epochs=3"], True),
    "no-answer-windows-0.4": (["no_answer_window_share=0.4"], True),
    "ref-8-layers-3-epochs": (["epochs=3"], False),
    "ref-12-layers-2-epochs": (["trained_layers=12"], False),
}


def score(config: dict) -> tuple[float, float]:
    """(weighted calibration accuracy at the variant's own threshold, held-back F1)."""
    calibration = config["calibration"]
    share = calibration.get("unanswerable_share") or 0.0
    accuracy = (1 - share) * calibration["answered_right"] + share * (100 - calibration["false_answer"])
    return round(accuracy, 2), config["held_out"]["f1"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("examples", type=Path)
    parser.add_argument("base_dir", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=int, default=420, help="stop variants still running after this")
    parser.add_argument("--only", default="", help="comma-separated variant names")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path("/tmp/sweep")
    chosen = [v for v in args.only.split(",") if v] or list(VARIANTS)
    procs = {}
    started = time.time()
    for name in chosen:
        overrides, _ = VARIANTS[name]
        command = [sys.executable, str(ROOT / "scripts" / "train_reader.py"), "--examples", str(args.examples),
                   "--base-dir", str(args.base_dir), "--eval-runtime", "torch", "--threads", "2",
                   "--out", str(work / name / "weights"), "--cache", str(work / name / "cache")]
        for override in overrides:
            command += ["--set", override]
        (work / name).mkdir(parents=True, exist_ok=True)
        log = open(work / name / "train.log", "w")
        procs[name] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                       env={**os.environ, "TQDM_MININTERVAL": "20"})
    while any(p.poll() is None for p in procs.values()) and time.time() - started < args.seconds:
        time.sleep(5)
    results = {}
    for name, proc in procs.items():
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        config_file = work / name / "weights" / "reader.json"
        config = json.loads(config_file.read_text()) if config_file.exists() else {}
        if proc.returncode != 0 or not config.get("calibration"):
            results[name] = {"failed": proc.returncode, "log_tail": (work / name / "train.log").read_text()[-3000:]}
            continue
        accuracy, f1 = score(config)
        results[name] = {"cpu_feasible": VARIANTS[name][1], "overrides": VARIANTS[name][0],
                         "calibration_accuracy": accuracy, "held_out": config["held_out"],
                         "threshold": config["answer_threshold"], "calibration": config["calibration"],
                         "seconds": config["training"]["seconds"], "epoch_losses": config["training"]["epoch_losses"]}
    feasible = [n for n, r in results.items() if r.get("cpu_feasible")]
    best = max(feasible, key=lambda n: (results[n]["calibration_accuracy"], results[n]["held_out"]["f1"]), default=None)
    (args.out / "sweep.json").write_text(json.dumps({"best": best, "variants": results}, indent=2, ensure_ascii=False))
    if best:
        weights = (work / best / "weights" / "reader.safetensors").read_bytes()
        half = len(weights) // 2
        (args.out / "best.part0").write_bytes(weights[:half])
        (args.out / "best.part1").write_bytes(weights[half:])
        (args.out / "best-reader.json").write_text((work / best / "weights" / "reader.json").read_text())
    print(f"{'variant':26} {'cal.acc':>7} {'EM':>6} {'F1':>6} {'en F1':>6} {'rew F1':>6} {'thr':>6} {'train s':>7}")
    for name, r in results.items():
        if "failed" in r:
            print(f"{name:26} failed ({r['failed']})")
            continue
        h = r["held_out"]
        print(f"{name:26} {r['calibration_accuracy']:7.2f} {h['exact_match']:6.2f} {h['f1']:6.2f} "
              f"{h['english']['f1']:6.2f} {h['reworded']['f1']:6.2f} {r['threshold']:6.2f} {r['seconds']['train']:7}")
    print(f"best feasible: {best}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
