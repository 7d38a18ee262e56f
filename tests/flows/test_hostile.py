"""The news-pipeline flow over a hostile corpus: each file lands or is rejected with its reason, none is lost.

The corpus (empty, binary, truncated, nested, huge, mis-encoded, looping, unreadable files) is generated in
tmp_path by bench/hostile.py, which prints the same outcomes as figures; the flow runs under Prefect's test
harness into a real DuckDB file.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest

from flows.news import news_pipeline
from tasks.ingest.files import discover_files

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def load_bench() -> ModuleType:
    """bench/hostile.py as a module: tests are not a package, so it is imported from its file path."""
    spec = importlib.util.spec_from_file_location(
        "wirehouse_bench_hostile", PROJECT_ROOT / "bench" / "hostile.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


hostile = load_bench()

LANDED = "landed"
PASSED_OVER = "passed_over"
NO_ITEM = "no_item"  # not a file: a link back to its own folder, walked once
# Every entry of the corpus and how it must end: an article, a reject "stage/reason", or passed over.
EXPECTED: dict[str, str] = {
    "empty.txt": "ingest/empty",
    "whitespace.html": "ingest/empty",
    "image.html": "ingest/binary",
    "noise.txt": "ingest/binary",
    "ansi-escapes.txt": "ingest/binary",
    "nul-bytes.txt": LANDED,
    "truncated.html": LANDED,
    "deep-nesting.html": LANDED,
    "too-large.html": "ingest/too_large",
    "big.html": LANDED,
    "all-script.html": "clean/no_article_text",
    "invalid-utf8.txt": LANDED,
    "cp1252-declared.html": LANDED,
    "cp1252-undeclared.txt": LANDED,
    "cp1252-declared-utf8.html": LANDED,
    "shift-jis-declared.html": LANDED,
    "shift-jis-undeclared.txt": LANDED,
    "shift-jis-declared-latin1.html": LANDED,
    "latin1-declared-quotes.html": LANDED,
    "mojibake.txt": LANDED,
    "utf16.txt": LANDED,
    "html-in-a.txt": LANDED,
    "UPPER-CASE.HTML": LANDED,
    "old-mac.txt": LANDED,
    "punctuation.txt": "clean/no_article_text",
    "article.html.gz": LANDED,
    "truncated.html.gz": "ingest/bad_gzip",
    "not-gzip.txt.gz": "ingest/bad_gzip",
    "bomb.html.gz": "ingest/too_large",
    "german.html": LANDED,
    "polish.txt": LANDED,
    "polish-cp1250.txt": LANDED,
    "home-page.html": "clean/no_article_text",
    "notes.md": PASSED_OVER,
    "photo.jpg": PASSED_OVER,
    "loop": NO_ITEM,
    "dangling.html": "ingest/broken_link",
    "new\nline.html": LANDED,
    hostile.NON_UTF8_NAME: "ingest/unreadable",  # a name that could not be stored: rename it, says the reject
    "fifo.html": "ingest/unreadable",
    # Permission bits do not stop root (CI runs tests as root), so there the file is read and lands.
    "locked.html": LANDED if hostile.is_root() else "ingest/unreadable",
}
# Text that must come through decoding intact: the sentence as written, in the landed article.
SENTENCES = {
    "nul-bytes.txt": hostile.NUL_SENTENCE,
    "invalid-utf8.txt": hostile.INVALID_UTF8_SENTENCE,
    "cp1252-declared.html": hostile.CP1252_SENTENCE,
    "cp1252-undeclared.txt": hostile.CP1252_SENTENCE,
    "cp1252-declared-utf8.html": hostile.CP1252_SENTENCE,
    "shift-jis-declared.html": hostile.SHIFT_JIS_SENTENCE,
    "shift-jis-undeclared.txt": hostile.SHIFT_JIS_SENTENCE,
    "shift-jis-declared-latin1.html": hostile.SHIFT_JIS_SENTENCE,
    "mojibake.txt": hostile.MOJIBAKE_SENTENCE,
    "german.html": hostile.GERMAN_SENTENCE,
    "polish.txt": hostile.POLISH_SENTENCE,
    "polish-cp1250.txt": hostile.POLISH_PARAGRAPHS[1],
    "latin1-declared-quotes.html": hostile.QUOTE_SENTENCE,
}
LANGUAGES = {
    "german.html": "de",
    "polish.txt": "pl",
    "polish-cp1250.txt": "pl",
    "shift-jis-declared.html": "ja",
    "shift-jis-undeclared.txt": "ja",
    "shift-jis-declared-latin1.html": "ja",
}
KEYS = {
    "documents": "doc_id",
    "articles": "article_id",
    "removed_segments": "doc_id, position",
    "entities": "article_id, name, type",
    "quotes": "article_id, position",
    "links": "article_id, position",
    "dates_mentioned": "article_id, position",
    "amounts": "article_id, position",
    "fingerprints": "article_id, band",
    "duplicates": "article_id",
    "rejects": "source, stage, reason",
    "runs": "run_id",
}


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def table_counts(db: Path) -> dict[str, int]:
    tables = query(db, "select table_name from information_schema.tables where table_type = 'BASE TABLE'")
    return {name: query(db, f'select count(*) from "{name}"')[0][0] for (name,) in tables}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The hostile corpus, built once for this module: its folder and its entries."""
    folder = tmp_path_factory.mktemp("hostile").resolve() / "corpus"
    return folder, hostile.build_corpus(folder)


@pytest.fixture(scope="module")
def hostile_run(corpus: tuple[Path, list], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the flow over the corpus twice (in two batches), and keep what each run left behind."""
    corpus, _ = corpus
    db = tmp_path_factory.mktemp("warehouse").resolve() / "hostile.duckdb"
    first = news_pipeline(sources=[str(corpus)], warehouse_path=str(db), batch_size=20)
    counts_after_first = table_counts(db)
    second = news_pipeline(sources=[str(corpus)], warehouse_path=str(db), batch_size=20)
    articles = query(
        db,
        "select d.location, a.text, a.language, a.published_at, a.updated_at "
        "from articles a join documents d using (doc_id)",
    )
    return {
        "corpus": corpus,
        "db": db,
        "first": first,
        "second": second,
        "counts": (counts_after_first, table_counts(db)),
        "articles": {Path(location).name: row for location, *row in articles},
        "rejects": query(db, "select source, stage, reason from rejects"),
        "quotes": query(
            db,
            "select d.location, q.text, q.speaker from quotes q "
            "join articles a using (article_id) join documents d using (doc_id)",
        ),
        "discovery": discover_files([str(corpus)]),
    }


def outcomes_of(run: dict[str, Any], name: str) -> list[str]:
    """Every way a file ended in the warehouse: landed, its rejects, passed over (one expected)."""
    location = os.fsencode(run["corpus"] / name).decode("utf-8", "backslashreplace")  # as rejects store it
    found = [LANDED] if name in run["articles"] else []
    found += [f"{stage}/{reason}" for source, stage, reason in run["rejects"] if source == location]
    found += [PASSED_OVER] if str(run["corpus"] / name) in run["discovery"].skipped else []
    return found


def test_the_expectations_cover_every_entry_of_the_corpus(corpus: tuple[Path, list]) -> None:
    assert sorted(entry.name for entry in corpus[1]) == sorted(EXPECTED)


def test_both_runs_complete(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["first"]["status"] == "completed"
    assert hostile_run["second"]["status"] == "completed"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_lands_or_is_rejected_with_its_reason(hostile_run: dict[str, Any], name: str) -> None:
    expected = EXPECTED[name]
    assert outcomes_of(hostile_run, name) == ([] if expected == NO_ITEM else [expected])


def test_nothing_is_silently_dropped(hostile_run: dict[str, Any]) -> None:
    files = [name for name, outcome in EXPECTED.items() if outcome != NO_ITEM]
    landed = len(hostile_run["articles"])
    rejected = len(hostile_run["rejects"])
    passed_over = hostile_run["first"]["steps"]["passed_over"]
    assert len(files) == landed + rejected + passed_over
    # Items the walk found were all read: each one is an article or a reject of its own.
    steps = hostile_run["first"]["steps"]
    item_rejects = sum(hostile_run["first"]["rejects"].values()) - len(hostile_run["discovery"].rejects)
    assert steps["discovered"] == len(hostile_run["discovery"].items) == steps["extracted"] + item_rejects
    expected_rejects = Counter(outcome for outcome in EXPECTED.values() if "/" in outcome)
    assert hostile_run["first"]["rejects"] == dict(expected_rejects)


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_landed_text_comes_through_decoding_intact(hostile_run: dict[str, Any], name: str) -> None:
    text = hostile_run["articles"][name][0]
    assert SENTENCES[name] in text
    assert "\x00" not in text and "Ã" not in text and "â€" not in text


def test_curly_quotes_of_a_page_declared_latin1_are_found_as_a_quote(hostile_run: dict[str, Any]) -> None:
    # iso-8859-1 read as Latin-1 makes bytes 0x93/0x94 control characters: no quote marks, no quote.
    quotes = [(text, speaker) for location, text, speaker in hostile_run["quotes"] if "latin1" in location]
    assert [speaker for text, speaker in quotes if text.startswith("We will rebuild the bridge")] == [
        "Ana Lopez"
    ]


def test_landed_articles_have_their_language_and_aware_times(hostile_run: dict[str, Any]) -> None:
    for name, (_, language, published, updated) in hostile_run["articles"].items():
        assert language == LANGUAGES.get(name, "en"), name
        for moment in (published, updated):
            assert moment is None or moment.tzinfo is not None, name


def test_second_run_adds_no_rows_to_any_table(hostile_run: dict[str, Any]) -> None:
    first, second = hostile_run["counts"]
    assert second == {**first, "runs": first["runs"] + 1}
    steps = hostile_run["second"]["steps"]
    assert steps["extracted"] == 0
    assert steps["unchanged"] == hostile_run["first"]["steps"]["ingested"]


@pytest.mark.parametrize("table", sorted(KEYS))
def test_no_key_is_duplicated(hostile_run: dict[str, Any], table: str) -> None:
    key = KEYS[table]
    assert (
        query(hostile_run["db"], f"select {key}, count(*) from {table} group by all having count(*) > 1")
        == []
    )


@pytest.mark.parametrize("name", ["too-large.html", "bomb.html.gz", "big.html"])
def test_reading_and_cleaning_a_huge_file_keeps_memory_bounded(corpus: tuple[Path, list], name: str) -> None:
    """read_file + clean in a fresh interpreter: the Python heap peak and the growth of RSS stay bounded."""
    figures = hostile.measure_in_subprocess(corpus[0] / name, extract=False)
    expected = EXPECTED[name]
    assert figures["outcome"].startswith("cleaned" if expected == LANDED else expected), figures
    assert figures["traced_peak_mb"] < 600, figures
    assert figures["rss_peak_mb"] - figures["rss_before_mb"] < 600, figures
