"""Dedupe at scale: signatures per second, and the incremental step of 10,000 new articles against a warehouse
already holding 1,000,000 fingerprinted (and story-clustered) articles.

The stored million is synthetic (random band hashes and story terms, written by SQL inside DuckDB), plus the
originals of a generated syndication corpus whose copies are among the new articles, so candidates are found
and verified for real. The new articles are built straight from the corpus (no HTML), so the figures are
dedupe's own: MinHash, the band join in DuckDB, verification, story clustering, and the load of the results.

Run: `.venv/bin/python bench/dedupe_scale.py [--stored 1000000] [--new 10000] [--batch-size 10000]`.
Prints figures; never part of the test suite.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from syndication_corpus import CITIES, generate  # noqa: E402

import warehouse  # noqa: E402
from tasks.dedupe import LEAD_BAND_BASE, LEAD_BANDS, _band_rows, dedupe_articles  # noqa: E402
from tasks.dedupe.exact import text_hash  # noqa: E402
from tasks.dedupe.minhash import tokens  # noqa: E402
from tasks.records import Article, Entity  # noqa: E402
from tasks.settings import Settings  # noqa: E402

SYNTHETIC_TERMS = 30  # story terms per stored synthetic article
VOCABULARY = 400_000


def articles_from_corpus(count: int, seed: int) -> tuple[list[Article], list[Article]]:
    """(originals to store, new articles): the corpus's originals go in the warehouse, the rest arrive new."""
    # About one copy per story: half the new articles are copies, the rest stories of their own.
    events = max(10, count // 3)
    pages = generate(events=events, seed=seed, copies=(0, 2))
    originals, new = [], []
    for number, page in enumerate(pages):
        names = [word for word in page.paragraphs[0].split() if word[:1].isupper()][:6]
        entities = tuple(
            Entity(
                name=name.strip(",.;:"),
                type="LOC" if name in CITIES else "PERSON",
                mentions=2,
                first_offset=0,
            )
            for name in names
        )
        text = "\n\n".join(page.paragraphs)
        article = Article(
            article_id=f"corpus-{number:06d}",
            doc_id=f"doc-corpus-{number:06d}",
            source="bench",
            url=page.url,
            canonical_url=page.url,
            site=page.url.split("/")[2],
            title=page.paragraphs[0][:60],
            subtitle=None,
            authors=(),
            published_at=page.published_at,
            updated_at=None,
            language="en",
            image_url=None,
            image_caption=None,
            text=text,
            word_count=len(text.split()),
            text_sha256=text_hash(text),
            entities=entities,
        )
        (originals if page.is_original and len(originals) < count // 4 else new).append(article)
    return originals, new[:count]


def fill_synthetic(con, stored: int, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """`stored` articles with their band rows, story terms and clusters, generated inside DuckDB."""
    bands = f"SELECT unnest(range(0, {settings.bands})) AS band UNION ALL " + (
        f"SELECT unnest(range({LEAD_BAND_BASE - LEAD_BANDS + 1}, {LEAD_BAND_BASE + 1}))"
    )
    con.execute(
        "INSERT INTO articles (article_id, doc_id, source, url, canonical_url, site, title, authors,"
        " published_at, text, word_count, text_sha256, record_sha256, loaded_at, run_id) "
        "SELECT 'synthetic-' || i, 'doc-synthetic-' || i, 'bench', 'https://synthetic.example/' || i, NULL,"
        " 'synthetic.example', 'Synthetic story ' || i, [], "
        " TIMESTAMPTZ '2024-06-01 00:00:00+00' + to_minutes(CAST(i % 200000 AS BIGINT)),"
        " 'synthetic text ' || i, 3, md5(CAST(i AS VARCHAR)), md5(CAST(i AS VARCHAR)), now(), 'bench' "
        f"FROM range({stored}) AS t(i)"
    )
    con.execute(
        "INSERT INTO fingerprints (article_id, band, hash) "
        "SELECT 'synthetic-' || i, b.band, CAST(hash(i, b.band) >> 1 AS BIGINT) "
        f"FROM range({stored}) AS t(i) CROSS JOIN ({bands}) AS b"
    )
    con.execute(
        'INSERT INTO story_terms (article_id, term, "at") '
        "SELECT 'synthetic-' || i, 'w:t' || CAST(hash(i, k) % " + str(VOCABULARY) + " AS VARCHAR),"
        " TIMESTAMPTZ '2024-06-01 00:00:00+00' + to_minutes(CAST(i % 200000 AS BIGINT)) "
        f"FROM range({stored}) AS t(i) CROSS JOIN range({SYNTHETIC_TERMS}) AS u(k)"
    )
    con.execute(
        "INSERT INTO story_term_counts SELECT term, count(*) FROM story_terms GROUP BY term "
        "ON CONFLICT (term) DO UPDATE SET articles = excluded.articles"
    )
    con.execute(
        'INSERT INTO story_clusters (article_id, cluster_id, similarity, "at", joined_at, run_id) '
        "SELECT 'synthetic-' || i, 'synthetic-' || (i - i % 5), 1.0,"
        " TIMESTAMPTZ '2024-06-01 00:00:00+00' + to_minutes(CAST(i % 200000 AS BIGINT)), now(), 'bench' "
        f"FROM range({stored}) AS t(i)"
    )
    con.execute("CHECKPOINT")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=10_000, help="new articles per dedupe+load step")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--db", type=Path, help="keep the warehouse here (default: a temporary folder)")
    arguments = parser.parse_args()
    settings = Settings()

    originals, new = articles_from_corpus(arguments.new, arguments.seed)
    print(f"corpus: {len(originals)} originals stored, {len(new)} new (copies and stories of their own)")

    started = time.perf_counter()
    for article in new:
        _band_rows(tokens(article.text), settings)
    spent = time.perf_counter() - started
    words = sum(article.word_count for article in new) / len(new)
    print(f"signatures: {len(new) / spent:,.0f} articles/s on one core ({words:.0f} words each, "
          f"{settings.num_permutations} + 32 permutations)")  # fmt: skip

    with tempfile.TemporaryDirectory() as folder:
        db = arguments.db or Path(folder) / "scale.duckdb"
        with warehouse.writer(db) as con:
            started = time.perf_counter()
            fill_synthetic(con, arguments.stored, settings)
            result = dedupe_articles(originals, settings, warehouse.WarehouseIndex(con))
            warehouse.load_batch(con, "bench", articles=originals, fingerprints=result.fingerprints,
                                 duplicates=result.duplicates, stories=result.stories,
                                 shingles=result.shingles)  # fmt: skip
            stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            bands = con.execute("SELECT count(*) FROM fingerprints").fetchone()[0]
            built = time.perf_counter() - started
            print(f"warehouse: {stored:,} articles, {bands:,} band rows, built in {built:.0f}s")

        found = 0
        seconds = {"dedupe": 0.0, "load": 0.0}
        started = time.perf_counter()
        for start in range(0, len(new), arguments.batch_size):
            batch = new[start : start + arguments.batch_size]
            with warehouse.writer(db) as con:
                began = time.perf_counter()
                result = dedupe_articles(batch, settings, warehouse.WarehouseIndex(con))
                seconds["dedupe"] += time.perf_counter() - began
                began = time.perf_counter()
                warehouse.load_batch(con, "bench", articles=batch, duplicates=result.duplicates,
                                     fingerprints=result.fingerprints, stories=result.stories,
                                     shingles=result.shingles)  # fmt: skip
                seconds["load"] += time.perf_counter() - began
                found += len(result.duplicates)
        total = time.perf_counter() - started
    print(
        f"incremental: {len(new):,} new against {stored:,} stored in {total:.1f}s "
        f"(dedupe {seconds['dedupe']:.1f}s, load {seconds['load']:.1f}s, batches of {arguments.batch_size}); "
        f"{found:,} duplicates found; target < 30 s"
    )
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
