"""Labelled facts in a letter's header: "会办单位: 贵阳市政府,…", "办理结果 | A已解决() B正在解决(√) …".

The forms letters are published in (a 建议提案 system's page, a 办理情况 report's table) set facts beside
labels that the metadata parser has no field for. A question that names a label and asks for it ("会办单位
有哪些？", "办理结果算哪一类？") is answered with the label's value. Hand-written: these are a page's
layout, not language, and no library reads them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A label: 2–12 Chinese characters ending in a colon, or a table cell of them (spaces inside, as in "案 由":
# not before a colon, where "省生态移民局 会办单位:" would read as one label).
_COLON_LABEL = re.compile(r"([\u4e00-\u9fff]{2,12})\s*[:：]\s*")
_CELL_LABEL = re.compile(r"^[\u4e00-\u9fff](?:[\u4e00-\u9fff ]{0,10})[\u4e00-\u9fff]$")
# A value longer than this is running text that happens to follow a colon, not a form's field.
MAX_VALUE_CHARS = 150
# The question asks for the label's value: the label is followed by an asking word, after at most a
# copula (会办单位有哪些, 办理结果算哪一类, 案由是什么); "主办单位做了哪些工作" asks something else.
_ASKING = re.compile(r"^(?:都|分别)?(?:是|有|为|算|属于|属)?(?:哪|什么|谁|几|多少)")
# A tick-box list ("A已解决() B正在解决(√)"): the ticked option is the value.
_TICKED = re.compile(r"([A-DＡ-Ｄ]?[\u4e00-\u9fff]+)\s*[（(]\s*[√✓✔☑]\s*[）)]")


@dataclass(frozen=True)
class LabelledValue:
    label: str      # without spaces
    value: str      # as shown: the ticked option of a tick-box list, else the value
    line: str       # the line it stands in (what is quoted)


def labelled_values(text: str) -> list[LabelledValue]:
    """The label–value pairs of a header's lines: table rows (label | value | label | value) and
    colon lines (label: value, several on one line)."""
    found = []
    for line in text.splitlines():
        cells = line.split("|")
        pairs = (_cell_pairs(cells) if len(cells) > 1 else []) + [pair for cell in cells for pair in _colon_pairs(cell)]
        for label, value in pairs:
            value = " ".join(value.split()).strip("，,；;。 ")
            if not value or len(value) > MAX_VALUE_CHARS:
                continue
            ticked = _TICKED.search(value)
            found.append(LabelledValue(label.replace(" ", ""), ticked.group(1) if ticked else value, line.strip()))
    return found


def asked_value(question: str, values: list[LabelledValue]) -> LabelledValue | None:
    """The value whose label the question names and asks for (the longest such label)."""
    text = re.sub(r"\s+", "", question)
    asked = []
    for item in values:
        at = text.find(item.label)
        if at >= 0 and _ASKING.match(text[at + len(item.label):]):
            asked.append(item)
    return max(asked, key=lambda item: len(item.label), default=None)


def _cell_pairs(cells: list[str]) -> list[tuple[str, str]]:
    cells = [cell.strip() for cell in cells]
    pairs, i = [], 0
    while i + 1 < len(cells):
        if _CELL_LABEL.match(cells[i]) and cells[i + 1]:
            pairs.append((cells[i], cells[i + 1]))
            i += 2
        else:
            i += 1
    return pairs


def _colon_pairs(line: str) -> list[tuple[str, str]]:
    labels = list(_COLON_LABEL.finditer(line))
    ends = [m.start() for m in labels[1:]] + [len(line)]
    return [(m.group(1), line[m.end():end]) for m, end in zip(labels, ends)]
