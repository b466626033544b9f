"""Values in running Chinese text that answering and the LLM guard read: measure words, dates, years, the
form an answer takes."""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from index.patterns import DAY, MONTH, YEAR

MEASURE_WORDS = (
    "万元|亿元|千元|元|万人|万户|万个|万家|万套|万平方米|平方米|平方公里|公里|千米|米|吨|万吨|亩|公顷|"
    "个|家|项|期|人|名|套|次|批|所|座|条|台|件|户|场|份|篇|部|辆|张|本|处|栋|间|层|支|类|种|位|例|届|轮|天|小时|年|月|岁|倍|余|多"
)
"""Units a counted number is followed by (多少家 asks for 家)."""
CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
"""What ends a clause of running text (a span is shown in its clause; a figure's clause says what it counts)."""
DATE = re.compile(rf"(?P<year>{YEAR})年(?:(?P<month>{MONTH})月(?:(?P<day>{DAY})日)?)?(?:年底|年末|底)?")
"""A year, a month or a day in running text: 2021年年底, 2022年6月, 二〇二二年六月十四日."""


def years_in(text: str) -> set[str]:
    """Four-digit years mentioned in ``text``."""
    return set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text))


# Units of measure by what they measure. A figure in one of these answers a question asking for another
# only by mistake (多少万亩 answered with 400万元). Counting words (个, 家, 项, 处 …) are not here: Chinese
# tells one count with several of them (多少个 → 4处), so they cannot say a figure misses the question.
# _UNITS tries longer units first, so 平方米 is an area and not 米, a length.
COUNT = "count"   # what a question counting things asks for (asked_measure): a figure without a unit of measure
MEASURES: dict[str, tuple[str, ...]] = {
    "area": ("平方公里", "平方米", "公顷", "亩"),
    "money": ("元", "美元", "日元", "港元", "欧元", "英镑"),
    "length": ("公里", "千米", "米"),
    "weight": ("公斤", "千克", "吨", "斤"),
}
_UNITS = sorted(((unit, measure) for measure, units in MEASURES.items() for unit in units), key=lambda u: -len(u[0]))
_UNIT_ALTERNATIVES = "|".join(unit for unit, _ in _UNITS)
_NUMERAL = r"(?:\d[\d,.]*|[零〇一二两三四五六七八九十百千]+)"
# A figure and its unit: 400万元, 3000多亩, 1.5公里, 十二万吨, 300余万元.
_MEASURED_FIGURE = re.compile(rf"{_NUMERAL}(?:多|余)?(?:[万亿千百])?(?:多|余)?({_UNIT_ALTERNATIVES})")
# A Chinese question asking for a unit: 多少万亩, 几公里, 多少亿元, 多少钱.
_ASKED_UNIT = re.compile(rf"(?:多少|几)(?:[万亿千百])?({_UNIT_ALTERNATIVES})")
# Money is also asked by what it is (多少资金, 经费是多少), not only 多少钱.
_MONEY_WORDS = r"(?:资金|经费|投资|费用|预算|补助资金|补助|补贴|奖补资金|奖补|成本|款项)"
_ASKED_MONEY = re.compile(rf"多少钱|多少{_MONEY_WORDS}|{_MONEY_WORDS}(?:是|为|有|达到?|共|一共|总共|总计)?多少(?![个家项笔次])")
# A Chinese question counting things (多少家, 几个, 多少万人): its figure has no unit of measure. Measured on CMRC
# 2018 trial and DRCD dev/test (2026-12-06): of the 169 questions counting with one of these words and naming no
# unit of measure, no gold answer is a figure with one (元, 亩, 公里, 吨), where the reader had answered
# "有多少家企业获得省专项资金支持？" with 2198.56万元. 几个亿 counts money.
# Words a count is made with (4处, 2条, 八家): not units of time or measure, which answer when and how much.
COUNTING_WORDS = "个|家|项|期|人|名|套|次|批|所|座|条|台|件|户|场|份|篇|部|辆|张|本|处|栋|间|层|支|类|种|位|例|届|轮"
_ASKED_COUNT = re.compile(rf"(?:多少|几)(?:[万亿千百])?(?:{COUNTING_WORDS})(?![亿万]|千万|百万)")
# A figure asked (asks_a_figure) is a numeral that counts or measures, not a name with a numeral in it: a numeral
# glued to a capital letter names a grade, a generation or a model (国家4A, 5G, 3D, G20), so "升格为国家4A、5A级
# 景区" answers no 多少家. Measured on CMRC 2018 trial and DRCD dev/test (benchmarks/answer_forms.py, 2026-12-06):
# check "figure", 529 of the 533 gold answers to questions asking a figure hold such a numeral (the others: 欧盟,
# 土制装甲 for a 这几年 question, 六, 6500K); check "count" (counting with a measure word), 140 of 144 (the others
# answer which-questions with a 几 in them, 北朝几个朝代中，哪个朝代…, which asks_a_figure leaves out). Read over
# the held-back and calibration splits (English copies included), the shipped reader answers one of the 130
# question sets it applies to differently: an unanswerable one, refused with the check.
_NAMING_NUMERAL = re.compile(r"(?<![A-Za-z\d.])\d[\d,.]*(?=[A-Z](?![A-Za-z]))|(?<=[A-Za-z])\d[\d,.]*")
_ANY_NUMERAL = re.compile(_NUMERAL)


# Nor is an ordinal (第一) a count, nor a heading's number (一、, 1.), nor 一 in words where it counts nothing: a
# vague amount (一批, 一些, 一系列) or no amount at all (统一, 进一步, 一直, 一体化).
_NO_COUNT_ONE = re.compile(r"第[零〇一二两三四五六七八九十百千\d]+|(?<=[统唯同进万])一|一(?=批|些|系列|部分|大批|定|直|起|步|般|体|道|致|切|同|并|线|流|方面)"
                           r"|(?:^|(?<=[\n\s(（›]))[一二三四五六七八九十\d]+(?=[、．.)）](?!\d))")   # a heading's 一、 or 1.


# A question asking for a figure: how many, how much, how large or long (多大, 多长: not 多大作用), and no which, what
# or who (北朝几个朝代中，哪个朝代…; 人口数量最多的岛为哪一个岛 asks for a name).
_ASKS_A_FIGURE = re.compile(r"多少|几|多(?:大|长|远|高|宽|深|重)(?!程度|作用|影响|意义|变化|的?(?:作用|影响|意义|变化|困难|问题|区别))"
                            r"|how (?:many|much|large|big|long|far|high|tall|wide|deep|heavy)\b", re.I)
_ASKS_A_NAME = re.compile(r"哪|什么|谁|\b(which|what|who)\b", re.I)
_ASKS_A_PLACE_IN_AN_ORDER = re.compile(r"第几|排名|名次|位列|排第|位居|\brank", re.I)


# English also asks a figure by what it measures: "What is the area of …?", "What was the total cost …?".
_ASKS_WHAT_FIGURE = re.compile(r"\bwhat (?:is|was|are|were|will be) the (?:total |overall |combined |estimated )?"
                               r"(?:area|number|amount|length|size|cost|budget|population|output|sum|investment|capacity)\b"
                               r"(?! of (?:the|this|that|its) (?:\w+ ){0,3}(?:suggestion|proposal|motion|letter|reply|document))",
                               re.I)


def asks_a_figure(question: str) -> bool:
    """Whether a question asks for a figure (多少家, 几个, how many, what is the area), not for a name (哪个,
    which) or a place in an order (第几, 排名)."""
    if _ASKS_A_PLACE_IN_AN_ORDER.search(question):
        return False
    return bool(_ASKS_WHAT_FIGURE.search(question)) or (bool(_ASKS_A_FIGURE.search(question))
                                                        and not _ASKS_A_NAME.search(question))


# A share (28.0%, 百分之十, 3个百分点) answers only a question asking one: "5G用户有多少万户？" is not answered with
# "5G用户占比为28.0%". A change (增加多少) may be given as a share too. Measured on CMRC 2018 trial and DRCD dev/test
# (benchmarks/answer_forms.py, check "share", 2026-12-06): 469 of the 470 gold answers to questions asking a figure
# but no share or change are no share only (the other: 有多少的国民生产总值… → 2.8%); the shipped reader's answers to
# the 120 held-back and calibration question sets it applies to are the same with it and without.
_ASKS_A_SHARE = re.compile(r"比例|比重|占比|百分|份额|率|成数|几成|增加|增长|提高|提升|下降|减少|降低|上升|占"
                           r"|percent|proportion|share|\brate\b|increase|rise|grow|fall|drop|decrease|%|％", re.I)
_SHARE = re.compile(r"\d[\d,.]*\s*(?:%|％|个?百分点)|百分之[零〇一二两三四五六七八九十百点\d.]+|[一二三四五六七八九十]成(?![立为本员果功绩就])")


# A figure's answer is short: of the data's 533 gold answers to questions asking a figure, 99% are at most 39
# characters (median 4; benchmarks/answer_forms.py, check "figure length", 2026-12-06). A longer span is a
# sentence the reader fell back on, not a figure ("How many CIO filings were received?" had been answered with
# an 80-character sentence on 11家龙头骨干企业 and 1.3亿元 of investment).
MAX_FIGURE_SPAN_CHARS = 39
# ... and lies within one sentence: "8座。2023年新改建农村公路198公里" is two answers, read as one span when the checks
# had ruled out its second sentence's alone. Gold answers to questions asking a figure holding a sentence end
# inside them (2026-12-08): letter questions 0 of 617; CMRC/DRCD 3 of 533, each also over MAX_FIGURE_SPAN_CHARS.
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")


def asks_a_share(question: str) -> bool:
    """Whether a question asks for a share or a rate (占比多少, what percentage)."""
    return bool(_ASKS_A_SHARE.search(question))


def only_shares_at(text: str, start: int, end: int) -> bool:
    """Whether every figure of ``text[start:end]`` (its sign just after it included) is a share (28.0%)."""
    shares = [m.span() for m in _SHARE.finditer(text, max(0, start - 3), min(len(text), end + 4))]
    numerals = _counting_numerals(text, start, end)
    return bool(numerals) and all(any(a <= at < b for a, b in shares) for at in numerals)


def gives_the_figure(text: str, start: int, end: int, share_asked: bool) -> bool:
    """Whether span ``text[start:end]`` can answer a question asking a figure: short (MAX_FIGURE_SPAN_CHARS) and
    in one sentence, with a numeral that counts or measures, and no share alone unless a share or a change is asked."""
    return (end - start <= MAX_FIGURE_SPAN_CHARS and not _SENTENCE_BREAK.search(text[start:end].rstrip("。！？!?\n"))
            and counted_at(text, start, end)
            and (share_asked or not only_shares_at(text, start, end)))


def counted_at(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a numeral that counts (45家, 八条, 2,790,060: not 4A, 第一, 一批)."""
    return bool(_counting_numerals(text, start, end))


def _counting_numerals(text: str, start: int, end: int) -> list[int]:
    """Where the numerals of ``text[start:end]`` that count or measure begin (not 4A, 第一, 一批, a heading's 一、)."""
    window = (max(0, start - 1), min(len(text), end + 2))
    not_counts = {m.start() for m in _NAMING_NUMERAL.finditer(text, *window)}
    not_counts |= {m.start() + m.group(0).startswith("第") for m in _NO_COUNT_ONE.finditer(text, *window)}  # 第一's 一
    return [start + m.start() for m in _ANY_NUMERAL.finditer(text[start:end]) if start + m.start() not in not_counts]


# The same in an English question: the unit within a few words of "how many/much" (how many kilometres of road).
_ENGLISH_UNITS = {
    "area": r"mu|hectares?|square (?:kilo)?met(?:er|re)s?",
    "money": r"yuan|rmb|money",
    "length": r"kilomet(?:er|re)s?|km|met(?:er|re)s?",
    "weight": r"tonnes?|tons?|kilograms?|kg|jin",
}
# An English question asking what something cost: "how much money …", "how much did … spend/invest …".
_ENGLISH_ASKS_MONEY = re.compile(r"\bhow much money\b|\bhow much (?:did|does|do|will|would|has|have|had|was|were|is)\b.*"
                                 r"\b(?:spen[dt]|cost|invest|allocat|budget|pa(?:y|id)|fund|subsidi|set aside|earmark)", re.I)
_ENGLISH_ASKED_UNIT = re.compile(
    rf"\bhow (?:many|much)\s+(?:\w+\s+){{0,2}}?({'|'.join(_ENGLISH_UNITS.values())})\b", re.I)
# "How many" with no unit of measure after it counts things (how many teachers, how many factory buildings):
# "74800平方米" does not answer it. Not "how many million/billion …", which may leave a sum's unit unsaid.
# Measured on the 1,809 English renderings of reading-comprehension questions (retrieval/reader/data/
# english_training_questions.tsv, 2026-12-06): of the 46 asking "how many" and naming no unit, no gold answer
# is a figure with a unit of measure. Not measured on the word-by-word glosses, which render every 多少 (多少亩
# too) as "how many".
_ENGLISH_ASKED_COUNT = re.compile(r"\bhow many\b(?!\s+(?:\w+\s+)?(?:million|billion|thousand|hundred|lakh)\b)", re.I)


def _measure_of(unit: str) -> str:
    return next(measure for candidate, measure in _UNITS if candidate == unit)


def measures_in(text: str) -> set[str]:
    """What the figures of ``text`` with a unit of measure measure (400万元 → money)."""
    return {_measure_of(match.group(1)) for match in _MEASURED_FIGURE.finditer(text)}


def measures_at(text: str, start: int, end: int) -> set[str]:
    """What the figures with a unit of measure that begin inside ``text[start:end]`` measure (a span "400" of
    "400万元" is money: its unit may lie just after it)."""
    window = text[start:end + max(len(unit) for unit, _ in _UNITS) + 2]  # room for 多, 万 and the unit
    return {_measure_of(m.group(1)) for m in _MEASURED_FIGURE.finditer(window) if m.start() < end - start}


def asked_measure(question: str) -> str | None:
    """The measure a question asks a figure in (多少万亩 → area; how many kilometres → length; 多少家 or how many
    teachers → a count, which no unit of measure measures), or None."""
    if _ASKED_MONEY.search(question) or _ENGLISH_ASKS_MONEY.search(question):
        return "money"
    match = _ASKED_UNIT.search(question)
    if match:
        return _measure_of(match.group(1))
    if _ASKED_COUNT.search(question):
        return COUNT
    match = _ENGLISH_ASKED_UNIT.search(question)
    if match:
        word = match.group(1).lower()
        return next(m for m, pattern in _ENGLISH_UNITS.items() if re.fullmatch(pattern, word, re.I))
    if _ENGLISH_ASKED_COUNT.search(question):
        return COUNT
    return None


# The form a question says its answer takes, and what a span in that form holds (with FORM_CONTEXT_CHARS on
# either side, where 第 or 日 often lie). A span without it answers another question: 哪天开园 is not
# answered by 2021年10月前, 几类水 not by 14个, 排名第几 not by 820辆. Measured on every question of CMRC 2018
# trial and DRCD dev/test (benchmarks/answer_forms.py, 2026-12-06), the gold answer holds the form it is asked
# in for day 17 of 17 (lunar 七月初十 included), month 8 of 9, year 669 of 670, kind 11 of 11, rank 34 of 35
# (第几号 asks a number: 18 of 18 days and 33 of 34 ranks before it was read so), time 341 of 345 (the 4 others
# answer another part of the question: 何时之后脱离荷兰统治 → 荷兰). People write 啥时候 for 什么时候: the letter
# questions' 32 gold answers to it all hold a time (2026-12-08).
# Listed in the order tried: 几月几日 asks a day before it asks a month.
ANSWER_FORMS: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "day": (re.compile(r"哪一?[天日]|(?<!第)几号|几月几[日号]|什么日子|何日|(?:什么|哪个)日期|日期(?:是|为)(?:什么|哪天|何时)"
                       r"|\b(?:which|what) (?:day|date)\b", re.I),
            re.compile(r"(?<!\d)\d{1,2}\s*[日号]|[〇零一二三四五六七八九十廿卅]{1,3}[日号]|月(?:初[一二三四五六七八九十]|[廿卅一二三四五六七八九十])"
                       r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")),
    "month": (re.compile(r"哪一?个?月|(?<!几)几月|什么月份|\b(?:which|what) month\b", re.I),
              re.compile(r"月|\d{4}[-/.]\d{1,2}")),
    "year": (re.compile(r"哪一?年|几几年|(?:什么|哪个)年份|何年(?!纪)|\b(?:which|what) year\b", re.I),
             re.compile(r"年|(?<!\d)(?:19|20)\d{2}(?!\d)")),
    # 哪几类 asks which kinds (a list of names), not how many.
    "kind": (re.compile(r"(?<!哪)(?:几|多少)[类种级等]"),
             re.compile(r"[类种级等档]")),
    "rank": (re.compile(r"第几|排名?第?几|\b(?:what|which) (?:rank|ranking|place|position)\b|\brank(?:ed|s)? (?:what|where)\b", re.I),
             re.compile(r"第|首|位|名|号|冠军|亚军|季军|榜首|前[一二三四五六七八九十\d]|末")),
    # 什么时候, 何时, when: any time expression (a figure, a unit or word of time, a dynasty), not a meeting's
    # name (十三届人大三次会议) or a proposal's title.
    "time": (re.compile(r"什么时候|啥时候|何时|什么时间|啥时间|^\s*(?:since |until |by )?when\b", re.I),
             re.compile(r"(?<!\d)(?:1[5-9]|20)\d{2}(?!\d)|\d\s*[号点]|\d{1,2}[:：]\d{2}"
                        r"|年|月|日|世纪|季|旬|时|期|间|前|后|初|末|底|中"
                        r"|今|明|昨|去|春|夏|秋|冬|周|星期|天|晚|早|夜|午|当|正在|目前|现在|之际|同年|次年|翌"
                        r"|[秦汉晋隋唐宋元清]")),
}
FORM_CONTEXT_CHARS = 2
# Words holding a character of the time form that name no time, taken out of a span's window before a time is
# looked for: the commonest such words of the 112 training letters (jieba's words met 5 times or more, place names
# left out; 2026-12-08), and 年产/年均 (a year's output, a yearly average). "…管理办法啥时候出台？" is not answered with
# 研究出台《…中小微企业…办法》, nor "When will the platform open?" with 预计年产大黄鱼1200吨. Of the 413 gold answers
# to time questions (CMRC/DRCD and the letter questions), 409 hold a time with these words taken out as before.
_NAMES_NO_TIME = re.compile(r"其中|中心|周边|集中|中小|中央|中国|中华|中学|初中|高中|中职|中药|中西部|中医|青少年|少年|老年|青年"
                            r"|年龄|周岁|年产|年均|空间|民间|车间|明确|明显|说明|光明|照明|前提|卫星|世界|当地|适当|日常|天然|天气")


def asked_form(question: str) -> str | None:
    """The form a question says its answer takes (哪一天 → day, 几类 → kind, 第几 → rank), or None."""
    return next((form for form, (asked, _) in ANSWER_FORMS.items() if asked.search(question)), None)


def holds_form(text: str, start: int, end: int, form: str) -> bool:
    """Whether ``text[start:end]``, with FORM_CONTEXT_CHARS on either side, is in ``form`` (a day: 10月8日)."""
    window = text[max(0, start - FORM_CONTEXT_CHARS):end + FORM_CONTEXT_CHARS]
    if form == "time":
        window = _NAMES_NO_TIME.sub(" ", window)
    return bool(ANSWER_FORMS[form][1].search(window))


# A date asked of a project's start (何时开工, when will construction begin) or of its end (何时建成, 完工, 投用, when
# will it open) is not answered with a date its clause gives for the other: 啥时候能完工 not with 力争2024年开工,
# 预计啥时候开工 not with 计划于2017年底前完成. Measured on the gold answers (2026-12-08): of the letter questions'
# 71 date questions 27 ask one milestone, and each gold clause gives it (27 of 27); of the reading-comprehension
# data's, 24 of 24 (benchmarks/answer_forms.py, check "milestone").
# The words a letter says a project started or was done with; a question asks with them too (and 开始建, 启动建设,
# 开始施工, which a letter's 开始 and 启动 cover).
_STARTED = r"开工|动工|开建|破土"
_FINISHED = r"完工|竣工|建成|建好|修好|修完|完成|投用|投入使用|投运|交付|开通|开放|通车|开业|运营|投产"
MILESTONES: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "start": (re.compile(rf"{_STARTED}|开始建|启动建设|开始施工"
                         r"|\b(?:start|begin|began|begun)\w*\s+(?:construction|building|work|to build)"
                         r"|\b(?:construction|work|building)\b[\w\s,'-]{0,60}?\b(?:start|begin|began|begun)"
                         r"|\b(?:break|broke)\s+ground|groundbreaking", re.I),
              re.compile(rf"{_STARTED}|开始|启动")),
    "finish": (re.compile(rf"{_FINISHED}"
                          r"|\bcomplet|\bfinish|\bopen|\boperat|\bin service|\bup and running|\bready\b|\bdone\b"
                          r"|\bbuilt\b|\bin use\b", re.I),
               re.compile(_FINISHED)),
}


def asked_milestone(question: str) -> str | None:
    """The milestone a date question asks of a project (开工 → start, 建成 → finish), or None when it asks of
    neither or of both (什么时候动工，什么时候能修完)."""
    asked = [name for name, (asks, _) in MILESTONES.items() if asks.search(question)]
    return asked[0] if len(asked) == 1 else None


def milestone_missing(text: str, start: int, end: int, milestone: str) -> bool:
    """Whether the clause of span ``text[start:end]`` gives another milestone than ``milestone`` and not it."""
    left, right = _clause_around(text, start, end)
    gives = {name: bool(pattern.search(text, left, right)) for name, (_, pattern) in MILESTONES.items()}
    return not gives[milestone] and any(given for name, given in gives.items() if name != milestone)


# A figure asked of the present (现在, 目前, so far) is not one a plan aims at: "村里的电商服务点现在有多少个？" is
# not answered by 推动村级服务点年底前达到500个, whose clause gives a target (力争, 计划, 年底前…) and nothing done
# (已, 累计, 现有…). A question asking the plan itself (计划, 打算, will, aim) is not asking the present. Measured on
# the gold answers (2026-12-08): of the letter questions' 67 asking a figure as things stand, none is a plan's target
# alone; CMRC/DRCD, 27 of 27 hold (benchmarks/answer_forms.py --check present).
_ASKS_PRESENT = re.compile(r"现在|目前|眼下|如今|现有|至今|已经|\bnow\b|\bcurrently\b|\bso far\b|\bto date\b"
                           r"|\bat present\b", re.I)
_ASKS_PLAN = re.compile(r"计划|打算|准备|将来|力争|目标|预计|规划|\bwill\b|\bplan|\baim|\bexpect|\btarget|\bgoal|\bintend",
                        re.I)
_PLANNED = re.compile(r"力争|计划|拟|预计|目标|争取|年底前|到20\d\d年底")
_DONE = re.compile(r"已|累计|共计|截至|现有|目前")


def asks_the_present(question: str) -> bool:
    """Whether a question asks how things stand now (现在, 目前, so far), not what is planned."""
    return bool(_ASKS_PRESENT.search(question)) and not _ASKS_PLAN.search(question)


def planned_only_at(text: str, start: int, end: int) -> bool:
    """Whether the clause of span ``text[start:end]`` gives a plan's target and nothing done."""
    left, right = _clause_around(text, start, end)
    return bool(_PLANNED.search(text, left, right)) and not _DONE.search(text, left, right)


# A figure the proposal asked for is not one the letter gives: "小规模纳税人月销售额多少以下免增值税？" is not answered
# by 您建议将免征标准提高到月销售额15万元, whose clause restates what the deputy wrote (您建议, 您提出, 代表建议, 建议将).
# A question about the proposal itself (建议, 提出, suggest) may be. Measured on the gold answers (2026-12-08): of the
# letter questions' 614 asking a figure and not what was proposed, none lies in a clause restating the proposal;
# CMRC/DRCD, 530 of 530 hold (benchmarks/answer_forms.py --check proposal).
_RESTATES_PROPOSAL = re.compile(r"您(?:在[^，。；]{0,12})?(?:建议|提出|提到|反映|希望|所提)|(?:代表|委员)们?(?:建议|提出|提到|反映)"
                                r"|建议(?:将|由|把|对|在)")
# What a change starts from: 由/从 and at most a unit's few characters (由每立方米, 从原来的) before the figure.
_FROM_VALUE = re.compile(r"(?:由|从)[^，。；由从到至]{0,6}$")
_ASKS_PROPOSAL = re.compile(r"建议|提议|提案|提出|希望|要求|诉求|反映|suggest|propos|\bask(?:ed|s)? for|request|call(?:ed|s)? for"
                            r"|\bwant", re.I)


def asks_about_the_proposal(question: str) -> bool:
    """Whether a question asks what was proposed or asked for (建议, 提出, suggest), not only what was done."""
    return bool(_ASKS_PROPOSAL.search(question))


def restates_proposal_at(text: str, start: int, end: int) -> bool:
    """Whether span ``text[start:end]`` is the figure a clause restating the proposal asks for (您建议将…提高到15万元),
    not the one it says things stand at (您建议将水价由每立方米6元降至4元: 6元 is today's)."""
    left, right = _clause_around(text, start, end)
    return bool(_RESTATES_PROPOSAL.search(text, left, right)) and not _FROM_VALUE.search(text, left, start)


# A change a letter reports, 由/从 what it was to what it is (由每人每年2000元提高到4000元, 儿科床位由60张增至95张): what
# it was answers a follow-up asking what it was before (以前呢？, 原来有多少张？).
_CHANGE = re.compile(r"(?:由|从)(?:原来的|原来|原)?(?P<before>[^，。；、由从到至]{1,24}?)"
                     r"(?:提高|提升|增加|增长|增|上调|调高|降低|下降|降|减少|减|下调|调低|调整|缩短|延长|扩大|压缩|缩减)(?:到|至|为)")


def value_before_change(text: str) -> str | None:
    """What the first change ``text`` reports changed from (由60张增至95张 → 60张), if it gives a figure."""
    match = _CHANGE.search(text)
    before = match["before"].strip() if match else ""
    return before if before and counted_at(before, 0, len(before)) else None


# What a letter writes where it declines (暂不实行, 难以实施, 无法采纳, 不具备…条件, 不宜, 尚不成熟).
DECLINES = re.compile(r"暂不|暂缓|难以|无法|不具备|不宜|尚不|不予|不能|未能|不符合")
# A why-question is not answered by a sentence that only restates the proposal: "为什么不提高到1万元？" is not answered
# by 您建议将…奖励标准由每户5000元提高至每户1万元。, which says what was asked; the reason follows it. A sentence that
# restates the proposal and gives a reason or declines (由于, 因, 认为, 暂不, 难以 …) answers. Measured on the gold
# answers (2026-12-08): none of the training letters' 133 why-questions (nor the unseen letters' 47) is answered in
# a sentence restating the proposal alone; 17 of the 133 (11 of the 47) are answered in one restating it with its
# reason ("您建议…，由于…难以…"); CMRC/DRCD, 474 of 475 hold (benchmarks/answer_forms.py --check reason; the other
# answer is four sentences long, the first of which its check reads).
_ASKS_WHY = re.compile(r"为什么|为何|为啥|原因|\bwhy\b", re.I)
_GIVES_A_REASON = re.compile(r"由于|因为|因|鉴于|考虑到|原因|所以|导致|认为")


def asks_why(question: str) -> bool:
    """Whether a question asks why (为什么, 为啥, why)."""
    return bool(_ASKS_WHY.search(question))


def only_restates_proposal_at(text: str, start: int, end: int) -> bool:
    """Whether the sentence of span ``text[start:end]`` restates the proposal and gives no reason and declines nothing."""
    sentence = text[slice(*_sentence_around(text, start, end))]
    return bool(_RESTATES_PROPOSAL.search(sentence) and not _GIVES_A_REASON.search(sentence)
                and not DECLINES.search(sentence))


# A year asked is the year of the answer's clause when that clause names years: "2019年完成改造了多少个小区？" is not
# answered by 2020年完成改造小区168个, though the chunk names 2019 elsewhere. A year here is four digits before 年 or
# a range's dash (2018年, 2016—2018年, 2016至2018年: a range names each year in it); not 2084 of 2084万名. For figures
# only: a date asked after a year (自1948年以来…哪一年) is another year. Measured on the gold answers (2026-12-08):
# of the letter questions' 143 asking a figure (no date) and naming a year, no gold answer's clause names only other
# years; CMRC/DRCD, 65 of 65 hold (benchmarks/answer_forms.py --check year).
_CLAUSE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*(?:年|[-—–~至到]))")
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*(?:[-—–~至到]|——)\s*((?:19|20)\d{2})(?!\d)")


def other_years_at(text: str, start: int, end: int, years: frozenset[str] | set[str]) -> bool:
    """Whether the clause of span ``text[start:end]`` names years and none of ``years`` (a range names each year
    in it)."""
    left, right = _clause_around(text, start, end)
    clause = text[left:right]
    named = set(_CLAUSE_YEAR.findall(clause))
    for first, last in _YEAR_RANGE.findall(clause):
        named |= {str(year) for year in range(int(first), int(last) + 1)} if int(last) - int(first) < 50 else set()
    return bool(named) and not named & set(years)


# A figure given per head or per unit of area (每万人拥有公交车12.3辆, 人均, 亩均) answers only a question
# that asks for one (每, 人均, 平均, per, average): 全市有多少辆公交车 is not answered with 12.3辆. Measured on CMRC
# 2018 trial and DRCD dev/test (benchmarks/answer_forms.py, 2026-12-06): of the 505 questions asking a figure
# (多少, 几) but none per head, no gold answer's clause gives it per head.
_PER_UNIT_CLAUSE = re.compile(r"每(?:[一十百千万]|\d+)*(?:人|户|名|位|平方公里|平方千米|平方米|公顷|亩|辆)|人均|户均|亩均|生均|床均")
_ASKS_PER_UNIT = re.compile(r"每|人均|户均|亩均|生均|平均|密度|\bper\b|average|capita", re.I)


def asks_per_unit(question: str) -> bool:
    """Whether a question asks for a figure per head or per unit (每万人, 人均, per capita)."""
    return bool(_ASKS_PER_UNIT.search(question))


def per_unit_at(text: str, start: int, end: int) -> bool:
    """Whether the figure of span ``text[start:end]`` is given per head or per unit: its clause, up to the span's
    end, says so (每万人拥有公交车12.3辆)."""
    clause_start, _ = _clause_around(text, start, end)
    return bool(_PER_UNIT_CLAUSE.search(text, clause_start, end))


# A question asking a figure per head or unit (每人, 每亩, 一亩地, 人均, per capita) or per day (每天, 一天, 日均, a day)
# is answered only by a figure its clause gives so: 一天最多能接待多少游客 not with a year's 365万人次, 每人每年多少钱
# not with 全市每年需新增资金5.8亿元. Per year is not asked for: letters give a year's total as a plain figure
# (一年交易额 → 交易额约580亿元). Measured on every gold answer of the letter questions and the reading-comprehension
# data asking a figure so (benchmarks/answer_forms.py, check "rate", 2026-12-07): see tests/retrieval/test_values.py.
# Per month (一个月能挣多少钱, monthly wage) is asked of wages, subsidies and rents, which a letter gives per month
# once for a list (按照每户每月…标准发放，单人户300元、两人户450元): its sentence, not the clause, says so (of the
# letter questions' 19 gold answers asking per month, 19 are given so in their sentence, 18 in their clause;
# 2026-12-08). A month followed by a figure is given, not asked (涨到每月150块，一年得多掏多少钱).
RATES = ("unit", "day", "month")
_ASKS_RATE = {"unit": re.compile(r"每(?:[一十百千万]|\d+)*(?:个)?(?:人|户|名|位|平方公里|平方千米|平方米|公顷|亩|辆|例|穴|床)"
                                 r"|(?<![第哪唯同任])一(?:个人|人|户|亩|辆|例|穴)|[人户亩生床]均"
                                 r"|\bper (?:person|capita|head|household|family|mu|student|pupil|resident|bed|vehicle"
                                 r"|square met|hectare)|\beach (?:person|household|family|resident|student|mu)\b", re.I),
              "day": re.compile(r"每天|每日|一天|一日|日均|单日|\bper day\b|\ba day\b|\beach day\b|\bdaily\b", re.I),
              "month": re.compile(r"(?<![第\d])(?:每|一)个?月(?!\s*[\d零一二三四五六七八九十两百千万])|月均|月平均|月工资|月薪|月收入"
                                  r"|(?<![\d\s])(?<!yuan)\s+(?:per|a|each) month\b|^(?:per|a|each) month\b|\bmonthly\b", re.I)}
_GIVES_RATE = {"unit": re.compile(r"每(?!年|月|天|日|周|季|小时|分钟|次)|[人户亩生床]均|单(?:户|人|个|家|亩|床)"
                                  r"|[/／](?:人|户|亩|平方|公顷)"),
               "day": re.compile(r"每天|每日|一天|一日|日均|单日|全天|当天|[/／](?:天|日)|最高日|高峰日"
                                 r"|日(?:最大|最高|平均|门诊|接待|处理|供水|供气|客流|产|运|开行|发送|均)"),
               "month": re.compile(r"每个?月|一个月|月均|月平均|月人均|[/／]月|按月|月(?:工资|薪|收入|补贴|补助|租金)")}
# The rates a figure's whole sentence gives (see RATES), the others' its clause.
_SENTENCE_RATES = frozenset({"month"})


def asked_rate(question: str) -> str | None:
    """The rate a question asks a figure at, one of RATES (每人 → unit, 一天 → day), or None."""
    return next((rate for rate in RATES if _ASKS_RATE[rate].search(question)), None)


def rate_given_at(text: str, start: int, end: int, rate: str) -> bool:
    """Whether span ``text[start:end]`` lies in one clause and that clause gives its figure at ``rate`` (每亩,
    日均): "1460万吨，日处理能力4万吨" holds a daily figure, but not as the figure its first clause gives."""
    if rate in _SENTENCE_RATES:
        return bool(_GIVES_RATE[rate].search(text, *_sentence_around(text, start, end)))
    if CLAUSE_END.search(text, start, end):
        return False
    return bool(_GIVES_RATE[rate].search(text, *_clause_around(text, start, end)))


# A figure counting things (4个, 十四家, 300多所) and what it counts: the words after it up to the end of its
# clause, its 、-item or the next figure (目前我市建成4个国家级检验检测平台，14个省级检验检测平台).
_COUNTED_FIGURE = re.compile(rf"{_NUMERAL}(?:多|余)?(?:[万亿千百])?(?:多|余)?(?:{COUNTING_WORDS})")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_COUNTED_END = re.compile(r"[，,、：:]")
_CLAUSE_MARK = re.compile(r"[，,；;：:]")
_PARTS_FOLLOW = re.compile(r"分别|其中|包括|含")   # what comes between a total and its parts
COUNTED_PHRASE_CHARS = 16   # what a figure counts is named right after it; further on the clause says something else
SHARED_HEAD_CHARS = 2       # two counted phrases ending alike (…检验检测平台) count one kind of thing


def _normalised(text: str) -> str:
    """As questions' words are (retrieval.lexicon.normalize, not imported: it would bring jieba in with it):
    NFKC, Latin lower-cased (5G → 5g)."""
    return unicodedata.normalize("NFKC", text).lower()


class _CountedFigure(NamedTuple):
    """A counting figure of a sentence (offsets into the text it was found in)."""

    start: int
    end: int
    counts: str        # what it counts: the words after it
    listed: bool       # a 、 ends what it counts: a list's item
    item_start: int    # where its item begins: after the mark before it ("分别是王村中学5条")
    item_end: int      # … and ends: the end of what it counts


def _counted(text: str, left: int, right: int) -> list[_CountedFigure]:
    """Each counting figure of the sentence ``text[left:right]``."""
    sentence = text[left:right]
    figures = list(_COUNTED_FIGURE.finditer(sentence))
    found = []
    for i, figure in enumerate(figures):
        stop = min(figures[i + 1].start() if i + 1 < len(figures) else len(sentence), figure.end() + COUNTED_PHRASE_CHARS)
        end = _COUNTED_END.search(sentence, figure.end(), stop)
        phrase_end = end.start() if end else stop
        item_start = max([m.end() for m in _COUNTED_END.finditer(sentence, 0, figure.start())]
                         + [figures[i - 1].end() if i else 0])
        found.append(_CountedFigure(figure.start() + left, figure.end() + left, sentence[figure.end():phrase_end],
                                    bool(end) and sentence[end.start()] == "、", item_start + left, phrase_end + left))
    return found


def _around(text: str, start: int, end: int, marks: re.Pattern) -> tuple[int, int]:
    """Where the stretch holding ``text[start:end]`` between two of ``marks`` begins and ends."""
    left = max((m.end() for m in marks.finditer(text, 0, start)), default=0)
    right = next((m.start() for m in marks.finditer(text, end)), len(text))
    return left, right


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding ``text[start:end]`` begins and ends (a line ends one too)."""
    return _around(text, start, end, _SENTENCE_END)


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause holding ``text[start:end]`` begins and ends."""
    return _around(text, start, end, CLAUSE_END)


def counted_elsewhere(text: str, start: int, end: int, words: list[str]) -> bool:
    """Whether the figure of span ``text[start:end]`` counts a different kind of thing than the question asks
    (``words``: the question's words, normalised), told by another figure of its sentence that counts the
    same kind of thing and names more of the question's words: "多少个省级检验检测平台" is not answered by
    the 4 of "4个国家级检验检测平台，14个省级检验检测平台". The two count the same kind when what they count
    ends alike, or when the span's figure is a 、-item before the other (4个国家级、14个省级平台). And where a
    total's parts follow it (分别/其中/包括), counted with the same word, the part whose name alone holds one of the
    question's words is the one asked: neither the total nor another part answers for it (王村中学分到几条？ of
    共增加了八条专线，分别是王村中学5条，淄博六中两条)."""
    left, right = _sentence_around(text, start, end)
    figures = _counted(text, left, right)
    own = next((f for f in figures if f.start < end and f.end > start), None)
    if own is None:
        return False

    def named(phrase: str) -> set[str]:
        phrase = _normalised(phrase)
        return {word for word in words if word and word in phrase}

    def named_only_by(figure: _CountedFigure, after: int = 0) -> set[str]:
        """The question's words the sentence names only before this figure, in its item and after ``after``
        (分别是王村中学5条: 王村中学): what a part is named by, not what it counts (其中3个位于城区的污水处理站 names
        no part), nor the sentence's subject before 包括 (下萨克森邦包括164个城市)."""
        begin = max(figure.item_start, after)
        rest = _normalised(text[left:begin] + "\n" + text[figure.start:right])
        return {word for word in named(text[begin:figure.start]) if word not in rest}

    for other in figures:
        if other is own:
            continue
        if (other.start < end and other.end > start
                and not _CLAUSE_MARK.search(text, min(own.end, other.end), max(own.start, other.start))):
            continue  # a span listing both (8个村、2个社区) answers with both
        alike = (own.listed and other.start > own.start) or (
            len(own.counts) >= SHARED_HEAD_CHARS and own.counts[-SHARED_HEAD_CHARS:] == other.counts[-SHARED_HEAD_CHARS:])
        if alike and named(other.counts) > named(own.counts):
            return True
        # A total and its parts counted with one word: the part the question names is the one asked, not
        # the total nor another part (共增加了八条专线，分别是王村中学5条，淄博六中两条 — 王村中学分到几条？ is answered
        # by neither 八条 nor 两条).
        parts = _PARTS_FOLLOW.search(text, left, other.start)
        if parts and text[other.end - 1] == text[own.end - 1] and named_only_by(other, parts.end()) and (
                own.end <= parts.start() or not named_only_by(own)):  # the total's own words are the parts' too
            return True
    return False


# How a letter names what it answers: "关于百禄镇工业集中区西扩解决土地指标问题", 《关于…的建议》. A span inside such a
# phrase restates the question's topic, and answers no question asking why, how or what was done ("…往西扩为什么
# 解决不了用地？" had been answered with the reply's quoted “关于…西扩解决土地指标问题”). Measured on CMRC 2018 trial
# and DRCD dev/test (2026-12-06): no gold answer of the 8,019 lies inside one.
_TOPIC_PHRASE = re.compile(r"关于[^。！？!?；;\n，,：:]{2,40}?(?:问题|建议|提案|议案)")
_AROUND_SPAN = "“”\"'‘’《》「」『』（）()【】。，,；;：:！？!? \n\t"


def within_topic_phrase(text: str, start: int, end: int) -> bool:
    """Whether span ``text[start:end]`` (without the quotes and punctuation around it) lies inside a phrase
    naming a topic (关于…问题/建议/提案/议案)."""
    while start < end and text[start] in _AROUND_SPAN:
        start += 1
    while end > start and text[end - 1] in _AROUND_SPAN:
        end -= 1
    return end > start and any(m.start() <= start and end <= m.end() for m in _TOPIC_PHRASE.finditer(text))


# A question asking what something cost (多少钱, how much did … spend) is answered by an amount of money: a figure
# without a currency (135个 for "How much did the city spend on its car parks?") answers another question.
# Measured on CMRC 2018 trial and DRCD dev/test (benchmarks/answer_forms.py, 2026-12-06): each gold answer to
# such a question (4, all in 美元 or 日元) is a sum of money.
_ANY_FIGURE = re.compile(rf"{_NUMERAL}")


def money_missing(text: str, start: int, end: int) -> bool:
    """Whether span ``text[start:end]`` gives a figure that is no sum of money (no 元 or other currency after it)."""
    return bool(_ANY_FIGURE.search(text, start, end)) and "money" not in measures_at(text, start, end)


# A place in an order (全省排名第8) is the place of what the clause before it gives (其中5G基站为6451个，全省排名第8).
_RANK = re.compile(r"(?<=[排列居名位在])\s*第\s*(?:\d+|[一二三四五六七八九十]+)")


def ranked_elsewhere(text: str, start: int, end: int, words: list[str]) -> bool:
    """Whether the place in an order that span ``text[start:end]`` gives is that of something other than the
    question ranks (``words``: its words, normalised), told by another place in its sentence whose clause and the
    one before name more of them: "5G基站在全省排第几？" is not answered by the 第6 of "移动通信基站总数达到3.9万个，
    全省排名第6，其中5G基站为6451个，全省排名第8"."""
    left, right = _sentence_around(text, start, end)
    ranks = list(_RANK.finditer(text, left, right))
    own = next((r for r in ranks if r.start() < end and r.end() > start), None)
    if own is None:
        return False

    def named(rank) -> set[str]:
        marks = [m.end() for m in _CLAUSE_MARK.finditer(text, left, rank.start())]
        begin = marks[-2] if len(marks) >= 2 else left   # the clause before the place's own
        clauses = _normalised(text[begin:rank.start()])
        return {word for word in words if word and word in clauses}

    return any(named(other) > named(own) for other in ranks if other is not own)
