"""What a question asks: its kind of answer, its words, its anchors, its parts."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from index.patterns import DOC_NUMBER_TAIL

from .crosslingual import EnglishToChinese, TermGroup
from .lexicon import Segmenter, is_english, normalize
from .places import division_names, place_level
from .romanised import spelt_alike
from .values import COUNTING_WORDS, MEASURE_WORDS, asked_form, asked_measure, asked_milestone, asked_rate, asks_a_figure, asks_a_share, asks_about_the_proposal, asks_per_unit, asks_why, asks_the_present, years_in

# Kinds of answer, tried in this order; the first pattern found decides.
_KINDS_ZH = [
    ("rank", r"第几|排名|排第|名次|排在|位列"),
    ("percent", r"占比|比例|比重|百分之|百分比|覆盖率|增长率|增速"),
    ("date", r"哪天|哪一天|(什么|啥)时候|何时|哪年|哪一年|几月|日期|(什么|啥)时间"),
    ("money", r"(资金|金额|经费|费用|[^工]费|投资|奖励|补贴|补助|奖金|预算)[^，。？]*(多少|几)|多少钱"),
    # 哪几个 asks which ones (a list), not how many.
    ("quantity", r"多少|(?<!哪)几[个家项期人套次批名所座条台件户场份篇部种类位倍年天]|几$|几？|数量|总数"),
    ("list", r"哪些|有什么|有哪|包括什么|分别是|哪几"),
    ("entity", r"哪个|哪家|哪位|哪一|谁|什么|啥|哪|何种"),
]
_KINDS_EN = [
    ("rank", r"\brank|\branking|\bplace[sd]?\b|\bposition"),
    ("percent", r"percent|proportion|\bshare\b|\brate\b"),
    ("date", r"\bwhen\b|what date|which day|what year|\bdate\b"),
    # how much of the money words of _KINDS_ZH (补贴, 补助, 奖励, 投资 …) close after it, as the Chinese asks
    # 补贴多少 ("How much is the monthly subsidy", not "By how much did losses fall in areas the subsidy covers")
    ("money", r"how much (money|funding|fund)|\bfunding\b|\bfunds?\b|\bcost\b|\bfee\b|\bbudget\b|\byuan\b"
              r"|how much\s+([\w-]+\s+){0,4}?(subsid|allowance|grant|invest|reward|bonus|compensat|spen[dt]|pa(y|id)\b)"),
    ("quantity", r"how many|how much|number of|\bcount\b"),
    ("list", r"\bwhich\b.*\b(are|were|have)\b|\bwhat are\b|\blist\b"),
    ("entity", r"\bwho\b|\bwhich\b|\bwhat\b"),
]
# How a question names the letter itself: 答复, 复函, 这封信 (not 短信, 信号, 诚信).
_LETTER = r"(?:答复|回复|复函|来函|回函|回信|来信|(?:这|那|该|此|本)(?:一)?(?:封|份|个)?(?:信|函)|(?:这|那|该|此|本)(?:一)?份(?:报告|文件))"
# Facts every letter's header or sign-off holds, and how people ask for them.
# "Which body/bodies", as a question about the letter's handling names them.
_WHICH_BODY = r"(哪些|哪几个|哪个|哪几家|哪家|什么)(单位|部门|机关|机构)"
_FIELDS_ZH = [
    ("doc_number", r"文号|发文字号|发文编号"),
    ("proposal_number", r"(提案|建议|议案)的?(编号|号码|号是)|编号是多少|编号为|(提案|建议|议案)是?第?(几|多少)号"),
    # 承办人/经办人: the official who handled the reply, whom the sign-off names with the phone
    # ("承办人及联系电话：…"); not 承办单位 (the agency) nor 承办负责人 (the signer).
    ("contact", r"联系人|联系谁|找谁|找哪位|问谁|承办人|经办人|谁经办"),
    ("phone", r"电话|联系方式"),
    ("addressee", r"哪(几|一|些)?位[\u4e00-\u9fff]{0,4}?(委员|代表)|回复(给)?谁|答复(给)?谁|谁的(提案|建议)|提案人|建议人|哪位.*(提案|建议)|(写|发|寄)给(谁|哪)"
                  r"|谁提(出)?的|由谁提(出)?"  # who proposed it (谁提的, not 谁提供)
                  r"|哪(些|几)位?(委员|代表).{0,3}提|(答复|回复)(的|给)(是)?哪(些|几|一)?位?(委员|代表)"
                  r"|(几|多少)(位|名)(委员|代表).{0,3}(提|联名)"),  # 是几位代表提的: the salutation names them
    # The letter itself (_LETTER) as the subject of when: "那封答复是哪天发的", not "答复里的项目什么时候开工".
    ("date", rf"(落款|发文|印发|签发|成文|{_LETTER})(的)?(日期|时间)|(哪天|什么时候|何时)(答复|回复|发出|印发)"
             rf"|落款.{{0,3}}(哪天|哪一天|什么时候)|{_LETTER}(是|于)?(在)?(哪天|哪一天|什么时候|何时|几月几[日号])"),
    # Which body wrote the letter: "答复是哪个单位写的", "这封信是哪个部门答复的" (the letter must be named:
    # "补助是哪个部门发的" asks about money).
    ("agency", rf"哪个(单位|部门|机关)(答复|回复|复函)|发文(机关|单位)|答复单位|落款单位"
               rf"|^(?=.*(建议|提案|议案|{_LETTER})).*((哪个|哪一个|哪家|什么)(单位|部门|机关|机构)(负责)?(办理|承办|主办)"
               rf"|(主办|承办)(单位|部门)(是|为))"
               rf"|{_LETTER}(是)?(由)?(哪个|哪一个|哪家|什么)(单位|部门|机关|机构)"
               rf"|^(?=.*{_LETTER}).*(哪个|哪一个|哪家|什么)(单位|部门|机关|机构)(写|发|出具|作出|答复|回复)的"
               rf"|{_LETTER}(是)?谁(写|发)的|{_LETTER}(是)?谁(写|发|寄)给"),  # 这封信是谁写给谁的: both
    ("disclosure", r"公开方式|是否公开"),
    ("cc", r"抄送"),
    # A reply's class (A类: solved, B类: being solved …) is that of the proposal it answers: "这件提案属于哪一类？".
    ("category", rf"(办理|答复|办复)(的)?(类别|类型|分类)|({_LETTER}|(的|这|那|该|此)(件|个|项|份)?(提案|建议|议案))"
                 rf".{{0,4}}(属于|是|算|列为|归为)(哪一类|哪类|什么类|哪个类别|几类)"),
    ("signer", r"签发人|(承办|分管)负责人|谁签发|谁签(的|字)"),  # not 项目负责人: a topic
    # The meeting a proposal was made at ("这件建议是在哪次会议上提的？"): the proposal must be what is asked
    # about, so "项目是在哪次会议上通过的？" stays a question about the text.
    ("session", r"^(?=.*(建议|提案|议案)).*(哪(一)?次|哪(一)?届|第几次|什么)(会议|人代会|政协会|大会|会上)"),
    # The bodies that handled the proposal beside the agency ("会办单位有哪些？", "答复时综合了哪些部门的意见？",
    # "是和哪个部门一起办的？"); the verb must be the handling's, so "和哪些部门一起开展了整治？" is about the text.
    ("co_handlers", rf"(会办|协办|参办)(单位|部门)|(综合|征求|听取|会商)(了)?{_WHICH_BODY}的?(意见|看法)"
                    rf"|(和|与|同|跟|会同){_WHICH_BODY}(一起|一道|共同|联合)?(办|办理|答复|办复)(的|了|这)"
                    rf"|{_WHICH_BODY}(一起|一道|共同|联合|参与|协助)(办理|答复|办复)"),
]
# Who proposes (the addressee of a reply), one or several: "which deputies submitted …".
_PROPOSERS_EN = r"(members?|deput(y|ies)|delegates?|representatives?)"
# How English asks when: "when", "on what date", "which day".
_WHEN_EN = r"(\bwhen|\b(what|which) (date|day))"
_BODIES_EN = r"(departments?|agenc(y|ies)|bureaus?|ministr(y|ies)|units?|bod(y|ies)|offices?|authorit(y|ies)|governments?)"
_FIELDS_EN = [
    ("doc_number", r"document number|reference number|file number|\bserial number"),
    # "suggestion No. 255" names the number: it does not ask it.
    ("proposal_number", r"(proposal|motion|suggestion) (number|no)\b(?!\.?\s*\d)|\bnumber of (the|this|that) (\S+ ){0,3}(proposal|motion|suggestion)\b"
                        r"|what number (is|was) .*\b(proposal|motion|suggestion)"),
    ("contact", r"contact person|\bcontact\b|who (should|can|do|could) (i|we) (call|ring|ask|phone)"),
    ("phone", r"phone|telephone"),
    # who wrote the proposal, not the reply (the agency: below)
    ("addressee", r"addressed to|\bto whom\b|who (submitted|proposed|made|raised)|\bwhose (suggestion|proposal|motion)"
                  r"|\bwho\b.*\b(suggestion|proposal|motion)\b.*\bfrom\b|who wrote (?!(the|this|that) (reply|letter|response|answer))"
                  rf"|which (\w+ )?{_PROPOSERS_EN}|{_PROPOSERS_EN}\b.*\b(submit|propos|rais|made|wrote)"),
    # When the letter was dated, asked with when / what date / which day ("On what date was X's reply to
    # suggestion No. 5 issued?", "What day did the bureau sign its reply?"), not when a thing it tells of happens.
    ("date", rf"{_WHEN_EN} (was|is) (this|the) (reply|letter|response|answer)|date of (this|the) (reply|letter)"
             r"|(reply|letter) (dated|issued|sent|signed)"
             rf"|{_WHEN_EN}\b.*\b(reply|letter|response)\b.*\b(dated|issued|sent|signed|written)\b"
             rf"|{_WHEN_EN} did\b.*\b(reply|respond)\b|{_WHEN_EN} did\b.*\b(sign|issue|send|write)\b.*\b(reply|letter|response)\b"
             rf"|\b(replied|responded|answered|signed)\b.*(\band\b|,)\s*(on )?{_WHEN_EN}\b"
             # the date a letter bears: "What date is on the bureau's reply…", "the date of the bureau's reply"
             r"|\bdate (is |was )?on (the|this|that)\b.*\b(reply|letter|response)\b"
             r"|\bdate of (the|this|that) [\w\s.'’-]{0,60}?['’]s? (reply|letter|response)\b"),
    ("agency", r"which (agency|department|bureau|office|ministry|authority|body|government|county|city|district) "
               r"(replied|answered|responded|issued|wrote|sent|signed|handled|dealt with|(is|was) (handling|responsible for|in charge of))"
               r"|who (handled|dealt with) (the|this|that|suggestion|proposal|motion)"
               r"|issuing (agency|authority)"
               r"|who (wrote|sent|issued) (the|this|that) (reply|letter|response|answer)|\bwho (replied|responded)\b"
               r"|(reply|letter|response) (was )?(written|sent|issued) by (whom|which)"),
    ("disclosure", r"disclos|made public"),
    ("cc", r"\bcc\b|copied to|carbon cop"),
    ("category", r"\bcategory\b|\bclass(ified)? [abc]\b"),
    ("session", r"\b(which|what) (session|meeting)\b.*\b(suggestion|proposal|motion|raised|submitted|made|put forward)\b"
                r"|\b(suggestion|proposal|motion)\b.*\b(raised|submitted|made|put forward) at (which|what)\b"),
    ("signer", r"responsible (official|person|leader)|\bsign(ed|s)? (off|for)\b|\bsignator|\bsigner\b|who signed|official in charge"),
    # Not "were residents consulted": the bodies consulted, or who handled the proposal jointly.
    ("co_handlers", rf"\bco-?handl\w*|\b(which|what) (\w+ ){{0,2}}{_BODIES_EN}\b.*\b(consulted|jointly|co-?handled)\b"
                    rf"|\bconsulted (which|what)\b|\bjointly with (which|what)\b|\b(together|along) with (which|what) {_BODIES_EN}\b.*\b(handl|dealt|repl|answer)"
                    # "Which ministry did the bureau work with to handle the proposal?"
                    rf"|\b(which|what) (\w+ ){{0,2}}{_BODIES_EN}\b.*\bwork(ed)? (together |jointly )?with\b.*"
                    r"\b(handl\w*|answer\w*|repl\w*|respon\w*|deal\w*)\b.*\b(proposal|suggestion|motion)"),
]
# The subject a later part of a question about the letter leaves out: "答复是哪个单位发的，什么时候发的？"
_IMPLIED_LETTER = "答复"
_COUNTING_WORD_ZH = re.compile(r"多少|几")
_UNIT_AFTER_QUESTION = re.compile(rf"(?:多少|几)({MEASURE_WORDS})")
_PART_SPLIT = re.compile(r"([，,；;？?])")
_FOLLOW_UP_START = re.compile(r"^(那|那么|那它|它|其|该|这个|这些|这项|此|还有|另外|分别|and\b|what about|how about|its?\b|they\b|their\b)", re.I)


# What a question can look for in Chinese letters: a Chinese character (CJK ideographs, extensions A–G,
# compatibility forms: traditional ones too), or a word of two or more letters and digits with a letter in
# it (5G, CIO, Zhongfang). One Latin letter, digits alone, punctuation, emoji and other scripts name nothing.
_HAN_CHARACTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_WORD_WITH_LETTER = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")


# What people say to a bot that is no question: thanks, greetings, acknowledgements. After an answer, "谢谢"
# was read as a follow-up and answered with the next figure of the letter ("全省排名第4…"), "thanks" with
# the letter's own 感谢 sentence.
_COURTESY = re.compile(
    r"(?:谢谢|多谢|感谢|谢了|谢啦|辛苦了|不客气|你好|您好|早上好|晚上好|再见|拜拜|好的|好吧|好|嗯+|哦+|噢|收到|明白了?|知道了|了解|可以|行"
    r"|thanks?(?:you)?|thankyou|thx|ty|hi|hello|hey|bye|goodbye|ok(?:ay)?|great|cool|nice|gotit|noted|understood|sure)+")
_NOT_WORDS = re.compile(r"[\W_]+")


def is_courtesy(text: str) -> bool:
    """Whether ``text`` is only thanks, a greeting or an acknowledgement ("谢谢！", "好的，谢谢", "OK thanks")."""
    words = _NOT_WORDS.sub("", text.lower())
    return bool(words) and _COURTESY.fullmatch(words) is not None


def looks_for_something(text: str, *, numbers: bool = False) -> bool:
    """Whether ``text`` names anything the letters could hold; ``numbers``: digits count too (a follow-up's
    "2022?" asks the previous question about another year).

    The reader was trained and calibrated on real questions; asked "v" or "；" it can still find a span
    above its threshold, so a question that names nothing (or only thanks or greets) is refused without reading.
    """
    if is_courtesy(text):
        return False
    if _HAN_CHARACTER.search(text) or (numbers and re.search(r"\d", text)):
        return True
    return any(len(word) >= 2 for word in _WORD_WITH_LETTER.findall(text))


@dataclass(frozen=True)
class Question:
    """A question, analysed."""

    text: str
    english: bool
    kind: str                          # rank, percent, date, money, quantity, list, entity, generic
    unit: str | None                   # measure word asked for (家 in 多少家)
    groups: tuple[TermGroup, ...]      # the ideas whose words should appear near the answer
    focus: tuple[int, ...]             # indices into groups: what the question is about
    years: frozenset[str]
    places: tuple[TermGroup, ...]      # place names that must appear in the letter
    fields: tuple[str, ...]            # header/sign-off facts asked for
    people: tuple[str, ...] = ()       # persons the question names (李金吉, 委员)
    index_words: tuple[str, ...] = ()  # the question segmented as chunks are for BM25
    parts: tuple["Question", ...] = ()  # sub-questions of a compound question
    measure: str | None = None         # what the figure asked for measures (多少万亩 → area; values.MEASURES)
    form: str | None = None            # the form the answer takes (哪一天 → day, 第几 → rank; values.ANSWER_FORMS)
    per_unit: bool = False             # asks a figure per head or per unit (每万人, 人均; values.asks_per_unit)
    rate: str | None = None            # the rate a figure is asked at (一天 → day, 每亩 → unit; values.asked_rate)
    figure: bool = False               # asks a figure, not a name or a place in an order (values.asks_a_figure)
    share: bool = False                # asks a share or a change (占比, 增加多少; values.asks_a_share)
    milestone: str | None = None       # the milestone a date is asked of (开工 → start; values.asked_milestone)
    present: bool = False              # asks a figure as things stand now (现在, so far; values.asks_the_present)
    proposal: bool = False             # asks what was proposed (建议, suggest; values.asks_about_the_proposal)
    why: bool = False                  # asks why (为什么, why; values.asks_why)

    @property
    def search_words(self) -> list[str]:
        """Words for BM25: the question segmented like the chunks were, plus its ideas' alternatives."""
        return list(dict.fromkeys([*self.index_words, *(alt for group in self.groups for alt in group.alternatives)]))

    @property
    def search_terms(self) -> list[str | tuple[str, ...]]:
        """The BM25 query (``SparseIndex.search``): each word of the question segmented like the chunks were
        that no idea holds, then each idea's alternatives as one term, which scores as its best word."""
        inside = {alt for group in self.groups for alt in group.alternatives}
        ideas = list(dict.fromkeys(group.alternatives for group in self.groups if group.alternatives))
        return [*dict.fromkeys(word for word in self.index_words if word not in inside),
                *(idea[0] if len(idea) == 1 else idea for idea in ideas)]

    def with_context(self, previous: "Question") -> "Question":
        """This (elliptic) follow-up with the previous question's ideas added after its own; a year or place
        it names replaces the previous question's, and else it is about theirs (同江…停车场？ 预计什么时候能用上？)."""
        own = {alt for group in self.groups for alt in group.alternatives}
        extra = tuple(g for g in previous.groups if not own.intersection(g.alternatives))
        return replace(self, groups=self.groups + extra, years=self.years or previous.years,  # 那2022年呢: the new year replaces the old
                       places=self.places or previous.places,
                       index_words=tuple(dict.fromkeys(self.index_words + previous.index_words)),
                       focus=self.focus or tuple(len(self.groups) + i for i in range(len(extra)))[:1])


class QuestionAnalyser:
    """Builds Question objects; holds the word tools it needs."""

    def __init__(self, segmenter: Segmenter, dictionary: Callable[[], EnglishToChinese], known: Callable[[str], bool],
                 romanised: Callable[[str, tuple[str, ...]], tuple[str, ...]] = lambda name, suffixes=(): ()) -> None:
        self._segmenter = segmenter
        self._dictionary = dictionary
        self._known = known
        self._romanised = romanised  # a romanised name → the letters' words it spells

    def analyse(self, text: str) -> Question:
        """Analyse a whole question, splitting it into parts when it asks several things."""
        question = self._analyse_one(text)
        split = _PART_SPLIT.split(text)  # pieces, each followed by the mark that ends it
        pieces = [(piece, mark) for piece, mark in zip(split[::2], [*split[1::2], ""]) if piece.strip()]
        if question.english or len(pieces) < 2:
            return question
        parts = [(self._analyse_one(piece), mark) for piece, mark in pieces]
        # A piece asks something when it has a kind or a header field, or ends with a question mark: a yes/no
        # or either/or question (是主办还是协办？) has no kind, but is no context clause either.
        asking = [part for part, mark in parts if part.kind != "generic" or part.fields or (mark and mark in "？?")]
        if len(asking) < 2:
            return question
        subject = asking[0]
        asking = [asking[0]] + [p if len(p.groups) > 1 else p.with_context(subject) for p in asking[1:]]
        if subject.fields:  # the first part asks about the letter itself: a later part without a subject does too
            asking = [asking[0]] + [p if p.fields else replace(p, fields=_fields(normalize(_IMPLIED_LETTER + p.text), False))
                                    for p in asking[1:]]
        fields = tuple(dict.fromkeys(question.fields + tuple(field for part in asking for field in part.fields)))
        return replace(question, parts=tuple(asking), fields=fields)

    def known(self, word: str) -> bool:
        """True when some letter holds ``word``."""
        return self._known(word)

    def nouns(self, text: str) -> list[str]:
        """The nouns of a Chinese question (``Segmenter.nouns``)."""
        return self._segmenter.nouns(text)

    def is_follow_up(self, question: Question) -> bool:
        """True when a question leans on the one before it (few words of its own, or a pronoun)."""
        content = [g for g in question.groups if len(g.source) > 1]
        return len(content) <= 2 or bool(_FOLLOW_UP_START.match(question.text.strip()))

    def _analyse_one(self, text: str) -> Question:
        english = is_english(text)
        norm = normalize(text)
        kind = question_kind(text)
        fields = _fields(norm, english)
        groups = self._english_groups(text) if english else self._chinese_groups(text)
        unit = None if english else _unit(norm)
        focus = _english_focus(norm, groups) if english else self._chinese_focus(norm, groups)
        if kind == "rank":
            focus = ()  # 排名第几: what is ranked comes from the words, the rank word itself is everywhere
        places = self._english_places(text, groups) if english else tuple(TermGroup(p, (p,)) for p in self._segmenter.places(text))
        people = () if english else tuple(self._segmenter.people(text))
        index_words = () if english else tuple(self._segmenter.index_terms(text))
        years = frozenset(years_in(DOC_NUMBER_TAIL.sub("", norm)))  # a 文号's 〔2022〕 names the letter, no year asked
        figure = asks_a_figure(text)
        return Question(text, english, kind, unit, tuple(groups), focus, years, places, fields,
                        people, index_words, measure=asked_measure(norm), form=asked_form(norm),
                        per_unit=asks_per_unit(norm), figure=figure, share=asks_a_share(text),
                        rate=asked_rate(norm), milestone=asked_milestone(norm) if kind == "date" else None,
                        present=figure and asks_the_present(norm),
                        proposal=asks_about_the_proposal(norm), why=asks_why(norm))

    def _english_places(self, text: str, groups: list[TermGroup]) -> tuple[TermGroup, ...]:
        """Capitalised names whose Chinese renderings are place names (Guangzhou → 广州; not Ministry → 交通部)."""
        places = []
        for group in _proper_names(text, groups):
            if _is_rank_word(group.source) or group.source.lower() in _COMPASS_WORDS:
                # "Huan County", "Tongjiang City": the rank word is the name's suffix, no place of its own (its
                # renderings had been 南县 and 定安, any city the letters name); "Haining West Station",
                # "Hepingjie North": a direction is part of the name (its renderings had been 西湖, and 北川
                # and the other counties the letters write with 北)
                continue
            # a place, and the name spelt in pinyin: "New Area" is no 新建 (a county too, in the dictionary)
            alternatives = tuple(alt for alt in group.alternatives
                                 if self._segmenter.is_place(alt) and spelt_alike(group.source, alt))
            suffixes = _english_rank_suffixes(text, group.source)
            if not suffixes and any(alt.isascii() for alt in group.alternatives):
                # a name spelled from the letters' words (its Latin form kept beside them), with no rank word:
                # only searched for (homophones: "Xiqiao" is 西樵镇 or 喜桥村)
                alternatives = ()
            if suffixes:  # "Yunxi county": 郧西县, not 云溪区; "Zhongfang town": not the county 中方县
                alternatives = tuple(alt for alt in alternatives if _of_rank(normalize(alt), suffixes))
                # A town the tagger does not know, its bare name spelled from the letters' words: Zhongfang town
                # is 忠防镇 where the letters have that word (a spelling alone is only searched for: homophones).
                alternatives = alternatives or tuple(alt + suffix for alt in group.alternatives for suffix in suffixes
                                                     if not alt.isascii() and place_level(alt) is None
                                                     and self._known(alt + suffix))
            if alternatives:
                places.append(TermGroup(group.source, alternatives))
        return tuple(places)

    def _chinese_groups(self, text: str) -> list[TermGroup]:
        words = [w for w in self._segmenter.content_words(text) if len(w) > 1 or w.isascii()]
        return [TermGroup(word, (word,)) for word in words if not re.fullmatch(r"\d{4}", word)]

    def _english_groups(self, text: str) -> list[TermGroup]:
        """The dictionary's ideas; a capitalised name the dictionary does not render gets the letters' words
        its pinyin spells (Zhongfang → 忠防)."""
        groups = self._dictionary().term_groups(text, keep=self._known)
        names = _capitalised(text)
        unrendered = {g.source for g in groups if g.source in names and all(a.isascii() for a in g.alternatives)}
        # A person's name is two capitalised words, surname first (Wang Shilai → 王世来): both words get the
        # letters' words the whole name spells, if any.
        full_names: dict[str, tuple[str, ...]] = {}
        for surname, given in re.findall(r"\b([A-Z][a-z]+) ([A-Z][a-z]+)\b", text):
            if {surname.lower(), given.lower()} <= unrendered:
                spelt = self._romanised(surname + given, ())
                for word in (surname.lower(), given.lower()):
                    full_names[word] = tuple(dict.fromkeys(full_names.get(word, ()) + spelt))
        groups = [_with_spellings(g, full_names.get(g.source) or self._romanised(g.source, _english_rank_suffixes(text, g.source)))
                  if g.source in unrendered else g for g in groups]
        return [g for g in groups if not re.fullmatch(r"\d{4}", g.source)]

    def _chinese_focus(self, norm: str, groups: list[TermGroup]) -> tuple[int, ...]:
        """What a quantity question counts: the idea after 多少家 or just before 是多少.

        After 哪个/什么/谁 comes the kind of thing the answer is (哪家企业), which
        the answer's sentence need not name, so those questions have no focus.
        """
        match = _COUNTING_WORD_ZH.search(norm)
        if not match or not groups:
            return ()
        positions = [norm.find(g.source) for g in groups]
        after = [i for i, pos in enumerate(positions) if pos >= match.end() and pos - match.end() <= 2]
        before = [i for i, pos in enumerate(positions) if 0 <= pos < match.start()]
        if after:
            return (after[0],)
        return (max(before, key=lambda i: positions[i]),) if before else ()


# The header and sign-off facts a question counting something (how many, how much, 多少个, 几位) can ask: a
# proposal's number, its proposers, its class. A phone, a signer, a date or an agency is counted by no one:
# "How many scam phone calls were intercepted?" does not ask the letter's phone, nor "How much was signed for …
# at the Expo?" its signer. "电话是多少？" and "文号是多少？" count nothing: they ask the phone and the 文号.
# 几届几次会议 names a session: counted with 届 and 次, it is no count either.
_COUNTABLE_FIELDS = frozenset({"proposal_number", "addressee", "category", "session"})
_COUNTS = re.compile(rf"\bhow (?:many|much)\b|(?:多少|几)(?:{COUNTING_WORDS})")


def _fields(norm: str, english: bool) -> tuple[str, ...]:
    """The letter's header and sign-off facts a (normalised) question asks for."""
    fields = tuple(name for name, pattern in (_FIELDS_EN if english else _FIELDS_ZH) if re.search(pattern, norm))
    return tuple(name for name in fields if name in _COUNTABLE_FIELDS) if _COUNTS.search(norm) else fields


def _proper_names(text: str, groups: list[TermGroup]) -> tuple[TermGroup, ...]:
    """Ideas written with a capital letter inside an English sentence (Zhongshan, Guangzhou).

    Only names the dictionary renders in Chinese: a romanised name it does not know (Zhoucun, Suyan)
    cannot be looked for in a Chinese letter, so it cannot be a reason to refuse.
    """
    names = _capitalised(text)
    return tuple(g for g in groups if g.source in names and not all(alt.isascii() for alt in g.alternatives))


def _capitalised(text: str) -> set[str]:
    """Words written with a capital letter inside an English sentence, lower-cased."""
    return {word.lower() for word in re.findall(r"(?<=[a-z0-9,] )[A-Z][a-z]+", text)}


def _with_spellings(group: TermGroup, spellings: tuple[str, ...]) -> TermGroup:
    """A name's group with the Chinese words it spells, the name itself kept."""
    return TermGroup(group.source, (*spellings, *group.alternatives)) if spellings else group


# The suffixes of Chinese division names an English rank word after a place's name stands for.
_ENGLISH_RANK_SUFFIXES = {
    "province": ("省", "自治区"), "region": ("自治区", "地区"), "city": ("市",), "prefecture": ("州", "地区", "盟"),
    "county": ("县", "旗"), "district": ("区",), "town": ("镇", "乡"), "township": ("乡", "镇"), "village": ("村",),
}


# The four directions, which English names of stations, streets and districts carry (西站, 北侧, 江北新区).
_COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western"})


def _is_rank_word(word: str) -> bool:
    """county, counties, City: an English word for a division's rank."""
    word = word.lower()
    return any(word in (rank, rank + "s", rank[:-1] + "ies") for rank in _ENGLISH_RANK_SUFFIXES)


def _english_rank_suffixes(text: str, name: str) -> tuple[str, ...]:
    """The suffixes the word right after ``name`` allows ("Yunxi county" → 县, 旗), or none."""
    match = re.search(rf"\b{re.escape(name)}(?:'s)?\s+([a-z]+)", text, re.I)
    return _ENGLISH_RANK_SUFFIXES.get(match.group(1).lower(), ()) if match else ()


def _of_rank(alternative: str, suffixes: tuple[str, ...]) -> bool:
    """The rendering has one of the suffixes, or is a bare name some division bears with one (同江 → 同江市)."""
    return alternative.endswith(suffixes) or any(alternative + suffix in division_names() for suffix in suffixes)


def _english_focus(norm: str, groups: list[TermGroup]) -> tuple[int, ...]:
    """The first idea after the question word (how many X, what is the X)."""
    return (0,) if groups else ()


def question_kind(text: str) -> str:
    """What a question asks for: date, money, quantity, list, entity … (``_KINDS_ZH``, ``_KINDS_EN``), or generic."""
    return _first_match(_KINDS_EN if is_english(text) else _KINDS_ZH, normalize(text)) or "generic"


def _first_match(table: list[tuple[str, str]], text: str) -> str | None:
    return next((name for name, pattern in table if re.search(pattern, text)), None)


def _unit(norm: str) -> str | None:
    match = _UNIT_AFTER_QUESTION.search(norm)
    return match.group(1) if match else None
