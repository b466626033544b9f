"""Training questions reworded away from their answer sentence (paraphrase.py), and the copies training adds."""
from __future__ import annotations

import re

import pytest

from retrieval.reader.data import Example, answer_sentence, is_loosened_copy, with_loosened
from retrieval.reader.paraphrase import QuestionLoosener

CONTEXT = "该馆始建于1958年。2019年，市政府在新区举行了博物馆的开馆仪式，共有3000名市民参加。此后每年举办一次。"


def _example(question: str, answer: str = "3000名") -> Example:
    return Example("q", "a", question, CONTEXT, answer, CONTEXT.index(answer))


def _shared_words(question: str, sentence: str) -> int:
    return sum(1 for i in range(len(question) - 1) if question[i:i + 2] in sentence)


@pytest.fixture(scope="module")
def loosener() -> QuestionLoosener:
    return QuestionLoosener(seed=1)


def test_a_loosened_question_shares_fewer_words_with_its_answer_sentence(loosener: QuestionLoosener) -> None:
    example = _example("2019年市政府举行开馆仪式时有多少名市民参加？")
    sentence = answer_sentence(example)
    loosened = loosener.loosened(example)
    assert loosened and loosened != example.question
    assert _shared_words(loosened, sentence) < _shared_words(example.question, sentence)


def test_numbers_and_question_words_stay(loosener: QuestionLoosener) -> None:
    for _ in range(5):
        loosened = loosener.loosened(_example("2019年市政府举行开馆仪式时有多少名市民参加？"))
        assert loosened and "2019" in loosened and "多少" in loosened


def test_a_question_sharing_no_word_with_its_sentence_gets_no_copy(loosener: QuestionLoosener) -> None:
    assert loosener.loosened(_example("谁写了这首诗？")) is None


def test_the_answer_sentence_is_the_one_holding_the_answer() -> None:
    assert answer_sentence(_example("x", "1958年")) == "该馆始建于1958年。"
    assert "3000名市民" in answer_sentence(_example("x"))


def test_rewording_is_reproducible_for_a_seed() -> None:
    questions = ["2019年市政府举行开馆仪式时有多少名市民参加？", "开馆仪式在哪里举行？"]
    first = [QuestionLoosener(seed=7).loosened(_example(q)) for q in questions]
    assert first == [QuestionLoosener(seed=7).loosened(_example(q)) for q in questions]


def test_with_loosened_copies_a_share_of_the_answerable_examples_only() -> None:
    answerable = [Example(f"q{i}", "a", f"问题{i}", CONTEXT, "3000名", CONTEXT.index("3000名")) for i in range(400)]
    unanswerable = [Example(f"n{i}", "a", f"问题{i}", CONTEXT) for i in range(100)]
    both = with_loosened(answerable + unanswerable, rate=0.25, loosened=lambda e: "改写" + e.question, seed=1)
    copies = [e for e in both if is_loosened_copy(e)]
    assert both[:500] == answerable + unanswerable
    assert 70 <= len(copies) <= 130  # a quarter of the 400, give or take chance
    assert all(c.answerable and c.context == CONTEXT and re.match("改写", c.question) for c in copies)
    assert with_loosened(answerable, rate=0.25, loosened=lambda e: None, seed=1) == answerable
