"""The optional LLM path: an OpenAI-compatible chat model writes the answer, the code checks it.

The model sees the retrieved chunks as numbered sources and must cite them as
[n]. Its answer is kept only if every number and date in it appears in the
sources it cites; otherwise, and on any error, the extractive answer stands
(mode "llm-fallback", with a note saying why).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
from pydantic import SecretStr

from index.numerals import CN_DIGITS, chinese_number
from index.patterns import CN_NUMERALS
from index.settings import LLMSettings
from index.types import SECTION_SEPARATOR, Chunk, DocumentRecord
from prompts import load_messages

from .extractive import Prepared, document_label
from .lexicon import is_english, normalize
from .types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN, Answer, Citation, Hit
from .values import DATE, MEASURE_WORDS, years_in

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

logger = logging.getLogger(__name__)

MAX_SOURCES = 6
REWRITE_TURNS = 3
NO_API_KEY = "not-needed"  # keyless local servers (Ollama, llama.cpp) still get a bearer header from the client
_DEADLINE_GRACE_S = 1.0    # the client's own time-out fires first; this bounds a server that trickles bytes
_CALLS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="govqa-llm")


def build_chat_model(settings: LLMSettings) -> "ChatOpenAI | None":
    """The configured OpenAI-compatible chat model, or None when no LLM is configured."""
    if not settings.enabled:
        return None
    from langchain_openai import ChatOpenAI  # imported only when used: it takes a second and a half

    return ChatOpenAI(base_url=settings.base_url, model=settings.model,
                      api_key=settings.api_key or SecretStr(NO_API_KEY), timeout=settings.timeout_s,
                      max_retries=0, temperature=settings.temperature, use_responses_api=False)


# --- sources --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """A chunk as the model sees it: numbered, with its document and section."""

    number: int
    chunk: Chunk
    document: str

    @property
    def line(self) -> str:
        """``[n] 文档 › 章节：引文`` on one line: a letter's own line breaks could fake a new source or a question."""
        heading = SECTION_SEPARATOR.join(part for part in (self.document, self.chunk.section) if part)
        text = " ".join(self.chunk.text.split())
        title = self.chunk.section_path[-1] if self.chunk.section_path else ""
        if title and text.startswith(title):
            text = text[len(title):].lstrip("。.：: ") or text  # the heading is already in the section path
        return f"[{self.number}] {heading}：{text}"


def number_sources(hits: list[Hit], extractive: Answer, document: Callable[[Chunk], str]) -> list[Source]:
    """Up to MAX_SOURCES distinct chunks, best first; those the extractive answer quotes lead."""
    chunks = list({hit.chunk.chunk_id: hit.chunk for hit in hits}.values())
    if extractive.answered:
        chunks.sort(key=lambda chunk: not any(_quotes(c, chunk) for c in extractive.citations))
    return [Source(number, chunk, document(chunk)) for number, chunk in enumerate(chunks[:MAX_SOURCES], 1)]


def _quotes(citation: Citation, chunk: Chunk) -> bool:
    return citation.doc_id == chunk.doc_id and citation.section == chunk.section and citation.quote[:20] in chunk.text


# --- the answerer ---------------------------------------------------------------------------

class LLMAnswerer:
    """Writes answers with a chat model, falling back to the extractive answer whenever it cannot be trusted."""

    def __init__(self, chat_model: Runnable, *, timeout_s: float,
                 document: Callable[[str], DocumentRecord | None] | None = None) -> None:
        self._chat = chat_model
        self._timeout_s = timeout_s
        self._document = document
        self._prompts = {False: _prompt("answer_zh", NOT_IN_LETTERS), True: _prompt("answer_en", NOT_IN_LETTERS_EN)}

    def answer(self, prepared: Prepared, hits: list[Hit], extractive: Answer, *, question: str | None = None) -> Answer:
        """The model's answer if it is grounded, else ``extractive``; never raises.

        ``question`` is the standalone form of a follow-up, if one was written.
        """
        sources = number_sources(hits, extractive, self._label)
        english = prepared.question.english
        variables = {"sources": "\n".join(s.line for s in sources), "question": question or prepared.question.text}
        try:
            text = call_model(self._prompts[english] | self._chat, variables, timeout_s=self._timeout_s)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the extractive answer is the answer
            logger.warning("LLM call failed: %s", describe_error(exc))
            return _fallback(extractive, f"LLM call failed ({describe_error(exc)}); kept the extractive answer")
        return judge(text, sources, extractive, question or prepared.question.text)

    def _label(self, chunk: Chunk) -> str:
        """The letter as citations name it (文号 and title), as the extractive answerer does."""
        record = self._document(chunk.doc_id) if self._document else None
        return document_label(record, chunk.display_name)

    def rewrite(self, question: str, history: list[Answer]) -> str:
        """A follow-up as a standalone question (``rewrite_follow_up`` with this answerer's deadline)."""
        return rewrite_follow_up(self._chat, question, history, timeout_s=self._timeout_s)


def judge(text: str, sources: list[Source], extractive: Answer, question: str) -> Answer:
    """Accept the model's answer, or say why the extractive one stands."""
    if not text:
        return _fallback(extractive, "LLM returned an empty answer; kept the extractive answer")
    if says_not_found(text):
        if extractive.answered:
            return _fallback(extractive, "LLM found no answer in the sources; kept the extractive answer")
        return replace(extractive, mode="llm")  # both say so: the constant phrase, the nearest sections
    cited = cited_sources(text, sources)
    if not cited and not extractive.answered:
        return _fallback(extractive, "LLM answered without citing a source; kept the refusal")
    evidence = " ".join(s.line for s in cited) or " ".join(_citation_text(c) for c in extractive.citations)
    problem = grounding_problem(strip_markers(text), evidence, question)
    if problem:
        return _fallback(extractive, f"LLM answer {problem}")
    citations = tuple(_citation(s, text) for s in cited) or extractive.citations
    return Answer(extractive.question, renumber(text, cited), True, citations, mode="llm",
                  timings_ms=extractive.timings_ms)


def _fallback(extractive: Answer, note: str) -> Answer:
    return replace(extractive, mode="llm-fallback", note=note)


def _citation_text(citation: Citation) -> str:
    return f"{citation.document} {citation.section} {citation.quote}"


def _citation(source: Source, answer: str) -> Citation:
    chunk = source.chunk
    return Citation(document=source.document, section=chunk.section, quote=_quote(chunk.text, answer),
                    doc_id=chunk.doc_id)


def _quote(text: str, answer: str) -> str:
    """The chunk's sentences holding the answer's values; the whole chunk if none does."""
    wanted = set(values_in(strip_markers(answer)))
    sentences = [s for s in re.split(r"(?<=[。；！？])", text) if s.strip()]
    chosen = [s for s in sentences if wanted & set(values_in(s))]
    return "".join(chosen).strip() or text


# --- follow-ups -----------------------------------------------------------------------------

def rewrite_follow_up(chat_model: Runnable, question: str, history: list[Answer], *,
                      timeout_s: float | None = None) -> str:
    """The follow-up as a standalone question; the question itself on any error."""
    if not history:
        return question
    english = is_english(question)
    turns = [_turn(answer, english) for answer in history[-REWRITE_TURNS:]]
    try:
        text = call_model(_prompt("rewrite_en" if english else "rewrite_zh") | chat_model,
                          {"history": "\n\n".join(turns), "question": question}, timeout_s=timeout_s)
    except Exception as exc:  # noqa: BLE001 - the original question is always usable
        logger.warning("LLM rewrite failed: %s", describe_error(exc))
        return question
    return _clean_rewrite(text, question)


def _turn(answer: Answer, english: bool) -> str:
    text = answer.text if len(answer.text) <= 200 else answer.text[:200] + "…"
    return f"Q: {answer.question}\nA: {text}" if english else f"问：{answer.question}\n答：{text}"


def _clean_rewrite(text: str, question: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    line = re.sub(r"^(改写后的问题|独立问题|问题|standalone question|rewritten question|question)\s*[:：]\s*", "", line,
                  flags=re.IGNORECASE).strip(" \"'“”「」")
    if not line or len(line) > max(200, 4 * len(question)):
        return question
    return line


# --- calling the model ----------------------------------------------------------------------

def call_model(runnable: Runnable, variables: dict, *, timeout_s: float | None = None) -> str:
    """The model's reply text (reasoning blocks removed), within a hard deadline."""
    if timeout_s is None:
        message = runnable.invoke(variables)
    else:
        message = _CALLS.submit(runnable.invoke, variables).result(timeout=timeout_s + _DEADLINE_GRACE_S)
    text = message.text if hasattr(message, "text") else str(message)
    return re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL).strip()


def describe_error(exc: BaseException) -> str:
    """The error's class and HTTP status, e.g. "OpenAIAPIError, HTTP 500": never its message, which may echo secrets."""
    status = getattr(exc, "status_code", None)
    return f"{type(exc).__name__}, HTTP {status}" if status else type(exc).__name__


def _prompt(name: str, not_found: str | None = None) -> ChatPromptTemplate:
    system, user = load_messages(name)
    prompt = ChatPromptTemplate.from_messages([("system", system), ("human", user)])
    return prompt.partial(not_found=not_found) if not_found else prompt


# --- reading the model's answer -------------------------------------------------------------

# One or two digits: a bracketed year, as in 粤科函[2023]112号, is not a citation.
_MARKER = re.compile(r"[\[【［]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】］]")
_NOT_FOUND = re.compile(
    r"没有找到|未找到|未(?:提及|提到|涉及|载明)|没有(?:提及|提到|涉及)|无法(?:回答|确定|找到)"
    r"|(?:资料|摘录|答复函|来源)[中里]?(?:没有|并未|未|不包含)"
    r"|do(?:es)? not (?:contain|mention|say|state|include|provide|specify)|no information"
    r"|not (?:mentioned|stated|specified|provided|found)|cannot (?:be )?(?:answer|determine|find)", re.IGNORECASE)


def says_not_found(text: str) -> bool:
    """Does the model say the sources do not hold the answer (the constant phrase, or in other words)?"""
    plain = normalize(text)
    phrases = (NOT_IN_LETTERS.rstrip("。"), NOT_IN_LETTERS_EN.rstrip(".").lower())
    return any(normalize(phrase) in plain for phrase in phrases) or bool(_NOT_FOUND.search(plain))


def cited_sources(text: str, sources: list[Source]) -> list[Source]:
    """The sources the answer cites with [n], in order of first citation; unknown numbers ignored."""
    by_number = {source.number: source for source in sources}
    numbers = [int(n) for match in _MARKER.finditer(text) for n in re.findall(r"\d+", match.group(1))]
    return [by_number[n] for n in dict.fromkeys(numbers) if n in by_number]


def strip_markers(text: str) -> str:
    """The answer without its [n] markers (their digits are not facts)."""
    return _MARKER.sub("", text)


def renumber(text: str, cited: list[Source]) -> str:
    """Markers renumbered to the answer's own citation order, as front ends number citations."""
    order = {source.number: position for position, source in enumerate(cited, 1)}
    return _MARKER.sub(lambda m: "".join(f"[{order[int(n)]}]" for n in re.findall(r"\d+", m.group(1))
                                         if int(n) in order), text).strip()


# --- the grounding guard --------------------------------------------------------------------

_SCALES = {"百": 10 ** 2, "千": 10 ** 3, "万": 10 ** 4, "亿": 10 ** 8,
           "thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9}
_CN_RUN = CN_NUMERALS
# Digits glued to Latin letters (5G, 4K, V2) name things rather than count them.
_ARABIC = re.compile(r"(?<![A-Za-z\d.])(\d+(?:\.\d+)?)(?!\d)(?:\s*(万|亿|千|百|thousand|million|billion)(?![a-z]))?"
                     r"\s*(%)?(?![A-Za-z\d])", re.IGNORECASE)
_CHINESE = re.compile(rf"(?<![{_CN_RUN}\d])([{_CN_RUN}]+)(%|{MEASURE_WORDS})")
_PERCENT_CN = re.compile(rf"百分之([{CN_NUMERALS}点]+)")


def grounding_problem(answer: str, evidence: str, question: str = "") -> str | None:
    """What in ``answer`` its evidence does not support ("had a number not in its sources: 7000"), or None."""
    answer, evidence = _plain(answer), _plain(evidence)
    evidence_dates = set(_dates(evidence))
    for date, written in _dates(answer).items():
        if date not in evidence_dates:
            return f"had a date not in its sources: {written}"
    known = set(values_in(evidence))
    for value, written in values_in(DATE.sub(lambda m: " " if _full_date(m) else m.group(0), answer)).items():
        if value not in known:
            return f"had a number not in its sources: {written}"
    missing = sorted(years_in(_plain(question)) - years_in(evidence))
    return f"cited sources that do not mention {missing[0]}, the year the question asks about" if missing else None


def values_in(text: str) -> dict[tuple, str]:
    """Every number in ``text`` as (value, is_percent) → how it was written; scales applied (3.9万 = 39000)."""
    text = _plain(text)
    found: dict[tuple, str] = {}
    for match in _ARABIC.finditer(text):
        value = Decimal(match.group(1)) * _SCALES.get((match.group(2) or "").lower(), 1)
        found.setdefault((value, bool(match.group(3))), match.group(0).strip())
    for match in _CHINESE.finditer(text):
        value = chinese_number(match.group(1))
        if value is not None:
            found.setdefault((Decimal(value), match.group(2) == "%"), match.group(0))
    for match in _PERCENT_CN.finditer(text):
        value = _chinese_decimal(match.group(1))
        if value is not None:
            found.setdefault((value, True), match.group(0))
    return found


def _dates(text: str) -> dict[tuple, str]:
    """Dates with at least a month (2022年6月14日) as (year, month, day) → how they were written."""
    found = {}
    for match in DATE.finditer(text):
        if _full_date(match):
            parts = (match.group("year"), match.group("month"), match.group("day"))
            found.setdefault(tuple(chinese_number(p) if p else None for p in parts), match.group(0))
    return found


def _full_date(match: re.Match) -> bool:
    return bool(match.group("month"))


def _plain(text: str) -> str:
    """Thousands separators dropped (6,451 → 6451), then full-width folded to half-width."""
    return unicodedata.normalize("NFKC", re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text))


def _chinese_decimal(text: str) -> Decimal | None:
    whole, _, fraction = text.partition("点")
    number = chinese_number(whole) if whole else 0
    if number is None or any(ch not in CN_DIGITS for ch in fraction):
        return None
    try:
        return Decimal(f"{number}.{''.join(str(CN_DIGITS[ch]) for ch in fraction) or 0}")
    except InvalidOperation:
        return None
