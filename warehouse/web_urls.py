"""The warehouse's memory of the web: what each canonical URL came to, so runs fetch only what is new.

`record_visits` merges a run's visits into `web_urls`; `url_states` and `listed_by` read them back.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import duckdb
import pyarrow as pa

from tasks.records import UrlState, UrlVisit
from warehouse.connection import WarehouseLocked, writer

_T = TypeVar("_T")

_TEXT = pa.string()
VISIT_SCHEMA = pa.schema(
    [
        ("url", _TEXT),
        ("kind", _TEXT),
        ("source", _TEXT),
        ("via", _TEXT),
        ("hints", _TEXT),
        ("listed_at", pa.timestamp("us", tz="UTC")),
        ("outcome", _TEXT),
        ("reason", _TEXT),
        ("http_status", pa.int32()),
        ("final_url", _TEXT),
        ("etag", _TEXT),
        ("last_modified", _TEXT),
        ("doc_id", _TEXT),
    ]
)
_STATE_COLUMNS = "url, kind, outcome, doc_id, etag, last_modified, attempts, via, hints, listed_at"

# A later visit refines what is known: a listing adds hints but leaves the fetch state alone, a fetch
# replaces the state, a failure counts an attempt and keeps the stored copy (and its validators).
_MERGE = """
INSERT INTO web_urls (url, kind, source, via, hints, listed_at, first_seen_at, last_checked_at, outcome,
                      reason, http_status, final_url, etag, last_modified, doc_id, attempts, fetches, run_id)
SELECT v.url, v.kind, v.source, v.via, CAST(v.hints AS JSON), v.listed_at, current_timestamp,
       CASE WHEN v.outcome = 'listed' THEN NULL ELSE current_timestamp END,
       v.outcome, v.reason, v.http_status, v.final_url, v.etag, v.last_modified, v.doc_id,
       CASE WHEN v.outcome = 'rejected' THEN 1 ELSE 0 END,
       CASE WHEN v.outcome IN ('fetched', 'unchanged') THEN 1 ELSE 0 END,
       $run_id
FROM _visits AS v
ON CONFLICT (url) DO UPDATE SET
    kind = excluded.kind,
    via = COALESCE(web_urls.via, excluded.via),
    hints = COALESCE(excluded.hints, web_urls.hints),
    listed_at = COALESCE(excluded.listed_at, web_urls.listed_at),
    last_checked_at = COALESCE(excluded.last_checked_at, web_urls.last_checked_at),
    outcome = CASE WHEN excluded.outcome = 'listed' THEN web_urls.outcome ELSE excluded.outcome END,
    reason = CASE excluded.outcome
        WHEN 'listed' THEN web_urls.reason WHEN 'rejected' THEN excluded.reason ELSE NULL END,
    http_status = COALESCE(excluded.http_status, web_urls.http_status),
    final_url = COALESCE(excluded.final_url, web_urls.final_url),
    etag = CASE WHEN excluded.outcome = 'fetched' THEN excluded.etag ELSE web_urls.etag END,
    last_modified = CASE
        WHEN excluded.outcome = 'fetched' THEN excluded.last_modified ELSE web_urls.last_modified END,
    doc_id = COALESCE(excluded.doc_id, web_urls.doc_id),
    attempts = CASE excluded.outcome
        WHEN 'rejected' THEN web_urls.attempts + 1 WHEN 'listed' THEN web_urls.attempts ELSE 0 END,
    fetches = web_urls.fetches + excluded.fetches,
    run_id = CASE WHEN excluded.outcome = 'listed' THEN web_urls.run_id ELSE excluded.run_id END
"""


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def record_visits(con: duckdb.DuckDBPyConnection, run_id: str, visits: Sequence[UrlVisit]) -> int:
    """Merge what happened to each URL into `web_urls`; inside the caller's transaction. Returns URLs written.

    A page that is fetched at last no longer counts among the ingest rejects: its old failure rows go.
    """
    latest: dict[str, UrlVisit] = {}
    for visit in visits:
        prior = latest.get(visit.url)
        if prior is None:
            latest[visit.url] = visit
            continue
        # A listing and a fetch of one URL in a batch make one row: the fetch's state, the listing's hints.
        fetch, listing = (prior, visit) if visit.outcome == "listed" else (visit, prior)
        latest[visit.url] = dataclasses.replace(
            fetch,
            via=fetch.via or listing.via,
            hints=fetch.hints or listing.hints,
            listed_at=fetch.listed_at or listing.listed_at,
        )
    if not latest:
        return 0
    rows = [
        (
            v.url,
            v.kind,
            v.source,
            v.via,
            json.dumps(dict(v.hints), ensure_ascii=False, sort_keys=True) if v.hints else None,
            _utc(v.listed_at),
            v.outcome,
            v.reason,
            v.http_status,
            v.final_url,
            v.etag,
            v.last_modified,
            v.doc_id,
        )
        for v in latest.values()
    ]
    columns = list(zip(*rows, strict=True))
    table = pa.Table.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, VISIT_SCHEMA, strict=True)],
        schema=VISIT_SCHEMA,
    )
    con.register("_visits", table)
    try:
        con.execute(_MERGE, {"run_id": run_id}).fetchall()
    finally:
        con.unregister("_visits")
    succeeded = [v.url for v in latest.values() if v.outcome in ("fetched", "unchanged")]
    if succeeded:
        con.execute(
            "DELETE FROM rejects WHERE stage = 'ingest' AND source IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [succeeded],
        ).fetchall()
    return len(latest)


def _state(row: tuple) -> UrlState:
    url, kind, outcome, doc_id, etag, last_modified, attempts, via, hints, listed_at = row
    pairs = tuple(sorted(json.loads(hints).items())) if hints else ()
    return UrlState(
        url=url,
        kind=kind,
        outcome=outcome,
        doc_id=doc_id,
        etag=etag,
        last_modified=last_modified,
        attempts=attempts,
        via=via,
        hints=tuple((str(name), str(value)) for name, value in pairs),
        listed_at=listed_at,
    )


def url_states(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, UrlState]:
    """What earlier runs left of these URLs (those never met are absent)."""
    if not urls:
        return {}
    rows = con.execute(
        f"SELECT {_STATE_COLUMNS} FROM web_urls WHERE url IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [list(urls)],
    ).fetchall()
    return {row[0]: _state(row) for row in rows}


def listed_by(con: duckdb.DuckDBPyConnection, via: Sequence[str]) -> list[UrlState]:
    """The URLs these feeds or sitemaps listed in earlier runs, in the order they were first met."""
    if not via:
        return []
    rows = con.execute(
        f"SELECT {_STATE_COLUMNS} FROM web_urls WHERE via IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
        "ORDER BY first_seen_at, url",
        [list(via)],
    ).fetchall()
    return [_state(row) for row in rows]


class StoredWebMemory:
    """`web_urls` looked up for discovery, each lookup a short connection so readers are never kept out.

    When the warehouse stays busy past `wait_seconds`, the run goes on as if everything were new (loading is
    idempotent, so that costs requests, never rows) and stops asking.
    """

    def __init__(self, path: str, *, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self.unavailable: str | None = None

    def _read(
        self, lookup: Callable[[duckdb.DuckDBPyConnection, Sequence[str]], _T], values: Sequence[str]
    ) -> _T | None:
        if not values or self.unavailable:
            return None
        try:
            with writer(self.path, wait_seconds=self.wait_seconds) as con:
                return lookup(con, values)
        except WarehouseLocked as error:
            self.unavailable = str(error)
            return None

    def states(self, urls: Sequence[str]) -> dict[str, UrlState]:
        return self._read(url_states, urls) or {}

    def listed_by(self, via: Sequence[str]) -> list[UrlState]:
        return self._read(listed_by, via) or []
