"""Turn a cleaned reply letter into a ``Letter``: header, body, sign-off and sections.

Input is cleaned text, one paragraph per line. Every non-blank line becomes a
``Paragraph`` whose offsets satisfy ``text[p.start:p.end] == p.text``.

Layout of a letter:

* header (``(HEADER_SECTION,)``): everything before the body — category,
  agency, 文号, 签发人, title, and the salutation "彭诗敏委员：" if there is one;
* body: from the first body-like paragraph (or the one after the salutation);
* sign-off (``(SIGNOFF_SECTION,)``): from the closing formula ("专此答复",
  "特此函复", "此复", "以上答复…") or the trailing agency / date / 联系人 /
  公开方式 / 抄送 lines, whichever comes first, to the end. A thanks line
  ("衷心感谢您对…的关心和支持") right before the sign-off joins it.

Section paths of body paragraphs:

* paragraphs before the first heading (the intro "您提出的《…》收悉…") and all
  body paragraphs of a letter without headings get the empty path ``()``;
  retrieval shows no section for them rather than an invented "正文";
* headings are recognised only at the start of a paragraph, by marker kind
  (``index.patterns.HEADING_MARKERS``: 一、 / （一） / 1. / （1） / ① / 第一章 / 第一节 / 第一条 …). The tree adapts to
  the letter: a marker kind already open closes it and everything below it
  (so "二、" closes "一、" and its "（三）"); a new kind opens a deeper level;
* a heading on a line of its own is the whole line (minus a trailing "："); a
  heading run into its paragraph is the marker plus the text up to the first
  。/：/；/！/？; either is capped at ``MAX_HEADING_CHARS`` (then ending in "…").
  The paragraph itself keeps its full text. The text is kept as written — ASCII "(一)" stays ASCII —
  so a cited section can be found verbatim in the letter.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import NamedTuple

from index.metadata import CATEGORY, extract_metadata, is_signoff_line
from index.patterns import CLOSING, heading_marker, is_label_line, is_salutation
from index.types import HEADER_SECTION, SIGNOFF_SECTION, Letter, LetterMetadata, Paragraph

MAX_HEADING_CHARS = 40
MAX_DISPLAY_CHARS = 40

HEADING_STOP = re.compile(r"[。：:；;！!？?]")
SENTENCE_END = re.compile(r"[。；;！!？?]")

THANKS = re.compile(r"^(?:再次|衷心|最后，?|诚挚)?(?:感谢|谢谢)")
BODY_PUNCTUATION = re.compile(r"[。；;！!]")
BODY_OPENING = re.compile(r"^(?:您|你)|收悉")
LONG_PARAGRAPH_CHARS = 100
LINE = re.compile(r"[^\n]+")


class _Line(NamedTuple):
    text: str
    start: int
    end: int


class Heading(NamedTuple):
    """A heading found at the start of a paragraph."""

    kind: str   # marker kind, e.g. "cn" for 一、, "cn_paren" for （一）
    text: str   # marker plus heading words, e.g. "（三）推广首席信息官制度"


def parse_letter(text: str, *, source_path: str, content_hash: str, doc_id: str) -> Letter:
    """Parse cleaned letter text into paragraphs with section paths, metadata and a name."""
    lines = _split_lines(text)
    texts = [line.text for line in lines]
    body_start = _body_start(texts)
    signoff_start = _signoff_start(texts, body_start)
    paths = [
        *[(HEADER_SECTION,)] * body_start,
        *_section_paths(texts[body_start:signoff_start]),
        *[(SIGNOFF_SECTION,)] * (len(texts) - signoff_start),
    ]
    paragraphs = tuple(Paragraph(line.text, path, line.start, line.end)
                       for line, path in zip(lines, paths))
    metadata = extract_metadata(texts[:body_start], texts[body_start:signoff_start],
                                texts[signoff_start:])
    return Letter(
        doc_id=doc_id, source_path=source_path, content_hash=content_hash,
        display_name=display_name(metadata, text, PurePath(source_path).name),
        text=text, metadata=metadata, paragraphs=paragraphs,
    )


def _split_lines(text: str) -> list[_Line]:
    """Non-blank lines with surrounding whitespace trimmed and exact offsets kept."""
    lines = []
    for match in LINE.finditer(text):
        raw = match.group(0)
        stripped = raw.strip()
        if stripped:
            start = match.start() + len(raw) - len(raw.lstrip())
            lines.append(_Line(stripped, start, start + len(stripped)))
    return lines


def parse_heading(paragraph: str) -> Heading | None:
    """The heading a paragraph starts with, or None.

    "（一）持续加强5G等新型基础设施建设。近年来，…" → Heading("cn_paren",
    "（一）持续加强5G等新型基础设施建设"). Inline "一是…二是…" is not a heading.
    """
    found = heading_marker(paragraph)
    if found is None:
        return None
    kind, match = found
    return Heading(kind, _cap(paragraph[:match.end()] + _heading_words(paragraph[match.end():])))


def _heading_words(rest: str) -> str:
    """The words after a marker: a short heading line is kept whole (minus a
    trailing colon); a heading run into its paragraph ends at the first stop."""
    if len(rest) <= MAX_HEADING_CHARS and not SENTENCE_END.search(rest):
        return rest.rstrip("：: ")
    stop = HEADING_STOP.search(rest)
    return (rest[:stop.start()] if stop else rest).rstrip()


def _cap(heading: str) -> str:
    return heading if len(heading) <= MAX_HEADING_CHARS else heading[:MAX_HEADING_CHARS] + "…"


def _section_paths(body: Sequence[str]) -> list[tuple[str, ...]]:
    """The section path of every body paragraph; a heading paragraph is in its own section."""
    open_headings: list[Heading] = []
    paths = []
    for paragraph in body:
        heading = parse_heading(paragraph)
        if heading:
            open_headings = _open(open_headings, heading)
        paths.append(tuple(h.text for h in open_headings))
    return paths


def _open(open_headings: list[Heading], heading: Heading) -> list[Heading]:
    """The open headings after ``heading``: a kind already open is closed with
    everything below it; a kind not yet open nests under the innermost heading."""
    kinds = [h.kind for h in open_headings]
    if heading.kind in kinds:
        open_headings = open_headings[:kinds.index(heading.kind)]
    return [*open_headings, heading]


def _body_start(paragraphs: Sequence[str]) -> int:
    """Index of the first body paragraph: after the salutation, or at the first
    heading or body-like paragraph, whichever comes first; 0 if none is found."""
    for index, paragraph in enumerate(paragraphs):
        if parse_heading(paragraph) or _looks_like_body(paragraph):
            return index
        if is_salutation(paragraph):
            return index + 1
    return 0


def _looks_like_body(paragraph: str) -> bool:
    """Sentences rather than a header field: 。/；/！, "您…", "…收悉", or long."""
    if is_label_line(paragraph):
        return False
    return bool(BODY_PUNCTUATION.search(paragraph) or BODY_OPENING.search(paragraph)
                or len(paragraph) >= LONG_PARAGRAPH_CHARS)


# Lines after a sign-off that are no part of it, skipped to find it: a page's "正在阅读: …" line, a print link.
MAX_LINES_AFTER_SIGNOFF = 2


def _signoff_start(paragraphs: Sequence[str], body_start: int) -> int:
    """Index where the sign-off begins (``len(paragraphs)`` if there is none). A web page's line or two after
    the sign-off ("正在阅读: 对…的答复") that is no sentence does not hide the sign-off above it."""
    start = len(paragraphs)
    for trailing in range(MAX_LINES_AFTER_SIGNOFF + 1):
        end = len(paragraphs) - trailing
        if end <= body_start or (trailing and _looks_like_body(paragraphs[end])):
            break
        if is_signoff_line(paragraphs[end - 1]):
            start = end
            break
    while start > body_start and is_signoff_line(paragraphs[start - 1]):
        start -= 1
    closing = _last_closing(paragraphs, body_start)
    if closing is not None:
        start = min(start, closing)
    if start > body_start and THANKS.match(paragraphs[start - 1]):
        start -= 1
    return start


def _last_closing(paragraphs: Sequence[str], body_start: int) -> int | None:
    """Index of the last closing formula ("专此答复", "此复", …) in the body, if any."""
    for index in range(len(paragraphs) - 1, body_start - 1, -1):
        if CLOSING.match(paragraphs[index]):
            return index
    return None


def display_name(metadata: LetterMetadata, text: str, file_name: str) -> str:
    """A short name for lists and citations.

    The 文号 when recognised (short and unique, e.g. "中工信函〔2022〕53号"), else
    the title, else who answered whom ("国家中医药管理局答复廖华歌代表": a letter that
    opens with its salutation), else the first non-blank line that is not just a
    category mark like "(A类)" (capped at ``MAX_DISPLAY_CHARS``), else the file name.
    """
    if metadata.doc_number:
        return metadata.doc_number
    if metadata.title:
        return metadata.title
    if metadata.agency and metadata.addressee:
        return _capped(f"{metadata.agency}答复{metadata.addressee}")
    for line in text.splitlines():
        line = line.strip()
        if line and not CATEGORY.match(line):
            return _capped(line)
    return file_name


def _capped(name: str) -> str:
    return name if len(name) <= MAX_DISPLAY_CHARS else name[:MAX_DISPLAY_CHARS] + "…"
