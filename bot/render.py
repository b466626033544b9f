"""Turn one Answer (or the document list) into text for a front end: plain, Telegram HTML, or rich.

Front ends only render: nothing here decides what is true. Every piece of
letter or user text is escaped for the target format.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.markup import escape as rich_escape
from rich.table import Table
from rich.text import Text

from index.types import SECTION_SEPARATOR, DocumentRecord
from retrieval.language import is_english
from retrieval.types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN, Answer, Citation

SOURCES_LABEL = "来源："
NEAREST_LABEL = "最接近的内容："
# The same for a question asked in English.
SOURCES_LABEL_EN = "Sources:"
NEAREST_LABEL_EN = "Nearest passages:"
TELEGRAM_MESSAGE_LIMIT = 4096
ELLIPSIS = "…"
_RICH_QUOTE_CHARS = 80
_HEADING_CHARS = 300


def answer_as_text(answer: Answer, *, max_citations: int = 3) -> str:
    """Plain text: the answer, then numbered citations with their quotes."""
    lines = [_answer_line(answer)]
    if answer.note:
        lines.append(f"（{answer.note}）")
    citations = answer.citations[:max_citations]
    if citations:
        lines += ["", _citations_label(answer)]
        for number, citation in enumerate(citations, 1):
            lines += [f"[{number}] {_heading(citation)}", f"    “{citation.quote}”"]
    return "\n".join(lines)


def answer_as_chat_pieces(answer: Answer) -> list[str]:
    """Plain text for chat clients, in the pieces a stream sends: the answer, its note in brackets,
    then the sources label and one line per citation ("[1] heading：“quote”")."""
    pieces = [_answer_line(answer)]
    if answer.note:
        pieces.append(f"\n\n（{answer.note}）")
    if answer.citations:
        lines = [f"[{number}] {_heading(citation)}：“{citation.quote}”" for number, citation in enumerate(answer.citations, 1)]
        pieces.append("\n\n" + _citations_label(answer) + "\n" + "\n".join(lines))
    return pieces


def reply_of_chat_text(content: str) -> tuple[str, bool]:
    """What ``answer_as_chat_pieces`` wrote, read back: the answer text (without note and sources), and
    whether it answered. A reply refused when it starts with either refusal or lists the nearest
    sections instead of its sources."""
    text, nearest = content.strip(), False
    for label in (SOURCES_LABEL, NEAREST_LABEL, SOURCES_LABEL_EN, NEAREST_LABEL_EN):
        before, found, _ = text.partition(f"\n\n{label}")
        text, nearest = before.strip(), nearest or (bool(found) and label in (NEAREST_LABEL, NEAREST_LABEL_EN))
    text = _NOTE_AT_END.sub("", text).strip()
    answered = bool(text) and not nearest and not text.startswith((NOT_IN_LETTERS, NOT_IN_LETTERS_EN))
    return text, answered


_NOTE_AT_END = re.compile(r"\n\n（[^\n]*）$")


def answer_as_telegram_html(answer: Answer, *, max_citations: int | None = None,
                            limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Telegram HTML messages of at most ``limit`` characters, split between blocks, never inside a tag or entity."""
    blocks = _escaped_pieces(_answer_line(answer), limit)
    if answer.note:
        blocks += [f"<i>{piece}</i>" for piece in _escaped_pieces(answer.note, limit - len("<i></i>"))]
    citations = answer.citations[:max_citations]
    if citations:
        label = f"<b>{html.escape(_citations_label(answer))}</b>\n"
        blocks += [_html_citation_block(number, citation, limit, prefix=label if number == 1 else "")
                   for number, citation in enumerate(citations, 1)]
    return pack_messages(blocks, limit=limit)


def documents_as_telegram_html(records: Sequence[DocumentRecord], *, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """The indexed letters as Telegram HTML: display name, 文号 and date."""
    if not records:
        return ["还没有索引任何答复函。"]
    blocks = [f"<b>已索引的答复函（{len(records)} 份）：</b>"]
    for number, record in enumerate(records, 1):
        name = html.escape(_shorten(record.display_name, _HEADING_CHARS))
        title = record.metadata.title
        title_line = f"{html.escape(_shorten(title, _HEADING_CHARS))}\n" if title and title != record.display_name else ""
        details = " · ".join(html.escape(value) for value in _document_details(record))
        blocks.append(f"{number}. <b>{name}</b>\n{title_line}{details}")
    return pack_messages(blocks, limit=limit, separator="\n")


def answer_as_rich(answer: Answer, *, max_citations: int = 3) -> RenderableType:
    """A rich renderable for the terminal, quotes shortened; letter text never becomes markup."""
    style = "bold" if answer.answered else "bold yellow"
    parts: list[RenderableType] = [Text(_answer_line(answer), style=style)]
    if answer.note:
        parts.append(Text(answer.note, style="dim italic"))
    if answer.citations:
        parts.append(_rich_citations(answer, answer.citations[:max_citations], full_quotes=False))
    return Group(*parts)


def sources_as_rich(answer: Answer) -> RenderableType:
    """Every citation of an answer with its full quote (the answer itself is not repeated)."""
    return _rich_citations(answer, answer.citations, full_quotes=True)


def documents_as_rich(records: Sequence[DocumentRecord]) -> RenderableType:
    """The indexed letters as a table: display name, 文号, date, title."""
    if not records:
        return Text("还没有索引任何答复函。运行 `govqa index 文件…`。")
    table = Table("#", "答复函", "文号", "日期", "标题")
    for number, record in enumerate(records, 1):
        meta = record.metadata
        table.add_row(str(number), rich_escape(record.display_name), rich_escape(meta.doc_number or "—"),
                      rich_escape(meta.date or "—"), rich_escape(meta.title or "—"))
    return table


def pack_messages(blocks: Iterable[str], *, limit: int = TELEGRAM_MESSAGE_LIMIT, separator: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as fit under ``limit``; a block is never cut."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}{separator}{block}" if current else block
        if current and telegram_length(candidate) > limit:
            messages.append(current)
            candidate = block
        current = candidate
    if current:
        messages.append(current)
    return messages


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units); markup counted too, to stay on the safe side."""
    return len(text.encode("utf-16-le")) // 2


def _answer_line(answer: Answer) -> str:
    if answer.answered:
        return answer.text
    return answer.text or NOT_IN_LETTERS


def _citations_label(answer: Answer) -> str:
    """In the language the question was asked in."""
    if is_english(answer.question):
        return SOURCES_LABEL_EN if answer.answered else NEAREST_LABEL_EN
    return SOURCES_LABEL if answer.answered else NEAREST_LABEL


def _heading(citation: Citation) -> str:
    return SECTION_SEPARATOR.join(part for part in (citation.document, citation.section) if part)


def _document_details(record: DocumentRecord) -> list[str]:
    meta = record.metadata
    return [f"文号：{meta.doc_number or '不详'}", f"日期：{meta.date or '不详'}"]


def _html_citation_block(number: int, citation: Citation, limit: int, *, prefix: str = "") -> str:
    heading = f"{prefix}<b>[{number}]</b> {html.escape(_shorten(_heading(citation), _HEADING_CHARS))}\n"
    room = limit - telegram_length(heading) - telegram_length("<blockquote></blockquote>")
    quote = _truncate_escaped(citation.quote, room)
    return f"{heading}<blockquote>{html.escape(quote)}</blockquote>"


def _escaped_pieces(text: str, limit: int) -> list[str]:
    """``text`` escaped and cut into pieces that each fit in ``limit``, at line breaks where possible."""
    pieces = []
    while telegram_length(html.escape(text)) > limit:
        cut = len(_fitting_prefix(text, limit))
        line_break = text.rfind("\n", 0, cut)
        if line_break > 0:
            cut = line_break + 1
        pieces.append(html.escape(text[:cut].rstrip("\n")))
        text = text[cut:]
    pieces.append(html.escape(text))
    return pieces


def _truncate_escaped(text: str, limit: int) -> str:
    """``text``, cut with "…" if needed so that its escaped form fits in ``limit``."""
    if telegram_length(html.escape(text)) <= limit:
        return text
    return _fitting_prefix(text, limit - telegram_length(ELLIPSIS)) + ELLIPSIS


def _fitting_prefix(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose escaped form fits in ``limit``."""
    used = 0
    for index, char in enumerate(text):
        used += telegram_length(html.escape(char))
        if used > limit:
            return text[:index]
    return text


def _shorten(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1] + ELLIPSIS


def _rich_citations(answer: Answer, citations: Sequence[Citation], full_quotes: bool) -> RenderableType:
    label = Text(_citations_label(answer), style="dim")
    return Group(label, *(_rich_citation(number, citation, full_quotes) for number, citation in enumerate(citations, 1)))


def _rich_citation(number: int, citation: Citation, full_quote: bool) -> RenderableType:
    quote = citation.quote if full_quote else _shorten(citation.quote, _RICH_QUOTE_CHARS)
    heading = Text.assemble((f"[{number}] ", "cyan"), (_heading(citation), "cyan"))
    return Group(heading, Text(f"    “{quote}”", style="green"))
