"""retrieval.question: what a question asks, and which of its names the answer's letter must hold."""
from __future__ import annotations

import pytest

from retrieval.crosslingual import EnglishToChinese
from retrieval.lexicon import Segmenter
from retrieval.question import QuestionAnalyser


@pytest.fixture(scope="module")
def analyser(tmp_path_factory: pytest.TempPathFactory) -> QuestionAnalyser:
    dictionary = EnglishToChinese()  # a few seconds: the whole reverse index
    segmenter = Segmenter(tmp_path_factory.mktemp("jieba") / "jieba.cache")
    return QuestionAnalyser(segmenter, lambda: dictionary, known=lambda word: True)


def test_an_english_place_the_dictionary_renders_must_be_in_the_letter(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("How many hospitals does the plan build in Guangzhou?")
    assert question.english
    assert any("广州" in place.alternatives for place in question.places)


def test_a_romanised_name_the_dictionary_cannot_render_is_no_place_check(analyser: QuestionAnalyser) -> None:
    # A made-up township: nothing in a Chinese letter could match the Latin spelling.
    question = analyser.analyse("How many new bus routes did the Qiaoxiwen township open in Guangzhou?")
    assert all(not all(alt.isascii() for alt in place.alternatives) for place in question.places)
    assert any("广州" in place.alternatives for place in question.places)


def test_a_chinese_place_and_year_are_anchors(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("2021年杭州市新建了多少所学校？")
    assert "2021" in question.years
    assert any("杭州" in place.source for place in question.places)
    assert question.kind == "quantity"
