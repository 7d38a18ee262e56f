"""Throughput of clean+extract in a bare loop and of the whole flow, on a corpus generated offline.

Run: `.venv/bin/python bench/pipeline.py [--articles 400] [--html-dir ../shared/data/extraction-dev/pages]`.
Prints figures; never part of the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The flow's temporary Prefect server has no one to report usage to (and its telemetry job logs lock noise).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from tasks.clean import clean_document  # noqa: E402
from tasks.extract import extract_article  # noqa: E402
from tasks.ingest.files import read_file  # noqa: E402
from tasks.records import SourceItem  # noqa: E402
from tasks.settings import Settings  # noqa: E402

WORDS = [
    "government",
    "minister",
    "said",
    "report",
    "market",
    "city",
    "officials",
    "police",
    "court",
    "election",
    "company",
    "share",
    "president",
    "council",
    "union",
    "bank",
    "talks",
    "week",
    "plan",
    "budget",
    "energy",
    "health",
    "school",
    "water",
    "project",
]


def generate_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Plain-text copies built from the bundled sample: paragraphs reshuffled and words swapped per copy."""
    rng = random.Random(seed)
    sample = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    head, _, rest = sample.partition("\n")
    lines = rest.split("\n")
    paths = []
    for number in range(count):
        body = []
        for line in lines:
            if len(line) > 120 and rng.random() < 0.5:
                words = line.split(" ")
                for _ in range(4):
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                line = " ".join(words)
            body.append(line)
        path = folder / f"article_{number:05d}.txt"
        path.write_text(f"{head} {number}\n" + "\n".join(body), encoding="utf-8")
        paths.append(path)
    return paths


def time_bare_loop(paths: list[Path], settings: Settings) -> tuple[int, float]:
    """Clean+extract each file in one process, one core: the ceiling the flow is measured against."""
    done = 0
    started = time.perf_counter()
    for path in paths:
        doc = read_file(SourceItem(str(path), str(path)), max_bytes=settings.max_document_bytes)
        if hasattr(doc, "reason"):
            continue
        cleaned = clean_document(doc)
        if cleaned.paragraphs:
            extract_article(cleaned, settings)
            done += 1
    return done, time.perf_counter() - started


def copy_html_pages(source: Path, folder: Path, limit: int) -> list[Path]:
    paths = []
    for page in sorted(source.glob("*.html.gz"))[:limit]:
        target = folder / page.name.replace(" ", "_")
        target.write_bytes(gzip.decompress(page.read_bytes()))
        paths.append(target.with_suffix(""))
        target.rename(target.with_suffix(""))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=400, help="generated plain-text articles")
    parser.add_argument("--html-dir", type=Path, default=ROOT.parent / "shared/data/extraction-dev/pages")
    parser.add_argument("--html-pages", type=int, default=300)
    parser.add_argument("--skip-flow", action="store_true", help="only the bare loops")
    args = parser.parse_args()
    settings = Settings()
    work = Path(tempfile.mkdtemp(prefix="wirehouse-bench-"))
    try:
        text_dir = work / "text"
        text_dir.mkdir()
        text_paths = generate_corpus(text_dir, args.articles)
        warm = text_paths[:5]
        time_bare_loop(warm, settings)  # load gazetteers and models once, outside the timing
        done, seconds = time_bare_loop(text_paths, settings)
        print(
            f"clean+extract, plain text, one core: {done} articles in {seconds:.2f}s = {done / seconds:.1f}/s"
        )
        if args.html_dir.is_dir():
            html_dir = work / "html"
            html_dir.mkdir()
            html_paths = copy_html_pages(args.html_dir, html_dir, args.html_pages)
            done, seconds = time_bare_loop(html_paths, settings)
            print(
                f"clean+extract, HTML pages, one core: {done} of {len(html_paths)} with text in "
                f"{seconds:.2f}s = {len(html_paths) / seconds:.1f} pages/s"
            )
        if not args.skip_flow:
            from flows.news import news_pipeline

            db = work / "bench.duckdb"
            started = time.perf_counter()
            summary = news_pipeline(sources=[str(text_dir)], warehouse_path=str(db), batch_size=100)
            seconds = time.perf_counter() - started
            print(
                f"whole flow (ephemeral Prefect, {args.articles} articles, batches of 100): {seconds:.2f}s = "
                f"{summary['steps'].get('extracted', 0) / seconds:.1f} articles/s, "
                f"duplicates found: {summary['steps'].get('duplicates', 0)}"
            )
            started = time.perf_counter()
            news_pipeline(sources=[str(text_dir)], warehouse_path=str(db), batch_size=100)
            print(f"incremental re-run with nothing new: {time.perf_counter() - started:.2f}s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
