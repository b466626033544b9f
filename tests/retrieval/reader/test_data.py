"""Reading-comprehension data: SQuAD files, simplification, splits and no-answer negatives."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from retrieval.reader.data import (Example, read_squad, split_by_article, with_headings, with_named_questions,
                                   with_negatives, without_answer_sentence)


def _squad(path: Path, articles: list[tuple[str, str, list[tuple[str, str]]]]) -> Path:
    data = [{"id": f"a{i}", "title": title, "paragraphs": [{"context": context, "qas": [
        {"id": f"a{i}q{j}", "question": q, "answers": [{"text": a, "answer_start": context.find(a)}]}
        for j, (q, a) in enumerate(qas)]}]} for i, (title, context, qas) in enumerate(articles)]
    path.write_text(json.dumps({"version": "test", "data": data}, ensure_ascii=False), encoding="utf-8")
    return path


def test_traditional_files_become_simplified_with_valid_offsets(tmp_path: Path) -> None:
    path = _squad(tmp_path / "t.json", [("圖書館", "該縣圖書館於1998年開放。館藏圖書約十二萬冊。", [("館藏圖書有多少冊？", "約十二萬冊")])])
    [example] = read_squad(path, simplify=True)
    assert example.context == "该县图书馆于1998年开放。馆藏图书约十二万册。"
    assert example.question == "馆藏图书有多少册？"
    assert example.context[example.answer_start:example.answer_start + len(example.answer_text)] == "约十二万册"
    assert example.title == "图书馆"


def test_a_gold_span_that_does_not_match_its_context_is_repaired_or_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"data": [{"id": "x", "paragraphs": [{"context": "甲乙丙丁。戊己庚。", "qas": [
        {"id": "1", "question": "q1", "answers": [{"text": "戊己", "answer_start": 0}]},
        {"id": "2", "question": "q2", "answers": [{"text": "辛壬", "answer_start": 3}]}]}]}]}), encoding="utf-8")
    examples = read_squad(path)
    assert [(e.qid, e.answer_start) for e in examples] == [("1", 5)]


def test_removing_the_answer_sentence_keeps_the_rest() -> None:
    context = "全县现有普通中学12所。小学共有45所，分布在各乡镇。公办幼儿园8所，民办幼儿园3所。"
    example = Example("q", "a", "小学有多少所？", context, "45所", context.find("45所"))
    assert without_answer_sentence(example) == "全县现有普通中学12所。公办幼儿园8所，民办幼儿园3所。"
    short = Example("q", "a", "小学有多少所？", "小学共有45所。中学2所。", "45所", 4)
    assert without_answer_sentence(short) is None  # too little left to read as a passage


def test_split_keeps_whole_articles_on_one_side() -> None:
    examples = [Example(f"{a}-{q}", f"art{a}", "问", "文" * 30, "文", 0) for a in range(20) for q in range(3)]
    train, held = split_by_article(examples, 0.25, seed=1)
    assert {e.article for e in train}.isdisjoint({e.article for e in held})
    assert len({e.article for e in held}) == 5
    assert split_by_article(examples, 0.25, seed=1) == (train, held)


def test_negatives_never_contain_the_answer_and_are_reproducible() -> None:
    contexts = ["甲地建成公园3个，面积共20公顷。", "乙地新修道路15公里，投资2亿元。", "丙地新增学位800个。"]
    examples = [Example(f"q{i}", "same-article", f"问题{i}", c, c[4:6], 4) for i, c in enumerate(contexts)]
    first = with_negatives(examples, sentence_removed_rate=1.0, other_paragraph_rate=1.0, seed=3)
    assert first == with_negatives(examples, sentence_removed_rate=1.0, other_paragraph_rate=1.0, seed=3)
    negatives = [e for e in first if not e.answerable]
    assert negatives
    by_qid = {e.qid: e for e in examples}
    for negative in negatives:
        original = by_qid[negative.qid.split(":")[0]]
        assert original.answer_text not in negative.context
        assert negative.question == original.question


def _titled(n: int) -> list[Example]:
    context = "该县图书馆于1998年开放。馆藏图书约十二万册。"
    return [Example(f"q{i}", f"a{i}", "馆藏图书有多少册？", context, "约十二万册", context.find("约十二万册"), f"县图书馆{i}")
            for i in range(n)]


def test_named_questions_put_the_title_before_the_question_and_keep_the_answer() -> None:
    examples = _titled(40)
    named = with_named_questions(examples, rate=0.5, seed=2)
    assert named == with_named_questions(examples, rate=0.5, seed=2)
    changed = [(old, new) for old, new in zip(examples, named) if old != new]
    assert 10 < len(changed) < 30
    for old, new in changed:
        assert new.question.endswith(old.question)
        assert old.title in new.question and old.question in new.question
        assert (new.context, new.answer_start, new.answer_text) == (old.context, old.answer_start, old.answer_text)
    english = [Example("e:en", "a", "how many books", "馆藏图书约十二万册。", "约十二万册", 4, "图书馆")]
    assert with_named_questions(english, rate=1.0, seed=2) == english  # English copies are left as they are
    holding = [Example("h", "a", "县图书馆藏书多少？", "馆藏图书约十二万册。", "约十二万册", 4, "县图书馆")]
    assert with_named_questions(holding, rate=1.0, seed=2) == holding


def test_headings_come_first_and_the_answer_moves_with_them() -> None:
    examples = _titled(40) + [Example("n", "a", "问", "没有答案的一段话。", title="某标题")]
    headed = with_headings(examples, rate=1.0, seed=2)
    for old, new in zip(examples, headed):
        assert new.context == f"{old.title}\n{old.context}"
        if old.answerable:
            assert new.context[new.answer_start:new.answer_start + len(new.answer_text)] == old.answer_text
        else:
            assert not new.answerable
    assert with_headings(examples, rate=0.0, seed=2) == examples


@pytest.mark.parametrize("name, at_least", [("english_questions.tsv", 190), ("english_training_questions.tsv", 1800)])
def test_the_written_english_questions_are_english_and_one_per_question(name: str, at_least: int) -> None:
    from retrieval.reader.data import ENGLISH_QUESTIONS_FILE, read_english_questions

    path = ENGLISH_QUESTIONS_FILE.with_name(name)
    written = read_english_questions(path)
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert len(written) == len(rows) >= at_least                 # no question id twice
    assert not any(re.search(r"[\u4e00-\u9fff]", q) for q in written.values())   # no Chinese left in them
    assert all(q.rstrip().endswith("?") for q in written.values())


def test_training_renderings_are_of_other_questions_than_the_held_back_and_calibration_ones() -> None:
    from retrieval.reader.data import ENGLISH_QUESTIONS_FILE, ENGLISH_TRAINING_QUESTIONS_FILE, read_english_questions

    assert not read_english_questions(ENGLISH_QUESTIONS_FILE).keys() & read_english_questions(
        ENGLISH_TRAINING_QUESTIONS_FILE).keys()
