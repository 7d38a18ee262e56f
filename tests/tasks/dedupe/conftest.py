"""Fixtures for dedupe tests: a real warehouse connection, and dedupe + load of a batch as a run does it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

import warehouse
from tasks.dedupe import DedupeResult, dedupe_articles
from tasks.records import Article
from tasks.settings import Settings


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with warehouse.writer(tmp_path / "wirehouse.duckdb") as connection:
        yield connection


@pytest.fixture
def dedupe_and_load() -> Callable[..., DedupeResult]:
    """Dedupe a batch against the warehouse and load it with its duplicates, fingerprints and stories."""

    def run(con: duckdb.DuckDBPyConnection, articles: list[Article], run_id: str = "run-1") -> DedupeResult:
        result = dedupe_articles(articles, Settings(), warehouse.WarehouseIndex(con))
        warehouse.load_batch(
            con,
            run_id,
            articles=articles,
            duplicates=result.duplicates,
            fingerprints=result.fingerprints,
            shingles=result.shingles,
            stories=result.stories,
        )
        return result

    return run
