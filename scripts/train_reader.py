#!/usr/bin/env python3
"""Train the reader shipped in retrieval/reader/weights/ and print its held-back EM/F1 and calibration.

usage: python scripts/train_reader.py [--data ../shared/data/mrc] [--out retrieval/reader/weights]
                                      [--limit N] [--epochs E] [--trained-layers L] [--threads T]

Uses CMRC 2018 trial (simplified) and DRCD dev+test (converted to simplified), split by article into
train / held-back / calibration. Runs on a 2-core CPU in about an hour; a restarted run reuses the
cached lower-layer states. ``--limit`` trains on the first N questions only (a smoke run).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from tqdm import tqdm  # noqa: E402

from index.settings import Settings  # noqa: E402
from retrieval.reader import train as T  # noqa: E402
from retrieval.reader.data import is_english_copy, is_loosened_copy, load_training_examples  # noqa: E402
from retrieval.reader.gloss import QuestionGlosser  # noqa: E402
from retrieval.reader.paraphrase import QuestionLoosener  # noqa: E402
from retrieval.reader.features import span_targets  # noqa: E402
from retrieval.reader.model import SpanReaderModel, load_encoder, save_trained  # noqa: E402
from retrieval.reader.runtime import default_base_dir, load_default_reader, load_tokenizer  # noqa: E402

DATA_FILES = [("cmrc2018_trial.json", False), ("DRCD_dev.json", True), ("DRCD_test.json", True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mrc")
    parser.add_argument("--out", type=Path, default=ROOT / "retrieval" / "reader" / "weights")
    parser.add_argument("--cache", type=Path, default=None, help="where lower-layer states are cached")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions (smoke run)")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--trained-layers", type=int, default=None, help="top encoder layers trained (the rest frozen)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--threshold-per-language", action="store_true", default=None,
                        help="also choose a threshold per question language (see TrainingPlan)")
    parser.add_argument("--calibrate-only", action="store_true",
                        help="keep the trained weights in --out; choose and record the threshold again")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    overrides = {"epochs": args.epochs, "trained_layers": args.trained_layers,
                 "threshold_per_language": args.threshold_per_language}
    plan = dataclasses.replace(T.TrainingPlan(), **{k: v for k, v in overrides.items() if v is not None})
    settings = Settings()
    base_dir = default_base_dir(settings)
    files = [(args.data / name, traditional) for name, traditional in DATA_FILES]
    missing = [str(p) for p, _ in files if not p.is_file()]
    if missing:
        print(f"train_reader: missing data files: {', '.join(missing)}", file=sys.stderr)
        return 2
    examples = load_training_examples(files)
    if args.limit:
        examples = examples[:args.limit]
    train, held_back, calibration = T.split_three(examples, plan)
    glosser = QuestionGlosser()
    loosener = QuestionLoosener(plan.seed)
    held_back_english = T.english_copies(held_back, plan, glosser.english)
    held_back_loosened = T.loosened_copies(held_back, plan, loosener.loosened)
    calibration = (calibration + T.english_copies(calibration, plan, glosser.english)
                   + T.loosened_copies(calibration, plan, loosener.loosened))
    cache_dir = args.cache or settings.models_dir.parent / "reader-training"
    cache_dir.mkdir(parents=True, exist_ok=True)
    if args.calibrate_only:
        return recalibrate(args.out, settings, held_back, held_back_english, held_back_loosened, calibration, plan,
                           cache_dir / "calibration-readings.json")
    train_examples = T.training_examples(train, plan, glosser.english, loosener.loosened)
    print(f"questions: {len(examples)} ({len(train)} train, {len(held_back)} held-back, {len(calibration)} "
          f"calibration); training pairs with negatives: {len(train_examples)}")

    tokenizer = load_tokenizer(base_dir)
    windows = T.windows_for(tokenizer, train_examples, plan, pad_to_max=True)
    spans = [(e.answer_start, e.answer_start + len(e.answer_text)) if e.answerable else None for e in train_examples]
    starts, ends = span_targets(windows, spans)
    windows, starts, ends = T.select_windows(windows, starts, ends, [e.answerable for e in train_examples], plan)
    print(f"windows: {len(windows.input_ids)} ({int((starts == 0).sum())} without an answer)")

    torch.manual_seed(plan.seed)
    model = SpanReaderModel(load_encoder(base_dir), plan.trained_layers)
    cache = cache_dir / f"lower-{T.plan_fingerprint(plan, train_examples, base_dir)}.f16"
    t0 = time.perf_counter()
    with tqdm(total=len(windows.input_ids), desc="lower layers", unit="win") as bar:
        states = T.cache_lower_states(model, windows, cache, progress=bar.update)
    cache_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    steps = plan.epochs * -(-len(windows.input_ids) // plan.batch_size)
    with tqdm(total=steps, desc="training", unit="step") as bar:
        def advance(n, loss):
            bar.update(n)
            bar.set_postfix(loss=f"{loss:.3f}")
        losses = T.train_top(model, states, windows, starts, ends, plan, progress=advance, log=tqdm.write)
    train_s = time.perf_counter() - t0

    # Everything below reads the weights as shipped (fp16 on disk, exported to ONNX as answering runs them).
    provisional = T.reader_config(plan, 0.0, {}, {}, {})
    save_trained(model, provisional, args.out)
    reader = load_default_reader(settings.model_copy(update={"reader_dir": args.out}))

    t0 = time.perf_counter()
    held_out = held_back_spans(reader, held_back, held_back_english, held_back_loosened, plan)
    readings_file = cache_dir / "calibration-readings.json"
    threshold, calibrated, held_out["at_threshold"], by_language = calibrate(reader, held_back, calibration, plan,
                                                                             readings_file)
    eval_s = time.perf_counter() - t0

    training = {"plan": dataclasses.asdict(plan), "questions": len(examples), "train_questions": len(train),
                "train_pairs": len(train_examples), "windows": int(len(windows.input_ids)),
                "epoch_losses": [round(x, 4) for x in losses], "data": [name for name, _ in DATA_FILES],
                "limit": args.limit, "threads": args.threads,
                "seconds": {"cache_lower_layers": round(cache_s), "train": round(train_s),
                            "evaluate_and_calibrate": round(eval_s), "total": round(time.perf_counter() - started)}}
    config = T.reader_config(plan, threshold, calibration_record(plan, calibration, calibrated), held_out, training)
    if plan.threshold_per_language:
        config = dataclasses.replace(config, language_thresholds=by_language)
    save_trained(model, config, args.out)
    print(json.dumps({"held_out": held_out, "calibration": config.calibration, "seconds": training["seconds"]},
                     ensure_ascii=False, indent=2))
    return 0


def held_back_spans(reader, held_back, held_back_english, held_back_loosened, plan) -> dict:
    """EM/F1 on the held-back split's Chinese questions, their English renderings and their reworded copies."""
    with tqdm(desc="held-back EM/F1", unit="window") as bar:
        scores = T.evaluate_spans(reader.scorer, reader.tokenizer, held_back, plan, progress=bar.update)
        scores["english"] = T.evaluate_spans(reader.scorer, reader.tokenizer, held_back_english, plan,
                                             progress=bar.update)
        scores["reworded"] = T.evaluate_spans(reader.scorer, reader.tokenizer, held_back_loosened, plan,
                                              progress=bar.update)
    return scores


def calibrate(reader, held_back, calibration, plan, readings_file: Path | None = None):
    """The threshold by the plan's rule on the calibration split (and per question language), its rates
    there, and on the held-back split. ``readings_file``: where each calibration reading is written."""
    sets = T.question_sets(calibration, plan)
    with tqdm(desc="calibration", unit="window") as bar:
        readings = T.read_sets(reader.scorer, reader.tokenizer, sets, plan, progress=bar.update)
    languages = ["en" if is_english_copy(example) else "zh" for example, _, _ in sets]
    threshold = T.best_accuracy_threshold(readings, plan.unanswerable_share)
    by_language = T.thresholds_by_language(readings, languages, plan.unanswerable_share)
    if readings_file:
        readings_file.write_text(json.dumps([{"margin": m, "answerable": a, "right": r, "language": lang}
                                             for (m, a, r), lang in zip(readings, languages)]) + "\n")
    held_sets = T.question_sets(held_back, plan)
    with tqdm(desc="held-back refusals", unit="window") as bar:
        held_readings = T.read_sets(reader.scorer, reader.tokenizer, held_sets, plan, progress=bar.update)
    rates = T.rates_at(readings, threshold)
    rates["by_language"] = {}
    for language, own in by_language.items():
        subset = [r for r, lang in zip(readings, languages) if lang == language]
        rates["by_language"][language] = {"own_threshold": T.rates_at(subset, own),
                                          "at_threshold": T.rates_at(subset, threshold)}
    return threshold, rates, T.rates_at(held_readings, threshold), by_language


def calibration_record(plan, calibration, calibrated) -> dict:
    english = sum(map(is_english_copy, calibration))
    reworded = sum(map(is_loosened_copy, calibration))
    return {"rule": plan.threshold_rule, "unanswerable_share": plan.unanswerable_share, "right_when": "the clause shown holds the gold answer",
            "passages_per_question": plan.passages_per_question, "chunk_chars": plan.calibration_chunk_chars,
            "questions": len(calibration), "english_questions": english, "reworded_questions": reworded,
            **calibrated}


def recalibrate(weights_dir: Path, settings: Settings, held_back, held_back_english, held_back_loosened,
                calibration, plan, readings_file: Path) -> int:
    """Choose the threshold again for the trained weights in ``weights_dir`` (their held-back EM/F1 stay)."""
    from retrieval.reader.config import read_config

    reader = load_default_reader(settings.model_copy(update={"reader_dir": weights_dir}))
    started = time.perf_counter()
    threshold, calibrated, at_threshold, by_language = calibrate(reader, held_back, calibration, plan, readings_file)
    old = read_config(weights_dir)
    english = T.evaluate_spans(reader.scorer, reader.tokenizer, held_back_english, plan)
    reworded = T.evaluate_spans(reader.scorer, reader.tokenizer, held_back_loosened, plan)
    held_out = {**old.held_out, "english": english, "reworded": reworded, "at_threshold": at_threshold}
    training = {**old.training, "calibrate_seconds": round(time.perf_counter() - started)}
    config = dataclasses.replace(old, answer_threshold=threshold, held_out=held_out, training=training,
                                 calibration=calibration_record(plan, calibration, calibrated),
                                 language_thresholds=by_language if plan.threshold_per_language else {})
    config.save(weights_dir / "reader.json")
    print(json.dumps({"calibration": config.calibration, "held_out_at_threshold": at_threshold},
                     ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
