"""Tests for tasks/dedupe: exact, near and truncated copies, in the batch and against a real warehouse."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import warehouse
from tasks.dedupe import DedupeResult, dedupe_articles
from tasks.dedupe.exact import text_hash
from tasks.dedupe.minhash import shingles
from tasks.records import Article
from tasks.settings import Settings

SETTINGS = Settings()

STORY = " ".join(
    [
        "The city council approved the new harbour bridge on Tuesday evening after a debate that lasted",
        "more than six hours. Twenty-three members voted in favour and nine voted against the plan.",
        "Mayor Ana Lopez said the bridge would connect the old town with the growing districts on the",
        "southern shore and cut the journey for thousands of commuters by half. Opponents argued that the",
        "cost of 120 million euros was too high for a city that still struggles to repair its schools.",
        "Construction is expected to begin in March and should take three years, according to the",
        "transport office. The design includes two lanes for buses, a wide path for cyclists and a",
        "pedestrian walkway with views of the fishing port. Local shop owners near the planned ramps",
        "fear that years of building work will keep their customers away. The council promised to",
        "compensate businesses that lose more than a fifth of their income during the works. A citizens",
        "group has already announced that it will ask the regional court to review the decision, saying",
        "that the environmental study ignored the nesting sites of protected birds on the northern bank.",
        "The mayor said she was confident that the plan would survive any legal challenge.",
    ]
)
OTHER_STORY = " ".join(
    [
        "Engineers began testing the soil under the harbour on Monday, weeks after the council backed",
        "the bridge. Divers took samples from the seabed near the fishing port while a survey ship mapped",
        "the channel. The results will decide how deep the pillars must go and whether the budget holds.",
        "Residents of the southern shore watched from the quay, some hopeful and some sceptical about a",
        "project that has been promised by three mayors before. A spokesman for the transport office said",
        "the tests would last a month and that the public would see the findings in the spring. The bird",
        "protection society repeated its call for a new environmental study before any work starts.",
    ]
)
CHANGED_SENTENCE = STORY.replace(
    "Twenty-three members voted in favour and nine voted against the plan.",
    "The vote was twenty-three to nine, with two members abstaining after a late amendment failed.",
)
TRUNCATED = STORY[: STORY.index("Construction is expected")].strip()


def article(article_id: str, text: str, *, hour: int = 9, url: str | None = None) -> Article:
    return Article(
        article_id=article_id,
        doc_id=f"doc-{article_id}",
        source="seeds",
        url=url or f"https://{article_id}.example/bridge",
        canonical_url=url or f"https://{article_id}.example/bridge",
        site=f"{article_id}.example",
        title="Harbour bridge",
        subtitle=None,
        authors=(),
        published_at=datetime(2025, 1, 7, hour, 0, tzinfo=UTC),
        updated_at=None,
        language="en",
        image_url=None,
        image_caption=None,
        text=text,
        word_count=len(text.split()),
        text_sha256=text_hash(text),
    )


def pairs(result: DedupeResult) -> dict[str, tuple[str, str]]:
    return {d.article_id: (d.canonical_id, d.kind) for d in result.duplicates}


def test_exact_copy_in_the_batch_points_at_the_earlier_published(con, dedupe_and_load) -> None:
    retyped = STORY.replace("council", "Council").replace(" - ", " \u2014 ")
    result = dedupe_and_load(con, [article("copy", retyped, hour=11), article("original", STORY, hour=9)])
    assert result.duplicates[0].similarity == 1.0
    assert pairs(result) == {"copy": ("original", "exact")}


def test_near_copy_with_a_changed_sentence_on_another_site_is_syndicated(con, dedupe_and_load) -> None:
    result = dedupe_and_load(con, [article("original", STORY), article("edited", CHANGED_SENTENCE, hour=10)])
    assert pairs(result) == {"edited": ("original", "syndicated")}
    assert SETTINGS.near_duplicate_threshold <= result.duplicates[0].similarity < 1.0


def test_truncated_copy_is_flagged_by_containment(con, dedupe_and_load) -> None:
    result = dedupe_and_load(con, [article("original", STORY), article("short", TRUNCATED, hour=10)])
    assert pairs(result) == {"short": ("original", "contained")}
    assert result.duplicates[0].similarity == 1.0  # all of the short text is in the original


def test_a_different_story_on_the_same_topic_is_not_flagged(con, dedupe_and_load) -> None:
    result = dedupe_and_load(con, [article("original", STORY), article("follow-up", OTHER_STORY, hour=10)])
    assert result.duplicates == []


def test_copies_are_found_against_the_warehouse(con, dedupe_and_load) -> None:
    dedupe_and_load(con, [article("original", STORY)], "run-1")
    later = [
        article("exact", STORY, hour=12),
        article("edited", CHANGED_SENTENCE, hour=12),
        article("short", TRUNCATED, hour=12),
        article("follow-up", OTHER_STORY, hour=12),
    ]
    result = dedupe_and_load(con, later, "run-2")
    assert pairs(result) == {
        "exact": ("original", "exact"),
        "edited": ("original", "syndicated"),
        "short": ("original", "contained"),
    }
    stories = con.execute("SELECT article_id FROM stories ORDER BY 1").fetchall()
    assert stories == [("follow-up",), ("original",)]


def test_an_original_loaded_after_its_copy_becomes_canonical(con, dedupe_and_load) -> None:
    dedupe_and_load(con, [article("copy", CHANGED_SENTENCE, hour=15)], "run-1")
    result = dedupe_and_load(con, [article("original", STORY, hour=9)], "run-2")
    assert pairs(result) == {"copy": ("original", "syndicated")}
    canonical = con.execute("SELECT article_id FROM canonical_articles").fetchall()
    assert canonical == [("original",)]


def test_stored_articles_are_skipped_so_reruns_change_nothing(con, dedupe_and_load) -> None:
    batch = [article("original", STORY), article("copy", STORY, hour=10)]
    first = dedupe_and_load(con, batch, "run-1")
    second = dedupe_articles(batch, SETTINGS, warehouse.WarehouseIndex(con))
    assert pairs(first) == {"copy": ("original", "exact")}
    assert second == DedupeResult(duplicates=[], fingerprints=[])


def test_a_new_version_of_the_same_page_is_not_a_copy(con, dedupe_and_load) -> None:
    url = "https://news.example/bridge"
    dedupe_and_load(con, [article("v1", STORY, url=url)], "run-1")
    result = dedupe_and_load(con, [article("v2", CHANGED_SENTENCE, hour=12, url=url)], "run-2")
    assert result.duplicates == []
    latest = con.execute("SELECT article_id FROM articles_latest").fetchall()
    assert len(latest) == 1


def test_fingerprints_cover_whole_text_and_lead_bands(con) -> None:
    result = dedupe_articles(
        [article("original", STORY), article("empty", "")], SETTINGS, warehouse.WarehouseIndex(con)
    )
    bands = sorted(band for article_id, band, _ in result.fingerprints if article_id == "original")
    assert bands[-SETTINGS.bands :] == list(range(SETTINGS.bands))
    assert all(band < 0 for band in bands[: -SETTINGS.bands])
    assert not [row for row in result.fingerprints if row[0] == "empty"]


def test_unknown_publication_dates_lose_to_known_ones(con, dedupe_and_load) -> None:
    undated = dataclasses.replace(article("undated", STORY), published_at=None)
    result = dedupe_and_load(con, [undated, article("dated", STORY, hour=20)])
    assert pairs(result) == {"undated": ("dated", "exact")}


def test_a_near_copy_on_the_same_site_is_near(con, dedupe_and_load) -> None:
    first = article("original", STORY, url="https://news.example/bridge")
    again = article("republished", CHANGED_SENTENCE, hour=12, url="https://news.example/2025/bridge-vote")
    result = dedupe_and_load(con, [first, again])
    assert pairs(result) == {"republished": ("original", "near")}


def test_a_brief_published_first_points_at_the_full_story_that_contains_it(con, dedupe_and_load) -> None:
    # Wires send a short first take, then the full story: the most complete text is the canonical one.
    result = dedupe_and_load(con, [article("brief", TRUNCATED, hour=8), article("full", STORY, hour=9)])
    assert pairs(result) == {"brief": ("full", "contained")}


def test_a_later_version_of_the_original_joined_through_a_copy_is_not_a_copy(con, dedupe_and_load) -> None:
    url = "https://news.example/bridge"
    dedupe_and_load(con, [article("v1", STORY, url=url)], "run-1")
    later = [article("copy", STORY, hour=10), article("v2", CHANGED_SENTENCE, hour=12, url=url)]
    result = dedupe_and_load(con, later, "run-2")
    assert pairs(result) == {"copy": ("v1", "exact")}


def test_stored_articles_are_compared_by_their_stored_shingles(con, dedupe_and_load) -> None:
    dedupe_and_load(con, [article("original", STORY, hour=8)])
    stored = con.execute(
        "SELECT article_id, normalised_hash, octet_length(shingles) FROM text_shingles"
    ).fetchall()
    assert stored == [("original", text_hash(STORY), 4 * len(shingles(STORY, SETTINGS.shingle_size)))]
    copy = [article("copy", CHANGED_SENTENCE, hour=10)]
    found = dedupe_articles(copy, SETTINGS, warehouse.WarehouseIndex(con)).duplicates
    assert [(d.article_id, d.canonical_id, d.kind) for d in found] == [("copy", "original", "syndicated")]

    # The comparison reads the stored shingles, not the text: with the text gone it finds the same copy ...
    con.execute("UPDATE articles SET text = 'gone' WHERE article_id = 'original'")
    assert dedupe_articles(copy, SETTINGS, warehouse.WarehouseIndex(con)).duplicates == found
    # ... and an article stored before shingles were kept is shingled from its text, to the same similarity.
    con.execute("UPDATE articles SET text = ? WHERE article_id = 'original'", [STORY])
    con.execute("DELETE FROM text_shingles")
    assert dedupe_articles(copy, SETTINGS, warehouse.WarehouseIndex(con)).duplicates == found
