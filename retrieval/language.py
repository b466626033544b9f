"""Which language a question is asked in: a few lines of no dependency, for front ends and the search alike."""
from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff]")


def is_english(text: str) -> bool:
    """True when a question is written in English (few or no CJK characters)."""
    cjk = len(CJK.findall(text))
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return latin > 0 and cjk * 3 < latin
