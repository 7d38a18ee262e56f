"""The warehouse: one DuckDB file with its schema migrations, connections, bulk loads and named queries.

Only this package opens read-write connections; the rest of the pipeline hands it records to load.
"""

from warehouse.connection import WarehouseLocked, connect, writer
from warehouse.dedupe_index import WarehouseIndex
from warehouse.file_states import file_states, record_file_states
from warehouse.fingerprint_settings import (
    FingerprintSettingsMismatch,
    check_fingerprint_settings,
    stored_fingerprint_settings,
)
from warehouse.load import (
    compress_ahead,
    finish_run,
    known_documents,
    known_locations,
    load_batch,
    raw_bytes,
    record_hash,
    start_run,
    transaction,
    write_batch,
)
from warehouse.maintenance import (
    Problem,
    check,
    delete_derived,
    document_ids,
    mark_crashed_runs,
    stored_documents,
)
from warehouse.migrations import migrate, migrations, schema_version
from warehouse.named_queries import list_queries, query_parameters, query_sql, run_query

__all__ = [
    "file_states",
    "record_file_states",
    "FingerprintSettingsMismatch",
    "check_fingerprint_settings",
    "stored_fingerprint_settings",
    "Problem",
    "check",
    "delete_derived",
    "document_ids",
    "stored_documents",
    "raw_bytes",
    "compress_ahead",
    "mark_crashed_runs",
    "transaction",
    "write_batch",
    "WarehouseIndex",
    "WarehouseLocked",
    "connect",
    "finish_run",
    "known_documents",
    "known_locations",
    "list_queries",
    "load_batch",
    "migrate",
    "migrations",
    "query_parameters",
    "query_sql",
    "record_hash",
    "run_query",
    "schema_version",
    "start_run",
    "writer",
]
