"""OpenVINO runs the same ONNX files: chosen where it pays, safe from several threads, clear when it cannot run."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from index.embedding_model import onnx_encoder_file, onnx_engine
from index.errors import ModelError
from index.settings import Settings


@pytest.mark.parametrize("bf16", [True, False])
def test_auto_embeds_letters_on_openvino_only_where_the_cpu_has_bf16(monkeypatch, bf16: bool) -> None:
    monkeypatch.setattr("index.openvino_runtime.native_bf16", lambda: bf16)
    auto = Settings(onnx_engine="auto")
    assert onnx_engine(auto, bulk=True) == ("openvino" if bf16 else "onnxruntime")
    assert onnx_engine(auto, bulk=False) == "onnxruntime"  # answering: +110 MB on OpenVINO


@pytest.mark.parametrize("engine", ["onnxruntime", "openvino"])
def test_a_named_engine_is_used_for_everything(monkeypatch, engine: str) -> None:
    monkeypatch.setattr("index.openvino_runtime.native_bf16", lambda: pytest.fail("not asked when named"))
    settings = Settings(onnx_engine=engine)
    assert onnx_engine(settings, bulk=True) == onnx_engine(settings, bulk=False) == engine


def test_the_engine_is_read_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("GOVQA_ONNX_ENGINE", "openvino")
    assert Settings().onnx_engine == "openvino"
    monkeypatch.setenv("GOVQA_ONNX_ENGINE", "tensorrt")
    with pytest.raises(ValueError):
        Settings()


def test_without_openvino_auto_keeps_onnxruntime_and_a_named_engine_says_what_to_install(monkeypatch, tmp_path) -> None:
    from index.openvino_runtime import OpenVinoSession, native_bf16

    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino now raises ImportError
    assert native_bf16() is False
    with pytest.raises(ModelError) as failure:
        OpenVinoSession(tmp_path / "model.onnx", threads=1)
    assert "pip install openvino" in str(failure.value) and "GOVQA_ONNX_ENGINE=onnxruntime" in str(failure.value)


def test_a_broken_file_names_the_file_and_the_fix(tmp_path: Path) -> None:
    from index.onnx_runtime import open_session

    broken = tmp_path / "encoder-q4.onnx"
    broken.write_bytes(b"not onnx")
    with pytest.raises(ModelError) as failure:
        open_session(broken, threads=1, engine="openvino", cache_dir=tmp_path / "cache")
    assert str(broken) in str(failure.value) and "govqa model prepare" in str(failure.value)


def test_calls_from_several_threads_give_what_one_thread_gives(model_dir: Path, tmp_path: Path) -> None:
    from index.onnx_runtime import open_session

    session = open_session(onnx_encoder_file(Settings(models_dir=model_dir.parent)), threads=1, engine="openvino",
                           streams=2, cache_dir=tmp_path / "cache")
    assert [output.shape[-1] for output in session.get_outputs()] == [384]
    rng = np.random.default_rng(0)
    feeds = [{"input_ids": rng.integers(5, 1000, size=(2, length)).astype(np.int64),
              "attention_mask": np.ones((2, length), np.int64)} for length in (7, 19, 33, 64)]
    alone = [session.run(None, feed)[0] for feed in feeds]
    together: dict[int, np.ndarray] = {}

    def run(i: int) -> None:
        for _ in range(3):
            together[i] = session.run(None, feeds[i])[0]

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(feeds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, vectors in enumerate(alone):
        np.testing.assert_array_equal(together[i], vectors)
    assert any((tmp_path / "cache").iterdir())  # the compiled model is kept for the next start


def test_the_compiled_model_has_the_settings_measured(model_dir: Path, tmp_path: Path) -> None:
    from index import openvino_runtime as ov
    from index.onnx_runtime import open_session

    session = open_session(onnx_encoder_file(Settings(models_dir=model_dir.parent)), threads=1, engine="openvino",
                           cache_dir=tmp_path / "cache")
    compiled = session._compiled  # (the kernel cache's capacity is not readable back from a compiled model)
    assert compiled.get_property("DYNAMIC_QUANTIZATION_GROUP_SIZE") == ov.DYNAMIC_QUANTIZATION_GROUP_SIZE == 0
    precision = str(compiled.get_property("INFERENCE_PRECISION_HINT"))
    assert ("bfloat16" in precision) == ov.native_bf16()  # elsewhere OpenVINO falls back to f32
    assert compiled.get_property("NUM_STREAMS") == 1
