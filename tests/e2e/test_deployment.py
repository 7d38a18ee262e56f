"""prefect.yaml's deployments end to end: a real server, `prefect deploy --all`, a process worker, a run.

Reads back through the Prefect client what the run left on the server (state, task runs, artifacts) and
what it landed in DuckDB (the article and the `runs` row tying it to the flow run and the deployment).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import duckdb
import pytest
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.schedules import CronSchedule

pytestmark = pytest.mark.e2e

FLOW = "news-pipeline"
WORK_POOL = "wirehouse-process"
RUN_TIMEOUT = 180.0  # seconds from `prefect deployment run` to a terminal state
SETTLE_TIMEOUT = 30.0  # task runs are recorded from events, a moment after the flow run ends
STEPS = ("ingest", "clean", "extract", "dedupe", "load")


@dataclass(frozen=True)
class FinishedRun:
    flow_run: FlowRun
    warehouse: Path
    worker: Any  # conftest.Worker


@pytest.fixture(scope="module")
def deployed(prefect_server: Any, work_pool: str, e2e_repo: Path) -> str:
    """`prefect deploy --all` from the repo copy, as the README says (non-interactively)."""
    return prefect_server.cli("deploy", "--all", cwd=e2e_repo).stdout


@pytest.fixture(scope="module")
def finished_run(
    prefect_server: Any,
    worker: Any,  # before `deployed`, so that the worker boots while `prefect deploy` runs
    deployed: str,
    e2e_repo: Path,
    client: SyncPrefectClient,
) -> FinishedRun:
    """`prefect deployment run news-pipeline/news-on-demand` on the copy's seeds/, waited to the end."""
    warehouse = e2e_repo / "warehouse" / "e2e.duckdb"
    started = prefect_server.cli(
        "deployment",
        "run",
        f"{FLOW}/news-on-demand",
        "--param",
        f'sources=["{(e2e_repo / "seeds").as_posix()}/"]',
        "--param",
        f"warehouse_path={warehouse.as_posix()}",
        cwd=e2e_repo,
    )
    match = re.search(r"UUID: ([0-9a-f-]{36})", started.stdout)
    assert match, f"no flow run id in the output of `prefect deployment run`:\n{started.stdout}"
    flow_run_id = UUID(match[1])

    deadline = time.monotonic() + RUN_TIMEOUT
    flow_run = client.read_flow_run(flow_run_id)
    while not (flow_run.state and flow_run.state.is_final()):
        if worker.process.poll() is not None:
            pytest.fail(
                f"The worker exited with {worker.process.returncode} while flow run {flow_run_id} was "
                f"{flow_run.state_name}; worker log tail:\n{worker.tail()}"
            )
        if time.monotonic() > deadline:
            pytest.fail(
                f"Flow run {flow_run_id} still {flow_run.state_name} after {RUN_TIMEOUT:.0f}s; "
                f"worker log tail:\n{worker.tail()}\n--- server log tail ---\n{prefect_server.tail(20)}"
            )
        time.sleep(1.0)
        flow_run = client.read_flow_run(flow_run_id)
    return FinishedRun(flow_run=flow_run, warehouse=warehouse, worker=worker)


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_both_deployments_are_registered_on_the_process_pool(
    deployed: str, client: SyncPrefectClient, e2e_repo: Path
) -> None:
    scheduled = client.read_deployment_by_name(f"{FLOW}/news-scheduled")
    assert [(s.schedule.cron, s.schedule.timezone, s.active) for s in scheduled.schedules] == [
        ("*/30 * * * *", "UTC", True)
    ]
    assert all(isinstance(s.schedule, CronSchedule) for s in scheduled.schedules)
    assert scheduled.parameters == {
        "sources": ["seeds/sources.toml"],
        "warehouse_path": "warehouse/wirehouse.duckdb",
    }

    on_demand = client.read_deployment_by_name(f"{FLOW}/news-on-demand")
    assert on_demand.schedules == []

    for deployment, tag in ((scheduled, "scheduled"), (on_demand, "on-demand")):
        assert deployment.work_pool_name == WORK_POOL
        # Runs start in the checkout `prefect deploy` ran in: here the copy, never /work/main.
        assert deployment.pull_steps == [
            {"prefect.deployments.steps.set_working_directory": {"directory": str(e2e_repo)}}
        ]
        assert deployment.entrypoint == "flows/news.py:news_pipeline"
        assert deployment.description
        assert set(deployment.tags) == {"wirehouse", tag}


def test_on_demand_run_completes_on_the_worker(finished_run: FinishedRun, client: SyncPrefectClient) -> None:
    flow_run = finished_run.flow_run
    assert flow_run.state_type == StateType.COMPLETED, (
        f"flow run ended {flow_run.state_name}: {flow_run.state.message if flow_run.state else ''}\n"
        f"worker log tail:\n{finished_run.worker.tail()}"
    )
    assert flow_run.deployment_id == client.read_deployment_by_name(f"{FLOW}/news-on-demand").id


def test_the_run_lands_the_sample_article(finished_run: FinishedRun) -> None:
    titles = [title for (title,) in query(finished_run.warehouse, "select title from articles")]
    assert len(titles) == 1
    assert titles[0].startswith("‘Dangerous expansion’")


def test_the_runs_row_names_the_flow_run_and_the_deployment(finished_run: FinishedRun) -> None:
    rows = query(finished_run.warehouse, "select run_id, flow_run_id, deployment, status from runs")
    flow_run_id = str(finished_run.flow_run.id)
    assert rows == [(flow_run_id, flow_run_id, "news-on-demand", "completed")]


def test_the_run_publishes_its_artifacts(finished_run: FinishedRun, client: SyncPrefectClient) -> None:
    artifacts = client.read_artifacts(
        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[finished_run.flow_run.id]))
    )
    by_key = {artifact.key: artifact for artifact in artifacts}
    assert {"wirehouse-run-counts", "wirehouse-run-summary"} <= set(by_key)
    assert by_key["wirehouse-run-counts"].type == "table"
    assert by_key["wirehouse-run-summary"].type == "markdown"
    assert "Dangerous expansion" in str(by_key["wirehouse-run-summary"].data)


def test_task_runs_are_named_per_batch(finished_run: FinishedRun, client: SyncPrefectClient) -> None:
    expected = {f"{step} [batch 1/1]" for step in STEPS}
    runs_filter = FlowRunFilter(id=FlowRunFilterId(any_=[finished_run.flow_run.id]))
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        task_runs = client.read_task_runs(flow_run_filter=runs_filter)
        states = {task_run.name: task_run.state_type for task_run in task_runs}
        if set(states) == expected and set(states.values()) == {StateType.COMPLETED}:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"task runs of the flow run after {SETTLE_TIMEOUT:.0f}s: {states}; want {expected}")
        time.sleep(0.5)
