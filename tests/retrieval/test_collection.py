"""retrieval.collection: questions about the letters as a whole, and words that ask nothing of them."""
from __future__ import annotations

import pytest

from retrieval.collection import MAX_LISTED, asks_about_the_letters, small_talk, small_talk_reply, the_letters


@pytest.mark.parametrize(("text", "english", "words"), [
    ("这些答复函一共有几封？", False, ["答复函", "一共"]),
    ("你这里收录了多少份答复？", False, ["收录", "答复"]),
    ("列出所有的复函", False, ["列出", "所有", "复函"]),
    ("列出所有答复的文号", False, ["列出", "所有", "答复", "文号"]),
    ("How many letters do you have?", True, ["letters"]),
    ("List all the replies, please.", True, ["list", "replies"]),
])
def test_a_count_or_listing_of_the_letters_with_no_topic(text: str, english: bool, words: list[str]) -> None:
    assert asks_about_the_letters(text, english, words)


@pytest.mark.parametrize(("text", "english", "words"), [
    ("有几封答复提到了公交？", False, ["答复", "公交"]),          # a topic: the letters mentioning it
    ("全区有多少家企业？", False, ["全区", "企业"]),               # no letters asked about
    ("共有几份文件要求加快建设？", False, ["文件", "要求", "加快", "建设"]),
    ("How many letters did the bureau receive from residents?", True, ["letters", "bureau", "receive", "residents"]),
])
def test_a_question_with_a_topic_is_not_about_the_collection(text: str, english: bool, words: list[str]) -> None:
    assert not asks_about_the_letters(text, english, words)


def test_the_letters_are_counted_and_the_first_named() -> None:
    labels = [f"城建函〔2024〕{n}号" for n in range(1, 14)]
    text = the_letters(labels, english=False)
    assert text.startswith("共有13封答复函：") and labels[MAX_LISTED - 1] in text and labels[MAX_LISTED] not in text
    assert text.endswith(f"另有{13 - MAX_LISTED}封")
    assert the_letters(labels[:1], english=True) == "1 letter: 城建函〔2024〕1号"


@pytest.mark.parametrize(("text", "kind"), [
    ("你好", "greeting"), ("您好！", "greeting"), ("Hello!", "greeting"), ("good morning", "greeting"),
    ("谢谢！", "thanks"), ("Thank you very much.", "thanks"),
    ("你能做什么？", "help"), ("What can you do?", "help"), ("怎么用", "help"),
    ("你好，那封答复的文号是什么？", None), ("谢谢你的答复里提到的补贴是多少？", None), ("help desk phone number?", None),
])
def test_greetings_thanks_and_asking_for_help_are_told_apart_from_questions(text: str, kind: str | None) -> None:
    assert small_talk(text) == kind


def test_the_help_note_says_how_many_letters_can_be_asked_about() -> None:
    assert "3封答复函" in small_talk_reply("help", english=False, letters=3)
    assert "the 1 reply letter loaded" in small_talk_reply("greeting", english=True, letters=1)
