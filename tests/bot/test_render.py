"""bot.render: one Answer as plain text, Telegram HTML and rich, escaped and split safely."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from rich.console import Console

from bot.render import (
    NEAREST_LABEL,
    NEAREST_LABEL_EN,
    SOURCES_LABEL,
    SOURCES_LABEL_EN,
    answer_as_chat_pieces,
    answer_as_rich,
    answer_as_telegram_html,
    answer_as_text,
    documents_as_telegram_html,
    reply_of_chat_text,
    sources_as_rich,
    telegram_length,
)
from index.types import DocumentRecord, LetterMetadata
from retrieval.types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN, Answer, Citation

DOCUMENT = "中山市工业和信息化局关于市政协十三届一次会议第131082号提案答复的函"
SECTION = "四、关于引人才——加大专项资金支持建议 › （三）推广首席信息官制度"
QUOTE = "已举办了两期企业首席信息官培训班，目前共收到45家企业的备案申请。"
HOSTILE = '<script>alert("x")</script> R&D “引号” [bold]粗体[/bold] </blockquote><b>'
TELEGRAM_TAGS = {"b", "i", "blockquote", "code"}


def cio_answer(**changes) -> Answer:
    fields = dict(question="一共收到多少家企业的首席信息官备案申请？", text="目前共收到45家企业的备案申请。", answered=True,
                  citations=(Citation(DOCUMENT, SECTION, QUOTE, doc_id="abc"),))
    return Answer(**(fields | changes))


class TagChecker(HTMLParser):
    """Collects tags and fails on unbalanced ones, the way Telegram's HTML parser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.seen: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self.seen.add(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"unbalanced </{tag}>"
        self.open.pop()

    def handle_data(self, data):
        self.text += data


def parse_telegram_html(message: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(message)
    checker.close()
    assert not checker.open, f"unclosed tags {checker.open}"
    assert checker.seen <= TELEGRAM_TAGS
    assert not re.search(r"&(?!(amp|lt|gt|quot|#x27);)", message), "a bare & would break Telegram's parser"
    return checker


def test_text_lists_answer_then_numbered_citations():
    text = answer_as_text(cio_answer())
    assert text.splitlines() == ["目前共收到45家企业的备案申请。", "", SOURCES_LABEL,
                                 f"[1] {DOCUMENT} › {SECTION}", f"    “{QUOTE}”"]


def test_text_keeps_at_most_max_citations():
    answer = cio_answer(citations=tuple(Citation(DOCUMENT, f"节{i}", f"引文{i}") for i in range(5)))
    text = answer_as_text(answer, max_citations=2)
    assert "[2]" in text and "[3]" not in text


def test_text_refusal_shows_not_found_and_nearest_content():
    refusal = cio_answer(text=NOT_IN_LETTERS, answered=False)
    text = answer_as_text(refusal)
    assert text.startswith(NOT_IN_LETTERS)
    assert NEAREST_LABEL in text and SOURCES_LABEL not in text and QUOTE in text


def test_an_english_question_gets_its_labels_in_english_everywhere():
    answered = cio_answer(question="How many CIO filings were received?")
    refused = cio_answer(question="How many CIO filings were received?", text=NOT_IN_LETTERS_EN, answered=False)
    assert SOURCES_LABEL_EN in answer_as_text(answered) and SOURCES_LABEL not in answer_as_text(answered)
    assert NEAREST_LABEL_EN in answer_as_text(refused) and NEAREST_LABEL not in answer_as_text(refused)
    assert f"<b>{NEAREST_LABEL_EN}</b>" in "".join(answer_as_telegram_html(refused))
    chat = "".join(answer_as_chat_pieces(answered))
    assert SOURCES_LABEL_EN in chat and reply_of_chat_text(chat) == (answered.text, True)
    assert reply_of_chat_text("".join(answer_as_chat_pieces(refused)))[1] is False


def test_text_refusal_without_citations_is_one_line():
    assert answer_as_text(cio_answer(text="", answered=False, citations=())) == NOT_IN_LETTERS


def test_html_escapes_letter_and_user_text():
    answer = cio_answer(text=f"答：{HOSTILE}", citations=(Citation(f"函{HOSTILE}", f"节{HOSTILE}", f"引{HOSTILE}"),))
    [message] = answer_as_telegram_html(answer)
    assert "<script>" not in message and HOSTILE not in message
    assert message.count(html.escape(HOSTILE)) == 4
    checker = parse_telegram_html(message)
    assert checker.text.count(HOSTILE) == 4


def test_html_uses_only_telegram_tags_and_quotes_in_blockquote():
    [message] = answer_as_telegram_html(cio_answer())
    parse_telegram_html(message)
    assert f"<blockquote>{QUOTE}</blockquote>" in message
    assert message.startswith("目前共收到45家企业的备案申请。")


def test_html_thirty_citations_split_between_citations_under_limit():
    quote = "这是一段很长的答复函原文，" * 20 + "R&D <x>"
    answer = cio_answer(citations=tuple(Citation(DOCUMENT, f"{SECTION} › 第{i}条", f"{i}:{quote}") for i in range(30)))
    messages = answer_as_telegram_html(answer)
    assert len(messages) > 1
    for message in messages:
        assert telegram_length(message) <= 4096
        parse_telegram_html(message)
    joined = "\n\n".join(messages)
    assert [int(n) for n in re.findall(r"<b>\[(\d+)\]</b>", joined)] == list(range(1, 31))
    assert joined.count("<blockquote>") == 30 and "…" not in joined


def test_html_one_huge_citation_is_truncated_with_ellipsis():
    answer = cio_answer(citations=(Citation(DOCUMENT, SECTION, "&" * 5000),))
    messages = answer_as_telegram_html(answer)
    assert all(telegram_length(message) <= 4096 for message in messages)
    last = parse_telegram_html(messages[-1])
    assert last.text.endswith("&…")


def test_html_long_answer_text_is_split_without_breaking_entities():
    answer = cio_answer(text="五&六<七>" * 1500)
    messages = answer_as_telegram_html(answer)
    assert len(messages) >= 3
    texts = [parse_telegram_html(message).text for message in messages]
    assert "".join(texts).startswith("五&六<七>" * 1500)


def test_html_refusal_lists_nearest_content():
    [message] = answer_as_telegram_html(cio_answer(text=NOT_IN_LETTERS, answered=False))
    assert message.startswith(NOT_IN_LETTERS)
    assert f"<b>{NEAREST_LABEL}</b>" in message


def test_documents_html_shows_name_number_and_date_escaped():
    record = DocumentRecord("id1", "/x.txt", "hash", "函<1>", LetterMetadata(doc_number="中工信函〔2022〕53号", date="2022年6月14日"))
    [message] = documents_as_telegram_html([record])
    parse_telegram_html(message)
    assert "函&lt;1&gt;" in message and "中工信函〔2022〕53号" in message and "2022年6月14日" in message


def render_rich(renderable) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_rich_shows_markup_in_letter_text_literally():
    answer = cio_answer(text="[bold]45[/bold] 家", citations=(Citation("[red]函[/red]", "[i]节", "[bold]原文[/bold] \\[x]"),))
    output = render_rich(answer_as_rich(answer))
    assert "[bold]45[/bold] 家" in output
    assert "[red]函[/red] › [i]节" in output
    assert "[bold]原文[/bold] \\[x]" in output


def test_rich_shortens_quotes_but_sources_shows_them_whole():
    long_quote = "很长的原文" * 40
    answer = cio_answer(citations=(Citation(DOCUMENT, SECTION, long_quote),))
    assert long_quote not in render_rich(answer_as_rich(answer)).replace("\n", "")
    sources = render_rich(sources_as_rich(answer))
    assert long_quote in sources.replace("\n", "").replace(" ", "")
    assert answer.text not in sources


def test_rich_refusal_says_not_found():
    output = render_rich(answer_as_rich(cio_answer(text=NOT_IN_LETTERS, answered=False)))
    assert NOT_IN_LETTERS in output and NEAREST_LABEL in output
