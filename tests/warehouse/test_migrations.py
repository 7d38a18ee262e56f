"""Tests for warehouse/migrations.py: schema files applied once, in order, and recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse
from warehouse.migrations import migrations

REQUIRED_COLUMNS = {
    "documents": {
        "doc_id", "source", "location", "url", "fetched_at", "content_type", "charset", "raw", "raw_sha256",
        "http_status", "final_url", "etag", "last_modified",
    },
    "web_urls": {
        "url", "kind", "source", "via", "hints", "listed_at", "first_seen_at", "last_checked_at", "outcome",
        "reason", "http_status", "etag", "last_modified", "doc_id", "attempts", "fetches",
    },
    "articles": {
        "article_id", "doc_id", "source", "url", "canonical_url", "site", "title", "subtitle", "authors",
        "published_at", "updated_at", "language", "image_url", "image_caption", "text", "word_count",
        "text_sha256", "evidence", "loaded_at", "run_id",
    },
    "entities": {"article_id", "name", "type", "mentions", "first_offset", "country_code"},
    "quotes": {"article_id", "text", "speaker", "cue", "start_offset", "end_offset"},
    "links": {"article_id", "url", "anchor", "kind"},
    "dates_mentioned": {"article_id", "text", "start_date", "end_date", "start_offset", "end_offset"},
    "amounts": {"article_id", "text", "value", "unit", "start_offset", "end_offset"},
    "removed_segments": {"doc_id", "position", "text", "reason"},
    "fingerprints": {"article_id", "band", "hash"},
    "duplicates": {"article_id", "canonical_id", "kind", "similarity"},
    "rejects": {"run_id", "source", "stage", "reason", "message", "at"},
    "runs": {
        "run_id", "flow_run_id", "deployment", "started_at", "finished_at", "status", "parameters", "counts",
    },
}  # fmt: skip
VIEWS = {"articles_latest", "canonical_articles", "stories", "entity_mentions_daily", "quotes_by_speaker"}


def test_migrations_are_applied_once_and_recorded(warehouse_path: Path) -> None:
    latest = migrations()[-1].version
    with warehouse.writer(warehouse_path) as con:
        assert warehouse.migrate(con) == latest
        recorded = con.execute(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()
    with warehouse.writer(warehouse_path) as con:
        assert warehouse.migrate(con) == latest
        again = con.execute(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()
    assert [(m.version, m.name) for m in migrations()] == [(v, n) for v, n, _ in recorded]
    assert again == recorded


def test_public_tables_and_views_exist_with_their_columns(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        columns: dict[str, set[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
        ).fetchall():
            columns.setdefault(table, set()).add(column)
        views = {
            name
            for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
    for table, required in REQUIRED_COLUMNS.items():
        assert required <= columns[table], f"{table} lacks {required - columns[table]}"
    assert views >= VIEWS


def test_read_only_connection_to_a_migrated_file_migrates_as_a_no_op(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path):
        pass
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        assert warehouse.migrate(con) == migrations()[-1].version
    finally:
        con.close()


def test_read_only_connection_to_an_old_file_says_to_migrate(warehouse_path: Path) -> None:
    warehouse.connect(warehouse_path).close()  # a new, empty file: schema version 0
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        with pytest.raises(RuntimeError, match="read-write"):
            warehouse.migrate(con)
    finally:
        con.close()


def test_schema_files_are_numbered_without_gaps_in_meaning() -> None:
    versions = [migration.version for migration in migrations()]
    assert versions == sorted(set(versions))
    assert all(migration.path.read_text().startswith("--") for migration in migrations())
