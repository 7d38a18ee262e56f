"""Tests for tasks/extract/metadata.py: choosing one value per field, authors, zones of published/updated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tasks.extract.metadata import Metadata, host_of, resolve_metadata, split_authors
from tasks.records import Candidate, CleanDocument, RemovedSegment

IST = timezone(timedelta(hours=5, minutes=30))
FETCHED = datetime(2024, 10, 29, 3, 0, tzinfo=UTC)

# The bundled sample (seeds/000_931a64f1d1105032.txt): two body paragraphs, the furniture that tells where the
# page is from, and the candidates the cleaner finds in it.
SAMPLE_PARAGRAPHS = (
    "On October 28, the North Atlantic Treaty Organization (NATO) confirmed that North Korea had sent "
    "troops to Russia to support its war against Ukraine, with some already deployed in Russia's Kursk "
    "region.",
    "The intercept further revealed a plan to assign three senior officers and one interpreter for every "
    "30 North Korean soldiers, which Russian soldiers reportedly criticised as an impractical and "
    "confusing arrangement, with one soldier questioning the availability of sufficient officers, the "
    "publication added.",
)
SAMPLE_FURNITURE = (
    RemovedSegment(40, "Get Instant Loan up to ₹10 Lakh!", "promo"),
    RemovedSegment(41, "Bandhan Bank share price", "ticker"),
    RemovedSegment(42, "03:58 PM | 28 OCT 2024", "ticker"),
    RemovedSegment(43, "Gold Prices", "ticker"),
    RemovedSegment(44, "Bangalore", "ticker"),
    RemovedSegment(45, "Chennai", "ticker"),
    RemovedSegment(46, "Delhi", "ticker"),
    RemovedSegment(47, "Kolkata", "ticker"),
)
SAMPLE_CANDIDATES = (
    Candidate(
        "title",
        "‘Dangerous expansion’: NATO confirms North Korea’s active role in Russia-Ukraine war",
        "header-line",
    ),
    Candidate("published", "2024-10-28", "header-line"),
    Candidate("author", "Sounak Mukhopadhyay", "byline"),
    Candidate("updated", "28 Oct 2024, 05:55 PM IST", "byline"),
    Candidate("published", "28 Oct 2024, 05:55 PM IST", "first-published-line"),
    Candidate("site_name", "Live Mint", "header-line"),
)


def _doc(
    candidates: tuple[Candidate, ...] = (),
    paragraphs: tuple[str, ...] = SAMPLE_PARAGRAPHS,
    removed: tuple[RemovedSegment, ...] = (),
    url: str | None = None,
    fetched_at: datetime = FETCHED,
) -> CleanDocument:
    return CleanDocument(
        doc_id="d1",
        source="test",
        url=url,
        fetched_at=fetched_at,
        content_type="text/html",
        paragraphs=paragraphs,
        removed=removed,
        candidates=candidates,
    )


# -- the sample ---------------------------------------------------------------------------------------


def test_sample_resolves_to_first_published_time_in_india():
    meta = resolve_metadata(_doc(SAMPLE_CANDIDATES, removed=SAMPLE_FURNITURE))
    assert isinstance(meta, Metadata)
    assert meta.published_at == datetime(2024, 10, 28, 17, 55, tzinfo=IST)
    assert meta.updated_at == datetime(2024, 10, 28, 17, 55, tzinfo=IST)
    assert meta.published_at.tzinfo == ZoneInfo("Asia/Kolkata")
    assert meta.evidence["published_at"].startswith("first-published-line; tz IST→Asia/Kolkata (")
    assert "currency ₹" in meta.evidence["published_at"]
    assert "place names" in meta.evidence["published_at"]
    assert meta.evidence["updated_at"].startswith("byline; tz IST→Asia/Kolkata")


def test_sample_other_fields():
    meta = resolve_metadata(_doc(SAMPLE_CANDIDATES, removed=SAMPLE_FURNITURE))
    assert meta.authors == ("Sounak Mukhopadhyay",)
    assert meta.site == "Live Mint"
    assert meta.title.startswith("‘Dangerous expansion’")
    assert meta.language == "en"
    assert meta.canonical_url is None and meta.tags == ()


def test_date_only_published_is_kept_at_midnight_in_the_page_zone_when_only_updated_has_a_time():
    candidates = tuple(c for c in SAMPLE_CANDIDATES if c.evidence != "first-published-line")
    meta = resolve_metadata(_doc(candidates, removed=SAMPLE_FURNITURE))
    assert meta.published_at == datetime(2024, 10, 28, 0, 0, tzinfo=IST)
    assert meta.updated_at == datetime(2024, 10, 28, 17, 55, tzinfo=IST)
    assert "date only" in meta.evidence["published_at"]


def test_missing_published_is_not_invented_from_updated():
    meta = resolve_metadata(
        _doc((Candidate("updated", "2024-10-28T10:00:00Z", "meta:article:modified_time"),))
    )
    assert meta.published_at is None
    assert meta.updated_at == datetime(2024, 10, 28, 10, 0, tzinfo=UTC)


# -- times --------------------------------------------------------------------------------------------


def test_json_ld_beats_a_byline_of_another_time():
    candidates = (
        Candidate("published", "Oct 27, 2024 9:00 AM EDT", "byline"),
        Candidate("published", "2024-10-28T08:30:00-04:00", "json-ld"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.published_at == datetime(2024, 10, 28, 12, 30, tzinfo=UTC)
    assert meta.evidence["published_at"] == "json-ld; offset -04:00"


def test_edt_is_new_york_local_time():
    meta = resolve_metadata(_doc((Candidate("published", "October 28, 2024 at 5:55 p.m. EDT", "byline"),)))
    assert meta.published_at.utcoffset() == timedelta(hours=-4)
    assert meta.published_at.tzinfo == ZoneInfo("America/New_York")


def test_est_printed_in_winter_is_minus_five():
    meta = resolve_metadata(_doc((Candidate("published", "Jan 5, 2024 10:00 AM EST", "byline"),)))
    assert meta.published_at == datetime(2024, 1, 5, 15, 0, tzinfo=UTC)


def test_bst_on_a_british_page_is_london_summer_time():
    meta = resolve_metadata(
        _doc(
            (Candidate("published", "28 June 2024 • 6:00am BST", "byline"),),
            url="https://www.bbc.co.uk/news/x",
        )
    )
    assert meta.published_at == datetime(2024, 6, 28, 5, 0, tzinfo=UTC)


def test_aest_and_cet():
    sydney = resolve_metadata(_doc((Candidate("published", "28 October 2024 — 6:00pm AEST", "byline"),)))
    assert sydney.published_at.tzinfo == ZoneInfo("Australia/Sydney")
    berlin = resolve_metadata(_doc((Candidate("published", "28.10.2024, 17:55 CET", "byline"),)))
    assert berlin.published_at == datetime(2024, 10, 28, 16, 55, tzinfo=UTC)


def test_iso_with_z_is_utc():
    meta = resolve_metadata(_doc((Candidate("published", "2024-10-28T12:25:00Z", "json-ld"),)))
    assert meta.published_at == datetime(2024, 10, 28, 12, 25, tzinfo=UTC)
    assert meta.evidence["published_at"] == "json-ld; UTC"


def test_zone_less_time_on_a_german_site_is_berlin_time():
    meta = resolve_metadata(
        _doc(
            (Candidate("published", "28.10.2024, 17:55 Uhr", "byline"),),
            url="https://www.spiegel.de/politik/a",
        )
    )
    assert meta.published_at.tzinfo == ZoneInfo("Europe/Berlin")
    assert "no zone printed" in meta.evidence["published_at"]


def test_zone_less_time_without_evidence_uses_the_default_timezone():
    candidates = (Candidate("published", "October 28, 2024 17:55", "byline"),)
    meta = resolve_metadata(_doc(candidates), default_timezone="America/Chicago")
    assert meta.published_at.tzinfo == ZoneInfo("America/Chicago")
    assert "default America/Chicago" in meta.evidence["published_at"]
    assert resolve_metadata(_doc(candidates)).published_at.utcoffset() == timedelta(0)


def test_zone_less_time_takes_the_zone_printed_elsewhere_on_the_page():
    candidates = (
        Candidate("published", "2024-10-28 09:00", "json-ld"),
        Candidate("updated", "2024-10-28T11:00:00+09:00", "meta:article:modified_time"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.published_at == datetime(2024, 10, 28, 0, 0, tzinfo=UTC)


def test_relative_time_is_read_against_the_fetch_time():
    meta = resolve_metadata(_doc((Candidate("published", "2 hours ago", "byline"),)))
    assert meta.published_at == FETCHED - timedelta(hours=2)
    assert "relative '2 hours ago'" in meta.evidence["published_at"]


def test_an_absolute_time_beats_a_relative_one():
    candidates = (
        Candidate("published", "3 hours ago", "byline"),
        Candidate("published", "Oct 28, 2024 5:55 PM EDT", "byline"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.published_at == datetime(2024, 10, 28, 21, 55, tzinfo=UTC)


def test_updated_earlier_than_published_is_dropped():
    candidates = (
        Candidate("published", "2024-10-28T12:00:00Z", "json-ld"),
        Candidate("updated", "2024-10-20T12:00:00Z", "json-ld"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.updated_at is None
    assert meta.evidence["updated_at"].startswith("ignored")


def test_times_far_after_the_fetch_are_misreadings():
    meta = resolve_metadata(_doc((Candidate("published", "2031-01-01T00:00:00Z", "json-ld"),)))
    assert meta.published_at is None


def test_every_resolved_time_is_aware():
    candidates = (
        Candidate("published", "28/10/2024", "byline"),
        Candidate("updated", "yesterday", "byline"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.published_at.tzinfo is not None
    assert meta.updated_at.tzinfo is not None


# -- other fields -------------------------------------------------------------------------------------


def test_site_falls_back_to_the_canonical_host():
    candidates = (
        Candidate("canonical_url", "https://www.livemint.com/news/world/nato.html", "link-canonical"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.site == "livemint.com"
    assert meta.canonical_url == "https://www.livemint.com/news/world/nato.html"
    assert meta.evidence["site"] == "host of URL"


def test_relative_urls_are_joined_with_the_page_url():
    candidates = (
        Candidate("canonical_url", "/news/a.html", "link-canonical"),
        Candidate("image_url", "//cdn.example.com/a.jpg", "og"),
    )
    meta = resolve_metadata(_doc(candidates, url="https://www.example.com/x?utm=1"))
    assert meta.canonical_url == "https://www.example.com/news/a.html"
    assert meta.image_url == "https://cdn.example.com/a.jpg"


def test_title_tag_site_suffix_is_removed():
    candidates = (
        Candidate("title", "NATO confirms troops | Live Mint", "title-tag"),
        Candidate("site_name", "Live Mint", "og"),
    )
    assert resolve_metadata(_doc(candidates)).title == "NATO confirms troops"


def test_og_title_beats_the_title_tag():
    candidates = (
        Candidate("title", "Tag title - Example", "title-tag"),
        Candidate("title", "The headline", "og"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.title == "The headline" and meta.evidence["title"] == "og"


def test_authors_of_the_most_trusted_source_are_combined():
    candidates = (
        Candidate("author", "By Jane Doe and John Roe", "byline"),
        Candidate("author", "Jane Doe", "json-ld"),
        Candidate("author", "John Roe", "json-ld"),
        Candidate("author", "https://www.facebook.com/example", "meta:article:author"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.evidence["authors"] == "json-ld"


def test_tags_are_split_and_deduplicated():
    candidates = (
        Candidate("tag", "NATO, North Korea, Russia", "meta:keywords"),
        Candidate("tag", "nato", "meta:article:tag"),
        Candidate("tag", "Ukraine", "meta:article:tag"),
    )
    assert resolve_metadata(_doc(candidates)).tags == ("NATO", "North Korea", "Russia", "Ukraine")


def test_declared_language_is_kept_when_consistent():
    meta = resolve_metadata(_doc((Candidate("language", "en-US", "html-lang"),)))
    assert meta.language == "en"
    assert meta.evidence["language"].startswith("html-lang (declared")


def test_a_wrong_declared_language_gives_way_to_a_confident_detection():
    paragraphs = (" ".join(SAMPLE_PARAGRAPHS),) * 2
    meta = resolve_metadata(_doc((Candidate("language", "de", "html-lang"),), paragraphs=paragraphs))
    assert meta.language == "en"
    assert "declared de" in meta.evidence["language"]


def test_an_empty_document_resolves_to_nothing():
    meta = resolve_metadata(_doc((), paragraphs=()))
    assert meta.title is None and meta.published_at is None and meta.authors == () and meta.language is None
    assert meta.evidence == {}


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe and John Roe, Staff Writers", ["Jane Doe", "John Roe"]),
        ("Jane Doe, John Roe & Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("BY JANE DOE", ["Jane Doe"]),
        ("Jane Doe, Correspondent", ["Jane Doe"]),
        ("Staff Writer Jane Doe", ["Jane Doe"]),
        ("Jane Doe (jane.doe@example.com)", ["Jane Doe"]),
        ("Jane Doe @janedoe", ["Jane Doe"]),
        ("Reuters", ["Reuters"]),
        ("By AP", ["AP"]),
        ("Jane Doe with AFP", ["Jane Doe", "AFP"]),
        ("HT Correspondent", ["HT Correspondent"]),
        ("Staff", []),
        ("Web Desk", []),
        ("https://www.facebook.com/janedoe", []),
        ("Jane Doe | Updated 28 Oct 2024", ["Jane Doe"]),
        ("jane doe and Jane Doe", ["jane doe"]),
    ],
)
def test_bylines_are_split_into_names(byline, names):
    assert split_authors(byline) == names


def test_page_bylines_keep_only_name_like_parts():
    assert split_authors("Paddy · April 19, 2019 · Mac · 7 comments", strict=True) == []  # one-word parts
    assert split_authors("Bildquelle: SWR", strict=True) == []
    assert split_authors("Ronja Beck / 16.11.2018, 03:00 Uhr", strict=True) == ["Ronja Beck"]
    assert split_authors("Von Thomas Steinberg", strict=True) == ["Thomas Steinberg"]
    assert split_authors("Ursula von der Leyen", strict=True) == ["Ursula von der Leyen"]


def test_structured_authors_lose_html_and_repeats():
    assert split_authors('<a href="/experts/jane-doe">Jane Doe</a>') == ["Jane Doe"]
    assert split_authors("EFE EFE") == ["EFE"]
    assert split_authors("Rasender Reporter") == ["Rasender Reporter"]


def test_a_noisy_byline_line_does_not_add_authors():
    candidates = (
        Candidate("author", "Paddy", "byline"),
        Candidate("author", "Paddy · April 19, 2019 · Mac · 7 comments", "byline"),
    )
    assert resolve_metadata(_doc(candidates)).authors == ("Paddy",)


def test_host_of_strips_www():
    assert host_of("https://www.livemint.com/a") == "livemint.com"
    assert host_of(None) is None


# -- image credit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "credit"),
    [
        ("Photo: Ines Marlowe/Harbour Wire", "Ines Marlowe/Harbour Wire"),
        ("(Wire Photo/Tomas Brekke)", "Wire Photo/Tomas Brekke"),
        ("© Northpress", "Northpress"),
        ("Foto: nordbild", "nordbild"),
        ("Photograph: Kai Rowe for the Courier", "Kai Rowe for the Courier"),
    ],
)
def test_image_credit_loses_its_label_and_brackets(printed: str, credit: str) -> None:
    meta = resolve_metadata(_doc((Candidate("image_credit", printed, "figcaption"),)))
    assert meta.image_credit == credit
    assert meta.evidence["image_credit"] == "figcaption"


def test_a_site_footer_marked_copyright_is_not_an_image_credit() -> None:
    candidates = (
        Candidate("image_credit", "© 2009-2018 Example Blog, powered by a theme of ours", "figcaption"),
        Candidate("image_credit", "Tomas Brekke", "figcaption"),
    )
    assert resolve_metadata(_doc(candidates)).image_credit == "Tomas Brekke"


def test_section_and_tags_are_resolved_with_their_evidence() -> None:
    candidates = (
        Candidate("section", "World", "meta:article:section"),
        Candidate("tag", "harbour", "meta:article:tag"),
        Candidate("tag", "Harbour", "json-ld"),
        Candidate("tag", "budget", "meta:article:tag"),
    )
    meta = resolve_metadata(_doc(candidates))
    assert meta.section == "World"
    assert [tag.casefold() for tag in meta.tags] == ["harbour", "budget"]
    assert meta.evidence["section"] == "meta:article:section"


# -- found with the metadata gold set (tests/data/metadata-gold) ------------------------------------------


def test_datelines_the_html_cleaner_dropped_as_bylines_are_read() -> None:
    # The HTML cleaner keeps a byline's names and drops the line; its dates are read from the removed line.
    removed = (
        RemovedSegment(3, "By Jane Doe and John Roe | Updated 28 Oct 2024, 05:55 PM IST", "byline"),
        RemovedSegment(4, "Published 28 Oct 2024, 03:10 PM IST", "dateline"),
        RemovedSegment(9, "Read more: Published 2 Jan 2020, 01:00 PM IST", "related-links"),
    )
    meta = resolve_metadata(_doc((Candidate("author", "Jane Doe", "byline"),), removed=removed))
    assert meta.published_at == datetime(2024, 10, 28, 15, 10, tzinfo=IST)
    assert meta.updated_at == datetime(2024, 10, 28, 17, 55, tzinfo=IST)


def test_dropped_lines_are_not_read_again_when_the_cleaner_read_its_datelines() -> None:
    candidates = (Candidate("published", "28 Oct 2024, 05:55 PM IST", "first-published-line"),)
    removed = (RemovedSegment(3, "Published 1 Oct 2024, 09:00 AM IST", "dateline"),)
    meta = resolve_metadata(_doc(candidates, removed=removed))
    assert meta.published_at == datetime(2024, 10, 28, 17, 55, tzinfo=IST)


def test_german_stand_line_is_the_time_of_a_zone_less_german_page() -> None:
    removed = (RemovedSegment(2, "Stand: 04.06.2024, 18:22 Uhr", "byline"),)
    paragraphs = (
        "Der Landtag in Dresden hat am Dienstag ein Gesetz beschlossen, das die Stadt Leipzig begrüßt.",
    )
    meta = resolve_metadata(_doc((Candidate("language", "de", "html-lang"),), paragraphs, removed))
    assert meta.published_at == datetime(2024, 6, 4, 18, 22, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("printed", "wall"),
    [
        ("Pubblicato il 7 febbraio 2024 alle 16:20", datetime(2024, 2, 7, 16, 20)),
        ("Publié le 5 mars 2024 à 09h30", datetime(2024, 3, 5, 9, 30)),
        ("Gepubliceerd: 3 oktober 2024 17:50", datetime(2024, 10, 3, 17, 50)),
        ("Publicado em 22/10/2024 às 19h05", datetime(2024, 10, 22, 19, 5)),
        ("15 de março de 2024, 11:05", datetime(2024, 3, 15, 11, 5)),
        ("6 feb. 2024, 13:45", datetime(2024, 2, 6, 13, 45)),
        ("12 czerwca 2024 o godz. 08:30", datetime(2024, 6, 12, 8, 30)),
    ],
)
def test_month_names_and_connectors_of_other_languages(printed: str, wall: datetime) -> None:
    meta = resolve_metadata(_doc(), default_timezone="UTC")
    assert meta.published_at is None
    meta = resolve_metadata(_doc(removed=(RemovedSegment(1, printed, "dateline"),)), default_timezone="UTC")
    assert meta.published_at == wall.replace(tzinfo=UTC)


def test_three_hours_ago_is_not_read_as_august() -> None:
    removed = (RemovedSegment(1, "By Jane Doe · Published 3 hours ago", "byline"),)
    meta = resolve_metadata(_doc(removed=removed))
    assert meta.published_at == FETCHED - timedelta(hours=3)


def test_a_date_in_the_url_is_the_last_resort() -> None:
    meta = resolve_metadata(_doc(url="https://www.example.com/2024/08/17/library-late-opening/"))
    assert meta.published_at is not None and meta.published_at.date().isoformat() == "2024-08-17"
    assert meta.evidence["published_at"].startswith("url;")
    timed = (Candidate("published", "2024-08-16T22:40:00-04:00", "og"),)
    meta = resolve_metadata(_doc(timed, url="https://www.example.com/2024/08/17/library-late-opening/"))
    assert meta.published_at == datetime(2024, 8, 16, 22, 40, tzinfo=timezone(timedelta(hours=-4)))
    meta = resolve_metadata(_doc(url="https://www.example.com/uk-news/2024/may/09/seagrass"))
    assert meta.published_at is not None and meta.published_at.date().isoformat() == "2024-05-09"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Door Pieter de Boer en Femke Smits", ["Pieter de Boer", "Femke Smits"]),
        ("Por Carmen Ruiz y Javier Ortega", ["Carmen Ruiz", "Javier Ortega"]),
        ("di Luca Ferri e Chiara Sala", ["Luca Ferri", "Chiara Sala"]),
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),  # a particle inside one name
        ("Inês Carvalho com Lusa", ["Inês Carvalho", "Lusa"]),
        ("Marta Zielińska, PAP", ["Marta Zielińska", "PAP"]),
        ("Fiona Gallagher Environment correspondent", ["Fiona Gallagher"]),
        ("Par Hugo Lambert, envoyé spécial à Marseille", ["Hugo Lambert"]),
        ("Redação", []),
    ],
)
def test_bylines_of_other_languages_beats_and_agencies(byline: str, names: list[str]) -> None:
    assert split_authors(byline, strict=True) == names


def test_image_credit_at_the_end_of_a_caption_or_without_a_colon() -> None:
    caption = (
        Candidate("image_caption", "Divers checking the plots. Photograph: Ben Whitlock", "figcaption"),
    )
    assert resolve_metadata(_doc(caption)).image_credit == "Ben Whitlock"
    caption = (Candidate("image_caption", "Grappoli in un vigneto (foto Stefano Ricci)", "figcaption"),)
    assert resolve_metadata(_doc(caption)).image_credit == "Stefano Ricci"
    credit = (Candidate("image_credit", "Photo Antoine Leclerc", "json-ld"),)
    assert resolve_metadata(_doc(credit)).image_credit == "Antoine Leclerc"
    assert (
        resolve_metadata(
            _doc((Candidate("image_caption", "A photo of the quay", "figcaption"),))
        ).image_credit
        is None
    )
