"""Syndication benchmark: how well dedupe links copies of a story across outlets, and groups stories by event.

Generates a labelled corpus (bench/syndication_corpus.py), runs each page through clean, extract, dedupe and
load into a fresh DuckDB warehouse in batches, as a run would, then scores:

- duplicate pairs: precision, recall and F1 over pairs of pages (URLs) that copy one story;
- recall per way of copying, and the false pairs by what they really were (follow-ups, other stories);
- canonical choice: how often a group's canonical article is the story's original;
- story clusters: purity, inverse purity and pair F1 against the events (when clustering is on).

Run: `.venv/bin/python bench/syndication.py [--events 300] [--seed 11] [--batch-size 50] [--threshold 0.8]`,
or `--real-pages ../shared/data/extraction-dev` for real pages as the originals (each its own story).
Prints figures; never part of the test suite.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from syndication_corpus import Page, generate, generate_from_pages  # noqa: E402

import warehouse  # noqa: E402
from tasks.clean import clean_documents  # noqa: E402
from tasks.dedupe import dedupe_articles  # noqa: E402
from tasks.extract import extract_articles  # noqa: E402
from tasks.ingest.decode import decode_bytes  # noqa: E402
from tasks.ingest.ids import document_id  # noqa: E402
from tasks.records import RawDocument  # noqa: E402
from tasks.settings import Settings  # noqa: E402


def raw_document(page: Page) -> RawDocument:
    raw = page.html.encode("utf-8")
    decoded = decode_bytes(raw, declared_type="text/html", header_charset="utf-8")
    digest = hashlib.sha256(raw).hexdigest()
    return RawDocument(
        doc_id=document_id(page.url, digest),
        source="bench",
        location=page.url,
        url=page.url,
        fetched_at=page.published_at,
        content_type=decoded.content_type,
        charset=decoded.charset,
        raw=raw,
        raw_sha256=digest,
        text=decoded.text,
    )


@dataclass
class Landed:
    """What the warehouse holds after the run, by page URL."""

    duplicate_links: list[tuple[str, str, str]]  # (copy url, canonical url, kind)
    clusters: dict[str, str]  # url -> story cluster id (empty when clustering is off)
    seconds: dict[str, float]


def run_pipeline(pages: list[Page], settings: Settings, db: Path, batch_size: int) -> Landed:
    seconds: Counter = Counter()
    for start in range(0, len(pages), batch_size):
        batch = [raw_document(page) for page in pages[start : start + batch_size]]
        began = time.perf_counter()
        cleaned, _ = clean_documents(batch)
        seconds["clean"] += time.perf_counter() - began
        began = time.perf_counter()
        articles, _ = extract_articles(cleaned, settings)
        seconds["extract"] += time.perf_counter() - began
        with warehouse.writer(db) as con:
            began = time.perf_counter()
            result = dedupe_articles(articles, settings, warehouse.WarehouseIndex(con))
            seconds["dedupe"] += time.perf_counter() - began
            began = time.perf_counter()
            warehouse.load_batch(
                con,
                "bench",
                documents=batch,
                cleaned=cleaned,
                articles=articles,
                duplicates=result.duplicates,
                fingerprints=result.fingerprints,
                shingles=result.shingles,
                stories=result.stories,
            )
            seconds["load"] += time.perf_counter() - began
    with warehouse.connect(db, read_only=True) as con:
        links = con.execute(
            "SELECT a.url, c.url, d.kind FROM duplicates AS d "
            "JOIN articles AS a ON a.article_id = d.article_id "
            "JOIN articles AS c ON c.article_id = d.canonical_id"
        ).fetchall()
        has_clusters = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'story_clusters'"
        ).fetchone()[0]
        clusters = {}
        if has_clusters:
            clusters = dict(
                con.execute(
                    "SELECT a.url, s.cluster_id FROM story_clusters AS s "
                    "JOIN articles AS a USING (article_id)"
                ).fetchall()
            )
    return Landed(links, clusters, dict(seconds))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first: str, second: str) -> None:
        self.parent[self.find(first)] = self.find(second)


def pairs_of(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {
        tuple(sorted(pair)) for members in groups.values() for pair in combinations(sorted(set(members)), 2)
    }


def score(pages: list[Page], landed: Landed) -> dict[str, object]:
    by_url: dict[str, Page] = {}
    for page in pages:
        by_url.setdefault(page.url, page)  # a page's versions share its URL and its story
    truth_groups: dict[str, list[str]] = defaultdict(list)
    for url, page in by_url.items():
        truth_groups[page.story_id].append(url)
    truth = pairs_of(truth_groups)

    found = _UnionFind()
    for url in by_url:
        found.find(url)
    for copy_url, canonical_url, _ in landed.duplicate_links:
        found.union(copy_url, canonical_url)
    predicted_groups: dict[str, list[str]] = defaultdict(list)
    for url in by_url:
        predicted_groups[found.find(url)].append(url)
    predicted = pairs_of(predicted_groups)

    true_positive = len(truth & predicted)
    precision = true_positive / len(predicted) if predicted else 1.0
    recall = true_positive / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    # Recall per way of copying: is each copy in its original's group?
    originals = {page.story_id: page.url for page in pages if page.is_original}
    per_kind: dict[str, list[bool]] = defaultdict(list)
    for page in by_url.values():
        if page.role.startswith("copy:"):
            per_kind[page.role[5:]].append(found.find(page.url) == found.find(originals[page.story_id]))
    false_pairs = Counter()
    for first, second in predicted - truth:
        roles = sorted((by_url[first].role.split(":")[0], by_url[second].role.split(":")[0]))
        same_event = by_url[first].event_id == by_url[second].event_id
        false_pairs[f"{roles[0]} ~ {roles[1]} ({'same event' if same_event else 'other event'})"] += 1
    # Canonical: the group's article that nothing points at should be the story's original.
    canonical_of: dict[str, str] = {}
    for copy_url, canonical_url, _ in landed.duplicate_links:
        canonical_of[copy_url] = canonical_url
    right = total = 0
    for story_id, members in truth_groups.items():
        if len(members) < 2 or story_id not in originals:
            continue
        roots = {url for url in members if url not in canonical_of}
        total += 1
        right += roots == {originals[story_id]}
    kinds = Counter(kind for _, _, kind in landed.duplicate_links)
    result: dict[str, object] = {
        "pages": len(pages),
        "urls": len(by_url),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "recall_by_copy_kind": {kind: sum(hits) / len(hits) for kind, hits in sorted(per_kind.items())},
        "false_pairs": dict(false_pairs.most_common()),
        "canonical_is_original": right / total if total else 1.0,
        "kinds": dict(kinds),
    }
    if landed.clusters:
        result.update(cluster_scores(by_url, landed.clusters))
    return result


def cluster_scores(by_url: dict[str, Page], clusters: dict[str, str]) -> dict[str, float]:
    """Purity (clusters hold one event), inverse purity (events stay in one cluster), pair F1."""
    members: dict[str, list[str]] = defaultdict(list)
    events: dict[str, list[str]] = defaultdict(list)
    for url, page in by_url.items():
        if url in clusters:
            members[clusters[url]].append(url)
            events[page.event_id].append(url)
    total = sum(len(urls) for urls in members.values()) or 1
    purity = sum(
        Counter(by_url[url].event_id for url in urls).most_common(1)[0][1] for urls in members.values()
    )
    inverse = sum(Counter(clusters[url] for url in urls).most_common(1)[0][1] for urls in events.values())
    truth, predicted = pairs_of(events), pairs_of(members)
    hits = len(truth & predicted)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    return {
        "cluster_purity": purity / total,
        "cluster_inverse_purity": inverse / total,
        "cluster_pair_precision": precision,
        "cluster_pair_recall": recall,
        "cluster_pair_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "clusters": len(members),
        "events": len(events),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--threshold", type=float, default=Settings().near_duplicate_threshold)
    parser.add_argument("--story-threshold", type=float, default=Settings().story_threshold)
    parser.add_argument(
        "--real-pages",
        type=Path,
        help="a folder like ../shared/data/extraction-dev: its pages are the originals, copies are generated",
    )
    parser.add_argument("--limit", type=int, help="with --real-pages: at most this many pages")
    arguments = parser.parse_args()
    if arguments.real_pages:
        expectations = json.loads((arguments.real_pages / "expectations.json").read_text(encoding="utf-8"))
        pages = generate_from_pages(
            arguments.real_pages / "pages", expectations, seed=arguments.seed, limit=arguments.limit
        )
    else:
        pages = generate(events=arguments.events, seed=arguments.seed)
    settings = replace(
        Settings(), near_duplicate_threshold=arguments.threshold, story_threshold=arguments.story_threshold
    )
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        landed = run_pipeline(pages, settings, Path(folder) / "bench.duckdb", arguments.batch_size)
        elapsed = time.perf_counter() - started
    figures = score(pages, landed)
    print(f"corpus: {figures.pop('pages')} pages, {figures.pop('urls')} URLs, seed {arguments.seed}")
    for name, value in figures.items():
        if isinstance(value, float):
            print(f"{name:>24}: {value:.4f}")
        else:
            print(f"{name:>24}: {value}")
    per_step = ", ".join(f"{step} {spent:.2f}s" for step, spent in landed.seconds.items())
    rate = len(pages) / landed.seconds["dedupe"]
    print(f"{'time':>24}: {elapsed:.1f}s ({per_step}); dedupe {rate:.0f} pages/s")
    print("targets: precision >= 0.99, recall >= 0.97")


if __name__ == "__main__":
    main()
