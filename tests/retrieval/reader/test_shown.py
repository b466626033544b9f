"""How spans are shown, and how calibration judges what is shown."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.reader.shown import (ANSWER_MAX_CHARS, SHORT_CLAUSE_CHARS, clause_around, ends_in_count, sentence_around,
                                    sentence_with_what_follows, shown_contains)

PASSAGE = "截至去年底，全区共建成充电桩1200个，覆盖率95%。下一步将继续推进老旧小区改造；力争明年完成。"


def _span(text: str, passage: str = PASSAGE) -> tuple[int, int]:
    start = passage.index(text)
    return start, start + len(text)


def test_a_span_is_shown_in_its_clause() -> None:
    assert clause_around(PASSAGE, *_span("1200个")) == "全区共建成充电桩1200个"


def test_a_bare_fragment_gets_the_clause_before_it() -> None:
    passage = "我区综合排名全省第8，较上年前进两位。"
    start = passage.index("第8")
    shown = clause_around(passage, start, start + 2)
    assert shown == "我区综合排名全省第8"
    fragment = "排名第8，较上年前进两位。"
    assert len("排名第8") < SHORT_CLAUSE_CHARS
    assert clause_around("去年数据显示，" + fragment, 9, 11).startswith("去年数据显示")


def test_a_clause_is_shown_from_after_a_lead_in_but_a_label_stays() -> None:
    passage = "现答复如下：林场建设时间2015年3月，总面积800亩。二、需要说明的是：目前场地平整已完成。联系电话：0123-4567890"
    assert clause_around(passage, *_span("2015年3月", passage)) == "林场建设时间2015年3月"
    assert clause_around(passage, *_span("场地平整已完成", passage)) == "目前场地平整已完成"
    assert clause_around(passage, *_span("0123-4567890", passage)) == "联系电话：0123-4567890"


def test_open_questions_get_the_sentence_within_the_limit() -> None:
    assert sentence_around(PASSAGE, *_span("1200个")) == "截至去年底，全区共建成充电桩1200个，覆盖率95%。"
    long_passage = "甲" * 400 + "关键内容" + "乙" * 400
    shown = sentence_around(long_passage, 400, 404)
    assert "关键内容" in shown and len(shown) <= ANSWER_MAX_CHARS + 2  # the two ellipses
    assert ANSWER_MAX_CHARS < 200  # score.py's limit on a direct answer


def test_calibration_counts_a_span_right_when_its_clause_holds_the_answer() -> None:
    start, end = _span("1200")  # the reader stopped short of the measure word
    assert shown_contains(PASSAGE, start, end, "1200个")
    assert shown_contains(PASSAGE, start, end, "１２００个")  # width and punctuation do not matter
    assert not shown_contains(PASSAGE, *_span("老旧小区改造"), "1200个")
    assert not shown_contains(PASSAGE, -1, -1, "1200个")


def test_a_figure_asked_alone_is_shown_without_the_other_listed_figures() -> None:
    passage = "今年全县新建篮球场12个、足球场3个，改造健身广场20处、口袋公园7个。"
    start = passage.index("3个")
    assert clause_around(passage, start, start + 2) == "今年全县新建篮球场12个、足球场3个"
    assert clause_around(passage, start, start + 2, one_figure=True) == "足球场3个"
    bare = "全年完成两项、3个"  # an item naming nothing it counts is not cut out
    assert clause_around(bare, 7, 9, one_figure=True) == bare
    first = passage.index("12个")
    assert clause_around(passage, first, first + 3, one_figure=True) == "今年全县新建篮球场12个"
    both = passage.index("20处")
    assert clause_around(passage, both, passage.index("7个") + 2, one_figure=True) == "改造健身广场20处、口袋公园7个"


def test_a_span_over_several_listed_figures_is_shown_as_the_item_naming_what_is_asked() -> None:
    passage = "今年全县新建篮球场12个、足球场3个，改造健身广场20处、口袋公园7个。"
    start, end = passage.index("20处"), passage.index("7个") + 2
    assert clause_around(passage, start, end, one_figure=True, about=("口袋公园",)) == "口袋公园7个"
    assert clause_around(passage, start, end, one_figure=True, about=("改造", "健身广场")) == "改造健身广场20处"
    # no item names more of the question than the others: both stay
    assert clause_around(passage, start, end, one_figure=True, about=("广场", "公园")) == "改造健身广场20处、口袋公园7个"
    assert clause_around(passage, start, end, one_figure=True, about=("足球场",)) == "改造健身广场20处、口袋公园7个"
    assert clause_around(passage, start, end, about=("口袋公园",)) == "改造健身广场20处、口袋公园7个"


def test_a_figures_item_is_not_cut_inside_its_brackets() -> None:
    passage = "目前，31个省（区、市）均已按50%的顶格幅度执行。"
    start = passage.index("31个省")
    assert clause_around(passage, start, start + 4, one_figure=True) == "31个省（区、市）均已按50%的顶格幅度执行"
    listed = "建成停车场（含立体、地下）12个、充电站3处。"  # 、 inside brackets does not make an item, outside it does
    assert clause_around(listed, listed.index("12个"), listed.index("12个") + 3, one_figure=True) == "建成停车场（含立体、地下）12个"


def test_a_list_of_names_is_shown_whole_when_one_figure_is_asked() -> None:
    passage = "目前已建成城东公园、城西公园和滨江公园3处，总面积15公顷。"
    start = passage.index("城西公园")
    assert clause_around(passage, start, start + 4, one_figure=True) == "目前已建成城东公园、城西公园和滨江公园3处"


def test_a_sentence_ending_in_a_colon_is_shown_with_what_follows_it() -> None:
    passage = "综合全区现状，该路段暂不适宜纳入计划，原因如下：\n1.路面较窄，大车难以通行。\n2.沿线村组尚未完成征地。"
    shown = sentence_around(passage, *_span("原因如下", passage))
    assert shown == "原因如下： 1.路面较窄，大车难以通行。 2.沿线村组尚未完成征地。"


def test_what_follows_a_colon_comes_from_the_next_chunk_when_the_passage_ends_there() -> None:
    passage = "经研究，现答复如下："
    shown = sentence_around(passage, *_span("现答复如下", passage), following="一是加快道路刷黑。二是升级县道。")
    assert shown == "现答复如下： 一是加快道路刷黑。二是升级县道。"
    alone = sentence_around(passage, *_span("现答复如下", passage))
    assert alone == "经研究，现答复如下："  # nothing follows: the sentence as it is


def test_what_follows_a_colon_is_cut_at_a_sentence_end_within_the_limit() -> None:
    items = "\n".join(f"{n}.第{n}项措施的具体内容写在这里并且相当长。" for n in range(1, 20))
    shown = sentence_around("主要做法如下：\n" + items, 0, 4)
    assert shown.startswith("主要做法如下： 1.第1项") and "2.第2项" in shown
    assert shown.endswith("。") and len(shown) <= ANSWER_MAX_CHARS


def test_a_span_ending_in_a_count_is_told_from_one_naming_things() -> None:
    assert ends_in_count("2条") and ends_in_count("建设停车场4处") and ends_in_count("八家企业")
    assert not ends_in_count("258路") and not ends_in_count("2021年") and not ends_in_count("木林森")
    assert not ends_in_count("1500亩")  # a measure, not a count


def test_a_count_is_shown_with_the_rest_of_its_paragraph() -> None:
    passage = "今年新建停车场3处。分别位于东门、西站和北湖公园。\n下一步将继续增加车位。"
    start = passage.index("3处")
    assert sentence_with_what_follows(passage, start, start + 2) == "今年新建停车场3处。分别位于东门、西站和北湖公园。"


def test_a_count_ending_its_paragraph_is_shown_with_the_next_one() -> None:
    passage = "1.今年优化了2条公交线路。"
    start = passage.index("2条")
    shown = sentence_with_what_follows(passage, start, start + 2, following="5路延伸至高铁站。\n3.其他工作。")
    assert shown == "1.今年优化了2条公交线路。5路延伸至高铁站。"
    assert sentence_with_what_follows(passage, start, start + 2) == "1.今年优化了2条公交线路。"


_TEXT = st.text(alphabet=st.sampled_from(list("今年建成停车场4处，分别位于：东门西站。原因如下:\n1.2、；a ")), max_size=400)


@given(passage=_TEXT, following=_TEXT, data=st.data())
@settings(max_examples=200, deadline=None)
def test_whatever_the_text_what_is_shown_stays_within_the_limit(passage, following, data) -> None:
    start = data.draw(st.integers(0, max(0, len(passage) - 1)))
    end = data.draw(st.integers(start, len(passage)))
    for shown in (sentence_around(passage, start, end, following=following),
                  sentence_with_what_follows(passage, start, end, following=following)):
        assert len(shown) <= ANSWER_MAX_CHARS + 2  # the two ellipses of a cut


def test_a_span_starting_a_line_is_shown_without_the_line_before() -> None:
    # The reader's span may take the line break before it; its clause is still its own line's.
    passage = "一、关于建立名录管理机制\n2021年3月，新修订的条例正式施行，首次作出规定。"
    start = passage.index("\n2021")
    assert clause_around(passage, start, start + len("\n2021年3月")) == "2021年3月"
    assert sentence_around(passage, start, start + len("\n2021年3月")).startswith("2021年3月")


def test_words_joined_by_a_list_mark_are_not_a_list_of_figures() -> None:
    # 市、县 and 划、立、治 are words joined by 、: the figure asked keeps its whole clause.
    passage = "方案要求用两年时间完成市、县两级水源保护区“划、立、治”三项重点任务。"
    start = passage.index("两年")
    assert clause_around(passage, start, start + 2, one_figure=True) == passage.rstrip("。")
