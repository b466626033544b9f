"""English questions searched nearer where the Chinese letters are: the query embeddings' language offset.

Multilingual e5 puts an English question some way from the same question asked in Chinese, in a direction
most such pairs share: the language's, not the meaning's. Letters are Chinese, so an English question's
nearest chunks were often not the ones its Chinese twin finds (the gold chunk among the 4 nearest for 50% of
the calibration set's 416 English questions, 87% of its 506 Chinese ones). The offset is that shared
direction, the mean Chinese query vector less the mean English one over question pairs that say the same;
an English question's vector gets it added and is normalised again. It has no setting: the mean difference
is the whole of it (scaled by 0.5 or 1.5 it did worse, below).

Fitted by ``scripts/fit_language_offset.py`` on the 1,804 English renderings of the reader's training
questions (``reader/data/english_training_questions.tsv``) and their Chinese originals (CMRC 2018 trial,
DRCD). Measured 2026-12-07 on the default model:
- the 198 held-back pairs: an English question's cosine to its Chinese twin 0.819 → 0.885;
- the calibration set's 416 English questions over its 112 letters (their training letters' questions,
  none fitted on), dense search alone: gold chunk first 26.7 → 34.4%, among the 4 nearest 50.0 → 57.7%, the
  8 nearest 59.4 → 67.3% (the offset scaled by 0.5: 55.5; by 1.5: 57.2; a least-squares map from English to
  Chinese question vectors instead, fitted the same way: 46.6–57.2);
- answered through the whole pipeline, the same questions: 323 → 332 answered right.

Only the model it was fitted for gets it (``LanguageOffset.model`` against the embedder's identity); a
user-named ``GOVQA_EMBEDDING_MODEL`` is searched as before.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import ModelError

from .language import is_english

OFFSET_FILE = Path(__file__).parent / "data" / "english_query_offset.json"


@dataclass(frozen=True)
class LanguageOffset:
    """What to add to an English question's vector (for one embedding model)."""

    model: str           # the embedder identity it was fitted with (index.embedding_model.model_identity)
    vector: np.ndarray   # mean Chinese query vector − mean English query vector
    pairs: int           # question pairs it was fitted on

    def apply(self, text: str, embedding: np.ndarray) -> np.ndarray:
        """``embedding`` moved by the offset when ``text`` is English, else as it is."""
        if not is_english(text):
            return embedding
        moved = np.asarray(embedding, dtype=np.float32) + self.vector
        return (moved / np.linalg.norm(moved)).astype(np.float32)


def fit_offset(english: np.ndarray, chinese: np.ndarray) -> np.ndarray:
    """The offset from English to Chinese query vectors: row i of each is one question's vector in that language."""
    if english.shape != chinese.shape or not len(english):
        raise ValueError(f"need paired vectors, got {english.shape} and {chinese.shape}")
    return (chinese.mean(axis=0) - english.mean(axis=0)).astype(np.float32)


def write_offset(offset: LanguageOffset, path: Path = OFFSET_FILE) -> None:
    vector = json.dumps([round(float(x), 7) for x in offset.vector])
    path.write_text(f'{{\n "model": {json.dumps(offset.model)},\n "pairs": {offset.pairs},\n "vector": {vector}\n}}\n',
                    encoding="utf-8")


def read_offset(path: Path = OFFSET_FILE) -> LanguageOffset:
    """The offset in ``path``; raises ModelError naming the file and how to restore it when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        vector = np.asarray(data["vector"], dtype=np.float32)
        if vector.ndim != 1 or not len(vector) or not np.isfinite(vector).all():
            raise ValueError("its vector is not a list of numbers")
        return LanguageOffset(model=str(data["model"]), vector=vector, pairs=int(data["pairs"]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"The English query offset {path} is unreadable ({exc}). Restore it with "
                         f"`git checkout -- {path.name}` in its folder, or fit it again with "
                         "`python scripts/fit_language_offset.py`.") from exc


def offset_for(model_identity: str | None, path: Path = OFFSET_FILE) -> LanguageOffset | None:
    """The shipped offset when it was fitted for this embedding model, else None."""
    if model_identity is None or not path.is_file():
        return None
    offset = read_offset(path)
    return offset if offset.model == model_identity else None


def rendering_pairs(chinese_questions: dict[str, str], renderings: dict[str, str]) -> list[tuple[str, str]]:
    """(English rendering, Chinese original) of every rendered question id the Chinese questions hold."""
    return [(english, chinese_questions[qid]) for qid, english in renderings.items() if qid in chinese_questions]


def embed_pairs(embedder, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Query vectors of each (English, Chinese) pair's two questions."""
    english = np.stack([embedder.embed_query(en) for en, _ in pairs])
    chinese = np.stack([embedder.embed_query(zh) for _, zh in pairs])
    return english, chinese
