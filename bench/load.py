"""The loader alone: warehouse.load_batch over a corpus loaded several times, one connection per batch.

Run: `.venv/bin/python bench/load.py [--pages 600] [--copies 3] [--batch-size 300]`.
The pages of --html-dir are cleaned and extracted once (that time is not counted); then each copy of the
corpus is loaded under fresh ids, batch by batch, each batch through its own `warehouse.writer` as the flow
does. Prints, per batch, the open, the load and the close (DuckDB's checkpoint), and per table the seconds
load_batch spent on it. Prints figures; never part of the test suite.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import html_corpus, time_bare_loop  # noqa: E402
from tasks.settings import Settings  # noqa: E402


def renamed(kept: list, suffix: str) -> tuple[list, list, list]:
    """The documents, cleaned documents and articles of the corpus under ids ending in `suffix`."""
    documents = [
        dataclasses.replace(d, doc_id=d.doc_id + suffix, location=d.location + suffix) for d, _, _ in kept
    ]
    cleaned = [
        dataclasses.replace(c, doc_id=c.doc_id + suffix, location=c.location + suffix) for _, c, _ in kept
    ]
    articles = [
        dataclasses.replace(a, doc_id=a.doc_id + suffix, article_id=a.article_id + suffix) for _, _, a in kept
    ]
    return documents, cleaned, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--copies", type=int, default=3, help="times the corpus is loaded, under fresh ids")
    parser.add_argument("--batch-size", type=int, default=300)
    parser.add_argument("--html-dir", type=Path, default=ROOT.parent / "shared/data/extraction-dev/pages")
    args = parser.parse_args()

    import warehouse

    work = Path(tempfile.mkdtemp(prefix="wirehouse-load-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        paths = html_corpus(args.html_dir, corpus, args.pages)
        _, seconds, kept = time_bare_loop(paths, Settings())
        print(f"{len(kept)} articles from {len(paths)} pages (clean+extract {seconds:.1f}s, not counted)")
        db = work / "load.duckdb"
        per_table: dict[str, float] = {}
        rows: dict[str, int] = {}
        totals = {"open": 0.0, "load": 0.0, "close": 0.0}
        for copy in range(args.copies):
            documents, cleaned, articles = renamed(kept, f"#{copy}")
            for start in range(0, len(kept), args.batch_size):
                part = slice(start, start + args.batch_size)
                started = time.perf_counter()
                con = warehouse.connect(db)
                warehouse.migrate(con)
                opened = time.perf_counter()
                written = warehouse.load_batch(
                    con,
                    "bench",
                    documents=documents[part],
                    cleaned=cleaned[part],
                    articles=articles[part],
                    seconds=per_table,
                )
                loaded = time.perf_counter()
                con.close()
                closed = time.perf_counter()
                for table, count in written.items():
                    rows[table] = rows.get(table, 0) + count
                totals["open"] += opened - started
                totals["load"] += loaded - opened
                totals["close"] += closed - loaded
                print(
                    f"copy {copy} batch {start // args.batch_size + 1}: open {opened - started:.3f}s, "
                    f"load {loaded - opened:.3f}s, close (checkpoint) {closed - loaded:.3f}s, "
                    f"file {db.stat().st_size / 1e6:.0f} MB"
                )
        print("totals: " + ", ".join(f"{step} {spent:.2f}s" for step, spent in totals.items()))
        target_rows = rows.get("entities", 0) + rows.get("quotes", 0)
        target_seconds = sum(per_table.get(t, 0.0) for t in ("entities", "quotes", "children: columns"))
        if target_seconds:
            print(
                f"entity+quote rows: {target_rows} in {target_seconds:.3f}s spent on them "
                f"(their Arrow tables, DELETE, INSERT, and all derived-row column building) "
                f"= {target_rows / target_seconds:,.0f} rows/s (issue #9 target >= 50,000)"
            )
        print(f"all tables: {sum(rows.values())} rows in {totals['load']:.2f}s of load_batch")
        for table, spent in sorted(per_table.items(), key=lambda item: -item[1]):
            print(f"  {table:<20} {spent:7.3f}s  {rows.get(table, 0):>8} rows")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
