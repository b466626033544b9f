"""retrieval.places: when a place a question names rules a letter out."""
from __future__ import annotations

import pytest

from retrieval.lexicon import Segmenter
from retrieval.places import (BARE_NAME_LEVELS, PROVINCES, bare_name, division_names, is_place_name, letter_can_be_about,
                              names_another_of_its_rank, names_place_unmistakably, place_level, unmistakable_forms)

COUNTY_LETTER = "我县今年在城关镇新建了三所小学，全县入学率达到98%。"
CITY_LETTER = "佛山市教育局：本市今年新建学校12所。"


@pytest.mark.parametrize(("name", "level"), [
    ("浙江省", "province"), ("内蒙古自治区", "province"), ("江西", "province"), ("绍兴市", "city"),
    ("延边州", "city"), ("安吉县", "county"), ("海淀区", "county"), ("城关镇", "town"), ("石门乡", "town"),
    ("王庄村", "village"), ("河畔社区", "village"), ("凤凰", None), ("县", None),
])
def test_a_names_rank_comes_from_its_suffix_or_the_province_list(name: str, level: str | None) -> None:
    assert place_level(name) == level


def test_the_province_list_and_the_bare_name_ranks_are_what_the_docstrings_say() -> None:
    assert len(PROVINCES) == 34
    assert BARE_NAME_LEVELS == {"city", "county"}


@pytest.mark.parametrize(("name", "bare"), [("安吉县", "安吉"), ("环县", "环县"), ("绍兴市", "绍兴"), ("凤凰", "凤凰")])
def test_the_bare_name_keeps_two_characters_at_least(name: str, bare: str) -> None:
    assert bare_name(name) == bare


def test_a_letter_that_never_names_its_own_county_can_answer_for_it() -> None:
    assert letter_can_be_about(["安吉县"], COUNTY_LETTER, ["城关镇"], named_elsewhere=False)


def test_the_place_named_without_its_suffix_counts_as_named() -> None:
    assert letter_can_be_about(["佛山市"], "佛山今年新建学校12所。", [], named_elsewhere=True)


def test_another_place_of_the_same_rank_rules_the_letter_out() -> None:
    assert not letter_can_be_about(["绍兴市"], CITY_LETTER, ["佛山市"], named_elsewhere=False)
    # a bare name is compared at city and county rank
    assert not letter_can_be_about(["绍兴"], CITY_LETTER, ["佛山市"], named_elsewhere=False)


def test_a_place_of_another_rank_does_not_rule_the_letter_out() -> None:
    assert letter_can_be_about(["浙江省"], CITY_LETTER, ["佛山市"], named_elsewhere=False)


@pytest.mark.parametrize("asked, letter_places, expected", [
    (["勉县"], ["汉中市", "勉县", "城固县"], True),      # another county
    (["雅安"], ["雅安市", "宝兴县", "石棉县"], False),   # itself and places of another rank
    (["长安镇"], ["东莞市", "长安镇"], False),
    (["长安镇"], ["东莞市", "长安镇", "虎门镇"], True),
])
def test_another_place_of_the_asked_places_rank(asked: list[str], letter_places: list[str], expected: bool) -> None:
    assert names_another_of_its_rank(asked, letter_places) is expected


def test_a_place_another_letter_names_rules_this_one_out() -> None:
    assert not letter_can_be_about(["安吉县"], COUNTY_LETTER, ["城关镇"], named_elsewhere=True)


@pytest.mark.parametrize("name", ["襄阳", "襄阳市", "十堰", "沛县", "湖北", "城关镇", "王庄村", "河畔社区", "洪山区"])
def test_divisions_with_or_without_suffix_and_suffixed_local_names_are_places(name: str) -> None:
    assert is_place_name(name)


@pytest.mark.parametrize("name", ["英雄", "美丽", "湖泊", "庆典", "城市", "山区", "城镇", "自治州", "上市", "农林水产省", "文部省"])
def test_common_words_jieba_tags_as_places_are_not(name: str) -> None:
    assert not is_place_name(name)


def test_the_division_list_is_whole_and_holds_only_names() -> None:
    names = division_names()
    assert len(names) > 3000  # cpca's 2020 list: every province, prefecture and county
    assert {"襄阳市", "沛县", "洪山区", "北京市", "内蒙古自治区"} <= names
    assert all(place_level(name) is not None or name.endswith("岛") or "群岛" in name for name in names)


def test_the_segmenter_finds_places_but_not_words_tagged_as_places() -> None:
    segmenter = Segmenter()
    assert segmenter.places("英雄纪念碑建在十堰市哪里？") == ["十堰市"]
    assert "洪山区" in segmenter.places("洪山区今年建了几所学校？")


def test_an_organisation_named_with_its_division_is_a_place_check() -> None:
    # 北京市教委 is one word in jieba's dictionary, tagged as an organisation.
    assert "北京市" in Segmenter().places("北京市教委答复的联系电话是多少？")


@pytest.mark.parametrize(("word", "prefix"), [
    ("北京市教委", "北京市"), ("海淀区住建委", "海淀区"), ("双江拉祜族佤族布朗族傣族自治县政府", "双江拉祜族佤族布朗族傣族自治县"),
    ("北京市", None),          # a division's name alone is found as one
    ("城区改造", None),        # 城区 is a division too, but two characters begin too many words
    ("新建成", None),
])
def test_the_division_an_organisation_name_begins_with(word: str, prefix: str | None) -> None:
    from retrieval.places import division_prefix

    assert division_prefix(word) == prefix


@pytest.mark.parametrize(("alternatives", "text", "named"), [
    (["新建"], "今年新建学校3所。", False),            # a division's bare name that is also a common word
    (["新建"], "南昌市新建区教育局：", True),            # … named with its suffix
    (["襄阳"], "襄阳市住房和城乡建设局", True),
    (["襄阳"], "襄阳路公交站改造", False),
    (["沛县"], "沛县人民政府", True),
    (["湖北"], "湖北特色农产品", True),                 # a province's short name is how provinces are named
    (["城关镇"], "城关镇卫生院", True),
    (["城关镇"], "城关的卫生院", False),
])
def test_another_letter_names_a_place_only_unmistakably(alternatives: list[str], text: str, named: bool) -> None:
    assert names_place_unmistakably(alternatives, text) is named
    assert any(form in text for form in unmistakable_forms(alternatives)) is named  # the forms answering scans for


def test_a_places_unmistakable_forms() -> None:
    assert unmistakable_forms(["新建"]) == ("新建区",)            # a division's bare name: its full names
    assert unmistakable_forms(["沛县", "", "湖北"]) == ("沛县", "湖北")
    assert unmistakable_forms(["梧桐山"]) == ("梧桐山",)          # no division bears it: as it is
    assert unmistakable_forms(["襄阳", "襄阳市"]) == ("襄阳市",)   # each form once


def test_a_bare_name_has_the_rank_of_the_divisions_bearing_it() -> None:
    # 新建 is 新建区 (a county-rank district), so a letter naming a city is not thereby about another place.
    assert letter_can_be_about(["新建"], "今年在城区建设停车场4处。", ["佛山市"], named_elsewhere=False)
    assert not letter_can_be_about(["新建"], "今年在城区建设停车场4处。", ["南海区"], named_elsewhere=False)
    assert not letter_can_be_about(["襄阳"], "本市新建学校12所。", ["佛山市"], named_elsewhere=False)  # 襄阳市: a city


@pytest.mark.parametrize(("text", "places"), [
    ("张家寨村的学校什么时候建成？", ["张家寨村"]),     # 张家寨/nr 村/n: a name, then its rank suffix alone
    ("双桥镇的污水厂什么时候建成？", ["双桥镇"]),       # 双桥镇/nr: one word tagged as a person's name
    ("悦来镇今年完成了多少？", ["悦来镇"]),             # 悦来/nz 镇/n
    ("乡村振兴重点村有几个？", []),                     # 重点/n 村: a common word before the suffix
    ("大力支持镇村发展", []),
])
def test_the_segmenter_finds_towns_and_villages_jieba_tags_as_any_proper_name(text: str, places: list[str]) -> None:
    assert Segmenter().places(text) == places
