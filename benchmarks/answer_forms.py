"""The answer-form check (``retrieval.values.ANSWER_FORMS``) measured on the public reading-comprehension data.

    .venv/bin/python benchmarks/answer_forms.py [--examples F]

First, over every question of ``../shared/data/mrc`` (CMRC 2018 trial, DRCD dev and test): of the questions
asking a form (哪一天, 几月, 哪年, 几类, 第几), how many gold answers hold it — what the check would cost if
the reader were always right. Then, with ``--examples F`` (``scripts/train_reader.py --save-examples F``):
the held-back and calibration splits' question sets (articles kept out of training; each answerable question
over its chunk and others of its article, and again with its answer sentence cut out) read by the shipped
reader; of the sets whose question asks a form, at the shipped threshold, how many are answered right,
answered wrong and unanswerable-answered without the check and with it (each passage's best span that holds
the form, as answering reads).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

MRC_DIR = ROOT.parent / "shared" / "data" / "mrc"


def gold_holds() -> None:
    from retrieval.reader.data import read_squad
    from retrieval.values import asked_form, holds_form

    examples = (read_squad(MRC_DIR / "cmrc2018_trial.json")
                + read_squad(MRC_DIR / "DRCD_dev.json", simplify=True)
                + read_squad(MRC_DIR / "DRCD_test.json", simplify=True))
    asked, held, misses = Counter(), Counter(), []
    for e in examples:
        form = asked_form(e.question)
        if form is None:
            continue
        asked[form] += 1
        if holds_form(e.context, e.answer_start, e.answer_start + len(e.answer_text), form):
            held[form] += 1
        else:
            misses.append((form, e.question, e.answer_text))
    print(f"{len(examples)} questions; gold answers holding the form their question asks:")
    for form, n in asked.most_common():
        print(f"  {form}: {held[form]} of {n}")
    for form, question, answer in misses:
        print(f"  miss ({form}): {question} → {answer}")


def reader_effect(examples_file: Path) -> None:
    from index.settings import Settings
    from retrieval.reader import train as T
    from retrieval.reader.data import is_english_copy
    from retrieval.reader.features import encode_windows
    from retrieval.reader.postprocess import best_spans
    from retrieval.reader.runtime import load_default_reader, score_windows
    from retrieval.reader.shown import shown_contains
    from retrieval.values import asked_form, holds_form
    from train_reader import read_examples

    plan = T.TrainingPlan()
    splits = read_examples(examples_file, plan)
    sets = [s for name in ("held_back", "held_back_english", "calibration")
            for s in T.question_sets(splits[name], plan) if asked_form(s[0].question)]
    reader = load_default_reader(Settings())
    questions, passages, owner = [], [], []
    for i, (example, contexts, _) in enumerate(sets):
        for context in contexts:
            questions.append(example.question)
            passages.append(context)
            owner.append(i)
    windows = encode_windows(reader.tokenizer, questions, passages, max_length=plan.max_length, stride=plan.stride,
                             max_question_tokens=plan.max_question_tokens, pad_to_max=True)
    starts, ends = score_windows(reader.scorer, windows, batch_size=32)
    spans = {name: best_spans(windows, starts, ends, pairs=len(questions), max_answer_tokens=plan.max_answer_tokens,
                              accept=accept)
             for name, accept in (("without", None),
                                  ("with", lambda k, s, e: holds_form(passages[k], s, e, asked_form(questions[k]))))}
    outcome = {"without": Counter(), "with": Counter()}
    for i, (example, _, answerable) in enumerate(sets):
        threshold = reader.threshold_for(is_english_copy(example))
        for name in outcome:
            candidates = [(s, passages[k]) for k, s in enumerate(spans[name]) if owner[k] == i and s.start >= 0]
            best = max(candidates, key=lambda c: c[0].margin, default=None)
            if best is None or best[0].margin < threshold:
                outcome[name]["refused" if answerable else "refused (unanswerable)"] += 1
            elif not answerable:
                outcome[name]["answered (unanswerable)"] += 1
            elif shown_contains(best[1], best[0].start, best[0].end, example.answer_text):
                outcome[name]["answered right"] += 1
            else:
                outcome[name]["answered wrong"] += 1
    print(f"{len(sets)} held-back and calibration question sets asking a form, shipped reader at its threshold:")
    for key in ("answered right", "answered wrong", "refused", "answered (unanswerable)", "refused (unanswerable)"):
        print(f"  {key}: {outcome['without'][key]} without the check, {outcome['with'][key]} with it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, help="saved training examples (scripts/train_reader.py --save-examples)")
    args = parser.parse_args()
    gold_holds()
    if args.examples:
        reader_effect(args.examples)


if __name__ == "__main__":
    main()
