"""Tests for warehouse/load.py: runs, incremental skip, and idempotent batch loads in one transaction."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb
import pytest

import warehouse
from tasks.records import Duplicate, Entity, RemovedSegment

TABLES = (
    "documents", "removed_segments", "articles", "entities", "entity_mentions", "quotes", "links",
    "dates_mentioned", "amounts", "fingerprints", "duplicates", "rejects",
)  # fmt: skip


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


@pytest.fixture
def batch(make_document, make_cleaned, make_article, make_reject) -> dict[str, Any]:
    return {
        "documents": [make_document("doc-1"), make_document("doc-2", raw=b"<p>Copy</p>")],
        "cleaned": [make_cleaned("doc-1"), make_cleaned("doc-2", removed=())],
        "articles": [
            make_article("art-1", "doc-1"),
            make_article("art-2", "doc-2", url="https://copy.example/2"),
        ],
        "duplicates": [Duplicate("art-2", "art-1", "exact", 1.0)],
        "fingerprints": [("art-1", 0, 11), ("art-1", 1, 12), ("art-2", 0, 11), ("art-2", 1, 12)],
        "rejects": [make_reject()],
    }


def test_loading_the_same_batch_twice_changes_no_table(warehouse_path: Path, batch: dict[str, Any]) -> None:
    with warehouse.writer(warehouse_path) as con:
        first = warehouse.load_batch(con, "run-1", **batch)
        after_first = table_counts(con)
        second = warehouse.load_batch(con, "run-1", **batch)
        after_second = table_counts(con)
    assert after_first == after_second
    assert after_first == {
        "documents": 2, "removed_segments": 2, "articles": 2, "entities": 4, "entity_mentions": 2,
        "quotes": 2, "links": 2, "dates_mentioned": 2, "amounts": 2, "fingerprints": 4, "duplicates": 1,
        "rejects": 1,
    }  # fmt: skip
    assert first == after_first
    assert set(second) == set(TABLES)
    assert all(count == 0 for count in second.values()), second


def test_reloading_in_a_new_connection_keeps_loaded_at(warehouse_path: Path, batch: dict[str, Any]) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", **batch)
        before = con.execute("SELECT article_id, loaded_at, run_id FROM articles ORDER BY 1").fetchall()
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-2", **batch)
        after = con.execute("SELECT article_id, loaded_at, run_id FROM articles ORDER BY 1").fetchall()
    assert after == before


def test_derived_rows_land_with_offsets_types_and_json(warehouse_path: Path, batch: dict[str, Any]) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", **batch)
        article = con.execute(
            "SELECT authors, published_at, evidence, word_count FROM articles WHERE article_id = 'art-1'"
        ).fetchone()
        quote = con.execute("SELECT text, speaker, cue, start_offset, end_offset FROM quotes").fetchone()
        amount = con.execute("SELECT value, unit FROM amounts WHERE article_id = 'art-1'").fetchone()
        span = con.execute(
            "SELECT start_date, end_date FROM dates_mentioned WHERE article_id = 'art-1'"
        ).fetchone()
        removed = con.execute("SELECT position, reason FROM removed_segments ORDER BY position").fetchall()
        raw = warehouse.raw_bytes(
            *con.execute("SELECT raw, raw_encoding FROM documents WHERE doc_id = 'doc-2'").fetchone()
        )
    assert article[0] == ["Jo Smith"]
    assert article[1] == datetime(2025, 1, 7, 8, 0, tzinfo=UTC)
    assert json.loads(article[2]) == {"published": "json-ld", "title": "og:title"}
    assert quote == ("This bridge will connect two halves of the city", "Ana Lopez", "said", 83, 131)
    assert amount == (120e6, "EUR")
    assert str(span[0]) == "2025-03-01" and str(span[1]) == "2025-03-31"
    assert removed == [(0, "ticker"), (5, "promo")]
    assert raw == b"<p>Copy</p>"


def test_a_changed_article_replaces_its_derived_rows_together(
    warehouse_path: Path, make_article: Callable[..., Any]
) -> None:
    original = make_article("art-1")
    revised = dataclasses.replace(
        original, title="Bridge approved", entities=(Entity("Ana Lopez", "PERSON", 3, 120),), quotes=()
    )
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", articles=[original])
        written = warehouse.load_batch(con, "run-2", articles=[revised])
        entities = con.execute("SELECT name, mentions FROM entities").fetchall()
        title, run_id = con.execute("SELECT title, run_id FROM articles").fetchone()
        quotes = con.execute("SELECT count(*) FROM quotes").fetchone()[0]
        links = con.execute("SELECT count(*) FROM links").fetchone()[0]
    assert written["articles"] == 1 and written["entities"] == 1
    assert entities == [("Ana Lopez", 3)]
    assert (title, run_id) == ("Bridge approved", "run-2")
    assert quotes == 0
    assert links == 1


def test_an_entity_listed_twice_is_merged_into_one_row(warehouse_path: Path, make_article) -> None:
    article = make_article(
        entities=(
            Entity("Ana Lopez", "PERSON", 2, 50, aliases=("Lopez",)),
            Entity("Ana Lopez", "PERSON", 1, 9),
        )
    )
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", articles=[article])
        rows = con.execute("SELECT name, mentions, first_offset, aliases FROM entities").fetchall()
    assert rows == [("Ana Lopez", 3, 9, ["Lopez"])]


def test_a_recleaned_document_drops_segments_no_longer_removed(warehouse_path: Path, make_cleaned) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", cleaned=[make_cleaned("doc-1")])
        written = warehouse.load_batch(
            con,
            "run-2",
            cleaned=[make_cleaned("doc-1", removed=(RemovedSegment(0, "Markets: DAX +0.4%", "ticker"),))],
        )
        rows = con.execute("SELECT position, reason FROM removed_segments").fetchall()
    assert rows == [(0, "ticker")]
    assert written["removed_segments"] == 0


def test_a_rejected_item_keeps_one_row_with_the_latest_run(warehouse_path: Path, make_reject) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", rejects=[make_reject(message="first")])
        warehouse.load_batch(con, "run-2", rejects=[make_reject(message="second")])
        warehouse.load_batch(con, "run-2", rejects=[make_reject(reason="too_short")])
        rows = con.execute('SELECT run_id, reason, message, "at" FROM rejects ORDER BY reason').fetchall()
    assert [(run_id, reason, message) for run_id, reason, message, _ in rows] == [
        ("run-2", "empty_text", "second"),
        ("run-2", "too_short", "no text"),
    ]


def test_a_changed_page_under_the_same_doc_id_replaces_the_bytes(warehouse_path: Path, make_document) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", documents=[make_document(raw=b"old")])
        same = warehouse.load_batch(con, "run-2", documents=[make_document(raw=b"old")])
        changed = warehouse.load_batch(con, "run-3", documents=[make_document(raw=b"new")])
        rows = con.execute("SELECT raw, raw_encoding, run_id FROM documents").fetchall()
    assert (same["documents"], changed["documents"]) == (0, 1)
    assert [(warehouse.raw_bytes(raw, encoding), run) for raw, encoding, run in rows] == [(b"new", "run-3")]


def test_naive_times_are_stored_as_utc(warehouse_path: Path, make_article) -> None:
    naive = make_article(published_at=datetime(2025, 1, 7, 8, 0))
    aware = make_article(
        "art-2", published_at=datetime(2025, 1, 7, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    )
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", articles=[naive, aware])
        times = {row[0] for row in con.execute("SELECT published_at FROM articles").fetchall()}
    assert times == {datetime(2025, 1, 7, 8, 0, tzinfo=UTC)}


def test_a_copy_of_a_copy_points_at_the_original(warehouse_path: Path, make_article) -> None:
    articles = [make_article(article_id) for article_id in ("original", "copy", "late-copy")]
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(
            con, "run-1", articles=articles, duplicates=[Duplicate("late-copy", "copy", "exact", 1.0)]
        )
        # The original turned up later than its copy: the copy now points at it, and so must the copy's copy.
        warehouse.load_batch(con, "run-2", duplicates=[Duplicate("copy", "original", "near", 0.9)])
        rows = con.execute("SELECT article_id, canonical_id FROM duplicates ORDER BY 1").fetchall()
        canonical = con.execute("SELECT article_id FROM canonical_articles").fetchall()
    assert rows == [("copy", "original"), ("late-copy", "original")]
    assert canonical == [("original",)]


def test_a_failing_batch_writes_nothing(warehouse_path: Path, make_document, make_article) -> None:
    broken = dataclasses.replace(make_article("art-2"), text=None)  # NOT NULL column: fails mid-batch
    with warehouse.writer(warehouse_path) as con:
        with pytest.raises(duckdb.Error):
            warehouse.load_batch(con, "run-1", documents=[make_document()], articles=[make_article(), broken])
        assert table_counts(con) == dict.fromkeys(TABLES, 0)


def test_known_documents_lists_only_loaded_ids(warehouse_path: Path, make_document) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", documents=[make_document("doc-1")])
        assert warehouse.known_documents(con, ["doc-1", "doc-9"]) == {"doc-1"}
        assert warehouse.known_documents(con, []) == set()


def test_runs_record_start_parameters_end_and_counts(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        warehouse.start_run(con, "run-1", flow_run_id="fr-1", deployment="daily", parameters={"limit": 5})
        running = con.execute("SELECT status, finished_at, started_at FROM runs").fetchone()
        warehouse.finish_run(con, "run-1", "completed", {"articles": 3})
        row = con.execute(
            "SELECT flow_run_id, deployment, status, parameters, counts, started_at, finished_at FROM runs"
        ).fetchone()
    assert running[:2] == ("running", None)
    assert row[:3] == ("fr-1", "daily", "completed")
    assert json.loads(row[3]) == {"limit": 5} and json.loads(row[4]) == {"articles": 3}
    assert row[5] == running[2] and row[6] >= row[5]


def test_section_tags_and_image_credit_land_on_the_article(warehouse_path: Path, make_article) -> None:
    article = make_article(
        section="Politics", tags=("harbour", "council budget"), image_credit="Jo Lens/Agency"
    )
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", articles=[article])
        row = con.execute("SELECT section, tags, image_credit FROM canonical_articles").fetchone()
    assert row == ("Politics", ["harbour", "council budget"], "Jo Lens/Agency")


def test_raw_pages_are_stored_compressed_and_read_back_as_read(warehouse_path: Path, make_document) -> None:
    page = ("<html><body>" + "<p>The harbour bridge reopened on Monday.</p>" * 200 + "</body>").encode()
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", documents=[make_document(raw=page)])
        stored, encoding = con.execute("SELECT raw, raw_encoding FROM documents").fetchone()
        # A row loaded before raw pages were compressed has no encoding and is read as it is.
        con.execute("UPDATE documents SET raw = $raw, raw_encoding = NULL", {"raw": page})
        legacy = warehouse.stored_documents(con, ["doc-1"])[0]["raw"]
    assert encoding == "gzip" and len(stored) < len(page) / 10
    assert warehouse.raw_bytes(stored, encoding) == page == legacy
    with pytest.raises(ValueError, match="raw_encoding"):
        warehouse.raw_bytes(stored, "brotli")


def test_raw_bytes_compressed_ahead_are_the_ones_stored(warehouse_path: Path, make_document) -> None:
    documents = [make_document(f"doc-{n}", raw=f"<p>page {n}</p>".encode() * 50) for n in range(3)]
    warehouse.compress_ahead(documents[:2])  # the third is compressed by the load itself
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", documents=documents)
        rows = con.execute("SELECT doc_id, raw, raw_encoding FROM documents ORDER BY doc_id").fetchall()
    assert [(doc_id, warehouse.raw_bytes(raw, encoding)) for doc_id, raw, encoding in rows] == [
        (d.doc_id, d.raw) for d in documents
    ]
