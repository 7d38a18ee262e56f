"""Crash safety and recovery: a killed run, re-processing stored documents, and the integrity check."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.news import news_pipeline
from flows.reprocess import reprocess_pipeline

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "documents": "doc_id",
    "articles": "article_id",
    "entities": "article_id, name, type",
    "quotes": "article_id, position",
    "removed_segments": "doc_id, position",
    "fingerprints": "article_id, band",
    "text_shingles": "article_id",
    "file_states": "location",
    "duplicates": "article_id",
    "runs": "run_id",
}


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def count_articles(db: Path) -> int:
    try:
        return rows(db, "select count(*) from articles")[0][0]
    except duckdb.Error:  # not created yet, or the writer holds the file this instant
        return -1


def _take_the_file(db: Path, deadline: float) -> duckdb.DuckDBPyConnection:
    while True:
        try:
            return duckdb.connect(str(db))
        except duckdb.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def make_corpus(folder: Path, seeds_dir: Path, count: int) -> None:
    """`count` different articles built from the sample (different enough not to be near-duplicates)."""
    folder.mkdir()
    sample = next(seeds_dir.glob("*.txt")).read_text(encoding="utf-8")
    header, _, body = sample.partition("\n")
    lines = body.split("\n")
    for number in range(count):
        kept = [line for index, line in enumerate(lines) if len(line) < 120 or (index + number) % 3]
        (folder / f"a{number:02d}.txt").write_text(
            f"{header} part {number}\n" + "\n".join(kept), encoding="utf-8"
        )


def test_a_killed_run_is_marked_crashed_and_the_next_run_lands_the_rest(
    tmp_path: Path, seeds_dir: Path
) -> None:
    source = tmp_path / "in"
    # Enough batches that the run is still going when the test takes the file after the first ones land.
    files = 60
    make_corpus(source, seeds_dir, files)
    db = tmp_path / "w.duckdb"
    env = dict(
        os.environ,
        PREFECT_HOME=str(tmp_path / "prefect"),
        PYTHONPATH=str(ROOT),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    env.pop("PREFECT_API_URL", None)
    log = tmp_path / "run.log"
    # Its own process group, so the kill takes the run's temporary Prefect server down with it, as a
    # machine dying would; output goes to a file, which no orphan can keep open on us.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.cli",
            "run",
            str(source),
            "--db",
            str(db),
            "--batch-size",
            "2",
            "--lock-wait",
            "600",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while count_articles(db) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        # Take the file between two batches and keep it: the run waits at its next write, mid-way, for sure.
        # Tried every 10 ms (not with connect's growing back-off): the run's writes are short and it keeps
        # making them, so a slow retry can miss every gap until the run is over.
        holder = _take_the_file(db, deadline)
        landed_at_kill = holder.execute("select count(*) from articles").fetchone()[0]
        time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    holder.close()
    assert process.returncode == -signal.SIGKILL, log.read_text()[-2000:]
    assert 2 <= landed_at_kill < files, log.read_text()[-2000:]
    assert rows(db, "select status from runs") == [("running",)]

    summary = news_pipeline(sources=[str(source)], warehouse_path=str(db), batch_size=2)
    assert summary["status"] == "completed"
    assert summary["steps"]["unchanged"] == landed_at_kill
    assert summary["steps"]["ingested"] == files - landed_at_kill
    assert sorted(status for (status,) in rows(db, "select status from runs")) == ["completed", "crashed"]
    assert rows(db, "select count(*) from documents") == [(files,)]
    assert rows(db, "select count(*) from articles") == [(files,)]
    for table, key in KEYS.items():
        assert rows(db, f"select {key}, count(*) from {table} group by all having count(*) > 1") == []


@pytest.fixture()
def landed(tmp_path: Path, seeds_dir: Path) -> Path:
    source = tmp_path / "in"
    shutil.copytree(seeds_dir, source)
    db = tmp_path / "w.duckdb"
    news_pipeline(sources=[str(source)], warehouse_path=str(db))
    return db


def table_counts(db: Path) -> dict[str, int]:
    tables = [
        "documents",
        "articles",
        "entities",
        "quotes",
        "links",
        "dates_mentioned",
        "amounts",
        "removed_segments",
        "fingerprints",
        "text_shingles",
        "duplicates",
        "rejects",
    ]
    return {table: rows(db, f"select count(*) from {table}")[0][0] for table in tables}


def test_reprocess_rebuilds_derived_rows_from_stored_bytes(landed: Path) -> None:
    before = table_counts(landed)
    with duckdb.connect(str(landed)) as con:  # an older extractor's output, say: entities went missing
        con.execute("delete from entities")
        con.execute("delete from quotes")
    summary = reprocess_pipeline(warehouse_path=str(landed))
    assert summary["status"] == "completed"
    assert summary["steps"]["documents"] == 1 and summary["steps"]["replaced"] == 1
    assert table_counts(landed) == before
    assert {speaker for (speaker,) in rows(landed, "select speaker from quotes")} == {
        "Mark Rutte",
        "Volodymyr Zelensky",
    }
    reprocess_pipeline(warehouse_path=str(landed))
    assert table_counts(landed) == before


def test_check_passes_on_a_sound_warehouse_and_names_what_is_wrong(landed: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--db", str(landed)])
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.output
    (checked,) = rows(landed, "select checked->>'ok' from runs")
    assert checked == ("true",)
    with duckdb.connect(str(landed)) as con:
        con.execute("delete from documents")
    result = runner.invoke(app, ["check", "--db", str(landed)])
    assert result.exit_code == 1
    assert "article without its document" in result.output
