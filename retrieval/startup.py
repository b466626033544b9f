"""The answer service for a front end, started so that loading the models and importing the rest overlap.

Loading e5's tokenizer and the two onnxruntime sessions runs mostly outside the GIL; importing chromadb,
langchain and jieba mostly inside it. So the models load on a thread while this process imports the
answering code. Measured on 2 cores (imports of ``retrieval.factory`` and the two models, real-dev data
dir): 2.6–2.8 s one after the other, 1.9–2.1 s side by side.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from index.settings import Settings

if TYPE_CHECKING:
    from .service import AnswerService


def answer_service(settings: Settings, *, read_only: bool = True, warm_up: bool = True) -> AnswerService:
    """``retrieval.factory.build_service`` with the models loaded while the factory is imported."""
    models = start_loading_models(settings)
    from .factory import build_service, open_for_answering

    # While the models load (mostly outside the GIL): the index and its snapshot (0.3 s at 1,000 letters),
    # and the part-of-speech tagger every question's place names need (0.35 s to import).
    opened = open_for_answering(settings, read_only=read_only)
    opened.segmenter.warm_up()
    embedder, reader = models.result()  # re-raises what loading raised (ModelError)
    return build_service(settings, embedder=embedder, reader=reader, read_only=read_only, warm_up=warm_up,
                         opened=opened)


def start_loading_models(settings: Settings) -> Future:
    """(embedder, reader), loading on a thread of their own."""
    executor = ThreadPoolExecutor(1, thread_name_prefix="load-models")
    try:
        return executor.submit(load_models, settings)
    finally:
        executor.shutdown(wait=False)


def load_models(settings: Settings):
    """The configured embedding model and the reader on it (one tokenizer for both)."""
    from index.embedding_model import load_embedder

    from .reader.runtime import load_default_reader

    embedder = load_embedder(settings)
    return embedder, load_default_reader(settings, tokenizer=getattr(embedder, "tokenizer", None))
