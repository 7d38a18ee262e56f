"""End-to-end fixtures: a real `prefect server`, a `process` work pool and worker, on a copy of the repo.

Everything runs as subprocesses of `sys.executable -m prefect ...` with an isolated, temporary PREFECT_HOME
and PREFECT_API_URL pointing at the loopback server started here. The repo copy, the server, the work pool
and the worker are session-scoped: one of each serves every e2e module (test_deployment.py, test_ui.py), and
each test module writes its runs to a warehouse file of its own inside the copy.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COPIED = ("flows", "tasks", "warehouse", "seeds", "prefect.yaml", "pyproject.toml")
WORK_POOL = "wirehouse-process"
SERVER_START_TIMEOUT = 120.0  # seconds; the server takes ~10 s on a quiet 2-core machine
CLI_TIMEOUT = 180.0
STOP_GRACE = 5.0
# Proxies must never see the loopback traffic (and nothing here may leave the machine).
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "ws_proxy", "wss_proxy"}


@dataclass(frozen=True)
class PrefectServer:
    api_url: str
    env: dict[str, str]
    home: Path
    log: Path
    process: subprocess.Popen

    def cli(self, *args: str, cwd: Path, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess[str]:
        """`python -m prefect --no-prompt ARGS` against this server; fails the test on a non-zero exit."""
        return prefect_cli(*args, env=self.env, cwd=cwd, timeout=timeout)

    def tail(self, lines: int = 60) -> str:
        return log_tail(self.log, lines)


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 60) -> str:
        return log_tail(self.log, lines)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        return f"(no log at {path}: {error})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _in_directory(env: dict[str, str], cwd: Path) -> dict[str, str]:
    """`env` with PWD set to `cwd`, as a shell would: prefect.yaml's `{{ $PWD }}` reads the variable, not the
    process's working directory, and `subprocess` leaves PWD at the test runner's directory."""
    return {**env, "PWD": str(cwd)}


def prefect_cli(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = CLI_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """`python -m prefect --no-prompt ARGS` with the interpreter running the tests; fails on non-zero exit."""
    command = [sys.executable, "-m", "prefect", "--no-prompt", *args]
    try:
        done = subprocess.run(
            command,
            env=_in_directory(env, cwd),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"`prefect {' '.join(args)}` did not finish in {timeout:.0f}s; output:\n{error.output}")
    if done.returncode != 0:
        pytest.fail(
            f"`prefect {' '.join(args)}` exited with {done.returncode}\n"
            f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
        )
    return done


def start_background(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    """Start a long-running process in its own process group, with stdout and stderr going to `log`."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            command,
            env=_in_directory(env, cwd),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _descendants(pid: int) -> list[int]:
    """Child processes of `pid`, recursively (Linux /proc; empty elsewhere)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(kid) for kid in children.read_text().split()]
            except (OSError, ValueError):
                continue
            found += kids
            pending += kids
    return found


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def stop_process(process: subprocess.Popen, grace: float = STOP_GRACE) -> None:
    """SIGTERM the process group, SIGKILL it if it is still up after `grace` seconds; also reap descendants
    that moved to sessions of their own (the worker starts flow runs in new sessions)."""
    if process.poll() is not None:
        return
    strays = _descendants(process.pid)
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    for pid in strays:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _isolated_env(home: Path, api_url: str, repo: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PREFECT_") and name.lower() not in PROXY_VARIABLES
    }
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        # The test starts its runs by hand; the scheduler would only queue news-scheduled runs in the
        # background (the worker would pick one up if the test straddled :00 or :30).
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")])),
    )
    return env


def _wait_for_health(server: PrefectServer, timeout: float) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"`prefect server start` exited with {server.process.returncode} before answering; "
                f"log tail:\n{log_tail(server.log)}"
            )
        try:
            with opener.open(f"{server.api_url}/health", timeout=5) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except (urllib.error.URLError, OSError) as error:
            last_error = str(error)
        time.sleep(0.25)
    pytest.fail(
        f"The Prefect server at {server.api_url} did not answer /health within {timeout:.0f}s "
        f"(last: {last_error}); log tail:\n{log_tail(server.log)}"
    )


@pytest.fixture(scope="session")
def e2e_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the parts of the repo a deployment needs; runs write their warehouse inside it."""
    repo = tmp_path_factory.mktemp("e2e") / "wirehouse"
    repo.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.duckdb", "*.duckdb.wal")
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=skip)
        else:
            shutil.copy2(source, repo / name)
    return repo


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory, e2e_repo: Path) -> Iterator[PrefectServer]:
    """`prefect server start` on a free loopback port with a throwaway PREFECT_HOME."""
    base = tmp_path_factory.mktemp("prefect")
    home = base / "home"
    home.mkdir()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = _isolated_env(home, api_url, e2e_repo)
    log = base / "server.log"
    process = start_background(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=base,
        log=log,
    )
    server = PrefectServer(api_url=api_url, env=env, home=home, log=log, process=process)
    try:
        _wait_for_health(server, SERVER_START_TIMEOUT)
        yield server
    finally:
        stop_process(process)


@pytest.fixture(scope="session")
def work_pool(prefect_server: PrefectServer, e2e_repo: Path) -> str:
    prefect_server.cli("work-pool", "create", WORK_POOL, "--type", "process", cwd=e2e_repo)
    return WORK_POOL


@pytest.fixture(scope="session")
def worker(
    prefect_server: PrefectServer, work_pool: str, e2e_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """`prefect worker start --pool wirehouse-process`, started from the repo copy."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_background(
        [sys.executable, "-m", "prefect", "worker", "start", "--pool", work_pool],
        env=prefect_server.env,
        cwd=e2e_repo,
        log=log,
    )
    try:
        yield Worker(process=process, log=log)
    finally:
        # A Prefect 3.9 worker that never ran a flow can acknowledge SIGTERM/SIGINT and keep running.
        stop_process(process, grace=3.0)


@pytest.fixture(scope="session")
def deployments(prefect_server: PrefectServer, work_pool: str, e2e_repo: Path) -> str:
    """`prefect deploy --all` from the repo copy, once per session; returns the command's output.

    (test_deployment.py runs its own `prefect deploy --all` in its `deployed` fixture, as the check of that
    command; deploying twice is harmless, the second one updates the same two deployments.)
    """
    return prefect_server.cli("deploy", "--all", cwd=e2e_repo).stdout


@pytest.fixture(scope="session")
def client(prefect_server: PrefectServer) -> Iterator[SyncPrefectClient]:
    """A Prefect API client pointed at the test server."""
    with (
        temporary_settings(updates={PREFECT_API_URL: prefect_server.api_url}),
        get_client(sync_client=True) as client,
    ):
        yield client
