"""retrieval.crosslingual: English question words → the Chinese words a letter may use, through CC-CEDICT."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval import crosslingual
from retrieval.crosslingual import EnglishToChinese, TermGroup


@pytest.fixture(scope="module")
def cache_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cedict") / "cedict-en-zh.marisa"


@pytest.fixture(scope="module")
def dictionary(cache_file: Path) -> EnglishToChinese:
    return EnglishToChinese(cache_file)  # a few seconds: the whole reverse index, built and kept in cache_file


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


def test_irregular_forms_and_es_plurals_are_looked_up_by_their_lemma(dictionary: EnglishToChinese) -> None:
    assert "校车" in _groups(dictionary, "How many school buses are there?")["school buses"]  # the stemmer: buse
    assert "上升" in _groups(dictionary, "How fast did it rise?")["rise"]
    assert set(_groups(dictionary, "Who came?")["came"]) == set(_groups(dictionary, "Who comes?")["comes"])


def test_a_word_ending_in_ise_is_not_respelled_unless_it_is_british(dictionary: EnglishToChinese) -> None:
    # -ise → -ize had turned enterprise into enterprize, raise into raize: words the dictionary has not
    assert "企业" in _groups(dictionary, "How many enterprises?")["enterprises"]
    assert "提高" in _groups(dictionary, "Did they raise it?")["raise"]


def test_british_spellings_find_what_american_ones_do(dictionary: EnglishToChinese) -> None:
    for british, american in [("kilometres", "kilometers"), ("health centres", "health centers"),
                              ("labour", "labor"), ("revitalisation", "revitalization"), ("km", "kilometers")]:
        assert set(_groups(dictionary, american)[american]) <= set(_groups(dictionary, british)[british])


def test_keep_filters_the_alternatives(dictionary: EnglishToChinese) -> None:
    groups = dictionary.term_groups("How many base stations in the city?", keep=lambda word: word == "基站")
    assert groups[0] == TermGroup("base stations", ("基站",))
    assert all(set(group.alternatives) <= {"基站"} or group.alternatives == (group.source,) for group in groups)


def test_a_question_of_stop_words_has_no_ideas(dictionary: EnglishToChinese) -> None:
    assert dictionary.term_groups("what is the number of them?") == []
    assert dictionary.term_groups("") == []


QUESTIONS = ["How many CIO filings were received?", "Which enterprises were recognised as provincial champions?",
             "How much money did the city spend on rural roads in 2021?"]


def test_the_index_read_back_from_its_cache_answers_as_the_built_one(dictionary: EnglishToChinese, cache_file: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_file.is_file()

    def not_built_again():
        raise AssertionError("the cache was not read")

    monkeypatch.setattr(crosslingual, "_entries", not_built_again)
    read_back = EnglishToChinese(cache_file)
    for question in QUESTIONS:
        assert read_back.term_groups(question) == dictionary.term_groups(question)


def test_a_cache_of_another_version_or_a_corrupt_one_is_built_again(dictionary: EnglishToChinese, cache_file: Path,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import marisa_trie

    stale = tmp_path / "stale.marisa"
    key = json.dumps(crosslingual._index_key()).encode()
    marisa_trie.BytesTrie([(crosslingual._KEY, key)]).save(str(stale))  # right key, nothing else: read back as is
    assert EnglishToChinese(stale).term_groups(QUESTIONS[0])[0].alternatives == ("cio",)
    newer = crosslingual._INDEX_VERSION + 1
    monkeypatch.setattr(crosslingual, "_INDEX_VERSION", newer)
    assert EnglishToChinese(stale).term_groups(QUESTIONS[0]) == dictionary.term_groups(QUESTIONS[0])
    written = marisa_trie.BytesTrie()
    written.load(str(stale))
    assert json.loads(written[crosslingual._KEY][0])[0] == newer  # written again
    stale.write_bytes(b"not a trie")
    assert EnglishToChinese(stale).term_groups(QUESTIONS[0]) == dictionary.term_groups(QUESTIONS[0])


def test_an_unwritable_cache_place_only_means_building_again(dictionary: EnglishToChinese, tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("")
    under_a_file = tmp_path / "a file" / "cedict.marisa"
    assert EnglishToChinese(under_a_file).term_groups(QUESTIONS[0]) == dictionary.term_groups(QUESTIONS[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file"]


def test_the_cache_is_kept_beside_the_models_for_every_data_dir(tmp_path: Path) -> None:
    from index.settings import Settings

    one, other = (Settings(data_dir=tmp_path / name, models_dir=tmp_path / "models") for name in ("one", "other"))
    assert crosslingual.cedict_cache(one) == crosslingual.cedict_cache(other)
    assert crosslingual.cedict_cache(one).parent == tmp_path / "models"


def test_a_possessive_s_is_no_word_of_its_own() -> None:
    from retrieval.lexicon import english_words

    assert english_words("What is Tianmen's plan, and the bureau’s?") == ["what", "is", "tianmen", "plan", "and", "the", "bureau"]
    assert english_words("It's 5G's turn") == ["it", "5g", "turn"]
