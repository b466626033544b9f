"""Turn loaded letter text into clean paragraphs, exactly one per line.

A loader hands over whatever the file held: PDF text hard-wrapped at the page
width, with page numbers, running headers and sentences broken across page
breaks; or plain text with odd whitespace and stray spaces. ``clean_text``
returns one paragraph per line, no blank lines, no padding.

Chinese puts no spaces between words, so nothing in a wrapped line shows where
it continues. Two lines are joined only on evidence:

- the next line starts with punctuation no Chinese line may start with (，。）》…);
- or the first line ends without sentence-final punctuation, the next is not a
  heading, and either the first is about as wide as the document's full lines
  (a hard wrap; the full width is measured, not assumed) or it reads as prose
  with clause punctuation (a sentence cut by a page break) and the next line is
  not a header or sign-off line (agency, 文号, title, salutation, date,
  联系人/公开方式/抄送 lines);
- or the lines are the parts of a wrapped title ("…关于…" then "…的函").

Headings, header-block and sign-off lines never absorb their neighbours,
except that a full-width labelled line (a long 抄送 list) may wrap. Everything
is one pass over the lines, apart from sorting line widths.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from index.patterns import (
    AGENCY_LINE, CLOSING_LINE, DATE_LINE, DOC_NUMBER_TAIL, TITLE_END, TITLE_WORDS, is_label_line,
    starts_with_heading,
)

PAGE_BREAK = "\f"
"""Marks a page boundary in the line list (form feeds and page-number lines)."""

FULL_LINE_RATIO = 0.8
"""A line this close to the document's full-line width was wrapped by layout."""
MIN_FULL_LINES = 3
MIN_FULL_SHARE = 0.2
"""A full-line width needs this many lines, and this share of all lines, near it."""
MIN_FULL_WIDTH = 30
"""Narrower "full lines" (15 CJK characters) are short lines that happen to match."""
MIN_PROSE_WIDTH = 16
"""Display width (8 CJK characters) below which a prose-looking line is not joined."""
HEADER_MAX_WIDTH = 50
"""Running headers and footers are at most this wide (25 CJK characters)."""
MIN_HEADER_PAGES = 3
"""A short line at a page edge on this many pages is a running header or footer."""

_CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f\u2014\u2026\u2018\u2019\u201c\u201d\u00b7"
)
# One stray space between CJK characters is an extraction artefact (十三届 一次会议); a wider gap is
# layout that separates fields (联系人：程婷    联系电话：…) and stays as one space.
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_SPACE_RUN_RE = re.compile(" {2,}")
_LATIN_RUN_RE = re.compile(r"[A-Za-z0-9]+")
_LATIN_TAIL_RE = re.compile(r"[A-Za-z0-9]+$")
_LATIN_PAIR_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z0-9]+) (?=([A-Za-z0-9]+))")

_TERMINAL = "。！？；：…．!?;:."
_CLOSERS = "”’」』）)】]》〉>\"'"
# A line ending in one of these without a full stop may still stand alone: "(A类)", "（联系人：…）".
_STANDALONE_CLOSERS = "”’」』）)】]\"'"
# Chinese typesetting never starts a line with these, so such a line continues the last.
_NO_LINE_START = "，。、；：！？）》」』】〕〉”’％"
_CLAUSE_MARKS = "，。；！？,;"
_SENTENCE_STOPS = "。！？；"
_NO_PROSE_MARKS = "，。；"

_PAGE_NUMBER_RES = (
    re.compile(r"[-—–－─~～]+ ?\d{1,4} ?[-—–－─~～]+"),
    re.compile(r"第 ?\d{1,4} ?页(?: ?[,，/、]? ?共 ?\d{1,4} ?页)?"),
    re.compile(r"共 ?\d{1,4} ?页 ?[,，/、]? ?第 ?\d{1,4} ?页"),
    re.compile(r"(?i)page ?\d{1,4}(?: ?(?:of|/) ?\d{1,4})?"),
)
# Only taken as page numbers next to a blank line: elsewhere they may be table cells.
_BARE_NUMBER_RE = re.compile(r"\d{1,3}|\d{1,4} ?/ ?\d{1,4}")

_BRACKETED_RE = re.compile(r"[（(][^（()）]{1,40}[）)]")


def clean_text(text: str) -> str:
    """Return ``text`` cleaned to one paragraph per line.

    Whitespace is normalised, page numbers and running headers are dropped,
    hard-wrapped lines and sentences broken by page breaks are re-joined, while
    headings, header-block and sign-off lines always keep a line of their own.
    Deterministic; never raises on any ``str``.
    """
    lines = _split_lines(text)
    lines = _mark_page_numbers(lines)
    lines = _drop_running_headers(lines)
    lines = [line for line in lines if line != PAGE_BREAK]
    full_width = _full_width([_width(line) for line in lines if line])
    return "\n".join(_join_lines(lines, full_width, _LatinVocabulary.of(lines)))


# --- characters and lines -------------------------------------------------


def _build_char_map() -> dict[int, str | None]:
    """Map line breaks to "\\n", spaces to " ", and drop invisible characters."""
    table: dict[int, str | None] = {c: None for c in [*range(0x20), *range(0x7F, 0xA0)]}
    for c in "\n\u2028\u2029\x0b\x1c\x1d\x1e\x85\r":
        table[ord(c)] = "\n"
    table[ord("\f")] = f"\n{PAGE_BREAK}\n"
    for c in "\t\xa0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B))):
        table[ord(c)] = " "
    for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e":
        table[ord(c)] = None
    return table


_CHAR_MAP = _build_char_map()


def _split_lines(text: str) -> list[str]:
    """Normalise characters and split into stripped lines; "" is a blank line."""
    text = text.replace("\r\n", "\n").translate(_CHAR_MAP)
    return [raw if raw == PAGE_BREAK else _tidy_line(raw) for raw in text.split("\n")]


def _tidy_line(line: str) -> str:
    """Collapse spaces, strip, and drop spaces between two CJK characters."""
    return _SPACE_RUN_RE.sub(" ", _CJK_GAP_RE.sub("", line)).strip()


def _width(line: str) -> int:
    """Display width: 2 for wide (CJK) characters, 1 for the rest."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


# --- page furniture -------------------------------------------------------


def _is_gap(lines: list[str], index: int) -> bool:
    """True past either end of ``lines`` or on a blank or page-break line."""
    return index < 0 or index >= len(lines) or lines[index] in ("", PAGE_BREAK)


def _is_page_number(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` is a page number such as "- 3 -" or "第3页 共9页"."""
    line = lines[index]
    if any(pattern.fullmatch(line) for pattern in _PAGE_NUMBER_RES):
        return True
    beside_gap = _is_gap(lines, index - 1) or _is_gap(lines, index + 1)
    return beside_gap and _BARE_NUMBER_RE.fullmatch(line) is not None


def _mark_page_numbers(lines: list[str]) -> list[str]:
    """Replace page-number lines by page breaks."""
    return [PAGE_BREAK if line and _is_page_number(lines, i) else line for i, line in enumerate(lines)]


def _spans(lines: list[str], separators: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) index ranges between separator lines."""
    spans, start = [], 0
    for i, line in enumerate(lines):
        if line in separators:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(lines)))
    return spans


def _edge_lines(lines: list[str], start: int, end: int) -> list[int]:
    """Indices of the first two and last two non-blank lines in a span."""
    filled = [i for i in range(start, end) if lines[i] and lines[i] != PAGE_BREAK]
    return sorted(set(filled[:2] + filled[-2:]))


def _header_key(line: str) -> str | None:
    """Comparison key of a possible running header; None if it cannot be one.

    Digits are masked so "第2页" matches "第3页"; headers carry no clauses.
    """
    if _width(line) > HEADER_MAX_WIDTH or starts_with_heading(line) or _has(line, _NO_PROSE_MARKS):
        return None
    key = re.sub(r"\d+", "#", line.replace(" ", ""))
    return key if sum(ch.isalpha() for ch in key) >= 2 else None


def _drop_running_headers(lines: list[str]) -> list[str]:
    """Blank out short lines repeated at the page edges of 3+ pages.

    With page numbers to show where pages end, a page is the span between
    them; without, each blank-line-separated block stands in for a page.
    """
    by_blocks = lines.count(PAGE_BREAK) < MIN_HEADER_PAGES - 1
    spans = _spans(lines, ("", PAGE_BREAK) if by_blocks else (PAGE_BREAK,))
    pages: dict[str, set[int]] = defaultdict(set)
    candidates: list[tuple[int, str]] = []
    for page, (start, end) in enumerate(spans):
        edges = _edge_lines(lines, start, end)
        if by_blocks and len(edges) == 1:
            # a line standing alone between blank lines heads no page's text: a letterhead, a sign-off's agency
            continue
        for i in edges:
            key = _header_key(lines[i])
            if key:
                pages[key].add(page)
                candidates.append((i, key))
    out = list(lines)
    for i, key in candidates:
        if len(pages[key]) >= MIN_HEADER_PAGES:
            out[i] = ""
    return out


# --- what a line is -------------------------------------------------------


def _is_heading(line: str) -> bool:
    """一、 （一） (一) 1. 1、 （1） ① 第一条 第二章 and the like."""
    return starts_with_heading(line)


def _is_labelled(line: str) -> bool:
    """A date line or a labelled line such as "抄送：…" or "（联系人：…）"."""
    return bool(DATE_LINE.match(line) or is_label_line(line))


def _is_header_or_signoff(line: str) -> bool:
    """Lines of a letter's header block and sign-off, which stand alone."""
    return bool(
        _is_labelled(line)
        or _BRACKETED_RE.fullmatch(line)
        or CLOSING_LINE.fullmatch(line)
        or _is_salutation(line)
        or (not _has(line, _NO_PROSE_MARKS) and _is_short_header_line(line))
    )


def _is_salutation(line: str) -> bool:
    """"彭诗敏委员：", "尊敬的陈代表，": short, addressed to someone; also any short clause-free line
    ending in a colon ("现答复如下："), which as layout stands alone just the same. Wider than
    ``index.patterns.is_salutation``, which must name whom a letter is addressed to."""
    if _width(line) > 40:
        return False
    return line.startswith("尊敬的") or (line.endswith(("：", ":")) and not _has(line, _NO_PROSE_MARKS))


def _is_short_header_line(line: str) -> bool:
    """Doc number, agency name or title: short lines without clauses."""
    width = _width(line)
    if width <= 60 and DOC_NUMBER_TAIL.search(line):
        return True
    if width <= 50 and AGENCY_LINE.match(line):
        return True
    return _is_title(line)


def _is_title(line: str) -> bool:
    """A document title: "…关于…的函", "…建议的答复"."""
    return _ends_like_title(line) and TITLE_WORDS.search(line) is not None


def _ends_like_title(line: str) -> bool:
    """A clause-free line ending like a document title (…的函, …的答复, …意见)."""
    return (
        _width(line) <= 100
        and not _has(line, _NO_PROSE_MARKS)
        and TITLE_END.search(line) is not None
    )


def _opens_title(line: str) -> bool:
    """A line that may be the first of a wrapped title: "…关于…", without clauses."""
    return (
        "关于" in line
        and _width(line) <= 100
        and not _has(line, _NO_PROSE_MARKS)
        and not _is_heading(line)
        and not _ends_sentence(line)
    )


def _ends_sentence(line: str) -> bool:
    """Whether ``line`` ends with sentence-final punctuation (closing quotes allowed)."""
    core = line.rstrip(_CLOSERS)
    return not core or core[-1] in _TERMINAL


# --- joining ----------------------------------------------------------------


def _full_width(widths: list[int]) -> float:
    """The document's full-line width, or infinity if its lines were not wrapped.

    Layout-wrapped text has many lines of nearly the same width: the widest
    width shared (within 10%) by at least ``MIN_FULL_LINES`` lines and
    ``MIN_FULL_SHARE`` of all lines is it. A lone very long line (a URL, a
    table row) does not count, nor do a few long paragraphs of similar length,
    nor a cluster of short lines.
    """
    ordered = sorted(widths, reverse=True)
    needed = max(MIN_FULL_LINES, MIN_FULL_SHARE * len(ordered))
    end = 0
    for i, width in enumerate(ordered):
        end = max(end, i)
        while end + 1 < len(ordered) and ordered[end + 1] >= 0.9 * width:
            end += 1
        if end - i + 1 >= needed:
            return width if width >= MIN_FULL_WIDTH else math.inf
    return math.inf


@dataclass
class _Paragraph:
    """A paragraph being assembled from physical lines.

    ``fixed``: a lone header or sign-off line (a title even at full
    width), other than a labelled one ("抄送：…" may wrap).
    ``bare_heading``: a lone heading with no sentence after it.
    ``title``: started like a title, so a following line ending like one
    ("…的函") is its wrapped end.
    ``prose``: has clause punctuation (for a heading: a sentence stop).
    """

    last: str
    heading: bool
    fixed: bool
    bare_heading: bool
    title: bool
    prose: bool
    pieces: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, line: str, full_width: float) -> _Paragraph:
        heading = _is_heading(line)
        fixed = not heading and not _is_labelled(line) and (_stands_alone(line, full_width) or _is_title(line))
        return cls(
            last=line,
            heading=heading,
            fixed=fixed,
            bare_heading=heading and not _has(line, _SENTENCE_STOPS),
            title=_opens_title(line),
            prose=_has(line, _SENTENCE_STOPS if heading else _CLAUSE_MARKS),
            pieces=[line],
        )

    def add(self, line: str, vocabulary: _LatinVocabulary) -> None:
        self.pieces += [vocabulary.glue(self.last, line), line]
        self.last = line
        self.fixed = self.bare_heading = False
        self.prose = self.prose or _has(line, _SENTENCE_STOPS if self.heading else _CLAUSE_MARKS)

    def text(self) -> str:
        return "".join(self.pieces)


def _has(line: str, marks: str) -> bool:
    return any(mark in line for mark in marks)


def _continues(paragraph: _Paragraph, line: str, gap: bool, full_width: float, after: str | None) -> bool:
    """Whether ``line`` continues ``paragraph``, cut by a wrap or a page break.

    ``gap`` says blank lines or page furniture came between the two;
    ``after`` is the line after ``line``.
    """
    if line[0] in _NO_LINE_START or _splits_a_decimal(paragraph.last, line):
        return True
    if paragraph.title and _continues_title(line, after):
        return True
    if _ends_sentence(paragraph.last) or _is_heading(line):
        return False
    last_width = _width(paragraph.last)
    if last_width >= FULL_LINE_RATIO * full_width and not paragraph.fixed:
        # A hard wrap: only a date or labelled line ("抄送：") may follow unjoined.
        return not (_stands_alone(line, full_width) if gap else _is_labelled(line))
    if paragraph.fixed or paragraph.bare_heading or paragraph.last[-1] in _STANDALONE_CLOSERS:
        return False
    if _stands_alone(line, full_width):
        return False
    # A short line that reads as prose yet stops mid-sentence was cut by a page break.
    return paragraph.prose and last_width >= MIN_PROSE_WIDTH


def _continues_title(line: str, after: str | None) -> bool:
    """The title's end ("…答复的函"), or a middle line right before its end."""
    if "关于" in line or _is_heading(line) or _has(line, _NO_PROSE_MARKS):
        return False
    if _ends_like_title(line):
        return True
    return (
        after is not None
        and "关于" not in after
        and _ends_like_title(after)
        and not _is_header_or_signoff(line)
    )


def _stands_alone(line: str, full_width: float) -> bool:
    """A header or sign-off line; a full-width line is body text however it ends."""
    return _width(line) < FULL_LINE_RATIO * full_width and _is_header_or_signoff(line)


def _splits_a_decimal(left: str, right: str) -> bool:
    """"由1." then "6次": a number wrapped at its decimal point."""
    return len(left) > 1 and left[-1] == "." and left[-2].isdigit() and right[0].isdigit()


@dataclass(frozen=True)
class _LatinVocabulary:
    """Latin words and word pairs seen whole on one line of the document.

    When a wrap cuts a Latin run ("5|G", "Smart|Bus"), the document itself
    usually shows elsewhere whether the run is one word or two.
    """

    words: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, lines: list[str]) -> _LatinVocabulary:
        text = "\n".join(lines)
        return cls(frozenset(_LATIN_RUN_RE.findall(text)), frozenset(_LATIN_PAIR_RE.findall(text)))

    def glue(self, left: str, right: str) -> str:
        """What goes between two joined lines: nothing for CJK, one space between Latin words."""
        a, b = left[-1], right[0]
        if _is_latin(a) and _is_latin(b):
            tail, head = _LATIN_TAIL_RE.search(left).group(), _LATIN_RUN_RE.match(right).group()
            if tail + head in self.words:
                return ""
            if (tail, head) in self.pairs:
                return " "
            return "" if a.isdigit() and b.isdigit() else " "
        if a in ",;:!?)" and _is_latin(b) or a == "." and b.isascii() and b.isalpha():
            return " "
        return ""


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _join_lines(lines: list[str], full_width: float, vocabulary: _LatinVocabulary) -> list[str]:
    """Assemble lines ("" for blank) into paragraphs."""
    filled = _with_gaps(lines)
    paragraphs: list[str] = []
    current: _Paragraph | None = None
    for i, (line, gap) in enumerate(filled):
        after = filled[i + 1][0] if i + 1 < len(filled) else None
        if current and _continues(current, line, gap, full_width, after):
            current.add(line, vocabulary)
            continue
        if current:
            paragraphs.append(current.text())
        current = _Paragraph.start(line, full_width)
    if current:
        paragraphs.append(current.text())
    return paragraphs


def _with_gaps(lines: list[str]) -> list[tuple[str, bool]]:
    """Non-blank lines, each with whether blank lines came before it."""
    filled, gap = [], False
    for line in lines:
        if line:
            filled.append((line, gap))
        gap = not line
    return filled
