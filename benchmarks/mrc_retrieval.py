"""Retrieval among many documents on public data: each DRCD Wikipedia article indexed as one letter.

    .venv/bin/python benchmarks/mrc_retrieval.py [--data-dir DIR] [--questions 1500] [--letter-k 0 1 2 3]

This is the calibration set for retrieval's own settings (how many letters get a search of their
own: ``RetrievalSettings.letter_k``); real-dev is reported on, never chosen on. DRCD's questions name
their article's subject the way a deputy names a county, while the paragraph that answers often does
not, which is what makes a letter hard to find among a thousand similar ones.

Writes DRCD dev and test (simplified; 761 articles, 2,000 paragraphs) as one text file per article,
indexes them with ``govqa index`` into ``--data-dir`` (once: a data dir that holds them is reused),
then sends a seeded sample of questions through the answer chain's own prepare and retrieve steps
and prints, for the first 1, 2 and 4 chunks (the reader reads 2, then up to 4), how often the asked
article is among their letters (document) and how often the gold answer is in their text (evidence),
for each ``--letter-k``, with the retrieval time per question.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.components import open_index  # noqa: E402
from index.embedding_model import load_embedder  # noqa: E402
from index.settings import Settings  # noqa: E402
from retrieval.factory import build_answering  # noqa: E402
from retrieval.reader.runtime import load_default_reader  # noqa: E402

MRC_DIR = ROOT.parent / "shared" / "data" / "mrc"
DRCD_FILES = ("DRCD_dev.json", "DRCD_test.json")
TOPS = (1, 2, 4)


def write_articles(mrc_dir: Path, out: Path) -> list[dict]:
    """One text file per article (title, then its paragraphs); returns every question with its file."""
    from retrieval.lexicon import to_simplified

    out.mkdir(parents=True, exist_ok=True)
    questions = []
    for name in DRCD_FILES:
        for number, article in enumerate(json.loads((mrc_dir / name).read_text(encoding="utf-8"))["data"]):
            path = out / f"{Path(name).stem}-{number:04d}.txt"
            paragraphs = [to_simplified(p["context"]) for p in article["paragraphs"]]
            path.write_text("\n\n".join([to_simplified(article["title"]), *paragraphs]) + "\n", encoding="utf-8")
            questions += [{"question": to_simplified(qa["question"]).strip(), "answer": to_simplified(qa["answers"][0]["text"]),
                           "file": path.name} for p in article["paragraphs"] for qa in p["qas"]]
    return questions


def index_articles(folder: Path, data_dir: Path) -> None:
    """``govqa index`` the articles (its progress bar shows; a second run finds them unchanged)."""
    env = {**os.environ, "GOVQA_DATA_DIR": str(data_dir)}
    subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "index", str(folder)], check=True, env=env, cwd=ROOT)


def measure(parts, questions: list[dict], doc_of_file: dict[str, str]) -> dict:
    """Document and evidence rates in the first chunks, and retrieval milliseconds per question."""
    found = {f"document@{t}": 0 for t in TOPS} | {f"evidence@{t}": 0 for t in TOPS}
    times = []
    for item in questions:
        started = time.perf_counter()
        prepared = parts.extractive.prepare(item["question"], [])
        hits = parts.retriever.hits(prepared.search_text, words=prepared.question.search_terms,
                                    doc_ids=list(prepared.named_docs) or None)
        times.append((time.perf_counter() - started) * 1000)
        for top in TOPS:
            found[f"document@{top}"] += any(h.chunk.doc_id == doc_of_file[item["file"]] for h in hits[:top])
            found[f"evidence@{top}"] += any(item["answer"] in h.chunk.text for h in hits[:top])
    rates = {key: round(100 * value / len(questions), 1) for key, value in found.items()}
    return rates | {"ms p50": round(statistics.median(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/govqa-mrc-retrieval"))
    parser.add_argument("--questions", type=int, default=1500, help="questions sampled (seeded)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--letter-k", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--mrc-dir", type=Path, default=MRC_DIR)
    args = parser.parse_args()
    questions = write_articles(args.mrc_dir, args.data_dir / "articles")
    index_articles(args.data_dir / "articles", args.data_dir)
    settings = Settings(data_dir=args.data_dir)
    embedder = load_embedder(settings)
    index = open_index(settings, embedder=embedder)
    parts = build_answering(settings, index, embedder=embedder,
                            reader=load_default_reader(settings, tokenizer=getattr(embedder, "tokenizer", None)))
    parts.knowledge.warm_up()
    doc_of_file = {Path(r.source_path).name: r.doc_id for r in index.registry.documents()}
    sample = random.Random(args.seed).sample(questions, min(args.questions, len(questions)))
    sample = [q for q in sample if q["file"] in doc_of_file]
    if not sample:
        raise SystemExit(f"nothing indexed in {args.data_dir}: see govqa index's output above")
    print(f"{len(doc_of_file)} articles, {len(parts.knowledge.sparse)} chunks, {len(sample)} questions")
    for letter_k in args.letter_k:
        parts.retriever.letter_k = letter_k
        print(f"letter_k={letter_k}", json.dumps(measure(parts, sample, doc_of_file), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
