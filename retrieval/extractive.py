"""The offline answerer: picks the clause that answers the question, or says the letters do not."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from index.types import Chunk, DocumentRecord

from .evidence import RANK_WORDS, Candidate, Matcher, Sentence, sentences_of, trim_filler, typed_values, units_of
from .crosslingual import TermGroup
from .lexicon import normalize
from .question import Question, QuestionAnalyser
from .types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN, Answer, Citation, Hit

MAX_ANSWER_CHARS = 160
# Figures of a previous answer, however it was worded (6451 in "中山市有6451个5G基站[1]。"); not the 5 of 5G.
_FIGURE = re.compile(r"(?<![a-z\d.])\d+(?:\.\d+)?(?![a-z\d])")
_DEICTIC = re.compile(r"这份|这封|本函|该函|此函|本答复|这个答复|答复时|答复中|\bthis (reply|letter|response)\b", re.I)
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
_TYPED_KINDS = ("quantity", "money", "percent", "date", "rank")
_INHERITING_KINDS = ("quantity", "money", "percent", "date")


@dataclass(frozen=True)
class Thresholds:
    """How much of a question must be found around an answer before it is given."""

    coverage_zh: float = 0.6
    coverage_en: float = 0.45
    focus: float = 0.5


@dataclass(frozen=True)
class Prepared:
    """A question ready to answer: analysed, with context from the conversation."""

    question: Question
    search_text: str
    preferred_doc: str | None
    previous_figures: tuple[str, ...] = ()


class ExtractiveAnswerer:
    """Answers from the retrieved text alone: no model generates anything."""

    def __init__(self, analyser: QuestionAnalyser, matcher: Matcher, *, document: "callable[[str], DocumentRecord | None]",
                 chunks_of: "callable[[str], list[Chunk]]", latest: "callable[[], DocumentRecord | None]" = lambda: None,
                 thresholds: Thresholds = Thresholds()) -> None:
        self._latest = latest
        self._analyser = analyser
        self._matcher = matcher
        self._document = document
        self._chunks_of = chunks_of
        self._thresholds = thresholds

    def prepare(self, text: str, history: list[Answer]) -> Prepared:
        """Analyse a question; an elliptic follow-up borrows the previous question's ideas."""
        question = self._analyser.analyse(text)
        if not history:
            return Prepared(question, text, None)
        previous = history[-1]
        preferred = previous.citations[0].doc_id if previous.answered and previous.citations else None
        if not self._analyser.is_follow_up(question) or question.fields:
            return Prepared(question, text, preferred)
        context = self._analyser.analyse(_standalone(history))
        figures = tuple(_FIGURE.findall(normalize(previous.text))) if previous.answered else ()
        return Prepared(question.with_context(context), f"{_standalone(history)} {text}", preferred, figures)

    def answer(self, prepared: Prepared, hits: list[Hit]) -> Answer:
        """The answer to a prepared question from its hits."""
        started = time.perf_counter()
        question = prepared.question
        hits = _prefer_document(hits, prepared.preferred_doc)
        answer = None
        if question.fields:
            answer = self._from_metadata(question, hits, prepared.preferred_doc)
        if answer is None:
            answer = self._from_text(question, self._this_letter(question, hits, prepared.preferred_doc),
                                     prepared.previous_figures)
        return replace(answer, timings_ms={**answer.timings_ms, "answer": (time.perf_counter() - started) * 1000})

    def _this_letter(self, question: Question, hits: list[Hit], preferred: str | None) -> list[Hit]:
        """"这份答复…" with no conversation means the newest letter, as for header facts."""
        if preferred or not _DEICTIC.search(question.text) or len({h.chunk.doc_id for h in hits}) < 2:
            return hits
        latest = self._latest()
        if latest is None:
            return hits
        own = [hit for hit in hits if hit.chunk.doc_id == latest.doc_id]
        return own or [Hit(chunk, 0.0) for chunk in self._chunks_of(latest.doc_id)]

    # --- answers from the text -------------------------------------------------

    def _from_text(self, question: Question, hits: list[Hit], previous_figures: tuple[str, ...]) -> Answer:
        sentences = sentences_of(hits)
        parts = question.parts or (question,)
        chosen = [self._best(part, sentences, previous_figures) for part in parts]
        if not sentences or any(c is None or not self._supported(part, c) for part, c in zip(parts, chosen)):
            return self._refusal(question, hits)
        return Answer(question.text, _join_answers(chosen), True, self._citations(question, chosen, sentences))

    def _best(self, question: Question, sentences: list[Sentence], previous_figures: tuple[str, ...]) -> Candidate | None:
        candidates = [c for s in sentences for c in self._candidates(question, s, previous_figures)]
        return max(candidates, key=lambda c: c.score, default=None)

    def _candidates(self, question: Question, sentence: Sentence, previous_figures: tuple[str, ...]) -> list[Candidate]:
        total = sum(self._matcher.weight(g) for g in question.groups) or 1.0
        context_score = self._matcher.score(question, sentence.context)
        prior = 0.15 * total / (1 + sentence.rank)
        found = []
        earlier = ""
        for index, clause in enumerate(sentence.clauses):
            norm = normalize(clause)
            # A clause without its own subject inherits the one before it (方案4500余套，被企业采纳并实施2000余套).
            inherited = self._matcher.score(question, earlier) if earlier and question.kind in _INHERITING_KINDS else 0.0
            earlier += norm + " "
            span = self._span(question, sentence, index)
            if span is None:
                continue
            first, last, value = span
            own = self._matcher.score(question, norm, skip=RANK_WORDS if question.kind == "rank" else ())
            # The focus (what is counted, 实施 in 采纳并实施了多少套) tells apart clauses sharing a subject.
            own += 2 * sum(self._matcher.weight(question.groups[i]) * self._matcher.match(question.groups[i], norm) for i in question.focus)
            bonus = self._kind_bonus(question, clause) * total
            if previous_figures and any(figure in norm for figure in previous_figures):
                bonus += 0.3 * total  # a follow-up is most likely about what was just answered
            # Shared character pairs reward a clause that says it the way the question does (落户开展平台建设).
            bonus += 0.3 * total * _bigram_overlap(question.text, norm)
            if question.years and any(year in sentence.norm for year in question.years):
                bonus += 0.5 * total  # the year asked about is a strong constraint (2022年计划 vs 截至2021年)
            score = own + 0.5 * inherited + 0.3 * context_score + prior + bonus - 0.002 * len(clause)
            found.append(Candidate(sentence, first, last, score, value))
        return found

    def _span(self, question: Question, sentence: Sentence, index: int) -> tuple[int, int, str] | None:
        """The clauses an answer starting at ``index`` spans, with its value; None if it has none."""
        clause = sentence.clauses[index]
        if question.kind not in _TYPED_KINDS:
            return index, index, ""
        values = typed_values(question.kind, clause)
        if values and question.kind == "rank" and _bare_rank(clause):
            return None  # "全省排名第8" answers for the clause before it, which names what is ranked
        if values:
            return index, index, values[0]
        if question.kind == "rank" and index + 1 < len(sentence.clauses):
            following = typed_values("rank", sentence.clauses[index + 1])
            if following and not typed_values("rank", clause):
                return index, index + 1, following[0]
        return None

    def _kind_bonus(self, question: Question, clause: str) -> float:
        if question.unit:
            return 0.3 if question.unit in units_of(clause) else -0.2
        if question.kind == "list":
            return 0.2 if ("、" in clause or "《" in clause) else 0.0
        return 0.0

    def _supported(self, question: Question, candidate: Candidate) -> bool:
        """Is the question really answered here, or only something near it?"""
        sentence = candidate.sentence
        context = sentence.context
        limit = self._thresholds.coverage_en if question.english else self._thresholds.coverage_zh
        if self._matcher.coverage(question, context) < limit:
            return False
        if any(self._matcher.match(question.groups[i], context) < self._thresholds.focus for i in question.focus):
            return False
        chunk_text = normalize(sentence.hit.chunk.section + sentence.hit.chunk.text)
        if any(year not in chunk_text for year in question.years):
            return False
        return all(self._place_known(place, sentence.hit.chunk) for place in question.places)

    def _place_known(self, place: TermGroup, chunk: Chunk) -> bool:
        """A place the question names must be named somewhere in the answer's letter."""
        where = normalize(" ".join(c.text for c in self._chunks_of(chunk.doc_id)) or chunk.text)
        return any(normalize(alt) in where for alt in place.alternatives)

    def _citations(self, question: Question, chosen: list[Candidate], sentences: list[Sentence]) -> tuple[Citation, ...]:
        """The answer's sentences first, then up to two other sentences that say much about the question."""
        cited = list(dict.fromkeys(c.sentence for c in chosen))
        chunks = {s.hit.chunk.chunk_id for s in cited}
        related = sorted((s for s in sentences if s.hit.chunk.chunk_id not in chunks and len(s.text) >= 12),
                         key=lambda s: -self._matcher.coverage(question, s.context))
        for sentence in related:
            if len(cited) >= 3 or self._matcher.coverage(question, sentence.context) < 0.5:
                break
            if sentence.hit.chunk.chunk_id not in chunks:
                cited.append(sentence)
                chunks.add(sentence.hit.chunk.chunk_id)
        return tuple(self._cite(s.hit.chunk, s.text) for s in cited[:3])

    def _refusal(self, question: Question, hits: list[Hit]) -> Answer:
        text = NOT_IN_LETTERS_EN if question.english else NOT_IN_LETTERS
        nearest = tuple(self._cite(hit.chunk, hit.chunk.text[:120]) for hit in hits[:2])
        return Answer(question.text, text, False, nearest)

    def _cite(self, chunk: Chunk, quote: str) -> Citation:
        label = document_label(self._document(chunk.doc_id), chunk.display_name)
        return Citation(document=label, section=chunk.section, quote=quote, doc_id=chunk.doc_id)

    # --- answers from the header and sign-off ------------------------------------

    def _from_metadata(self, question: Question, hits: list[Hit], preferred: str | None) -> Answer | None:
        record = self._letter_meant(question, hits, preferred)
        if record is None or _asks_about_someone_else(question, record):
            return None
        values = [(field, _field_value(record, field, question.english)) for field in question.fields]
        values = [(field, value) for field, value in values if value]
        if len(values) < len(question.fields):
            return None
        text = "，".join(value for _, value in values)
        if self._ambiguous_letter(question, hits, preferred) and "doc_number" not in question.fields:
            text += f"（{record.metadata.doc_number or record.display_name}）"  # say which of several letters
        citations = self._metadata_citations(record, [_raw_field(record, f) for f, _ in values])
        return Answer(question.text, text, True, citations)

    def _letter_meant(self, question: Question, hits: list[Hit], preferred: str | None) -> DocumentRecord | None:
        """Which letter "这份答复" is: the conversation's, the one the question's topic finds, else the newest."""
        if preferred:
            return self._document(preferred)
        if not hits:
            return None
        if self._ambiguous_letter(question, hits, preferred):
            return self._latest()
        return self._document(hits[0].chunk.doc_id)

    def _ambiguous_letter(self, question: Question, hits: list[Hit], preferred: str | None) -> bool:
        """No conversation, no topic, and the hits come from several letters."""
        topical = [g for g in question.groups if not _is_field_word(g.source)]
        return not preferred and not topical and len({hit.chunk.doc_id for hit in hits}) > 1

    def _metadata_citations(self, record: DocumentRecord, raw_values: list[str]) -> tuple[Citation, ...]:
        chunks = self._chunks_of(record.doc_id)
        cited = [c for c in chunks if any(v and normalize(v) in normalize(c.text) for v in raw_values)]
        return tuple(self._cite(c, _lines_with(c.text, raw_values)) for c in cited[:3])


_FIELD_LABELS = {
    "doc_number": "文号：{}", "proposal_number": "第{}号", "contact": "联系人：{}", "phone": "电话：{}",
    "addressee": "{}", "date": "{}", "agency": "{}", "disclosure": "公开方式：{}", "cc": "抄送：{}",
}


_FIELD_WORDS = re.compile(
    r"^(文号|发文|字号|编号|联系|联系人|电话|联系电话|联系方式|落款|日期|时间|哪天|一天|提案|建议|议案|提案人|建议人|委员|代表|哪位|"
    r"单位|部门|机关|印发|签发|成文|公开|方式|抄送|号码|出|发出|"
    r"contact|person|phone|telephone|number|date|dated|issued|sent|signed|proposal|motion|suggestion|member|deputy|"
    r"delegate|submitted|proposed|agency|department|bureau|office|document|reference|file|serial|cc|copied)$")


def _asks_about_someone_else(question: Question, record: DocumentRecord) -> bool:
    """彭诗敏委员的电话: the letter's phone is its contact person's, not the deputy's."""
    if not {"phone", "contact"} & set(question.fields):
        return False
    contact = record.metadata.contact or ""
    return any(person not in contact for person in question.people)


def _is_field_word(word: str) -> bool:
    """Words that ask for a header or sign-off fact rather than name a topic."""
    return bool(_FIELD_WORDS.match(word))


def _raw_field(record: DocumentRecord, field: str) -> str:
    meta = record.metadata
    return {"doc_number": meta.doc_number, "proposal_number": meta.proposal_number, "contact": meta.contact,
            "phone": meta.phone, "addressee": meta.addressee, "date": meta.date, "agency": meta.agency,
            "disclosure": meta.disclosure, "cc": meta.cc}.get(field) or ""


def _field_value(record: DocumentRecord, field: str, english: bool) -> str:
    raw = _raw_field(record, field)
    if not raw:
        return ""
    text = _FIELD_LABELS[field].format(raw)
    iso = record.metadata.date_iso
    if field == "date" and iso:
        year, month, day = (int(part) for part in iso.split("-"))
        arabic = f"{year}年{month}月{day}日"
        if arabic != raw:  # 二〇二二年七月八日 is also given as 2022年7月8日
            text = f"{arabic}（{raw}）"
        if english:
            text += f" ({iso})"
    return text


def _lines_with(text: str, values: list[str]) -> str:
    lines = [line for line in text.splitlines() if any(v and normalize(v) in normalize(line) for v in values)]
    return " ".join(lines) or text[:200]


def document_label(record: DocumentRecord | None, fallback: str) -> str:
    """How a citation names its letter: 文号 and title when known (people quote either)."""
    if record is None:
        return fallback
    parts = [record.metadata.doc_number, record.metadata.title]
    label = " ".join(dict.fromkeys(p for p in parts if p))
    return label or record.display_name or fallback


def _bigram_overlap(question: str, clause: str) -> float:
    """Share of the question's CJK character pairs that also occur in the clause."""
    pairs = {question[i:i + 2] for i in range(len(question) - 1) if _CJK_PAIR.fullmatch(question[i:i + 2])}
    return sum(pair in clause for pair in pairs) / len(pairs) if pairs else 0.0


def _bare_rank(clause: str) -> bool:
    """A clause that is only a ranking, with nothing to say what is ranked."""
    rest = clause
    for word in (*RANK_WORDS, "在", "位居", "位列", "居"):
        rest = rest.replace(word, "")
    for value in typed_values("rank", clause):
        rest = rest.replace(value, "")
    return len(rest.strip()) <= 2


def _join_answers(chosen: list[Candidate]) -> str:
    texts = []
    for candidate in chosen:
        text = trim_filler(candidate.text)
        if len(text) > MAX_ANSWER_CHARS:
            text = _around(text, candidate.value)
        if any(text in kept for kept in texts):
            continue
        texts = [kept for kept in texts if kept not in text] + [text]
    return "，".join(texts)


def _around(text: str, value: str) -> str:
    """A window of the text around its value, for over-long clauses."""
    at = text.find(value) if value else 0
    start = max(0, at - MAX_ANSWER_CHARS // 2)
    return ("…" if start else "") + text[start:start + MAX_ANSWER_CHARS] + "…"


def _prefer_document(hits: list[Hit], doc_id: str | None) -> list[Hit]:
    """Hits of the conversation's current document first."""
    if not doc_id:
        return hits
    return sorted(hits, key=lambda h: h.chunk.doc_id != doc_id)


def _standalone(history: list[Answer]) -> str:
    """The last question that was not itself elliptic, with the one after it."""
    return " ".join(a.question for a in history[-2:])
