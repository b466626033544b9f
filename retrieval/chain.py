"""The answer chain, composed in LangChain: prepare → retrieve → answer."""
from __future__ import annotations

import time
from dataclasses import replace

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from .extractive import ExtractiveAnswerer, Prepared
from .retriever import HybridRetriever
from .types import Answer


def build_chain(answerer: ExtractiveAnswerer, retriever: HybridRetriever) -> Runnable:
    """A runnable taking {"question", "history", "doc_ids"} and returning an Answer."""

    def prepare(inputs: dict) -> dict:
        started = time.perf_counter()
        prepared = answerer.prepare(inputs["question"], inputs.get("history") or [])
        return {**inputs, "prepared": prepared, "timings": {"prepare": _ms(started)}}

    def retrieve(inputs: dict) -> list:
        prepared: Prepared = inputs["prepared"]
        started = time.perf_counter()
        embedding = retriever.embedder.embed_query(prepared.search_text)
        inputs["timings"]["embed"] = _ms(started)
        started = time.perf_counter()
        hits = retriever.hits(prepared.search_text, words=prepared.question.search_words,
                              doc_ids=inputs.get("doc_ids"), embedding=embedding)
        inputs["timings"]["search"] = _ms(started)
        return hits

    def respond(inputs: dict) -> Answer:
        answer = answerer.answer(inputs["prepared"], inputs["hits"])
        return replace(answer, timings_ms={**inputs["timings"], **answer.timings_ms})

    return RunnableLambda(prepare) | RunnablePassthrough.assign(hits=RunnableLambda(retrieve)) | RunnableLambda(respond)


class ChainAnswerer:
    """The Answerer the service calls, backed by the chain."""

    def __init__(self, chain: Runnable) -> None:
        self._chain = chain

    def answer(self, question: str, *, history: list[Answer], doc_ids: list[str] | None) -> Answer:
        """Run the chain for one question."""
        return self._chain.invoke({"question": question, "history": history, "doc_ids": doc_ids})


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
