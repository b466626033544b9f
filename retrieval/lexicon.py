"""Words: Chinese segmentation (jieba), English words, stop words and question words."""
from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import re
import sys
import threading
import unicodedata
from functools import cached_property
from pathlib import Path

import jieba

from .jieba_tables import Tables, open_tables, save_tables
from .language import CJK, is_english  # noqa: F401  (is_english: imported from here by most of the package)
from .places import LOCAL_SUFFIXES, division_names, division_prefix, is_local_place_name, is_place_name, place_level
from .values import COUNTING_WORDS

# Words that carry no topic: function words, question words, generic verbs of asking.
STOP_WORDS_ZH = frozenset("""
的 了 是 在 和 与 及 或 等 有 为 对 将 把 被 从 于 以 之 其 这 那 该 此 这份 这个 那个 本 我 我们 你 您 他 她 它
什么 多少 几 几个 几项 几期 哪 哪个 哪些 哪家 哪位 哪天 哪一天 哪里 哪年 谁 怎么 怎么样 怎样 如何 吗 呢 吧 啊 么 一共 共 总共 合计
是否 有没有 请问 请 告诉 一下 目前 现在 已经 已 都 也 还 又 就 而 并 但 个 家 项 期 名 次 位 人 得 地 着 过 一 上 下 中 内
答复 答复函 回复 这封 封 函 份 第几 超过 超 达到 达 约 大约 近 将近 左右 以上 以下 不少 不少于 至少 累计 总计 全市 我市 本市 全区 我区 本区 全县 我县 本县 今年 去年 明年 本年 当年 近年 近年来 截至 截止 截止至 年底 年末
""".split())

# What jieba leaves of an asking phrase once 什么 is dropped (什么时候 → 什么/时候), and the spoken question
# words (啥 for 什么, 为啥 for 为什么, 咋 for 怎么), which jieba keeps as words: no topic in a question.
# Kept out of STOP_WORDS_ZH, which is part of the stored BM25 words' version (a change re-segments every index).
ASKING_REMNANTS_ZH = frozenset({"时候", "为啥", "啥时候", "咋样", "咋", "啥"})

STOP_WORDS_EN = frozenset("""
a an the of to in on at by for from with and or as is are was were be been being do does did have has had
how many much what which who whom whose when where why this that these those it its there their they them he she
his her we our you your i me my can could would should will shall may might please tell give show let know
about into than then
so such any all some total number amount letter reply document
""".split())

SEGMENTATION_REVISION = 1
"""Bump when ``Segmenter.index_terms`` changes in a way its inputs below do not show."""

_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b")
_LATIN = re.compile(r"[a-z0-9]+(?:&[a-z]+)?(?:\.[0-9]+)?%?")
# "基站数是多少" segments as 基站/数是/多少 unless the copula is split off first.
_COPULA_BEFORE_QUESTION = re.compile(r"((?:是|为|有)(?:多少|几|什么|哪))")
# A counting phrase (多少处, 几个) or a year (2017年) ends where the thing counted begins: cut as one text, jieba's
# guesses at unknown words glued them to it ("多少处电排站" → 处电排, "2017年查了多少起酒驾" → 年查, 起酒), and a
# question's ideas were words no letter holds.
_COUNTED_OR_YEAR = re.compile(rf"((?:多少|几)(?:{COUNTING_WORDS}|起|只|头|艘|架|眼|株|棵|根|块|口)|\d{{4}}年)")
_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC's t2s table, the one the reader's DRCD training data was
    converted with); simplified text, Latin and digits stay as they are, one character stays one character."""
    return _t2s().convert(text)


@functools.cache
def _t2s():
    from opencc import OpenCC  # its tables load in about 10 ms, on the first question that needs them

    return OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower-cased Latin; CJK unchanged."""
    return unicodedata.normalize("NFKC", text).lower()


# jieba's noun tags: common, person, place, organisation and other proper nouns, and verbal nouns.
NOUN_TAGS = frozenset({"n", "nr", "ns", "nt", "nz", "vn"})
# jieba's tags for proper names: of places, people and other. Its dictionary knows few towns and villages, and
# its guesses at the rest are tagged as places or, as often, people (石溪镇/nr, 马家洞/nr 村/n, 悦来/nz 镇/n).
PROPER_NAME_TAGS = frozenset({"ns", "nr", "nrfg", "nrt", "nz"})


class Segmenter:
    """A jieba tokenizer of our own (jieba's default is a module global).

    ``cache_file`` is where jieba keeps its parsed dictionary (about 0.75 s to load, 2 s to build); beside
    it, the dictionary and the part-of-speech tags are kept as memory-mapped tries (``jieba_tables``),
    which later processes open in under a millisecond instead of loading either. Unset, jieba's own
    cache in the system temp dir, and no tries.
    """

    def __init__(self, cache_file: Path | None = None, *, memory_mapped: bool = True) -> None:
        """``memory_mapped=False``: jieba's dicts even where the tries are saved, for a process that segments
        a whole corpus (a dict lookup is 10× faster: segmenting 1.5× faster) rather than one question."""
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._tables: Tables | None = None
        self._tables_dir: Path | None = None
        if cache_file is not None:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            self._jieba.cache_file = str(cache_file)
            self._tables_dir = cache_file.parent
            self._tables = open_tables(self._tables_dir, self._jieba) if memory_mapped else None
        if self._tables is not None:
            self._jieba.FREQ, self._jieba.total = self._tables.frequencies, self._tables.total
            self._jieba.initialized = True
        else:
            self._jieba.initialize()

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for (the part-of-speech tagger)."""
        self._tagger  # noqa: B018 - builds the cached property

    @cached_property
    def _tagger(self):
        # Part-of-speech tags (for place names): importing them loads tables (0.3 s), and without the saved
        # tries a second dictionary (0.3–0.7 s), so only when first asked (indexing never needs them).
        if self._tables is not None:
            posseg = _posseg_without_default_tagger()
            tagger = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
            tagger.tokenizer, tagger.word_tag_tab = self._jieba, self._tables.tags
            return tagger
        import jieba.posseg

        tagger = jieba.posseg.POSTokenizer(self._jieba)
        if self._tables_dir is not None:
            save_tables(self._tables_dir, self._jieba, tagger.word_tag_tab)
        return tagger

    @cached_property
    def version(self) -> str:
        """What BM25 words depend on: stop words, jieba and its dictionary, Unicode tables, our revision.

        Stored words of another version are segmented again (``retrieval.term_cache``).
        """
        recipe = "\n".join([
            f"revision {SEGMENTATION_REVISION}", f"jieba {getattr(jieba, '__version__', '?')}",
            f"dictionary {self._jieba.dictionary} {len(self._jieba.FREQ)} {self._jieba.total}",
            f"unicode {unicodedata.unidata_version}", " ".join(sorted(STOP_WORDS_ZH)),
        ])
        return hashlib.sha256(recipe.encode()).hexdigest()[:16]

    def words(self, text: str) -> list[str]:
        """Search-mode words of ``text`` (long words and their parts), normalised, no punctuation."""
        return [w for w in (w.strip() for w in self._jieba.cut_for_search(normalize(text))) if w and not _PUNCT_OR_SPACE.match(w)]

    def index_terms(self, text: str) -> list[str]:
        """Terms for BM25: search-mode words minus stop words."""
        return [w for w in self.words(text) if w not in STOP_WORDS_ZH]

    def content_words(self, text: str) -> list[str]:
        """Topic words of a Chinese question, in order, de-duplicated.

        Runs of single characters jieba could not place are kept together (时长 cut as 时/长).
        """
        text = _COUNTED_OR_YEAR.sub(r"\1 ", _COPULA_BEFORE_QUESTION.sub(r" \1", normalize(text)))
        words = [w.strip() for w in self._jieba.cut(text)]
        seen: dict[str, None] = {}
        for word in _join_single_characters(words):
            if word and not _PUNCT_OR_SPACE.match(word) and word not in STOP_WORDS_ZH and word not in ASKING_REMNANTS_ZH:
                seen.setdefault(word, None)
        return list(seen)

    def nouns(self, text: str) -> list[str]:
        """Words of two or more characters jieba tags as nouns (n, nr, ns, nt, nz, vn: 潜水艇, 枸杞, 张三):
        what a question can name as its topic, where search-mode pieces (天发 of 哪天发的) are not."""
        return [pair.word for pair in self._tagger.cut(normalize(text))
                if len(pair.word) >= 2 and pair.flag in NOUN_TAGS]

    def places(self, text: str) -> list[str]:
        """Place names of two or more characters: words jieba tags ``ns`` that can be places
        (``places.is_place_name``), full names of divisions it tags otherwise (周村区 as a person's), the
        full division name an organisation's name begins with (北京市教委, one word in jieba's dictionary,
        is 北京市's), and towns and villages jieba tags as any proper name (``PROPER_NAME_TAGS``), whole
        (石溪镇/nr) or as a name followed by its rank suffix alone (马家洞/nr 村/n). A common word before a
        suffix (重点/n 村, 支持/v 镇) is no name."""
        found: list[str] = []
        previous = None
        for pair in self._tagger.cut(normalize(text)):
            word = pair.word
            # a name of two or more characters, then a town's or village's suffix alone: that town or village
            after_name = previous is not None and previous.flag in PROPER_NAME_TAGS and len(previous.word) >= 2
            if after_name and word in LOCAL_SUFFIXES:
                if found and found[-1] == previous.word:
                    found.pop()
                found.append(previous.word + word)
            elif len(word) >= 2 and ((pair.flag == "ns" and is_place_name(word)) or word in division_names()
                                     or (pair.flag in PROPER_NAME_TAGS and is_local_place_name(word))):
                found.append(word)
            elif prefix := division_prefix(word):
                found.append(prefix)
            previous = pair
        return found

    def is_place(self, word: str) -> bool:
        """True when ``word`` can be a place (``places.is_place_name``) and jieba reads it as one place name
        or its suffix shows an administrative rank."""
        word = normalize(word)
        tagged = list(self._tagger.cut(word))
        return is_place_name(word) and ((len(tagged) == 1 and tagged[0].flag == "ns") or place_level(word) is not None)

    def people(self, text: str) -> list[str]:
        """Personal names (jieba's ``nr`` tag) and titles of address such as 委员, 代表."""
        found = []
        for pair in self._tagger.cut(normalize(text)):
            # jieba's dictionary tags some districts nr (周村区): a name with a rank suffix is a place
            is_name = pair.flag == "nr" and len(pair.word) >= 2 and place_level(pair.word) is None
            if is_name or pair.word in ("委员", "代表", "提案人", "建议人"):
                found.append(pair.word)
        return found

    def sub_words(self, word: str) -> list[str]:
        """The parts jieba's search mode finds inside a long word (empty for short words)."""
        if len(word) < 3:
            return []
        return [w for w in self._jieba.cut_for_search(word) if w != word and len(w) >= 2]


_POSSEG_IMPORT = threading.Lock()


def _posseg_without_default_tagger():
    """jieba.posseg, imported without reading the whole dictionary for its module-level default tagger
    (``jieba.posseg.dt``, which govqa never uses; 0.3 s of CPU and 48 MB of a cold `govqa ask`) when the saved
    tags are there to be memory-mapped: during the import the default tokenizer reads an empty dictionary.
    govqa never segments with jieba's default tokenizer, so nothing else reads it meanwhile."""
    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    with _POSSEG_IMPORT:
        dictionary = jieba.dt.dictionary
        jieba.dt.dictionary = os.devnull
        try:
            return importlib.import_module("jieba.posseg")
        finally:
            jieba.dt.dictionary = dictionary


def _join_single_characters(words: list[str]) -> list[str]:
    joined: list[str] = []
    run = ""
    for word in words + [""]:
        if len(word) == 1 and CJK.match(word) and word not in STOP_WORDS_ZH:
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    return joined[:-1]


def english_words(text: str) -> list[str]:
    """Lower-cased Latin words and numbers of ``text``; a possessive's 's is no word (Tianmen's → tianmen: "s"
    had been looked up as a word of its own, 作为 and 人民政府 among its renderings)."""
    return [match.group(0) for match in _LATIN.finditer(_POSSESSIVE.sub("", normalize(text)))]
