"""Opening the warehouse file: read-only or read-write, waiting politely while another process holds it.

DuckDB allows one read-write process per file, and while it holds the file no other process can open it at
all; `connect` retries with back-off and then names the holder, `writer` keeps the write hold to one batch.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb

from warehouse.migrations import migrate

# DuckDB's lock error reads: 'Could not set lock on file "x.duckdb": Conflicting lock is held in
# /usr/bin/python3.11 (PID 4107). See also https://duckdb.org/docs/...'.
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_LOCK_MARKERS = ("could not set lock", "conflicting lock")
_FIRST_DELAY = 0.05
_MAX_DELAY = 2.0
_jitter = random.Random()
# The connection an enclosing `writer(..., hold=True)` keeps open, by the file's resolved path.
_held: ContextVar[tuple[str, duckdb.DuckDBPyConnection] | None] = ContextVar(
    "wirehouse_held_writer", default=None
)


class WarehouseLocked(RuntimeError):
    """Another process held the warehouse file for longer than we were willing to wait."""

    def __init__(self, path: Path, waited: float, detail: str) -> None:
        match = _HOLDER.search(detail)
        self._arguments = (path, waited, detail)
        self.path = path
        self.program: str | None = match["program"] if match else None
        self.pid: int | None = int(match["pid"]) if match else None
        self.holder = f"PID {self.pid} ({self.program})" if match else "another process"
        stop = f"stop it (kill {self.pid})" if self.pid else "stop it"
        super().__init__(
            f"The warehouse {path} is held by {self.holder}; gave up after waiting {waited:.1f}s. "
            f"DuckDB lets one process at a time open a file it writes to: wait for that process to finish "
            f"or {stop}, then try again (or pass a longer wait). DuckDB said: {detail}"
        )

    def __reduce__(self) -> tuple[type, tuple[Path, float, str]]:
        # Prefect and process pools pickle exceptions: rebuild from the constructor's own arguments.
        return (type(self), self._arguments)


def _is_lock_error(error: duckdb.Error) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


def connect(
    path: str | Path, *, read_only: bool = False, wait_seconds: float = 30.0
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying with exponential back-off and jitter while another process holds it."""
    if str(path) == ":memory:":
        return duckdb.connect(":memory:", read_only=False)
    location = Path(path).expanduser()
    if read_only and not location.exists():
        raise FileNotFoundError(
            f"No warehouse at {location}: run the pipeline first (`wirehouse run`) or point at the right file"
        )
    if not read_only:
        location.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = started + max(0.0, wait_seconds)
    delay = _FIRST_DELAY
    while True:
        try:
            return duckdb.connect(str(location), read_only=read_only)
        except duckdb.Error as error:
            if not _is_lock_error(error):
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseLocked(location, time.monotonic() - started, str(error)) from error
            # Jitter keeps several waiting processes from retrying in lockstep.
            time.sleep(min(remaining, _jitter.uniform(delay / 2, delay)))
            delay = min(delay * 2, _MAX_DELAY)


@contextmanager
def writer(
    path: str | Path, *, wait_seconds: float = 30.0, hold: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated read-write connection, closed on exit so the file is held for one batch only.

    With `hold`, `writer` calls for the same file inside this one (in this thread or context) get this
    connection instead of opening and closing the file again: a batch's dedupe and load are one hold
    (opening a warehouse costs tens of milliseconds, closing it a checkpoint)."""
    key = str(Path(path).expanduser().resolve()) if str(path) != ":memory:" else None
    held = _held.get()
    if held is not None and key is not None and held[0] == key:
        yield held[1]
        return
    con = connect(path, read_only=False, wait_seconds=wait_seconds)
    token = _held.set((key, con)) if hold and key is not None else None
    try:
        migrate(con)
        yield con
    finally:
        if token is not None:
            _held.reset(token)
        con.close()
