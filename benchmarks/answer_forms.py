"""The answer checks (``retrieval.values``) measured on the public reading-comprehension data.

    .venv/bin/python benchmarks/answer_forms.py [--examples F] [--check NAME ...]

First, over every question of ``../shared/data/mrc`` (CMRC 2018 trial, DRCD dev and test):
- of the questions naming a form (哪一天, 几月, 哪年, 几类, 第几), how many gold answers hold it;
- of the questions asking a figure but none per head, how many gold answers' clauses give it per head
(每万人, 人均); of those asking one per head or per day (每人, 一天), how many give it so (rate);
- of the questions counting something, how many gold figures another figure beside them outdoes in naming
what the question counts (counted);
- of the open questions (why, how, what was done), how many gold answers lie inside a phrase naming a
topic, 关于…问题 (topic);
- of the questions asking what something cost (多少钱, how much did … spend), how many gold answers are no
sum of money (money);
- of the questions counting with a measure word (多少家, 几个), how many gold answers hold no numeral counted with
one (count);
- of the questions asking a place in an order (第几), how many gold places another place in their sentence
outdoes in naming what the question ranks (ranked);
- of the questions asking when a project starts or when it is done (何时开工, 何时建成), how many gold answers'
clauses give the other milestone alone (milestone);
- of the questions asking a figure as things stand (现在, 目前, so far), how many gold answers' clauses give a
plan's target and nothing done (present); of the questions asking a figure and not what was proposed, how
many gold answers' clauses restate a proposal (proposal); of the questions naming a year, how many gold answers'
clauses name only other years (year) — what each check would cost if the reader were always right.

Then, with ``--examples F`` (``scripts/train_reader.py --save-examples F``): the held-back and calibration
splits' question sets (articles kept out of training; each answerable question over its chunk and others of
its article, and again with its answer sentence cut out) read by the shipped reader. For the sets each check
applies to, at the shipped threshold: answered right, answered wrong and unanswerable-answered without the
check and with it (each passage's best span that passes, as answering reads).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

MRC_DIR = ROOT.parent / "shared" / "data" / "mrc"
# A question asking for a figure, as answering's "quantity" kind reads one (retrieval.question).
_ASKS_FIGURE = re.compile(r"多少|几|how many|how much", re.I)
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万亿]")


def _per_unit_applies(question: str) -> bool:
    from retrieval.values import asks_per_unit

    return bool(_ASKS_FIGURE.search(question)) and not asks_per_unit(question)


@lru_cache(maxsize=1)
def _analyser():
    """Questions analysed as answering analyses them (jieba's words; CC-CEDICT's for English), every
    dictionary word kept."""
    from index.settings import Settings
    from retrieval.crosslingual import EnglishToChinese, cedict_cache
    from retrieval.lexicon import Segmenter
    from retrieval.question import QuestionAnalyser

    settings = Settings()
    dictionary = EnglishToChinese(cedict_cache(settings))
    return QuestionAnalyser(Segmenter(settings.paths.jieba_cache), lambda: dictionary, lambda word: True)


@lru_cache(maxsize=4096)
def _question_words(question: str) -> list[str]:
    from retrieval.extractive import question_words

    return question_words(_analyser().analyse(question))


def checks() -> dict[str, tuple[Callable[[str], bool], Callable[[str, str, int, int], bool]]]:
    """Each check: (whether it applies to a question, whether span ``text[start:end]`` passes it)."""
    from retrieval.extractive import OPEN_QUESTION
    from retrieval.values import (
        COUNT, MAX_FIGURE_SPAN_CHARS, asked_form, asked_measure, asked_milestone, asks_a_figure, asks_a_share, counted_at,
        asked_rate, counted_elsewhere, milestone_missing, holds_form, money_missing, only_shares_at, per_unit_at, rate_given_at, ranked_elsewhere,
        within_topic_phrase, asks_the_present, planned_only_at, asks_about_the_proposal, restates_proposal_at,
        other_years_at, years_in, asks_why, only_restates_proposal_at,
    )

    return {"form": (lambda q: asked_form(q) is not None,
                     lambda q, text, s, e: holds_form(text, s, e, asked_form(q))),
            "per head": (_per_unit_applies, lambda q, text, s, e: not per_unit_at(text, s, e)),
            "rate": (lambda q: asked_rate(q) is not None and asks_a_figure(q),
                     lambda q, text, s, e: rate_given_at(text, s, e, asked_rate(q))),
            "counted": (lambda q: _analyser().analyse(q).kind == "quantity",
                        lambda q, text, s, e: not counted_elsewhere(text, s, e, _question_words(q))),
            "topic": (lambda q: bool(OPEN_QUESTION.search(q)), lambda q, text, s, e: not within_topic_phrase(text, s, e)),
            "money": (lambda q: asked_measure(q) == "money", lambda q, text, s, e: not money_missing(text, s, e)),
            "count": (lambda q: asked_measure(q) == COUNT and _analyser().analyse(q).kind == "quantity",
                      lambda q, text, s, e: counted_at(text, s, e)),
            "figure": (asks_a_figure, lambda q, text, s, e: counted_at(text, s, e)),
            "figure length": (asks_a_figure, lambda q, text, s, e: e - s <= MAX_FIGURE_SPAN_CHARS),
            "share": (lambda q: asks_a_figure(q) and not asks_a_share(q), lambda q, text, s, e: not only_shares_at(text, s, e)),
            "milestone": (lambda q: _analyser().analyse(q).kind == "date" and asked_milestone(q) is not None,
                          lambda q, text, s, e: not milestone_missing(text, s, e, asked_milestone(q))),
            "present": (lambda q: asks_a_figure(q) and asks_the_present(q),
                        lambda q, text, s, e: not planned_only_at(text, s, e)),
            "proposal": (lambda q: asks_a_figure(q) and not asks_about_the_proposal(q),
                         lambda q, text, s, e: not restates_proposal_at(text, s, e)),
            "year": (lambda q: bool(years_in(q)) and asks_a_figure(q) and _analyser().analyse(q).kind != "date",
                     lambda q, text, s, e: not other_years_at(text, s, e, years_in(q))),
            "reason": (asks_why, lambda q, text, s, e: not only_restates_proposal_at(text, s, e)),
            "ranked": (lambda q: asked_form(q) == "rank",
                       lambda q, text, s, e: not ranked_elsewhere(text, s, e, _question_words(q)))}


def gold_holds(names: list[str]) -> None:
    from retrieval.reader.data import read_squad
    from retrieval.values import asked_form

    examples = (read_squad(MRC_DIR / "cmrc2018_trial.json")
                + read_squad(MRC_DIR / "DRCD_dev.json", simplify=True)
                + read_squad(MRC_DIR / "DRCD_test.json", simplify=True))
    print(f"{len(examples)} questions; gold answers passing each check that applies to their question:")
    for name, (applies, passes) in checks().items():
        if name not in names:
            continue
        asked, held, misses = Counter(), Counter(), []
        for e in examples:
            if not applies(e.question) or (name in ("per head", "counted") and not _FIGURE.search(e.answer_text)):
                continue
            kind = asked_form(e.question) if name == "form" else name
            asked[kind] += 1
            if passes(e.question, e.context, e.answer_start, e.answer_start + len(e.answer_text)):
                held[kind] += 1
            else:
                misses.append((kind, e.question, e.answer_text))
        for kind, n in asked.most_common():
            print(f"  {kind}: {held[kind]} of {n}")
        for kind, question, answer in misses:
            print(f"  miss ({kind}): {question} → {answer}")


def reader_effect(examples_file: Path, names: list[str]) -> None:
    from index.settings import Settings
    from retrieval.reader import train as T
    from retrieval.reader.data import is_english_copy
    from retrieval.reader.features import encode_windows
    from retrieval.reader.postprocess import best_spans
    from retrieval.reader.runtime import load_default_reader, score_windows
    from retrieval.reader.shown import shown_contains
    from train_reader import read_examples

    plan = T.TrainingPlan()
    splits = read_examples(examples_file, plan)
    every_set = [s for name in ("held_back", "held_back_english", "calibration") for s in T.question_sets(splits[name], plan)]
    reader = load_default_reader(Settings())
    for name, (applies, passes) in checks().items():
        if name not in names:
            continue
        sets = [s for s in every_set if applies(s[0].question)]
        questions, passages, owner = T.set_pairs(sets)
        windows = encode_windows(reader.tokenizer, questions, passages, max_length=plan.max_length, stride=plan.stride,
                                 max_question_tokens=plan.max_question_tokens, pad_to_max=True)
        starts, ends = score_windows(reader.scorer, windows, batch_size=32)
        spans = {way: best_spans(windows, starts, ends, pairs=len(questions), max_answer_tokens=plan.max_answer_tokens,
                                 accept=accept)
                 for way, accept in (("without", None),
                                     ("with", lambda k, s, e: passes(questions[k], passages[k], s, e)))}
        outcome = {"without": Counter(), "with": Counter()}
        by_set: dict[int, list[int]] = {}
        for k, i in enumerate(owner):
            by_set.setdefault(i, []).append(k)
        for i, (example, _, answerable) in enumerate(sets):
            threshold = reader.threshold_for(is_english_copy(example))
            for way in outcome:
                found = [spans[way][k] for k in by_set[i] if spans[way][k].start >= 0]
                best = max(found, key=lambda s: s.margin, default=None)
                if best is None or best.margin < threshold:
                    outcome[way]["refused" if answerable else "refused (unanswerable)"] += 1
                elif not answerable:
                    outcome[way]["answered (unanswerable)"] += 1
                elif shown_contains(passages[best.pair], best.start, best.end, example.answer_text):
                    outcome[way]["answered right"] += 1
                else:
                    outcome[way]["answered wrong"] += 1
        print(f"{name} check: {len(sets)} held-back and calibration question sets it applies to, shipped reader "
              "at its threshold:")
        for key in ("answered right", "answered wrong", "refused", "answered (unanswerable)", "refused (unanswerable)"):
            print(f"  {key}: {outcome['without'][key]} without the check, {outcome['with'][key]} with it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, help="saved training examples (scripts/train_reader.py --save-examples)")
    parser.add_argument("--check", action="append", choices=sorted(checks()), help="only this check (again for more)")
    args = parser.parse_args()
    names = args.check or list(checks())
    gold_holds(names)
    if args.examples:
        reader_effect(args.examples, names)


if __name__ == "__main__":
    main()
