"""The real `govqa` console script, run as a user runs it.

Every command that loads the model costs seconds, so each one runs once per
module (in a fixture) and several tests read its output.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOVQA = Path(sys.executable).parent / "govqa"
SAMPLES = ROOT / "samples"
LETTERS = ROOT / "tests" / "data" / "letters"
DOC_NUMBER = "中工信函〔2022〕53号"

# A fact of the sample letter no gold item asks for, and a follow-up that alone is refused (measured).
INVEST_QUESTION = "5G+工业互联网标杆项目带动总投资超过多少？"
LEADER_FOLLOW_UP = "这些项目带头的是哪家企业？"
FOLLOW_UP_LINES = [
    json.dumps({"question": INVEST_QUESTION, "session": "s1"}, ensure_ascii=False),
    "this line is not JSON",
    json.dumps({"question": LEADER_FOLLOW_UP, "session": "s1"}, ensure_ascii=False),
    # A gold file's line, piped in as it is: its expected "document" names are not a filter.
    json.dumps({"id": "g1", "question": INVEST_QUESTION, "expect": [["1.3亿"]],
                "document": ["某个名字", "另一个名字"], "answerable": True}, ensure_ascii=False),
]
GOLD = [
    {"id": "cio", "question": "一共收到多少家企业的首席信息官备案申请？", "expect": [["45"]]},
    {"id": "invest", "question": INVEST_QUESTION, "expect": [["1.3亿"]]},
    {"id": "metro", "question": "中山市有几条地铁线路？", "answerable": False},
]


def govqa(data_dir: Path, models_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the console script over ``data_dir`` with the session's prepared model, in an 80-column pipe."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVQA_")}
    env.update(GOVQA_DATA_DIR=str(data_dir), GOVQA_MODELS_DIR=str(models_dir), COLUMNS="80")
    return subprocess.run([str(GOVQA), *args], input=stdin, capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def models_dir(model_dir: Path) -> Path:
    return model_dir.parent


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-data")


@pytest.fixture(scope="module")
def indexed(data_dir: Path, models_dir: Path) -> subprocess.CompletedProcess:
    """`govqa index samples/` into a fresh data dir."""
    return govqa(data_dir, models_dir, "index", "samples/")


@pytest.fixture(scope="module")
def asked_json(indexed, data_dir: Path, models_dir: Path) -> subprocess.CompletedProcess:
    return govqa(data_dir, models_dir, "ask", "一共收到多少家企业的首席信息官备案申请？", "--json")


@pytest.fixture(scope="module")
def asked_jsonl(indexed, data_dir: Path, models_dir: Path) -> subprocess.CompletedProcess:
    return govqa(data_dir, models_dir, "ask", "--jsonl", stdin="\n".join(FOLLOW_UP_LINES) + "\n")


@pytest.fixture(scope="module")
def evaluated(indexed, data_dir: Path, models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess:
    gold = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    gold.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in GOLD), encoding="utf-8")
    return govqa(data_dir, models_dir, "eval", str(gold), "--json", "--show-failures")


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """`govqa index` of a folder holding one good letter and one binary .txt, into its own data dir."""
    folder = tmp_path_factory.mktemp("batch")
    shutil.copy(LETTERS / "gdkjt-2023-112.txt", folder)
    (folder / "scanned-letter.txt").write_bytes(bytes(range(256)) * 8)
    data_dir = tmp_path_factory.mktemp("bad-batch-data")
    return govqa(data_dir, models_dir, "index", str(folder)), data_dir


# --- govqa index ---------------------------------------------------------------------


@pytest.mark.slow  # loads the model in a subprocess
def test_index_samples_exits_zero_with_summary(indexed) -> None:
    assert indexed.returncode == 0, indexed.stderr
    assert "indexed 1" in indexed.stdout
    assert "failed 0" in indexed.stdout
    assert re.search(r"\(\d+ new chunks\)", indexed.stdout)


@pytest.mark.slow  # loads the model in a subprocess
def test_index_stores_the_keyword_search_words_of_every_chunk(indexed, data_dir: Path) -> None:
    import sqlite3

    from index.settings import Settings
    from index.store import ChunkStore

    settings = Settings(data_dir=data_dir)
    with sqlite3.connect(settings.paths.term_cache) as db:
        stored = {row[0] for row in db.execute("SELECT chunk_id FROM chunk_words")}
    assert stored == {chunk.chunk_id for chunk in ChunkStore.open(settings).chunks()}


def test_index_with_bad_file_exits_one_and_names_it(bad_batch) -> None:
    result, _ = bad_batch
    assert result.returncode == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "scanned-letter.txt" in failed[0]
    assert "indexed 1" in result.stdout and "failed 1" in result.stdout


@pytest.mark.slow  # loads the model in a subprocess
def test_index_with_bad_file_still_indexes_the_good_one(bad_batch, models_dir: Path) -> None:
    _, data_dir = bad_batch
    listed = govqa(data_dir, models_dir, "docs")
    assert "粤科函〔2023〕112号" in listed.stdout


def test_index_missing_path_is_a_one_line_error(data_dir: Path, models_dir: Path, tmp_path: Path) -> None:
    result = govqa(data_dir, models_dir, "index", str(tmp_path / "no-such-folder"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "no-such-folder" in result.stderr


# --- govqa docs -----------------------------------------------------------------------


@pytest.mark.slow  # loads the model in a subprocess
def test_docs_lists_doc_number_and_date(indexed, data_dir: Path, models_dir: Path) -> None:
    listed = govqa(data_dir, models_dir, "docs")
    assert listed.returncode == 0, listed.stderr
    assert DOC_NUMBER in listed.stdout
    assert "2022年6月14日" in listed.stdout


@pytest.mark.slow  # loads the model in a subprocess
def test_docs_rm_prefix_removes_the_document(indexed, data_dir: Path, models_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    doc_id = re.search(r"\b([0-9a-f]{12})\b", govqa(copy, models_dir, "docs").stdout).group(1)
    removed = govqa(copy, models_dir, "docs", "rm", doc_id[:8])
    assert removed.returncode == 0, removed.stderr
    assert f"removed {doc_id}" in removed.stdout and DOC_NUMBER in removed.stdout
    assert "No documents indexed yet" in govqa(copy, models_dir, "docs").stdout
    from retrieval.lexicon import Segmenter
    from retrieval.snapshot import KnowledgeSnapshot, snapshot_key

    saved = KnowledgeSnapshot(copy / "bm25-snapshot.pickle").load(snapshot_key([], Segmenter().version))
    assert saved is not None and saved.chunks == []  # answering starts from the index without the removed chunks


@pytest.mark.slow  # loads the model in a subprocess
def test_docs_rm_unknown_id_is_a_one_line_error(indexed, data_dir: Path, models_dir: Path) -> None:
    result = govqa(data_dir, models_dir, "docs", "rm", "ffffffffffff")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "ffffffffffff" in result.stderr


# --- govqa ask ------------------------------------------------------------------------


@pytest.mark.slow  # loads the model in a subprocess
def test_ask_json_answers_with_a_citation(asked_json) -> None:
    assert asked_json.returncode == 0, asked_json.stderr
    answer = json.loads(asked_json.stdout)
    assert answer["answered"] is True
    assert "45" in answer["answer"]
    assert any("推广首席信息官制度" in citation["section"] for citation in answer["citations"])
    assert all(DOC_NUMBER in citation["document"] for citation in answer["citations"])


@pytest.mark.slow  # loads the model in a subprocess
def test_ask_jsonl_answers_each_line_in_order(asked_jsonl) -> None:
    assert asked_jsonl.returncode == 0, asked_jsonl.stderr
    first, bad, follow_up, gold_line = [json.loads(line) for line in asked_jsonl.stdout.splitlines()]
    assert first["question"] == INVEST_QUESTION and "1.3亿" in first["answer"]
    assert bad["error"] and "line 2" in bad["error"] and bad["answered"] is False
    assert follow_up["question"] == LEADER_FOLLOW_UP
    assert follow_up["session_id"] == "s1"
    assert "大洋电机" in follow_up["answer"]
    assert "error" not in gold_line and "1.3亿" in gold_line["answer"]


def test_ask_with_nonexistent_data_dir_is_a_one_line_error(models_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "never-indexed"
    result = govqa(missing, models_dir, "ask", INVEST_QUESTION)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("error:") and str(missing) in result.stderr
    assert not missing.exists()


def test_docs_on_a_never_indexed_data_dir_creates_nothing(models_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "never-indexed"
    listed = govqa(missing, models_dir, "docs")
    assert listed.returncode == 0, listed.stderr
    assert "No documents indexed yet" in listed.stdout
    assert not missing.exists()
    refused = govqa(missing, models_dir, "ask", INVEST_QUESTION)
    assert refused.returncode == 1 and "govqa index" in refused.stderr, refused.stderr


@pytest.mark.parametrize("command", [["ask", INVEST_QUESTION], ["chat"], ["telegram"],
                                     ["ask", "--jsonl"]])
def test_reading_commands_refuse_a_registry_without_letters(models_dir: Path, tmp_path: Path, command: list[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from index.registry import Registry

    Registry(tmp_path / "registry.sqlite3").close()  # what indexing only unreadable files, or removing the last letter, leaves
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:not-a-real-token")
    result = govqa(tmp_path, models_dir, *command, stdin="")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("error:") and "No letters indexed" in result.stderr, result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_ask_with_data_dir_under_a_file_is_a_one_line_error(models_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for command in (["ask", INVEST_QUESTION], ["docs"]):
        result = govqa(blocker / "data", models_dir, *command)
        assert result.returncode == 1, command
        assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("error:"), result.stderr


# --- govqa eval -----------------------------------------------------------------------


@pytest.mark.slow  # loads the model in a subprocess
def test_eval_figures_agree_with_its_failures_and_latencies(evaluated) -> None:
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    failed = {failure["id"]: failure["why"] for failure in result["failures"]}
    assert set(failed) <= {item["id"] for item in GOLD}
    answerable = [item["id"] for item in GOLD if item.get("answerable", True)]
    unanswerable = [item["id"] for item in GOLD if not item.get("answerable", True)]
    wrong = [i for i in answerable if failed.get(i) == "answer"]
    not_refused = [i for i in unanswerable if i in failed]
    assert result["answer_accuracy"] == round(100 * (len(answerable) - len(wrong)) / len(answerable), 1)
    assert result["refusal_accuracy"] == round(100 * (len(unanswerable) - len(not_refused)) / len(unanswerable), 1)
    assert "cio" not in failed  # `govqa ask` answers it (test_ask_json_answers_with_a_citation)
    assert 0 < result["latency_ms"]["p50"] <= result["latency_ms"]["p95"]
    by_stage = result["latency_ms"]["by_stage"]
    assert {"embed", "search", "read"} <= set(by_stage)  # the reader's share is its own
    assert all(0 <= stage["p50"] <= stage["p95"] for stage in by_stage.values())
    assert by_stage["read"]["p50"] <= result["latency_ms"]["p95"]


def test_eval_states_the_reader_decision_rule_from_its_calibration() -> None:
    from bot.cli import _decision_rule
    from index.settings import Settings
    from retrieval.reader.config import WEIGHTS_DIR, read_config

    config = read_config(WEIGHTS_DIR)
    rule = _decision_rule(Settings())
    assert rule["threshold"] == round(config.answer_threshold, 4)
    assert config.calibration["rule"] in rule["chosen_on"] and str(config.calibration["questions"]) in rule["chosen_on"]
    assert rule["calibration_false_answer"] == config.calibration["false_answer"]
    assert all(check in rule["rule"] for check in ("year", "place", "unit of measure", "form"))  # the four checks beside it
    from retrieval.extractive import LATER_CHUNKS_MIN_MARGIN
    assert f"next 4 passages are read, and their best span answers at a margin of {LATER_CHUNKS_MIN_MARGIN:g}" in rule["rule"]
