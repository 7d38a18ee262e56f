"""Tests for warehouse/connection.py: read-only and read-write opening, waiting on another process's lock."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import warehouse


def test_read_only_on_a_missing_file_says_where_and_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "wirehouse.duckdb"
    with pytest.raises(FileNotFoundError, match="No warehouse at .*wirehouse run"):
        warehouse.connect(missing, read_only=True)
    assert not missing.parent.exists()


def test_read_write_creates_the_parent_folder(warehouse_path: Path) -> None:
    con = warehouse.connect(warehouse_path)
    con.close()
    assert warehouse_path.exists()


def test_connect_waits_for_another_writer_to_finish(
    warehouse_path: Path, held_by_another_process: Callable[..., Any]
) -> None:
    warehouse.connect(warehouse_path).close()
    with held_by_another_process(warehouse_path, 2.0):
        started = time.monotonic()
        con = warehouse.connect(warehouse_path, wait_seconds=20)
        waited = time.monotonic() - started
    con.close()
    assert waited >= 0.5


def test_connect_gives_up_after_wait_seconds_and_names_the_holder(
    warehouse_path: Path, held_by_another_process: Callable[..., Any]
) -> None:
    warehouse.connect(warehouse_path).close()
    with held_by_another_process(warehouse_path, 30.0) as holder:
        started = time.monotonic()
        with pytest.raises(warehouse.WarehouseLocked) as caught:
            warehouse.connect(warehouse_path, wait_seconds=0.6)
        elapsed = time.monotonic() - started
    assert caught.value.pid == holder.pid
    assert f"PID {holder.pid}" in str(caught.value)
    assert "wait for that process to finish" in str(caught.value)
    assert 0.6 <= elapsed < 10


def test_read_only_readers_also_wait_for_the_writer(
    warehouse_path: Path, held_by_another_process: Callable[..., Any]
) -> None:
    with warehouse.writer(warehouse_path):
        pass
    with held_by_another_process(warehouse_path, 30.0), pytest.raises(warehouse.WarehouseLocked):
        warehouse.connect(warehouse_path, read_only=True, wait_seconds=0.2)


def test_writer_releases_the_file_on_exit(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        con.execute("SELECT 1")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; duckdb.connect(sys.argv[1]).close()",
            str(warehouse_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr


def test_a_held_writer_is_shared_by_the_writers_inside_it_and_closed_by_its_own_exit(
    warehouse_path: Path, tmp_path: Path
) -> None:
    import duckdb

    with warehouse.writer(warehouse_path, hold=True) as outer:
        with warehouse.writer(warehouse_path) as inner:
            assert inner is outer
            inner.execute("CREATE TABLE probe (x INTEGER)")
        outer.execute("INSERT INTO probe VALUES (1)")  # still open after the inner block
        with warehouse.writer(tmp_path / "other.duckdb") as elsewhere:
            assert elsewhere is not outer  # another file gets its own connection
    with pytest.raises(duckdb.ConnectionException):
        outer.execute("SELECT 1")
    with warehouse.writer(warehouse_path) as first, warehouse.writer(warehouse_path) as second:
        assert first is not second  # without hold, each block opens and closes its own
    with warehouse.writer(warehouse_path) as con:
        assert con.execute("SELECT x FROM probe").fetchall() == [(1,)]
