"""Site-template statistics in the warehouse: pages seen per host and how many carried each paragraph hash.

Read before a batch is cleaned (`host_stats`); grown by each load with the batch's new pages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from tasks.clean.templates import HostStats, block_hash, host_of
from tasks.records import CleanDocument, RawDocument
from warehouse.connection import WarehouseLocked, writer

_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"


def host_stats(con: duckdb.DuckDBPyConnection, hosts: Sequence[str]) -> dict[str, HostStats]:
    """What the warehouse knows of these hosts (those never seen are absent)."""
    if not hosts:
        return {}
    pages = dict(
        con.execute(f"SELECT host, pages FROM host_pages WHERE host IN {_IDS}", [list(hosts)]).fetchall()
    )
    blocks: dict[str, dict[int, int]] = {host: {} for host in pages}
    for host, value, count in con.execute(
        f"SELECT host, block_hash, pages FROM host_blocks WHERE host IN {_IDS} AND pages >= 2", [list(hosts)]
    ).fetchall():
        blocks.setdefault(host, {})[value] = count
    return {host: HostStats(count, blocks.get(host, {})) for host, count in pages.items()}


def record_template_blocks(
    con: duckdb.DuckDBPyConnection, cleaned: Sequence[CleanDocument], fresh: set[str]
) -> int:
    """Add the batch's new pages to their hosts' statistics; returns how many pages were counted."""
    pages: dict[str, Counter] = {}
    samples: dict[tuple[str, int], str] = {}
    seen: set[str] = set()
    for document in cleaned:
        host = host_of(document.url)
        if host is None or document.location not in fresh or document.location in seen:
            continue
        seen.add(document.location)
        pages.setdefault(host, Counter()).update(document.template_blocks)
        for text in document.paragraphs:
            samples.setdefault((host, block_hash(text)), text[:300])
        for segment in document.removed:
            if segment.reason == "template":
                samples.setdefault((host, block_hash(segment.text)), segment.text[:300])
    if not pages:
        return 0
    per_host = Counter(host_of(d.url) for d in cleaned if d.location in seen)
    hosts = pa.table({"host": list(per_host), "pages": [int(count) for count in per_host.values()]})
    rows = [(host, value, count) for host, counts in pages.items() for value, count in counts.items()]
    blocks = pa.table(
        {
            "host": [row[0] for row in rows],
            "block_hash": pa.array([row[1] for row in rows], type=pa.int64()),
            "pages": pa.array([row[2] for row in rows], type=pa.int32()),
            "sample": [samples.get((row[0], row[1]), "") for row in rows],
        }
    )
    con.register("_host_pages", hosts)
    con.register("_host_blocks", blocks)
    try:
        con.execute(
            "INSERT INTO host_pages SELECT host, pages FROM _host_pages "
            "ON CONFLICT (host) DO UPDATE SET pages = host_pages.pages + excluded.pages"
        ).fetchall()
        con.execute(
            "INSERT INTO host_blocks "
            "SELECT host, block_hash, pages, sample, current_timestamp FROM _host_blocks "
            "ON CONFLICT (host, block_hash) DO UPDATE SET pages = host_blocks.pages + excluded.pages, "
            "sample = excluded.sample, last_seen = excluded.last_seen"
        ).fetchall()
    finally:
        con.unregister("_host_pages")
        con.unregister("_host_blocks")
    return len(seen)


class StoredTemplates:
    """Host statistics read for each batch over a short connection; a busy warehouse means none this time."""

    def __init__(self, path: str, *, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds

    def for_documents(self, documents: Sequence[RawDocument | CleanDocument]) -> dict[str, HostStats]:
        hosts = sorted({host for document in documents if (host := host_of(document.url))})
        if not hosts:
            return {}
        try:
            with writer(self.path, wait_seconds=self.wait_seconds) as con:
                return host_stats(con, hosts)
        except WarehouseLocked:
            return {}
