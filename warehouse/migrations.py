"""Schema migrations: the numbered files in warehouse/schema, applied in order, recorded in a table.

Each file runs in one transaction with its `schema_migrations` row, so a failed file leaves nothing half done.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMA_DIRECTORY = Path(__file__).parent / "schema"
_FILE_NAME = re.compile(r"^(?P<version>\d{3,})_(?P<name>\w+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema file."""

    version: int
    name: str
    path: Path


def migrations() -> list[Migration]:
    """The schema files in version order; two files with one version number are a bug, so they raise."""
    found: dict[int, Migration] = {}
    for path in sorted(SCHEMA_DIRECTORY.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise ValueError(f"{path} is not named NNN_name.sql: rename it so migrations know its order")
        version = int(match["version"])
        if version in found:
            raise ValueError(
                f"{path.name} and {found[version].path.name} share version {version}: renumber one"
            )
        found[version] = Migration(version, match["name"], path)
    return [found[version] for version in sorted(found)]


def _first_row(result: duckdb.DuckDBPyConnection) -> tuple | None:
    # fetchall, not fetchone: DuckDB keeps a half-read result open, and an open result blocks register().
    rows = result.fetchall()
    return rows[0] if rows else None


def _has_migrations_table(con: duckdb.DuckDBPyConnection) -> bool:
    row = _first_row(
        con.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
        )
    )
    return bool(row and row[0])


def _is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    row = _first_row(
        con.execute("SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()")
    )
    return bool(row and row[0])


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to this database (0 for a new file)."""
    if not _has_migrations_table(con):
        return 0
    row = _first_row(con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations"))
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending schema files, one transaction each; returns the schema version now in force."""
    # Asked straight away (the catalog lookup cost more than the query): runs call this on every batch.
    try:
        applied = {
            int(version) for (version,) in con.execute("SELECT version FROM schema_migrations").fetchall()
        }
    except duckdb.CatalogException:
        applied = set()
    pending = [migration for migration in migrations() if migration.version not in applied]
    if not pending:
        return max(applied, default=0)
    if pending and _is_read_only(con):
        raise RuntimeError(
            f"The warehouse schema is at version {max(applied, default=0)} and this code expects "
            f"{pending[-1].version}: open it read-write once (run the pipeline) so the migrations apply."
        )
    # Created only when there is work, so migrating an up-to-date read-only connection writes nothing.
    if pending and not _has_migrations_table(con):
        con.execute(
            "CREATE TABLE schema_migrations ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
    for migration in pending:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, current_timestamp)",
                [migration.version, migration.name],
            )
            con.execute("COMMIT")
        except duckdb.Error as error:
            con.execute("ROLLBACK")
            raise RuntimeError(
                f"Migration {migration.path.name} failed and was rolled back: {error}"
            ) from error
    return schema_version(con)
