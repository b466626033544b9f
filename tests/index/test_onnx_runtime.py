"""The default model on onnxruntime gives torch's vectors, finds the same neighbours, and answering never imports torch."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.chunking import chunk_letter
from index.cleaning import clean_text
from index.embedding_model import onnx_encoder_file
from index.settings import Settings
from index.structure import parse_letter

LETTERS = Path(__file__).parents[1] / "data" / "letters"
MIN_COSINE = 0.999          # issue 8's faithfulness bar
MIN_TOP5_OVERLAP = 0.95
# Our own questions (not from any gold set), Chinese, English and mixed, over the test letters.
QUERIES = [
    "农产品交易会现场签约金额是多少", "区里怎样打响区域品牌", "白云区住建局怎么答复加装电梯的建议",
    "科技厅对这件提案由哪个处室办理", "How much was signed at the agricultural fair?",
    "Which office handles the science and technology proposal?", "elevator installation in old residential buildings",
    "2023年科技厅答复的联系人电话", "5G基站 coverage in rural areas", "资金补贴标准每台电梯多少万元",
]
MIXED_TEXTS = ["The reply of 2021-06-30 covers 老旧小区加装电梯 and its subsidy.", "CIO 首席信息官 filings: 45 家企业",
               "😀 emoji，全角ＡＢＣ１２３ and tabs\tand\nnewlines", "a" * 3000]


@pytest.fixture(scope="module")
def chunk_texts() -> list[str]:
    texts = []
    for path in sorted(LETTERS.glob("*.txt")):
        letter = parse_letter(clean_text(path.read_text(encoding="utf-8")), source_path=str(path),
                              content_hash="0" * 64, doc_id=path.stem)
        texts += [chunk.embed_text for chunk in chunk_letter(letter, max_chars=320)]
    return texts


ENGINES = ["embedder", "openvino_embedder"]  # onnxruntime (answering), OpenVINO (indexing where bf16 is native)


@pytest.mark.parametrize("engine", ENGINES)
def test_onnx_vectors_match_torch(engine, request, torch_embedder, chunk_texts) -> None:
    embedder = request.getfixturevalue(engine)
    texts = chunk_texts + MIXED_TEXTS
    cosine = (embedder.embed_passages(texts) * torch_embedder.embed_passages(texts)).sum(1)
    assert cosine.min() >= MIN_COSINE
    queries = np.stack([embedder.embed_query(q) for q in QUERIES])
    reference = np.stack([torch_embedder.embed_query(q) for q in QUERIES])
    assert (queries * reference).sum(1).min() >= MIN_COSINE


@pytest.mark.parametrize("engine", ENGINES)
def test_onnx_finds_the_same_top5(engine, request, torch_embedder, chunk_texts) -> None:
    embedder = request.getfixturevalue(engine)

    def top5(model) -> list[set[int]]:
        passages = model.embed_passages(chunk_texts)
        return [set(np.argsort(-(passages @ model.embed_query(q)))[:5]) for q in QUERIES]

    overlap = np.mean([len(a & b) / 5 for a, b in zip(top5(embedder), top5(torch_embedder))])
    assert overlap >= MIN_TOP5_OVERLAP


def test_every_runtime_shares_one_identity(embedder, openvino_embedder, torch_embedder) -> None:
    # Stored vectors stay valid across runtimes: the index records the model, not the runtime.
    assert embedder.identity == openvino_embedder.identity == torch_embedder.identity
    assert embedder.dim == openvino_embedder.dim == torch_embedder.dim == 384


def test_export_is_made_once(model_dir: Path) -> None:
    settings = Settings(models_dir=model_dir.parent)
    first = onnx_encoder_file(settings)
    stamp = first.stat().st_mtime_ns
    assert onnx_encoder_file(settings) == first and first.stat().st_mtime_ns == stamp
    data = first.with_name(first.name + ".data")
    assert first.stat().st_size + data.stat().st_size < 120 * 1024 * 1024  # 4-bit: the fp32 export is 470 MB


def test_the_large_weights_are_mapped_from_a_file_beside_the_model(model_dir: Path, tmp_path: Path) -> None:
    """The embedding matrix lives in ``.data`` (onnxruntime maps it; only used rows become resident); an
    export whose ``.data`` is missing is no finished export, so preparing makes it again."""
    import shutil

    from index.onnx_runtime import is_exported

    settings = Settings(models_dir=model_dir.parent)
    encoder = onnx_encoder_file(settings)
    data = encoder.with_name(encoder.name + ".data")
    assert data.stat().st_size > 50 * 1024 * 1024 > encoder.stat().st_size  # the 250k-token matrix is in .data
    copy = tmp_path / encoder.name
    for source in (encoder, data, encoder.with_name(encoder.name + ".json")):
        shutil.copy(source, tmp_path / source.name)
    fingerprint = {k: v for k, v in json.loads((tmp_path / (encoder.name + ".json")).read_text()).items()
                   if k != "export_version"}
    assert is_exported(copy, fingerprint)
    (tmp_path / data.name).unlink()
    assert not is_exported(copy, fingerprint)


def test_the_encoder_computes_with_int8_activations_and_the_reader_with_fp32(model_dir: Path, reader) -> None:
    """The encoder's 4-bit layers run at onnxruntime's accuracy level 4 (a third less time a query; its vectors
    pass the faithfulness tests above); the reader's keep level 0, whose margins its threshold was chosen on."""
    import onnx

    from index.onnx_export import QUANT_ACCURACY_LEVEL
    from index.onnx_runtime import ENCODER_ACCURACY_LEVEL
    from retrieval.reader.runtime import reader_onnx_file

    def levels(path: Path) -> set[int]:  # an attribute left out is its default, 0
        graph = onnx.load(str(path), load_external_data=False).graph
        return {next((a.i for a in node.attribute if a.name == "accuracy_level"), 0)
                for node in graph.node if node.op_type == "MatMulNBits"}

    settings = Settings(models_dir=model_dir.parent)
    assert levels(onnx_encoder_file(settings)) == {ENCODER_ACCURACY_LEVEL} == {4}
    assert levels(reader_onnx_file(settings, base_dir=model_dir)) == {QUANT_ACCURACY_LEVEL} == {0}


def test_an_encoder_exported_at_another_accuracy_level_is_exported_again(model_dir: Path, tmp_path: Path) -> None:
    import shutil

    from index.onnx_runtime import is_exported

    encoder = onnx_encoder_file(Settings(models_dir=model_dir.parent))
    for name in (encoder.name, encoder.name + ".data", encoder.name + ".json"):
        shutil.copy(encoder.with_name(name), tmp_path / name)
    marker = tmp_path / (encoder.name + ".json")
    written = json.loads(marker.read_text())
    fingerprint = {k: v for k, v in written.items() if k in ("source_sha256", "accuracy_level")}
    assert fingerprint["accuracy_level"] == 4 and is_exported(tmp_path / encoder.name, fingerprint)
    del written["accuracy_level"]   # as exports before the level was recorded wrote it
    marker.write_text(json.dumps(written))
    assert not is_exported(tmp_path / encoder.name, fingerprint)


def test_a_broken_export_names_the_file_and_the_fix(model_dir: Path, tmp_path: Path) -> None:
    from index.errors import ModelError
    from index.onnx_runtime import open_session

    broken = tmp_path / "encoder-q4.onnx"
    broken.write_bytes(b"not onnx")
    with pytest.raises(ModelError) as failure:
        open_session(broken, threads=1)
    assert str(broken) in str(failure.value) and "govqa model prepare" in str(failure.value)


HEAVY = ["torch", "transformers", "sentence_transformers"]
# `govqa ask` in this process, then the heavy packages it imported, as the last line.
_ASK_THEN_LIST_HEAVY_MODULES = """
import json, sys
from bot.cli import app
heavy = set(json.loads(sys.argv[1]))
sys.argv = ["govqa", "ask", "--json", sys.argv[2]]
try:
    app()
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & heavy)))
"""


def test_answering_imports_no_torch(embedder, reader, model_dir: Path, tmp_path: Path) -> None:
    # The fixtures have prepared both ONNX files, as `govqa model prepare` does; only preparing uses torch.
    from index.components import open_index

    settings = Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent)
    open_index(settings, writer="test", embedder=embedder).indexer.index_paths([LETTERS / "qingxin-nyj-2022-15.txt"])

    env = {**os.environ, "GOVQA_DATA_DIR": str(settings.data_dir), "GOVQA_MODELS_DIR": str(model_dir.parent)}
    result = subprocess.run([sys.executable, "-c", _ASK_THEN_LIST_HEAVY_MODULES, json.dumps(HEAVY),
                             "清新区在农产品交易会上签约了多少金额？"], env=env,
                            capture_output=True, text=True, timeout=300, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    answer = json.loads("\n".join(lines[:-1]))
    assert "question" in answer or "answer" in answer
    assert json.loads(lines[-1]) == []
