#!/usr/bin/env python3
"""Go on training a trained reader on questions over reply letters, and calibrate it again.

usage: python scripts/adapt_reader.py --examples F [--letters retrieval/reader/data/letter_questions.jsonl]
                                      [--more-letters F ...]
                                      [--start-from retrieval/reader/weights] [--out DIR] [--replay N]
                                      [--set FIELD=VALUE ...] [--threads T] [--device auto|cpu|cuda]

The reader (scripts/train_reader.py) learnt from Wikipedia articles; people ask about letters otherwise.
This goes on from its weights with the training letters' questions, each read over the chunk `govqa index`
cuts that holds its answer and over another chunk of its letter (no answer), mixed with ``--replay`` of the
reading-comprehension training pairs so what was learnt there is kept. The threshold is chosen again on the
calibration split, by the same rule; the held-out letters' questions (a fifth of the letters, none trained
on) are read before and after, each over its answer's chunk and three others of its letter.

``--more-letters F``: another questions file whose letters are split the same way (a fifth held out, same
seed) and joined to ``--letters``' two sides, so that the letters held out of an earlier adaptation stay
held out when more letters come.

``--examples F``: the data stage train_reader.py saved with ``--save-examples`` (replay pairs, held-back
and calibration splits).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import torch  # noqa: E402
from tqdm import tqdm  # noqa: E402

from index.onnx_runtime import load_hf_tokenizer  # noqa: E402
from index.settings import Settings  # noqa: E402
from retrieval.reader import letters as L  # noqa: E402
from retrieval.reader import train as T  # noqa: E402
from retrieval.reader.config import WEIGHTS_DIR  # noqa: E402
from retrieval.reader.model import load_reader, save_trained  # noqa: E402
from retrieval.reader.runtime import default_base_dir, load_default_reader  # noqa: E402
from train_reader import (calibrate, calibration_record, held_back_spans, plan_overrides,  # noqa: E402
                          read_examples, save_calibrated)

# Each answerable training question is also read over one other chunk of its letter, which does not
# answer it: near misses, as the chunks answering reads beside the right one are.
NEGATIVES_PER_QUESTION = 1


def letter_rates(reader, sets, plan, threshold: float, letters) -> dict:
    """How the held-out letters' question sets are answered at ``threshold``, in all and by language."""
    with tqdm(desc="held-out letters", unit="window") as bar:
        readings = T.read_sets(reader.scorer, reader.tokenizer, sets, plan, progress=bar.update)
    english_ids = L.english_question_ids(letters)
    english = [example.qid.split(":")[0] in english_ids for example, _, _ in sets]
    return {"all": T.rates_at(readings, threshold),
            "en": T.rates_at([r for r, e in zip(readings, english) if e], threshold),
            "zh": T.rates_at([r for r, e in zip(readings, english) if not e], threshold)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=Path, required=True, help="train_reader.py --save-examples output")
    parser.add_argument("--letters", type=Path, default=L.LETTER_QUESTIONS_FILE)
    parser.add_argument("--more-letters", type=Path, action="append", default=[],
                        help="another letter questions file, split apart from --letters (e.g. "
                             f"{L.UNSEEN_LETTER_QUESTIONS_FILE.name})")
    parser.add_argument("--start-from", type=Path, default=WEIGHTS_DIR, help="the trained reader to go on from")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--replay", type=int, default=4000, help="reading-comprehension training pairs mixed in")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    plan = dataclasses.replace(T.TrainingPlan(), **plan_overrides(args.set))
    settings = Settings()
    splits = read_examples(args.examples, plan)
    train_letters, held_letters = L.split_letter_files([args.letters, *args.more_letters], L.HELD_OUT_LETTERS_SHARE,
                                                       plan.seed, chunk_chars=plan.calibration_chunk_chars)
    held_sets = L.question_sets(held_letters, plan.seed)
    pairs = L.training_pairs(train_letters, negatives_per_question=NEGATIVES_PER_QUESTION, seed=plan.seed)
    replay = random.Random(plan.seed).sample(splits["train_examples"], min(args.replay, len(splits["train_examples"])))
    print(f"letters: {len(train_letters)} training ({len(pairs)} pairs), {len(held_letters)} held out "
          f"({len(held_sets)} question sets); replayed reading-comprehension pairs: {len(replay)}")

    base_dir = default_base_dir(settings)
    before = load_default_reader(settings.model_copy(update={"reader_dir": args.start_from}))
    held_before = letter_rates(before, held_sets, plan, before.threshold, held_letters)
    print("held-out letters, reader gone on from:", json.dumps(held_before, ensure_ascii=False))

    examples = pairs + replay
    tokenizer = load_hf_tokenizer(base_dir)
    windows, starts, ends = T.training_windows(tokenizer, examples, plan)
    print(f"windows: {len(windows.input_ids)} ({int((starts == 0).sum())} without an answer)")

    torch.manual_seed(plan.seed)
    model, _ = load_reader(base_dir, args.start_from)
    model = model.to(device)
    cache_dir = settings.models_dir.parent / "reader-training"
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_dir / f"letters-{T.plan_fingerprint(plan, examples, base_dir)}.f16"
    with tqdm(total=len(windows.input_ids), desc="lower layers", unit="win") as bar:
        states = T.cache_lower_states(model, windows, cache, progress=bar.update, device=device)
    t0 = time.perf_counter()
    steps = plan.epochs * -(-len(windows.input_ids) // plan.batch_size)
    with tqdm(total=steps, desc="training", unit="step") as bar:
        losses = T.train_top(model, states, windows, starts, ends, plan, device=device, log=tqdm.write,
                             progress=lambda n, loss: (bar.update(n), bar.set_postfix(loss=f"{loss:.3f}")))
    train_s = time.perf_counter() - t0

    save_trained(model, T.reader_config(plan, 0.0, {}, {}, {}), args.out)
    reader = load_default_reader(settings.model_copy(update={"reader_dir": args.out}), tokenizer=tokenizer)
    held_back, held_back_english, held_back_loosened, calibration = (
        splits[k] for k in ("held_back", "held_back_english", "held_back_loosened", "calibration"))
    held_out = held_back_spans(reader, held_back, held_back_english, held_back_loosened, plan)
    threshold, calibrated, held_out["at_threshold"], by_language = calibrate(reader, held_back, calibration, plan)
    held_out["letters"] = {"before": held_before, "after": letter_rates(reader, held_sets, plan, threshold, held_letters)}
    training = {"plan": dataclasses.asdict(plan), "started_from": str(args.start_from),
                "letters": {"file": args.letters.name, "more": [path.name for path in args.more_letters],
                            "training_letters": len(train_letters),
                            "held_out_letters": len(held_letters), "pairs": len(pairs)},
                "replayed_pairs": len(replay), "windows": int(len(windows.input_ids)),
                "epoch_losses": [round(x, 4) for x in losses], "threads": args.threads,
                "seconds": {"train": round(train_s), "total": round(time.perf_counter() - started)}}
    save_calibrated(model, plan, threshold, calibration_record(plan, calibration, calibrated), by_language, held_out,
                    training, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
