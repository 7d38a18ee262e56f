"""Re-runs over a folder: a file with the size and time it had when last hashed is not read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from flows.news import news_pipeline


def _states(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT location, size, mtime_ns FROM file_states").fetchall()


def test_an_unchanged_file_is_passed_over_by_size_and_time_and_a_touched_one_is_hashed(
    tmp_path: Path, seeds_dir: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    article = folder / "story.txt"
    shutil.copy(next(seeds_dir.glob("*.txt")), article)
    db = tmp_path / "w.duckdb"

    def run(**options: object) -> dict:
        return news_pipeline(sources=[str(folder)], warehouse_path=str(db), **options)["steps"]

    assert run()["ingested"] == 1
    status = article.stat()
    assert _states(db) == [(str(article), status.st_size, status.st_mtime_ns)]

    # Same size and time: taken as the same bytes without reading them, even though they differ (the quick
    # check's known blind spot, which --refresh covers) ...
    original = article.read_bytes()
    article.write_bytes(original.replace(b"a", b"e", 1))
    os.utime(article, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert run()["unchanged"] == 1
    refreshed = run(refresh=True)
    assert refreshed["ingested"] == 1 and refreshed["extracted"] == 1

    # ... a new time gets the file hashed again: bytes stored before (the first run's) are still passed over,
    # and the new time is kept; new bytes are read.
    article.write_bytes(original)
    os.utime(article, ns=(status.st_atime_ns, status.st_mtime_ns + 5_000_000_000))
    steps = run()
    assert (steps["unchanged"], steps["ingested"]) == (1, 0)
    assert _states(db) == [(str(article), status.st_size, status.st_mtime_ns + 5_000_000_000)]
    article.write_bytes(original + b"\nA new last line.\n")
    assert run()["ingested"] == 1
