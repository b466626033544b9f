"""Training pieces: targets, selection, the loss going down on real layers, the threshold rule."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch

from retrieval.reader import train as T
from retrieval.reader.data import Example
from retrieval.reader.features import encode_windows, span_targets
from retrieval.reader.model import SpanReaderModel, load_encoder

PLAN = dataclasses.replace(T.TrainingPlan(), max_length=48, stride=16, max_question_tokens=16, epochs=3,
                           batch_size=4, learning_rate=5e-4, warmup_share=0.0)


@pytest.fixture(scope="module")
def tokenizer(model_dir: Path):
    from retrieval.reader.runtime import load_tokenizer

    return load_tokenizer(model_dir)


def test_targets_point_at_the_answer_tokens_or_at_no_answer(tokenizer) -> None:
    passage = "本市今年共新建公共停车场十六处，新增泊位两千三百个。" * 3
    answer = passage.find("两千三百个")
    windows = encode_windows(tokenizer, ["新增多少个泊位？"], [passage], max_length=40, stride=10, max_question_tokens=16)
    starts, ends = span_targets(windows, [(answer, answer + 5)])
    assert len(windows.input_ids) > 1
    held = [i for i in range(len(starts)) if starts[i]]
    assert held and 0 in starts  # one window holds the first mention; later windows do not
    for i in held:
        first, last = windows.offsets[i][starts[i]], windows.offsets[i][ends[i]]
        assert first[0] <= answer < first[1] and last[0] < answer + 5 <= last[1]


def test_selection_keeps_one_answer_window_per_answerable_pair(tokenizer) -> None:
    passages = ["甲" * 30 + "答案在这里。" + "乙" * 60, "丙" * 80]
    windows = encode_windows(tokenizer, ["问"] * 2, passages, max_length=24, stride=6, max_question_tokens=8)
    at = passages[0].find("答案")
    starts, ends = span_targets(windows, [(at, at + 2), None])
    subset, s, _ = T.select_windows(windows, starts, ends, [True, False], dataclasses.replace(PLAN, no_answer_window_share=0.0))
    assert list(subset.pair_index) == [0, 1]
    assert s[0] != 0 and s[1] == 0


def test_training_the_top_layers_lowers_the_loss(model_dir: Path, tokenizer, tmp_path: Path) -> None:
    torch.manual_seed(0)
    context = "全区建成社区食堂23家，每天服务老人约1500人次。新增养老床位400张。"
    examples = [Example(f"q{i}", "a", q, context, a, context.find(a)) for i, (q, a) in enumerate(
        [("建成了几家社区食堂？", "23家"), ("每天服务多少人次？", "约1500人次"), ("新增多少张养老床位？", "400张")])]
    windows = T.windows_for(tokenizer, examples, PLAN, pad_to_max=True)
    starts, ends = span_targets(windows, [(e.answer_start, e.answer_start + len(e.answer_text)) for e in examples])
    model = SpanReaderModel(load_encoder(model_dir), trained_layers=1)
    states = T.cache_lower_states(model, windows, tmp_path / "lower.f16")
    losses = T.train_top(model, states, windows, starts, ends, PLAN, log=lambda _: None)
    assert losses[-1] < losses[0]
    again = T.cache_lower_states(model, windows, tmp_path / "lower.f16")  # a restart reuses the cache
    assert np.array_equal(np.asarray(again), np.asarray(states))


def test_threshold_gets_the_most_calibration_questions_right() -> None:
    # unanswerable margins -5..5, answerable right 0..10: the best cut lies between, counted exactly
    readings = [(m, False, False) for m in np.linspace(-5, 5, 21)] + [(m, True, True) for m in np.linspace(0, 10, 21)]
    threshold = T.best_accuracy_threshold(readings)

    def right(t):
        return sum((m >= t and ok) or (m < t and not a) for m, a, ok in readings)

    assert all(right(threshold) >= right(t) for t in np.linspace(-6, 11, 200))
    assert T.rates_at(readings, threshold)["false_answer"] <= 30.0


def test_fewer_unanswerable_questions_stated_lower_the_threshold() -> None:
    # overlapping margins: which cut is best depends on how many questions are unanswerable
    readings = [(m, False, False) for m in np.linspace(-5, 5, 21)] + [(m, True, True) for m in np.linspace(0, 10, 21)]
    own = T.best_accuracy_threshold(readings)
    assert T.best_accuracy_threshold(readings, 0.5) == own  # the split's own share: unweighted
    assert T.best_accuracy_threshold(readings, 0.2) < own <= T.best_accuracy_threshold(readings, 0.8)
    assert T.unanswerable_weight(readings, 0.2) == pytest.approx(0.25)


def test_each_language_gets_the_threshold_its_own_readings_call_for() -> None:
    # the same shapes, English margins 4 lower: its best cut is 4 lower
    chinese = [(m, False, False) for m in np.linspace(-5, 5, 21)] + [(m, True, True) for m in np.linspace(0, 10, 21)]
    english = [(m - 4, a, ok) for m, a, ok in chinese]
    thresholds = T.thresholds_by_language(chinese + english, ["zh"] * len(chinese) + ["en"] * len(english))
    assert thresholds == {"zh": T.best_accuracy_threshold(chinese), "en": T.best_accuracy_threshold(english)}
    assert thresholds["en"] == pytest.approx(thresholds["zh"] - 4, abs=0.51)  # readings lie 0.5 apart


def test_a_config_without_language_thresholds_uses_its_one_threshold() -> None:
    from retrieval.reader.config import ReaderConfig

    one = ReaderConfig(6, 160, 64, 40, 48, answer_threshold=5.0)
    assert one.threshold_for(english=True) == one.threshold_for(english=False) == 5.0
    both = ReaderConfig(6, 160, 64, 40, 48, answer_threshold=5.0, language_thresholds={"zh": 6.0, "en": 3.0})
    assert (both.threshold_for(english=False), both.threshold_for(english=True)) == (6.0, 3.0)


def test_a_wrong_span_counts_against_answering() -> None:
    readings = [(9.0, True, False)] * 5 + [(1.0, False, False)] * 3
    assert T.best_accuracy_threshold(readings) > 9.0  # answering would only add wrong answers


def test_scores_count_characters() -> None:
    assert T.exact_match("45家企业。", "45家企业") == 1.0
    assert T.char_f1("共45家", "45家企业") == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5))
    assert T.char_f1("", "答案") == 0.0


ARTICLE = [
    Example("q1", "a", "新增多少个泊位？",
            "本市持续推进停车设施建设，多措并举缓解停车难问题。今年共新建公共停车场十六处，新增泊位两千三百个。"
            "明年将继续推进老旧小区停车改造工作，进一步增加停车供给。",
            "两千三百个", 0),
    Example("q2", "a", "明年有什么计划？", "社区服务中心已建成投用，群众反映良好。下一步将扩大覆盖范围，计划明年新增三个站点。", "三个", 0),
]
ARTICLE = [dataclasses.replace(e, answer_start=e.context.find(e.answer_text)) for e in ARTICLE]
CHUNK_CHARS = 55  # two of the first paragraph's sentences, so cutting the answer's leaves one


def test_passage_pieces_are_the_chunks_answering_reads() -> None:
    context = ARTICLE[0].context
    assert T.passage_pieces(context, 0) == [context]
    pieces = T.passage_pieces(context, CHUNK_CHARS)
    assert len(pieces) == 2 and "".join(pieces) == context
    assert all(len(p) <= CHUNK_CHARS for p in pieces)


def test_the_answer_piece_is_re_anchored_on_the_chunk_holding_the_answer() -> None:
    piece = T.answer_piece(ARTICLE[0], CHUNK_CHARS)
    assert len(piece.context) < len(ARTICLE[0].context)
    assert piece.context[piece.answer_start:piece.answer_start + len(piece.answer_text)] == "两千三百个"
    assert T.answer_piece(ARTICLE[0], 0) == ARTICLE[0]


def test_question_sets_read_the_answer_chunk_beside_other_chunks_of_the_article() -> None:
    plan = dataclasses.replace(T.TrainingPlan(), passages_per_question=3, calibration_chunk_chars=CHUNK_CHARS)
    sets = T.question_sets(ARTICLE, plan)
    answerable = [(e, passages) for e, passages, answers in sets if answers]
    unanswerable = [(e, passages) for e, passages, answers in sets if not answers]
    assert len(answerable) == 2 and unanswerable
    for example, passages in answerable:
        first = passages[0]
        assert example.context == first
        assert first[example.answer_start:example.answer_start + len(example.answer_text)] == example.answer_text
        assert len(passages) == len(set(passages)) == 3
        assert all(example.answer_text not in p for p in passages[1:])
    for example, passages in unanswerable:
        assert all(example.answer_text not in p for p in passages)


def test_held_back_english_copies_take_the_written_rendering_where_there_is_one() -> None:
    examples = [Example(f"q{i}", "a", f"问题{i}是什么？", "上下文", "", -1) for i in range(40)]
    plan = dataclasses.replace(T.TrainingPlan(), english_question_rate=0.5)
    glossed = T.english_copies(examples, plan, lambda q: "gloss " + q)
    assert glossed and all(e.question.startswith("gloss ") for e in glossed)
    written = {glossed[0].qid.removesuffix(":en"): "What is question one?"}
    copies = T.english_copies(examples, plan, lambda q: "gloss " + q, written)
    assert [e.qid for e in copies] == [e.qid for e in glossed]
    assert copies[0].question == "What is question one?"
    assert all(e.question.startswith("gloss ") for e in copies[1:])


def test_training_english_copies_take_the_written_rendering_where_there_is_one() -> None:
    examples = [Example(f"q{i}", "a", f"问题{i}是什么？", "上下文", "", -1) for i in range(40)]
    plan = dataclasses.replace(T.TrainingPlan(), english_question_rate=0.5, loosened_question_rate=0.0,
                               named_question_rate=0.0, heading_rate=0.0, sentence_removed_rate=0.0,
                               other_paragraph_rate=0.0)
    glossed = [e for e in T.training_examples(examples, plan, lambda q: "gloss " + q) if e.qid.endswith(":en")]
    assert glossed and all(e.question.startswith("gloss ") for e in glossed)
    written = {glossed[0].qid.removesuffix(":en"): "What is question one?"}
    both = T.training_examples(examples, plan, lambda q: "gloss " + q, written=written)
    copies = sorted((e for e in both if e.qid.endswith(":en")), key=lambda e: e.qid)
    assert [e.qid for e in copies] == sorted(e.qid for e in glossed)
    assert sum(e.question == "What is question one?" for e in copies) == 1
    assert sum(e.question.startswith("gloss ") for e in copies) == len(copies) - 1
    assert not any(e.question == "What is question one?" for e in both if not e.qid.endswith(":en"))
