"""Questions over reply letters, read as answering reads letters: from the chunks `govqa index` cuts.

The public reading-comprehension data is Wikipedia; people's questions about letters are worded
otherwise, and a letter's chunk reads otherwise (a section path, numbered items, figures, a sign-off).
The file read here holds letters with questions people ask of them (JSON lines, one letter a line):

    {"id": "h1-01", "context": "<the letter>",
     "qas": [{"id": "h1-01-q01", "question": "...", "lang": "zh", "answer": "<a substring of the letter>"},
             {"id": "h1-01-q12", "question": "...", "lang": "en", "answer": null}]}

An answer is the first place its text occurs in the letter; ``answer: null`` is a question the letter does
not answer.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from index.chunking import chunk_letter
from index.cleaning import clean_text
from index.structure import parse_letter
from index.types import Chunk

from .data import Example

# Fictional letters in the form of real ones, with 14 questions each (11 answerable, 3 not; Chinese and English
# as people ask), written for govqa by its developers' helper sessions (2026-12-06; MIT, as the project).
LETTER_QUESTIONS_FILE = Path(__file__).resolve().parent / "data" / "letter_questions.jsonl"
# 40 more such letters (agriculture, schools and health, industry and tourism, environment and roads; 560
# questions, 200 not answered), written the same way on 2026-12-07. No reader has been trained on them: they
# measure answers on unseen letters (benchmarks/letter_eval.py --unseen) until a later training takes them in.
UNSEEN_LETTER_QUESTIONS_FILE = LETTER_QUESTIONS_FILE.with_name("unseen_letter_questions.jsonl")
# Chunks a set holds: answering reads the READ_TOP_CHUNKS (4) best-ranked chunks of a question.
PASSAGES_PER_SET = 4
# A fifth of the letters are held out (scripts/adapt_reader.py, benchmarks/letter_eval.py): their questions
# are read before and after training, never trained on.
HELD_OUT_LETTERS_SHARE = 0.2


@dataclass(frozen=True)
class LetterQuestion:
    qid: str
    question: str
    english: bool
    answer: str | None


@dataclass(frozen=True)
class Letter:
    """A letter's chunks as `govqa index` cuts them (``chunk.embed_text`` is what the reader reads), and its questions."""

    letter_id: str
    chunks: tuple[Chunk, ...]
    questions: tuple[LetterQuestion, ...]


def read_letters(path: Path, *, chunk_chars: int) -> list[Letter]:
    """The letters of a questions file, each cut into chunks of at most ``chunk_chars`` characters."""
    letters = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = clean_text(record["context"])
            parsed = parse_letter(text, source_path=record["id"], content_hash=record["id"], doc_id=record["id"])
            questions = tuple(LetterQuestion(qa["id"], qa["question"].strip(), qa.get("lang") == "en", qa.get("answer"))
                              for qa in record["qas"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a letter with questions ({exc})") from exc
        letters.append(Letter(record["id"], tuple(chunk_letter(parsed, max_chars=chunk_chars)), questions))
    return letters


def split_letters(letters: list[Letter], held_out_share: float, seed: int) -> tuple[list[Letter], list[Letter]]:
    """Training and held-out letters: no letter on both sides."""
    order = sorted(letters, key=lambda letter: letter.letter_id)
    random.Random(seed).shuffle(order)
    held = max(1, round(len(order) * held_out_share))
    return order[held:], order[:held]


def split_letter_files(paths: list[Path], held_out_share: float, seed: int, *,
                       chunk_chars: int) -> tuple[list[Letter], list[Letter]]:
    """Training and held-out letters of several questions files, each file split on its own: the letters a
    file holds out stay held out when another file is added."""
    train: list[Letter] = []
    held: list[Letter] = []
    for path in paths:
        these_train, these_held = split_letters(read_letters(path, chunk_chars=chunk_chars), held_out_share, seed)
        train, held = train + these_train, held + these_held
    return train, held


def _answer_in(chunks: tuple[Chunk, ...], answer: str) -> tuple[int, int] | None:
    """(chunk index, start in its embed_text) of the first chunk holding the answer's text."""
    for i, chunk in enumerate(chunks):
        start = chunk.embed_text.find(answer)
        if start >= 0:
            return i, start
    return None


def _located(letter: Letter):
    """Each question with where its answer is, (chunk index, start) or None if it has none; a question whose
    answer no single chunk holds (cut between two) is left out."""
    for q in letter.questions:
        found = _answer_in(letter.chunks, q.answer) if q.answer else None
        if not q.answer or found is not None:
            yield q, found


def _without_answer(letter: Letter, q: LetterQuestion) -> list[str]:
    """The letter's chunks (as read) that do not hold the question's answer."""
    return [c.embed_text for c in letter.chunks if not q.answer or q.answer not in c.embed_text]


def training_pairs(letters: list[Letter], *, negatives_per_question: int, seed: int) -> list[Example]:
    """Each answerable question over the chunk holding its answer, and over ``negatives_per_question``
    other chunks of its letter that do not hold it (no answer); each unanswerable question over as many
    chunks of its letter. A question whose answer no single chunk holds (cut between two) is left out."""
    rng = random.Random(seed)
    pairs = []
    for letter in letters:
        for q, found in _located(letter):
            if found:
                chunk, start = found
                pairs.append(Example(q.qid, letter.letter_id, q.question, letter.chunks[chunk].embed_text, q.answer, start))
            others = _without_answer(letter, q)
            count = negatives_per_question + (0 if found else 1)
            for i, context in enumerate(rng.sample(others, min(count, len(others)))):
                pairs.append(Example(f"{q.qid}:neg{i}", letter.letter_id, q.question, context))
    return pairs


def question_sets(letters: list[Letter], seed: int) -> list[tuple[Example, list[str], bool]]:
    """Each question with the chunks it is read against, as ``train.question_sets`` gives them: the chunk
    holding its answer (first) and others of its letter, PASSAGES_PER_SET in all."""
    rng = random.Random(seed)
    sets = []
    for letter in letters:
        for q, found in _located(letter):
            others = _without_answer(letter, q)
            if found:
                chunk, start = found
                example = Example(q.qid, letter.letter_id, q.question, letter.chunks[chunk].embed_text, q.answer, start)
                contexts = [example.context] + rng.sample(others, min(PASSAGES_PER_SET - 1, len(others)))
            else:
                contexts = rng.sample(others, min(PASSAGES_PER_SET, len(others)))
                example = Example(q.qid, letter.letter_id, q.question, contexts[0] if contexts else "")
            if contexts:
                sets.append((example, contexts, found is not None))
    return sets


def english_question_ids(letters: list[Letter]) -> frozenset[str]:
    """The ids of the letters' English questions (a pair's id is its question's, with ":neg…" after a negative)."""
    return frozenset(q.qid for letter in letters for q in letter.questions if q.english)
