"""The `wirehouse` command line: run, query (SQL and named), queries, and its errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(seeds_dir, folder / "seeds")
    path = folder / "w.duckdb"
    result = runner.invoke(app, ["run", str(folder / "seeds"), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "Articles landed" in result.output
    return path


def test_run_prints_steps_and_the_article(db: Path, tmp_path: Path, seeds_dir: Path) -> None:
    result = runner.invoke(app, ["run", str(seeds_dir), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 0, result.output
    assert "Steps" in result.output and "NATO confirms" in result.output


def test_query_quotes_shows_who_said_what(db: Path) -> None:
    result = runner.invoke(app, ["query", "quotes", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    speakers = {row["speaker"] for row in rows}
    assert {"Mark Rutte", "Volodymyr Zelensky"} <= speakers


def test_query_runs_plain_sql_read_only(db: Path) -> None:
    result = runner.invoke(
        app, ["query", "select count(*) as n from articles", "--db", str(db), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["n", "1"]
    refused = runner.invoke(app, ["query", "delete from articles", "--db", str(db)])
    assert refused.exit_code == 2


def test_query_on_a_missing_warehouse_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "articles", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "wirehouse run" in result.output


def test_queries_lists_the_named_queries() -> None:
    result = runner.invoke(app, ["queries"])
    assert result.exit_code == 0
    for name in ("quotes", "top-entities", "articles", "rejects"):
        assert name in result.output


def test_run_with_an_unreadable_since_says_what_is_wrong(tmp_path: Path, seeds_dir: Path) -> None:
    result = runner.invoke(
        app, ["run", str(seeds_dir), "--db", str(tmp_path / "x.duckdb"), "--since", "the other day"]
    )
    assert result.exit_code == 2
    assert "neither a date (2024-10-01) nor an age" in " ".join(result.output.split())


def test_run_exclude_passes_matching_files_by(tmp_path: Path, seeds_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["run", str(seeds_dir), "--db", str(tmp_path / "x.duckdb"), "--exclude", "*.txt", "--no-progress"],
    )
    assert result.exit_code == 0, result.output
    assert "filtered" in result.output and "No new articles" in result.output


def test_run_with_other_fingerprint_parameters_on_a_warehouse_refuses_with_what_to_do(db: Path) -> None:
    result = runner.invoke(app, ["run", str(db.parent / "seeds"), "--db", str(db), "--shingle-size", "4"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "fingerprints were made with shingle_size 5 (asked: 4)" in said and "start a new warehouse" in said


def test_run_with_permutations_that_bands_do_not_divide_says_so(tmp_path: Path, seeds_dir: Path) -> None:
    result = runner.invoke(
        app, ["run", str(seeds_dir), "--db", str(tmp_path / "x.duckdb"), "--permutations", "100"]
    )
    assert result.exit_code == 2 and "must be a multiple of lsh_bands" in " ".join(result.output.split())
