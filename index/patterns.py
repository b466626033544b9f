"""The vocabulary of a reply letter (答复函), defined once.

Cleaning (which lines stand alone), metadata (which facts a line gives),
structure (where the header, body and sign-off are) and retrieval (which
values a sentence holds) all read letters with these patterns, so they agree
on what a label line, a date or a 文号 is.
"""
from __future__ import annotations

import re


def _spaced(word: str) -> str:
    """``word`` allowing one stray space between its characters ("抄 送")."""
    return r"\s?".join(re.escape(ch) for ch in word)


LABEL_WORDS = (
    "联系人", "联系电话", "电话", "联系方式", "手机", "经办人", "承办人", "签发人",
    "公开方式", "公开属性", "信息公开", "抄送", "抄报", "主送", "附件", "主题词", "印发", "发送",
    "主办单位", "协办单位", "会办单位",
)
"""Words that open a labelled header or sign-off line ("联系人：…", "抄送：…")."""

_LABEL = "|".join(_spaced(word) for word in sorted(LABEL_WORDS, key=len, reverse=True))
LABEL_LINE = re.compile(
    rf"^[（(]?\s*(?:(?:{_LABEL})\s*(?:[：:\d]|[^，。；;：:\n]{{1,8}}?[：:])|此件|本件)"
)
"""A labelled line: a label word then its colon (or a number: "附件1"), perhaps after a few words
("联系人及电话：", "抄送单位："); or a disclosure note "（此件主动公开）"."""


def is_label_line(line: str) -> bool:
    """True for labelled lines like "联系人：…", "电话：…", "抄送：…", "签发人：…", "（此件主动公开）"."""
    return LABEL_LINE.match(line) is not None
