"""Reading-comprehension examples from SQuAD-format files, with learned-no-answer negatives.

Data flows: files → :class:`Example` (question, context, answer or none) →
features (:mod:`.features`). Traditional-Chinese sets (DRCD) are converted to
simplified first, since the letters are simplified.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..lexicon import to_simplified

# A cut context shorter than this is too little to read as a passage, so no negative is made from it.
MIN_NEGATIVE_CONTEXT_CHARS = 20
# Sentence ends used to cut an answer's sentence out of a context for a near-miss negative.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")


@dataclass(frozen=True)
class Example:
    """One question over one context; ``answer_start`` is -1 when the context does not answer it."""

    qid: str
    article: str
    question: str
    context: str
    answer_text: str = ""
    answer_start: int = -1
    title: str = ""       # the article's title (a letter's counterpart: what a question names it by)

    @property
    def answerable(self) -> bool:
        return self.answer_start >= 0


def read_squad(path: Path, *, simplify: bool = False) -> list[Example]:
    """Every answerable question of a SQuAD-format file, first answer as the gold span.

    With ``simplify`` contexts, questions and answers are converted to simplified
    characters; t2s maps character to character, so offsets stay valid (checked).
    """
    convert = to_simplified if simplify else (lambda s: s)
    examples = []
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    for article in data:
        article_id = f"{Path(path).stem}:{article.get('id') or article.get('title')}"
        title = convert(article.get("title") or "").strip()
        for paragraph in article["paragraphs"]:
            context = convert(paragraph["context"])
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                text, start = convert(answer["text"]), int(answer["answer_start"])
                if context[start:start + len(text)] != text:
                    found = context.find(text)
                    if found < 0:
                        continue  # a broken gold span: skip the question rather than learn noise
                    start = found
                examples.append(Example(qa["id"], article_id, convert(qa["question"]).strip(), context, text, start,
                                        title))
    return examples


def split_by_article(examples: list[Example], held_out_share: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Train and held-back examples, whole articles on one side, so no context is seen twice."""
    articles = sorted({e.article for e in examples})
    random.Random(seed).shuffle(articles)
    held = set(articles[:max(1, round(len(articles) * held_out_share))])
    return [e for e in examples if e.article not in held], [e for e in examples if e.article in held]


def answer_sentence(example: Example) -> str:
    """The sentence of the context that holds the answer's start."""
    for match in _SENTENCE.finditer(example.context):
        if match.start() <= example.answer_start < match.end():
            return match.group(0)
    return example.context


def without_answer_sentence(example: Example) -> str | None:
    """The context with the sentence holding the answer removed: on topic, but no longer answering."""
    start, end = example.answer_start, example.answer_start + len(example.answer_text)
    pieces = [m for m in _SENTENCE.finditer(example.context)]
    kept = [m.group(0) for m in pieces if m.end() <= start or m.start() >= end]
    rest = "".join(kept)
    if len(kept) == len(pieces) or len(rest) < MIN_NEGATIVE_CONTEXT_CHARS or example.answer_text in rest:
        return None
    return rest


def with_negatives(examples: list[Example], *, sentence_removed_rate: float, other_paragraph_rate: float,
                   seed: int) -> list[Example]:
    """The examples plus no-answer copies: a question over its context minus the answer's sentence,
    and a question over another paragraph of the same article that does not contain its answer."""
    rng = random.Random(seed)
    by_article: dict[str, list[str]] = {}
    for e in examples:
        contexts = by_article.setdefault(e.article, [])
        if e.context not in contexts:
            contexts.append(e.context)
    out = list(examples)
    for e in examples:
        if rng.random() < sentence_removed_rate:
            rest = without_answer_sentence(e)
            if rest:
                out.append(Example(e.qid + ":cut", e.article, e.question, rest))
        if rng.random() < other_paragraph_rate:
            others = [c for c in by_article[e.article] if c != e.context and e.answer_text not in c]
            if others:
                out.append(Example(e.qid + ":other", e.article, e.question, rng.choice(others)))
    rng.shuffle(out)
    return out


def with_english(examples: list[Example], *, rate: float, english: Callable[[str], str], seed: int) -> list[Example]:
    """The examples plus, for a ``rate`` share of them, a copy whose question is rendered in English
    (``english``: :class:`retrieval.reader.gloss.QuestionGlosser`), over the same context and answer."""
    rng = random.Random(seed)
    copies = [replace(e, qid=e.qid + ":en", question=english(e.question)) for e in examples if rng.random() < rate]
    return list(examples) + copies


def with_loosened(examples: list[Example], *, rate: float, loosened: Callable[[Example], str | None],
                  seed: int) -> list[Example]:
    """The examples plus, for a ``rate`` share of the answerable ones, a copy whose question shares fewer
    words with the answer's sentence (``loosened``: :class:`retrieval.reader.paraphrase.QuestionLoosener`)."""
    rng = random.Random(seed)
    copies = []
    for e in examples:
        if e.answerable and rng.random() < rate:
            question = loosened(e)
            if question:
                copies.append(replace(e, qid=e.qid + ":loose", question=question))
    return list(examples) + copies


# How people put the letter they mean before their question ("周村区关于学生坐公交的那份答复里，…",
# "中工信函〔2022〕53号里…"); with_named_questions puts an article's title there the same ways.
NAMING_FORMS = ("{title}里，{question}", "关于{title}，{question}", "在{title}中，{question}", "{title}：{question}")


def with_named_questions(examples: list[Example], *, rate: float, seed: int) -> list[Example]:
    """The examples with a ``rate`` share of the Chinese questions (not English copies) naming their
    article first, as a question names the letter it is about: words the passage does not hold, which
    the reader must learn to read past. A question already holding its title is left as it is."""
    rng = random.Random(seed)
    out = []
    for e in examples:
        if rng.random() < rate and e.title and e.title not in e.question and not is_english_copy(e):
            form = rng.choice(NAMING_FORMS)
            e = replace(e, question=form.format(title=e.title, question=e.question))
        out.append(e)
    return out


def with_headings(examples: list[Example], *, rate: float, seed: int) -> list[Example]:
    """The examples with a ``rate`` share of the contexts read after a heading line (the article's
    title), as answering reads every chunk of a letter after its section path; the answer moves with it."""
    rng = random.Random(seed)
    out = []
    for e in examples:
        if rng.random() < rate and e.title:
            heading = e.title + "\n"
            e = replace(e, context=heading + e.context,
                        answer_start=e.answer_start + len(heading) if e.answerable else -1)
        out.append(e)
    return out


ENGLISH_QUESTIONS_FILE = Path(__file__).parent / "data" / "english_questions.tsv"
"""Fluent English renderings of the held-back and calibration splits' English copies, by question id."""

ENGLISH_TRAINING_QUESTIONS_FILE = Path(__file__).parent / "data" / "english_training_questions.tsv"
"""Fluent English renderings of the training split's English copies, by question id (the glosses' stand-in)."""


def read_english_questions(path: Path = ENGLISH_QUESTIONS_FILE) -> dict[str, str]:
    """question id → its English rendering (``#`` lines are comments)."""
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#"))
    return {qid: question for qid, question in rows}


def is_loosened_copy(example: Example) -> bool:
    return example.qid.endswith(":loose")


def is_english_copy(example: Example) -> bool:
    return example.qid.endswith(":en")


def load_training_examples(files: Iterable[tuple[Path, bool]]) -> list[Example]:
    """All examples of (path, is_traditional) pairs, in file order."""
    examples: list[Example] = []
    for path, traditional in files:
        examples += read_squad(path, simplify=traditional)
    return examples
