"""How runs behave as Prefect users run them: parameter checks, a held warehouse, overlapping runs, serve."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from prefect.exceptions import ParameterTypeError

from flows.news import ParameterError, news_pipeline
from flows.serve import deployments_from_file
from warehouse.staging import staged_batches

ROOT = Path(__file__).resolve().parents[2]


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def copy_seeds(folder: Path, seeds_dir: Path) -> Path:
    target = folder / "seeds"
    shutil.copytree(seeds_dir, target)
    return target


@pytest.mark.parametrize(
    ("sources", "message"),
    [(["ftp://example.org/feed"], "unknown source kind"), ([" "], "empty source")],
)
def test_unknown_source_kind_fails_the_run_before_any_work(
    tmp_path: Path, sources: list[str], message: str
) -> None:
    db = tmp_path / "w.duckdb"
    with pytest.raises(ParameterError, match=message):
        news_pipeline(sources=sources, warehouse_path=str(db))
    assert not db.exists()


def test_warehouse_path_that_cannot_be_created_fails_at_once(tmp_path: Path, seeds_dir: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ParameterError, match="not a folder"):
        news_pipeline(sources=[str(seeds_dir)], warehouse_path=str(blocker / "sub" / "w.duckdb"))
    with pytest.raises(ParameterError, match="is a folder"):
        news_pipeline(sources=[str(seeds_dir)], warehouse_path=str(tmp_path))


def test_negative_limit_is_refused_by_the_parameter_types(tmp_path: Path, seeds_dir: Path) -> None:
    with pytest.raises(ParameterTypeError):
        news_pipeline(sources=[str(seeds_dir)], warehouse_path=str(tmp_path / "w.duckdb"), limit=-1)


def hold_warehouse(db: Path, seconds: float) -> subprocess.Popen:
    """Another process opens the warehouse read-write and keeps it, like a person in the DuckDB CLI."""
    script = textwrap.dedent(f"""
        import sys, time, duckdb
        con = duckdb.connect({str(db)!r})
        print("holding", flush=True)
        time.sleep({seconds})
        con.close()
    """)
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_a_batch_blocked_by_a_holder_is_staged_then_landed_by_the_next_run(
    tmp_path: Path, seeds_dir: Path
) -> None:
    source = copy_seeds(tmp_path, seeds_dir)
    db = tmp_path / "w.duckdb"
    news_pipeline(sources=[str(tmp_path / "nothing-*.txt")], warehouse_path=str(db))  # creates the schema
    holder = hold_warehouse(db, seconds=600)
    try:
        with pytest.raises(Exception, match=f"held by PID {holder.pid}"):
            news_pipeline(sources=[str(source)], warehouse_path=str(db), lock_wait_seconds=1)
        assert len(staged_batches(db)) == 1
    finally:
        holder.kill()
        holder.wait()
    summary = news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert summary["status"] == "completed"
    assert summary["steps"]["landed_from_staging"] == 1
    assert staged_batches(db) == []
    assert rows(db, "select count(*) from articles") == [(1,)]
    assert rows(db, "select count(*) from documents") == [(1,)]


def test_a_short_hold_only_makes_the_load_wait(tmp_path: Path, seeds_dir: Path) -> None:
    source = copy_seeds(tmp_path, seeds_dir)
    db = tmp_path / "w.duckdb"
    news_pipeline(sources=[str(tmp_path / "nothing-*.txt")], warehouse_path=str(db))
    holder = hold_warehouse(db, seconds=3)
    started = time.monotonic()
    summary = news_pipeline(sources=[str(source)], warehouse_path=str(db), lock_wait_seconds=60)
    holder.wait()
    assert summary["status"] == "completed"
    assert time.monotonic() - started >= 1
    assert rows(db, "select count(*) from articles") == [(1,)]


def test_two_overlapping_runs_both_finish_without_duplicate_rows(tmp_path: Path, seeds_dir: Path) -> None:
    """Two `wirehouse run` processes on the same warehouse, each with its own Prefect, at the same time."""
    shared = copy_seeds(tmp_path, seeds_dir)
    sample = next(shared.glob("*.txt")).read_text(encoding="utf-8")
    for number in range(6):
        (shared / f"copy_{number}.txt").write_text(
            sample.replace("three senior", f"{number + 4} senior"), encoding="utf-8"
        )
    db = tmp_path / "w.duckdb"
    processes = []
    for name in ("a", "b"):
        env = dict(os.environ, PREFECT_HOME=str(tmp_path / f"prefect-{name}"), PYTHONPATH=str(ROOT))
        env.pop("PREFECT_API_URL", None)
        env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        # Two temporary Prefect servers start at once on a 2-core machine: give them more than the 20 s.
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "flows.cli", "run", str(shared), "--db", str(db), "--batch-size", "2"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    outputs = [process.communicate(timeout=300)[0] for process in processes]
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output[-3000:]
    assert rows(db, "select count(*) from documents") == [(7,)]
    assert rows(db, "select count(*) from articles") == [(7,)]
    for table, key in {
        "documents": "doc_id",
        "articles": "article_id",
        "duplicates": "article_id",
        "entities": "article_id, name, type",
    }.items():
        assert rows(db, f"select {key}, count(*) from {table} group by all having count(*) > 1") == []
    statuses = [row[0] for row in rows(db, "select status from runs")]
    assert statuses == ["completed", "completed"]


def test_runs_record_parameters_and_seconds_per_step(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "w.duckdb"
    news_pipeline(sources=[str(seeds_dir)], warehouse_path=str(db), batch_size=7)
    ((parameters, counts),) = rows(db, "select parameters, counts from runs")
    assert json.loads(parameters)["batch_size"] == 7
    assert set(json.loads(counts)["seconds"]) >= {"ingest", "clean", "extract", "dedupe+load"}


def test_serve_builds_the_deployments_declared_in_prefect_yaml() -> None:
    deployments = {deployment.name: deployment for deployment in deployments_from_file(ROOT / "prefect.yaml")}
    assert set(deployments) == {"news-scheduled", "news-on-demand"}
    (scheduled,) = deployments["news-scheduled"].schedules
    assert scheduled.schedule.cron == "*/30 * * * *" and scheduled.schedule.timezone == "UTC"
    assert deployments["news-on-demand"].schedules == []
    assert deployments["news-scheduled"].parameters["sources"] == ["seeds/sources.toml"]


def test_the_ui_form_shows_every_parameter_with_a_description_and_its_bounds() -> None:
    from prefect.utilities.callables import parameter_schema

    properties = parameter_schema(news_pipeline).model_dump()["properties"]
    assert all(spec.get("description") for spec in properties.values()), properties
    assert properties["batch_size"]["minimum"] == 1
    assert properties["near_duplicate_threshold"]["maximum"] == 1
    assert properties["warehouse_path"]["default"] == "warehouse/wirehouse.duckdb"


def test_a_run_creates_the_one_slot_writer_limit(tmp_path: Path, seeds_dir: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.news import WRITER_LIMIT

    news_pipeline(sources=[str(tmp_path / "none-*.txt")], warehouse_path=str(tmp_path / "w.duckdb"))
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(WRITER_LIMIT).limit == 1


def test_batches_grow_from_a_small_first_one_to_the_batch_size() -> None:
    from flows.news import FIRST_BATCH_SIZE, split_batches

    items = list(range(1000))
    batches = split_batches(items, 300)
    assert [len(batch) for batch in batches] == [FIRST_BATCH_SIZE, 100, 200, 300, 300, 50]
    assert [item for batch in batches for item in batch] == items
    assert [len(batch) for batch in split_batches(items[:7], 3)] == [3, 3, 1]
    assert split_batches([], 300) == [[]]
