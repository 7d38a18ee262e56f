"""The `news-pipeline` flow: plan batches from the sources, run ingest → clean → extract → dedupe → load.

Each step is a thin Prefect task over one batch; the work itself lives in plain functions under `tasks/`.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote
from pydantic import Field

import warehouse
from flows import parallel, progress
from tasks.clean import clean_documents
from tasks.clean.templates import apply_templates, host_of
from tasks.dedupe import DedupeResult, TextFingerprint, dedupe_articles
from tasks.extract.ner import NerBackend, NerUnavailable, check_backend
from tasks.ingest.files import FileState, discover_files, file_state, read_file, read_files, unchanged_since
from tasks.ingest.filters import NO_FILTER, FilterError, SourceFilter, parse_since
from tasks.ingest.sources import Source, expand_sources
from tasks.ingest.warc import read_warc
from tasks.ingest.web import Fetcher, FetchSettings, Unchanged
from tasks.ingest.web_discovery import WebMemory, discover_web
from tasks.records import Article, CleanDocument, RawDocument, Reject, SourceItem, UrlVisit
from tasks.settings import Settings
from tasks.steps import extract_and_fingerprint, read_and_clean_files
from warehouse.staging import StagedBatch, drop_staged, read_staged, stage_batch, staged_batches
from warehouse.templates import StoredTemplates
from warehouse.web_urls import StoredWebMemory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = "seeds/sources.toml"
DEFAULT_WAREHOUSE = "warehouse/wirehouse.duckdb"
# Five task runs per batch: 300 documents keep a 10,000-article backfill at 170 task runs (under 200 with
# rejected pages too), Prefect's bookkeeping well under the cost of cleaning, while a batch still lands every
# few seconds.
DEFAULT_BATCH_SIZE = 300
# The first batches are smaller (50, 100, 200, then batch_size) so the first rows land within seconds of the
# start, while a long run still moves in full batches: a 10,000-item backfill takes 36 batches instead of 34.
FIRST_BATCH_SIZE = 50
T = TypeVar("T")
# A Prefect global concurrency limit of one slot: dedupe+load of a batch is one critical section across runs.
WRITER_LIMIT = "wirehouse-warehouse-writer"
KNOWN_SOURCE_SCHEMES = ("http://", "https://", "file://")


class ParameterError(ValueError):
    """A run parameter that cannot work; raised before any work starts."""


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
    seconds: Counter = field(default_factory=Counter)  # step -> wall-clock seconds spent in it
    articles: list[dict[str, Any]] = field(default_factory=list)

    @contextmanager
    def timed(self, step: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] += time.perf_counter() - started

    def add_rejects(self, rejects: list[Reject]) -> None:
        for reject in rejects:
            self.rejects[f"{reject.stage}/{reject.reason}"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": dict(self.steps),
            "rejects": dict(self.rejects),
            "loaded": dict(self.loaded),
            "seconds": {step: round(spent, 3) for step, spent in self.seconds.items()},
            "articles": self.articles,
        }


@dataclass(slots=True)
class IngestResult:
    """What reading one batch gave: new documents, rejects, items already stored, web URL visits."""

    documents: list[RawDocument] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    unchanged: int = 0
    filtered: int = 0  # web-archive records left out by the source's include/exclude/since
    visits: list[UrlVisit] = field(default_factory=list)
    # What cleaning made of documents read and cleaned in one pool call (files on the local pool), by doc_id.
    cleaned: dict[str, CleanDocument | Reject] = field(default_factory=dict)


def _page_visit(item: SourceItem, result: RawDocument | Reject | Unchanged) -> UrlVisit:
    common = {
        "url": item.location,
        "kind": "page",
        "source": item.source,
        "via": item.via,
        "hints": item.hints,
    }
    if isinstance(result, RawDocument):
        return UrlVisit(
            **common,
            outcome="fetched",
            http_status=result.http_status,
            final_url=result.final_url,
            etag=result.etag,
            last_modified=result.last_modified,
            doc_id=result.doc_id,
        )
    if isinstance(result, Reject):
        return UrlVisit(**common, outcome="rejected", reason=result.reason)
    return UrlVisit(**common, outcome="unchanged", http_status=304)


def fetch_pages(
    items: list[SourceItem], fetcher: Fetcher, prefetched: dict[str, RawDocument]
) -> list[RawDocument | Reject | Unchanged]:
    """Fetch web pages concurrently (each host kept to its own rate by the fetcher), in the order given."""
    listener = progress.current()

    def one(item: SourceItem) -> RawDocument | Reject | Unchanged:
        result = prefetched.get(item.location) or fetcher.fetch(
            item.location, etag=item.etag, last_modified=item.last_modified, source=item.source
        )
        listener.item_done()
        return result

    # I/O-bound: many hosts at once; retries happen inside the fetcher, not as Prefect task runs.
    with ThreadPoolExecutor(max_workers=fetcher.settings.max_workers) as pool:
        return list(pool.map(one, items))


@task(name="ingest", task_run_name="ingest [batch {number}/{total}]", cache_policy=NO_CACHE)
def ingest_batch(
    items: list[SourceItem],
    settings: Settings,
    warehouse_path: str,
    lock_wait_seconds: float,
    refresh: bool,
    fetcher: Fetcher,
    prefetched: dict[str, RawDocument],
    number: int,
    total: int,
    clean_files: bool = False,
) -> IngestResult:
    """Read or fetch a batch of items; documents already in the warehouse are skipped unless `refresh`.

    With `clean_files`, local files are cleaned on the pool as soon as they are read (`result.cleaned`).
    """
    result = IngestResult()
    web_items = [item for item in items if item.kind == "url"]
    for item, fetched in zip(web_items, fetch_pages(web_items, fetcher, prefetched), strict=True):
        result.visits.append(_page_visit(item, fetched))
        if isinstance(fetched, RawDocument):
            result.documents.append(dataclasses.replace(fetched, hints=item.hints))
        elif isinstance(fetched, Reject):
            result.rejects.append(fetched)
        else:
            result.unchanged += 1  # HTTP 304 to a conditional GET
    listener = progress.current()
    files = [item for item in items if item.kind == "file"]
    unchanged_files: set[str] = set()
    looked_up: set[str] = set()  # document ids already checked against the warehouse
    if files and not refresh:
        # A file stored with these very bytes is passed over before it is decoded (the costly part); one
        # with the size and time it had when last hashed is not even read (`FileState`).
        unchanged_files, looked_up = _unchanged_files(files, settings, warehouse_path, lock_wait_seconds)
        result.unchanged += len(unchanged_files)
    # Decoding a file (charset detection, mojibake repair) is CPU work: it runs on the run's pool, and there
    # (with the local pool) cleaning follows at once, so the decoded page never crosses between processes.
    to_read = [item for item in files if item.location not in unchanged_files]
    if clean_files:
        read_and_cleaned, _ = parallel.current().run(
            partial(read_and_clean_files, max_bytes=settings.max_document_bytes),
            to_read,
            partial(_read_or_clean_crashed, max_bytes=settings.max_document_bytes),
        )
        read = [document for document, _ in read_and_cleaned]
        for document, cleaned in read_and_cleaned:
            if cleaned is not None:
                result.cleaned[document.doc_id] = cleaned
    else:
        read, _ = parallel.current().run(
            partial(read_files, max_bytes=settings.max_document_bytes), to_read, _unreadable
        )
    file_results = iter(read)
    for item in items:
        if item.kind == "url":
            continue
        if item.location in unchanged_files:
            listener.item_done()
            continue
        if item.kind == "warc":
            records = read_warc(
                Path(item.location), source=item.source, max_bytes=settings.max_document_bytes
            )
        else:
            records = iter([next(file_results)])
        for record in records:
            if isinstance(record, Reject):
                result.rejects.append(record)
            elif item.kind == "warc" and not (
                item.filter.allows_location(record.url or record.location)
                and item.filter.allows_date(record.fetched_at)
            ):
                result.filtered += 1
            else:
                result.documents.append(record)
        listener.item_done()
    if result.documents and not refresh:
        # Pages fetched, archive records and files changed since they were hashed are looked up here.
        to_look_up = [doc.doc_id for doc in result.documents if doc.doc_id not in looked_up]
        known = _known_documents(warehouse_path, lock_wait_seconds, to_look_up)
        result.unchanged += sum(doc.doc_id in known for doc in result.documents)
        result.documents = [doc for doc in result.documents if doc.doc_id not in known]
        result.cleaned = {doc_id: made for doc_id, made in result.cleaned.items() if doc_id not in known}
    get_run_logger().info(
        "batch %d/%d: read %d new, %d unchanged, %d rejected",
        number,
        total,
        len(result.documents),
        result.unchanged,
        len(result.rejects),
    )
    return result


def _unchanged_files(
    files: list[SourceItem], settings: Settings, warehouse_path: str, lock_wait_seconds: float
) -> tuple[set[str], set[str]]:
    """Locations of the files whose bytes are already stored, hashing only the ones that look changed; and
    the document ids looked up on the way (a file read as these bytes needs no second look)."""
    stored_ids: dict[str, str] = {}
    looks_changed: list[SourceItem] = []
    try:
        with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
            remembered = warehouse.file_states(con, [item.location for item in files])
            for item in files:
                state = remembered.get(item.location)
                if state is not None and unchanged_since(item, state):
                    stored_ids[item.location] = state.doc_id
                else:
                    looks_changed.append(item)
            if not looks_changed:  # a re-run with nothing new: one short look at the warehouse per batch
                known = warehouse.known_documents(con, list(stored_ids.values()))
                unchanged = {location for location, doc_id in stored_ids.items() if doc_id in known}
                return unchanged, set(stored_ids.values())
        # Hashing reads the files: done with the warehouse closed, so readers are not kept waiting.
        measured: dict[str, FileState] = {}
        for item in looks_changed:
            state = file_state(item, max_bytes=settings.max_document_bytes)
            if state is not None:  # (one that cannot be read is read again below, to say what is wrong)
                measured[item.location] = state
                stored_ids[item.location] = state.doc_id
        with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
            known = warehouse.known_documents(con, list(stored_ids.values()))
            # A file hashed now is remembered whether or not this run lands it: the document check above
            # is made on every run, so a remembered file whose document never landed is still read.
            warehouse.record_file_states(con, measured)
    except warehouse.WarehouseLocked as error:
        get_run_logger().warning("cannot check which files are new: %s", error)
        return set(), set()
    return {location for location, doc_id in stored_ids.items() if doc_id in known}, set(stored_ids.values())


def _known_documents(warehouse_path: str, lock_wait_seconds: float, doc_ids: list[str]) -> set[str]:
    if not doc_ids:
        return set()
    try:
        with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
            return warehouse.known_documents(con, doc_ids)
    except warehouse.WarehouseLocked as error:
        # Loading is idempotent, so carrying known documents along costs time, never a duplicate.
        get_run_logger().warning("cannot check which documents are new: %s", error)
        return set()


def _unreadable(item: SourceItem, message: str) -> Reject:
    return Reject(item.location, "ingest", "unreadable", message)


def _read_or_clean_crashed(
    item: SourceItem, message: str, *, max_bytes: int
) -> tuple[RawDocument | Reject, Reject | None]:
    """A file that took a worker down twice: read again here (reading is plain Python, cleaning is where
    parsers crash), so the page is stored with its cleaner reject, as when the two steps ran apart."""
    document = read_file(item, max_bytes=max_bytes)
    if isinstance(document, Reject):
        return document, None
    return dataclasses.replace(document, text=""), _cleaner_crashed(document, message)


def _cleaner_crashed(document: RawDocument, message: str) -> Reject:
    return Reject(document.location, "clean", "cleaner_error", message)


def _extractor_crashed(document: CleanDocument, message: str) -> Reject:
    return Reject(document.location or document.source, "extract", "extractor_error", message)


@task(name="clean", task_run_name="clean [batch {number}/{total}]", cache_policy=NO_CACHE)
def clean_batch(
    documents: list[RawDocument],
    number: int,
    total: int,
    cleaned_already: dict[str, CleanDocument | Reject] | None = None,
) -> tuple[list[CleanDocument], list[Reject]]:
    """Strip boilerplate from a batch of documents, page by page, on the run's CPU pool.

    Documents in `cleaned_already` (files cleaned where they were read) are not cleaned again; the result
    keeps the batch's order either way. The sites' learnt templates are applied afterwards, in batch order
    (`apply_templates`): they depend on what the batches before this one landed.
    """
    ready = cleaned_already or {}
    to_clean = [document for document in documents if document.doc_id not in ready]
    cleaned, rejects = parallel.current().run(clean_documents, to_clean, _cleaner_crashed)
    if not ready:
        return cleaned, rejects
    by_id = {document.doc_id: document for document in cleaned}
    in_order: list[CleanDocument] = []
    for document in documents:
        made = ready.get(document.doc_id) or by_id.get(document.doc_id)
        if isinstance(made, Reject):
            rejects.append(made)
        elif made is not None:
            in_order.append(made)
    return in_order, rejects


@task(name="extract", task_run_name="extract [batch {number}/{total}]", cache_policy=NO_CACHE)
def extract_batch(
    cleaned: list[CleanDocument], settings: Settings, number: int, total: int
) -> tuple[list[Article], list[Reject], dict[str, TextFingerprint]]:
    """Extract metadata, entities, quotes, dates and amounts from a batch, on the run's CPU pool.

    The articles' text fingerprints (shingles, LSH bands) are made there too, so that the single-writer
    dedupe step only searches and compares.
    """
    made, rejects = parallel.current().run(
        partial(extract_and_fingerprint, settings=settings), cleaned, _extractor_crashed
    )
    articles = [article for article, _ in made]
    return articles, rejects, {fingerprint.article_id: fingerprint for _, fingerprint in made}


@task(name="dedupe", task_run_name="dedupe [batch {number}/{total}]", cache_policy=NO_CACHE)
def dedupe_batch(
    articles: list[Article],
    settings: Settings,
    warehouse_path: str,
    lock_wait_seconds: float,
    number: int,
    total: int,
    fingerprints: dict[str, TextFingerprint] | None = None,
) -> DedupeResult:
    """Find exact and near copies against this batch and everything already in the warehouse."""
    with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
        return dedupe_articles(articles, settings, warehouse.WarehouseIndex(con), fingerprints)


@task(name="load", task_run_name="load [batch {number}/{total}]", cache_policy=NO_CACHE)
def load_batch(
    run_id: str,
    warehouse_path: str,
    lock_wait_seconds: float,
    batch: StagedBatch,
    dedupe: DedupeResult,
    number: int,
    total: int,
) -> dict[str, int]:
    """Land one batch in a single short write transaction (the connection waits while the file is busy)."""
    with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
        return warehouse.load_batch(
            con,
            run_id,
            documents=batch.documents,
            cleaned=batch.cleaned,
            articles=batch.articles,
            duplicates=dedupe.duplicates,
            fingerprints=dedupe.fingerprints,
            shingles=dedupe.shingles,
            stories=dedupe.stories,
            rejects=batch.rejects,
            visits=batch.visits,
        )


@dataclass(slots=True)
class InFlight:
    """A batch read and being cleaned while earlier batches are extracted and landed."""

    number: int
    read: IngestResult
    cleaning: PrefectFuture
    cleaned: list[CleanDocument] = field(default_factory=list)
    clean_rejects: list[Reject] = field(default_factory=list)
    extracting: PrefectFuture | None = None

    def hosts(self) -> set[str]:
        return {host for document in self.cleaned if (host := host_of(document.url))}


@dataclass(slots=True)
class Plan:
    """What a run will read, and what planning found on the way."""

    items: list[SourceItem]
    rejects: list[Reject]
    passed_over: int  # files that are not articles
    prefetched: dict[str, RawDocument] = field(default_factory=dict)  # source URLs that were pages
    visits: list[UrlVisit] = field(default_factory=list)  # feeds and sitemaps read, the pages they list
    passed_by: Counter = field(default_factory=Counter)  # items not taken, by why (filtered, over_limit, ...)
    listings: Counter = field(default_factory=Counter)  # feeds and sitemaps fetched / unchanged (304)


def _modified_at(path: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    except OSError:
        return None  # reading it will say what is wrong


def _local_items(sources: list[Source], found: list[SourceItem], passed_by: Counter) -> list[SourceItem]:
    """Apply each local source's filter (paths, file times) and limit to the files found under it."""
    by_location = {source.location: source for source in sources}
    taken: Counter = Counter()
    items: list[SourceItem] = []
    for item in found:
        source = by_location.get(item.source)
        if source is not None:
            if item.kind == "warc":
                # A web archive is one file of many pages: its records are filtered as they are read.
                item = dataclasses.replace(item, filter=source.filter)
            elif not source.filter.is_empty and not (
                source.filter.allows_location(item.location)
                and source.filter.allows_date(_modified_at(item.location))
            ):
                passed_by["filtered"] += 1
                continue
            if source.limit is not None and taken[item.source] >= source.limit:
                passed_by["over_limit"] += 1
                continue
            taken[item.source] += 1
        items.append(item)
    return items


def plan_items(
    sources: list[str],
    limit: int | None,
    fetcher: Fetcher,
    memory: WebMemory | None = None,
    *,
    refresh: bool = False,
    run_filter: SourceFilter = NO_FILTER,
) -> Plan:
    """Expand local sources into files and web sources into pages (through feeds, sitemaps, robots.txt)."""
    expanded, rejects = expand_sources(sources, base=Path.cwd(), run_filter=run_filter)
    local = [source for source in expanded if not source.is_web]
    web_sources = [source for source in expanded if source.is_web]
    listener = progress.current()
    passed_by: Counter = Counter()
    items: list[SourceItem] = []
    passed_over = 0
    if local:
        listener.discovering(f"{len(local)} local source{'s' if len(local) != 1 else ''}")
        found = discover_files([source.location for source in local])
        items += _local_items(local, found.items, passed_by)
        rejects += found.rejects
        passed_over = len(found.skipped)
    web = discover_web([], fetcher)
    if web_sources:
        listener.discovering(f"{len(web_sources)} web source{'s' if len(web_sources) != 1 else ''}")
        web = discover_web(web_sources, fetcher, memory, refresh=refresh)
        items += web.items
        passed_by.update(web.passed_by)
    if limit is not None and len(items) > limit:
        passed_by["over_limit"] += len(items) - limit
        items = items[:limit]
    taken = {item.location for item in items}
    prefetched = {url: document for url, document in web.prefetched.items() if url in taken}
    return Plan(items, rejects + web.rejects, passed_over, prefetched, web.visits, passed_by, web.listings)


def run_filter_from(since: str | None, include: list[str] | None, exclude: list[str] | None) -> SourceFilter:
    """The run-wide filter of the `since`, `include` and `exclude` parameters (ParameterError if unusable)."""
    try:
        return SourceFilter(tuple(include or ()), tuple(exclude or ()), parse_since(since))
    except FilterError as error:
        raise ParameterError(str(error)) from error


def validate_parameters(sources: list[str], warehouse_path: str) -> None:
    """Fail at once, with what to do, on parameters that cannot work (before any document is read)."""
    for source in sources:
        if not source or not source.strip():
            raise ParameterError("an empty source was given: name a folder, file, glob, sources file or URL")
        scheme, separator, _ = source.partition("://")
        if separator and "/" not in scheme and not source.lower().startswith(KNOWN_SOURCE_SCHEMES):
            raise ParameterError(
                f"unknown source kind {scheme + '://'!r} in {source!r}: sources are local paths, globs, "
                "sources files (.toml) or http(s) URLs"
            )
    path = Path(warehouse_path).expanduser()
    if path.is_dir():
        raise ParameterError(
            f"warehouse_path {warehouse_path!r} is a folder: name a file, e.g. {path}/news.duckdb"
        )
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise ParameterError(f"warehouse_path {warehouse_path!r} cannot be created: {folder} is not a folder")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK) or (folder != path.parent and not os.access(folder, os.W_OK | os.X_OK)):
        raise ParameterError(
            f"warehouse_path {warehouse_path!r} is not writable (checked {target}): "
            "choose a path you can write to"
        )


def entity_backend(ner: str, ner_model: str | None) -> str:
    """Check the entity backend before any document is read (ParameterError saying what to install)."""
    try:
        return check_backend(ner, ner_model or None)
    except NerUnavailable as error:
        raise ParameterError(str(error)) from error


def ensure_writer_limit() -> None:
    """Create the one-slot global concurrency limit that serialises warehouse writes across runs."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(WRITER_LIMIT, limit=1)


class WriterSlot:
    """A run's turn at the warehouse: the writer limit's one slot, taken at the first write, kept to the end.

    Overlapping runs on one Prefect server take turns. Prefect frees a released slot a moment late (the next
    acquisition waits about 2 s), so the slot is taken once per run rather than once per batch. Its lease
    is short: the slot of a killed run frees itself within a minute.
    """

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._held = False

    def hold(self) -> None:
        if not self._held:
            self._stack.enter_context(concurrency(WRITER_LIMIT, occupy=1, lease_duration=60, strict=False))
            self._held = True

    def release(self) -> None:
        self._stack.close()
        self._held = False


def land_batch(
    batch: StagedBatch,
    settings: Settings,
    warehouse_path: str,
    lock_wait_seconds: float,
    slot: WriterSlot,
    number: int,
    total: int,
    fingerprints: dict[str, TextFingerprint] | None = None,
) -> tuple[DedupeResult, dict[str, int]]:
    """Dedupe and load one batch while holding the writer slot, so overlapping runs take turns."""
    slot.hold()
    # One open of the file for both steps: their `writer` calls share this connection.
    with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds, hold=True):
        articles, found = quote(batch.articles), quote(fingerprints)
        dedupe = dedupe_batch(articles, settings, warehouse_path, lock_wait_seconds, number, total, found)
        written = load_batch(
            batch.run_id, warehouse_path, lock_wait_seconds, quote(batch), quote(dedupe), number, total
        )
    return dedupe, written


def land_staged_batches(
    settings: Settings, warehouse_path: str, lock_wait_seconds: float, slot: WriterSlot, tally: RunTally
) -> None:
    """Load what earlier runs staged because the warehouse was locked; a batch still locked stays staged."""
    staged = staged_batches(warehouse_path)
    logger = get_run_logger()
    for index, path in enumerate(staged, start=1):
        batch = read_staged(path)
        try:
            dedupe, written = land_batch(
                batch, settings, warehouse_path, lock_wait_seconds, slot, index, len(staged)
            )
        except warehouse.WarehouseLocked as error:
            logger.warning("staged batch %s stays staged: %s", path.name, error)
            return
        drop_staged(path)
        tally.steps["landed_from_staging"] += len(batch.articles)
        tally.steps["duplicates"] += len(dedupe.duplicates)
        tally.loaded.update(written)
        logger.info("landed staged batch %s from run %s", path.name, batch.run_id)


def split_batches(items: list[T], batch_size: int) -> list[list[T]]:
    """Cut the planned items into batches that grow from FIRST_BATCH_SIZE, doubling, up to batch_size.

    Always one batch at least (an empty one when there is nothing to do), so every run records itself alike.
    """
    batches: list[list[T]] = []
    size, start = min(batch_size, FIRST_BATCH_SIZE), 0
    while start < len(items):
        batches.append(items[start : start + size])
        start += size
        size = min(batch_size, size * 2)
    return batches or [[]]


@flow(
    name="news-pipeline", description="Ingest news sources, clean, extract, dedupe and land them in DuckDB."
)
def news_pipeline(
    sources: Annotated[
        list[str] | None,
        Field(title="Sources", description="Folders, files, globs or sources files (.toml)."),
    ] = None,
    warehouse_path: Annotated[
        str,
        Field(title="Warehouse", description="The DuckDB file to land the news in (created when missing)."),
    ] = DEFAULT_WAREHOUSE,
    batch_size: Annotated[int, Field(ge=1, le=10_000, title="Batch size")] = DEFAULT_BATCH_SIZE,
    near_duplicate_threshold: Annotated[float, Field(gt=0, le=1, title="Near-duplicate threshold")] = 0.8,
    same_opening_threshold: Annotated[float, Field(gt=0, le=1, title="Same-opening threshold")] = 0.5,
    story_threshold: Annotated[float, Field(gt=0, le=1, title="Story threshold")] = 0.26,
    story_window_days: Annotated[float, Field(gt=0, le=365, title="Story window (days)")] = 3.0,
    shingle_size: Annotated[int, Field(ge=1, le=20, title="Shingle size (words)")] = 5,
    minhash_permutations: Annotated[int, Field(ge=8, le=1024, title="MinHash permutations")] = 128,
    lsh_bands: Annotated[int, Field(ge=1, le=512, title="LSH bands")] = 32,
    limit: Annotated[int | None, Field(ge=0, title="Limit")] = None,
    refresh: Annotated[bool, Field(title="Refresh")] = False,
    lock_wait_seconds: Annotated[float, Field(ge=0, le=3600, title="Lock wait (seconds)")] = 30.0,
    allow_private: Annotated[bool, Field(title="Allow private addresses")] = False,
    requests_per_second: Annotated[float, Field(gt=0, le=100, title="Requests per second per host")] = 1.0,
    since: Annotated[str | None, Field(title="Since")] = None,
    include: Annotated[list[str] | None, Field(title="Include")] = None,
    exclude: Annotated[list[str] | None, Field(title="Exclude")] = None,
    user_agent: Annotated[str | None, Field(title="User-Agent")] = None,
    fetch_timeout_seconds: Annotated[float, Field(gt=0, le=600, title="Fetch timeout (seconds)")] = 20.0,
    max_document_mb: Annotated[float, Field(gt=0, le=1000, title="Largest document (MB)")] = 20.0,
    workers: Annotated[int | None, Field(ge=1, le=1024, title="Workers")] = None,
    runner: Annotated[Literal["local", "dask"], Field(title="Runner")] = "local",
    cluster_address: Annotated[str | None, Field(title="Dask cluster address")] = None,
    ner: Annotated[NerBackend, Field(title="Entity recogniser")] = "auto",
    ner_model: Annotated[str | None, Field(title="spaCy pipeline")] = None,
) -> dict[str, Any]:
    """Run the whole pipeline over `sources` and return the run's counts.

    Args:
        sources: Folders, files, globs or sources files (.toml); empty means the bundled seeds/sources.toml.
        warehouse_path: The DuckDB file to land the news in; created when missing.
        batch_size: Documents per batch; each step runs one task per batch.
        near_duplicate_threshold: Similarity (0-1] from which two articles count as copies (Jaccard of their
            word shingles, or containment of a truncated copy).
        same_opening_threshold: Similarity from which two articles that open with the same words count as
            copies (an edited copy: a few sentences changed further down).
        story_threshold: Similarity of story terms (entities, headline and opening words) from which an
            article joins another's story cluster.
        story_window_days: How many days apart two articles of one story cluster may be published.
        shingle_size: Words per shingle for the MinHash fingerprints (fixed per warehouse).
        minhash_permutations: MinHash permutations (fixed per warehouse; a multiple of lsh_bands).
        lsh_bands: LSH bands the permutations are cut into (fixed per warehouse).
        limit: Read at most this many items; empty reads all.
        refresh: Re-process documents that are already in the warehouse.
        lock_wait_seconds: How long a write waits for another process holding the warehouse file before the
            batch is staged for the next run.
        allow_private: Fetch from private, loopback and link-local addresses (intranets, tests).
        requests_per_second: The most requests per second sent to any one host (robots.txt may ask for less).
        since: Only items dated from then on: 2024-10-01, or an age such as 7d, 24h, 30m (feed and sitemap
            dates for web pages, WARC dates for archived pages, modification times for files).
        include: Only items whose URL or path contains one of these patterns (* and ? are wildcards, re:
            starts a regular expression), e.g. /world/.
        exclude: Leave out items whose URL or path contains one of these patterns, e.g. /video/.
        user_agent: The User-Agent sent to web servers and matched against robots.txt (empty: Wirehouse's).
        fetch_timeout_seconds: How long a web server may stay silent before the request fails as a timeout.
        max_document_mb: The largest page or file read, in megabytes (after decompression); larger ones are
            rejected as too_large.
        workers: How many pages are cleaned and extracted at once: worker processes of the local runner
            (empty: one per core), or batches in flight on a Dask cluster (empty: the cluster's threads).
        runner: Where clean and extract run: local (a process pool on this machine) or dask (a Dask cluster;
            dedupe and load stay in the flow's process, in batch order, one writer).
        cluster_address: The Dask scheduler to use with the dask runner (tcp://host:8786); empty starts a
            local Dask cluster for the run.
        ner: What finds people, organisations and places: spacy (a spaCy pipeline), rules (the built-in
            recogniser) or auto (spaCy where it and a pipeline for the article's language are installed, else
            the rules). spacy with no pipeline installed stops the run at its start.
        ner_model: The spaCy pipeline for spacy or auto: an installed package (en_core_web_sm) or the
            folder of a saved pipeline; empty: the installed pipeline for each article's language.
    """
    logger = get_run_logger()
    sources = sources or [resolve_default(DEFAULT_SOURCES)]
    validate_parameters(sources, warehouse_path)
    logger.info(entity_backend(ner, ner_model))
    if runner == "local" and cluster_address:
        raise ParameterError("cluster_address is for the dask runner: add runner=dask (--runner dask)")
    try:
        # Started at the top of the run, so workers (or the Dask cluster) come up while sources are planned.
        cpu = parallel.CpuRunner(runner, workers=workers, cluster_address=cluster_address)
    except ValueError as error:
        raise ParameterError(str(error)) from error
    run_filter = run_filter_from(since, include, exclude)
    max_bytes = int(max_document_mb * 1_000_000)
    settings = Settings(
        batch_size=batch_size,
        limit=limit,
        near_duplicate_threshold=near_duplicate_threshold,
        same_opening_threshold=same_opening_threshold,
        story_threshold=story_threshold,
        story_window_days=story_window_days,
        shingle_size=shingle_size,
        num_permutations=minhash_permutations,
        bands=lsh_bands,
        max_document_bytes=max_bytes,
        ner=ner,
        ner_model=ner_model or None,
    )
    if minhash_permutations % lsh_bands:
        raise ParameterError(
            f"minhash_permutations ({minhash_permutations}) must be a multiple of lsh_bands ({lsh_bands}): "
            "each band takes the same number of permutations"
        )
    run_id = flow_run.get_id() or str(uuid.uuid4())
    parameters = {
        "sources": sources,
        "warehouse_path": warehouse_path,
        "batch_size": batch_size,
        "near_duplicate_threshold": near_duplicate_threshold,
        "same_opening_threshold": same_opening_threshold,
        "story_threshold": story_threshold,
        "story_window_days": story_window_days,
        "shingle_size": shingle_size,
        "minhash_permutations": minhash_permutations,
        "lsh_bands": lsh_bands,
        "limit": limit,
        "refresh": refresh,
        "lock_wait_seconds": lock_wait_seconds,
        "allow_private": allow_private,
        "requests_per_second": requests_per_second,
        "since": since,
        "include": include,
        "exclude": exclude,
        "user_agent": user_agent,
        "fetch_timeout_seconds": fetch_timeout_seconds,
        "max_document_mb": max_document_mb,
        "workers": workers,
        "runner": runner,
        "cluster_address": cluster_address,
        "ner": ner,
        "ner_model": ner_model,
    }
    fetch_settings = FetchSettings(
        allow_private=allow_private,
        per_host_interval=1.0 / requests_per_second,
        read_timeout=fetch_timeout_seconds,
        connect_timeout=min(FetchSettings.connect_timeout, fetch_timeout_seconds),
        max_bytes=max_bytes,
    )
    if user_agent and user_agent.strip():
        fetch_settings = dataclasses.replace(fetch_settings, user_agent=user_agent.strip())
    fetcher = Fetcher(fetch_settings)
    memory = StoredWebMemory(warehouse_path, wait_seconds=lock_wait_seconds)
    templates = StoredTemplates(warehouse_path, wait_seconds=min(lock_wait_seconds, 5.0))
    listener = progress.current()
    ensure_writer_limit()

    def record_start(con: Any) -> None:
        try:
            warehouse.check_fingerprint_settings(con, settings)
        except warehouse.FingerprintSettingsMismatch as error:
            raise ParameterError(str(error)) from error
        for crashed in warehouse.mark_crashed_runs(con):
            logger.warning("run %s was left running by a process that is gone: marked crashed", crashed)
        warehouse.start_run(
            con, run_id, flow_run_id=flow_run.get_id(), deployment=_deployment_name(), parameters=parameters
        )

    start_recorded = False
    try:
        with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
            record_start(con)
        start_recorded = True
    except warehouse.WarehouseLocked as error:
        # Reading and cleaning need no warehouse: go on, stage what cannot be loaded, record the run later.
        logger.warning("the warehouse is busy, the run goes on and records itself later: %s", error)

    tally = RunTally()
    slot = WriterSlot()
    status = "failed"
    locked: warehouse.WarehouseLocked | None = None
    try:
        cpu.start()
        land_staged_batches(settings, warehouse_path, lock_wait_seconds, slot, tally)
        plan = plan_items(sources, limit, fetcher, memory, refresh=refresh, run_filter=run_filter)
        if memory.unavailable:
            logger.warning("fetched as if new, the warehouse being busy: %s", memory.unavailable)
        items = plan.items
        tally.steps["discovered"] = len(items)
        tally.steps["passed_over"] = plan.passed_over
        for name, count in plan.listings.items():
            tally.steps[f"listings_{name}"] = count
        tally.steps.update(plan.passed_by)
        tally.add_rejects(plan.rejects)
        batches = split_batches(items, batch_size)
        total = len(batches)
        logger.info("%d items from %d sources in %d batches", len(items), len(sources), total)
        listener.planned(len(items), total)
        progress_artifact = create_progress_artifact(
            0.0, key="wirehouse-run-progress", description=f"Batches landed of {total}"
        )
        # What planning found lands with the first batch (feeds' validators together with what they list).
        pending_rejects, pending_visits = plan.rejects, plan.visits
        numbered = iter(enumerate(batches, start=1))
        in_flight: deque[InFlight] = deque()

        def read_ahead(batches: int) -> None:
            """Ingest the next batches and hand them to the cleaners, so the pool works while we load."""
            while len(in_flight) < batches:
                number, items_in_batch = next(numbered, (0, []))
                if not number:
                    return
                listener.step("ingest", number, total)
                with tally.timed("ingest"):
                    prefetched = {
                        item.location: plan.prefetched[item.location]
                        for item in items_in_batch
                        if item.location in plan.prefetched
                    }
                    read = ingest_batch(
                        quote(items_in_batch),
                        settings,
                        warehouse_path,
                        lock_wait_seconds,
                        refresh,
                        fetcher,
                        quote(prefetched),
                        number,
                        total,
                        # Not on Dask: the flow's process would do the cleaning the cluster is there for.
                        clean_files=cpu.kind == "local",
                    )
                warehouse.compress_ahead(read.documents)
                cleaning = cpu.runner.submit(
                    clean_batch,
                    {
                        "documents": cpu.parameter(read.documents),
                        "number": number,
                        "total": total,
                        "cleaned_already": cpu.parameter(read.cleaned),
                    },
                )
                read.cleaned = {}
                # The decoded text went to the cleaners; the load stores the bytes. Batches in flight keep no
                # second copy of every page (a page's text as a str can take four times its bytes).
                read.documents = [dataclasses.replace(document, text="") for document in read.documents]
                in_flight.append(InFlight(number, read, cleaning))

        def start_extracting(flight: InFlight) -> None:
            listener.step("clean", flight.number, total)
            with tally.timed("clean"):
                cleaned, flight.clean_rejects = flight.cleaning.result()
                # Templates learnt from every batch landed so far, this one's own pages included.
                flight.cleaned = apply_templates(cleaned, templates.for_documents(cleaned))
            listener.step("extract", flight.number, total)
            flight.extracting = cpu.runner.submit(
                extract_batch,
                {
                    "cleaned": cpu.parameter(flight.cleaned),
                    "settings": settings,
                    "number": flight.number,
                    "total": total,
                },
            )

        # The first batch alone, so it lands as soon as it can; later ones are read after each landing (their
        # decoding queues on the pool behind the extraction already there, not in front of the landing).
        read_ahead(1)
        while in_flight:
            flight = in_flight.popleft()
            if flight.extracting is None:
                start_extracting(flight)
            number, read, cleaned, clean_rejects = (
                flight.number,
                flight.read,
                flight.cleaned,
                flight.clean_rejects,
            )
            with tally.timed("extract"):
                articles, extract_rejects, fingerprints = flight.extracting.result()
            # The next batch may be extracted while this one lands when none of its sites is in this batch:
            # landing this one changes no template statistics it reads (the pool keeps busy meanwhile).
            # (It was queued on the pool before this batch's extraction, so its cleaning is as good as done.)
            if in_flight:
                following = in_flight[0]
                following.cleaned = following.cleaning.result()[0]
                if not following.hosts() & flight.hosts():
                    start_extracting(following)
            step_rejects = read.rejects + clean_rejects + extract_rejects
            batch = StagedBatch(
                run_id,
                read.documents,
                cleaned,
                articles,
                pending_rejects + step_rejects,
                pending_visits + read.visits,
            )
            pending_rejects, pending_visits = [], []
            tally.steps.update(
                ingested=len(read.documents),
                unchanged=read.unchanged,
                cleaned=len(cleaned),
                extracted=len(articles),
            )
            if read.filtered:
                tally.steps["filtered"] += read.filtered
            tally.add_rejects(step_rejects)
            listener.step("load", number, total)
            if batch.is_empty:
                # Every item was unchanged: no dedupe or load task, and the file is not opened for writing.
                update_progress_artifact(progress_artifact, 100.0 * number / total)
                read_ahead(cpu.batches_in_flight)
                continue
            try:
                with tally.timed("dedupe+load"):
                    dedupe, written = land_batch(
                        batch, settings, warehouse_path, lock_wait_seconds, slot, number, total, fingerprints
                    )
            except warehouse.WarehouseLocked as error:
                # Nothing is lost: the batch waits on disk and the next run lands it first.
                staged = stage_batch(warehouse_path, f"{run_id}-{number:05d}", batch)
                tally.steps["staged"] += len(batch.articles)
                locked = error
                logger.error("batch %d/%d staged in %s: %s", number, total, staged, error)
            else:
                tally.steps["duplicates"] += len(dedupe.duplicates)
                tally.loaded.update(written)
                copies = {duplicate.article_id for duplicate in dedupe.duplicates}
                tally.articles.extend(
                    _article_line(article, article.article_id in copies) for article in articles
                )
                update_progress_artifact(progress_artifact, 100.0 * number / total)
            read_ahead(cpu.batches_in_flight)
        status = "failed" if locked else "completed"
    finally:
        try:
            with warehouse.writer(warehouse_path, wait_seconds=lock_wait_seconds) as con:
                if not start_recorded:
                    record_start(con)
                problems = warehouse.check(con)
                for problem in problems:
                    logger.error(
                        "warehouse check: %s (%d rows, e.g. %s)", problem.check, problem.rows, problem.example
                    )
                checked = {"ok": not problems, "problems": [dataclasses.asdict(p) for p in problems]}
                warehouse.finish_run(con, run_id, status, tally.as_dict(), checked)
        except warehouse.WarehouseLocked as error:
            logger.error("could not record the end of run %s: %s", run_id, error)
        finally:
            cpu.close()
            slot.release()
            fetcher.close()
    _publish_artifacts(tally, warehouse_path, lock_wait_seconds)
    if locked is not None:
        raise locked
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


def _markdown_cell(value: Any) -> str:
    return ("" if value is None else str(value)).replace("|", "\\|").replace("\n", " ")


def _markdown_table(columns: list[str], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_markdown_cell(value) for value in row) + " |" for row in rows]
    return lines


def _publish_artifacts(tally: RunTally, warehouse_path: str, lock_wait_seconds: float) -> None:
    """A table of counts per step and a markdown summary, both keyed so they form a history in the UI."""
    rows = [{"what": f"step: {name}", "count": count} for name, count in tally.steps.items()]
    rows += [{"what": f"reject: {name}", "count": count} for name, count in sorted(tally.rejects.items())]
    rows += [{"what": f"rows: {name}", "count": count} for name, count in sorted(tally.loaded.items())]
    rows += [{"what": f"seconds: {name}", "count": round(spent, 2)} for name, spent in tally.seconds.items()]
    create_table_artifact(
        key="wirehouse-run-counts", table=rows, description="What each step did in this run"
    )

    lines = ["# Wirehouse run", "", f"Warehouse: `{warehouse_path}`", "", "## Articles landed", ""]
    if tally.articles:
        lines += _markdown_table(
            ["title", "site", "published", "words", "entities", "quotes", "copy"],
            [
                (
                    line["title"] or "(untitled)",
                    line["site"],
                    line["published_at"],
                    line["words"],
                    line["entities"],
                    line["quotes"],
                    "yes" if line["duplicate"] else "",
                )
                for line in tally.articles[:50]
            ],
        )
    else:
        lines.append("No new articles in this run.")
    try:
        with warehouse.writer(warehouse_path, wait_seconds=min(lock_wait_seconds, 5.0)) as con:
            entity_columns, entity_rows = warehouse.run_query(con, "top-entities", {"limit": 10})
            speaker_columns, speaker_rows = warehouse.run_query(con, "speakers", {"limit": 10})
        lines += ["", "## Top entities in the warehouse", "", *_markdown_table(entity_columns, entity_rows)]
        lines += ["", "## Most quoted speakers", "", *_markdown_table(speaker_columns, speaker_rows)]
    except warehouse.WarehouseLocked:
        lines += ["", "(The warehouse was busy: top entities and speakers are left out of this summary.)"]
    lines += [
        "",
        "## Try",
        "",
        "```",
        "wirehouse query articles",
        "wirehouse query quotes -p speaker=Rutte",
        "wirehouse query top-entities -p type=PERSON",
        "wirehouse query rejects",
        "wirehouse query runs",
        "```",
    ]
    create_markdown_artifact(
        key="wirehouse-run-summary",
        markdown="\n".join(lines),
        description="Articles landed and queries to try",
    )
