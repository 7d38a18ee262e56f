"""The `file_states` table: what local files looked like when their bytes were last hashed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pyarrow as pa

from tasks.ingest.files import FileState

_SCHEMA = pa.schema(
    [("location", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()), ("doc_id", pa.string())]
)


def file_states(con: duckdb.DuckDBPyConnection, locations: Sequence[str]) -> dict[str, FileState]:
    """location -> the state recorded for it, for the given locations that have one."""
    if not locations:
        return {}
    rows = con.execute(
        "SELECT location, size, mtime_ns, doc_id FROM file_states "
        "WHERE location IN (SELECT unnest(CAST(? AS VARCHAR[])))",
        [list(locations)],
    ).fetchall()
    return {location: FileState(size, mtime_ns, doc_id) for location, size, mtime_ns, doc_id in rows}


def record_file_states(con: duckdb.DuckDBPyConnection, states: Mapping[str, FileState]) -> int:
    """Remember these files' states (replacing older ones); returns how many were written."""
    if not states:
        return 0
    table = pa.table(
        {
            "location": list(states),
            "size": [state.size for state in states.values()],
            "mtime_ns": [state.mtime_ns for state in states.values()],
            "doc_id": [state.doc_id for state in states.values()],
        },
        schema=_SCHEMA,
    )
    con.register("_file_states", table)
    try:
        con.execute(
            "INSERT INTO file_states (location, size, mtime_ns, doc_id) "
            "SELECT location, size, mtime_ns, doc_id FROM _file_states "
            "ON CONFLICT (location) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "doc_id = excluded.doc_id, checked_at = now()"
        )
    finally:
        con.unregister("_file_states")
    return len(states)
