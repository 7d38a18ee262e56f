"""The `wirehouse` command line: run the pipeline locally, query the warehouse, list named queries.

Runs go through the same Prefect flow the deployments use, so a local run shows up in the Prefect UI too.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.default_styles import DEFAULT_STYLES
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.theme import Theme

app = typer.Typer(
    name="wirehouse",
    help="Clean, structured, de-duplicated news in DuckDB, orchestrated by Prefect.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
DbOption = Annotated[str, typer.Option("--db", help="The DuckDB warehouse file.")]


class Ner(StrEnum):
    """The entity backends (tasks/extract/ner.py), as choices on the command line."""

    auto = "auto"
    rules = "rules"
    spacy = "spacy"


NerOption = Annotated[
    Ner,
    typer.Option(
        "--ner",
        help="What finds people, organisations and places: spacy (a spaCy pipeline), rules (built in), or "
        "auto: spaCy where it and a pipeline for the article's language are installed, else the rules.",
    ),
]
NerModelOption = Annotated[
    str | None,
    typer.Option(
        "--ner-model",
        help="The spaCy pipeline: an installed package (en_core_web_sm) or a saved pipeline's folder. "
        "Default: the installed one for each article's language.",
    ),
]


@app.command()
def run(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Folders, files, globs or sources files (.toml). Default: the bundled seeds/sources.toml."
        ),
    ] = None,
    db: DbOption = "warehouse/wirehouse.duckdb",
    batch_size: Annotated[
        int,
        typer.Option(
            min=1, help="Documents per batch (5 Prefect task runs each); 50 lands web crawls sooner."
        ),
    ] = 300,
    limit: Annotated[int | None, typer.Option(min=0, help="Read at most this many items.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="Pages cleaned and extracted at once: local worker processes (default: one per core)."
        ),
    ] = None,
    runner: Annotated[
        str, typer.Option(help="Where clean/extract run: local (a process pool) or dask (a Dask cluster).")
    ] = "local",
    cluster_address: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address for --runner dask (tcp://host:8786); default: a local one."
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Near-duplicate similarity threshold.")
    ] = 0.8,
    refresh: Annotated[bool, typer.Option(help="Re-process documents already in the warehouse.")] = False,
    allow_private: Annotated[
        bool, typer.Option(help="Fetch from private and loopback addresses (intranets, local test sites).")
    ] = False,
    rate: Annotated[float, typer.Option(min=0.01, help="Requests per second per host.")] = 1.0,
    lock_wait: Annotated[
        float, typer.Option(min=0, help="Seconds a write waits for another process holding the warehouse.")
    ] = 30.0,
    since: Annotated[
        str | None,
        typer.Option(help="Only items dated from then on: 2024-10-01, or an age: 7d, 24h, 30m, 2w."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            help="Only URLs or paths containing this pattern (* ? wildcards, re: regex); repeatable."
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option(help="Leave out URLs or paths containing this pattern; repeatable.")
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option(help="User-Agent for web requests (robots.txt rules are matched to it).")
    ] = None,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a web server may stay silent before a request times out.")
    ] = 20.0,
    max_mb: Annotated[
        float, typer.Option(min=0.001, help="Largest page or file read, in MB (after decompression).")
    ] = 20.0,
    show_progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar (on a terminal).")
    ] = True,
    same_opening_threshold: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Similarity from which texts opening alike are copies.")
    ] = 0.5,
    story_threshold: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Story-term similarity to join a story cluster.")
    ] = 0.26,
    story_window_days: Annotated[
        float, typer.Option(min=0.01, help="Days apart two articles of one story cluster may be.")
    ] = 3.0,
    shingle_size: Annotated[
        int, typer.Option(min=1, help="Words per MinHash shingle (fixed per warehouse).")
    ] = 5,
    permutations: Annotated[
        int, typer.Option(min=8, help="MinHash permutations (fixed per warehouse).")
    ] = 128,
    bands: Annotated[int, typer.Option(min=1, help="LSH bands (fixed per warehouse).")] = 32,
    ner: NerOption = Ner.auto,
    ner_model: NerModelOption = None,
) -> None:
    """Run the news pipeline once and print what it did."""
    from flows.news import ParameterError, news_pipeline

    try:
        with progress_bar(enabled=show_progress):
            summary = news_pipeline(
                sources=sources or None,
                warehouse_path=db,
                batch_size=batch_size,
                near_duplicate_threshold=threshold,
                limit=limit,
                refresh=refresh,
                lock_wait_seconds=lock_wait,
                allow_private=allow_private,
                requests_per_second=rate,
                since=since,
                include=include or None,
                exclude=exclude or None,
                user_agent=user_agent,
                fetch_timeout_seconds=timeout,
                max_document_mb=max_mb,
                same_opening_threshold=same_opening_threshold,
                story_threshold=story_threshold,
                story_window_days=story_window_days,
                shingle_size=shingle_size,
                minhash_permutations=permutations,
                lsh_bands=bands,
                workers=workers,
                runner=runner,
                cluster_address=cluster_address,
                ner=ner.value,  # type: ignore[arg-type]  # a Literal member: typer checked it
                ner_model=ner_model,
            )
    except ParameterError as error:
        # Not wrapped: the message may hold paths and values the user copies.
        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    print_summary(summary)
    if summary.get("status") != "completed":
        raise typer.Exit(1)


class _ProgressBar:
    """The flow's progress as a rich progress bar: items read or fetched, and the step each batch is in."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.task = bar.add_task("starting", total=None)

    def discovering(self, source: str) -> None:
        self.bar.update(self.task, description=f"finding items in {source}")

    def planned(self, items: int, batches: int) -> None:
        plural = "es" if batches != 1 else ""
        self.bar.update(
            self.task, total=items, completed=0, description=f"{items} items, {batches} batch{plural}"
        )

    def step(self, name: str, number: int, total: int) -> None:
        self.bar.update(self.task, description=f"batch {number}/{total}: {name}")

    def item_done(self) -> None:
        self.bar.advance(self.task)


@contextmanager
def progress_bar(*, enabled: bool) -> Iterator[None]:
    """Show the run's progress under Prefect's log lines, on the console they go to (on a terminal only)."""
    import logging

    from prefect.logging.handlers import PrefectConsoleHandler

    from flows import progress

    handlers = [
        handler
        for name in ("", "prefect")
        for handler in logging.getLogger(name).handlers
        if isinstance(handler, PrefectConsoleHandler)
    ]
    # Sharing the log handler's console lets rich print log lines above the bar instead of through it.
    bar_console = handlers[0].console if handlers else Console(stderr=True)
    if not enabled or not bar_console.is_terminal:
        yield
        return
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=bar_console,
        transient=True,
    )
    # Prefect's console theme does not inherit rich's defaults, which the bar's columns are drawn with.
    bar_styles = {
        name: style for name, style in DEFAULT_STYLES.items() if name.startswith(("progress.", "bar."))
    }
    bar_console.push_theme(Theme(bar_styles))
    try:
        with bar, progress.listening(_ProgressBar(bar)):
            yield
    finally:
        bar_console.pop_theme()


def describe_article(line: dict[str, Any]) -> str:
    """One line per article: title, then where and when it was published, by whom, and what was found."""
    where = ", ".join(
        filter(
            None,
            [
                line["site"],
                line["published_at"],
                "by " + " and ".join(line["authors"]) if line["authors"] else None,
            ],
        )
    )
    found = f"{line['words']} words, {line['entities']} entities, {line['quotes']} quotes"
    copy = "; a copy of an article already kept" if line["duplicate"] else ""
    return f"{line['title'] or '(untitled)'} — {where}; {found}{copy}"


def print_summary(summary: dict[str, Any]) -> None:
    """Counts per step, rejects by reason and the articles landed, as tables."""
    steps = Table(title="Steps", show_header=True)
    steps.add_column("step")
    steps.add_column("count", justify="right")
    for name, count in summary["steps"].items():
        steps.add_row(name, str(count))
    console.print(steps)
    if summary["rejects"]:
        rejects = Table(title="Rejects (see: wirehouse query rejects)")
        rejects.add_column("stage/reason")
        rejects.add_column("count", justify="right")
        for reason, count in sorted(summary["rejects"].items()):
            rejects.add_row(reason, str(count))
        console.print(rejects)
    if summary["articles"]:
        console.print("[bold]Articles landed[/bold]")
        for line in summary["articles"]:
            console.print(" • " + escape(describe_article(line)), highlight=False, soft_wrap=True)
    else:
        console.print("No new articles (everything was already in the warehouse, or rejected).")
    console.print(f"Run {summary['run_id']}: {summary['status']} → {summary['warehouse']}")


@app.command()
def query(
    sql_or_name: Annotated[str, typer.Argument(help="SQL, or the name of a query in warehouse/queries/.")],
    db: DbOption = "warehouse/wirehouse.duckdb",
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Bind a named query parameter: -p since=2024-10-01 (repeatable)."),
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    max_width: Annotated[int, typer.Option(help="Cut cells longer than this in table output.")] = 80,
) -> None:
    """Run SQL or a named query against the warehouse, read-only, and print the rows."""
    import warehouse

    params = dict(item.split("=", 1) for item in (param or []) if "=" in item)
    con = open_read_only(db)
    try:
        columns, rows = warehouse.run_query(con, sql_or_name, params or None)
    except Exception as error:  # show DuckDB's own message (syntax, unknown table) without a traceback
        console.print(f"[red]{type(error).__name__}: {error}[/red]")
        raise typer.Exit(2) from error
    finally:
        con.close()
    print_rows(columns, rows, output, max_width)


def open_read_only(db: str) -> Any:
    """The warehouse opened read-only (waiting briefly for a writer), or exit 2 with what to do."""
    import warehouse

    try:
        return warehouse.connect(db, read_only=True, wait_seconds=10)
    except (FileNotFoundError, warehouse.WarehouseLocked) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error


def print_rows(columns: list[str], rows: list[tuple], output: str, max_width: int) -> None:
    if output == "json":
        json.dump(
            [dict(zip(columns, row, strict=True)) for row in rows],
            sys.stdout,
            default=_plain,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    elif output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_plain(value) for value in row] for row in rows])
    else:
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(value, max_width) for value in row))
        console.print(table)
        console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return value


def _cell(value: Any, max_width: int) -> str:
    text = "" if value is None else str(_plain(value))
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


@app.command()
def serve(
    deployments_file: Annotated[
        str | None,
        typer.Option("--file", help="The deployments file to serve (default: the project's prefect.yaml)."),
    ] = None,
) -> None:
    """Serve the deployments of prefect.yaml from this process: schedules and UI runs, no work pool needed.

    Needs a Prefect server: run `prefect server start` and set PREFECT_API_URL (see the README).
    """
    from pathlib import Path

    from prefect import serve as prefect_serve

    from flows.serve import PREFECT_YAML, DeploymentFileError, deployments_from_file

    try:
        deployments = deployments_from_file(Path(deployments_file) if deployments_file else PREFECT_YAML)
    except DeploymentFileError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    console.print("Serving " + ", ".join(f"news-pipeline/{d.name}" for d in deployments) + " (Ctrl+C stops)")
    prefect_serve(*deployments)


@app.command()
def reprocess(
    db: DbOption = "warehouse/wirehouse.duckdb",
    since: Annotated[
        str | None, typer.Option(help="Only documents fetched from this time on (2024-10-01).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per batch.")] = 50,
    ner: NerOption = Ner.auto,
    ner_model: NerModelOption = None,
) -> None:
    """Clean, extract and dedupe again the documents already in the warehouse (no re-fetching)."""
    from flows.news import ParameterError
    from flows.reprocess import reprocess_pipeline

    try:
        summary = reprocess_pipeline(
            warehouse_path=db,
            since=since,
            batch_size=batch_size,
            ner=ner.value,  # type: ignore[arg-type]  # a Literal member: typer checked it
            ner_model=ner_model,
        )
    except ParameterError as error:
        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from error
    print_summary(summary)
    if summary.get("status") != "completed":
        raise typer.Exit(1)


@app.command()
def check(db: DbOption = "warehouse/wirehouse.duckdb") -> None:
    """Verify the warehouse: documents behind articles, no orphans, no repeated keys, schema current."""
    import warehouse

    con = open_read_only(db)
    try:
        problems = warehouse.check(con)
    finally:
        con.close()
    if not problems:
        console.print(f"{db}: all checks passed", soft_wrap=True)
        return
    table = Table(title=f"{db}: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    for column in ("check", "rows", "example"):
        table.add_column(column)
    for problem in problems:
        table.add_row(problem.check, str(problem.rows), problem.example)
    console.print(table)
    raise typer.Exit(1)


@app.command()
def queries() -> None:
    """List the named queries (files in warehouse/queries/)."""
    import warehouse

    table = Table(title="Named queries: wirehouse query NAME")
    table.add_column("name")
    table.add_column("what it shows")
    for name, description in sorted(warehouse.list_queries().items()):
        table.add_row(name, description)
    console.print(table)


def main() -> None:
    # The temporary Prefect server of a local run has nobody to report usage to; its telemetry job also
    # races the run for the server's SQLite file and logs a harmless but alarming "database is locked".
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    app()


if __name__ == "__main__":
    main()
