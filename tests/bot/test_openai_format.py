"""bot.http_api.openai_format: chat requests become a question with its earlier turns, answers become text."""
from __future__ import annotations

import pytest

from bot.http_api.openai_format import ChatCompletionRequest, chat_turn, completion, completion_events
from bot.render import NEAREST_LABEL, SOURCES_LABEL, answer_as_chat_pieces
from retrieval.types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN, Answer, Citation

DOCUMENT = "中工信函〔2022〕53号"
SECTION = "四、关于引人才——加大专项资金支持建议 › （三）推广首席信息官制度"
QUOTE = "目前共收到45家企业的备案申请。"


def _answer(text: str, answered: bool, note: str | None = None) -> Answer:
    return Answer(question="一共收到多少家企业的备案申请？", text=text, answered=answered, note=note,
                  citations=(Citation(DOCUMENT, SECTION, QUOTE, doc_id="abc"),))


def _earlier(reply: str) -> Answer:
    request = ChatCompletionRequest(messages=[
        {"role": "user", "content": "一共收到多少家企业的备案申请？"},
        {"role": "assistant", "content": reply},
        {"role": "user", "content": "其中有多少家是规上企业？"}])
    turn = chat_turn(request)
    assert turn.question == "其中有多少家是规上企业？"
    [earlier] = turn.history
    assert earlier.question == "一共收到多少家企业的备案申请？"
    return earlier


@pytest.mark.parametrize("refusal", [NOT_IN_LETTERS, NOT_IN_LETTERS_EN])
def test_a_rendered_refusal_with_nearest_sections_is_not_answered(refusal: str) -> None:
    earlier = _earlier("".join(answer_as_chat_pieces(_answer(refusal, answered=False))))
    assert earlier.answered is False


@pytest.mark.parametrize("refusal", [NOT_IN_LETTERS, NOT_IN_LETTERS_EN, f"  {NOT_IN_LETTERS_EN}\n"])
def test_a_bare_refusal_is_not_answered(refusal: str) -> None:
    assert _earlier(refusal).answered is False


def test_a_refusal_with_a_note_is_not_answered() -> None:
    reply = "".join(answer_as_chat_pieces(_answer(NOT_IN_LETTERS, answered=False, note="模型的回答没有依据，已改用摘录。")))
    assert _earlier(reply).answered is False


def test_an_answer_keeps_its_text_without_note_or_sources() -> None:
    reply = "".join(answer_as_chat_pieces(_answer("共收到45家企业的备案申请", answered=True, note="一条说明")))
    earlier = _earlier(reply)
    assert earlier.answered is True
    assert earlier.text == "共收到45家企业的备案申请"


def test_an_empty_reply_is_not_answered() -> None:
    assert _earlier("").answered is False


def test_the_session_id_is_the_same_for_every_turn_of_one_conversation() -> None:
    first = ChatCompletionRequest(messages=[{"role": "user", "content": "问题一"}])
    later = ChatCompletionRequest(messages=[{"role": "user", "content": "问题一"}, {"role": "assistant", "content": "答"},
                                            {"role": "user", "content": "问题二"}])
    other_user = ChatCompletionRequest(user="someone", messages=[{"role": "user", "content": "问题一"}])
    assert chat_turn(first).session_id == chat_turn(later).session_id != chat_turn(other_user).session_id
    assert chat_turn(first).history == ()


def test_a_completion_is_the_renderers_text() -> None:
    answer = _answer("共收到45家企业的备案申请", answered=True)
    content = completion(answer).choices[0].message.content
    assert content == "".join(answer_as_chat_pieces(answer)) == (
        f"共收到45家企业的备案申请\n\n{SOURCES_LABEL}\n[1] {DOCUMENT} › {SECTION}：“{QUOTE}”")
    streamed = [event for event in completion_events(answer) if '"content":"' in event]
    assert len(streamed) == 1 + len(answer_as_chat_pieces(answer))  # the empty first delta, then one per piece


def test_a_refusal_lists_the_nearest_sections() -> None:
    content = "".join(answer_as_chat_pieces(_answer(NOT_IN_LETTERS, answered=False)))
    assert content.startswith(NOT_IN_LETTERS + f"\n\n{NEAREST_LABEL}\n[1] ")
