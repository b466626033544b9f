"""Units of measure: what a figure measures, and what a question asks a figure in."""
from __future__ import annotations

import pytest

from retrieval.values import MEASURES, asked_measure, measures_at, measures_in


@pytest.mark.parametrize("text, expected", [
    ("市财政安排资金2800万元", {"money"}),
    ("投资300余万元", {"money"}),
    ("新增耕地1200多亩", {"area"}),
    ("建筑面积1.2万平方米", {"area"}),          # 平方米 is an area, not a length in 米
    ("改造道路十二公里", {"length"}),
    ("年产饲料3万吨", {"weight"}),
    ("新建停车场4处，车位135个", set()),       # counting words measure nothing
    ("种植玉米和水稻", set()),                  # 米 without a figure
])
def test_a_figure_measures_what_its_unit_measures(text, expected):
    assert measures_in(text) == expected


def test_a_span_without_its_unit_is_measured_by_the_unit_after_it():
    text = "共投入2800万元，修建渠道15公里"
    start = text.index("2800")
    assert measures_at(text, start, start + 4) == {"money"}
    start = text.index("15")
    assert measures_at(text, start, start + 2) == {"length"}
    assert measures_at(text, 0, 3) == set()    # 共投入: no figure begins in it


@pytest.mark.parametrize("question, expected", [
    ("全县新修了多少公里灌溉渠道？", "length"),
    ("退耕还林一共多少万亩？", "area"),
    ("项目总投资是多少亿元？", "money"),
    ("坐一次公交要多少钱？", "money"),
    ("粮食总产量有多少吨？", "weight"),
    ("新建了几家养老机构？", None),              # a counting word asks a count, not a measure
    ("What was the total investment?", None),
    ("How many kilometres of rural roads were resurfaced?", "length"),
    ("How many square metres does the new library cover?", "area"),
    ("How much money did the city allocate?", "money"),
    ("How many teachers were recruited?", None),
])
def test_a_question_asks_for_the_measure_its_unit_names(question, expected):
    assert asked_measure(question) == expected


def test_every_unit_belongs_to_one_measure():
    units = [unit for unit_list in MEASURES.values() for unit in unit_list]
    assert len(units) == len(set(units))
