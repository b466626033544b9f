"""The answer chain, composed in LangChain: prepare → (rewrite) → retrieve → answer (→ LLM).

Each step takes the state dict and returns a new one; the retriever is called as any LangChain
retriever is (``invoke``), and its Documents are read back into hits. With an LLM configured, a
follow-up is first rewritten into a standalone question (it feeds the dense search), and the reader's
answer is handed to the LLM answerer as its fallback.
"""
from __future__ import annotations

import time
from dataclasses import replace

from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda, RunnablePassthrough

from .extractive import ExtractiveAnswerer, Prepared
from .llm import LLMAnswerer
from .retriever import HybridRetriever, document_to_hit
from .types import Answer


def build_chain(answerer: ExtractiveAnswerer, retriever: HybridRetriever, *, llm: LLMAnswerer | None = None) -> Runnable:
    """A runnable taking {"question", "history", "doc_ids"} and returning an Answer."""

    def prepare(inputs: dict) -> dict:
        started = time.perf_counter()
        prepared = answerer.prepare(inputs["question"], inputs.get("history") or [])
        return {**inputs, "prepared": prepared, "timings": {"prepare": _ms(started)}}

    def retrieve(inputs: dict) -> dict:
        prepared: Prepared = inputs["prepared"]
        doc_ids = inputs.get("doc_ids") or list(prepared.named_docs) or None  # a letter named in the question
        if doc_ids is None and prepared.conversation_letter:
            doc_ids = [prepared.conversation_letter]
        documents = retriever.invoke(prepared.search_text, words=prepared.question.search_terms, doc_ids=doc_ids,
                                     conversation_doc=prepared.preferred_doc)
        timings = dict(inputs["timings"])
        if documents:
            timings.update(embed=documents[0].metadata["embed_ms"], search=documents[0].metadata["search_ms"])
        return {**inputs, "hits": [document_to_hit(d) for d in documents], "timings": timings}

    def respond(inputs: dict) -> Answer:
        answer = answerer.answer(inputs["prepared"], inputs["hits"])
        # The question as it was asked (preparing reads traditional characters as simplified ones).
        return replace(answer, question=inputs["question"], timings_ms={**inputs["timings"], **answer.timings_ms})

    if llm is None:
        return RunnableLambda(prepare) | RunnableLambda(retrieve) | RunnableLambda(respond)
    return (RunnableLambda(prepare)
            | RunnableBranch((_is_follow_up_to_rewrite, RunnableLambda(_rewriter(llm))), RunnablePassthrough())
            | RunnableLambda(retrieve)
            | RunnablePassthrough.assign(extractive=RunnableLambda(respond))
            | RunnableLambda(_llm_responder(llm)))


def _is_follow_up_to_rewrite(inputs: dict) -> bool:
    """A question after earlier turns, unless it is refused as asked (Prepared.refused_as_asked)."""
    return bool(inputs.get("history")) and not inputs["prepared"].refused_as_asked


def _rewriter(llm: LLMAnswerer):
    """A step that rewrites a follow-up into a standalone question for the dense search."""

    def rewrite(inputs: dict) -> dict:
        started = time.perf_counter()
        standalone = llm.rewrite(inputs["question"], inputs["history"])
        timings = {**inputs["timings"], "rewrite": _ms(started)}
        if standalone == inputs["question"]:
            return {**inputs, "timings": timings}  # keep the answerer's own follow-up search text
        return {**inputs, "timings": timings, "standalone": standalone,
                "prepared": replace(inputs["prepared"], search_text=standalone)}

    return rewrite


def _llm_responder(llm: LLMAnswerer):
    """A step that lets the LLM answer, the reader's answer standing by."""

    def respond(inputs: dict) -> Answer:
        extractive: Answer = inputs["extractive"]
        if inputs["prepared"].refused_as_asked:
            return extractive  # a question that names nothing, or a letter not indexed: no model is asked
        started = time.perf_counter()
        answer = llm.answer(inputs["prepared"], inputs["hits"], extractive, question=inputs.get("standalone"))
        return replace(answer, timings_ms={**extractive.timings_ms, "llm": _ms(started)})

    return respond


class ChainAnswerer:
    """The Answerer the service calls, backed by the chain."""

    def __init__(self, chain: Runnable) -> None:
        self._chain = chain

    def answer(self, question: str, *, history: list[Answer], doc_ids: list[str] | None) -> Answer:
        """Run the chain for one question."""
        return self._chain.invoke({"question": question, "history": history, "doc_ids": doc_ids})


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
