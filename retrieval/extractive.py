"""The offline answerer: a trained reader finds the answer's span in the retrieved chunks, or says the
letters do not hold it; header and sign-off facts come from the parsed letter.

The decision is the reader's: its best span's margin over "no answer" must reach the threshold chosen
on a calibration split at training time (retrieval/reader/weights/reader.json). Three checks that need no
learning stand beside it: a year the question names must be in the answer's chunk; a place it names
must be in the answer's letter, unless the letter names no other place of that rank (retrieval/places.py);
and a figure with a unit of measure must measure what the question asks for (多少万亩 is not answered in
万元; retrieval/values.py). The first two are checked before reading: the reader reads the best-ranked
chunks that can pass them.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import takewhile

from index.chunking import split_sentences
from index.patterns import DOC_NUMBER, DOC_NUMBER_TAIL
from index.types import HEADER_SECTION, SIGNOFF_SECTION, Chunk, DocumentRecord

from .collection import asks_about_the_letters, small_talk, small_talk_reply, the_letters
from .crosslingual import TermGroup
from .labelled import asked_value, labelled_values
from .knowledge import letter_text as chunks_letter_text
from .lexicon import normalize, to_simplified
from .places import letter_can_be_about, names_another_of_its_rank, names_place, place_level, unmistakable_forms
from .question import Question, QuestionAnalyser, looks_for_something
from .reader.runtime import Reader, Reading
from .reader.shown import (
    ANSWER_MAX_CHARS, clause_around, ends_in_count, fit, sentence_around, sentence_with_what_follows,
)
from .types import NOT_IN_LETTERS, NOT_IN_LETTERS_EN, Answer, Citation, Hit
from .values import (
    COUNT, DECLINES, MEASURE_WORDS, counted_elsewhere, gives_the_figure, holds_form, measures_at, milestone_missing,
    money_missing, only_restates_proposal_at, other_years_at, per_unit_at, planned_only_at, ranked_elsewhere,
    rate_given_at, restates_proposal_at, value_before_change, within_topic_phrase,
)

# Retrieved chunks the reader reads per question at most, as many as the threshold was calibrated on
# (TrainingPlan.passages_per_question, which says why not 3). About 6 windows of 160 tokens, 250 ms on 2 cores.
READ_TOP_CHUNKS = 4
# The best-ranked chunks' spans are preferred: a span of a later chunk answers only when its margin beats
# theirs by FIRST_CHUNKS_PREFERENCE. The ranking knows what the reader, reading each chunk alone, does not
# (the question's words across the letter, the letter meant). Chosen on the letter questions of the reader's
# training letters asked over all 112 letters (1,260 questions; scripts/adapt_reader.py's held-out letters
# not among them), 2026-12-07: answer accuracy 75.8 when later chunks are read only if the first hold no
# usable span, 76.0 with no preference (0), 76.9 at 3, 76.7 at 6.
READ_FIRST_CHUNKS = 2
FIRST_CHUNKS_PREFERENCE = 3.0
# When no span of the READ_TOP_CHUNKS best-ranked chunks answers, the next READ_TOP_CHUNKS are read and their
# best span answers only at this margin (the shipped reader's scale; its threshold is 2.28). For many
# questions, English ones above all, the chunk that answers ranks 5th to 8th; but a chunk ranked there that
# the question's words do not pick is more often a near miss. Chosen 2026-12-07 on the letter questions of
# the reader's training letters asked over all 112 letters (1,260 questions; the held-out letters not
# among them), counting an unanswerable question answered as 0.68 of an answer gained (unanswerable
# questions weighed as 20% of all, as the threshold is chosen): gained answers / unanswerable answered at
# a margin of 2.28: 17 / 21, 4: 17 / 16, 6: 13 / 12, 8: 11 / 6, 9: 11 / 4, 10: 11 / 4, 12: 9 / 3.
# No answerable question answered right was lost at any margin; refused questions cost one more reading.
LATER_CHUNKS_MIN_MARGIN = 9.0
# Secondary citations: other chunks whose own best span also clears the threshold, best first, up to three in all.
MAX_CITATIONS = 3
# Letters whose place names are remembered (found by jieba's tagger, ~50 ms a letter): about a session's worth.
MAX_LETTERS_TAGGED = 256
# Places whose naming letters are remembered: a forms tuple and a set of letter ids each, a few KB at 1,000
# letters; more places than a long-running server's questions name before its index changes.
MAX_PLACES_REMEMBERED = 4096
# Questions answered by a sentence, not a span: why, how, which measures, and how far along a thing is (进展, 哪一步).
OPEN_QUESTION = re.compile(r"为什么|为何|为啥|原因|如何|怎么|怎样|咋|措施|做法|举措|办法|哪些|有什么|进展|进度|程度|哪一步|什么阶段"
                            r"|\bwhy\b|\bhow\b(?! (many|much|long|often))|\bmeasures?\b|\bsteps\b|\bwhat (are|were)\b"
                            r"|\bprogress\b|\bstatus\b|\bstage\b", re.I)
# A follow-up asking what is done instead ("What will they do instead?", "那有什么替代办法？", "那打算怎么办？") of what the answer it
# follows declines (DECLINES). A letter declining a proposal writes why, then what it does in its place, in the
# sentence after: "…因此暂不实行全额补助。下一步，我们将…将补助比例提高至60%。" That sentence is the answer;
# read as a question alone, "instead" had been answered with the reason again or with a figure of another section.
_ASKS_AN_ALTERNATIVE = re.compile(r"\binstead\b|\balternatives?\b|替代|代替|取而代之|怎么办|咋办", re.I)
# How much of a cited quote finds it in its chunk again (a quote is cut around its span when long): in none of
# the 112 training letters (retrieval/reader/data/letter_questions.jsonl, 3,500 sentences) do two sentences begin
# with the same 20 characters; with 12, 38 pairs did, mostly header lines naming the agency (tested).
QUOTE_KEY_CHARS = 20
# A follow-up asking what a figure was before (以前呢？, 原来有多少张？, What was it before?) after an answer reporting
# a change (由60张增至95张) is answered with what it changed from (values.value_before_change): read again, the
# reader had taken another figure of the letter (儿科实际开放床位142张). Not 年底之前, a deadline.
_ASKS_THE_EARLIER = re.compile(r"以前|原来|原先|(?<![\d年月日底])之前|此前|过去|\bbefore\b|\bpreviously\b|\bused to\b"
                               r"|\boriginally\b", re.I)
# Kinds of question (question.py) asking for one number or date, not a list.
NOT_FOUND_PART = "这些答复函中没有找到"   # said of one part of a compound question the letters do not answer
_ONE_FIGURE_KINDS = frozenset({"quantity", "money", "percent", "rank", "date"})
# Kinds of question asking which ones (哪两条线路, 分别在什么位置): a count is not their answer, but the
# sentence giving it is, with what follows it, where letters name the things counted.
_NAMING_KINDS = frozenset({"entity", "list"})
_SUMMARY = re.compile(r"主要(讲|说|内容|写|答复|回复|涉及)|(讲|说|写)了(些)?什么|概括|概述|总结|大意|\bsummar|\bmain points\b|what (is|was) (this|the|that) (reply|letter|response) about"
                      r"|what does (this|the|that) (reply|letter|response) (cover|say|discuss|address)", re.I)
# "哪些答复提到了枸杞？": a question about the letters, answered with the letters whose text holds its ideas
# (_letters_mentioning). A letter word must be asked about: "哪份文件要求…" asks for a document a letter cites.
# Chinese only: an English word's dictionary renderings include other senses (elevators: 电梯, and 高度 from
# "elevation"), which listed letters that do not mention it; English questions are answered from the text.
_WHICH_LETTERS = re.compile(r"(哪(一|几)?(封|份|些)|有哪些|有几封|有多少封)(答复函?|回复|复函|来函|回函)(里|中)?(都)?"
                            r"(提到|提及|涉及|谈到|说到|讲到|写到|有关|关于|说了|讲了)(了|过)?(?P<topic>[^？?。，,]*)")
# Words of such a question that name the letters or the asking, not what they mention.
_LETTER_SEARCH_WORD = re.compile(r"^(哪封|哪份|哪些|哪几封|有哪些|几封|多少封|答复|答复函|回复|复函|来函|回函"
                                 r"|提到|提及|涉及|谈到|说到|讲到|写到|有关|关于|说|讲|都|封|份)$")
# An answer's text rebuilt from a chat client's messages is matched to its letter by its longest piece between
# these marks; a piece shorter than MIN_ANSWER_PIECE_CHARS (一是, 目前) names no letter, and one that more than
# one letter holds names none either.
_ANSWER_PIECES = re.compile(r"[\s，,；;。：:！？!?、“”\"]+")
MIN_ANSWER_PIECE_CHARS = 4
# Letters named in such an answer; more are counted, not named.
MAX_LETTERS_LISTED = 10
# The asking words of a question part (有多少家, 是什么, 哪些, ？), dropped when its subject is carried to later parts.
_ASKING = re.compile(rf"(?:有|是)?(?:多少|几)(?:{MEASURE_WORDS})?|(?:有|是)?(?:哪些|哪个|哪|什么|谁)|[？?]")
_ADDRESS_SUFFIX = re.compile(r"(等\d*名?|等)?(委员|代表|同志|先生|女士)$")


@dataclass(frozen=True)
class Prepared:
    """A question ready to answer: analysed, with context from the conversation."""

    question: Question
    search_text: str
    preferred_doc: str | None
    reading_text: str = ""                 # what the reader reads: the question, after its context for a follow-up
    named_docs: tuple[str, ...] = ()       # letters the question names by 文号, proposal number, agency or person
    previous_spans: tuple[str, ...] = ()   # for a follow-up, the spans of the answer it follows, not asked again
    names_nothing: bool = False            # nothing to look for in it (question.looks_for_something): refused
    missing_letter: str | None = None      # a 文号 or proposal number it names that no letter has (_missing_letter)
    topic: tuple[TermGroup, ...] = ()      # in a conversation, the ideas of the questions before it (_checks_pass)
    conversation_letter: str | None = None  # the letter a question in a conversation is answered from (_stays_in)
    declined: Citation | None = None       # asking what is done instead: where the answer it follows declines
    earlier: tuple[str, Citation] | None = None  # asking what it was before: what the change it follows was from

    @property
    def refused_as_asked(self) -> bool:
        """Refused for what it is, whatever the search finds: no model is asked to answer or rewrite it."""
        return self.names_nothing or bool(self.missing_letter)


@dataclass(frozen=True)
class _Choice:
    """One reading taken as (part of) the answer."""

    hit: Hit
    reading: Reading
    passage: str


class ExtractiveAnswerer:
    """Answers from the retrieved text alone: the reader points, nothing is generated."""

    def __init__(self, analyser: QuestionAnalyser, reader: Reader, *, document: Callable[[str], DocumentRecord | None],
                 chunks_of: Callable[[str], list[Chunk]], documents: Callable[[], list[DocumentRecord]] = list,
                 latest: Callable[[], DocumentRecord | None] = lambda: None,
                 places_in: Callable[[str], list[str]] = lambda text: [],
                 letter_text: Callable[[str], str] | None = None) -> None:
        """``letter_text``: a letter's chunks' text, joined and normalised (``knowledge.letter_text``),
        which the answer service's knowledge view keeps; made from ``chunks_of`` if not given."""
        self._analyser = analyser
        self._places_in = places_in
        self._letter_texts: dict[str, str] = {}             # doc_id → the letter's normalised text with its title
        self._chunks_text = letter_text or (lambda doc_id: chunks_letter_text(chunks_of(doc_id)))
        self._places_named: dict[str, frozenset[str]] = {}  # doc_id → place names in it
        self._openings: dict[str, str] = {}                 # doc_id → its agency, title, header and preamble
        # a place's unmistakable forms → (the documents list scanned, the letters naming it)
        self._naming: dict[tuple[str, ...], tuple[list[DocumentRecord], frozenset[str]]] = {}
        self._letter_keys: dict[str, tuple[str, ...]] = {}  # doc_id → how a question may name it
        self._reader = reader
        self._document = document
        self._documents = documents
        self._chunks_of = chunks_of
        self._latest = latest

    def prepare(self, text: str, history: list[Answer]) -> Prepared:
        """Analyse a question; an elliptic follow-up borrows the previous question's ideas.

        A question in traditional characters is read in simplified ones, as the letters are written and
        the reader was trained (its words must be found in the letters: 專項資金 is 专项资金 there)."""
        text = to_simplified(text)
        history = [replace(turn, question=to_simplified(turn.question)) for turn in history]
        question = self._analyser.analyse(text)
        if history and not question.fields and _BARE_WHEN.match(normalize(text)) \
                and self._analyser.analyse(history[-1].question).fields:
            # "And when?" after "Who replied about parking?": the date of the letter just named
            question = replace(question, fields=("date",))
        named = self._about_places(self._named_letters(text), question)
        missing = None if named else self._missing_letter(text)
        if missing:
            return Prepared(question, text, None, reading_text=text, missing_letter=missing)
        if not history:
            return Prepared(question, text, None, reading_text=text, named_docs=named,
                            names_nothing=not looks_for_something(text))
        previous = history[-1]
        # The letter an answer came from; asking that letter's own facts ("这封答复的联系人是谁？") after a refusal,
        # the letter the refused question found nearest, which its refusal cites.
        preferred = previous.citations[0].doc_id if previous.citations and (previous.answered or question.fields) else None
        if preferred is None:
            # after a refusal, the letter the conversation was last answered from
            preferred = next((letter for turn in reversed(history) if turn.answered
                              for letter in [self._answered_from(turn)] if letter), None)
        context_text = _standalone(history)
        context = self._analyser.analyse(context_text)
        staying = self._stays_in(preferred, question, named)
        declined = _declined_in(previous) if _ASKS_AN_ALTERNATIVE.search(text) and not named else None
        earlier = (value_before_change(previous.text) if previous.answered and _ASKS_THE_EARLIER.search(text)
                   and self._analyser.is_follow_up(question) and not named else None)
        if earlier and previous.citations:
            return Prepared(question, text, preferred, reading_text=text, conversation_letter=staying,
                            earlier=(earlier, previous.citations[0]))
        if not self._analyser.is_follow_up(question) or question.fields:
            return Prepared(question, text, preferred, reading_text=text, named_docs=named,
                            names_nothing=not looks_for_something(text), topic=context.groups,
                            conversation_letter=staying, declined=declined)
        return Prepared(question.with_context(context), f"{context_text} {text}", preferred,
                        reading_text=f"{previous.question} {text}", named_docs=named,
                        previous_spans=self._spans_of(previous),
                        names_nothing=not looks_for_something(text, numbers=True), conversation_letter=staying,
                        declined=declined)

    def _answered_from(self, turn: Answer) -> str | None:
        """The letter an earlier answer came from: its first citation's; for one rebuilt from its text alone (a
        chat client resends the conversation as text), the one letter holding the longest piece of that text,
        as an answer shows the letter's own words."""
        if turn.citations:
            return turn.citations[0].doc_id
        pieces = [piece for piece in _ANSWER_PIECES.split(normalize(turn.text)) if len(piece) >= MIN_ANSWER_PIECE_CHARS]
        if not pieces:
            return None
        longest = max(pieces, key=len)
        holding = [r.doc_id for r in self._documents() if longest in self._letter_text(r.doc_id, r)]
        return holding[0] if len(holding) == 1 else None

    def _stays_in(self, preferred: str | None, question: Question, named: tuple[str, ...]) -> str | None:
        """The conversation's letter, which a question in it is answered from alone; unless it names a letter,
        a place that letter does not name, or things that letter never mentions (a new topic). Answered from
        every letter, a follow-up its letter does not answer ("How many companies have received it so far?")
        had been answered from another letter (benchmarks/letter_eval.py --conversations)."""
        if preferred is None or named:
            return None
        if any(preferred not in self._letters_naming(place) for place in question.places):
            return None
        topic = self._topic_words(question)
        if topic and not self._holds_topic(preferred, topic):
            return None
        return preferred

    def _spans_of(self, previous: Answer) -> tuple[str, ...]:
        """What the reader pointed at in an earlier answer; for one rebuilt from its text alone (a chat client
        resends the conversation as text), the span the reader finds reading its question over that text."""
        if not previous.answered or previous.spans:
            return previous.spans
        reading = self._reader.read(previous.question, [previous.text])[0]
        return (previous.text[reading.start:reading.end],) if reading.found else ()

    def answer(self, prepared: Prepared, hits: list[Hit]) -> Answer:
        """The answer to a prepared question from its hits."""
        started = time.perf_counter()
        question = prepared.question
        hits = _prefer_document(hits, prepared.preferred_doc)
        answer = self._refusal(question, []) if prepared.names_nothing else None
        talk = small_talk(question.text)
        if talk:
            answer = Answer(question.text, small_talk_reply(talk, question.english, len(self._documents())), False, ())
        elif asks_about_the_letters(question.text, question.english, [g.source for g in question.groups]):
            answer = self._the_letters(question, hits)
        if prepared.missing_letter:
            answer = self._no_such_letter(question, prepared.missing_letter)
        if answer is None and question.fields and not prepared.preferred_doc and not prepared.named_docs:
            topic = self._topic_words(question)
            if self._names_no_letters_topic(question, topic):
                # "潜水艇那封答复的电话": no letter is about it, so no letter's phone answers it
                answer = self._no_letter_about(question, topic)
            elif topic and not question.english and any(self._analyser.known(w) for words in topic for w in words):
                # the letter meant holds the topic named ("枸杞那封答复": not the first letter the search found)
                hits = [hit for hit in hits if self._holds_topic(hit.chunk.doc_id, topic)]
        if answer is None and question.fields:
            found = self._from_metadata(question, hits, prepared.preferred_doc)
            if found is not None:
                answer = self._with_text_parts(prepared, hits, *found)
            elif all(part.fields for part in question.parts or (question,)):
                # Only facts of a letter are asked, and its header lacks them: they may be in its text, not in
                # another letter's ("And who is the contact?" had been answered with another letter's 联系人).
                meant = self._letter_meant(question, hits, prepared.preferred_doc)
                hits = [hit for hit in hits if meant is not None and hit.chunk.doc_id == meant.doc_id]
        if answer is None and not question.english:
            answer = self._from_labels(question, hits, prepared.preferred_doc)
        asks_letters = _WHICH_LETTERS.search(question.text)
        if answer is None and asks_letters:
            answer = self._letters_mentioning(question, hits, asks_letters["topic"].strip().removesuffix("的"))
        if answer is None and _SUMMARY.search(question.text):
            answer = self._summary(question, hits, prepared.preferred_doc)
        if answer is None and prepared.earlier is not None:
            before, cited = prepared.earlier
            answer = Answer(question.text, before, True, (cited,), spans=(before,))
        if answer is None and prepared.declined is not None:
            answer = self._alternative(question, prepared.declined)
        if answer is None:
            answer = self._from_text(prepared, hits)
        return replace(answer, timings_ms={**answer.timings_ms, "answer": (time.perf_counter() - started) * 1000})

    # --- answers from the text -------------------------------------------------

    def _from_text(self, prepared: Prepared, hits: list[Hit]) -> Answer:
        question = prepared.question
        about_places = self._about_the_places(question)
        # Chunks that fail the checks (the year asked, the place named) cannot answer whatever the reader
        # finds in them: the reading goes to the best-ranked chunks that can.
        passing = [hit for hit in hits if self._checks_pass(question, hit.chunk, about_places, prepared)]
        threshold = self._reader.threshold_for(question.english)
        started = time.perf_counter()
        answer = self._read_answer(prepared, passing[:READ_TOP_CHUNKS], threshold)
        if answer is None and len(passing) > READ_TOP_CHUNKS:
            # Nothing in the best-ranked chunks answers: the next ones may, but only with a span the reader
            # is far surer of than its threshold asks (LATER_CHUNKS_MIN_MARGIN says why).
            answer = self._read_answer(prepared, passing[READ_TOP_CHUNKS:2 * READ_TOP_CHUNKS],
                                       max(LATER_CHUNKS_MIN_MARGIN, threshold))
        if answer is None:
            return replace(self._refusal(question, hits), timings_ms={"read": _ms(started)})
        return replace(answer, timings_ms={"read": _ms(started)})

    def _read_answer(self, prepared: Prepared, read: list[Hit], threshold: float) -> Answer | None:
        """The answer the reader finds in ``read`` (spans with a margin of ``threshold`` at least); None when
        no part of the question is answered there."""
        question = prepared.question
        passages = [_passage(hit.chunk) for hit in read]
        texts = _part_texts(prepared)
        open_question = bool(OPEN_QUESTION.search(question.text))
        chosen: list[_Choice] = []
        others: list[_Choice] = []
        # A later part of a compound question asks another fact; so does a follow-up (那示范村呢？ after the 重点村).
        taken: dict[int, list[tuple[int, int]]] = _previous_spans_in(passages, prepared.previous_spans)
        asked = list(question.parts) if len(question.parts) == len(texts) else [question] * len(texts)
        shown: list[str] = []
        spans: list[str] = []  # of each chosen reading, the part of its span that is shown
        for i, text in enumerate(texts):
            readings = self._read(prepared, text, read, passages, range(len(read)), taken, asked[i])
            usable = sorted((r for r in readings if r.found and r.margin >= threshold), key=_preference, reverse=True)
            if not usable:
                # A part the letters do not answer is said to be missing; the parts they answer are still given.
                shown.append(_missing(_part_asked(question, i)))
                continue
            choice = _Choice(read[usable[0].passage], usable[0], passages[usable[0].passage])
            chosen.append(choice)
            names_asked = asked[i].kind in _NAMING_KINDS
            # A question of no known kind ("村道呢？", "And service points?") answered by a figure in a list of
            # figures asks that one figure too.
            one_figure = asked[i].kind in _ONE_FIGURE_KINDS or (
                asked[i].kind == "generic" and not open_question and not names_asked)
            shown.append(_shown(choice, open_question, one_figure, names_asked=names_asked,
                                following=self._text_after(choice.hit.chunk) if open_question or names_asked else "",
                                about=_own_words(asked[i])))
            spans.append(_span_shown(choice.passage[usable[0].start:usable[0].end], shown[-1]))
            taken.setdefault(usable[0].passage, []).append((usable[0].start, usable[0].end))
            others += [_Choice(read[r.passage], r, passages[r.passage]) for r in usable[1:]]
        if not chosen:
            return None
        return Answer(question.text, _joined(shown), True, self._citations(chosen, others), spans=tuple(spans))

    def _read(self, prepared: Prepared, text: str, read: list[Hit], passages: list[str], indices: range,
              taken: dict[int, list[tuple[int, int]]], asked: Question) -> list[Reading]:
        """The readings of ``passages[i]`` for ``i`` in ``indices``, numbered as in ``passages``: each the
        passage's best span that fits what ``asked`` asks for (its unit of measure, its form)."""
        if not indices:
            return []

        def reading(question_text: str, which: list[int]) -> list[Reading]:
            found = self._reader.read(question_text, [passages[i] for i in which],
                                      taken={j: taken[i] for j, i in enumerate(which) if i in taken},
                                      accept=lambda j, start, end: _fits(asked, passages[which[j]], start, end,
                                                                         read[which[j]].chunk.section_path))
            return [replace(r, passage=i) for r, i in zip(found, which)]

        readings = reading(text, list(indices))
        question = prepared.question
        if text != question.text and text == prepared.reading_text:
            # A follow-up is also read alone (其中59路是怎么改的?), the reader having learnt single questions,
            # over the conversation's letter only (else the letter the search with context ranks first):
            # alone it may not say what it is about.
            letter = prepared.preferred_doc or read[0].chunk.doc_id
            ours = [i for i in indices if read[i].chunk.doc_id == letter]
            for alone in reading(question.text, ours) if ours else []:
                j = alone.passage - indices.start
                if alone.margin > readings[j].margin:
                    readings[j] = alone
        return readings

    def _checks_pass(self, question: Question, chunk: Chunk, about_places: Callable[[Chunk], bool],
                     prepared: Prepared) -> bool:
        """The checks a reader cannot be trusted with: the year asked, the place named (``about_places``:
        ``_about_the_places``, of the letter; ``_place_in_chunk``, of the chunk), and one of the question's ideas
        at least; in a conversation, a chunk of its
        letter may hold one of the conversation's ideas instead (after a question about a road, "现在前期工作
        做到哪一步了？" is about that road, and its answer need not say 前期工作).

        Without the last the reader answered "你好", "ok" and "是什么" from real letters above its threshold.
        It costs right answers nothing measured: the paragraph of every answerable Chinese calibration
        question holds one of its ideas (514 of 514; English renderings 102 of 104), and so does the chunk
        of every answer read on real-dev and dev.jsonl (118 of 118)."""
        chunk_text = normalize(chunk.section + chunk.text)
        if any(year not in chunk_text for year in question.years):
            return False
        ideas = question.groups + (prepared.topic if chunk.doc_id == prepared.preferred_doc else ())
        if not any(normalize(alt) in chunk_text for group in ideas for alt in group.alternatives):
            return False
        return about_places(chunk) and all(self._place_in_chunk(place, chunk, chunk_text) for place in question.places)

    def _about_the_places(self, question: Question) -> Callable[[Chunk], bool]:
        """Whether a chunk's letter can be about the places the question names; the letters that name each
        place are found once, here (a scan of every letter's text)."""
        naming = {place.source: self._letters_naming(place) for place in question.places}
        return lambda chunk: all(self._place_known(place, chunk, naming[place.source]) for place in question.places)

    def _place_in_chunk(self, place: TermGroup, chunk: Chunk, chunk_text: str) -> bool:
        """A place the question names that the chunk's letter names somewhere is named in the chunk too, unless
        the whole letter is about it: a province (a letter writes 全省 and 省级 for its own), a place its
        opening names (``_letter_opening``: its agency, 《关于加快安州区…的建议》), or one whose letter names no
        other place of its rank (asked 雅安, a letter naming 宝兴县 and 石棉县, whose header lost its agency). So
        "勉县累计投入了多少资金？" is not answered with 全市累计投入…36.5亿元 from a chunk naming no county when
        another section of the letter is 勉县's and one more is 城固县's.

        Measured on the calibration questions (the 112 training letters' 1,260, 2026-12-08): see the README."""
        alternatives = [normalize(alt) for alt in place.alternatives if alt]
        if names_place(alternatives, chunk_text) or not names_place(alternatives, self._letter_text(chunk.doc_id)):
            return True
        if any(place_level(alt) == "province" for alt in alternatives):
            return True
        if names_place(alternatives, self._letter_opening(chunk.doc_id)):
            return True
        return not names_another_of_its_rank(alternatives, self._letter_places(chunk.doc_id))

    def _letter_opening(self, doc_id: str) -> str:
        """What a letter says it is about, normalised: its agency and title, its header, and the text before
        its first section (您提出的《关于…的建议》收悉)."""
        if doc_id not in self._openings:
            if len(self._openings) >= MAX_LETTERS_TAGGED:
                self._openings.clear()
            record = self._document(doc_id)
            opening = [record.metadata.agency or "", record.metadata.title or ""] if record else []
            for chunk in self._chunks_of(doc_id):
                if chunk.section_path and chunk.section_path[0] != HEADER_SECTION:
                    break
                opening.append(chunk.text)
            self._openings[doc_id] = normalize(" ".join(opening))
        return self._openings[doc_id]

    def _letters_naming(self, place: TermGroup) -> frozenset[str]:
        """The indexed letters that name a place unmistakably: a letter that only has 新建 ("newly built") does
        not name 新建区 for another letter. A scan of every letter's text (3–5 ms a place at 1,020 letters),
        remembered while the same letters are indexed."""
        forms = unmistakable_forms(normalize(alt) for alt in place.alternatives)
        documents = self._documents()
        known = self._naming.get(forms)
        if known is not None and known[0] is documents:
            return known[1]
        if len(self._naming) >= MAX_PLACES_REMEMBERED:
            self._naming.clear()
        found = frozenset(r.doc_id for r in documents
                          if any(form in self._letter_text(r.doc_id, r) for form in forms))
        self._naming[forms] = (documents, found)
        return found

    def _place_known(self, place: TermGroup, chunk: Chunk, naming: frozenset[str]) -> bool:
        """The answer's letter names the place the question names; or no other letter does, and this one
        names no other place of its rank."""
        alternatives = [normalize(alt) for alt in place.alternatives]
        # The letter's places are tagged (~50 ms a letter) only if the letter does not name the place.
        return letter_can_be_about(alternatives, self._letter_text(chunk.doc_id), _lazily(self._letter_places, chunk.doc_id),
                                   named_elsewhere=bool(naming - {chunk.doc_id}))

    def _letter_text(self, doc_id: str, record: DocumentRecord | None = None) -> str:
        """A letter's text with its agency and title, normalised (kept: doc_id is a hash of the content)."""
        if doc_id not in self._letter_texts:
            record = record or self._document(doc_id)
            meta = normalize(f"{record.metadata.agency or ''} {record.metadata.title or ''} ") if record else ""
            self._letter_texts[doc_id] = meta + self._chunks_text(doc_id)
        return self._letter_texts[doc_id]

    def _letter_places(self, doc_id: str) -> frozenset[str]:
        """The place names in a letter (jieba's tagger, ~50 ms a letter, so once per letter)."""
        if doc_id not in self._places_named:
            if len(self._places_named) >= MAX_LETTERS_TAGGED:
                self._places_named.clear()
            self._places_named[doc_id] = frozenset(self._places_in(self._letter_text(doc_id)))
        return self._places_named[doc_id]

    def _alternative(self, question: Question, declined: Citation) -> Answer | None:
        """What a letter does instead of what it declines (_ASKS_AN_ALTERNATIVE): the sentence after the declining
        one of ``declined``'s quote, in the same section; None when the section ends there."""
        quote = _one_line(declined.quote)
        for chunk in self._chunks_of(declined.doc_id):
            flat = _one_line(chunk.text)
            at = flat.find(quote[:QUOTE_KEY_CHARS])
            if at < 0:
                continue
            section_after = takewhile(lambda c: c.section_path == chunk.section_path, self._chunks_after(chunk))
            text = " ".join([flat[at:], *(_one_line(c.text) for c in section_after)])
            sentences = [text[a:b] for a, b in split_sentences(text)]
            ends, declining = 0, None
            for i, sentence in enumerate(sentences):
                if ends >= len(quote):
                    break
                ends += len(sentence)
                if DECLINES.search(sentence):
                    declining = i
            if declining is None or declining + 1 >= len(sentences):
                return None
            after = sentences[declining + 1].strip()
            shown = fit(after, after[:1], ANSWER_MAX_CHARS)
            # no span: a follow-up may ask about what the sentence names (When will those be ready?)
            return Answer(question.text, shown, True, (self._cite(chunk, shown),))
        return None

    def _chunks_after(self, chunk: Chunk) -> list[Chunk]:
        """The chunks of ``chunk``'s letter after it, in order."""
        chunks = self._chunks_of(chunk.doc_id)
        ids = [c.chunk_id for c in chunks]
        return chunks[ids.index(chunk.chunk_id) + 1:] if chunk.chunk_id in ids else []

    def _text_after(self, chunk: Chunk) -> str:
        """The letter's text after ``chunk``, from its next chunks, as much as an answer can show (not its sign-off)."""
        texts: list[str] = []
        for following in self._chunks_after(chunk):
            if sum(map(len, texts)) >= ANSWER_MAX_CHARS or following.section_path[:1] == (SIGNOFF_SECTION,):
                break
            texts.append(following.text)
        return "\n".join(texts)

    def _citations(self, chosen: list[_Choice], others: list[_Choice]) -> tuple[Citation, ...]:
        """The answer's sentences first, then other chunks the reader also found an answer in."""
        cited: list[Citation] = []
        seen: set[str] = set()
        for choice in [*chosen, *sorted(others, key=lambda c: -c.reading.margin)]:
            chunk = choice.hit.chunk
            if chunk.chunk_id in seen or len(cited) >= MAX_CITATIONS:
                continue
            seen.add(chunk.chunk_id)
            cited.append(self._cite(chunk, sentence_around(choice.passage, choice.reading.start, choice.reading.end)))
        return tuple(cited)

    def _refusal(self, question: Question, hits: list[Hit]) -> Answer:
        text = NOT_IN_LETTERS_EN if question.english else NOT_IN_LETTERS
        nearest = tuple(self._cite(hit.chunk, hit.chunk.text[:120]) for hit in hits[:2])
        return Answer(question.text, text, False, nearest)

    def _no_such_letter(self, question: Question, named: str) -> Answer:
        """The refusal of a question about a letter (by 文号 or proposal number) that is not among the letters."""
        text = (f"None of the letters is {named} or mentions it." if question.english
                else f"这些答复函中没有{named}，也没有提到它。")
        return Answer(question.text, text, False, ())

    def _cite(self, chunk: Chunk, quote: str) -> Citation:
        label = document_label(self._document(chunk.doc_id), chunk.display_name)
        return Citation(document=label, section=chunk.section, quote=quote, doc_id=chunk.doc_id)

    # --- which letter ------------------------------------------------------------

    def _missing_letter(self, text: str) -> str | None:
        """The 文号 or proposal number of a letter the question names that is not among the letters."""
        return self._missing_doc_number(text) or self._missing_proposal_number(text)

    def _missing_doc_number(self, text: str) -> str | None:
        """A 文号 the question names (中工信函〔2022〕53号, in any brackets) that no indexed letter has as its own
        or mentions (a question may ask about a policy document a letter cites): answering it from whichever
        letter the search ranks first would answer about another letter."""
        for match in DOC_NUMBER.finditer(normalize(text)):
            core = DOC_NUMBER_TAIL.search(match.group())
            prefix = match.group()[:core.start()].strip()
            year, number = re.findall(r"\d+", core.group())[:2]
            # The prefix's last two characters: the match may have taken question words before it (请问中工信函).
            written = re.compile(rf"{re.escape(prefix[-2:])}\s*{_OPEN_BRACKET}\s*{year}\s*{_CLOSE_BRACKET}\s*第?\s*0*{number}\s*号")
            if not any(written.search(normalize(record.metadata.doc_number or "")) or written.search(self._letter_text(record.doc_id, record))
                       for record in self._documents()):
                return _doc_number_asked(match.group(), prefix)
        return None

    def _missing_proposal_number(self, text: str) -> str | None:
        """A proposal's number the question names (第131082号提案, 建议第23号) that no indexed letter has in its
        header or mentions: letters acknowledge the proposal they answer by its number ("第65号提案收悉")."""
        for match in _PROPOSAL_NUMBER.finditer(normalize(text)):
            number = match.group("number") or match.group("after")
            written = re.compile(rf"(?<!\d)0*{number}\s*号")
            if not any((record.metadata.proposal_number or "").lstrip("0") == number.lstrip("0")
                       or written.search(self._letter_text(record.doc_id, record)) for record in self._documents()):
                return match.group().strip()
        return None

    def _named_letters(self, text: str) -> tuple[str, ...]:
        """Letters the question names by 文号, proposal number, agency or the person it answers; where several
        share the number it names, those of the kind it names (第34号提案, not a 第34号建议)."""
        text = _ENGLISH_PROPOSAL_NUMBER.sub(
            lambda m: f"第{m['number']}号{_ENGLISH_PROPOSAL_KINDS[m['kind'].lower()]}", text)
        named = self._named_by_keys(text)
        kind = _kind_named(text)
        if len(named) > 1 and kind:
            return tuple(doc_id for doc_id in named if self._letter_kind(doc_id) == kind) or named
        return named

    def _letter_kind(self, doc_id: str) -> str | None:
        """提案, 建议 or 议案: what the letter answers, as its title or header numbers it."""
        record = self._document(doc_id)
        kind = _kind_named(record.metadata.title or "") if record else None
        chunks = [] if kind else self._chunks_of(doc_id)
        return kind or (_kind_named(chunks[0].text) if chunks else None)

    def _named_by_keys(self, text: str) -> tuple[str, ...]:
        asked = _compact(text)
        # The number of a 文号 (中工信函〔2022〕53号) is no proposal number (第53号): a letter is named by a
        # 文号 only whole, and the other keys are looked for in the question with its 文号s masked.
        masked = DOC_NUMBER.sub("〓", asked)
        named = []
        for record in self._documents():
            own = _compact(record.metadata.doc_number or "")
            if (own and own in asked) or any(_names(masked, key) for key in self._naming_keys(record)):
                named.append(record.doc_id)
        return tuple(named)

    def _naming_keys(self, record: DocumentRecord) -> tuple[str, ...]:
        """How a question may name a letter, compacted (kept: doc_id is a hash of the content, and making
        them for 1,000 letters took 40 ms a question)."""
        keys = self._letter_keys.get(record.doc_id)
        if keys is None:
            meta = record.metadata
            raw = [meta.doc_number, meta.agency]
            if meta.proposal_number and len(meta.proposal_number) >= 2:
                raw += [f"第{meta.proposal_number}号", f"{meta.proposal_number}号"]
            if meta.addressee:
                person = _ADDRESS_SUFFIX.sub("", meta.addressee.split("、")[0].split("，")[0]).strip()
                if len(person) >= 2:
                    raw.append(person)
            keys = tuple(_compact(key) for key in raw if key and len(key) >= 2)
            self._letter_keys[record.doc_id] = keys
        return keys

    def _about_places(self, doc_ids: tuple[str, ...], question: Question) -> tuple[str, ...]:
        """The letters (in order) that can be about the places the question names: "黄石市政协第34号提案"
        does not name another city's letter to 第34号建议."""
        if not doc_ids or not question.places:
            return doc_ids
        about_places = self._about_the_places(question)
        kept = []
        for doc_id in doc_ids:
            chunks = self._chunks_of(doc_id)
            if chunks and about_places(chunks[0]):
                kept.append(doc_id)
        return tuple(kept)

    def _summary(self, question: Question, hits: list[Hit], preferred: str | None) -> Answer | None:
        """"这份答复主要讲了什么？": the letter's section headings, or its first sentences."""
        record = self._letter_meant(question, hits, preferred)
        if record is None:
            return None
        chunks = [c for c in self._chunks_of(record.doc_id) if c.section_path[:1] not in ((HEADER_SECTION,), (SIGNOFF_SECTION,))]
        headings = list(dict.fromkeys(c.section_path[0] for c in chunks if c.section_path))
        if headings:
            text = "；".join(headings)
            cited = [next(c for c in chunks if c.section_path and c.section_path[0] == h) for h in headings]
        elif chunks:
            text = " ".join(chunks[0].text.split())
            cited = chunks[:1]
        else:
            return None
        text = text if len(text) <= ANSWER_MAX_CHARS else text[:ANSWER_MAX_CHARS - 1] + "…"
        citations = tuple(self._cite(c, " ".join(c.text.split())[:120]) for c in cited[:MAX_CITATIONS])
        return Answer(question.text, text, True, citations)

    def _letters_mentioning(self, question: Question, hits: list[Hit], asked: str = "") -> Answer | None:
        """"哪些答复提到了枸杞？": every indexed letter whose text holds one of each of its ideas, those the search
        ranks first first, each cited by its first sentence holding the first idea; refused when none does.
        ``asked``: what the question says they mention, as it says it (首席信息官, not its words 首席、信息)."""
        topic = [g for g in question.groups if not _LETTER_SEARCH_WORD.match(g.source) and not _is_field_word(g.source)]
        if not topic:
            return None
        ranked = list(dict.fromkeys([hit.chunk.doc_id for hit in hits] + [record.doc_id for record in self._documents()]))
        words = [[normalize(alt) for alt in g.alternatives] for g in topic]
        found = [doc_id for doc_id in ranked
                 if all(any(word in self._letter_text(doc_id) for word in group) for group in words)]
        named = asked or "、".join(g.source for g in topic)
        if not found:
            return Answer(question.text, f"这些答复函中没有提到{named}的。", False, ())
        labels = [document_label(self._document(doc_id), doc_id) for doc_id in found[:MAX_LETTERS_LISTED]]
        text = f"提到{named}的答复有{len(found)}封：" + "；".join(labels) + ("；……" if len(found) > len(labels) else "")
        citations = [self._first_mention(doc_id, topic[0]) for doc_id in found[:MAX_CITATIONS]]
        return Answer(question.text, text, True, tuple(c for c in citations if c))

    def _the_letters(self, question: Question, hits: list[Hit]) -> Answer:
        """"这些答复函一共有几封？": the indexed letters' count and names, oldest first."""
        records = self._documents()
        if not records:
            return self._refusal(question, hits)
        text = the_letters([record.metadata.doc_number or record.display_name for record in records], question.english)
        return Answer(question.text, text, True, ())

    def _first_mention(self, doc_id: str, idea: TermGroup) -> Citation | None:
        """The sentence of a letter where one of ``idea``'s words first appears."""
        for chunk in self._chunks_of(doc_id):
            passage = _passage(chunk)
            for alt in idea.alternatives:
                at = passage.find(alt)
                if at >= 0:
                    return self._cite(chunk, sentence_around(passage, at, at + len(alt)))
        return None

    # --- answers from the header and sign-off ------------------------------------

    def _from_metadata(self, question: Question, hits: list[Hit],
                       preferred: str | None) -> tuple[Answer, frozenset[str]] | None:
        """The header facts asked, and which fields answered them: all the question asks, or, of a compound
        question, those of the parts whose facts the letter's header has (the other parts are read).

        The letter must pass the place check the reader's chunks pass (``_checks_pass``): "北京市教委答复的
        联系电话" is not answered from a Nanjing letter the search ranked first."""
        if question.places:
            about_places = self._about_the_places(question)
            hits = [hit for hit in hits if about_places(hit.chunk)]
            if preferred and preferred not in {hit.chunk.doc_id for hit in hits}:
                preferred = None
        record = self._letter_meant(question, hits, preferred)
        if record is None or _asks_about_someone_else(question, record):
            return None
        values = [(field, _field_value(record, field, question.english)) for field in question.fields]
        values = [(field, value) for field, value in values if value]
        if len(values) < len(question.fields):
            have = {field for field, _ in values}
            whole = [part for part in question.parts if part.fields and set(part.fields) <= have]
            if not whole:
                return None
            values = [(field, value) for field, value in values if any(field in part.fields for part in whole)]
        text = _joined_facts(values, question.english)
        if self._ambiguous_letter(question, hits, preferred) and "doc_number" not in question.fields:
            text += f"（{record.metadata.doc_number or record.display_name}）"  # say which of several letters
        citations = self._metadata_citations(record, [text for f, _ in values for text in _field_texts(record, f)])
        return Answer(question.text, text, True, citations), frozenset(field for field, _ in values)

    def _with_text_parts(self, prepared: Prepared, hits: list[Hit], answer: Answer, answered: frozenset[str]) -> Answer:
        """A header-fact answer with the parts of a compound question that ask no header fact (联系人是谁？
        全区有多少家企业？), or one the header lacks, answered from the text after it, or said to be
        missing: no part goes unanswered. ``answered``: the fields ``answer`` gives."""
        parts = prepared.question.parts
        rest = tuple(part for part in parts if not part.fields or not set(part.fields) <= answered)
        if not rest or len(rest) == len(parts):
            return answer
        asked = rest[0] if len(rest) == 1 else replace(rest[0], text="？".join(p.text for p in rest), parts=rest)
        from_text = self._from_text(replace(prepared, question=asked, reading_text=asked.text), hits)
        if not from_text.answered:
            return replace(answer, text=answer.text + "".join(_missing(_asked_words(p.text)) for p in rest))
        citations = (*answer.citations[:1], *from_text.citations, *answer.citations[1:])[:MAX_CITATIONS]
        return replace(answer, text=f"{answer.text}，{from_text.text}", citations=citations,
                       timings_ms={**answer.timings_ms, **from_text.timings_ms})

    def _from_labels(self, question: Question, hits: list[Hit], preferred: str | None) -> Answer | None:
        """A fact a form sets beside a label in a letter's header or sign-off (会办单位, 办理结果), asked by its
        label: from the letter meant, or else the first of the letters read that has the label and names
        the places the question names."""
        if preferred or self._ambiguous_letter(question, hits, preferred):
            record = self._letter_meant(question, hits, preferred)
            letters = [record.doc_id] if record else []
        else:
            letters = list(dict.fromkeys(hit.chunk.doc_id for hit in hits[:READ_TOP_CHUNKS]))
        for doc_id in self._about_places(tuple(letters), question):
            framing = [c for c in self._chunks_of(doc_id) if c.section_path[:1] in ((HEADER_SECTION,), (SIGNOFF_SECTION,))]
            asked = asked_value(question.text, labelled_values("\n".join(c.text for c in framing)))
            if asked is not None:
                cited = [c for c in framing if normalize(asked.line) in normalize(c.text)][:1]
                return Answer(question.text, f"{asked.label}：{asked.value}", True,
                              tuple(self._cite(c, asked.line) for c in cited))
        return None

    def _topic_words(self, question: Question) -> list[tuple[str, ...]]:
        """What a question about a letter's facts names the letter by, each idea's words; never words naming
        the letter itself (那封, 答复) or the facts asked (电话). Of a Chinese question only ideas holding one
        of its nouns as jieba tags the question (丝苗米 holds 丝苗; 关于 and search-mode pieces like 天发 of
        哪天发的 hold none)."""
        topical = [g for g in question.groups if not _is_field_word(g.source) and not _LETTER_WORD.search(g.source)]
        if not question.english:
            nouns = self._analyser.nouns(question.text)
            topical = [g for g in topical if any(noun in g.source or g.source in noun for noun in nouns)]
        return [g.alternatives for g in topical]

    def _names_no_letters_topic(self, question: Question, topic: list[tuple[str, ...]]) -> bool:
        """No letter holds any of the topic's ideas, and one of them is a thing, not a name: a romanised name
        may be a place its letter never writes (a county's bureau writes 我县), so it is no reason to refuse."""
        if not topic or any(self._analyser.known(word) for words in topic for word in words):
            return False
        return not question.english or any(_as_written(question.text, words[-1]).islower() for words in topic)

    def _holds_topic(self, doc_id: str, topic: list[tuple[str, ...]]) -> bool:
        text = self._letter_text(doc_id)
        return any(normalize(word) in text for words in topic for word in words)

    def _no_letter_about(self, question: Question, topic: list[tuple[str, ...]]) -> Answer:
        """The refusal of a question about the letter on a topic no letter mentions."""
        if question.english:
            names = [_as_written(question.text, words[-1]) for words in topic]
            return Answer(question.text, f"None of the letters mentions {' or '.join(names)}.", False, ())
        return Answer(question.text, f"这些答复函都没有提到{'、'.join(words[0] for words in topic)}。", False, ())

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


_OPEN_BRACKET = r"[〔\[［【(（]"    # the brackets a 文号's year is written in (index.patterns.DOC_NUMBER)
_CLOSE_BRACKET = r"[〕\]］】)）]"


# What a span answering one header fact from a letter's text looks like, where the header lacks it: an agency
# ends in a body's word (…局, …部, …委员会, …政府), a phone number has digits, a 文号 its bracketed year or a
# number (…号), a proposal's number a numeral, a class its letter or 类. "Which ministry replied?" was answered
# with "《中华人民共和国长江保护法》正式施行", "那封答复的文号是什么？" of a letter without one with its opening
# "您提出的《…》收悉".
_FIELD_FORMS = {
    "agency": re.compile(r"[局部委厅办院府会所站处室队社司]|中心"),
    "phone": re.compile(r"\d{3}"),
    "doc_number": re.compile(rf"{_OPEN_BRACKET}\s*(?:19|20)\d{{2}}\s*{_CLOSE_BRACKET}|\d\s*号"),   # 〔2020〕1号
    "proposal_number": re.compile(r"\d|[一二三四五六七八九十]号"),
    "category": re.compile(r"[A-DＡ-Ｄ]\s*类|[A-DＡ-Ｄ][.．、]|类"),
    "session": re.compile(r"届.*次.*会"),
    # bodies' names, each ending in a body's word before a 、 or the span's end ("会办单位已按时反馈" names none)
    "co_handlers": re.compile(r"(?:[局部委厅院府会所站处室队社司]|中心|办公室)(?:[、,，和及与等]|$)"),
}

_FIELD_LABELS = {
    "doc_number": "文号：{}", "proposal_number": "第{}号", "contact": "联系人：{}", "phone": "电话：{}",
    "addressee": "{}", "date": "{}", "agency": "{}", "disclosure": "公开方式：{}", "cc": "抄送：{}",
    "category": "办理类别：{}", "signer": "{}", "session": "{}",
    "co_handlers": "会办单位：{}",
}


def _as_written(text: str, word: str) -> str:
    """``word`` as the question spells it (mars → Mars)."""
    match = re.search(rf"\b{re.escape(word)}\b", text, re.I)
    return match.group(0) if match else word


# A follow-up asking only when ("And when?", "那是哪天发的？"): after a question about a letter's facts, its date.
_BARE_WHEN = re.compile(r"^(?:and|so|then)?\s*(?:when|on what date|what date|which day)\s*(?:was it|was that|is it|was it sent"
                        r"|did (?:it|they) (?:reply|answer|write))?\s*[?？.]*$"
                        r"|^(?:那|那么)?(?:是|又是)?(?:什么时候|哪天|哪一天|何时|几月几[日号])(?:发|写|答复|回复|发出)?(?:的)?(?:呢)?[?？。]*$",
                        re.I)


# Words that name the letter itself, not what it is about (那封, 这份, 封信, 复函, "the reply").
_LETTER_WORD = re.compile(r"封|份|函|信|答复|回复|letter|repl(y|ies)|response|answer", re.I)

_FIELD_WORDS = re.compile(
    r"^(文号|发文|字号|编号|联系|联系人|电话|联系电话|联系方式|落款|日期|时间|哪天|一天|提案|建议|议案|提案人|建议人|委员|代表|哪位|"
    r"单位|部门|机关|印发|签发|签发人|负责人|成文|公开|方式|抄送|号码|出|发出|类别|办理|找|会议|哪次|提出|会办|协办|综合|征求|意见|一起|会同|"
    r"contact|person|phone|telephone|number|date|dated|issued|sent|signed|proposal|motion|suggestion|member|deputy|"
    r"delegate|submitted|proposed|agency|department|bureau|office|document|reference|file|serial|cc|copied|"
    r"responsible|official|signatory|signer|session|meeting|raised|consulted|jointly|handled|co)$")


def _asks_about_someone_else(question: Question, record: DocumentRecord) -> bool:
    """彭诗敏委员的电话: the letter's phone is its contact person's, not the deputy's."""
    if not {"phone", "contact"} & set(question.fields):
        return False
    meta = record.metadata
    contact = meta.contact or ""
    organisation = f"{meta.agency or ''}{meta.title or ''}"  # 黄石 in 黄石市文化和旅游局 names no one
    return any(person not in contact and person not in organisation for person in question.people)


def _is_field_word(word: str) -> bool:
    """Words that ask for a header or sign-off fact rather than name a topic."""
    return bool(_FIELD_WORDS.match(word))


def _raw_field(record: DocumentRecord, field: str) -> str:
    meta = record.metadata
    return {"doc_number": meta.doc_number, "proposal_number": meta.proposal_number, "contact": meta.contact,
            "phone": meta.phone, "addressee": meta.addressee, "date": meta.date, "agency": meta.agency,
            "disclosure": meta.disclosure, "cc": meta.cc, "category": meta.category,
            "signer": meta.signer, "session": meta.session,
            "co_handlers": meta.co_handlers}.get(field) or ""


def _field_texts(record: DocumentRecord, field: str) -> tuple[str, ...]:
    """How a field's value may be written in the letter's text: a date read from a labelled ISO date
    ("发布日期: 2021-05-25") is stored as 2021年5月25日, and is cited where the ISO form stands."""
    raw = _raw_field(record, field)
    if field == "date" and record.metadata.date_iso:
        return (raw, record.metadata.date_iso)
    ticked = re.fullmatch(r"([A-D])类（(.+)）", raw) if field == "category" else None
    if ticked:  # a ticked box, written "B正在解决(√)"
        return (raw, ticked[1] + ticked[2])
    return (raw,)


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


def _joined_facts(values: list[tuple[str, str]], english: bool) -> str:
    """The header facts asked, in one line; who wrote to whom says which is which ("中山市工业和信息化局答复
    彭诗敏委员", not two names side by side)."""
    found = dict(values)
    if "agency" in found and "addressee" in found:
        pair = (f"From {found.pop('agency')} to {found.pop('addressee')}" if english
                else f"{found.pop('agency')}答复{found.pop('addressee')}")
        return "，".join([pair, *(value for field, value in values if field in found)])
    return "，".join(value for _, value in values)


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


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _lazily(make: Callable[[str], Iterable[str]], key: str) -> Iterator[str]:
    """``make(key)``'s items, made only when first iterated."""
    yield from make(key)


def question_words(question: Question) -> list[str]:
    """The question's words as a text holds them (normalised): its own, or for English its dictionary's."""
    return [normalize(alt) for group in question.groups for alt in group.alternatives]


def _fits(question: Question, passage: str, start: int, end: int, headings: tuple[str, ...] = ()) -> bool:
    """A span whose figure has a unit of measure has one of the measure asked (多少万亩: not 400万元); a span
    answering a question that names its answer's form is in it (哪一天: a day, not 2021年10月); a count asked
    for is not one given per head (多少辆公交车: not 每万人…12.3辆) unless the question asks per head, a figure asked
    per head or per day is given so (一天接待多少游客: not a year's 365万人次), nor one
    of another kind of thing than asked (多少个省级平台: not the 4 of 4个国家级平台，14个省级平台); a figure asked
    for is one (values.gives_the_figure: not 国家4A, a heading's 一、, a share alone or a sentence), and one asked as
    things stand now (现在, so far) not a plan's target (力争到年底达到500个), nor one the proposal asked for (您建议将…
    提高到15万元) unless the question asks what was proposed, nor one whose clause names only other years than the
    question (2019年…多少: not 2020年完成改造小区168个); an open question
    (why, how, what was done) is not answered with the phrase naming the letter's topic (关于…的问题) or with its
    chunk's section heading."""
    if question.measure is not None:
        found = measures_at(passage, start, end)
        if found and question.measure not in found:
            return False
        if question.measure == "money" and money_missing(passage, start, end):
            return False
    # Only a count: what one ranger, household or graduate gets (一年能拿多少补助, 多挣多少, paid each month) is
    # given per head (每人每年1万元), though the question names no head.
    if question.kind == "quantity" and question.measure == COUNT and not question.per_unit \
            and per_unit_at(passage, start, end):
        return False
    if question.rate and question.figure and question.kind != "date" and not rate_given_at(passage, start, end, question.rate):
        return False
    # A share answers a Chinese figure asked in no unit (津贴是多少: 基本工资的20%; 11 of the letter questions' 118 such
    # gold answers are shares), not one asked in a unit or a count (多少万户: not 占比28%; none of 406), nor English
    # "how much", which asks an amount where a share is asked as one (what share, what percentage; none of 62).
    share_answers = question.share or (question.measure is None and not question.english)
    if question.figure and not question.fields and not gives_the_figure(passage, start, end, share_answers):
        return False
    if question.milestone and milestone_missing(passage, start, end, question.milestone):
        return False
    if question.present and planned_only_at(passage, start, end):
        return False
    if question.figure and not question.proposal and restates_proposal_at(passage, start, end):
        return False
    if question.why and only_restates_proposal_at(passage, start, end):
        return False
    if question.figure and question.years and question.kind != "date" and other_years_at(passage, start, end,
                                                                                          question.years):
        return False
    if question.kind == "quantity" or question.form == "rank":
        words = question_words(question)
        if question.kind == "quantity" and counted_elsewhere(passage, start, end, words):
            return False
        if question.form == "rank" and ranked_elsewhere(passage, start, end, words):
            return False
    if OPEN_QUESTION.search(question.text) and (within_topic_phrase(passage, start, end)
                                                or _within_heading(passage[start:end], headings)):
        return False
    if not all(pattern.search(passage, max(0, start - 1), end + 1) for field, pattern in _FIELD_FORMS.items()
               if question.fields == (field,)):
        return False
    return question.form is None or holds_form(passage, start, end, question.form)


def _preference(reading: Reading) -> float:
    """How much a usable reading is preferred: its margin, and FIRST_CHUNKS_PREFERENCE more in a best-ranked chunk."""
    return reading.margin + (FIRST_CHUNKS_PREFERENCE if reading.passage < READ_FIRST_CHUNKS else 0.0)


def _within_heading(span: str, headings: tuple[str, ...]) -> bool:
    """Whether a span is nothing but (parts of) its chunk's section headings, as the passage's path line and
    the text's first line repeat them: "为什么要推广首席信息官制度？" is not answered with the heading "（三）推广首席
    信息官制度。", which names the topic and gives no reason."""
    pieces = [piece.strip(_HEADING_EDGES) for piece in re.split(r"[\n›]", normalize(span))]
    pieces = [piece for piece in pieces if piece]
    names = [normalize(heading) for heading in headings]
    return bool(pieces) and all(any(piece in name for name in names) for piece in pieces)


_HEADING_EDGES = " \n\t。，,；;：:、.›"


def _passage(chunk: Chunk) -> str:
    """What the reader reads of a chunk: its section path (the topic) and its text."""
    return chunk.embed_text


def _one_line(text: str) -> str:
    """``text`` with each run of whitespace one space, as quotes are cut (reader.shown)."""
    return " ".join(text.split())


def _declined_in(previous: Answer) -> Citation | None:
    """Where an answer declines something (DECLINES in what it shows), which a question asking what is done
    instead follows."""
    if not previous.answered or not previous.citations:
        return None
    cited = previous.citations[0]
    return cited if DECLINES.search(previous.text) or DECLINES.search(cited.quote) else None


def _previous_spans_in(passages: list[str], spans: tuple[str, ...]) -> dict[int, list[tuple[int, int]]]:
    """Where each passage holds the spans of the answer a follow-up follows, by passage index."""
    taken = {i: [(m.start(), m.end()) for span in spans if span for m in re.finditer(re.escape(span), passage)]
             for i, passage in enumerate(passages)}
    return {i: ranges for i, ranges in taken.items() if ranges}


def _part_texts(prepared: Prepared) -> list[str]:
    """The texts the reader reads: the question, or each part of a compound one with its subject."""
    question = prepared.question
    if not question.parts or prepared.reading_text != question.text:
        return [prepared.reading_text or question.text]
    first = question.parts[0].text
    subject = _ASKING.sub("", first)  # 有多少家省级新型研发机构 → 省级新型研发机构: what the later parts are about
    return [first] + [f"{subject}{part.text}" for part in question.parts[1:]]


def _shown(choice: _Choice, open_question: bool, one_figure: bool, *, names_asked: bool = False,
           following: str = "", about: tuple[str, ...] = ()) -> str:
    """The span inside what makes it readable: its clause (with the one before a bare fragment; for a
    question asking one figure, only the 、-items it lies in), or for open questions its sentence
    (``following``: the letter's text after the chunk, shown after a sentence that ends in a colon).
    A question asking which things (``names_asked``) answered by their count gets the count's sentence
    and what follows it."""
    span = choice.passage[choice.reading.start:choice.reading.end]
    if names_asked and not open_question and ends_in_count(span):
        return sentence_with_what_follows(choice.passage, choice.reading.start, choice.reading.end, following=following)
    if open_question:
        return sentence_around(choice.passage, choice.reading.start, choice.reading.end, following=following)
    return clause_around(choice.passage, choice.reading.start, choice.reading.end, one_figure=one_figure, about=about)


def _span_shown(span: str, shown: str) -> str:
    """The part of a span its answer shows: of a span over several 、-items ("42个、二级站67个") shown as one
    ("其中达到国家一级站标准的42个"), that item's part, so a follow-up may still take the others."""
    if normalize(span) in normalize(shown):
        return span
    kept = [piece for piece in span.split("、") if piece and normalize(piece) in normalize(shown)]
    return "、".join(kept) if kept else span


def _own_words(question: Question) -> tuple[str, ...]:
    """The words a Chinese question writes itself (not those a follow-up takes from the conversation), as a
    letter would write them. None of an English question: its dictionary renderings name many items of a
    list at once (measured: "How many charging stations and charging piles…" was cut to one of the two)."""
    if question.english:
        return ()
    return tuple(normalize(group.source) for group in question.groups
                 if len(group.source) > 1 and group.source in question.text)


def _part_asked(question: Question, index: int) -> str:
    """What part ``index`` of a (compound) question asks, in its own words, without its question mark."""
    return _asked_words(question.parts[index].text if index < len(question.parts) else question.text)


def _asked_words(text: str) -> str:
    return text.strip().rstrip("？?。.")


def _missing(asked: str) -> str:
    """What an answer says of a part the letters do not answer."""
    return f"（{asked}：{NOT_FOUND_PART}）"


def _joined(texts: list[str]) -> str:
    """Parts of a compound answer, each once."""
    kept: list[str] = []
    for text in texts:
        if any(text in other for other in kept):
            continue
        kept = [other for other in kept if other not in text] + [text]
    return "，".join(kept)


def _names(asked: str, key: str) -> bool:
    """``key`` is in the question, a number whole: 1082号 is not in 第131082号."""
    start = asked.find(key)
    while start >= 0:
        if not (key[0].isdigit() and start > 0 and asked[start - 1].isdigit()):
            return True
        start = asked.find(key, start + 1)
    return False


def _compact(text: str) -> str:
    """Normalised, without spaces, with one kind of bracket (a 文号 is typed 中工信函[2022]53号 as often as
    written 中工信函〔2022〕53号)."""
    compact = re.sub(r"\s+", "", normalize(text))
    return re.sub(_CLOSE_BRACKET, "〕", re.sub(_OPEN_BRACKET, "〔", compact))


# 第131082号提案, 131082号建议, 提案第131082号, 代表建议第23号 (the number of the proposal, motion or suggestion).
_PROPOSAL_NUMBER = re.compile(r"第?\s*(?P<number>\d{1,8})\s*号\s*(?:代表|委员)?(?:提案|建议|议案)"
                              r"|(?:提案|建议|议案)\s*第\s*(?P<after>\d{1,8})\s*号")


# "suggestion No. 34", "proposal number 58", "motion #7": an English question naming a proposal by its number,
# put as the letters number it (人大 suggestions are 建议, 政协 proposals 提案, motions 议案).
_ENGLISH_PROPOSAL_NUMBER = re.compile(r"\b(?P<kind>suggestion|proposal|motion)\s+(?:no\.?|number|#)\s*(?P<number>\d{1,8})\b",
                                      re.IGNORECASE)
_ENGLISH_PROPOSAL_KINDS = {"suggestion": "建议", "proposal": "提案", "motion": "议案"}


def _kind_named(text: str) -> str | None:
    """The kind of proposal a text names by its number: 提案 of 第34号提案 or 提案第34号."""
    match = _PROPOSAL_NUMBER.search(_compact(text))
    if not match:
        return None
    return re.search(r"提案|建议|议案", match.group(0)).group(0)


def _doc_number_asked(matched: str, prefix: str) -> str:
    """The 文号 as the question wrote it, without question words the match took before it: the prefix is an
    agency's abbreviation, 2–4 characters (中工信函, 黔党办发, 荆教育)."""
    return matched[max(0, len(prefix) - 4):]


def _prefer_document(hits: list[Hit], doc_id: str | None) -> list[Hit]:
    """Hits of the conversation's current document first."""
    if not doc_id:
        return hits
    return sorted(hits, key=lambda h: h.chunk.doc_id != doc_id)


def _standalone(history: list[Answer]) -> str:
    """The last two questions of the conversation, which a follow-up leans on."""
    return " ".join(a.question for a in history[-2:])
