"""retrieval.romanised: a romanised name in an English question finds the letters' words it spells."""
from __future__ import annotations

import pytest

from retrieval.crosslingual import EnglishToChinese
from retrieval.lexicon import Segmenter
from retrieval.question import QuestionAnalyser
from retrieval.romanised import RomanisedNames, spelt_alike

# Words of invented letters: two towns, a county and words that are no names.
VOCABULARY = ["西樵", "樟木头", "博罗", "伯乐", "公交", "停车场", "镇", "樵", "2021", "ABC"]


def test_a_name_finds_every_word_it_spells_in_pinyin() -> None:
    names = RomanisedNames(VOCABULARY)
    assert names.words_for("Xiqiao") == ("西樵",)
    assert names.words_for("Zhangmutou") == ("樟木头",)
    assert names.words_for("boluo") == ("博罗",)
    assert names.words_for("Bole") == ("伯乐",)


def test_a_name_finds_a_place_the_letters_only_name_with_its_rank_suffix() -> None:
    names = RomanisedNames(["樟木镇", "环县", "龙门县", "城区"])
    assert names.words_for("Zhangmu") == ("樟木镇",)          # the letters have 樟木镇, never 樟木 alone
    assert names.words_for("Longmen") == ("龙门县",)
    assert names.words_for("Cheng") == ()                      # 城区's bare name would be one character
    assert names.words_for("Huan") == ()                       # a one-character name spells nothing alone,
    assert names.words_for("Huan", ("县", "旗")) == ("环县",)    # but with the rank the question gives it does
    assert names.words_for("Huan", ("镇",)) == ()


def test_a_spelled_name_with_its_rank_word_is_a_place_the_letter_must_name(tmp_path) -> None:
    vocabulary = ["樟木镇", "环县", "公交", "线路"]
    analyser = QuestionAnalyser(Segmenter(tmp_path / "jieba.cache"), EnglishToChinese, known=lambda word: word in vocabulary,
                                romanised=RomanisedNames(vocabulary).words_for)
    assert [p.alternatives for p in analyser.analyse("How many bus routes does Zhangmu town run?").places] == [("樟木镇",)]
    assert [p.alternatives for p in analyser.analyse("How many bus routes does Huan county run?").places] == [("环县",)]


def test_words_outside_two_to_four_characters_and_english_words_find_nothing() -> None:
    names = RomanisedNames(VOCABULARY)
    assert names.words_for("Zhen") == () and names.words_for("Qiao") == ()  # single characters are left out
    assert names.words_for("Ministry") == () and names.words_for("") == ()
    assert RomanisedNames([]).words_for("Xiqiao") == ()


@pytest.fixture(scope="module")
def analyser(tmp_path_factory: pytest.TempPathFactory) -> QuestionAnalyser:
    dictionary = EnglishToChinese()
    names = RomanisedNames(VOCABULARY)
    return QuestionAnalyser(Segmenter(tmp_path_factory.mktemp("jieba") / "jieba.cache"), lambda: dictionary,
                            known=lambda word: word in VOCABULARY, romanised=names.words_for)


def test_a_name_the_dictionary_cannot_render_is_searched_by_what_it_spells(analyser: QuestionAnalyser) -> None:
    question = analyser.analyse("How many bus routes does Xiqiao town run?")
    assert "西樵" in question.search_words
    assert question.places == ()  # a word the pinyin spells is a search word, not a place the letter must name


def test_a_spelled_name_with_its_rank_is_a_place_where_the_letters_have_the_two_as_one_word(tmp_path) -> None:
    vocabulary = [*VOCABULARY, "西樵镇"]
    analyser = QuestionAnalyser(Segmenter(tmp_path / "jieba.cache"), EnglishToChinese, known=lambda word: word in vocabulary,
                                romanised=RomanisedNames(vocabulary).words_for)
    assert [p.alternatives for p in analyser.analyse("How many bus routes does Xiqiao town run?").places] == [("西樵镇",)]
    assert analyser.analyse("How many bus routes does Xiqiao run?").places == ()


def test_a_lower_case_word_is_not_read_as_a_name(analyser: QuestionAnalyser) -> None:
    assert "伯乐" not in analyser.analyse("How many bus routes did the city add, bole or not?").search_words


def test_a_persons_name_of_two_capitalised_words_finds_the_name_the_letters_write(tmp_path) -> None:
    vocabulary = [*VOCABULARY, "王世来", "世来"]
    analyser = QuestionAnalyser(Segmenter(tmp_path / "jieba.cache"), EnglishToChinese, known=lambda word: word in vocabulary,
                                romanised=RomanisedNames(vocabulary).words_for)
    question = analyser.analyse("Which bureau answered Wang Shilai's suggestion on bus routes?")
    assert "王世来" in question.search_words
    assert "王世来" not in analyser.analyse("Which bureau answered Shilai Wang's suggestion on bus routes?").search_words


@pytest.mark.parametrize(("name", "place", "alike"), [
    ("Nanning", "南宁市", True), ("Qiqihar", "齐齐哈尔市", True), ("Harbin", "哈尔滨市", True),
    ("Guangxi", "广西壮族自治区", True), ("Guangxi", "港北区", False), ("Nanning", "南安市", False),
    ("New", "新建", False), ("Area", "城区", False), ("Center", "老城区", False), ("Park", "园区", False), ("", "广州", False)])
def test_a_place_is_named_in_english_by_its_pinyin_or_an_old_spelling_close_to_it(name: str, place: str, alike: bool) -> None:
    assert spelt_alike(name, place) is alike
