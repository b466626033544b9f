"""English renderings of Chinese training questions (gloss.py), and the copies training adds."""
from __future__ import annotations

import re

import pytest

from retrieval.reader.data import Example, is_english_copy, with_english
from retrieval.reader.gloss import QuestionGlosser


@pytest.fixture(scope="module")
def glosser() -> QuestionGlosser:
    return QuestionGlosser()


def test_question_words_become_english_question_words(glosser: QuestionGlosser) -> None:
    assert "how many" in glosser.english("全市新建了多少座公园？")
    assert glosser.english("这本书的作者是谁？").endswith("who?")
    assert "why" in glosser.english("为什么不能就地扩建？")


def test_a_rendering_has_no_chinese_left_and_keeps_digits_and_latin(glosser: QuestionGlosser) -> None:
    english = glosser.english("2021年全市建成了多少个5G基站？")
    assert not re.search(r"[\u4e00-\u9fff]", english)
    assert "2021" in english and "G" in english and "base station" in english


def test_particles_are_dropped_and_unknown_names_become_pinyin(glosser: QuestionGlosser) -> None:
    english = glosser.english("张小明新增了几条线路？")
    assert "finish" not in english  # 了 is a particle here, not 了 "to finish"
    assert english.startswith("Zhang")


def test_with_english_adds_copies_over_the_same_context_and_answer() -> None:
    examples = [Example(f"q{i}", "a", f"问题{i}？", "上下文，答案在此。", "答案", 5) for i in range(400)]
    both = with_english(examples, rate=0.25, english=lambda q: "english " + q, seed=1)
    copies = [e for e in both if is_english_copy(e)]
    assert both[:400] == examples
    assert 70 <= len(copies) <= 130  # a quarter, give or take chance
    for copy in copies:
        original = examples[int(copy.qid[1:-3])]
        assert copy.question == "english " + original.question
        assert (copy.context, copy.answer_text, copy.answer_start) == (original.context, "答案", 5)
    assert with_english(examples, rate=0.25, english=str, seed=1) == with_english(examples, rate=0.25, english=str, seed=1)
