"""Labelled header facts: reading a form's label–value lines and tables, and which label a question asks."""
from __future__ import annotations

from retrieval.labelled import MAX_VALUE_CHARS, asked_value, labelled_values

FORM_HEADER = """市水务局关于市人大十五届二次会议第88号建议的答复
领衔代表: 王小明
建议编号: 第88号 主办单位: 市水务局
协办单位: 市财政局,市住建局
类别 | 重点建议 | 办理状态 |
答复意见 | A已采纳() B部分采纳(√) C留作参考() |
"""


def _value(label: str) -> str:
    return next(v.value for v in labelled_values(FORM_HEADER) if v.label == label)


def test_colon_lines_and_table_rows_give_their_labels_values() -> None:
    assert _value("领衔代表") == "王小明"
    assert _value("建议编号") == "第88号"          # two labels on one line
    assert _value("主办单位") == "市水务局"
    assert _value("协办单位") == "市财政局,市住建局"
    assert _value("类别") == "重点建议"           # a table row: label | value | label | (empty)
    assert "办理状态" not in {v.label for v in labelled_values(FORM_HEADER)}


def test_a_tick_box_list_gives_the_ticked_option() -> None:
    assert _value("答复意见") == "B部分采纳"


def test_running_text_after_a_colon_is_not_a_value() -> None:
    line = "答复如下：" + "我局高度重视，" * (MAX_VALUE_CHARS // 7 + 1)
    assert not labelled_values(line)


def test_a_question_that_names_a_label_and_asks_for_it_gets_its_value() -> None:
    values = labelled_values(FORM_HEADER)
    assert asked_value("第88号建议的协办单位都有哪些？", values).value == "市财政局,市住建局"
    assert asked_value("这件建议的答复意见算哪一类？", values).value == "B部分采纳"
    assert asked_value("主 办 单 位是哪个？", values).value == "市水务局"


def test_a_question_that_only_mentions_a_label_is_not_answered_by_it() -> None:
    values = labelled_values(FORM_HEADER)
    assert asked_value("主办单位今年为治理内涝采取了哪些措施？", values) is None
    assert asked_value("主办单位做了哪些工作？", values) is None
    assert asked_value("市里的排水管网改造了多少公里？", values) is None
