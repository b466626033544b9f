"""Cut a parsed letter into chunks that follow its section tree and never cut a sentence."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .types import Chunk, Letter, Paragraph, chunk_id_for

# A sentence ends at 。！？； (or ASCII !?;) plus any closing quotes/brackets after it.
SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)】]*")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in ``text``; the spans cover all of it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def pack_sentences(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) spans of ``text`` cut as letters are chunked: whole sentences packed to ``max_chars``."""
    return _pack(split_sentences(text), max_chars, 0)


def chunk_letter(letter: Letter, *, max_chars: int, overlap_sentences: int = 0) -> list[Chunk]:
    """All chunks of ``letter``, in reading order."""
    chunks: list[Chunk] = []
    for path, paragraphs in _sections(letter.paragraphs):
        for start, end in _pack(_sentence_spans(paragraphs), max_chars, overlap_sentences):
            chunks.append(Chunk(
                chunk_id=chunk_id_for(letter.doc_id, len(chunks)),
                doc_id=letter.doc_id,
                display_name=letter.display_name,
                section_path=path,
                text=_joined(letter.text, start, end),
                start=start,
                end=end,
                ordinal=len(chunks),
            ))
    return chunks


def _sections(paragraphs: tuple[Paragraph, ...]) -> Iterator[tuple[tuple[str, ...], list[Paragraph]]]:
    """Runs of consecutive paragraphs sharing one section path."""
    run: list[Paragraph] = []
    for paragraph in paragraphs:
        if run and paragraph.section_path != run[-1].section_path:
            yield run[-1].section_path, run
            run = []
        run.append(paragraph)
    if run:
        yield run[-1].section_path, run


def _sentence_spans(paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """Sentence spans in letter coordinates; a paragraph end always ends a sentence."""
    spans = []
    for paragraph in paragraphs:
        spans += [(paragraph.start + s, paragraph.start + e) for s, e in split_sentences(paragraph.text)]
    return spans


def _pack(spans: list[tuple[int, int]], max_chars: int, overlap: int) -> list[tuple[int, int]]:
    """Group consecutive sentence spans into (start, end) windows of at most ``max_chars``.

    A sentence longer than ``max_chars`` becomes a window of its own.
    """
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1][1] - spans[first][0] <= max_chars:
            last += 1
        windows.append((spans[first][0], spans[last][1]))
        if last + 1 >= len(spans):
            break
        first = max(last + 1 - overlap, first + 1)
    return windows


def _joined(text: str, start: int, end: int) -> str:
    """The letter text of a window, as written, without surrounding whitespace (cleaned text has one
    paragraph per line, so the paragraphs of a window stay on lines of their own)."""
    return text[start:end].strip()
