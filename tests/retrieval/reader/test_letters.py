"""retrieval.reader.letters: questions over letters, read over the chunks `govqa index` cuts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.reader import letters as L

# An invented letter: a header, an opening, two sections and a sign-off.
LETTER = ("某某县交通运输局\n关于县十七届人大二次会议第12号建议的答复\n张三代表：\n"
          "您提出的《关于修建大河桥的建议》收悉。经认真研究，现答复如下：\n"
          "一、关于大河桥建设\n大河桥全长320米，总投资4500万元，由县交通投资公司负责建设，计划2023年5月开工。\n"
          "二、关于资金\n由于县级财政紧张，我局已积极向省交通厅争取补助资金1200万元。\n"
          "感谢您对交通工作的关心。\n某某县交通运输局\n2022年6月18日\n联系人：李四  联系电话：0771-1234567")
QUESTIONS = [{"id": "t-q1", "question": "大河桥要花多少钱？", "lang": "zh", "answer": "4500万元"},
             {"id": "t-q2", "question": "When will work on the bridge start?", "lang": "en", "answer": "2023年5月"},
             {"id": "t-q3", "question": "大河桥有多宽？", "lang": "zh", "answer": None},
             {"id": "t-q4", "question": "桥叫什么？", "lang": "zh", "answer": "不在信里的话"}]


@pytest.fixture()
def letters(tmp_path: Path) -> list[L.Letter]:
    path = tmp_path / "letters.jsonl"
    lines = [json.dumps({"id": f"t{i}", "context": LETTER, "qas": [dict(q, id=f"t{i}-{q['id']}") for q in QUESTIONS]},
                        ensure_ascii=False) for i in range(5)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return L.read_letters(path, chunk_chars=320)


def test_a_letter_is_cut_as_the_indexer_cuts_it(letters: list[L.Letter]) -> None:
    paths = [chunk.section_path for chunk in letters[0].chunks]
    assert ("一、关于大河桥建设",) in paths and ("二、关于资金",) in paths
    assert [q.english for q in letters[0].questions] == [False, True, False, False]


def test_an_answer_is_read_in_its_chunk_and_a_near_miss_chunk_holds_no_answer(letters: list[L.Letter]) -> None:
    pairs = L.training_pairs(letters[:1], negatives_per_question=1, seed=1)
    answered = [p for p in pairs if p.answerable]
    assert sorted(p.answer_text for p in answered) == ["2023年5月", "4500万元"]
    for pair in answered:
        assert pair.context[pair.answer_start:pair.answer_start + len(pair.answer_text)] == pair.answer_text
        assert "一、关于大河桥建设" in pair.context   # read after its section path, as answering reads a chunk
    negatives = [p for p in pairs if not p.answerable]
    assert all("4500万元" not in p.context for p in negatives if p.qid.startswith("t0-t-q1"))
    assert not any(p.qid.startswith("t0-t-q4") for p in pairs)   # an answer the letter does not hold is left out
    assert len([p for p in negatives if p.qid.startswith("t0-t-q3")]) == 2   # the unanswerable question


def test_a_question_set_reads_the_answers_chunk_first_beside_others_of_its_letter(letters: list[L.Letter]) -> None:
    sets = L.question_sets(letters[:1], seed=1)
    by_id = {example.qid: (example, contexts, answerable) for example, contexts, answerable in sets}
    example, contexts, answerable = by_id["t0-t-q1"]
    assert answerable and "4500万元" in contexts[0] and len(contexts) == L.PASSAGES_PER_SET
    assert not any("4500万元" in c for c in contexts[1:])
    assert by_id["t0-t-q3"][2] is False and "t0-t-q4" not in by_id


def test_held_out_letters_are_not_trained_on(letters: list[L.Letter]) -> None:
    train, held = L.split_letters(letters, 0.2, seed=13)
    assert len(held) == 1 and not {x.letter_id for x in train} & {x.letter_id for x in held}
    assert L.split_letters(letters, 0.2, seed=13) == (train, held)


def test_letters_held_out_of_one_file_stay_held_out_when_another_file_comes(tmp_path: Path) -> None:
    def letters_file(name: str, prefix: str, count: int) -> Path:
        path = tmp_path / name
        path.write_text("".join(json.dumps({"id": f"{prefix}{i}", "context": LETTER, "qas": [
            dict(q, id=f"{prefix}{i}-{q['id']}") for q in QUESTIONS]}, ensure_ascii=False) + "\n"
            for i in range(count)), encoding="utf-8")
        return path

    first, more = letters_file("first.jsonl", "a", 10), letters_file("more.jsonl", "b", 5)
    _, held_before = L.split_letter_files([first], 0.2, 13, chunk_chars=320)
    train, held = L.split_letter_files([first, more], 0.2, 13, chunk_chars=320)
    held_ids = {x.letter_id for x in held}
    assert {x.letter_id for x in held_before} < held_ids            # the first file's two, and one of the new file's
    assert len(held) == 3 and sum(x.letter_id.startswith("b") for x in held) == 1
    assert not held_ids & {x.letter_id for x in train} and len(train) == 12


def test_a_line_that_is_no_letter_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        L.read_letters(path, chunk_chars=320)


def test_the_letter_questions_file_holds_every_answer_it_gives() -> None:
    letters = L.read_letters(L.LETTER_QUESTIONS_FILE, chunk_chars=320)
    questions = [q for letter in letters for q in letter.questions]
    assert len(letters) >= 60 and len(questions) >= 14 * 60
    assert sum(q.english for q in questions) >= len(questions) / 3
    unanswerable = [q for q in questions if q.answer is None]
    assert len(unanswerable) >= len(questions) / 6
    missing = [q.qid for letter in letters for q in letter.questions if q.answer and L._answer_in(letter.chunks, q.answer) is None]
    assert not missing


def test_the_unseen_letters_are_other_letters_that_hold_their_answers() -> None:
    unseen = L.read_letters(L.UNSEEN_LETTER_QUESTIONS_FILE, chunk_chars=320)
    trained = L.read_letters(L.LETTER_QUESTIONS_FILE, chunk_chars=320)
    assert len(unseen) == 40 and not {x.letter_id for x in unseen} & {x.letter_id for x in trained}
    trained_questions = {q.question for letter in trained for q in letter.questions}
    assert not any(q.question in trained_questions for letter in unseen for q in letter.questions)
    assert not [q.qid for letter in unseen for q in letter.questions if q.answer and L._answer_in(letter.chunks, q.answer) is None]


def test_the_follow_up_conversations_hold_their_answers_in_their_letters() -> None:
    # benchmarks/letter_eval.py --conversations asks them over the letter questions file's letters
    path = Path(__file__).parents[3] / "benchmarks" / "data" / "followup_conversations.jsonl"
    turns = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    contexts = {json.loads(line)["id"]: json.loads(line)["context"]
                for line in L.LETTER_QUESTIONS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()}
    sessions: dict[str, list[dict]] = {}
    for turn in turns:
        sessions.setdefault(turn["session"], []).append(turn)
    assert len(sessions) >= 200 and all(2 <= len(t) <= 3 for t in sessions.values())
    assert all(t[0]["answerable"] for t in sessions.values())  # a conversation opens with a question its letter answers
    missing = [(turn["id"], alt) for turn in turns for group in turn.get("expect", []) for alt in group
               if alt not in contexts[turn["letter"]]]
    assert not missing
    assert all(bool(turn.get("expect")) == turn["answerable"] for turn in turns)
