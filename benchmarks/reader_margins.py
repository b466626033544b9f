"""How sure the reader is where it is right: its margins over "no answer" on the calibration split and on letters.

    .venv/bin/python benchmarks/reader_margins.py calibration --examples F [--shaped]
    GOVQA_DATA_DIR=DIR .venv/bin/python benchmarks/reader_margins.py gold ../shared/eval/real-dev/questions.jsonl

``calibration``: the calibration split's question sets (``train.question_sets``, as the threshold is chosen
on them; F from ``scripts/train_reader.py --save-examples F``), read with the shipped reader. ``--shaped``
reads them as answering reads letters: every Chinese question naming its article first
(``data.NAMING_FORMS``), every passage after a heading line (its title). About 17 minutes on 2 cores.

``gold``: every question of a gold file asked of the indexed letters in DIR; of each question's readings,
the best margin among those whose shown clause holds the gold answer (answerable questions), or the best
margin of all (unanswerable ones).

Both print, by question language: the share of answerable questions read right, the quartiles of right
spans' margins, the share of right spans under the threshold, and the share of unanswerable questions whose
best margin reaches it. Measured 2026-12-05 (shipped reader, threshold 1.43): calibration, Chinese right
spans median 12.9, English 7.3; shaped 12.8 and 8.3; real-dev's letters 7.9.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def calibration_readings(examples: Path, shaped: bool) -> list[dict]:
    """One row per calibration question set (``train.read_sets``): its best margin, answerable, right, language."""
    from index.settings import Settings
    from retrieval.reader import train as T
    from retrieval.reader.data import NAMING_FORMS, is_english_copy
    from retrieval.reader.runtime import load_default_reader
    from train_reader import read_examples

    plan = T.TrainingPlan()
    sets = T.question_sets(read_examples(examples, plan)["calibration"], plan)
    if shaped:
        rng = random.Random(plan.seed)
        sets = [(_named(example, rng, NAMING_FORMS) if not is_english_copy(example) else example,
                 [f"{example.title}\n{context}" if example.title else context for context in contexts], answerable)
                for example, contexts, answerable in sets]
    reader = load_default_reader(Settings())
    readings = T.read_sets(reader.scorer, reader.tokenizer, sets, plan)
    return [{"margin": float(margin), "answerable": answerable, "right": right,
             "language": "en" if is_english_copy(example) else "zh"}
            for (margin, answerable, right), (example, _, _) in zip(readings, sets)]


def _named(example, rng: random.Random, forms: tuple[str, ...]):
    """The example with its question naming its article first, as people name a letter."""
    from dataclasses import replace

    if not example.title or example.title in example.question:
        return example
    return replace(example, question=rng.choice(forms).format(title=example.title, question=example.question))


def gold_readings(gold: Path) -> list[dict]:
    """One row per gold question the reader read for, over the index in GOVQA_DATA_DIR."""
    from bot.cli import _indexed_settings
    from retrieval.reader import runtime
    from retrieval.reader.shown import shown_contains
    from retrieval.startup import answer_service

    read: list[tuple[float, str, int, int]] = []
    original = runtime.Reader.read

    def recording(self, question, passages, **options):
        found = original(self, question, passages, **options)
        read.extend((r.margin, p, r.start, r.end) for r, p in zip(found, passages) if r.found)
        return found

    runtime.Reader.read = recording
    service = answer_service(_indexed_settings(), read_only=True, warm_up=False)
    rows = []
    for item in map(json.loads, gold.open(encoding="utf-8")):
        read.clear()
        service.ask(item["question"], session_id=item.get("session"))
        if not read:
            continue  # answered from the letter's header, or nothing retrieved
        language = "en" if item["question"][:1].isascii() else "zh"
        if not item.get("answerable", True):
            rows.append({"margin": max(m for m, *_ in read), "answerable": False, "right": False, "language": language})
            continue
        holding = [m for m, p, s, e in read
                   if all(any(shown_contains(p, s, e, alt) for alt in group) for group in item["expect"])]
        rows.append({"margin": max(holding) if holding else max(m for m, *_ in read), "answerable": True,
                     "right": bool(holding), "language": language})
    return rows


def report(rows: list[dict], threshold: float) -> None:
    for language in sorted({r["language"] for r in rows}):
        mine = [r for r in rows if r["language"] == language]
        answerable = [r for r in mine if r["answerable"]]
        right = sorted(r["margin"] for r in answerable if r["right"])
        negatives = [r["margin"] for r in mine if not r["answerable"]]
        print(f"{language}: {len(answerable)} answerable, {len(right)} read right "
              f"({len(right) / max(1, len(answerable)):.1%})")
        if len(right) >= 2:
            quartiles = statistics.quantiles(right, n=4)
            print(f"  right spans' margins: quartiles {quartiles[0]:.2f} / {quartiles[1]:.2f} / {quartiles[2]:.2f}; "
                  f"{sum(m < threshold for m in right) / len(right):.1%} under the threshold {threshold:.2f}")
        if negatives:
            print(f"  {len(negatives)} unanswerable: best margin median {statistics.median(negatives):.2f}, "
                  f"{sum(m >= threshold for m in negatives) / len(negatives):.1%} at or over the threshold")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    calibration = sub.add_parser("calibration")
    calibration.add_argument("--examples", type=Path, required=True)
    calibration.add_argument("--shaped", action="store_true")
    gold = sub.add_parser("gold")
    gold.add_argument("gold", type=Path)
    args = parser.parse_args()
    from retrieval.reader.config import WEIGHTS_DIR, read_config

    threshold = read_config(WEIGHTS_DIR).answer_threshold
    rows = calibration_readings(args.examples, args.shaped) if args.what == "calibration" else gold_readings(args.gold)
    report(rows, threshold)


if __name__ == "__main__":
    main()
