"""The warehouse's memory of the web: visits merged into `web_urls`, read back for discovery."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

import warehouse
from tasks.records import Reject, UrlVisit
from warehouse.migrations import migrations
from warehouse.web_urls import StoredWebMemory, record_visits, url_states

FEED = "https://news.example/rss.xml"
PAGE = "https://news.example/world/bridge"
LISTED_AT = datetime(2024, 10, 28, 12, tzinfo=UTC)


def listed(url: str = PAGE, **changes: object) -> UrlVisit:
    fields: dict = {
        "url": url,
        "kind": "page",
        "source": FEED,
        "outcome": "listed",
        "via": FEED,
        "hints": (("title", "Bridge opens"),),
        "listed_at": LISTED_AT,
    }
    return UrlVisit(**{**fields, **changes})


def fetched(url: str = PAGE, **changes: object) -> UrlVisit:
    fields: dict = {
        "url": url,
        "kind": "page",
        "source": FEED,
        "outcome": "fetched",
        "http_status": 200,
        "etag": '"v1"',
        "last_modified": "Mon, 28 Oct 2024 12:00:00 GMT",
        "doc_id": "doc-1",
    }
    return UrlVisit(**{**fields, **changes})


def row(con: duckdb.DuckDBPyConnection, url: str = PAGE) -> dict:
    cursor = con.execute("SELECT * FROM web_urls WHERE url = ?", [url])
    names = [column[0] for column in cursor.description]
    (found,) = cursor.fetchall()
    return dict(zip(names, found, strict=True))


def test_a_listing_then_a_fetch_then_a_failure_keep_the_stored_copy(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        record_visits(con, "run-1", [listed()])
        first = row(con)
        assert (first["outcome"], first["doc_id"], first["last_checked_at"]) == ("listed", None, None)

        record_visits(con, "run-1", [fetched()])
        record_visits(con, "run-2", [fetched(outcome="rejected", reason="timeout", doc_id=None, etag=None)])
        after = row(con)

    assert after["outcome"] == "rejected" and after["reason"] == "timeout" and after["attempts"] == 1
    # The failure does not forget the copy fetched before, nor its validators, nor the feed's hints.
    assert (after["doc_id"], after["etag"], after["fetches"]) == ("doc-1", '"v1"', 1)
    assert after["via"] == FEED and after["listed_at"] == LISTED_AT
    assert '"title"' in after["hints"]


def test_a_success_resets_attempts_and_clears_the_urls_ingest_rejects(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", rejects=[Reject(PAGE, "ingest", "http_5xx", "HTTP 503")])
        for run in ("run-1", "run-2"):
            record_visits(con, run, [fetched(outcome="rejected", reason="http_5xx", doc_id=None)])
        assert row(con)["attempts"] == 2

        record_visits(con, "run-3", [fetched(outcome="unchanged", http_status=304, doc_id=None)])

        assert row(con)["attempts"] == 0 and row(con)["outcome"] == "unchanged"
        assert con.execute("SELECT count(*) FROM rejects WHERE source = ?", [PAGE]).fetchone() == (0,)


def test_a_listing_and_a_fetch_in_one_batch_make_one_row_with_both(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        written = record_visits(con, "run-1", [listed(), fetched()])
        state = url_states(con, [PAGE])[PAGE]

    assert written == 1
    assert (state.outcome, state.doc_id, state.via, state.hints) == (
        "fetched",
        "doc-1",
        FEED,
        (("title", "Bridge opens"),),
    )


def test_recording_the_same_visits_again_changes_no_state(warehouse_path: Path) -> None:
    visits = [
        UrlVisit(FEED, "feed", FEED, "fetched", http_status=200, etag='"feed-1"'),
        listed(),
        listed("https://news.example/world/rain", hints=()),
    ]
    with warehouse.writer(warehouse_path) as con:
        record_visits(con, "run-1", visits)
        before = con.execute(
            "SELECT * EXCLUDE (fetches, last_checked_at) FROM web_urls ORDER BY url"
        ).fetchall()
        record_visits(con, "run-1", visits)
        after = con.execute(
            "SELECT * EXCLUDE (fetches, last_checked_at) FROM web_urls ORDER BY url"
        ).fetchall()
        count = con.execute("SELECT count(*) FROM web_urls").fetchone()

    assert before == after and count == (3,)


def test_what_a_feed_listed_is_read_back_for_a_304(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        record_visits(
            con, "run-1", [listed(), listed("https://news.example/world/rain"), listed("x", via="y")]
        )
    memory = StoredWebMemory(str(warehouse_path), wait_seconds=1)

    pages = memory.listed_by([FEED])

    assert [page.url for page in pages] == [PAGE, "https://news.example/world/rain"]
    assert memory.states([PAGE])[PAGE].listed_at == LISTED_AT
    assert memory.states([]) == {} and memory.listed_by([]) == []


def test_a_busy_warehouse_makes_discovery_go_on_as_if_everything_were_new(
    warehouse_path: Path, held_by_another_process: Callable[..., Any]
) -> None:
    with warehouse.writer(warehouse_path) as con:
        record_visits(con, "run-1", [listed()])
    memory = StoredWebMemory(str(warehouse_path), wait_seconds=0.2)

    with held_by_another_process(warehouse_path, 30.0):
        assert memory.states([PAGE]) == {}
        assert memory.unavailable and "held by" in memory.unavailable
        started = time.monotonic()
        assert memory.listed_by([FEED]) == []
        assert time.monotonic() - started < 0.2  # once found busy, discovery stops asking

    assert memory.listed_by([FEED]) == []  # and stays without memory for the rest of the run


def test_migration_remembers_pages_fetched_before_web_urls_existed(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
    )
    for migration in migrations():
        if migration.version < 4:
            con.execute(migration.path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())", [migration.version, migration.name]
            )
    for doc_id, location, fetched_at in [
        ("d1", PAGE, "2024-10-27 10:00:00+00"),
        ("d2", PAGE, "2024-10-28 10:00:00+00"),
        ("d3", "/saved/story.html", "2024-10-28 10:00:00+00"),
    ]:
        con.execute(
            "INSERT INTO documents (doc_id, source, location, fetched_at, loaded_at) "
            "VALUES (?, 's', ?, ?, now())",
            [doc_id, location, fetched_at],
        )

    warehouse.migrate(con)

    assert con.execute("SELECT url, kind, outcome, doc_id, fetches FROM web_urls").fetchall() == [
        (PAGE, "page", "fetched", "d2", 2)
    ]
    con.close()
