"""Chinese numerals as numbers: 二〇二二 → 2022, 十四 → 14, 两 → 2, 三万九千 → 39000."""
from __future__ import annotations

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10 ** 4, "亿": 10 ** 8}


def chinese_number(text: str) -> int | None:
    """The value of Arabic or Chinese numerals; digit-by-digit years (二〇二二) too. None if not a number."""
    if text.isdigit():
        return int(text)
    if text and all(ch in CN_DIGITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    if not text or not any(ch in CN_DIGITS or ch == "十" for ch in text):
        return None  # 万, 千 alone are words, not numbers
    if any(ch not in CN_DIGITS and ch not in CN_UNITS and ch not in CN_BIG for ch in text):
        return None
    total = section = digit = 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            section += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            total = (total + section + digit) * CN_BIG[ch]
            section = digit = 0
    return total + section + digit
