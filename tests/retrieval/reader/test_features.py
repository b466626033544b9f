"""Reader windows are cut as transformers cuts them (the shipped reader was trained on those), without transformers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.onnx_runtime import load_tokenizer
from retrieval.reader.features import encode_windows

QUESTIONS = ["一共收到多少家企业的申请？", "How many filings?", "短"]
PASSAGES = ["关于加快二级公路建设的建议收悉。现答复如下：" * n for n in (1, 8, 20)] + [""]


@pytest.mark.parametrize("question", QUESTIONS)
def test_windows_match_transformers_only_second_with_stride(model_dir: Path, question: str) -> None:
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    tokenizer = load_tokenizer(model_dir)
    for passage in PASSAGES:
        ours = encode_windows(tokenizer, [question], [passage], max_length=160, stride=64, max_question_tokens=40)
        theirs = reference([question], [passage], truncation="only_second", max_length=160, stride=64,
                           return_overflowing_tokens=True, return_offsets_mapping=True, padding="longest")
        assert np.array_equal(ours.input_ids, np.asarray(theirs["input_ids"])), len(passage)
        assert np.array_equal(ours.attention_mask, np.asarray(theirs["attention_mask"]))
        for i, mapping in enumerate(theirs["offset_mapping"]):
            expected = [tuple(o) if s == 1 else None for s, o in zip(theirs.sequence_ids(i), mapping)]
            n = len(ours.offsets[i])  # ours stop at the window's last token, theirs go on over padding
            assert ours.offsets[i] == expected[:n] and set(expected[n:]) <= {None}


def test_an_over_long_question_keeps_its_last_tokens(model_dir: Path) -> None:
    tokenizer = load_tokenizer(model_dir)
    question = "很长的问题" * 30 + "到底是多少？"
    windows = encode_windows(tokenizer, [question], ["答案是三。"], max_length=160, stride=64, max_question_tokens=12)
    asked = tokenizer.encode(question, add_special_tokens=False).ids
    assert list(windows.input_ids[0, 1:13]) == asked[-12:]
