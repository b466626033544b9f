#!/usr/bin/env python3
"""Fit the English query offset shipped in retrieval/data/english_query_offset.json (retrieval/language_offset.py).

usage: python scripts/fit_language_offset.py [--data ../shared/data/mrc] [--out retrieval/data/english_query_offset.json]

Embeds the English renderings of the reader's training questions (retrieval/reader/data/
english_training_questions.tsv) and their Chinese originals (CMRC 2018 trial; DRCD dev and test, converted to
simplified) with the default embedding model as answering runs it, and writes the mean difference of the two
languages' query vectors. Prints its effect on the held-back renderings (english_questions.tsv), which it is
not fitted on. About a minute on 2 cores.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index.components import embedder_identity  # noqa: E402
from index.embedding_model import load_embedder  # noqa: E402
from index.settings import Settings  # noqa: E402
from retrieval.language_offset import (OFFSET_FILE, LanguageOffset, embed_pairs, fit_offset,  # noqa: E402
                                       rendering_pairs, write_offset)
from retrieval.reader.data import (ENGLISH_QUESTIONS_FILE, ENGLISH_TRAINING_QUESTIONS_FILE,  # noqa: E402
                                   load_training_examples, read_english_questions)

DATA_FILES = [("cmrc2018_trial.json", False), ("DRCD_dev.json", True), ("DRCD_test.json", True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "mrc")
    parser.add_argument("--out", type=Path, default=OFFSET_FILE)
    args = parser.parse_args(argv)
    missing = [name for name, _ in DATA_FILES if not (args.data / name).is_file()]
    if missing:
        raise SystemExit(f"{args.data} lacks {', '.join(missing)}: pass --data with the reading-comprehension data")
    chinese = {e.qid: e.question for e in load_training_examples((args.data / n, t) for n, t in DATA_FILES)}
    training = rendering_pairs(chinese, read_english_questions(ENGLISH_TRAINING_QUESTIONS_FILE))
    held_back = rendering_pairs(chinese, read_english_questions(ENGLISH_QUESTIONS_FILE))
    embedder = load_embedder(Settings())
    english, chinese_vectors = embed_pairs(embedder, training)
    offset = LanguageOffset(model=embedder_identity(embedder), vector=fit_offset(english, chinese_vectors),
                            pairs=len(training))
    write_offset(offset, args.out)
    print(f"fitted on {len(training)} pairs; offset norm {np.linalg.norm(offset.vector):.4f}; wrote {args.out}")
    english, chinese_vectors = embed_pairs(embedder, held_back)
    moved = np.stack([offset.apply(text, vector) for (text, _), vector in zip(held_back, english)])
    before, after = (english * chinese_vectors).sum(1).mean(), (moved * chinese_vectors).sum(1).mean()
    print(f"held-back pairs ({len(held_back)}): mean cosine of an English question to its Chinese one "
          f"{before:.3f} → {after:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
