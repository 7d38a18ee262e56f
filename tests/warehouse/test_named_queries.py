"""Tests for warehouse/named_queries.py: every named query runs, parameters are bound, never formatted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import warehouse
from tasks.records import Duplicate

EXPECTED_QUERIES = {
    "quotes", "top-entities", "articles", "rejects", "duplicates", "runs", "removed",
    "places", "amounts-by-unit", "quoted-about", "entities-by-day",
}  # fmt: skip


@pytest.fixture
def loaded(warehouse_path: Path, make_document, make_cleaned, make_article, make_reject) -> Path:
    with warehouse.writer(warehouse_path) as con:
        warehouse.start_run(con, "run-1", flow_run_id=None, deployment=None, parameters={})
        warehouse.load_batch(
            con,
            "run-1",
            documents=[make_document("doc-1"), make_document("doc-2")],
            cleaned=[make_cleaned("doc-1")],
            articles=[make_article("art-1", "doc-1"), make_article("art-2", "doc-2", site="copy.example")],
            duplicates=[Duplicate("art-2", "art-1", "exact", 1.0)],
            rejects=[make_reject(), make_reject(source="/seeds/other.html")],
        )
        warehouse.finish_run(con, "run-1", "completed", {"articles": 2})
    return warehouse_path


def test_every_query_has_a_description() -> None:
    queries = warehouse.list_queries()
    assert set(queries) >= EXPECTED_QUERIES
    assert all(description for description in queries.values())


def test_every_named_query_runs_read_only(loaded: Path) -> None:
    con = warehouse.connect(loaded, read_only=True)
    try:
        results = {name: warehouse.run_query(con, name) for name in warehouse.list_queries()}
    finally:
        con.close()
    assert all(columns for columns, _ in results.values())
    assert results["quotes"][0][:3] == ["speaker", "quote", "title"]
    assert results["quotes"][1][0][:2] == ("Ana Lopez", "This bridge will connect two halves of the city")
    assert results["top-entities"][0] == ["name", "type", "articles", "mentions"]
    # The copy is left out of stories, so each entity counts once.
    assert ("Ana Lopez", "PERSON", 1, 1) in results["top-entities"][1]
    assert results["articles"][0] == ["published_at", "site", "title", "authors", "word_count", "kind"]
    assert len(results["articles"][1]) == 1
    assert results["rejects"][1][0][:3] == ("clean", "empty_text", 2)
    assert results["duplicates"][1][0][:2] == ("exact", 1.0)
    assert results["runs"][1][0][:3] == ("run-1", None, "completed")
    assert {row[0]: row[1] for row in results["removed"][1]} == {"ticker": 1, "promo": 1}
    # #5's analyst queries, copies left out as everywhere.
    assert results["amounts-by-unit"][1][0][:4] == ("EUR", 1, 1, 120e6)
    assert results["quoted-about"][1][0][:3] == ("Ana Lopez", 1, 1)
    assert ("Ana Lopez", "PERSON", 1, 1) in [row[1:] for row in results["entities-by-day"][1]]
    assert results["places"][0] == ["country", "place", "articles", "mentions", "latitude", "longitude"]


def test_who_is_quoted_about_an_entity_leaves_out_the_entity_itself(loaded: Path) -> None:
    con = warehouse.connect(loaded, read_only=True)
    try:
        _, about_council = warehouse.run_query(con, "quoted-about", {"entity": "council"})
        _, about_ana = warehouse.run_query(con, "quoted-about", {"entity": "Ana Lopez"})
        _, about_nobody = warehouse.run_query(con, "quoted-about", {"entity": "Nobody Known"})
    finally:
        con.close()
    assert [row[0] for row in about_council] == ["Ana Lopez"]
    assert about_ana == [] and about_nobody == []


def test_parameters_filter_and_accept_relative_since(loaded: Path) -> None:
    with warehouse.writer(loaded) as con:
        _, people = warehouse.run_query(con, "top-entities", {"type": "person"})
        _, recent = warehouse.run_query(con, "articles", {"since": "7d"})
        _, january = warehouse.run_query(con, "articles", {"since": datetime(2025, 1, 1, tzinfo=UTC)})
        _, one = warehouse.run_query(con, "top-entities", {"limit": 1})
    assert [row[1] for row in people] == ["PERSON"]
    assert recent == []  # the fixtures were published in January 2025
    assert len(january) == 1
    assert len(one) == 1


def test_parameter_values_are_bound_not_formatted(loaded: Path) -> None:
    with warehouse.writer(loaded) as con:
        _, rows = warehouse.run_query(con, "quotes", {"speaker": "x'; DROP TABLE quotes; --"})
        remaining = con.execute("SELECT count(*) FROM quotes").fetchone()[0]
    assert rows == []
    assert remaining == 2


def test_unknown_parameters_are_refused_with_the_accepted_ones(loaded: Path) -> None:
    with warehouse.writer(loaded) as con, pytest.raises(ValueError, match="takes: limit"):
        warehouse.run_query(con, "runs", {"speaker": "Ana"})


def test_plain_sql_runs_with_positional_parameters(loaded: Path) -> None:
    with warehouse.writer(loaded) as con:
        columns, rows = warehouse.run_query(
            con, "SELECT article_id FROM articles WHERE site = ?", ["copy.example"]
        )
    assert (columns, rows) == (["article_id"], [("art-2",)])


def test_query_parameters_lists_what_a_query_accepts() -> None:
    assert warehouse.query_parameters("quotes") == ["speaker", "since", "limit"]
    with pytest.raises(KeyError, match="No query named"):
        warehouse.query_parameters("../schema/001_initial")


def test_article_keywords_weigh_rare_terms_first(warehouse_path: Path, make_article) -> None:
    with warehouse.writer(warehouse_path) as con:
        con.execute(
            "INSERT INTO story_term_counts VALUES ('e:ana lopez', 1), ('w:bridge', 3), ('w:council', 9)"
        )
        con.executemany(
            "INSERT INTO story_terms VALUES (?, ?, TIMESTAMPTZ '2025-01-07 08:00:00+00')",
            [("art-1", "w:council"), ("art-1", "e:ana lopez"), ("art-1", "w:bridge")],
        )
        con.executemany(
            "INSERT INTO story_clusters VALUES (?, ?, 1.0, TIMESTAMPTZ '2025-01-07 08:00+00', now(), NULL)",
            [(f"art-{number}", f"art-{number}") for number in range(10)],
        )
        keywords = con.execute(
            "SELECT keyword, kind, rank FROM article_keywords WHERE article_id = 'art-1' ORDER BY rank"
        ).fetchall()
        weights = [
            row[0] for row in con.execute("SELECT weight FROM article_keywords ORDER BY rank").fetchall()
        ]
    assert keywords == [("ana lopez", "entity", 1), ("bridge", "word", 2), ("council", "word", 3)]
    assert weights == sorted(weights, reverse=True)
