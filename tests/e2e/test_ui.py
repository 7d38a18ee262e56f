"""The Prefect UI path in a real browser: Deployments ▸ news-on-demand ▸ Run ▸ Custom run ▸ Submit.

Headless Chromium from the distribution (/usr/bin/chromium; `scripts/install-browser.sh` installs it), driven
by Playwright's Python package, which never downloads a browser here. The server, work pool and worker are the
session fixtures of conftest.py; the test opens the UI the server serves at its root, fills the custom-run
form (run name, warehouse file, batch size), submits, follows the run to "Completed" in the UI (and through
the API), screenshots it, and reads back what the run landed in DuckDB.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from prefect.client.schemas.objects import FlowRun, StateType

CHROMIUM = Path(os.environ.get("WIREHOUSE_CHROMIUM", "/usr/bin/chromium"))

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=f"no Chromium at {CHROMIUM}: run scripts/install-browser.sh (Debian's `chromium` package)",
    ),
]

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the `playwright` Python package is missing: pip install -e '.[test]' (no browser download)",
)
expect = playwright_api.expect

FLOW = "news-pipeline"
DEPLOYMENT = "news-on-demand"
BATCH_SIZE = 7  # the parameter the test changes in the form (the deployment's default is 50)
RUN_TIMEOUT = 180.0  # seconds from "Submit" to a terminal state
UI_TIMEOUT_MS = 30_000  # each click, fill and wait in the page
# Chromium as root in a container, kept off the network: without the background-networking flags it tries to
# reach Google services and stalls. Playwright adds --headless itself and passes the fresh profile directory
# (launch_persistent_context) as --user-data-dir.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",  # everything the test opens is on 127.0.0.1
]


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    """A page in headless Chromium with a fresh profile under the test's tmp folder; closed afterwards."""
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.set_default_navigation_timeout(60_000)
            yield page
        finally:
            context.close()


def property_title(schema: dict[str, Any], key: str) -> str:
    """The label the UI's schema form shows for parameter `key`: its title in the deployment's parameter
    schema, found at the top level or inside a nested model (`$ref` into the definitions); else the key."""
    definitions = {**schema.get("definitions", {}), **schema.get("$defs", {})}

    def find(node: dict[str, Any], seen: frozenset[str]) -> str | None:
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name in seen:
                return None
            node, seen = definitions.get(name, {}), seen | {name}
        properties = node.get("properties", {})
        if key in properties:
            return properties[key].get("title") or key
        children = [*properties.values(), *node.get("allOf", []), *node.get("anyOf", [])]
        for child in children:
            if isinstance(child, dict) and (found := find(child, seen)):
                return found
        return None

    return find(schema, frozenset()) or key


def form_property(page: Any, label: str) -> Any:
    """The block of the schema form (label, description, input) whose label reads `label` or
    `label (Optional)`. Blocks nest for model parameters; `.last` is the innermost one holding that label."""
    pattern = re.compile(rf"^\s*{re.escape(label)}(\s*\(Optional\))?\s*$")
    return page.locator("div.p-label", has=page.locator("label", has_text=pattern)).last


def find_value(data: Any, key: str) -> Any:
    """`data[key]`, or the first `key` found in nested dicts (parameters may come as one model)."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        for value in data.values():
            found = find_value(value, key)
            if found is not None:
                return found
    return None


def submit(page: Any, client: SyncPrefectClient, run_name: str) -> None:
    """Click Submit; if the UI reports a failed request and no run of that name exists, submit once more.

    The UI's create request has failed now and then on a busy machine with a generic "Something went wrong"
    toast and nothing in the server's log; the run itself was never at fault. A second failure fails the test.
    """
    name_filter = FlowRunFilter(name=FlowRunFilterName(any_=[run_name]))
    error_toast = page.get_by_text("Something went wrong", exact=False)
    for attempt in range(2):
        page.get_by_role("button", name="Submit", exact=True).click()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if client.read_flow_runs(flow_run_filter=name_filter):
                return
            if error_toast.count() and error_toast.first.is_visible():
                break
            time.sleep(0.5)
        else:
            return  # no error shown: the request may still be under way, and wait_for_flow_run waits on
        print(f"submit attempt {attempt + 1}: the UI said the request failed; no flow run {run_name!r}")
        page.keyboard.press("Escape")
        page.wait_for_timeout(1000)


def wait_for_flow_run(client: SyncPrefectClient, run_name: str, prefect_server: Any, worker: Any) -> FlowRun:
    """The flow run named `run_name`, polled through the API until it is in a final state."""
    deadline = time.monotonic() + RUN_TIMEOUT
    name_filter = FlowRunFilter(name=FlowRunFilterName(any_=[run_name]))
    while True:
        runs = client.read_flow_runs(flow_run_filter=name_filter)
        if len(runs) > 1:
            pytest.fail(f"{len(runs)} flow runs named {run_name!r}; the form was submitted more than once")
        if runs and runs[0].state and runs[0].state.is_final():
            return runs[0]
        if worker.process.poll() is not None:
            pytest.fail(
                f"The worker exited with {worker.process.returncode} while {run_name!r} was not finished; "
                f"worker log tail:\n{worker.tail()}"
            )
        if time.monotonic() > deadline:
            state = runs[0].state_name if runs else "not created"
            pytest.fail(
                f"Flow run {run_name!r} still {state} {RUN_TIMEOUT:.0f}s after Submit; worker log tail:\n"
                f"{worker.tail()}\n--- server log tail ---\n{prefect_server.tail(20)}"
            )
        time.sleep(1.0)


def test_custom_run_from_the_ui_lands_the_article(
    page: Any,
    prefect_server: Any,
    worker: Any,
    deployments: str,
    e2e_repo: Path,
    client: SyncPrefectClient,
    tmp_path: Path,
) -> None:
    ui_url = prefect_server.api_url.removesuffix("/api")
    deployment = client.read_deployment_by_name(f"{FLOW}/{DEPLOYMENT}")
    schema = deployment.parameter_openapi_schema or {}
    warehouse = e2e_repo / "warehouse" / "ui-custom-run.duckdb"
    run_name = f"ui-custom-run-{uuid.uuid4().hex[:8]}"
    screenshot = tmp_path / "completed-run.png"

    try:
        # Deployments ▸ news-on-demand
        page.goto(f"{ui_url}/deployments")
        page.get_by_role("link", name=DEPLOYMENT, exact=True).click()
        page.wait_for_url(f"**/deployments/deployment/{deployment.id}**")

        # Run ▸ Custom run
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_role("button", name="Custom run", exact=True).click()
        page.wait_for_url(f"**/deployments/deployment/{deployment.id}/run**")

        # The form: a run name to find the run by, a warehouse of its own, a batch size unlike the default.
        form_property(page, "Run Name").get_by_role("textbox").fill(run_name)
        warehouse_input = form_property(page, property_title(schema, "warehouse_path")).get_by_role("textbox")
        warehouse_input.fill(str(warehouse))
        batch_input = form_property(page, property_title(schema, "batch_size")).get_by_role("spinbutton")
        batch_input.fill(str(BATCH_SIZE))
        expect(warehouse_input).to_have_value(str(warehouse))
        expect(batch_input).to_have_value(str(BATCH_SIZE))
        submit(page, client, run_name)

        # The server now holds a run of that name (the UI's confirmation toast is too brief to rely on
        # when the machine is busy); open the run's page.
        flow_run = wait_for_flow_run(client, run_name, prefect_server, worker)
        page.goto(f"{ui_url}/runs/flow-run/{flow_run.id}")
        page.wait_for_url(re.compile(r"/runs/flow-run/[0-9a-f-]{36}"))
        flow_run_id = page.url.split("/runs/flow-run/", 1)[1].split("?", 1)[0]
        assert str(flow_run.id) == flow_run_id
        assert flow_run.state_type == StateType.COMPLETED, (
            f"flow run ended {flow_run.state_name}: {flow_run.state.message if flow_run.state else ''}\n"
            f"worker log tail:\n{worker.tail()}"
        )
        # The run page refreshes itself: its state badge turns to "Completed" without a reload.
        expect(page.locator(".state-badge", has_text=re.compile(r"^\s*Completed\s*$")).first).to_be_visible(
            timeout=60_000
        )
        # Its Parameters tab shows what the form sent.
        page.get_by_text("Parameters", exact=True).click()
        expect(page.get_by_text(re.compile(rf'"batch_size":\s*{BATCH_SIZE}\b')).first).to_be_visible()
        page.screenshot(path=str(screenshot), full_page=True)
    except BaseException:
        failure = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(failure), full_page=True)
            print(f"UI at failure ({page.url}): screenshot {failure}")
        except Exception as error:  # the page may be gone; the original error matters more
            print(f"no failure screenshot: {error}")
        raise

    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 20_000, "the screenshot is suspiciously small (a blank page?)"

    # The API has the parameters as the form sent them.
    assert find_value(flow_run.parameters, "batch_size") == BATCH_SIZE
    assert find_value(flow_run.parameters, "warehouse_path") == str(warehouse)
    assert flow_run.deployment_id == deployment.id

    # The run landed the sample article in the warehouse the form named, and recorded the changed parameters.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        titles = [title for (title,) in con.execute("select title from articles").fetchall()]
        runs = con.execute("select flow_run_id, deployment, status, parameters from runs").fetchall()
    assert len(titles) == 1
    assert titles[0].startswith("‘Dangerous expansion’")
    assert len(runs) == 1
    recorded_flow_run, recorded_deployment, status, parameters = runs[0]
    assert (recorded_flow_run, recorded_deployment, status) == (flow_run_id, DEPLOYMENT, "completed")
    parameters = json.loads(parameters) if isinstance(parameters, str) else parameters
    assert find_value(parameters, "batch_size") == BATCH_SIZE
    assert find_value(parameters, "warehouse_path") == str(warehouse)
