"""User-facing errors. Each message is fit to show a person: what, where, what to do."""
from __future__ import annotations


class GovqaError(Exception):
    """Base class; front ends show ``str(error)`` as is."""


class InputFileError(GovqaError):
    """A file that cannot become a letter (empty, binary, undecodable, unsupported)."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ModelError(GovqaError):
    """The embedding model cannot be prepared or loaded."""


class StoreError(GovqaError):
    """The index store cannot be opened or written."""


class EmbeddingMismatchError(StoreError):
    """The stored vectors were made by another embedding model than the one loaded now."""

    def __init__(self, where: object, indexed_with: str, loaded: str) -> None:
        self.indexed_with = indexed_with
        self.loaded = loaded
        super().__init__(
            f"The index at {where} was embedded with {indexed_with}, but the embedding model now is {loaded}, "
            "whose vectors cannot be compared with those. Run `govqa reindex` to re-embed every stored chunk with "
            "the current model (if it is interrupted, run it again), or set GOVQA_EMBEDDING_MODEL back to the model "
            "the index was built with.")


class UnknownDocumentError(GovqaError):
    """A document id that is not in the index."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(f"No document with id {doc_id!r} in the index. `govqa docs` lists them.")


class QuestionError(GovqaError):
    """A question that cannot be asked (empty, too long)."""
