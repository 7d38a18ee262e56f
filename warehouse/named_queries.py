"""Named analysis queries: the files in warehouse/queries, listed, described and run with bound parameters.

A query file starts with a `-- description` line; its `$name` parameters are optional (NULL: no filter).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

QUERY_DIRECTORY = Path(__file__).parent / "queries"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
# `since` may be relative, as typed on the command line: 30m, 24h, 7d, 2w.
_RELATIVE = re.compile(r"^\s*(?P<amount>\d+)\s*(?P<unit>[mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _query_path(name: str) -> Path | None:
    # Names are file stems only: no separators, so a name can never reach outside the queries folder.
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        return None
    path = QUERY_DIRECTORY / f"{name}.sql"
    return path if path.is_file() else None


def list_queries() -> dict[str, str]:
    """Query name -> its description (the first comment line of its file)."""
    found = {}
    for path in sorted(QUERY_DIRECTORY.glob("*.sql")):
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0] if path.stat().st_size else ""
        found[path.stem] = first.removeprefix("--").strip() if first.startswith("--") else ""
    return found


def query_sql(name: str) -> str:
    """The SQL text of a named query."""
    path = _query_path(name)
    if path is None:
        raise KeyError(f"No query named {name!r}; known queries: {', '.join(list_queries())}")
    return path.read_text(encoding="utf-8")


def query_parameters(name: str) -> list[str]:
    """The `$name` parameters a named query accepts, in order of first use."""
    return _parameters(query_sql(name))


def _parameters(sql: str) -> list[str]:
    return list(dict.fromkeys(_PARAMETER.findall(_COMMENT.sub("", sql))))


def _resolve(name: str, value: Any) -> Any:
    if name == "since" and isinstance(value, str) and (match := _RELATIVE.match(value)):
        return datetime.now(UTC) - timedelta(**{_UNITS[match["unit"]]: int(match["amount"])})
    return value


def run_query(
    con: duckdb.DuckDBPyConnection,
    sql_or_name: str,
    params: dict[str, Any] | list[Any] | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a named query (or SQL text) with bound parameters; returns (column names, rows)."""
    path = _query_path(sql_or_name)
    if path is None:
        sql, bound = sql_or_name, params
    else:
        sql = path.read_text(encoding="utf-8")
        accepted = _parameters(sql)
        given = dict(params or {}) if not isinstance(params, list) else None
        if given is None:
            raise TypeError(
                f"Query {sql_or_name!r} takes named parameters ({', '.join(accepted)}), not a list"
            )
        unknown = sorted(set(given) - set(accepted))
        if unknown:
            raise ValueError(
                f"Query {sql_or_name!r} does not take {', '.join(unknown)}; it takes: "
                f"{', '.join(accepted) or 'no parameters'}"
            )
        # Parameters left out are NULL, which each query reads as "no filter" or "the default".
        bound = {name: _resolve(name, given.get(name)) for name in accepted}
    result = con.execute(sql, bound) if bound else con.execute(sql)
    if result.description is None:
        return [], []
    columns = [column[0] for column in result.description]
    return columns, result.fetchall()
