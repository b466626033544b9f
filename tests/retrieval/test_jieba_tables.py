"""retrieval.jieba_tables: jieba's dictionary as memory-mapped tries, segmenting exactly as jieba's dicts do."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from retrieval import jieba_tables
from retrieval.lexicon import Segmenter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
LETTERS = sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))


@pytest.fixture(scope="module")
def segmenters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Segmenter, Segmenter]:
    """(jieba's own dicts, the saved tries): the first Segmenter of a data dir saves them once its tagger is
    built, the next opens them."""
    cache = tmp_path_factory.mktemp("data") / "jieba.cache"
    first = Segmenter(cache)
    first.warm_up()
    second = Segmenter(cache)
    return first, second


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in [SAMPLE, *LETTERS]]
    return texts + ["沂源县今年新开了哪两条公交线路？", "How many 5G基站 were built in 2022年?", "😀 繁體中文的問題，還有emoji"]


def test_the_first_segmenter_saves_the_tries_and_the_next_opens_them(segmenters) -> None:
    first, second = segmenters
    assert first._tables is None and isinstance(first._jieba.FREQ, dict)
    assert second._tables is not None and isinstance(second._jieba.FREQ, jieba_tables.Frequencies)
    assert len(second._jieba.FREQ) == len(first._jieba.FREQ) > 300_000
    assert second._jieba.total == first._jieba.total
    assert second.version == first.version  # the stored BM25 words stay valid


def test_the_tries_segment_and_tag_exactly_as_jiebas_dicts(segmenters) -> None:
    first, second = segmenters
    for text in _texts():
        assert second.words(text) == first.words(text)
        assert second.content_words(text) == first.content_words(text)
        assert second.places(text) == first.places(text)
        assert second.people(text) == first.people(text)
        assert [(p.word, p.flag) for p in second._tagger.cut(text)] == [(p.word, p.flag) for p in first._tagger.cut(text)]


def test_lookups_answer_as_a_dict_does(segmenters) -> None:
    first, second = segmenters
    frequencies, tags = second._jieba.FREQ, second._tagger.word_tag_tab
    for word in ["基站", "中山", "首席信息官", "首席信", "不是一个词qq"]:
        assert (word in frequencies) == (word in first._jieba.FREQ)
        assert frequencies.get(word) == first._jieba.FREQ.get(word)
        assert tags.get(word, "x") == first._tagger.word_tag_tab.get(word, "x")
    assert frequencies["基站"] == first._jieba.FREQ["基站"]
    with pytest.raises(KeyError):
        frequencies["不是一个词qq"]


def test_half_written_or_damaged_tries_are_not_opened(tmp_path: Path) -> None:
    Segmenter(tmp_path / "jieba.cache").warm_up()
    record = next(tmp_path.glob("jieba-*.json"))
    tokenizer = jieba.Tokenizer()
    assert jieba_tables.open_tables(tmp_path, tokenizer) is not None
    record.unlink()  # the record is written last: without it the pair is half-written
    assert jieba_tables.open_tables(tmp_path, tokenizer) is None
    Segmenter(tmp_path / "jieba.cache").warm_up()
    next(tmp_path.glob("jieba-*.freq")).write_bytes(b"not a trie")
    assert jieba_tables.open_tables(tmp_path, tokenizer) is None
    fallback = Segmenter(tmp_path / "jieba.cache")
    assert fallback._tables is None and "基站" in fallback.words("全市5G基站有多少个")


def test_a_damaged_trie_falls_back_to_jiebas_dicts(tmp_path: Path) -> None:
    Segmenter(tmp_path / "jieba.cache").warm_up()
    next(tmp_path.glob("jieba-*.tags")).write_bytes(b"")
    segmenter = Segmenter(tmp_path / "jieba.cache")
    assert segmenter._tables is None
    assert "基站" in segmenter.words("全市5G基站有多少个")


def test_tries_that_cannot_be_written_leave_jiebas_dicts_in_use(tmp_path: Path) -> None:
    segmenter = Segmenter(tmp_path / "jieba.cache")
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert not jieba_tables.save_tables(blocked / "tables", segmenter._jieba, segmenter._tagger.word_tag_tab)
    assert "基站" in segmenter.words("全市5G基站有多少个")


def test_a_dictionary_change_makes_other_tries(tmp_path: Path) -> None:
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("基站 3 n\n中山 5 ns\n", encoding="utf-8")
    key = jieba_tables.tables_key(str(dictionary))
    os.utime(dictionary, ns=(1, 1))
    assert jieba_tables.tables_key(str(dictionary)) != key


def test_a_new_process_loads_no_dictionary_dict(segmenters, tmp_path_factory: pytest.TempPathFactory) -> None:
    """What the tries are for: a process opening them does not unmarshal jieba's cache."""
    first, _ = segmenters
    cache = Path(first._jieba.cache_file)
    code = (f"import marshal, sys; sys.path.insert(0, {str(ROOT)!r}); loads = []\n"
            "real = marshal.load\n"
            "marshal.load = lambda f: loads.append(f) or real(f)\n"
            "from retrieval.lexicon import Segmenter\n"
            f"s = Segmenter(__import__('pathlib').Path({str(cache)!r})); s.places('周村区的公交')\n"
            "print(len(loads))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_a_corpus_segmenter_keeps_jiebas_dicts_and_the_same_words(segmenters) -> None:
    first, second = segmenters
    corpus = Segmenter(Path(first._jieba.cache_file), memory_mapped=False)
    assert corpus._tables is None and isinstance(corpus._jieba.FREQ, dict)
    for text in _texts():
        assert corpus.index_terms(text) == second.index_terms(text)
    assert corpus.version == second.version


def test_a_tagger_over_saved_tags_does_not_read_the_dictionary_for_jiebas_default_tagger(segmenters, tmp_path) -> None:
    """Importing jieba.posseg builds a default tagger from the whole dictionary (48 MB of a cold ask);
    over the saved tags nothing uses it, so it is built over an empty one, and the default restored."""
    cache = Path(segmenters[1]._tables_dir) / "jieba.cache"
    script = (
        "import jieba, sys\n"
        "from pathlib import Path\n"
        "from retrieval.lexicon import Segmenter\n"
        f"segmenter = Segmenter(Path({str(cache)!r}))\n"
        "print(segmenter.places('周村区和天门市'))\n"
        "import jieba.posseg\n"
        "print(len(jieba.posseg.dt.word_tag_tab), jieba.dt.dictionary == jieba.DEFAULT_DICT)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split("\n")[:2] == ["['周村区', '天门市']", "0 True"], done.stdout + done.stderr
