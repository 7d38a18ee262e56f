"""The `news-pipeline` flow: plan batches from the sources, run ingest → clean → extract → dedupe → load.

Each step is a thin Prefect task over one batch; the work itself lives in plain functions under `tasks/`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from pydantic import Field

import warehouse
from tasks.clean import clean_documents
from tasks.dedupe import DedupeResult, dedupe_articles
from tasks.extract import extract_articles
from tasks.ingest.files import discover_files, read_file
from tasks.ingest.sources import expand_sources, is_web_source
from tasks.records import Article, CleanDocument, RawDocument, Reject, SourceItem
from tasks.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = "seeds/sources.toml"
DEFAULT_WAREHOUSE = "warehouse/wirehouse.duckdb"


def resolve_default(relative: str) -> str:
    """A default path: relative to the working directory if it exists there, else to the project checkout."""
    if Path(relative).exists() or not (PROJECT_ROOT / relative).exists():
        return relative
    return str(PROJECT_ROOT / relative)


@dataclass(slots=True)
class RunTally:
    """Counts of what each step did in this run; becomes the `runs.counts` JSON and the summary tables."""

    steps: Counter = field(default_factory=Counter)
    rejects: Counter = field(default_factory=Counter)  # "stage/reason" -> count
    loaded: Counter = field(default_factory=Counter)  # table -> rows written
    articles: list[dict[str, Any]] = field(default_factory=list)

    def add_rejects(self, rejects: list[Reject]) -> None:
        for reject in rejects:
            self.rejects[f"{reject.stage}/{reject.reason}"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": dict(self.steps),
            "rejects": dict(self.rejects),
            "loaded": dict(self.loaded),
            "articles": self.articles,
        }


@task(name="ingest", task_run_name="ingest [batch {number}/{total}]", cache_policy=NO_CACHE)
def ingest_batch(
    items: list[SourceItem], settings: Settings, warehouse_path: str, refresh: bool, number: int, total: int
) -> tuple[list[RawDocument], list[Reject], int]:
    """Read a batch of items; documents already in the warehouse are skipped unless `refresh`."""
    documents: list[RawDocument] = []
    rejects: list[Reject] = []
    for item in items:
        result = read_file(item, max_bytes=settings.max_document_bytes)
        (rejects if isinstance(result, Reject) else documents).append(result)
    unchanged = 0
    if documents and not refresh:
        with warehouse.writer(warehouse_path) as con:
            known = warehouse.known_documents(con, [doc.doc_id for doc in documents])
        unchanged = sum(doc.doc_id in known for doc in documents)
        documents = [doc for doc in documents if doc.doc_id not in known]
    get_run_logger().info(
        "batch %d/%d: read %d new, %d unchanged, %d rejected",
        number,
        total,
        len(documents),
        unchanged,
        len(rejects),
    )
    return documents, rejects, unchanged


@task(name="clean", task_run_name="clean [batch {number}/{total}]", cache_policy=NO_CACHE)
def clean_batch(
    documents: list[RawDocument], number: int, total: int
) -> tuple[list[CleanDocument], list[Reject]]:
    """Strip boilerplate from a batch of documents."""
    return clean_documents(documents)


@task(name="extract", task_run_name="extract [batch {number}/{total}]", cache_policy=NO_CACHE)
def extract_batch(
    cleaned: list[CleanDocument], settings: Settings, number: int, total: int
) -> tuple[list[Article], list[Reject]]:
    """Extract metadata, entities, quotes, dates and amounts from a batch."""
    return extract_articles(cleaned, settings)


@task(name="dedupe", task_run_name="dedupe [batch {number}/{total}]", cache_policy=NO_CACHE)
def dedupe_batch(
    articles: list[Article], settings: Settings, warehouse_path: str, number: int, total: int
) -> DedupeResult:
    """Find exact and near copies against this batch and everything already in the warehouse."""
    with warehouse.writer(warehouse_path) as con:
        return dedupe_articles(articles, settings, warehouse.WarehouseIndex(con))


@task(
    name="load",
    task_run_name="load [batch {number}/{total}]",
    retries=2,
    retry_delay_seconds=[2, 10],
    cache_policy=NO_CACHE,
)
def load_batch(
    run_id: str,
    warehouse_path: str,
    documents: list[RawDocument],
    cleaned: list[CleanDocument],
    articles: list[Article],
    dedupe: DedupeResult,
    rejects: list[Reject],
    number: int,
    total: int,
) -> dict[str, int]:
    """Land one batch in a single short write transaction; retried if the file is busy."""
    with warehouse.writer(warehouse_path) as con:
        return warehouse.load_batch(
            con,
            run_id,
            documents=documents,
            cleaned=cleaned,
            articles=articles,
            duplicates=dedupe.duplicates,
            fingerprints=dedupe.fingerprints,
            rejects=rejects,
        )


def plan_items(sources: list[str], limit: int | None) -> tuple[list[SourceItem], list[Reject], int]:
    """Expand sources into items to read; returns items, rejects and the count of files passed over."""
    expanded, rejects = expand_sources(sources, base=Path.cwd())
    local = []
    for source in expanded:
        if is_web_source(source):
            rejects.append(
                Reject(
                    source,
                    "ingest",
                    "unsupported_source",
                    "web sources (URLs, feeds, sitemaps) are not supported yet; "
                    "save the page and point Wirehouse at the file",
                )
            )
        else:
            local.append(source)
    found = discover_files(local)
    items = found.items[:limit] if limit is not None else found.items
    return items, rejects + found.rejects, len(found.skipped)


@flow(
    name="news-pipeline", description="Ingest news sources, clean, extract, dedupe and land them in DuckDB."
)
def news_pipeline(
    sources: Annotated[
        list[str] | None,
        Field(
            title="Sources",
            description="Folders, files, globs or sources files (.toml); empty: seeds/sources.toml.",
        ),
    ] = None,
    warehouse_path: Annotated[
        str,
        Field(
            title="Warehouse",
            description="The DuckDB file to land the news in (created when missing).",
        ),
    ] = DEFAULT_WAREHOUSE,
    batch_size: Annotated[
        int,
        Field(
            ge=1,
            le=10_000,
            title="Batch size",
            description="Documents per batch (one task run per step per batch).",
        ),
    ] = 50,
    near_duplicate_threshold: Annotated[
        float,
        Field(
            gt=0,
            le=1,
            title="Near-duplicate threshold",
            description="Jaccard (or containment) similarity from which two articles count as copies.",
        ),
    ] = 0.8,
    limit: Annotated[
        int | None, Field(ge=0, title="Limit", description="Read at most this many items (empty: all).")
    ] = None,
    refresh: Annotated[
        bool, Field(title="Refresh", description="Re-process documents already in the warehouse.")
    ] = False,
) -> dict[str, Any]:
    """Run the whole pipeline over `sources` and return the run's counts.

    Args:
        sources: Folders, files, globs or sources files (.toml); empty means the bundled seeds/sources.toml.
        warehouse_path: The DuckDB file to land the news in; created when missing.
        batch_size: Documents per batch; each step runs one task per batch.
        near_duplicate_threshold: Similarity (0-1] from which two articles count as copies.
        limit: Read at most this many items; empty reads all.
        refresh: Re-process documents that are already in the warehouse.
    """
    logger = get_run_logger()
    sources = sources or [resolve_default(DEFAULT_SOURCES)]
    settings = Settings(batch_size=batch_size, limit=limit, near_duplicate_threshold=near_duplicate_threshold)
    run_id = flow_run.get_id() or str(uuid.uuid4())
    parameters = {
        "sources": sources,
        "warehouse_path": warehouse_path,
        "batch_size": batch_size,
        "near_duplicate_threshold": near_duplicate_threshold,
        "limit": limit,
        "refresh": refresh,
    }
    with warehouse.writer(warehouse_path) as con:
        warehouse.start_run(
            con, run_id, flow_run_id=flow_run.get_id(), deployment=_deployment_name(), parameters=parameters
        )

    tally = RunTally()
    status = "failed"
    try:
        items, plan_rejects, skipped = plan_items(sources, limit)
        tally.steps["discovered"] = len(items)
        tally.steps["passed_over"] = skipped
        tally.add_rejects(plan_rejects)
        batches = [items[i : i + batch_size] for i in range(0, len(items), batch_size)] or [[]]
        total = len(batches)
        logger.info("%d items from %d sources in %d batches", len(items), len(sources), total)
        pending_rejects = plan_rejects
        for number, batch in enumerate(batches, start=1):
            documents, ingest_rejects, unchanged = ingest_batch(
                batch, settings, warehouse_path, refresh, number, total
            )
            cleaned, clean_rejects = clean_batch(documents, number, total)
            articles, extract_rejects = extract_batch(cleaned, settings, number, total)
            dedupe = dedupe_batch(articles, settings, warehouse_path, number, total)
            rejects = pending_rejects + ingest_rejects + clean_rejects + extract_rejects
            pending_rejects = []
            written = load_batch(
                run_id, warehouse_path, documents, cleaned, articles, dedupe, rejects, number, total
            )
            tally.steps.update(
                ingested=len(documents),
                unchanged=unchanged,
                cleaned=len(cleaned),
                extracted=len(articles),
                duplicates=len(dedupe.duplicates),
            )
            tally.add_rejects(ingest_rejects + clean_rejects + extract_rejects)
            tally.loaded.update(written)
            copies = {duplicate.article_id for duplicate in dedupe.duplicates}
            tally.articles.extend(
                _article_line(article, article.article_id in copies) for article in articles
            )
        status = "completed"
    finally:
        with warehouse.writer(warehouse_path) as con:
            warehouse.finish_run(con, run_id, status, tally.as_dict())
    _publish_artifacts(tally, warehouse_path)
    summary = tally.as_dict()
    summary.update(run_id=run_id, status=status, warehouse=warehouse_path)
    return summary


def _deployment_name() -> str | None:
    from prefect.runtime import deployment

    return deployment.get_name() if deployment.get_id() else None


def _article_line(article: Article, is_copy: bool) -> dict[str, Any]:
    return {
        "title": article.title,
        "site": article.site,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "authors": list(article.authors),
        "words": article.word_count,
        "entities": len(article.entities),
        "quotes": len(article.quotes),
        "duplicate": is_copy,
    }


def _publish_artifacts(tally: RunTally, warehouse_path: str) -> None:
    """A table of counts per step and a markdown summary, both visible on the flow run in the Prefect UI."""
    rows = [{"what": f"step: {name}", "count": count} for name, count in tally.steps.items()]
    rows += [{"what": f"reject: {name}", "count": count} for name, count in sorted(tally.rejects.items())]
    rows += [{"what": f"rows: {name}", "count": count} for name, count in sorted(tally.loaded.items())]
    create_table_artifact(
        key="wirehouse-run-counts", table=rows, description="What each step did in this run"
    )
    lines = ["# Wirehouse run", "", f"Warehouse: `{warehouse_path}`", "", "## Articles landed", ""]
    if tally.articles:
        lines += [
            "| title | site | published | words | entities | quotes | copy |",
            "|---|---|---|---|---|---|---|",
        ]
        for line in tally.articles[:50]:
            title = (line["title"] or "(untitled)").replace("|", "\\|")
            lines.append(
                f"| {title} | {line['site'] or ''} | {line['published_at'] or ''} | {line['words']} | "
                f"{line['entities']} | {line['quotes']} | {'yes' if line['duplicate'] else ''} |"
            )
    else:
        lines.append("No new articles in this run.")
    lines += [
        "",
        "## Try",
        "",
        "```",
        "wirehouse query articles",
        "wirehouse query quotes",
        "wirehouse query top-entities",
        "wirehouse query rejects",
        "```",
    ]
    create_markdown_artifact(
        key="wirehouse-run-summary",
        markdown="\n".join(lines),
        description="Articles landed and queries to try",
    )
