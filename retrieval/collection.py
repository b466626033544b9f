"""Questions about the letters as a whole, and words that ask nothing of them.

"这些答复函一共有几封？", "列出所有答复", "How many letters do you have?" are answered with the indexed
letters themselves (their count and names); a greeting, thanks or "你能做什么？" gets a short note on what
can be asked, not "the letters do not contain the answer". Written by hand: a handful of fixed phrasings,
which no library models.
"""
from __future__ import annotations

import re

from .lexicon import normalize

# Asking how many letters there are, or for all of them, with no topic ("有几封答复提到停车？" has one).
_COLLECTION_ZH = re.compile(
    r"(几|多少)(封|份|件)(答复|复函|回复|来函|信|函|文件)?"
    r"|(列出|列一下|列举|罗列|有哪些|都有哪些|有什么|都有什么|是哪些)(所有|全部)?的?(答复|复函|回复|来函|信件?|函件?|文件)"
    r"|(所有|全部)的?(答复|复函|回复|来函|信件?|函件?|文件)(的)?(清单|目录|列表|名单|有哪些|是哪些)")
_COLLECTION_EN = re.compile(
    r"\bhow many (letters|replies|documents|files)\b|\blist (all |the |all the |every )?(letters|replies|documents|files)\b"
    r"|\b(which|what) (letters|replies|documents|files) (do you have|have you got|are (there|loaded|indexed|available))\b",
    re.I)
# Words of such a question that are not a topic: the letters, counting and listing, and the asker.
_NOT_A_TOPIC = re.compile(
    r"^(这些|那些|所有|全部|一共|总共|共|总计|目前|现在|系统|你|您|你们|我们|这里|里|中|有|收录|载入|存|存了|导入"
    r"|几|多少|几封|多少封|几份|多少份|封|份|件|列出|列举|罗列|清单|目录|列表|名单|哪些|什么|都|请|请问|一下"
    r"|答复|答复函|复函|回复|来函|信|信件|函|函件|文件|文号|标题|名称|名字"   # the listing gives each letter's 文号
    r"|letters?|replies|reply|documents?|files?|list|all|every|many|much|there|loaded|indexed|available|got|have)$",
    re.I)
# Letters named in a listing; more are counted, not named.
MAX_LISTED = 10

_GREETING = re.compile(r"^(你好|您好|嗨|哈喽|哈啰|早上好|上午好|下午好|晚上好|hello|hi|hey|good (morning|afternoon|evening))"
                       r"(呀|啊|哦)?$", re.I)
_THANKS = re.compile(r"^(谢谢|多谢|感谢|谢了|thanks|thank you|thx|many thanks)(你|您|啦|了)?( (very|so) much)?$", re.I)
_HELP = re.compile(r"^((你|您)(能|可以|会)(做|干|回答|帮我做?)(些)?(什么|啥)|(怎么|如何)(用|使用|提问)|帮助|使用说明"
                   r"|help|what can you do|how (do|can) i use (this|you)|who are you|你是谁)$", re.I)
_TRAILING = re.compile(r"[\s!！?？。.,，~～]+$")


def asks_about_the_letters(text: str, english: bool, topic_words: list[str]) -> bool:
    """A count or listing of the letters with no topic: ``topic_words``, the question's ideas, all name the
    letters, the counting or the asker."""
    pattern = _COLLECTION_EN if english else _COLLECTION_ZH
    return bool(pattern.search(normalize(text))) and all(_NOT_A_TOPIC.match(word) for word in topic_words)


def the_letters(labels: list[str], english: bool) -> str:
    """The letters' count and names (the first ``MAX_LISTED``), as an answer."""
    shown = labels[:MAX_LISTED]
    if english:
        more = f"; and {len(labels) - len(shown)} more" if len(labels) > len(shown) else ""
        return f"{len(labels)} letter{'s' if len(labels) != 1 else ''}: " + "; ".join(shown) + more
    more = f"；另有{len(labels) - len(shown)}封" if len(labels) > len(shown) else ""
    return f"共有{len(labels)}封答复函：" + "；".join(shown) + more


def small_talk(text: str) -> str | None:
    """"greeting", "thanks" or "help" for words that ask nothing of the letters, else None."""
    said = _TRAILING.sub("", normalize(text).strip())
    for kind, pattern in (("greeting", _GREETING), ("thanks", _THANKS), ("help", _HELP)):
        if pattern.match(said):
            return kind
    return None


def small_talk_reply(kind: str, english: bool, letters: int) -> str:
    """What a greeting, thanks or a request for help is answered with."""
    if english:
        if kind == "thanks":
            return "You're welcome. Ask me anything else about the letters."
        opening = "Hello! " if kind == "greeting" else ""
        return (f"{opening}I answer questions about the {letters} reply letter{'s' if letters != 1 else ''} loaded here, "
                "in Chinese or English, and cite where each answer comes from: ask for a figure, a measure, a reason, "
                "or a letter's 文号, date, contact or proposer.")
    if kind == "thanks":
        return "不客气，还有关于答复函的问题可以继续问我。"
    opening = "您好！" if kind == "greeting" else ""
    return (f"{opening}我回答已载入的{letters}封答复函里的问题（中文或英文），并注明每个答案出自哪封答复的哪一部分："
            "可以问数字、措施、原因，或某封答复的文号、日期、联系人、提案人。")
