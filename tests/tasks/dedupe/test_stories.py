"""Story clusters against a real warehouse: same-event stories grouped, other events apart, copies with their
canonical, incremental across runs, idempotent, and undone cleanly by re-processing."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import warehouse
from tasks.dedupe import dedupe_articles
from tasks.dedupe.exact import text_hash
from tasks.dedupe.stories import story_terms
from tasks.records import Article, Entity
from tasks.settings import Settings

SETTINGS = Settings()
NOON = datetime(2025, 3, 4, 12, tzinfo=UTC)

STRIKE_A = (
    "Rail workers in Gdansk walked out on Tuesday after talks between the Baltic Rail Union and the operator "
    "Northwind Rail broke down. Union leader Marta Kowalski said the strike would last 48 hours. Commuters "
    "crowded bus stops across the city as Northwind Rail cancelled most trains."
)
STRIKE_B = (
    "Marta Kowalski stood outside the Gdansk depot at dawn and told reporters the Baltic Rail Union had no "
    "choice. Northwind Rail called the walkout unlawful and said it would ask a court to stop it. Passengers "
    "queued for hours at the main station."
)
FLOOD = (
    "The river Oder burst its banks in Wroclaw on Tuesday, flooding the old town. Mayor Jacek Sutryk ordered "
    "the evacuation of three districts and asked the army for help. Firefighters pumped water from cellars "
    "through the night."
)


def entity(name: str, kind: str, mentions: int = 2) -> Entity:
    return Entity(name=name, type=kind, mentions=mentions, first_offset=0)


STRIKE_PEOPLE = (
    entity("Marta Kowalski", "PERSON"),
    entity("Baltic Rail Union", "ORG"),
    entity("Northwind Rail", "ORG"),
    entity("Gdansk", "LOC"),
)
FLOOD_PEOPLE = (entity("Jacek Sutryk", "PERSON"), entity("Wroclaw", "LOC"), entity("Oder", "LOC"))


def article(
    article_id: str, text: str, entities: tuple[Entity, ...], *, title: str, at: datetime = NOON
) -> Article:
    return Article(
        article_id=article_id,
        doc_id=f"doc-{article_id}",
        source="test",
        url=f"https://{article_id}.example/story",
        canonical_url=None,
        site=f"{article_id}.example",
        title=title,
        subtitle=None,
        authors=(),
        published_at=at,
        updated_at=None,
        language="en",
        image_url=None,
        image_caption=None,
        text=text,
        word_count=len(text.split()),
        text_sha256=text_hash(text),
        entities=entities,
    )


def test_story_terms_are_entities_then_headline_and_opening_words() -> None:
    terms = story_terms(article("a", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk"))
    assert {"e:marta kowalski", "e:northwind rail", "e:gdansk", "w:strike", "w:workers"} <= terms
    assert "w:after" not in terms and "w:the" not in terms  # stopwords and short words are not terms


def test_two_stories_of_one_event_share_a_cluster_and_another_event_has_its_own(con, dedupe_and_load) -> None:
    clusters = clusters_after(
        dedupe_and_load,
        con,
        [
            article("strike-a", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk"),
            article(
                "flood",
                FLOOD,
                FLOOD_PEOPLE,
                title="Oder floods Wroclaw old town",
                at=NOON + timedelta(hours=1),
            ),
            article(
                "strike-b",
                STRIKE_B,
                STRIKE_PEOPLE[:3],
                title="Union defends Gdansk rail walkout",
                at=NOON + timedelta(hours=2),
            ),  # fmt: skip
        ],
    )
    assert clusters == {"strike-a": "strike-a", "strike-b": "strike-a", "flood": "flood"}
    title = con.execute("SELECT title, articles FROM clusters WHERE cluster_id = 'strike-a'").fetchall()
    assert title == [("Rail strike hits Gdansk", 2)]  # named after its earliest article


def test_a_later_run_joins_the_existing_cluster_and_nothing_reshuffles(con, dedupe_and_load) -> None:
    clusters_after(
        dedupe_and_load,
        con,
        [article("strike-a", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk")],
        "run-1",
    )
    later = NOON + timedelta(days=1)
    clusters = clusters_after(
        dedupe_and_load,
        con,
        [article("strike-b", STRIKE_B, STRIKE_PEOPLE, title="Union defends Gdansk rail walkout", at=later)],
        "run-2",
    )
    assert clusters == {"strike-a": "strike-a", "strike-b": "strike-a"}


def test_the_same_event_outside_the_time_window_starts_a_new_cluster(con, dedupe_and_load) -> None:
    clusters_after(
        dedupe_and_load,
        con,
        [article("strike-a", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk")],
        "run-1",
    )
    much_later = NOON + timedelta(days=SETTINGS.story_window_days + 7)
    clusters = clusters_after(
        dedupe_and_load,
        con,
        [article("strike-b", STRIKE_B, STRIKE_PEOPLE, title="Gdansk walkout", at=much_later)],
    )
    assert clusters["strike-b"] == "strike-b"


def test_a_copy_joins_its_canonicals_cluster(con, dedupe_and_load) -> None:
    original = article("wire", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk")
    copy = dataclasses.replace(
        original, article_id="copy", doc_id="doc-copy", url="https://copy.example/x", site="copy.example",
        entities=(), title="Trains stop in Gdansk", published_at=NOON + timedelta(hours=3),
    )  # fmt: skip
    clusters = clusters_after(dedupe_and_load, con, [original, copy])
    assert clusters == {"wire": "wire", "copy": "wire"}


def test_landing_a_batch_twice_changes_no_story_table(con, dedupe_and_load) -> None:
    batch = [
        article("strike-a", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk"),
        article(
            "strike-b", STRIKE_B, STRIKE_PEOPLE, title="Union defends walkout", at=NOON + timedelta(hours=1)
        ),
    ]
    clusters_after(dedupe_and_load, con, batch)
    before = [
        con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("story_terms", "story_term_counts")
    ]
    clusters = con.execute(
        "SELECT article_id, cluster_id, similarity FROM story_clusters ORDER BY 1"
    ).fetchall()
    warehouse.load_batch(
        con,
        "run-1",
        articles=batch,
        stories=dedupe_articles(batch, SETTINGS, warehouse.WarehouseIndex(con)).stories,
    )
    after = [
        con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("story_terms", "story_term_counts")
    ]
    assert before == after
    assert (
        con.execute("SELECT article_id, cluster_id, similarity FROM story_clusters ORDER BY 1").fetchall()
        == clusters
    )


def test_deleting_derived_rows_removes_story_rows_and_recounts_terms(con, dedupe_and_load) -> None:
    clusters_after(
        dedupe_and_load,
        con,
        [
            article("strike-a", STRIKE_A, STRIKE_PEOPLE, title="Rail strike hits Gdansk"),
            article(
                "strike-b",
                STRIKE_B,
                STRIKE_PEOPLE,
                title="Union defends walkout",
                at=NOON + timedelta(hours=1),
            ),
        ],
    )
    assert con.execute("SELECT articles FROM story_term_counts WHERE term = 'e:gdansk'").fetchall() == [(2,)]
    with warehouse.transaction(con):
        warehouse.delete_derived(con, ["doc-strike-b"])
    assert con.execute("SELECT articles FROM story_term_counts WHERE term = 'e:gdansk'").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM story_terms WHERE article_id = 'strike-b'").fetchall() == [(0,)]
    assert [problem for problem in warehouse.check(con) if "story" in problem.check] == []


def clusters_after(dedupe_and_load, con, articles: list[Article], run_id: str = "run-1") -> dict[str, str]:
    dedupe_and_load(con, articles, run_id)
    return dict(con.execute("SELECT article_id, cluster_id FROM story_clusters").fetchall())
