"""retrieval.evaluation: `govqa eval`'s scoring, rule by rule, and in agreement with the project's scorer."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from index.errors import GovqaError
from retrieval.evaluation import MAX_ANSWER, TOP_CITATIONS, has_all, load_gold, norm, percentile, score

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCORER = ROOT.parent / "shared" / "eval" / "score.py"
SECTION = "（三）推广首席信息官制度"
DOC = "中工信函〔2022〕53号"


def _answer(text: str, answered: bool = True, *citations: tuple[str, str, str]) -> dict:
    return {"question": "q", "answer": text, "answered": answered,
            "citations": [{"document": d, "section": s, "quote": q} for d, s, q in citations]}


CITED = (DOC, f"四、关于引人才 › {SECTION}", "目前共收到45家企业的备案申请。")
OTHER = ("粤科函〔2023〕112号", "一、总体情况", "全省共有科技企业孵化器1100家。")

# One item for each rule of the scorer, with an answer that passes or fails it.
GOLD_AND_ANSWERS: list[tuple[dict, dict]] = [
    ({"id": "ok", "question": "q", "expect": [["45"]], "section": SECTION, "document": DOC}, _answer("共45家", True, CITED)),
    ({"id": "width", "question": "q", "expect": [["45家"]]}, _answer("共 ４５ 家", True)),
    ({"id": "two-groups", "question": "q", "expect": [["14.6"], ["第4", "第四"]]}, _answer("14.6个，第四", True)),
    ({"id": "missing-group", "question": "q", "expect": [["14.6"], ["第4", "第四"]]}, _answer("14.6个", True)),
    ({"id": "forbidden", "question": "q", "expect": [["第4"]], "forbid": ["第8"]}, _answer("第4，也有说第8", True)),
    ({"id": "not-answered", "question": "q", "expect": [["45"]]}, _answer("45", False)),
    ({"id": "too-long", "question": "q", "expect": [["45"]]}, _answer("45" + "字" * MAX_ANSWER, True)),
    ({"id": "wrong-section", "question": "q", "expect": [["45"]], "section": SECTION}, _answer("45", True, OTHER)),
    ({"id": "late-citation", "question": "q", "expect": [["45"]], "section": SECTION},
     _answer("45", True, *[OTHER] * TOP_CITATIONS, CITED)),
    ({"id": "doc-list", "question": "q", "expect": [["45"]], "document": ["别的函", "中工信函"]}, _answer("45", True, CITED)),
    ({"id": "wrong-doc", "question": "q", "expect": [["1100"]], "document": DOC}, _answer("1100家", True, OTHER)),
    ({"id": "refused", "question": "q", "answerable": False}, _answer("这些答复函中没有找到这个问题的答案。", False, OTHER)),
    ({"id": "not-refused", "question": "q", "answerable": False}, _answer("有3条", True)),
]
GOLD = [gold for gold, _ in GOLD_AND_ANSWERS]
ANSWERS = [answer for _, answer in GOLD_AND_ANSWERS]


def test_matching_ignores_case_width_spaces_and_quotes() -> None:
    assert norm("“５Ｇ 基站”") == norm("5g基站") == "5g基站"
    assert has_all("全省排名第四", [["第4", "第四"]]) and not has_all("第四", [["第四"], ["14.6"]])
    assert has_all("anything", [])


def test_each_rule_passes_or_fails_its_item() -> None:
    result = score(GOLD, ANSWERS)
    failed = {failure["id"]: failure["why"] for failure in result["failures"]}
    assert failed == {"missing-group": "answer", "forbidden": "answer", "not-answered": "answer", "too-long": "answer",
                      "wrong-section": "citation", "late-citation": "citation", "not-refused": "should refuse"}
    assert result["answer_accuracy"] == round(100 * 7 / 11, 1)   # 11 answerable, 4 wrong answers
    assert result["citation_accuracy"] == round(100 * 1 / 3, 1)  # 3 with a section, only "ok" cites it
    assert result["document_accuracy"] == round(100 * 2 / 3, 1)
    assert result["refusal_accuracy"] == 50.0
    assert result["overall"] == round(100 * 8 / 13, 1)


def test_evidence_is_read_from_the_first_citations_quotes() -> None:
    gold = [{"id": "e", "question": "q", "expect": [["45"]]}]
    assert score(gold, [_answer("x", True, CITED)])["evidence_recall"] == 100.0
    assert score(gold, [_answer("45", True, *[OTHER] * TOP_CITATIONS, CITED)])["evidence_recall"] == 0.0


def test_no_items_of_a_kind_is_no_figure_rather_than_zero() -> None:
    result = score([GOLD[0]], [ANSWERS[0]])
    assert result["refusal_accuracy"] is None and result["answer_accuracy"] == 100.0


def test_gold_and_answers_must_pair_up() -> None:
    with pytest.raises(ValueError):
        score(GOLD, ANSWERS[:-1])


def test_a_bad_gold_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": 1, "question": "q"}\n\n{"id": 2\n', encoding="utf-8")
    with pytest.raises(GovqaError, match=r"gold\.jsonl:3: not valid JSON"):
        load_gold(path)
    path.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(GovqaError, match=r":1: each line needs a \"question\""):
        load_gold(path)


def test_percentile_is_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 11)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (5.0, 10.0, 10.0)
    assert percentile([], 50) == 0.0 and percentile([3.0], 95) == 3.0
    assert [percentile([float(v) for v in range(1, n + 1)], 50) for n in (8, 9, 10, 11)] == [4.0, 5.0, 5.0, 6.0]


def _shared_scorer():
    if not SHARED_SCORER.is_file():
        pytest.skip(f"the project's scorer is not at {SHARED_SCORER} (../shared/eval/score.py from the repo root)")
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_govqa_eval_agrees_with_the_projects_scorer_on_an_answers_file(tmp_path: Path) -> None:
    shared = _shared_scorer()
    gold_path, answers_path = tmp_path / "gold.jsonl", tmp_path / "answers.jsonl"
    for path, rows in ((gold_path, GOLD), (answers_path, ANSWERS)):
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")

    theirs, their_failures = shared.score(shared.load(gold_path), shared.load(answers_path))
    ours = score(load_gold(gold_path), [json.loads(line) for line in answers_path.read_text(encoding="utf-8").splitlines()])

    figures = ("answer_accuracy", "citation_accuracy", "evidence_recall", "document_accuracy", "refusal_accuracy", "overall")
    assert {key: ours[key] for key in figures} == {key: theirs[key] for key in figures}
    assert [(f["id"], f["why"]) for f in ours["failures"]] == [(f[0], f[3]) for f in their_failures]
    assert (shared.MAX_ANSWER, shared.TOP_CITATIONS) == (MAX_ANSWER, TOP_CITATIONS)
