"""Generate N varied, realistic (invented) reply letters (答复函) for scale benchmarks.

    .venv/bin/python benchmarks/generate_corpus.py OUT_DIR --count 1000 --seed 7 [--page-breaks 0.15]

Letters differ in agency (省/市/区 level 住建, 交通, 教育, 卫健, 农业农村, 生态环境, 科技, 人社, 商务,
文广旅体, 水务, 民政, 市场监管) and place, reply to 人大建议 or 政协提案, and vary in 文号 pattern,
header, salutation, section style (一、/（一）, 1./（1）, ①, 一是/二是 inline, no headings),
length (about 1.5k–6k characters), facts (counts with units, money, shares, rankings, dates, names,
lists, policy documents) and sign-off (closing formula, agency and date in Arabic or Chinese
numerals, contact line formats, 公开方式, 抄送). Most files are UTF-8 .txt; about 12% are GBK .txt
(some with CRLF), about 3% Markdown .md. A ``--page-breaks`` share carries PDF-style damage:
sentences broken across a blank line, "- 3 -" page-number lines, sometimes hard-wrapped lines.

Letter ``i`` depends only on ``(seed, i)`` and the letters before it, so the first 99 letters of a
999-letter run are exactly a 99-letter run. Nothing mentions 中山 or the sample letter's distinctive
facts (see ``corpus_banks.BLOCKLIST``). Prints one summary line; ``--manifest`` writes a JSON list
of the letters' 文号, agency, topic, file name and encoding.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_banks import (  # noqa: E402
    AGENCIES, BLOCKLIST, BRAND_CHARS, CLOSINGS, CONNECTORS, FILLERS, GIVEN_CHARS, HONOURS, INDUSTRIES,
    LEVEL_CHARS, PLACE_TERMS, PLACE_WORDS, PROPOSAL_TAILS, PROPOSAL_VERBS, REGIONS, SURNAMES, THANKS_LINES,
    UNIVERSITIES,
)

CN_DIGITS = "〇一二三四五六七八九"
CN_ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
FACT_CONNECTORS = ("其中，", "目前，", "近年来，", "据统计，")
SECTION_STYLES = ["cn+cnparen", "cn+cnparen", "cn+cnparen", "arabic+paren", "arabic+paren", "cn+circled",
                  "cn+arabic", "cnparen+arabic", "cn-only", "cn-only", "inline", "inline", "plain"]


# --- small helpers ------------------------------------------------------------------------------


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 → 一, 10 → 十, 14 → 十四, 23 → 二十三."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(year: int, month: int, day: int) -> str:
    """二〇二二年六月十四日."""
    return "".join(CN_DIGITS[int(d)] for d in str(year)) + f"年{cn_number(month)}月{cn_number(day)}日"


def parse_counts(spec: str) -> list[tuple[str, str, str, float, float]]:
    out = []
    for item in filter(None, spec.split("|")):
        verb, noun, unit, span = item.split("/")
        lo, hi = (float(x) for x in span.split("-"))
        out.append((verb, noun, unit, lo, hi))
    return out


def parse_metrics(spec: str) -> list[tuple[str, str]]:
    return [tuple(item.split("/")) for item in filter(None, spec.split("|"))]


def split(spec: str) -> list[str]:
    return [item for item in spec.split("|") if item]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- one letter ---------------------------------------------------------------------------------


@dataclass
class Context:
    """Everything one letter's sentences are drawn from."""

    rng: random.Random
    level: str                  # province / city / district
    province: str
    city: str | None
    district: str | None
    agency: dict
    agency_name: str            # full name, e.g. 广州市白云区住房和城乡建设局
    topic: dict
    topics: list[dict]          # main topic first, then secondary ones of the same agency
    year: int                   # reply year
    month: int
    day: int
    area_code: str
    headings: list = field(default_factory=list)   # body paragraphs that are section headings
    decks: dict = field(default_factory=dict)
    used_templates: dict = field(default_factory=dict)

    def deal(self, name: str, items: list):
        """The next item of a per-letter shuffled deck: nothing repeats until all have been dealt."""
        deck = self.decks.get(name)
        if not deck:
            deck = list(items)
            self.rng.shuffle(deck)
            self.decks[name] = deck
        return deck.pop()

    def pick(self, key: str, options: list[str]) -> str:
        """One of ``options``, preferring templates this letter has not used yet under ``key``."""
        used = self.used_templates.setdefault(key, set())
        fresh = [i for i in range(len(options)) if i not in used] or list(range(len(options)))
        index = self.rng.choice(fresh)
        used.add(index)
        return options[index]

    @property
    def lvl(self) -> str:
        return LEVEL_CHARS[self.level]

    @property
    def self_ref(self) -> str:
        name = self.agency_name
        return "委" if name.endswith("委员会") else "厅" if name.endswith("厅") else "局"

    @property
    def place_name(self) -> str:
        return self.district or self.city or self.province

    def place(self) -> str:
        return self.rng.choice(PLACE_TERMS[self.level] + [self.place_name])

    # numbers

    def value(self, unit: str, lo: float, hi: float) -> str:
        rng = self.rng
        if unit.startswith(("万", "亿")) or unit in ("公里", "平方公里", "吨") and rng.random() < 0.3:
            value = rng.uniform(lo, hi)
            text = f"{value:.{rng.choice([1, 1, 2])}f}".rstrip("0").rstrip(".")
        else:
            value = int(10 ** rng.uniform(math.log10(max(lo, 1)), math.log10(hi)))
            if value > 200 and rng.random() < 0.3:
                value = round(value, -1)
            text = str(value)
        return text

    def pct(self, lo: float = 1, hi: float = 99.5) -> str:
        return f"{self.rng.uniform(lo, hi):.1f}%"

    def money(self, lo_wan: float = 20, hi_wan: float = 60000, wan: float | None = None) -> str:
        """An amount in 万元 or 亿元, as letters write it ("2198.56万元", "1.3亿元")."""
        wan = wan if wan is not None else 10 ** self.rng.uniform(math.log10(lo_wan), math.log10(hi_wan))
        if wan >= 10000 and self.rng.random() < 0.7:
            return f"{wan / 10000:.{self.rng.choice([1, 2])}f}亿元"
        digits = self.rng.choice([0, 0, 1, 2])
        return f"{wan:.{digits}f}万元"

    def person(self) -> str:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        given = "".join(rng.choice(GIVEN_CHARS) for _ in range(1 if rng.random() < 0.3 or len(surname) > 1 else 2))
        return surname + given

    def place_word(self) -> str:
        return self.rng.choice(PLACE_WORDS)

    def entity(self, kind: str | None = None) -> str:
        rng = self.rng
        kind = kind or rng.choice(self.agency["entities"])
        city = self.city or rng.choice(list(REGIONS[self.province][1]))
        if kind == "企业":
            industry = rng.choice(INDUSTRIES[self.agency["industry"]] + INDUSTRIES["企业"][:4])
            brand = "".join(rng.sample(BRAND_CHARS, 2))
            return rng.choice([f"{city}{brand}{industry}有限公司", f"{brand}{industry}股份有限公司", f"{city}{brand}{industry}集团有限公司"])
        if kind == "医院":
            return rng.choice([f"{city}第{rng.choice(CN_ORDINALS[:6])}人民医院", f"{self.place_name}中医院", f"{self.place_word()}镇卫生院",
                               f"{city}妇幼保健院", f"{self.place_word()}社区卫生服务中心", f"{city}人民医院{self.place_word()}院区"])
        if kind == "学校":
            return rng.choice([f"{self.place_word()}中学", f"{self.place_name}实验小学", f"{city}第{cn_number(rng.randint(1, 30))}中学",
                               f"{city}职业技术学院", f"{self.place_word()}小学", f"{city}{self.place_word()}学校"])
        if kind == "高校":
            return rng.choice(UNIVERSITIES)
        if kind == "街道":
            return f"{self.place_word()}街道"
        if kind == "镇":
            return f"{self.place_word()}镇"
        if kind == "社区":
            return f"{self.place_word()}社区"
        if kind == "村":
            return f"{self.place_word()}村"
        if kind == "河":
            return rng.choice([f"{self.place_word()}河", f"{self.place_word()}涌", f"{self.place_word()}溪"])
        if kind == "景区":
            return rng.choice([f"{self.place_word()}古镇", f"{self.place_word()}湿地公园", f"{self.place_word()}森林公园", f"{self.place_word()}山景区"])
        if kind == "合作社":
            return f"{self.place_word()}{rng.choice(['果蔬', '水稻', '茶叶', '水产', '花卉', '畜禽'])}专业合作社"
        if kind == "商圈":
            return f"{self.place_word()}{rng.choice(['商圈', '步行街', '美食街', '夜市'])}"
        return f"{self.place_word()}{kind}"

    def entities(self, n: int, kind: str | None = None) -> list[str]:
        kind = kind or self.rng.choice(self.agency["entities"])
        seen: list[str] = []
        for _ in range(n * 4):
            name = self.entity(kind)
            if name not in seen:
                seen.append(name)
            if len(seen) == n:
                break
        return seen

    def doc_title(self, topic: dict | None = None) -> str:
        rng = self.rng
        base = rng.choice(split((topic or self.topic)["docs"]))
        prefix = rng.choice([self.place_name, self.place_name, self.city or self.province, ""])
        if rng.random() < 0.25 and not base.endswith(("规划", "计划")):
            base += f"（{self.year - 1}—{self.year + rng.randint(1, 3)}年）"
        elif base.endswith(("规划", "计划")) and rng.random() < 0.5:
            base += f"（{self.year - 1}—{self.year + rng.randint(2, 4)}年）"
        return f"《{prefix}{base}》"


# --- sentences ----------------------------------------------------------------------------------


LEVEL_SCALE = {"province": 4.0, "city": 1.0, "district": 0.35}


def count_phrase(ctx: Context, spec: tuple, future: bool = False) -> tuple[str, str, str]:
    """("建成社区体育公园57个", "57", "个"); a stock noun reads 现有… (新增… in a plan)."""
    verb, noun, unit, lo, hi = spec
    scale = LEVEL_SCALE[ctx.level]
    value = ctx.value(unit, max(lo, lo * scale if lo * scale >= 1 or "." in str(lo) else lo), max(hi * scale, lo * 1.5))
    verb = verb or ("新增" if future else ctx.rng.choice(["现有", "共有", "拥有", "已有"]))
    return f"{verb}{noun}{value}{unit}", value, unit


def part_of(ctx: Context, value: str) -> str:
    """A value smaller than ``value``, written the same way."""
    number = float(value) * ctx.rng.uniform(0.08, 0.6)
    return f"{number:.1f}".rstrip("0").rstrip(".") if "." in value else str(max(1, int(number)))


def money_and_part(ctx: Context) -> tuple[str, str]:
    total = 10 ** ctx.rng.uniform(math.log10(500), math.log10(500000))
    return ctx.money(wan=total), ctx.money(wan=total * ctx.rng.uniform(0.1, 0.7))


def fact_sentence(ctx: Context, topic: dict) -> str:
    """One factual sentence about ``topic``: counts, shares, money, rankings, documents, names, lists."""
    rng = ctx.rng
    counts = parse_counts(topic["counts"])
    metrics = parse_metrics(topic["metrics"])
    deck = f"counts:{topic['name']}"
    y, y1 = ctx.year, ctx.year - 1
    kind = rng.choices(["count", "count2", "metric", "money", "policy", "list", "person", "rank", "date", "subsidy"],
                       weights=[5, 3, 3, 3, 2, 2, 1, 2, 1, 1])[0]
    spec = ctx.deal(deck, counts)
    place = ctx.place()
    if kind == "count":
        phrase, _, _ = count_phrase(ctx, spec)
        return ctx.pick("count", [
            f"截至{y1}年底，{place}累计{phrase}。",
            f"{y1}年，{place}共{phrase}，同比增长{ctx.pct(1, 40)}。",
            f"{y}年1—{max(ctx.month - 1, 1)}月，{place}已{phrase}，完成年度目标任务的{ctx.pct(30, 130)}。",
            f"目前，{place}已{phrase}。",
            f"近三年来，{place}累计{phrase}，年均增长{ctx.pct(2, 30)}。",
            f"截至{y}年{max(ctx.month - 1, 1)}月底，{place}{phrase}。",
            f"{y1}年全{ctx.lvl}{phrase}，超额完成省下达任务。",
        ])
    if kind == "count2":
        a, b = spec, ctx.deal(deck, counts)
        pa, va, ua = count_phrase(ctx, a)
        pb, _, _ = count_phrase(ctx, b)
        return ctx.pick("count2", [
            f"{y1}年，{place}{pa}，{pb}。",
            f"截至目前，共{pa}，{pb}，惠及群众约{ctx.value('万人', 0.3, 60)}万人。",
            f"经统计，{place}累计{pa}，其中{y1}年新增{part_of(ctx, va)}{ua}；{pb}。",
        ])
    if kind == "metric":
        name, mkind = ctx.deal(f"metrics:{topic['name']}", metrics)
        if mkind == "pct":
            a, b = sorted([rng.uniform(20, 99), rng.uniform(20, 99)])
            return ctx.pick("metric", [
                f"{y1}年，{place}{name}达到{b:.1f}%，较上年提高{b - a:.1f}个百分点。",
                f"{name}由{y - 3}年的{a:.1f}%提高到{y1}年的{b:.1f}%。",
                f"目前，{name}为{b:.1f}%。",
                f"{name}达{b:.1f}%，高于全省平均水平{rng.uniform(0.5, 9):.1f}个百分点。",
            ])
        if mkind == "min":
            a = rng.uniform(8, 25)
            return f"{place}{name}由{a + rng.uniform(1, 6):.1f}分钟缩短至{a:.1f}分钟。"
        if mkind == "yuan":
            return f"项目区{name}约{rng.randint(80, 900)}元。"
        span = {"平方米": (1.5, 3.5), "件": (5, 40), "微克每立方米": (15, 45)}.get(mkind, (1, 60))
        value = f"{rng.uniform(*span):.1f}" if "元" not in mkind else str(rng.randint(600, 1500))
        return f"{y1}年，{place}{name}为{value}{mkind.replace('每', '/')}。"
    if kind == "money":
        return ctx.pick("money", [
            f"{y1}年，{ctx.lvl}级财政安排{topic['name']}专项资金{ctx.money()}，支持项目{rng.randint(3, 300)}个。",
            "累计投入资金{}，其中争取中央和省级资金{}。".format(*money_and_part(ctx)),
            f"{y}年{ctx.lvl}级预算安排{ctx.money()}，用于{rng.choice(split(topic['measures']))}。",
            f"共带动社会投资{ctx.money(1000, 900000)}，撬动效应明显。",
            f"{y1}年下达{topic['name']}补助资金{ctx.money()}，已全部拨付到位。",
        ])
    if kind == "subsidy":
        _, noun, unit, _, _ = spec
        return (f"对符合条件的{noun}，按每{unit}{rng.choice([500, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 150000])}元的标准给予补助，"
                f"单个项目最高不超过{ctx.money(10, 2000)}。")
    if kind == "policy":
        who = rng.choice([f"{ctx.lvl}政府", f"{ctx.lvl}政府办公室", f"我{ctx.self_ref}", f"我{ctx.self_ref}会同{rng.choice(ctx.agency['peers'])}"])
        d1, d2 = ctx.doc_title(topic), ctx.doc_title(rng.choice(ctx.topics))
        measure = rng.choice(split(topic["measures"]))
        return ctx.pick("policy", [
            f"{rng.choice([y1, y])}年{rng.randint(1, 12)}月，{who}印发{d1}，明确{measure}等{rng.randint(3, 12)}项重点任务。",
            f"先后出台{d1}{d2 if d2 != d1 else ''}等政策文件，为{topic['name']}工作提供了政策保障。",
            f"我{ctx.self_ref}牵头起草的{d1}已于{y}年{rng.randint(1, max(ctx.month - 1, 1))}月{rng.randint(1, 28)}日经{ctx.lvl}政府常务会议审议通过。",
            f"根据{d1}，到{y + rng.randint(1, 3)}年要基本实现{measure}的目标。",
            f"{d1}正在征求意见，计划于{y}年底前印发实施。",
        ])
    if kind == "list":
        n = rng.randint(2, 4)
        kind_e = rng.choice(ctx.agency["entities"])
        names = ctx.entities(n, kind_e)
        total = len(names) + rng.randint(0, 40)
        unit = {"企业": "家", "医院": "家", "学校": "所", "高校": "所", "街道": "个", "镇": "个", "社区": "个", "村": "个",
                "河": "条", "景区": "个", "合作社": "家", "商圈": "个"}.get(kind_e, "个")
        return ctx.pick("list", [
            f"目前已推动{'、'.join(names)}等{total}{unit}{kind_e if kind_e not in ('企业', '医院', '学校') else '单位'}"
            f"{rng.choice(split(topic['measures']))}。",
            f"其中，{names[0]}被评为{rng.choice(HONOURS)}，{names[-1]}入选{rng.choice(HONOURS)}名单。",
            f"{'、'.join(names)}等{total}个项目列入{y}年{ctx.lvl}重点项目计划。",
            f"选取{'、'.join(names)}作为试点，形成了一批可复制可推广的经验。",
        ])
    if kind == "person":
        person = ctx.person()
        role = rng.choice([f"{ctx.lvl}政府副{'省' if ctx.level == 'province' else '市' if ctx.level == 'city' else '区'}长",
                           f"我{ctx.self_ref}局长" if ctx.self_ref == "局" else f"我{ctx.self_ref}主任" if ctx.self_ref == "委" else "我厅厅长",
                           f"我{ctx.self_ref}副局长" if ctx.self_ref == "局" else f"我{ctx.self_ref}副主任", f"{ctx.lvl}人大常委会副主任"])
        where = ctx.entity(rng.choice(ctx.agency["entities"]))
        return ctx.pick("person", [
            f"{y}年{rng.randint(1, max(ctx.month - 1, 1))}月{rng.randint(1, 28)}日，{role}{person}带队到{where}实地调研{topic['name']}工作。",
            f"由{role}{person}担任组长的{topic['name']}工作领导小组已于{y1}年成立，每季度召开一次专题会议。",
            f"{role}{person}多次召开专题会议，研究部署{rng.choice(split(topic['measures']))}工作。",
        ])
    if kind == "rank":
        phrase, _, _ = count_phrase(ctx, spec)
        n = rng.randint(1, 21)
        return ctx.pick("rank", [
            f"{y1}年，{place}{phrase}，全省排名第{n}。",
            f"{place}{phrase}，总量居全{rng.choice(['省', '国同类城市中'])}第{cn_number(n) if rng.random() < 0.4 else n}位。",
            f"在{y1}年度全省{topic['name']}工作考核中，{place}排名第{n}，获评{rng.choice(['优秀', '良好', '先进'])}等次。",
        ])
    # date
    return ctx.pick("date", [
        f"{y}年{rng.randint(1, max(ctx.month - 1, 1))}月{rng.randint(1, 28)}日，{ctx.lvl}召开{topic['name']}工作推进会，部署{rng.choice(split(topic['measures']))}等工作。",
        f"{topic['name']}专项行动自{y1}年{rng.randint(1, 12)}月启动，为期{rng.choice(['一年', '两年', '三年', '六个月'])}。",
        f"第{rng.choice(['一', '二', '三'])}批{rng.choice(split(topic['measures']))}试点项目已于{y}年{rng.randint(1, max(ctx.month - 1, 1))}月完成验收。",
    ])


def plan_sentence(ctx: Context, topic: dict) -> str:
    rng = ctx.rng
    spec = ctx.deal(f"counts:{topic['name']}", parse_counts(topic["counts"]))
    future = ctx.year + rng.randint(1, 3)
    phrase, _, _ = count_phrase(ctx, spec, future=True)
    measures = split(topic["measures"])
    m1, m2 = rng.sample(measures, 2) if len(measures) > 1 else (measures[0], measures[0])
    return ctx.pick("plan", [
        f"力争到{future}年，{place_or_empty(ctx)}{phrase}以上。",
        f"计划{future}年底前{phrase}。",
        f"下一步，我{ctx.self_ref}将{m1}，{m2}，不断提升{topic['name']}工作水平。",
        f"{ctx.year}年计划{phrase}，目前各项前期工作正在抓紧推进。",
        f"我们将继续{m1}，并会同{rng.choice(ctx.agency['peers'])}研究{m2}的具体措施。",
        f"预计到{future}年，{topic['name']}相关指标将达到全省先进水平。",
    ])


def place_or_empty(ctx: Context) -> str:
    return ctx.rng.choice(["", ctx.place()])


def problem_sentence(ctx: Context, topic: dict) -> str:
    rng = ctx.rng
    problems = split(topic["problems"])
    p = rng.sample(problems, min(len(problems), rng.randint(1, 2)))
    return ctx.pick("problem", [
        f"同时也要看到，当前{topic['name']}工作仍存在{'、'.join(p)}等问题。",
        f"{p[0]}的问题较为突出，据初步统计，涉及{rng.randint(5, 300)}个项目。",
        f"您在{'提案' if rng.random() < 0.5 else '建议'}中指出的{p[0]}问题确实存在，我们高度认同。",
        f"受{p[-1]}等因素影响，部分任务推进较慢。",
    ])


def filler(ctx: Context, topic: dict) -> str:
    return ctx.deal("fillers", FILLERS).format(topic=topic["name"], lvl=ctx.lvl, self=ctx.self_ref)


def sentence(ctx: Context, topic: dict, mode: str) -> str:
    rng = ctx.rng
    if mode == "plan":
        kind = rng.choices(["plan", "fact", "filler"], weights=[5, 1, 2])[0]
    elif mode == "problem":
        kind = rng.choices(["problem", "fact", "filler"], weights=[3, 2, 1])[0]
    else:
        kind = rng.choices(["fact", "filler"], weights=[7, 3])[0]
    text = {"plan": plan_sentence, "problem": problem_sentence, "fact": fact_sentence, "filler": filler}[kind](ctx, topic)
    if text.startswith(("截至", "目前", "同时", "其中", "近", "下一步", "经统计", "据", "在", "由", "对", "根据", "我们")):
        return text
    connector = rng.choice(CONNECTORS[:4] if kind in ("plan", "filler", "problem") else CONNECTORS)
    if connector in FACT_CONNECTORS and (kind != "fact" or re.match(r"\d{4}年|对|[《“]", text)):
        connector = ""
    return tidy(connector + text)


_TIDY = [("已现有", "现有"), ("已共有", "共有"), ("已拥有", "拥有"), ("已已有", "已有"), ("共现有", "现有"), ("共共有", "共有"),
         ("共拥有", "拥有"), ("共已有", "已有"), ("计划现有", "计划新增"), ("关于关于", "关于")]


def tidy(text: str) -> str:
    for old, new in _TIDY:
        text = text.replace(old, new)
    return text


def paragraph(ctx: Context, topic: dict, mode: str, budget: int) -> str:
    parts: list[str] = []
    n = ctx.rng.randint(2, 6)
    while len(parts) < n and sum(map(len, parts)) < budget:
        parts.append(sentence(ctx, topic, mode))
    return "".join(parts)


# --- letter layout ------------------------------------------------------------------------------


def proposal_title(ctx: Context, kind: str) -> str:
    rng = ctx.rng
    place = rng.choice(["", "我" + ctx.lvl, ctx.place_name])
    tails = [t for t in PROPOSAL_TAILS if kind == "提案" or t.endswith("建议")]
    return f"关于{rng.choice(PROPOSAL_VERBS)}{place}{ctx.topic['name']}{rng.choice(tails)}"


def build_letter(ctx: Context, index: int, used_doc_numbers: set[str]) -> tuple[list[str], dict]:
    """The letter as a list of paragraphs (body sections carry their markers); and facts about it."""
    rng = ctx.rng
    npc = rng.random() < 0.5           # 人大建议 vs 政协提案
    kind = "建议" if npc else "提案"
    role = "代表" if npc else "委员"
    lvl = ctx.lvl
    session = (f"{lvl}{rng.choice(['十三', '十四', '十五', '十六', '十七', '十八'])}届人大{rng.choice(['一', '二', '三', '四', '五'])}次会议" if npc
               else f"{lvl}政协{rng.choice(['十二', '十三', '十四', '十五'])}届{rng.choice(['一', '二', '三', '四', '五'])}次会议")
    number = rng.choice([f"{ctx.year}{rng.randint(1, 699):04d}", f"{rng.randint(1, 799)}", f"{ctx.year % 100}{rng.randint(1, 999):04d}"])
    ptitle = proposal_title(ctx, kind)

    # 文号
    region_short = REGIONS[ctx.province][0] if ctx.level == "province" else REGIONS[ctx.province][1][ctx.city][0]
    if ctx.level == "district":
        region_short = rng.choice([ctx.district[0], ctx.district[:2], region_short + ctx.district[0]])
    code = rng.choice(ctx.agency["codes"])
    while True:
        n = rng.randint(1, 260)
        year = ctx.year
        pattern = rng.choice(["{r}{c}复〔{y}〕{n}号", "{r}{c}函〔{y}〕{n}号", "{r}{c}函〔{y}〕{n}号", "{r}{c}{k}〔{y}〕第{n}号",
                              "{r}{c}字〔{y}〕{n}号", "{r}{c}〔{y}〕{n}号", "{r}{c}办函〔{y}〕{n}号", "{r}{c}复字[{y}]{n}号",
                              "{r}{c}提复〔{y}〕{n}号" if not npc else "{r}{c}建复〔{y}〕{n}号"])
        doc_number = pattern.format(r=region_short, c=code if not code.endswith("函") or "函" not in pattern else code[:-1],
                                    y=year, n=n, k="建议" if npc else "提案")
        if doc_number not in used_doc_numbers:
            used_doc_numbers.add(doc_number)
            break

    # header
    header: list[str] = []
    category = rng.random()
    if category < 0.45:
        header.append(rng.choice(["（A类）", "(A类)", "（B类）", "(B类)", "（C类）", "A类", "答复类别：A类", "【B类】"]))
    header.append(ctx.agency_name)
    signer = ctx.person()
    header.append(doc_number + (f"{' ' * rng.randint(4, 12)}签发人：{signer}" if rng.random() < 0.25 else ""))
    agency = ctx.agency_name
    title = rng.choice([
        f"{agency}关于{session}第{number}号{kind}答复的函",
        f"{agency}关于对{session}第{number}号{kind}的答复",
        f"{agency}关于{session}第{number}号{kind}的答复函",
        f"关于对{session}第{number}号{kind}的答复",
        f"{agency}关于{ptitle[2:]}（第{number}号）的答复",
        f"{agency}对{session}第{number}号{kind}的答复",
    ])
    header.append(title)
    proposers = [ctx.person() for _ in range(rng.choice([1, 1, 1, 1, 2, 3]))]
    if len(proposers) == 1:
        salutation = rng.choice([f"{proposers[0]}{role}：", f"{proposers[0]}{role}：", f"尊敬的{proposers[0]}{role}："])
    elif len(proposers) == 2:
        salutation = f"{proposers[0]}、{proposers[1]}{role}："
    else:
        salutation = f"{proposers[0]}{role}等{rng.randint(3, 12)}位{role}："
    header.append(salutation)

    # intro
    peers = rng.sample(ctx.agency["peers"], rng.randint(1, 3))
    peer_text = "、".join(p if p.startswith(("市", "区", "省")) else f"{lvl}{p}" for p in peers)
    intro = rng.choice([
        f"您提出的《{ptitle}》（第{number}号{kind}）收悉。经认真研究，并商{peer_text}，现答复如下：",
        f"您在{session}期间提出的《{ptitle}》收悉。我{ctx.self_ref}高度重视，会同{peer_text}认真研究办理，现将有关情况答复如下：",
        f"您提出的关于{ctx.topic['name']}的{kind}收悉，现答复如下：",
        f"《{ptitle}》（{kind}第{number}号）收悉，经综合{peer_text}意见，现答复如下：",
        f"您提出的《{ptitle}》（{kind}第{number}号）已收悉。我{ctx.self_ref}对此高度重视，专门召开会议研究，现将办理情况答复如下：",
        f"您在{session}上提出的第{number}号{kind}收悉。该{kind}由我{ctx.self_ref}主办，{peer_text}会办。经认真研究，现答复如下：",
    ])
    body: list[str] = [intro]
    if rng.random() < 0.55:
        body.append(rng.choice([
            f"感谢您对{ctx.topic['name']}工作的关心和支持。您在{kind}中提出的{rng.choice(split(ctx.topic['measures']))}、"
            f"{rng.choice(split(ctx.topic['measures']))}等意见，对我{lvl}做好相关工作具有重要参考价值，我们将认真研究吸收。",
            f"{ctx.topic['name']}是一项系统工程，涉及面广、政策性强。您的{kind}切中当前工作的重点和难点，具有很强的针对性。",
            f"近年来，{ctx.place_name}认真贯彻落实上级关于{ctx.topic['name']}的决策部署，取得了积极成效。{fact_sentence(ctx, ctx.topic)}",
        ]))

    target = rng.uniform(1500, 6000)
    overhead = sum(map(len, header)) + sum(map(len, body)) + 220
    body_budget = max(target - overhead, 600)
    style = rng.choice(SECTION_STYLES)
    body += sections(ctx, style, body_budget)

    # sign-off
    signoff: list[str] = []
    closing = rng.choice(CLOSINGS).format(self=ctx.self_ref)
    thanks = rng.choice(THANKS_LINES).format(field=ctx.agency["field"], lvl=lvl, topic=ctx.topic["name"])
    order = rng.random()
    if order < 0.4:
        signoff += [closing, thanks] if rng.random() < 0.5 else [thanks, closing]
    elif order < 0.8:
        signoff.append(closing)
    else:
        signoff.append(thanks if rng.random() < 0.5 else closing.rstrip("。") + "，" + thanks)
    date_text = cn_date(ctx.year, ctx.month, ctx.day) if rng.random() < 0.35 else f"{ctx.year}年{ctx.month}月{ctx.day}日"
    if rng.random() < 0.8:
        signoff += [agency, date_text]
    else:
        signoff += [date_text, agency]
    contact, phone = ctx.person(), phone_number(ctx)
    contact_lines = rng.choice([
        [f"（联系人：{contact}，电话：{phone}）"],
        [f"联系人：{contact}；联系电话：{phone}"],
        [f"联系人：{contact}", f"联系电话：{phone}"],
        [f"联系人：{contact}    联系电话：{phone}"],
        [f"（联系人：{contact}；联系方式：{phone}）"],
        [f"经办人：{contact}，电话：{phone}"],
        [f"联系人及电话：{contact}，{phone}"],
    ])
    signoff += contact_lines
    disclosure = rng.choice(["公开方式：主动公开", "公开方式：主动公开。", "公开方式：依申请公开", "（此件主动公开）", "公开方式：不予公开",
                             "（此件依申请公开）", "公开属性：主动公开", None])
    if disclosure:
        signoff.append(disclosure)
    if rng.random() < 0.75:
        cc = [f"{lvl}人大常委会代表工作委员会" if npc else f"{lvl}政协提案委员会", f"{lvl}政府办公室"]
        if rng.random() < 0.5:
            cc.append(rng.choice([f"{lvl}政府督查室", "各会办单位"] + [f"{lvl}{p}" for p in peers]))
        signoff.append("抄送：" + rng.choice(["、", "，"]).join(cc) + rng.choice(["。", ""]))

    facts = dict(header_len=len(header), body_end=len(header) + len(body), doc_number=doc_number, agency=agency, title=title, topic=ctx.topic["name"], addressee=salutation.rstrip("："),
                 proposal=f"{kind}第{number}号", date=f"{ctx.year}-{ctx.month:02d}-{ctx.day:02d}", contact=contact, phone=phone,
                 style=style)
    return header + body + signoff, facts


def phone_number(ctx: Context) -> str:
    rng = ctx.rng
    if rng.random() < 0.15:
        return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
    digits = 8 if len(ctx.area_code) <= 3 or rng.random() < 0.6 else 7
    number = str(rng.randint(2 * 10 ** (digits - 1), 10 ** digits - 1))
    return rng.choice([f"{ctx.area_code}-{number}", f"{ctx.area_code}-{number}", number, f"（{ctx.area_code}）{number}"])


def section_headings(ctx: Context, count: int) -> list[tuple[str, dict, str]]:
    """(heading words, topic, mode) for each top-level section."""
    rng = ctx.rng
    scheme = rng.choice(["narrative", "responsive", "measures"])
    topics = ctx.topics
    if scheme == "narrative":
        pool = [("基本情况", "fact"), (rng.choice(["已开展的工作", "主要工作措施", "工作开展情况", "主要做法及成效"]), "fact"),
                (rng.choice(["存在的问题", "存在的主要困难", "面临的困难和问题"]), "problem"),
                (rng.choice(["关于您提出的有关建议", "关于提案所提问题的办理情况"]), "fact"),
                (rng.choice(["下一步工作计划", "下一步工作措施", "下一步打算"]), "plan")]
        if count < len(pool):
            keep = sorted(rng.sample(range(1, len(pool) - 1), max(count - 2, 0)))
            pool = [pool[0]] + [pool[i] for i in keep] + [pool[-1]] if count >= 2 else pool[:count]
        return [(words, topics[i % len(topics)] if mode != "problem" else ctx.topic, mode) for i, (words, mode) in enumerate(pool[:count])]
    headings = []
    measures = [(m, t) for t in topics for m in split(t["measures"])]
    rng.shuffle(measures)
    for i in range(count):
        measure, topic = measures[i % len(measures)]
        last = i == count - 1 and rng.random() < 0.6
        if last:
            headings.append((rng.choice(["下一步工作", "下一步工作计划", "关于下一步工作"]), ctx.topic, "plan"))
        elif scheme == "responsive":
            headings.append((rng.choice([f"关于{measure}的建议", f"关于“{measure}”的问题", f"关于{topic['name']}方面"]), topic, "fact"))
        else:
            headings.append((measure, topic, "fact"))
    return headings


def sections(ctx: Context, style: str, budget: float) -> list[str]:
    rng = ctx.rng
    count = rng.randint(2, 6)
    per_section = budget / count
    out: list[str] = []
    if style == "plain":
        while sum(map(len, out)) < budget:
            out.append(paragraph(ctx, rng.choice(ctx.topics), rng.choice(["fact", "fact", "plan", "problem"]), rng.randint(120, 400)))
        return out
    if style == "inline":
        heads = section_headings(ctx, count)
        for words, topic, mode in heads:
            lead = rng.choice([f"在{words}方面，", f"{words}。" if words.startswith("关于") else f"关于{words}。", f"{words}：", ""])
            n = rng.randint(2, 5)
            items = []
            for k in range(n):
                measure = ctx.deal(f"measures:{topic['name']}", split(topic["measures"]))
                items.append(f"{CN_ORDINALS[k]}是{measure}。" + "".join(sentence(ctx, topic, mode) for _ in range(rng.randint(1, 3))))
            intro = (rng.choice([f"下一步，我{ctx.self_ref}将重点做好以下工作：", "具体安排如下：", ""]) if mode == "plan"
                     else rng.choice([f"近年来，我{ctx.self_ref}主要开展了以下工作：", "主要做法如下：", ""]))
            text = lead + intro + "".join(items)
            out.append(text)
            while len(text) < per_section * 0.6:
                extra = paragraph(ctx, topic, mode, rng.randint(100, 300))
                out.append(extra)
                text += extra
        return out
    top_marker, sub_marker = {
        "cn+cnparen": ("cn", "cnparen"), "arabic+paren": ("arabic", "paren"), "cn+circled": ("cn", "circled"),
        "cn+arabic": ("cn", "arabic"), "cnparen+arabic": ("cnparen", "arabic"), "cn-only": ("cn", None),
    }[style]
    arabic_sep = rng.choice([".", "．", "、"])
    for i, (words, topic, mode) in enumerate(section_headings(ctx, count)):
        out.append(marker(top_marker, i, arabic_sep) + words)
        ctx.headings.append(out[-1])
        written = 0
        if sub_marker is None or rng.random() < 0.15:
            while written < per_section:
                text = paragraph(ctx, topic, mode, rng.randint(120, 420))
                out.append(text)
                written += len(text)
            continue
        measures = split(topic["measures"]) if mode != "problem" else split(topic["problems"])
        rng.shuffle(measures)
        k = 0
        while written < per_section and k < len(measures):
            head = measures[k]
            text = marker(sub_marker, k, arabic_sep) + head + "。" + paragraph(ctx, topic, mode, rng.randint(100, 380))
            out.append(text)
            written += len(text)
            k += 1
            if rng.random() < 0.15 or k == len(measures) and written < per_section:
                extra = paragraph(ctx, topic, mode, rng.randint(80, 300))
                out.append(extra)
                written += len(extra)
        while written < per_section * 0.8:
            extra = paragraph(ctx, topic, mode, rng.randint(120, 400))
            out.append(extra)
            written += len(extra)
    return out


def marker(kind: str, i: int, arabic_sep: str) -> str:
    if kind == "cn":
        return f"{CN_ORDINALS[i]}、"
    if kind == "cnparen":
        return f"（{CN_ORDINALS[i]}）"
    if kind == "arabic":
        return f"{i + 1}{arabic_sep}"
    if kind == "paren":
        return f"（{i + 1}）"
    return CIRCLED[i]


# --- page damage and rendering --------------------------------------------------------------------


def damage(rng: random.Random, paragraphs: list[str], first_body: int, last_body: int) -> tuple[list[str], bool]:
    """Break 1–3 long body paragraphs mid-sentence across a blank line, often with a page-number line."""
    candidates = [i for i in range(first_body, last_body) if len(paragraphs[i]) > 80]
    if not candidates:
        return paragraphs, False
    chosen = sorted(rng.sample(candidates, min(len(candidates), rng.randint(1, 3))), reverse=True)
    out = list(paragraphs)
    page_total = max(2, len("".join(paragraphs)) // 1100 + 1)
    for rank, index in enumerate(chosen):
        text = out[index]
        positions = [p for p in range(20, len(text) - 20)
                     if not (text[p - 1] in "，。、；：！？（）《》“”" or text[p] in "，。、；：！？（）《》“”")
                     and not (text[p - 1].isdigit() and text[p].isdigit())]
        if not positions:
            continue
        p = rng.choice(positions)
        page = max(1, page_total - rank - 1)
        furniture = rng.choice([f"- {page} -", f"- {page} -", f"—{page}—", f"－{page}－", f"第{page}页 共{page_total}页", None])
        out[index:index + 1] = [text[:p], furniture, text[p:]] if furniture else [text[:p], text[p:]]
    return [x for x in out if x is not None], True


def hard_wrap(paragraphs: list[str], width: int) -> list[str]:
    """Cut every paragraph into lines of at most ``width`` display columns (PDF text extraction)."""
    out = []
    for text in paragraphs:
        line, used = "", 0
        for ch in text:
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + w > width:
                out.append(line)
                line, used = "", 0
            line += ch
            used += w
        out.append(line)
    return out


def render(rng: random.Random, paragraphs: list[str], damaged: bool, markdown: bool, header_len: int, heading_idx: set[int]) -> str:
    if markdown:
        lines = []
        for i, text in enumerate(paragraphs):
            if i == header_len - 2:                       # the title line
                lines.append("# " + text)
            elif i in heading_idx:
                lines.append("## " + text)
            else:
                lines.append(text)
        return "\n\n".join(lines) + "\n"
    indent = "　　" if not damaged and rng.random() < 0.25 else ""
    sep = "\n" if (damaged and rng.random() < 0.3) or rng.random() < 0.3 else "\n\n"
    if damaged and rng.random() < 0.3:
        body = hard_wrap(paragraphs, rng.randint(52, 68))
        return "\n".join(body) + "\n"
    lines = [(indent if i >= header_len and text and not text.startswith(("-", "—", "－", "第")) else "") + text
             for i, text in enumerate(paragraphs)]
    lead = "\n\n" if rng.random() < 0.2 else ""
    return lead + sep.join(lines) + "\n"


# --- the corpus ---------------------------------------------------------------------------------


def pick_context(rng: random.Random) -> Context:
    level = rng.choices(["province", "city", "district"], weights=[1, 4, 4])[0]
    province = rng.choice(list(REGIONS))
    cities = REGIONS[province][1]
    city = rng.choice(list(cities)) if level != "province" else None
    districts = cities[city][2] if city else []
    if level == "district" and not districts:
        level = "city"
    district = rng.choice(districts) if level == "district" else None
    agency = rng.choice(AGENCIES)
    name = agency["names"][level]
    if level == "province":
        agency_name = province + name
    elif level == "city":
        agency_name = city + name
    elif agency["key"] == "sthj":
        agency_name = f"{city}生态环境局{district[:-1]}分局"
    else:
        agency_name = city + district + name
    topics = list(agency["topics"])
    rng.shuffle(topics)
    topics = topics[:rng.choice([1, 1, 2, 2, 3])]
    year = rng.randint(2019, 2024)
    month = rng.randint(4, 11)
    area_code = cities[city][1] if city else next(iter(cities.values()))[1]
    return Context(rng=rng, level=level, province=province, city=city, district=district, agency=agency,
                   agency_name=agency_name, topic=topics[0], topics=topics, year=year, month=month,
                   day=rng.randint(1, 28), area_code=area_code)


def file_name(rng: random.Random, index: int, ctx: Context, facts: dict, suffix: str) -> str:
    if rng.random() < 0.1:
        return f"{index:04d}-{ctx.agency_name}关于{ctx.topic['name']}的答复{suffix}"
    number = re.sub(r"\D+", "-", facts["doc_number"]).strip("-")
    return f"{index:04d}-{ctx.agency['key']}-{number}{suffix}"


def generate_one(seed: int, index: int, page_break_share: float, used_doc_numbers: set[str]) -> tuple[str, bytes, dict]:
    for attempt in range(50):
        rng = random.Random(f"{seed}:{index}:{attempt}")
        ctx = pick_context(rng)
        paragraphs, facts = build_letter(ctx, index, used_doc_numbers)
        if any(bad in "\n".join(paragraphs) for bad in BLOCKLIST):
            used_doc_numbers.discard(facts["doc_number"])
            continue
        header_len, body_end = facts.pop("header_len"), facts.pop("body_end")
        headings = {i for i in range(header_len, body_end) if paragraphs[i] in ctx.headings}
        markdown = rng.random() < 0.03
        damaged = not markdown and rng.random() < page_break_share
        if damaged:
            paragraphs, damaged = damage(rng, paragraphs, header_len + 1, body_end)
        text = render(rng, paragraphs, damaged, markdown, header_len, headings)
        encoding = "utf-8"
        if not markdown and rng.random() < 0.12:
            try:
                payload = (text.replace("\n", "\r\n") if rng.random() < 0.5 else text).encode("gbk")
                encoding = "gbk"
            except UnicodeEncodeError:
                payload = text.encode("utf-8")
        else:
            payload = text.encode("utf-8")
        name = file_name(rng, index, ctx, facts, ".md" if markdown else ".txt")
        facts.update(file=name, encoding=encoding, damaged=damaged, markdown=markdown, chars=len(text), level=ctx.level)
        return name, payload, facts
    raise RuntimeError(f"letter {index}: could not avoid the blocklist in 50 attempts")


def generate(out_dir: Path, count: int, seed: int, page_break_share: float) -> list[dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    manifest = []
    for index in range(1, count + 1):
        name, payload, facts = generate_one(seed, index, page_break_share, used)
        (out_dir / name).write_bytes(payload)
        manifest.append(facts)
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--page-breaks", type=float, default=0.15, help="share of letters with PDF-style damage (0–1)")
    parser.add_argument("--manifest", type=Path, help="write a JSON list describing each letter")
    args = parser.parse_args()
    manifest = generate(args.out_dir, args.count, args.seed, args.page_breaks)
    if args.manifest:
        args.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    chars = [m["chars"] for m in manifest]
    print(f"{len(manifest)} letters in {args.out_dir}: {sum(m['encoding'] == 'gbk' for m in manifest)} GBK, "
          f"{sum(m['markdown'] for m in manifest)} .md, {sum(m['damaged'] for m in manifest)} with page damage; "
          f"{min(chars)}–{max(chars)} chars, mean {sum(chars) // len(chars)}")


if __name__ == "__main__":
    main()
