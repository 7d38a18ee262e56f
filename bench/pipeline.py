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
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The flow's temporary Prefect server has no one to report usage to (and its telemetry job logs lock noise).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from flows.news import DEFAULT_BATCH_SIZE, split_batches  # noqa: E402
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


def time_bare_loop(paths: list[Path], settings: Settings, keep: bool = False) -> tuple[int, float, list]:
    """Clean+extract each file in one process, one core: the ceiling the flow is measured against.

    Timed without `keep`: holding every page's results makes Python's garbage collector walk them all, again
    and again (the loop ran ~15 % slower with 600 pages kept), which a real loop would not do.
    """
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
            article = extract_article(cleaned, settings)
            if keep:
                kept.append((doc, cleaned, article))
            done += 1
    time_bare_loop.cpu_seconds = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return done, time.perf_counter() - started, kept


def _cpu_seconds() -> float:
    """CPU time of this process and its reaped children (the pool's workers, once the run closed them)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


# The tables issue #9's load target counts, and the step that builds the columns of every derived table.
LOAD_TARGET_TABLES = ("entities", "quotes")
CHILD_COLUMNS = "children: columns"


@dataclass
class LoadFigures:
    """What `time_load` measured: rows written and the seconds spent writing them."""

    target_rows: int  # entity and quote rows written
    target_seconds: float  # their Arrow tables, DELETE and INSERT, and all of the derived-row column building
    rows: int  # rows written to every table
    seconds: float  # whole load_batch calls, commits included
    per_table: dict[str, float]


def time_load(kept: list, settings: Settings, folder: Path, batch_size: int) -> LoadFigures:
    """Rows written per second by warehouse.load_batch, for the entity and quote tables and for all tables.

    The entity/quote figure divides their rows by the seconds load_batch spent on those two tables (building
    their Arrow tables, the DELETE of an article's old rows, the INSERT), plus all of the column building
    shared by the six derived tables (so it is, if anything, low). The commit, which writes the batch's WAL
    (and checkpoints when it passes DuckDB's threshold), is shared by every table: it is in the all-tables
    figure only.
    """
    import warehouse

    rows = 0
    target_rows = 0
    seconds = 0.0
    per_table: dict[str, float] = {}
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
                seconds=per_table,
            )
            seconds += time.perf_counter() - started
            rows += sum(written.values())
            target_rows += sum(written.get(table, 0) for table in LOAD_TARGET_TABLES)
    target_seconds = sum(per_table.get(table, 0.0) for table in (*LOAD_TARGET_TABLES, CHILD_COLUMNS))
    return LoadFigures(target_rows, target_seconds, rows, seconds, per_table)


class PeakMemory:
    """Peak resident memory of a process, and of it with all its descendants, sampled."""

    def __init__(self, pid: int | None = None, interval: float = 0.2) -> None:
        self.pid = pid or os.getpid()
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
        found, frontier = [], [self.pid]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            found += children
            frontier += children
        return found

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            own = self._rss(self.pid)
            self.own = max(self.own, own)
            self.tree = max(self.tree, own + sum(self._rss(pid) for pid in self._descendants()))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def count_task_runs(flow_run_id: str, prefect_home: Path) -> int:
    """Task runs of the flow run, read back from the ephemeral Prefect database the run left behind."""
    os.environ["PREFECT_HOME"] = str(prefect_home)
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


@dataclass
class Finished:
    """One `wirehouse run` in its own process: wall time, CPU of its process tree, peak memory."""

    started_at: float  # UNIX time
    seconds: float
    cpu: float
    rss_own: int
    rss_tree: int


def run_command(command: list[str], prefect_home: Path, log: Path) -> Finished:
    environment = {**os.environ, "PREFECT_HOME": str(prefect_home), "PYTHONPATH": str(ROOT)}
    before = os.times()
    started_at = time.time()
    started = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        with PeakMemory(process.pid) as memory:
            process.wait()
    seconds = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return Finished(started_at, seconds, cpu, memory.own, memory.tree)


def run_facts(db: Path) -> dict:
    """What the two runs recorded: durations, the first batch's landing, the flow run id, the counts."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute(
            "SELECT flow_run_id, epoch(started_at), epoch(finished_at), counts FROM runs "
            "WHERE status = 'completed' ORDER BY started_at"
        ).fetchall()
        first_loaded = con.execute("SELECT epoch(min(loaded_at)) FROM documents").fetchone()[0]
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if not runs:
        return {"runs": 0}
    flow_run_id, started, _, counts = runs[0]
    return {
        "runs": len(runs),
        "flow_run_id": flow_run_id,
        "first_loaded": first_loaded,
        "flow_to_first": first_loaded - started,
        "articles": articles,
        "seconds": json.loads(counts)["seconds"],
        "incremental": runs[-1][2] - runs[-1][1],
    }


def profile_flow(corpus: Path, work: Path, args: argparse.Namespace) -> None:
    """cProfile one flow run in this process (with --workers 1 the steps themselves show)."""
    from flows.news import news_pipeline

    profiler = cProfile.Profile()
    profiler.enable()
    summary = news_pipeline(
        sources=[str(corpus)],
        warehouse_path=str(work / "profiled.duckdb"),
        workers=args.workers,
        **({"batch_size": args.batch_size} if args.batch_size else {}),
    )
    profiler.disable()
    profiler.dump_stats(args.profile)
    print(f"profiled run: {summary['steps']}; seconds waited per step {summary['seconds']}")
    print(f"profile in {args.profile}: python -m pstats {args.profile}")


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
    parser.add_argument(
        "--profile", type=Path, help="cProfile one flow run in this process instead (--workers 1: the steps)"
    )
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
        done, seconds, _ = time_bare_loop(sample, settings)
        bare_rate = len(sample) / seconds
        bare_cpu = time_bare_loop.cpu_seconds / len(sample)  # type: ignore[attr-defined]
        print(f"clean+extract, bare loop, one core: {len(sample)} pages ({done} with text) in {seconds:.1f}s")
        print(f"  = {bare_rate:.1f} pages/s")
        kept = time_bare_loop(sample, settings, keep=True)[2]  # what the load timing writes (not timed)

        load = time_load(kept, settings, work, 250)
        load_rate = load.target_rows / load.target_seconds if load.target_seconds else 0.0
        print(
            f"load (warehouse.load_batch, batches of 250): {load.target_rows} entity+quote rows written in "
            f"{load.target_seconds:.3f}s spent on them = {load_rate:,.0f} rows/s (target >= 50,000); "
            f"all tables {load.rows} rows in {load.seconds:.2f}s = {load.rows / load.seconds:,.0f} rows/s"
        )
        slowest = sorted(load.per_table.items(), key=lambda item: -item[1])[:6]
        print("  seconds per table: " + ", ".join(f"{table} {spent:.3f}" for table, spent in slowest))
        del kept

        if args.skip_flow:
            return
        if args.profile:
            profile_flow(corpus, work, args)
            return
        prefect_home = work / "prefect-home"  # a fresh ephemeral Prefect database, read back for task runs
        db = work / "bench.duckdb"
        command = [sys.executable, "-m", "flows.cli", "run", str(corpus), "--db", str(db), "--no-progress"]
        command += ["--runner", args.runner]
        command += ["--batch-size", str(args.batch_size)] if args.batch_size else []
        command += ["--workers", str(args.workers)] if args.workers else []
        # Prefect creates its database on its first start on a machine (a one-time cost of about 10 s here,
        # not part of any later run): a run over an empty folder does that before the timed runs, which
        # start a temporary Prefect server each, as every `wirehouse run` without a server does.
        empty = work / "empty"
        empty.mkdir()
        setup = [sys.executable, "-m", "flows.cli", "run", str(empty), "--db", str(work / "setup.duckdb")]
        prepared = run_command([*setup, "--no-progress"], prefect_home, work / "setup.log")
        print(f"Prefect's first start, new PREFECT_HOME (its database made): {prepared.seconds:.1f}s, once")
        first = run_command(command, prefect_home, work / "first.log")
        again = run_command(command, prefect_home, work / "again.log")
        facts = run_facts(db)
        if facts["runs"] < 2:
            raise SystemExit(f"the flow did not complete twice: see {work}/first.log and again.log")
        pages_per_second = len(paths) / first.seconds
        articles = facts["articles"]
        task_runs = count_task_runs(facts["flow_run_id"], prefect_home)
        print(
            f"wirehouse run ({args.runner} runner, {cores} workers, fresh DuckDB, ephemeral Prefect, a new "
            f"process): {len(paths)} pages in {first.seconds:.1f}s = {pages_per_second:.1f} pages/s, "
            f"{articles} articles"
        )
        print(f"  seconds the flow waited per step: {facts['seconds']}")
        print(
            f"  CPU per page: bare loop {bare_cpu * 1000:.1f} ms; "
            f"wirehouse run {first.cpu / len(paths) * 1000:.1f} ms (its process, pool workers and Prefect "
            f"server); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: other work on the "
            "machine lowers the ratio below"
        )
        print(f"  command: {' '.join(command[2:])}")

        ratio = pages_per_second / bare_rate
        target_ratio = 0.8 * cores
        # Task runs grow with batches, and the first batches are small (flows.news.split_batches): count the
        # batches a 10,000-item run makes and give each the task runs this run's batches took.
        batch_size = args.batch_size or DEFAULT_BATCH_SIZE
        batches_here = len(split_batches(list(range(len(paths))), batch_size))
        per_10k = task_runs / batches_here * len(split_batches(list(range(10_000)), batch_size))
        to_first = facts["first_loaded"] - first.started_at
        print()
        print(f"figures (measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores)")
        print(f"{'figure':<48} {'measured':>12} {'target':>12}")
        lines = [
            ("end to end / bare clean+extract on one core", f"{ratio:.2f}x", f">= {target_ratio:.1f}x"),
            ("task runs per 10,000 articles", f"{per_10k:.0f}", "<= 200"),
            ("flow start to first batch landed", f"{facts['flow_to_first']:.1f}s", "<= 5s"),
            ("  command start to first batch (ephemeral server)", f"{to_first:.1f}s", ""),
            ("load: entity+quote rows / s writing them", f"{load_rate:,.0f}", ">= 50,000"),
            ("peak RSS, the wirehouse run process", f"{first.rss_own / 1e9:.2f} GB", "< 1.5 GB"),
            ("  with pool workers and Prefect server", f"{first.rss_tree / 1e9:.2f} GB", ""),
            ("incremental re-run, nothing new: the flow", f"{facts['incremental']:.1f}s", "<= 3s"),
            ("  the whole command (Python, ephemeral server)", f"{again.seconds:.1f}s", ""),
        ]
        checks = [
            ratio >= target_ratio,
            per_10k <= 200,
            facts["flow_to_first"] <= 5,
            None,
            load_rate >= 50_000,
            first.rss_own < 1.5e9,
            None,
            facts["incremental"] <= 3,
            None,
        ]
        for (name, measured, target), ok in zip(lines, checks, strict=True):
            print(f"{name:<48} {measured:>12} {target:>12}  {'' if ok is None else verdict(ok)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
