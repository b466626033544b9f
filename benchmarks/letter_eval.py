"""Answer quality on the letter questions the reader was not trained on, asked as a user asks them.

    .venv/bin/python benchmarks/letter_eval.py [--all | --unseen | --conversations] [--data-dir DIR] [--show-failures]

``scripts/adapt_reader.py`` reads each held-out question over its answer's chunk and three others of its
letter. This asks the same questions through the whole pipeline instead: the held-out letters of
``retrieval/reader/data/letter_questions.jsonl`` (the fifth ``adapt_reader.py`` holds out, same seed)
are written to a folder, indexed together with ``govqa index``, and their questions scored by
``govqa eval`` (answer, evidence and refusal accuracy; the questions name no section or document).
Nobody tuned anything on these letters, so the figures say how the bot does on letters it has not seen;
``--all`` asks about every letter, the reader's training letters too (not a fair measure of the reader);
``--unseen`` about the 40 letters of ``unseen_letter_questions.jsonl``, which no reader has trained on;
``--conversations`` asks the conversations of ``benchmarks/data/followup_conversations.jsonl`` over all
112 letters: 224 conversations of 2–3 turns (664 questions, 90 of them follow-ups the letter does not
answer), written for govqa by helper sessions that saw no evaluation set (MIT, as the project). Their
letters are the reader's training letters, so the figures measure how a conversation's follow-ups are
taken, not the reader.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS_FILE = ROOT / "benchmarks" / "data" / "followup_conversations.jsonl"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale_eval import GOVQA, run  # noqa: E402

from retrieval.reader import letters as L  # noqa: E402
from retrieval.reader.train import TrainingPlan  # noqa: E402


def write_gold(records: list[dict], folder: Path) -> Path:
    """``folder/letters/<id>.txt`` and ``folder/questions.jsonl`` in the scorer's format; the questions file."""
    (folder / "letters").mkdir(parents=True, exist_ok=True)
    questions = folder / "questions.jsonl"
    with questions.open("w", encoding="utf-8") as out:
        for record in records:
            (folder / "letters" / f"{record['id']}.txt").write_text(record["context"], encoding="utf-8")
            for qa in record["qas"]:
                gold = {"id": qa["id"], "question": qa["question"], "answerable": qa["answer"] is not None}
                if qa["answer"] is not None:
                    gold["expect"] = [[qa["answer"]]]
                out.write(json.dumps(gold, ensure_ascii=False) + "\n")
    return questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=Path, default=L.LETTER_QUESTIONS_FILE)
    parser.add_argument("--all", action="store_true", help="every letter, not only the held-out ones")
    parser.add_argument("--unseen", action="store_true",
                        help=f"every letter of {L.UNSEEN_LETTER_QUESTIONS_FILE.name}, which no reader has trained on")
    parser.add_argument("--conversations", action="store_true",
                        help=f"the follow-up conversations of {CONVERSATIONS_FILE.name}, over every letter")
    parser.add_argument("--data-dir", type=Path, help="the data dir to index into (default: a new temporary one)")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    if args.unseen:
        args.letters, args.all = L.UNSEEN_LETTER_QUESTIONS_FILE, True
    if args.conversations:
        if args.unseen:
            parser.error("--conversations asks about the letter questions file's letters, not the unseen ones")
        args.all = True
    records = [json.loads(line) for line in args.letters.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not args.all:
        plan = TrainingPlan()
        letters = L.read_letters(args.letters, chunk_chars=plan.calibration_chunk_chars)
        _, held = L.split_letters(letters, L.HELD_OUT_LETTERS_SHARE, plan.seed)
        held_ids = {letter.letter_id for letter in held}
        records = [record for record in records if record["id"] in held_ids]
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="govqa-letters-"))
    gold = data_dir.parent / f"{data_dir.name}-gold"
    questions = write_gold(records, gold)
    if args.conversations:
        questions = gold / "conversations.jsonl"
        questions.write_text(CONVERSATIONS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    asked = len(questions.read_text(encoding="utf-8").splitlines())
    print(f"{len(records)} letters, {asked} questions → {gold}")
    run([*GOVQA, "index", str(gold / "letters")], data_dir)
    run([*GOVQA, "eval", str(questions), *(["--show-failures"] if args.show_failures else [])], data_dir)


if __name__ == "__main__":
    main()
