"""The news-pipeline flow end to end on the bundled sample, under Prefect's test harness, into real DuckDB."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.news import news_pipeline

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
KEY_COLUMNS = {
    "documents": "doc_id",
    "articles": "article_id",
    "entities": "article_id, name, type",
    "duplicates": "article_id",
    "runs": "run_id",
}


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> dict[str, Any]:
    """Run the flow twice on a copy of seeds/ and keep the row counts after each run."""
    folder = tmp_path_factory.mktemp("run")
    shutil.copytree(seeds_dir, folder / "seeds")
    db = folder / "warehouse" / "test.duckdb"
    first = news_pipeline(sources=[str(folder / "seeds" / "sources.toml")], warehouse_path=str(db))
    counts_after_first = table_counts(db)
    second = news_pipeline(sources=[str(folder / "seeds" / "sources.toml")], warehouse_path=str(db))
    return {"db": db, "first": first, "second": second, "counts": [counts_after_first, table_counts(db)]}


def table_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {
            table: con.execute(f'select count(*) from "{table}"').fetchone()[0]
            for table in tables
            if table != "runs"
        }


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_first_run_lands_the_sample_and_completes(landed: dict[str, Any]) -> None:
    assert landed["first"]["status"] == "completed"
    assert landed["first"]["steps"]["extracted"] == 1
    assert landed["first"]["rejects"] == {}


def test_second_run_changes_no_counts(landed: dict[str, Any]) -> None:
    first, second = landed["counts"]
    assert first == second
    assert landed["second"]["steps"]["unchanged"] == 1
    assert landed["second"]["steps"]["extracted"] == 0


def test_runs_table_records_both_runs_with_parameters_and_counts(landed: dict[str, Any]) -> None:
    runs = rows(landed["db"], "select status, parameters, counts from runs order by started_at")
    assert [run[0] for run in runs] == ["completed", "completed"]
    assert '"batch_size": 300' in runs[0][1].replace(" :", ":")  # the default
    assert '"extracted": 1' in runs[0][2]


def test_no_key_is_duplicated_in_any_table(landed: dict[str, Any]) -> None:
    for table, key in KEY_COLUMNS.items():
        assert (
            rows(landed["db"], f"select {key}, count(*) from {table} group by all having count(*) > 1") == []
        )


def test_article_metadata_is_clean_dated_and_attributed(landed: dict[str, Any]) -> None:
    ((title, authors, published, updated, site, language, words),) = rows(
        landed["db"],
        """
        select title, authors, published_at, updated_at, site, language, word_count from articles""",
    )
    assert title == "‘Dangerous expansion’: NATO confirms North Korea’s active role in Russia-Ukraine war"
    assert authors == ["Sounak Mukhopadhyay"]
    assert updated == dt.datetime(2024, 10, 28, 17, 55, tzinfo=IST)
    assert published == dt.datetime(2024, 10, 28, 17, 55, tzinfo=IST)
    assert site == "Live Mint"
    assert language == "en"
    assert 300 < words < 500


def test_body_runs_from_the_first_paragraph_to_the_closing_quote_without_furniture(
    landed: dict[str, Any],
) -> None:
    ((text, caption),) = rows(landed["db"], "select text, image_caption from articles")
    assert text.startswith("On October 28, the North Atlantic Treaty Organization (NATO) confirmed")
    assert text.endswith("unlike all the disinformation circulating in Kazan these days,” Zelensky said.")
    for furniture in (
        "Also Read",
        "share price",
        "Catch all the",
        "MoreLess",
        "Log in",
        "Gold Prices",
        "Instant Loan",
        "Gavriil Grigorov",
        "First Published",
    ):
        assert furniture not in text
    assert caption.startswith("‘Dangerous expansion’: NATO confirms Russia-North Korea war alliance")
    assert caption.count("Dangerous expansion") == 1


def test_repeated_caption_and_furniture_are_recorded_as_removed_segments(landed: dict[str, Any]) -> None:
    reasons = dict(rows(landed["db"], "select reason, count(*) from removed_segments group by reason"))
    assert reasons, "nothing recorded as removed"
    removed_text = " ".join(row[0] for row in rows(landed["db"], "select text from removed_segments"))
    assert "Bandhan Bank share price" in removed_text
    assert "MoreLess" in removed_text


def test_related_promos_become_related_links(landed: dict[str, Any]) -> None:
    anchors = [
        row[0]
        for row in rows(landed["db"], "select anchor from links where kind = 'related' order by anchor")
    ]
    assert anchors == [
        "North Korea is sending thousands of soldiers to help Vladimir Putin",
        "Ukraine shakes down nightlife spots for recruits as troop numbers fall",
        "Ukraine’s Zelenskyy reaffirms trust in PM Narendra Modi to help ‘end war’",
    ]


def test_entities_have_canonical_names_and_mention_counts(landed: dict[str, Any]) -> None:
    entities = {
        (name, kind): mentions
        for name, kind, mentions in rows(landed["db"], "select name, type, mentions from entities")
    }
    assert entities[("Mark Rutte", "PERSON")] >= 2
    assert entities[("Volodymyr Zelensky", "PERSON")] >= 2
    assert not any(name in ("Rutte", "Zelensky") for name, _ in entities)
    orgs = {name for name, kind in entities if kind == "ORG"}
    assert orgs & {"North Atlantic Treaty Organization", "NATO"}
    places = {name for name, kind in entities if kind == "LOC"}
    assert {"North Korea", "Russia", "Ukraine", "Kursk"} <= places


def test_every_entity_mention_points_at_its_words_in_the_text(landed: dict[str, Any]) -> None:
    mentions = rows(
        landed["db"],
        "select m.name, m.surface, substr(a.text, m.start_offset + 1, m.end_offset - m.start_offset) "
        "from entity_mentions m join articles a using (article_id) order by m.position",
    )
    assert mentions and all(surface == written for _, surface, written in mentions)
    by_name = {name for name, _, _ in mentions}
    assert "Mark Rutte" in by_name
    assert {surface for name, surface, _ in mentions if name == "Mark Rutte"} >= {"Rutte"}
    entities = {name for (name,) in rows(landed["db"], "select name from entities")}
    assert by_name <= entities


def test_both_quotes_have_their_speakers(landed: dict[str, Any]) -> None:
    quotes = rows(landed["db"], "select speaker, text from quotes order by start_offset")
    speakers = {speaker for speaker, text in quotes if text.startswith("Today, I can confirm that North")}
    assert speakers == {"Mark Rutte"}
    speakers = {
        speaker for speaker, text in quotes if text.startswith("According to intelligence, on October")
    }
    assert speakers == {"Volodymyr Zelensky"}


def test_dates_mentioned_are_resolved_against_the_publication_date(landed: dict[str, Any]) -> None:
    dates = {
        text: (start, end)
        for text, start, end in rows(landed["db"], "select text, start_date, end_date from dates_mentioned")
    }
    assert dates["October 24"] == (dt.date(2024, 10, 24), dt.date(2024, 10, 24))
    assert dates["October 27-28"] == (dt.date(2024, 10, 27), dt.date(2024, 10, 28))


def test_amounts_keep_what_they_count(landed: dict[str, Any]) -> None:
    amounts = {(value, unit) for value, unit in rows(landed["db"], "select value, unit from amounts")}
    assert (3.0, "senior officers") in amounts
    assert (30.0, "North Korean soldiers") in amounts


def test_bad_input_is_rejected_with_a_reason_and_the_run_goes_on(tmp_path: Path, seeds_dir: Path) -> None:
    source = tmp_path / "in"
    shutil.copytree(seeds_dir, source)
    (source / "empty.txt").write_bytes(b"")
    (source / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (source / "links.html").write_text("<html><body><ul><li><a href='/a'>A</a></li></ul></body></html>")
    db = tmp_path / "w.duckdb"
    summary = news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert summary["status"] == "completed"
    assert summary["steps"]["extracted"] == 1
    rejects = sorted(rows(db, "select stage, reason from rejects"))
    assert rejects == [("clean", "no_article_text"), ("ingest", "binary"), ("ingest", "empty")]
    news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert len(rows(db, "select * from rejects")) == 3


def test_a_copy_of_an_article_is_recorded_as_a_duplicate(tmp_path: Path, seeds_dir: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    sample = next(seeds_dir.glob("*.txt")).read_text(encoding="utf-8")
    (source / "a.txt").write_text(sample, encoding="utf-8")
    (source / "b.txt").write_text(
        sample.replace("Also Read | North Korea", "Read more | North Korea"), encoding="utf-8"
    )
    db = tmp_path / "w.duckdb"
    news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert rows(db, "select kind from duplicates") == [("exact",)]
    assert rows(db, "select count(*) from canonical_articles") == [(1,)]


def test_page_kinds_land_marked_and_non_articles_are_rejected(tmp_path: Path) -> None:
    kinds = Path(__file__).parents[1] / "tasks" / "clean" / "pages" / "kinds"
    source = tmp_path / "in"
    source.mkdir()
    for name in ("paywalled", "section", "error", "short_with_rail"):
        shutil.copy(kinds / f"{name}.html", source / f"{name}.html")
    db = tmp_path / "w.duckdb"
    news_pipeline(sources=[str(source)], warehouse_path=str(db))
    landed = sorted(rows(db, "select kind, title from articles"))
    assert [kind for kind, _ in landed] == ["article", "paywalled"]
    assert rows(db, "select evidence->>'kind' from articles where kind = 'paywalled'")[0][0].startswith(
        "a teaser"
    )
    rejects = sorted(rows(db, "select reason, split_part(source, '/', -1) from rejects"))
    assert rejects == [("not_an_article", "error.html"), ("not_an_article", "section.html")]
    news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert len(rows(db, "select * from rejects")) == 2
    assert len(rows(db, "select * from articles")) == 2
