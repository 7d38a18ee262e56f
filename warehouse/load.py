"""Writing to the warehouse: runs, and one batch of documents, articles and their rows in one transaction.

Loads are idempotent: rows are keyed, unchanged rows are left alone, and an article's derived rows are
replaced together, so loading the same batch twice leaves every table as it was after the first load.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import socket
import time
from collections.abc import Iterator, MutableMapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from tasks.dedupe.stories import StoryResult
from tasks.records import Article, CleanDocument, Duplicate, Entity, RawDocument, Reject, UrlVisit
from warehouse.entity_aliases import record_aliases
from warehouse.templates import record_template_blocks
from warehouse.web_urls import record_visits

_TIME = pa.timestamp("us", tz="UTC")
_TEXT = pa.string()
_INT = pa.int32()

# Longest chain of duplicate -> duplicate links flattened after a load; real chains are one or two long
# (an original arriving after its copy), so hitting this means a cycle, which the last step removes.
_MAX_CHAIN = 32

DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", _TEXT),
        ("source", _TEXT),
        ("location", _TEXT),
        ("url", _TEXT),
        ("fetched_at", _TIME),
        ("content_type", _TEXT),
        ("charset", _TEXT),
        ("raw", pa.binary()),
        ("raw_encoding", _TEXT),
        ("raw_sha256", _TEXT),
        ("run_id", _TEXT),
        ("http_status", _INT),
        ("final_url", _TEXT),
        ("etag", _TEXT),
        ("last_modified", _TEXT),
    ]
)
REMOVED_SCHEMA = pa.schema([("doc_id", _TEXT), ("position", _INT), ("text", _TEXT), ("reason", _TEXT)])
ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("doc_id", _TEXT),
        ("source", _TEXT),
        ("url", _TEXT),
        ("canonical_url", _TEXT),
        ("site", _TEXT),
        ("title", _TEXT),
        ("subtitle", _TEXT),
        ("authors", pa.list_(_TEXT)),
        ("published_at", _TIME),
        ("updated_at", _TIME),
        ("language", _TEXT),
        ("image_url", _TEXT),
        ("image_caption", _TEXT),
        ("text", _TEXT),
        ("word_count", _INT),
        ("text_sha256", _TEXT),
        ("evidence", _TEXT),
        ("record_sha256", _TEXT),
        ("run_id", _TEXT),
        ("kind", _TEXT),
        ("tone", pa.float64()),
        ("section", _TEXT),
        ("tags", pa.list_(_TEXT)),
        ("image_credit", _TEXT),
    ]
)
ENTITY_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("name", _TEXT),
        ("type", _TEXT),
        ("mentions", _INT),
        ("first_offset", _INT),
        ("country_code", _TEXT),
        ("aliases", pa.list_(_TEXT)),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)
QUOTE_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("position", _INT),
        ("text", _TEXT),
        ("speaker", _TEXT),
        ("cue", _TEXT),
        ("start_offset", _INT),
        ("end_offset", _INT),
        ("kind", _TEXT),
    ]
)
LINK_SCHEMA = pa.schema(
    [("article_id", _TEXT), ("position", _INT), ("url", _TEXT), ("anchor", _TEXT), ("kind", _TEXT)]
)
DATE_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("position", _INT),
        ("text", _TEXT),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("start_offset", _INT),
        ("end_offset", _INT),
    ]
)
AMOUNT_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("position", _INT),
        ("text", _TEXT),
        ("value", pa.float64()),
        ("unit", _TEXT),
        ("start_offset", _INT),
        ("end_offset", _INT),
    ]
)
MENTION_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("position", _INT),
        ("name", _TEXT),
        ("type", _TEXT),
        ("surface", _TEXT),
        ("start_offset", _INT),
        ("end_offset", _INT),
    ]
)
FINGERPRINT_SCHEMA = pa.schema([("article_id", _TEXT), ("band", _INT), ("hash", pa.int64())])
SHINGLE_SCHEMA = pa.schema(
    [("article_id", _TEXT), ("normalised_hash", _TEXT), ("shingles", pa.binary()), ("opening", pa.binary())]
)
DUPLICATE_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("canonical_id", _TEXT),
        ("kind", _TEXT),
        ("similarity", pa.float64()),
        ("run_id", _TEXT),
    ]
)
REJECT_SCHEMA = pa.schema(
    [("run_id", _TEXT), ("source", _TEXT), ("stage", _TEXT), ("reason", _TEXT), ("message", _TEXT)]
)

# Derived rows of an article: table name -> arrow schema. Replaced together whenever the article changes.
_ARTICLE_CHILDREN = {
    "entities": ENTITY_SCHEMA,
    "entity_mentions": MENTION_SCHEMA,
    "quotes": QUOTE_SCHEMA,
    "links": LINK_SCHEMA,
    "dates_mentioned": DATE_SCHEMA,
    "amounts": AMOUNT_SCHEMA,
}


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    # A naive time is taken as UTC: the extractor resolves zones, anything left naive has no better reading.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _arrow(schema: pa.Schema, rows: Sequence[tuple[Any, ...]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return _arrow_columns(schema, columns)


def _arrow_columns(schema: pa.Schema, columns: Sequence[Sequence[Any]]) -> pa.Table:
    """An Arrow table from one Python sequence (or ready Arrow array) per column, in the schema's order."""
    arrays = [
        column if isinstance(column, pa.Array | pa.ChunkedArray) else pa.array(column, type=field.type)
        for column, field in zip(columns, schema, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


@contextmanager
def _timed(seconds: MutableMapping[str, float] | None, name: str) -> Iterator[None]:
    """Add the wall-clock time of the block to seconds[name] when a mapping is given."""
    if seconds is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[str]:
    con.register(name, table)
    try:
        yield name
    finally:
        con.unregister(name)


def _count(result: duckdb.DuckDBPyConnection) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    batch: pa.Table,
    *,
    keys: Sequence[str],
    changed_when: str,
    computed: dict[str, str] | None = None,
) -> int:
    """INSERT the batch, updating a keyed row only where `changed_when` holds; returns rows written."""
    if batch.num_rows == 0:
        return 0
    computed = computed or {}
    names = [*batch.schema.names, *computed]
    values = [*(f"b.{name}" for name in batch.schema.names), *computed.values()]
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name not in keys)
    columns = ", ".join(f'"{name}"' for name in names)
    with _registered(con, f"_load_{table}", batch) as view:
        return _count(
            con.execute(
                f"INSERT INTO {table} ({columns}) SELECT {', '.join(values)} FROM {view} AS b "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates} WHERE {changed_when}"
            )
        )


def _ids_in(column: str) -> str:
    return f"{column} IN (SELECT unnest(CAST(? AS VARCHAR[])))"


def start_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    flow_run_id: str | None,
    deployment: str | None,
    parameters: dict[str, Any],
) -> None:
    """Record a run as running; starting a run id again (a resumed run) keeps its original start time."""
    con.execute(
        "INSERT INTO runs (run_id, flow_run_id, deployment, started_at, status, parameters, host, pid) "
        "VALUES (?, ?, ?, current_timestamp, 'running', CAST(? AS JSON), ?, ?) "
        "ON CONFLICT (run_id) DO UPDATE SET flow_run_id = excluded.flow_run_id, "
        "deployment = excluded.deployment, parameters = excluded.parameters, status = 'running', "
        "finished_at = NULL, host = excluded.host, pid = excluded.pid",
        [run_id, flow_run_id, deployment, _json(parameters), socket.gethostname(), os.getpid()],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: dict[str, Any],
    checked: dict[str, Any] | None = None,
) -> None:
    """Record how a run ended, what it counted and what the integrity check found."""
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, status, counts, checked) "
        "VALUES (?, current_timestamp, current_timestamp, ?, CAST(? AS JSON), CAST(? AS JSON)) "
        "ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status, "
        "counts = excluded.counts, checked = excluded.checked",
        [run_id, status, _json(counts), None if checked is None else _json(checked)],
    )


def known_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> set[str]:
    """The ids among `doc_ids` that are already loaded, so a run can skip them."""
    if not doc_ids:
        return set()
    rows = con.execute(f"SELECT doc_id FROM documents WHERE {_ids_in('doc_id')}", [list(doc_ids)]).fetchall()
    return {doc_id for (doc_id,) in rows}


def record_hash(article: Article) -> str:
    """sha256 of the whole extracted record, children included: a reload changes rows only if this changes."""
    return hashlib.sha256(_json(_plain(article)).encode("utf-8")).hexdigest()


# Field names per dataclass type, looked up once: `_plain` is called for every record of every article.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives, as far as JSON can tell, without its deep copies.

    The JSON of this is the JSON of `asdict(article)` character for character (tuples and lists both become
    arrays, other leaves go to json as they are), so stored record hashes stay valid.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        return [_plain(item) for item in value]
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(kind):
            if isinstance(value, list | tuple):
                return [_plain(item) for item in value]
            if isinstance(value, dict):
                return {_plain(key): _plain(item) for key, item in value.items()}
            return value
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return {name: _plain(getattr(value, name)) for name in names}


def load_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    documents: Sequence[RawDocument] = (),
    cleaned: Sequence[CleanDocument] = (),
    articles: Sequence[Article] = (),
    duplicates: Sequence[Duplicate] = (),
    fingerprints: Sequence[tuple[str, int, int]] = (),
    rejects: Sequence[Reject] = (),
    visits: Sequence[UrlVisit] = (),
    stories: StoryResult | None = None,
    shingles: Sequence[tuple[str, str, bytes, bytes]] = (),
    seconds: MutableMapping[str, float] | None = None,
) -> dict[str, int]:
    """Write one batch in one transaction; returns rows written (inserted or changed) per table.

    With `seconds`, the wall-clock time of each table's writes is added to it (and the commit's to "commit").
    """
    with transaction(con, seconds):
        return write_batch(
            con,
            run_id,
            documents=documents,
            cleaned=cleaned,
            articles=articles,
            duplicates=duplicates,
            fingerprints=fingerprints,
            rejects=rejects,
            visits=visits,
            stories=stories,
            shingles=shingles,
            seconds=seconds,
        )


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, seconds: MutableMapping[str, float] | None = None
) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back on any error: readers see all of it or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        with _timed(seconds, "commit"):
            con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def write_batch(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    documents: Sequence[RawDocument] = (),
    cleaned: Sequence[CleanDocument] = (),
    articles: Sequence[Article] = (),
    duplicates: Sequence[Duplicate] = (),
    fingerprints: Sequence[tuple[str, int, int]] = (),
    rejects: Sequence[Reject] = (),
    visits: Sequence[UrlVisit] = (),
    stories: StoryResult | None = None,
    shingles: Sequence[tuple[str, str, bytes, bytes]] = (),
    seconds: MutableMapping[str, float] | None = None,
) -> dict[str, int]:
    """The writes of `load_batch` inside a transaction the caller holds (reprocessing adds deletes to it)."""
    # Pages seen for the first time grow their host's template statistics (a later version does not).
    with _timed(seconds, "host_pages"):
        locations = sorted({document.location for document in documents}) if cleaned else []
        fresh = set(locations) - known_locations(con, locations)
    with _timed(seconds, "documents"):
        counts = {"documents": _load_documents(con, run_id, documents)}
    with _timed(seconds, "host_pages"):
        if fresh and (pages := record_template_blocks(con, cleaned, fresh)):
            counts["host_pages"] = pages
    # Before the rejects: a URL fetched at last drops its old ingest rejects, this batch's new ones stay.
    if visits:
        with _timed(seconds, "web_urls"):
            counts["web_urls"] = record_visits(con, run_id, visits)
    with _timed(seconds, "removed_segments"):
        counts["removed_segments"] = _load_removed_segments(con, cleaned)
    counts.update(_load_articles(con, run_id, articles, seconds))
    if articles:
        with _timed(seconds, "entity_aliases"):
            if aliases := record_aliases(con, [article.article_id for article in articles]):
                counts["entity_aliases"] = aliases
    with _timed(seconds, "fingerprints"):
        counts["fingerprints"] = _load_fingerprints(con, fingerprints)
    if shingles:
        with _timed(seconds, "text_shingles"):
            counts["text_shingles"] = _load_shingles(con, shingles)
    with _timed(seconds, "duplicates"):
        counts["duplicates"] = _load_duplicates(con, run_id, duplicates)
    if stories is not None and stories.assignments:
        with _timed(seconds, "story_clusters"):
            counts["story_clusters"] = _load_stories(con, run_id, stories)
    with _timed(seconds, "rejects"):
        counts["rejects"] = _load_rejects(con, run_id, rejects)
    return counts


def _load_documents(con: duckdb.DuckDBPyConnection, run_id: str, documents: Sequence[RawDocument]) -> int:
    latest = list({document.doc_id: document for document in documents}.values())
    columns = [
        [d.doc_id for d in latest],
        [d.source for d in latest],
        [d.location for d in latest],
        [d.url for d in latest],
        [_utc(d.fetched_at) for d in latest],
        [d.content_type for d in latest],
        [d.charset for d in latest],
        _binary_array([_stored_document(d) for d in latest]),
        [RAW_ENCODING] * len(latest),
        [d.raw_sha256 for d in latest],
        [run_id] * len(latest),
        [d.http_status for d in latest],
        [d.final_url for d in latest],
        [d.etag for d in latest],
        [d.last_modified for d in latest],
    ]
    # A document id names the item; new bytes under it (a re-fetch of a changed page) replace the old ones,
    # the same bytes again change nothing.
    return _upsert(
        con,
        "documents",
        _arrow_columns(DOCUMENT_SCHEMA, columns),
        keys=["doc_id"],
        changed_when="documents.raw_sha256 IS DISTINCT FROM excluded.raw_sha256",
        computed={"loaded_at": "current_timestamp"},
    )


# Raw pages are stored gzip-compressed (level 1: 165 MB/s, HTML to about a quarter). Compressing before
# DuckDB sees the bytes made landing about three times cheaper: its checkpoint after each batch rewrites the
# partly filled row groups of `documents`, and it compressed the raw pages again every time.
RAW_ENCODING = "gzip"


def _stored(raw: bytes) -> bytes:
    return gzip.compress(raw, compresslevel=1, mtime=0)


# Compression started ahead of the load, on threads (zlib releases the GIL): the flow's one thread, which
# dedupes and loads batch after batch, then finds the bytes compressed (~1 ms a page it no longer spends).
_AHEAD: dict[str, Future[bytes]] = {}
_AHEAD_LIMIT = 20_000
_compressor: ThreadPoolExecutor | None = None


def compress_ahead(documents: Sequence[RawDocument]) -> None:
    """Start compressing these documents' raw bytes for storage; `load_batch` picks the results up."""
    global _compressor
    if _compressor is None:
        _compressor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wirehouse-gzip")
    if len(_AHEAD) > _AHEAD_LIMIT:
        _AHEAD.clear()  # batches staged instead of loaded never collect theirs
    for document in documents:
        if document.raw_sha256 not in _AHEAD:
            _AHEAD[document.raw_sha256] = _compressor.submit(_stored, document.raw)


def _stored_document(document: RawDocument) -> bytes:
    ahead = _AHEAD.pop(document.raw_sha256, None)
    return ahead.result() if ahead is not None else _stored(document.raw)


def raw_bytes(stored: bytes | None, encoding: str | None) -> bytes:
    """The bytes of a document as they were read, from `documents.raw` and `documents.raw_encoding`."""
    if stored is None:
        return b""
    if encoding == RAW_ENCODING:
        return gzip.decompress(stored)
    if encoding is None:
        return bytes(stored)  # rows loaded before raw pages were compressed
    raise ValueError(f"documents.raw_encoding {encoding!r} is not one this version reads")


def _binary_array(values: Sequence[bytes]) -> pa.Array:
    """A binary Arrow array made from one joined buffer and its offsets: a memory copy, not one per value.

    (`pa.array` over a list of page-sized bytes objects is several times slower.)
    """
    sizes = np.fromiter((len(value) for value in values), dtype=np.int64, count=len(values))
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    if offsets[-1] >= 2**31:
        return pa.array(values, type=pa.binary())  # past 32-bit offsets: let Arrow split it into chunks
    buffers = [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(b"".join(values))]
    return pa.Array.from_buffers(pa.binary(), len(values), buffers)


def _load_removed_segments(con: duckdb.DuckDBPyConnection, cleaned: Sequence[CleanDocument]) -> int:
    latest = {document.doc_id: document for document in cleaned}
    if not latest:
        return 0
    segments = {
        (document.doc_id, segment.position): (document.doc_id, segment.position, segment.text, segment.reason)
        for document in latest.values()
        for segment in document.removed
    }
    batch = _arrow(REMOVED_SCHEMA, list(segments.values()))
    with _registered(con, "_load_removed_segments", batch) as view:
        # Segments a re-clean no longer removes go; new or changed ones come in; identical ones stay put.
        con.execute(
            f"DELETE FROM removed_segments AS t WHERE {_ids_in('t.doc_id')} AND NOT EXISTS ("
            f"SELECT 1 FROM {view} AS b WHERE b.doc_id = t.doc_id AND b.position = t.position "
            "AND b.text = t.text AND b.reason = t.reason)",
            [list(latest)],
        )
        return _count(
            con.execute(
                f"INSERT INTO removed_segments (doc_id, position, text, reason) "
                f"SELECT b.doc_id, b.position, b.text, b.reason FROM {view} AS b WHERE NOT EXISTS ("
                "SELECT 1 FROM removed_segments AS t WHERE t.doc_id = b.doc_id AND t.position = b.position)"
            )
        )


def _merged_entities(entities: Sequence[Entity]) -> list[Entity]:
    # The table is keyed on (name, type) per article: one listed twice by the extractor is still one entity.
    merged: dict[tuple[str, str], Entity] = {}
    for entity in entities:
        key = (entity.name, entity.type)
        if key in merged:
            seen = merged[key]
            entity = dataclasses.replace(
                seen,
                mentions=seen.mentions + entity.mentions,
                first_offset=min(seen.first_offset, entity.first_offset),
                country_code=seen.country_code or entity.country_code,
                aliases=tuple(dict.fromkeys((*seen.aliases, *entity.aliases))),
                latitude=seen.latitude if seen.latitude is not None else entity.latitude,
                longitude=seen.longitude if seen.longitude is not None else entity.longitude,
            )
        merged[key] = entity
    return list(merged.values())


def _child_columns(articles: Sequence[Article]) -> dict[str, list[list[Any]]]:
    """The derived rows of these articles, one Python list per column of each child table.

    Built column by column in one pass, so Arrow takes each column whole (no per-row tuples to transpose).
    """
    tables: dict[str, list[list[Any]]] = {
        table: [[] for _ in schema] for table, schema in _ARTICLE_CHILDREN.items()
    }
    e_id, e_name, e_type, e_mentions, e_first, e_country, e_aliases, e_lat, e_lon = tables["entities"]
    m_id, m_pos, m_name, m_type, m_surface, m_start, m_end = tables["entity_mentions"]
    q_id, q_pos, q_text, q_speaker, q_cue, q_start, q_end, q_kind = tables["quotes"]
    l_id, l_pos, l_url, l_anchor, l_kind = tables["links"]
    d_id, d_pos, d_text, d_start_date, d_end_date, d_start, d_end = tables["dates_mentioned"]
    a_id, a_pos, a_text, a_value, a_unit, a_start, a_end = tables["amounts"]
    for article in articles:
        article_id = article.article_id
        entities = _merged_entities(article.entities)
        e_id += [article_id] * len(entities)
        e_name += [e.name for e in entities]
        e_type += [e.type for e in entities]
        e_mentions += [e.mentions for e in entities]
        e_first += [e.first_offset for e in entities]
        e_country += [e.country_code for e in entities]
        e_aliases += [list(e.aliases) for e in entities]
        e_lat += [e.latitude for e in entities]
        e_lon += [e.longitude for e in entities]
        mentions = article.mentions
        m_id += [article_id] * len(mentions)
        m_pos += range(len(mentions))
        m_name += [m.name for m in mentions]
        m_type += [m.type for m in mentions]
        m_surface += [m.surface for m in mentions]
        m_start += [m.start for m in mentions]
        m_end += [m.end for m in mentions]
        quotes = article.quotes
        q_id += [article_id] * len(quotes)
        q_pos += range(len(quotes))
        q_text += [q.text for q in quotes]
        q_speaker += [q.speaker for q in quotes]
        q_cue += [q.cue for q in quotes]
        q_start += [q.start for q in quotes]
        q_end += [q.end for q in quotes]
        q_kind += [q.kind for q in quotes]
        links = article.links
        l_id += [article_id] * len(links)
        l_pos += range(len(links))
        l_url += [link.url for link in links]
        l_anchor += [link.anchor for link in links]
        l_kind += [link.kind for link in links]
        dates = article.dates
        d_id += [article_id] * len(dates)
        d_pos += range(len(dates))
        d_text += [d.text for d in dates]
        d_start_date += [d.start_date for d in dates]
        d_end_date += [d.end_date for d in dates]
        d_start += [d.start for d in dates]
        d_end += [d.end for d in dates]
        amounts = article.amounts
        a_id += [article_id] * len(amounts)
        a_pos += range(len(amounts))
        a_text += [a.text for a in amounts]
        a_value += [a.value for a in amounts]
        a_unit += [a.unit for a in amounts]
        a_start += [a.start for a in amounts]
        a_end += [a.end for a in amounts]
    return tables


def _load_articles(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    articles: Sequence[Article],
    seconds: MutableMapping[str, float] | None = None,
) -> dict[str, int]:
    counts = {"articles": 0, **dict.fromkeys(_ARTICLE_CHILDREN, 0)}
    latest = {article.article_id: article for article in articles}
    if not latest:
        return counts
    with _timed(seconds, "articles"):
        hashes = {article_id: record_hash(article) for article_id, article in latest.items()}
        stored = dict(
            con.execute(
                f"SELECT article_id, record_sha256 FROM articles WHERE {_ids_in('article_id')}",
                [list(latest)],
            ).fetchall()
        )
        changed = [
            article for article_id, article in latest.items() if stored.get(article_id) != hashes[article_id]
        ]
        if not changed:
            return counts
        rows = [
            (
                a.article_id,
                a.doc_id,
                a.source,
                a.url,
                a.canonical_url,
                a.site,
                a.title,
                a.subtitle,
                list(a.authors),
                _utc(a.published_at),
                _utc(a.updated_at),
                a.language,
                a.image_url,
                a.image_caption,
                a.text,
                a.word_count,
                a.text_sha256,
                _json(a.evidence),
                hashes[a.article_id],
                run_id,
                a.kind,
                a.tone,
                a.section,
                list(a.tags),
                a.image_credit,
            )
            for a in changed
        ]
        counts["articles"] = _upsert(
            con,
            "articles",
            _arrow(ARTICLE_SCHEMA, rows),
            keys=["article_id"],
            changed_when="articles.record_sha256 IS DISTINCT FROM excluded.record_sha256",
            computed={"loaded_at": "current_timestamp"},
        )
    with _timed(seconds, "children: columns"):
        changed_ids = [article.article_id for article in changed]
        children = _child_columns(changed)
    for table, schema in _ARTICLE_CHILDREN.items():
        with _timed(seconds, table):
            # An article's derived rows are replaced as a set: one DELETE and one INSERT per table per batch.
            con.execute(f"DELETE FROM {table} WHERE {_ids_in('article_id')}", [changed_ids])
            if not children[table][0]:
                continue
            columns = ", ".join(schema.names)
            with _registered(con, f"_load_{table}", _arrow_columns(schema, children[table])) as view:
                counts[table] = _count(
                    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
                )
    return counts


def _load_fingerprints(con: duckdb.DuckDBPyConnection, fingerprints: Sequence[tuple[str, int, int]]) -> int:
    latest = {(article_id, band): (article_id, band, value) for article_id, band, value in fingerprints}
    if not latest:
        return 0
    article_ids = sorted({article_id for article_id, _ in latest})
    with _registered(con, "_load_fingerprints", _arrow(FINGERPRINT_SCHEMA, list(latest.values()))) as view:
        # The bands of an article are replaced as a set: stale bands go, identical ones stay put.
        con.execute(
            f"DELETE FROM fingerprints AS t WHERE {_ids_in('t.article_id')} AND NOT EXISTS ("
            f"SELECT 1 FROM {view} AS b WHERE b.article_id = t.article_id AND b.band = t.band "
            "AND b.hash = t.hash)",
            [article_ids],
        )
        return _count(
            con.execute(
                f"INSERT INTO fingerprints (article_id, band, hash) SELECT b.article_id, b.band, b.hash "
                f"FROM {view} AS b WHERE NOT EXISTS (SELECT 1 FROM fingerprints AS t "
                "WHERE t.article_id = b.article_id AND t.band = b.band)"
            )
        )


def _load_shingles(con: duckdb.DuckDBPyConnection, shingles: Sequence[tuple[str, str, bytes, bytes]]) -> int:
    latest = {row[0]: row for row in shingles}
    columns = [list(column) for column in zip(*latest.values(), strict=True)]
    con.execute(f"DELETE FROM text_shingles WHERE {_ids_in('article_id')}", [columns[0]])
    table = pa.table(dict(zip(SHINGLE_SCHEMA.names, columns, strict=True)), schema=SHINGLE_SCHEMA)
    with _registered(con, "_load_text_shingles", table) as view:
        columns_sql = ", ".join(SHINGLE_SCHEMA.names)
        return _count(
            con.execute(f"INSERT INTO text_shingles ({columns_sql}) SELECT {columns_sql} FROM {view}")
        )


def _load_duplicates(con: duckdb.DuckDBPyConnection, run_id: str, duplicates: Sequence[Duplicate]) -> int:
    latest = {d.article_id: d for d in duplicates if d.article_id != d.canonical_id}
    rows = [(d.article_id, d.canonical_id, d.kind, float(d.similarity), run_id) for d in latest.values()]
    written = _upsert(
        con,
        "duplicates",
        _arrow(DUPLICATE_SCHEMA, rows),
        keys=["article_id"],
        changed_when="(duplicates.canonical_id, duplicates.kind, duplicates.similarity) "
        "IS DISTINCT FROM (excluded.canonical_id, excluded.kind, excluded.similarity)",
        computed={"found_at": "current_timestamp"},
    )
    if written:
        _flatten_duplicate_chains(con)
    return written


def _flatten_duplicate_chains(con: duckdb.DuckDBPyConnection) -> None:
    # When an original arrives after its copy, the copy (already stored) now points at the original, and
    # rows that pointed at the copy must follow it, so every duplicate names a canonical article directly.
    for _ in range(_MAX_CHAIN):
        moved = _count(
            con.execute(
                "UPDATE duplicates SET canonical_id = parent.canonical_id FROM duplicates AS parent "
                "WHERE duplicates.canonical_id = parent.article_id "
                "AND parent.canonical_id <> duplicates.canonical_id"
            )
        )
        if not moved:
            break
    con.execute("DELETE FROM duplicates WHERE article_id = canonical_id")


STORY_TERM_SCHEMA = pa.schema([("article_id", _TEXT), ("term", _TEXT), ("at", _TIME)])
STORY_CLUSTER_SCHEMA = pa.schema(
    [
        ("article_id", _TEXT),
        ("cluster_id", _TEXT),
        ("similarity", pa.float64()),
        ("at", _TIME),
        ("run_id", _TEXT),
    ]
)


def _load_stories(con: duckdb.DuckDBPyConnection, run_id: str, stories: StoryResult) -> int:
    """Each new article's cluster, its story terms and their counts; an article keeps the cluster it joined.

    Terms and cluster rows are written together, so an article with a cluster row has its terms already:
    the cluster table's key decides what is new, which keeps a batch loaded twice from counting twice.
    """
    wanted = sorted({assignment.article_id for assignment in stories.assignments})
    known = {
        article_id
        for (article_id,) in con.execute(
            f"SELECT article_id FROM story_clusters WHERE {_ids_in('article_id')}", [wanted]
        ).fetchall()
    }
    assignments = [a for a in stories.assignments if a.article_id not in known]
    if not assignments:
        return 0
    fresh = {assignment.article_id for assignment in assignments}
    terms = [(article_id, term, _utc(at)) for article_id, term, at in stories.terms if article_id in fresh]
    with _registered(con, "_load_story_terms", _arrow(STORY_TERM_SCHEMA, terms)) as view:
        con.execute(f'INSERT INTO story_terms SELECT article_id, term, "at" FROM {view}').fetchall()
        con.execute(
            f"INSERT INTO story_term_counts (term, articles) SELECT term, count(*) FROM {view} GROUP BY term "
            "ON CONFLICT (term) DO UPDATE SET articles = story_term_counts.articles + excluded.articles"
        ).fetchall()
    rows = [(a.article_id, a.cluster_id, a.similarity, _utc(a.at), run_id) for a in assignments]
    with _registered(con, "_load_story_clusters", _arrow(STORY_CLUSTER_SCHEMA, rows)) as view:
        return _count(
            con.execute(
                'INSERT INTO story_clusters (article_id, cluster_id, similarity, "at", joined_at, run_id) '
                f'SELECT article_id, cluster_id, similarity, "at", current_timestamp, run_id FROM {view}'
            )
        )


def _load_rejects(con: duckdb.DuckDBPyConnection, run_id: str, rejects: Sequence[Reject]) -> int:
    latest = {(r.source, r.stage, r.reason): r for r in rejects}
    rows = [(run_id, r.source, r.stage, r.reason, r.message) for r in latest.values()]
    # One row per (source, stage, reason): a later run that fails the same way takes the row over.
    return _upsert(
        con,
        "rejects",
        _arrow(REJECT_SCHEMA, rows),
        keys=["source", "stage", "reason"],
        changed_when="(rejects.run_id, rejects.message) IS DISTINCT FROM (excluded.run_id, excluded.message)",
        computed={"at": "current_timestamp"},
    )


def known_locations(con: duckdb.DuckDBPyConnection, locations: list[str]) -> set[str]:
    """The locations (paths or canonical URLs) among these that some stored document was read from."""
    if not locations:
        return set()
    rows = con.execute(
        f"SELECT DISTINCT location FROM documents WHERE {_ids_in('location')}", [list(locations)]
    ).fetchall()
    return {location for (location,) in rows}
