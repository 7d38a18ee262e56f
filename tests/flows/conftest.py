"""Flow tests run against Prefect's test harness: a real, temporary Prefect API on a throwaway database."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    # As `wirehouse run` does: a throwaway server has nobody to report usage to, and its telemetry job
    # races the runs for the server's SQLite file ("database is locked" in the captured logs).
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    with prefect_test_harness(server_startup_timeout=120):
        yield
