"""retrieval.crosslingual: English question words → the Chinese words a letter may use, through CC-CEDICT."""
from __future__ import annotations

import pytest

from retrieval.crosslingual import EnglishToChinese, TermGroup


@pytest.fixture(scope="module")
def dictionary() -> EnglishToChinese:
    return EnglishToChinese()  # a few seconds: the whole reverse index


def _groups(dictionary: EnglishToChinese, question: str, **kwargs) -> dict[str, tuple[str, ...]]:
    return {group.source: group.alternatives for group in dictionary.term_groups(question, **kwargs)}


def test_a_phrase_is_looked_up_whole_and_latin_words_stay(dictionary: EnglishToChinese) -> None:
    groups = _groups(dictionary, "How many 5G base stations are there?")
    assert groups["base stations"][0] == "基站"
    assert groups["5g"] == ("5g",)
    assert "base" not in groups and "stations" not in groups  # the longest phrase wins
    assert not {"how", "many", "are", "there"} & set(groups)  # stop words are no ideas


def test_alternatives_are_longest_first(dictionary: EnglishToChinese) -> None:
    for alternatives in _groups(dictionary, "Who recognised the province?").values():
        assert [len(a) for a in alternatives] == sorted((len(a) for a in alternatives), reverse=True)


def test_inflections_and_british_spelling_find_the_same_words(dictionary: EnglishToChinese) -> None:
    assert "认出" in _groups(dictionary, "recognised")["recognised"]
    assert "认出" in _groups(dictionary, "recognized")["recognized"]
    assert any("建" in word for word in _groups(dictionary, "built")["built"])  # built → build


def test_keep_filters_the_alternatives(dictionary: EnglishToChinese) -> None:
    groups = dictionary.term_groups("How many base stations in the city?", keep=lambda word: word == "基站")
    assert groups[0] == TermGroup("base stations", ("基站",))
    assert all(set(group.alternatives) <= {"基站"} or group.alternatives == (group.source,) for group in groups)


def test_a_question_of_stop_words_has_no_ideas(dictionary: EnglishToChinese) -> None:
    assert dictionary.term_groups("what is the number of them?") == []
    assert dictionary.term_groups("") == []
