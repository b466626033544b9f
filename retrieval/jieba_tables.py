"""jieba's dictionary as two memory-mapped tries, so a process segments its first question without
loading the dictionary into Python dicts.

jieba keeps its word frequencies (498k entries with their prefixes) in a dict it unmarshals from a cache
(0.75 s, ~60 MB) and its part-of-speech tags in a second dict read from the dictionary text (0.3–0.7 s,
~40 MB). Here both are saved once as marisa tries (2.1 MB and 1.5 MB) and mapped on open (under 1 ms);
a lookup costs about 1 µs instead of 0.1, so segmenting is about 1.5× slower (0.11 s against 0.07 for
the 20 real-dev letters), which answering never notices and indexing, bound by embedding, hardly does.
The tries hold exactly the dicts' entries (tested: the same words and tags as jieba's own on letters).

Written by hand because jieba has no pluggable dictionary store; it relies on jieba 0.42's attribute
names (``Tokenizer.FREQ``, ``total``, ``initialized``; ``POSTokenizer.word_tag_tab``), which are pinned
by the tests.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import jieba
import marisa_trie

from index.files import write_atomically

TABLES_REVISION = 1
"""Bump when what the files hold changes."""


class Frequencies:
    """The read-only mapping jieba's ``Tokenizer.FREQ`` is used as: word or word prefix → count."""

    __slots__ = ("_trie",)

    def __init__(self, trie: marisa_trie.RecordTrie) -> None:
        self._trie = trie

    def __contains__(self, word: str) -> bool:
        return word in self._trie

    def __getitem__(self, word: str) -> int:
        return self._trie[word][0][0]

    def get(self, word: str, default: int | None = None) -> int | None:
        found = self._trie.get(word)
        return found[0][0] if found else default

    def __len__(self) -> int:
        return len(self._trie)


class Tags:
    """The read-only mapping ``POSTokenizer.word_tag_tab`` is used as: word → part-of-speech tag."""

    __slots__ = ("_trie",)

    def __init__(self, trie: marisa_trie.BytesTrie) -> None:
        self._trie = trie

    def get(self, word: str, default: str | None = None) -> str | None:
        found = self._trie.get(word)
        return found[0].decode("ascii") if found else default

    def __len__(self) -> int:
        return len(self._trie)


@dataclass(frozen=True)
class Tables:
    frequencies: Frequencies
    total: int
    tags: Tags


def tables_key(dictionary: str) -> str:
    """What the saved tables depend on: jieba's version, the dictionary file (path, size, mtime), our revision."""
    stat = os.stat(dictionary)
    recipe = f"{TABLES_REVISION}|{getattr(jieba, '__version__', '?')}|{os.path.abspath(dictionary)}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def dictionary_path(tokenizer: jieba.Tokenizer) -> str:
    """The dictionary file a tokenizer reads (jieba's bundled one unless it was given another)."""
    return tokenizer.dictionary if tokenizer.dictionary != jieba.DEFAULT_DICT else \
        os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


def open_tables(directory: Path, tokenizer: jieba.Tokenizer) -> Tables | None:
    """The saved tables for ``tokenizer``'s dictionary in ``directory``, or None if there are none (or they
    are unreadable). The JSON record is written last, so a half-written pair is never opened."""
    stem = directory / f"jieba-{tables_key(dictionary_path(tokenizer))}"
    try:
        record = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
        frequencies = marisa_trie.RecordTrie("<I").mmap(str(stem.with_suffix(".freq")))
        tags = marisa_trie.BytesTrie().mmap(str(stem.with_suffix(".tags")))
    except (OSError, ValueError, KeyError, RuntimeError):
        return None
    if len(frequencies) != record.get("frequencies") or len(tags) != record.get("tags"):
        return None
    return Tables(Frequencies(frequencies), int(record["total"]), Tags(tags))


def save_tables(directory: Path, tokenizer: jieba.Tokenizer, word_tags: dict[str, str]) -> bool:
    """Save an initialised tokenizer's frequencies and ``word_tags`` (jieba.posseg's table) for
    ``open_tables``; False when ``directory`` cannot be written (the caller keeps its dicts)."""
    stem = directory / f"jieba-{tables_key(dictionary_path(tokenizer))}"
    frequencies = marisa_trie.RecordTrie("<I", ((word, (count,)) for word, count in tokenizer.FREQ.items()))
    tags = marisa_trie.BytesTrie((word, tag.encode("ascii")) for word, tag in word_tags.items())
    record = {"total": tokenizer.total, "frequencies": len(frequencies), "tags": len(tags)}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomically(stem.with_suffix(".freq"), lambda path: frequencies.save(str(path)))
        write_atomically(stem.with_suffix(".tags"), lambda path: tags.save(str(path)))
        write_atomically(stem.with_suffix(".json"), lambda path: path.write_text(json.dumps(record), encoding="utf-8"))
    except OSError:
        return False
    return True
