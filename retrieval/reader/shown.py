"""How a span is shown to a person: inside its clause, or for open questions its sentence.

Answering shows spans this way, and calibration judges a reading by what would be
shown (``shown_contains``), so the threshold is chosen for the answers people see.
"""
from __future__ import annotations

import re
import unicodedata

from index.chunking import split_sentences
from retrieval.values import CLAUSE_END, COUNTING_WORDS, MEASURE_WORDS

# score.py counts an answer longer than 200 characters as a pasted passage; the issue asks for at most 200.
ANSWER_MAX_CHARS = 180
# A clause this short ("全省排名第8") is shown with the clause before it, which names what it is about.
SHORT_CLAUSE_CHARS = 8
# A figure: Arabic digits, or Chinese numerals before a measure word (八条, 两期). A clause listing
# several figures with 、 ("18个重点村、61个示范村") answers "how many 示范村" with one item of it.
_FIGURE = re.compile(rf"\d|[零〇一二两三四五六七八九十百千万亿]+(?:{MEASURE_WORDS})")
# Chinese characters besides its figures an item needs to say what it counts (调蓄池2个; not 共计5个 → 共计).
MIN_NAMING_CHARS = 2
_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)
# A sentence ending in a colon (原因如下：, 主要做法如下：, 现答复如下：) introduces what follows it, and
# alone answers nothing: it is shown from its last clause on, with what follows, to the limit.
_LEAD_IN_END = re.compile(r"[:：]\s*$")
# A lead-in inside a clause, before the span ("现答复如下：百禄镇工业集中区建设时间2013年5月", "二、需要向您说明的
# 是：目前…"): "as follows" (如下, 以下) or "what … is" (的是) and a colon. The clause is shown from after it. A
# label's colon (电话：, 活动时间：) names what follows and stays.
_LEAD_IN = re.compile(r"(?:如下|以下|的是)\s*[:：]")
# Brackets, inside which 、 lists the parts of one thing (31个省（区、市）). Not quotes: 、 inside them joins
# words as often as outside (“划、立、治”三项任务), which an item without a figure tells (_figure_items).
_OPENING, _CLOSING = "（(【[《〈", "）)】]》〉"
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
# A span ending in a count, with at most a few words after it (停车场4处, 2条公交线路): asked which ones, a
# letter gives the count first and names them after it ("建设停车场4处，分别位于：…").
_ENDS_IN_COUNT = re.compile(rf"(?:\d+|[一二两三四五六七八九十百千]+)(?:多|余)?(?:{COUNTING_WORDS})\w{{0,6}}$")


def clause_around(passage: str, start: int, end: int, *, one_figure: bool = False, about: tuple[str, ...] = ()) -> str:
    """The clause holding ``passage[start:end]`` (and the clause before it when that one is a bare fragment).

    ``one_figure`` (the question asks for one number): where the clause lists figures with 、, only the
    items the span lies in, so the answer does not carry the other items' figures; of those, the one naming
    the words ``about`` (_figure_items).
    """
    start, end = _without_spaces(passage, start, end)
    bounds = [0] + [m.end() for m in CLAUSE_END.finditer(passage)] + [len(passage)]
    left = max(b for b in bounds if b <= start)
    right = min((b for b in bounds if b >= end), default=len(passage))
    cut = _figure_items(passage, left, right, start, end, about) if one_figure else (left, right)
    if cut != (left, right):
        left, right = cut  # an item names what it counts: no clause before it is needed
    elif len(passage[left:right].strip("，,；;。！？!?\n ")) < SHORT_CLAUSE_CHARS:
        earlier = [b for b in bounds if b < left]
        if earlier and passage[left - 1] not in "。！？!?\n":
            left = max(earlier)
    lead_ins = [m.end() for m in _LEAD_IN.finditer(passage, left, start)]
    if lead_ins:
        left = lead_ins[-1]
    text = " ".join(passage[left:right].split()).strip("，,；;。！？!? ")
    return fit(text, passage[start:end])


def _figure_items(passage: str, left: int, right: int, start: int, end: int, about: tuple[str, ...] = ()) -> tuple[int, int]:
    """The 、-separated items of ``passage[left:right]`` that the span touches, when the span holds a figure
    and every item holds one (a list of figures); else the clause unchanged. Items that do not name what
    they count ("、5个") are not cut out. Of several touched items, the one holding the most characters of
    the words ``about`` (the question's own words), where one holds more than the others."""
    marks = _listing_marks(passage, left, right)
    if not marks or not _FIGURE.search(passage[start:end]):
        return left, right
    items = list(zip([left] + [m + 1 for m in marks], marks + [right]))
    touched = [(a, b) for a, b in items if b > start and a < end]
    # A list of figures has one in every item (18个重点村、61个示范村; 篮球场12个、足球场3个); 、 also joins words
    # (完成市、县两级水源保护区“划、立、治”三项任务), where an item holding a figure is no other answer.
    listed = all(_FIGURE.search(passage[a:b]) for a, b in items)
    if len(touched) > 1 and about:
        # A span running over several items ("18个重点村、61个" asked how many 重点村): the item that names
        # most of what is asked, where one does.
        named_chars = [sum(len(word) for word in about if word in passage[a:b]) for a, b in touched]
        if named_chars.count(max(named_chars)) == 1 and max(named_chars):
            touched = [touched[named_chars.index(max(named_chars))]]
    if not touched or not listed or touched == items:
        return left, right
    new_left, new_right = touched[0][0], touched[-1][1]
    named = re.findall(r"[\u4e00-\u9fff]", _FIGURE.sub("", passage[new_left:new_right]))
    if len(named) < MIN_NAMING_CHARS:
        return left, right
    return new_left, new_right


def _listing_marks(passage: str, left: int, right: int) -> list[int]:
    """Where 、 separates items of ``passage[left:right]``: not inside brackets, where it lists the parts of
    one item ("31个省（区、市）" is one item, the provinces, regions and municipalities)."""
    marks, depth = [], 0
    for at in range(left, right):
        char = passage[at]
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(0, depth - 1)
        elif char == "、" and not depth:
            marks.append(at)
    return marks


def sentence_around(passage: str, start: int, end: int, limit: int = ANSWER_MAX_CHARS, *,
                    following: str = "") -> str:
    """The sentence (or sentences) the span lies in, within ``limit`` characters around the span; a
    sentence that ends in a colon, from its last clause on with what follows it in the passage and then
    in ``following`` (the text after the passage, e.g. the letter's next chunk)."""
    start, end = _without_spaces(passage, start, end)
    left, right = _sentence_bounds(passage, start, end)
    if _LEAD_IN_END.search(passage[left:right]) and (passage[right:].strip() or following.strip()):
        clause_ends = [m.end() for m in CLAUSE_END.finditer(passage, left, right) if m.end() < right]
        return _lead_in_with_what_follows(passage[max([left, *clause_ends]):] + "\n" + following, limit)
    text = " ".join(passage[left:right].split())
    return fit(text, passage[start:end], limit)


def ends_in_count(span: str) -> bool:
    """Whether a span ends in a count of things (停车场4处, 2条公交线路), not naming them."""
    return bool(_ENDS_IN_COUNT.search(span.strip()))


def sentence_with_what_follows(passage: str, start: int, end: int, limit: int = ANSWER_MAX_CHARS, *,
                               following: str = "") -> str:
    """The sentence the span lies in and the rest of its paragraph, or the next paragraph (in the passage,
    else the first of ``following``) when the sentence ends its own; to the last sentence end within
    ``limit``. The sentence alone, cut around the span, when it is longer."""
    start, end = _without_spaces(passage, start, end)
    left, right = _sentence_bounds(passage, start, end)
    sentence = " ".join(passage[left:right].split())
    if len(sentence) >= limit:
        return fit(sentence, passage[start:end], limit)
    line_end = passage.find("\n", right)
    rest = passage[right:line_end if line_end >= 0 else len(passage)]
    if not rest.strip():
        later = [line for line in (passage[right:] + "\n" + following).split("\n") if line.strip()]
        rest = later[0] if later else ""
    text = " ".join((passage[left:right] + rest).split()) if rest.strip() else sentence
    if len(text) <= limit:
        return text
    cut = _last_sentence_end(text, limit, after=len(sentence) - 1)
    return text[:cut] if cut else sentence


def _lead_in_with_what_follows(text: str, limit: int = ANSWER_MAX_CHARS) -> str:
    """``text`` (a lead-in clause and what follows it) to its last sentence end within ``limit``
    characters, or cut at the limit when the first sentence after the lead-in is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    lead = re.search(r"[:：]", text)
    cut = _last_sentence_end(text, limit, after=lead.end() if lead else 0)
    return text[:cut] if cut else text[:limit - 1] + "…"


def _sentence_bounds(passage: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence (or sentences) holding ``passage[start:end]`` begins and ends; a line ends one too."""
    pieces = [(a, b) for line_start, line in _lines(passage) for a, b in
              ((line_start + x, line_start + y) for x, y in split_sentences(line))]
    inside = [(a, b) for a, b in pieces if b > start and a < end] or [(start, end)]
    return inside[0][0], inside[-1][1]


def _last_sentence_end(text: str, limit: int, *, after: int) -> int | None:
    """The last sentence end in ``text`` within ``limit`` characters and past position ``after``, if any."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit) if m.end() > after]
    return ends[-1] if ends else None


def _without_spaces(passage: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces and line breaks at its ends: a span "\n2021年3月" begins on its own line, not
    on the line before (the chunk's heading, which its clause had taken in)."""
    while start < end - 1 and passage[start].isspace():
        start += 1
    while end - 1 > start and passage[end - 1].isspace():
        end -= 1
    return start, end


def fit(text: str, span: str, limit: int = ANSWER_MAX_CHARS) -> str:
    """``text`` cut to ``limit`` characters around ``span`` when it is longer."""
    if len(text) <= limit:
        return text
    span = " ".join(span.split())
    at = max(0, text.find(span))
    begin = max(0, min(at - (limit - len(span)) // 2, len(text) - limit))
    return ("…" if begin else "") + text[begin:begin + limit] + ("…" if begin + limit < len(text) else "")


def shown_contains(passage: str, start: int, end: int, answer: str) -> bool:
    """Whether the clause shown for this span holds ``answer`` (ignoring width, case, spaces and punctuation)."""
    if start < 0:
        return False
    return _plain(answer) in _plain(clause_around(passage, start, end))


def _plain(text: str) -> str:
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text).lower())


def _lines(text: str) -> list[tuple[int, str]]:
    found, at = [], 0
    for line in text.split("\n"):
        found.append((at, line))
        at += len(line) + 1
    return found
