"""Site templates: paragraphs on most pages of a host are learnt as its furniture, from the warehouse's
statistics and the batch's own pages, and removed; real text, small hosts and single pages are left alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import warehouse
from tasks.clean.templates import MIN_PAGES, HostStats, apply_templates, block_hash, host_of
from tasks.records import CleanDocument, RawDocument

PITCH = "Get the Ledger morning briefing in your inbox every weekday at seven."
TOPICS = ["bridge", "budget", "harbour", "school", "tram", "library", "market", "stadium", "ferry", "park"]


def page(
    number: int, *extra: str, host: str = "ledger.example", location: str | None = None
) -> CleanDocument:
    topic = TOPICS[number % len(TOPICS)]
    story = f"The council decided about the {topic} plan on Monday evening, after a long {topic} debate."
    url = f"https://www.{host}/news/{number}"
    return CleanDocument(
        doc_id=f"doc-{host}-{number}-{len(extra)}",
        source="test",
        url=url,
        fetched_at=datetime(2025, 1, 1, tzinfo=UTC),
        content_type="text/html",
        paragraphs=(PITCH, story, *extra),
        location=location or url,
    )


def test_a_paragraph_on_most_pages_of_a_host_is_removed_as_template() -> None:
    batch = [page(number) for number in range(MIN_PAGES)]

    cleaned = apply_templates(batch, {})

    assert all(PITCH not in document.paragraphs for document in cleaned)
    assert all(len(document.paragraphs) == 1 for document in cleaned)
    removed = [segment for document in cleaned for segment in document.removed]
    assert {segment.reason for segment in removed} == {"template"} and len(removed) == MIN_PAGES
    assert all(block_hash(PITCH) in document.template_blocks for document in cleaned)


def test_too_few_pages_teach_nothing_but_the_warehouse_remembers_earlier_ones() -> None:
    few = [page(number) for number in range(MIN_PAGES - 1)]
    assert all(PITCH in document.paragraphs for document in apply_templates(few, {}))

    stored = {"ledger.example": HostStats(pages=10, blocks={block_hash(PITCH): 9})}
    (alone,) = apply_templates([page(99)], stored)
    assert PITCH not in alone.paragraphs and len(alone.paragraphs) == 1


def test_other_hosts_and_versions_of_one_page_do_not_count() -> None:
    versions = [page(1, f"Update {n}: the meeting ran late into the night.") for n in range(MIN_PAGES)]
    elsewhere = [page(number, host=f"other{number}.example") for number in range(MIN_PAGES)]

    cleaned = apply_templates(versions + elsewhere, {})

    assert all(PITCH in document.paragraphs for document in cleaned)


def test_a_page_is_never_emptied() -> None:
    only_template = CleanDocument(
        "doc-x", "test", "https://ledger.example/x", datetime(2025, 1, 1, tzinfo=UTC), "text/html", (PITCH,),
        location="https://ledger.example/x",
    )  # fmt: skip
    stored = {"ledger.example": HostStats(pages=10, blocks={block_hash(PITCH): 10})}
    (kept,) = apply_templates([only_template], stored)
    assert kept.paragraphs == (PITCH,)


def test_hashes_ignore_case_spacing_and_numbers_and_hosts_drop_www() -> None:
    assert block_hash("© 2024  The Ledger") == block_hash("© 2025 the ledger")
    assert block_hash("The Ledger") != block_hash("The Courier")
    assert host_of("https://www.ledger.example/a") == "ledger.example"
    assert host_of("/saved/story.html") is None


def raw(document: CleanDocument) -> RawDocument:
    return RawDocument(
        document.doc_id, "test", document.location, document.url, document.fetched_at, "text/html", "utf-8",
        b"<p>x</p>", document.doc_id, "<p>x</p>",
    )  # fmt: skip


def test_the_warehouse_counts_each_new_page_once(tmp_path: Path) -> None:
    batch = apply_templates([page(number) for number in range(3)], {})
    with warehouse.writer(tmp_path / "w.duckdb") as con:
        for _ in range(2):  # the same batch landed twice counts its pages once
            warehouse.load_batch(con, "run-1", documents=[raw(d) for d in batch], cleaned=batch)
        stats = warehouse.templates.host_stats(con, ["ledger.example", "unknown.example"])

    assert stats == {"ledger.example": HostStats(pages=3, blocks={block_hash(PITCH): 3})}
