"""Throughput of the whole pipeline against clean+extract alone, printed beside issue #9's targets.

Run: `.venv/bin/python bench/pipeline.py [--pages 5000] [--html-dir ../shared/data/extraction-dev/pages]`.
The corpus is made offline: the real pages of --html-dir (gzipped HTML) copied until there are --pages of
them, each copy's text perturbed (words swapped) so it is a new document; without --html-dir pages, plain-text
articles are generated from seeds/. Prints figures; never part of the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import os
import random
import re
import shutil
import sys
import tempfile
import threading
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
# Text between tags long enough to be prose: where a copy's words are swapped.
_PROSE = re.compile(r">([^<>]{80,})<")


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


def _perturb(html: str, rng: random.Random) -> str:
    """Swap a few words in some prose runs: the copy is a new document with (nearly) the same work."""

    def swap(match: re.Match[str]) -> str:
        if rng.random() > 0.3:
            return match.group(0)
        words = match.group(1).split(" ")
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        return ">" + " ".join(words) + "<"

    return _PROSE.sub(swap, html)


def html_corpus(source: Path, folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` HTML pages from the gzipped pages in `source`: the originals, then perturbed copies."""
    rng = random.Random(seed)
    originals = sorted(source.glob("*.html.gz"))
    if not originals:
        raise SystemExit(f"no *.html.gz pages in {source}")
    texts = [gzip.decompress(page.read_bytes()).decode("utf-8", "replace") for page in originals]
    paths = []
    for number in range(count):
        index = number % len(texts)
        html = texts[index] if number < len(texts) else _perturb(texts[index], rng)
        path = folder / f"{number // len(texts):02d}" / f"{originals[index].name.removesuffix('.gz')}"
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


def time_bare_loop(paths: list[Path], settings: Settings) -> tuple[int, float, list]:
    """Clean+extract each file in one process, one core: the ceiling the flow is measured against."""
    done = 0
    kept = []
    started = time.perf_counter()
    cpu_started = time.process_time()
    for path in paths:
        doc = read_file(SourceItem(str(path), str(path)), max_bytes=settings.max_document_bytes)
        if hasattr(doc, "reason"):
            continue
        cleaned = clean_document(doc)
        if cleaned.paragraphs:
            kept.append((doc, cleaned, extract_article(cleaned, settings)))
            done += 1
    time_bare_loop.cpu_seconds = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return done, time.perf_counter() - started, kept


def _cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the pool's workers, once the run closed them)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def time_load(kept: list, settings: Settings, folder: Path, batch_size: int) -> tuple[int, float]:
    """Entity and quote rows written per second by warehouse.load_batch (all of a batch's tables)."""
    import warehouse

    rows = 0
    seconds = 0.0
    with warehouse.writer(folder / "load.duckdb") as con:
        for start in range(0, len(kept), batch_size):
            part = kept[start : start + batch_size]
            started = time.perf_counter()
            written = warehouse.load_batch(
                con,
                "bench",
                documents=[doc for doc, _, _ in part],
                cleaned=[cleaned for _, cleaned, _ in part],
                articles=[article for _, _, article in part],
            )
            seconds += time.perf_counter() - started
            rows += written.get("entities", 0) + written.get("quotes", 0)
    return rows, seconds


class PeakMemory:
    """Peak resident memory of this process and of this process with all its descendants, sampled."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.own = 0
        self.tree = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            return 0

    def _descendants(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        found, frontier = [], [os.getpid()]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            found += children
            frontier += children
        return found

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            own = self._rss(os.getpid())
            self.own = max(self.own, own)
            self.tree = max(self.tree, own + sum(self._rss(pid) for pid in self._descendants()))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class FirstBatch:
    """A progress listener noting when the flow began planning and when batch 1 reached the load step."""

    def __init__(self) -> None:
        self.planning: float | None = None
        self.loading: float | None = None

    def discovering(self, source: str) -> None:
        self.planning = self.planning or time.perf_counter()

    def planned(self, items: int, batches: int) -> None:
        pass

    def step(self, name: str, number: int, total: int) -> None:
        if name == "load" and number == 1 and self.loading is None:
            self.loading = time.perf_counter()

    def item_done(self) -> None:
        pass


def count_task_runs(flow_run_id: str) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs = 0
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])), offset=runs, limit=200
            )
            runs += len(page)
            if len(page) < 200:
                return runs


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=5000, help="HTML pages in the corpus (from --html-dir)")
    parser.add_argument("--html-dir", type=Path, default=ROOT.parent / "shared/data/extraction-dev/pages")
    parser.add_argument("--articles", type=int, default=400, help="plain-text articles when no --html-dir")
    parser.add_argument("--bare-pages", type=int, default=600, help="pages the one-core bare loop times")
    parser.add_argument("--batch-size", type=int, default=None, help="the flow's batch size (its default)")
    parser.add_argument("--workers", type=int, default=None, help="the flow's workers (one per core)")
    parser.add_argument("--runner", default="local", help="local or dask")
    parser.add_argument("--profile", type=Path, help="cProfile the flow run (workers=1 to see the steps)")
    parser.add_argument("--skip-flow", action="store_true", help="only the bare loop and the load")
    args = parser.parse_args()
    settings = Settings()
    cores = args.workers or os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="wirehouse-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        if args.html_dir.is_dir():
            paths = html_corpus(args.html_dir, corpus, args.pages)
            kind = "HTML pages"
        else:
            paths = generate_corpus(corpus, args.articles)
            kind = "plain-text articles"
        size = sum(path.stat().st_size for path in paths) / len(paths) / 1000
        print(f"corpus: {len(paths)} {kind}, {size:.0f} KB each on average, in {corpus}")

        time_bare_loop(paths[:5], settings)  # load gazetteers and models once, outside the timing
        sample = paths[: args.bare_pages]
        done, seconds, kept = time_bare_loop(sample, settings)
        bare_rate = len(sample) / seconds
        bare_cpu = time_bare_loop.cpu_seconds / len(sample)  # type: ignore[attr-defined]
        print(f"clean+extract, bare loop, one core: {len(sample)} pages ({done} with text) in {seconds:.1f}s")
        print(f"  = {bare_rate:.1f} pages/s")

        rows, seconds = time_load(kept, settings, work, 250)
        load_rate = rows / seconds if seconds else 0.0
        print(f"load (warehouse.load_batch, batches of 250): {rows} entity+quote rows in {seconds:.2f}s")
        del kept

        if args.skip_flow:
            return
        from flows import progress
        from flows.news import DEFAULT_BATCH_SIZE, news_pipeline

        batch_size = args.batch_size or DEFAULT_BATCH_SIZE
        db = work / "bench.duckdb"
        first = FirstBatch()
        profiler = cProfile.Profile() if args.profile else None
        run = {
            "sources": [str(corpus)],
            "warehouse_path": str(db),
            "batch_size": batch_size,
            "workers": args.workers,
            "runner": args.runner,
        }
        with PeakMemory() as memory, progress.listening(first):
            started = call_started = time.perf_counter()
            cpu_started = _cpu_seconds()
            if profiler:
                profiler.enable()
            summary = news_pipeline(**run)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            flow_seconds = time.perf_counter() - started
            flow_cpu = (_cpu_seconds() - cpu_started) / len(paths)
        pages_per_second = len(paths) / flow_seconds
        task_runs = count_task_runs(summary["run_id"])
        articles = summary["steps"].get("extracted", 0)
        print(
            f"whole flow ({args.runner} runner, {cores} workers, batches of {batch_size}, fresh DuckDB, "
            f"ephemeral Prefect): {len(paths)} pages in {flow_seconds:.1f}s = {pages_per_second:.1f} pages/s"
        )
        print(f"  steps: {summary['steps']}")
        print(f"  seconds the flow waited per step: {summary['seconds']}")
        print(
            f"  CPU per page: bare loop {bare_cpu * 1000:.1f} ms, whole flow {flow_cpu * 1000:.1f} ms "
            f"(flow process and pool workers, not the Prefect server); load {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores (other work on the machine lowers the ratio below)"
        )
        started = time.perf_counter()
        news_pipeline(**run)
        incremental = time.perf_counter() - started

        ratio = pages_per_second / bare_rate
        target_ratio = 0.8 * cores
        per_10k = task_runs * 10_000 / max(articles, 1)
        to_first = (first.loading or call_started) - call_started
        print()
        print(f"figures (measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores)")
        print(f"{'figure':<44} {'measured':>14} {'target':>14}")
        lines = [
            ("end to end / bare clean+extract (x one core)", f"{ratio:.2f}x", f">= {target_ratio:.1f}x"),
            ("task runs per 10,000 articles", f"{per_10k:.0f}", "<= 200"),
            ("call to batch 1 loading (server boot incl.)", f"{to_first:.1f}s", "<= 5s"),
            (
                "flow planning to batch 1 loading",
                f"{(first.loading or 0) - (first.planning or 0):.1f}s",
                "",
            ),
            ("load: entity+quote rows per second", f"{load_rate:,.0f}", ">= 50,000"),
            ("peak RSS, flow process", f"{memory.own / 1e9:.2f} GB", "< 1.5 GB"),
            ("peak RSS, with workers and Prefect server", f"{memory.tree / 1e9:.2f} GB", ""),
            ("incremental re-run, nothing new", f"{incremental:.1f}s", "<= 3s"),
        ]
        checks = [
            ratio >= target_ratio,
            per_10k <= 200,
            to_first <= 5,
            None,
            load_rate >= 50_000,
            memory.own < 1.5e9,
            None,
            incremental <= 3,
        ]
        for (name, measured, target), ok in zip(lines, checks, strict=True):
            print(f"{name:<44} {measured:>14} {target:>14}  {'' if ok is None else verdict(ok)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
