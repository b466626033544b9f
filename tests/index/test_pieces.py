"""index.pieces: e5's tokenizer on sentencepiece gives tokenizer.json's ids and offsets, in less memory."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from index.errors import ModelError
from index.onnx_runtime import load_hf_tokenizer, load_tokenizer
from index.pieces import PIECES_MARKER, PIECES_MODEL, PieceTokenizer, has_piece_files, write_piece_files

ROOT = Path(__file__).resolve().parents[2]
LETTERS = [ROOT / "samples" / "zhongshan-gxj-2022-53.txt", *sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))]
# Characters that normalising, splitting or mapping offsets back could get wrong.
AWKWARD = [" ", "", "\n\n", "  a", "a  ", " \u3000 中", "\u200b中\u200b", "tab\there", "e\u0301", "Ⅻ", "㎡平方米", "１．５亿元",
           "—— –", "…", "“中”", "\x00\x01中", "😀" * 5, "ℌ𝔢𝔩𝔩𝔬", "ｶﾀｶﾅ", "한국어", "עברית", "ا لعربية", "x \r\n y", "\ufeff中山",
           "30°C", "ﬁ ligature ①②", "戴 彬 18692882965\n", "How many CIO filings were received?", "問題：繁體字", "a" * 600]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rng = random.Random(5)
    pieces = []
    for path in LETTERS:
        text = path.read_text(encoding="utf-8")
        pieces += [text[i:i + 320] for i in range(0, len(text), 290)]
    mixed = [piece[:at] + rng.choice(AWKWARD) + piece[at:at + 60]
             for piece in rng.sample(pieces, min(200, len(pieces))) for at in [rng.randrange(len(piece) + 1)]]
    return pieces + mixed + AWKWARD


def test_the_same_ids_and_offsets_as_tokenizer_json(model_dir: Path, texts: list[str]) -> None:
    ours, original = load_tokenizer(model_dir), load_hf_tokenizer(model_dir)
    assert isinstance(ours, PieceTokenizer)
    for special in (True, False):
        for mine, theirs in zip(ours.encode_batch(texts, add_special_tokens=special),
                                original.encode_batch(texts, add_special_tokens=special)):
            assert mine.ids == theirs.ids
            assert mine.offsets == [tuple(o) for o in theirs.offsets]
    for token in ("<s>", "</s>", "<pad>", "<unk>"):
        assert ours.token_to_id(token) == original.token_to_id(token)
    assert ours.token_to_id("not-a-piece-at-all") is None


def test_piece_files_are_made_once_from_tokenizer_json(model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    copy.mkdir()
    shutil.copy(model_dir / "tokenizer.json", copy / "tokenizer.json")
    assert not has_piece_files(copy)
    load_tokenizer(copy)  # makes them
    assert has_piece_files(copy)
    stamp = (copy / PIECES_MODEL).stat().st_mtime_ns
    load_tokenizer(copy)
    assert (copy / PIECES_MODEL).stat().st_mtime_ns == stamp
    (copy / "tokenizer.json").write_text((copy / "tokenizer.json").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not has_piece_files(copy)  # made from another tokenizer.json: made again


def test_a_half_written_set_is_made_again(model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    copy.mkdir()
    shutil.copy(model_dir / "tokenizer.json", copy / "tokenizer.json")
    write_piece_files(copy)
    (copy / PIECES_MARKER).unlink()
    assert not has_piece_files(copy)
    assert load_tokenizer(copy).encode("中山市5G基站").ids == load_hf_tokenizer(model_dir).encode("中山市5G基站").ids


def test_damaged_piece_files_name_the_directory_and_the_fix(model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    copy.mkdir()
    shutil.copy(model_dir / "tokenizer.json", copy / "tokenizer.json")
    write_piece_files(copy)
    (copy / PIECES_MODEL).write_bytes(b"not a model")
    with pytest.raises(ModelError) as failure:
        load_tokenizer(copy)
    assert str(copy) in str(failure.value) and "govqa model prepare" in str(failure.value)


def test_a_missing_tokenizer_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as failure:
        load_tokenizer(tmp_path)
    assert "tokenizer.json" in str(failure.value)
