"""Widget labels shared by both cleaners: whole lines only, in several languages, with their punctuation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tasks.clean.furniture import label_prefix_reason, label_reason
from tasks.clean.html import clean_html
from tasks.clean.text import clean_text
from tasks.records import RawDocument


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Schon gelesen?", "related-links"),
        ("» Zobacz także:", "related-links"),
        ("LIRE AUSSI", "related-links"),
        ("War der Artikel nützlich?", "promo"),
        ("Möchten Sie den Artikel teilen?", "share"),
        ("ADVERTISEMENT", "ad"),
        ("Externer Inhalt", "notice"),
        ("About the author", "author-bio"),
        ("À propos de l’auteur", "author-bio"),
        ("toggle caption", "promo"),
        ("Link copied!", "share"),
        ("Don’t miss:", "related-links"),
        ("Les også:", "related-links"),
        ("Läs mer »", "related-links"),
        ("Читайте также:", "related-links"),
        ("Zum Weiterlesen:", "related-links"),
        ("Keep reading", "related-links"),
        ("mehr anzeigen", "promo"),
        ("Leseempfehlung:", "related-links"),
        ("Teile mich:", "share"),
        ("Hat dir dieser Artikel gefallen?", "promo"),
        ("While you're here…", "promo"),
        ("Lea también:", "related-links"),
        ("Más noticias", "related-links"),
        ("hilfreich nicht hilfreich", "promo"),
        ("Escuchá este artículo", "promo"),
        ("Erweitern", "promo"),
        ("Related Topics", "related-links"),
        ("Send any friend a story", "share"),
    ],
)
def test_whole_line_labels_are_furniture(line: str, reason: str) -> None:
    assert label_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Schon gelesen? Die Stadt hat den Bau der Brücke beschlossen.",  # a sentence that opens alike
        "The advertisement ran for three weeks before the regulator stepped in.",
        "Comments from the minister came late on Tuesday.",
    ],
)
def test_prose_that_contains_a_label_is_not_furniture(line: str) -> None:
    assert label_reason(line) is None


def document(body: str, content_type: str) -> RawDocument:
    return RawDocument(
        "d", "test", "x", "https://news.example/x", datetime.now(UTC), content_type, "utf-8",
        body.encode(), "h", body,
    )  # fmt: skip


PROSE = [
    "The council approved the new harbour bridge on Tuesday evening after a debate of six hours.",
    "Mayor Ana Lopez said the bridge would connect the old town with the districts on the southern shore.",
    "Opponents argued that the cost of 120 million euros was too high for a city with crumbling schools.",
    "Construction is expected to begin in March and should take three years, the transport office said.",
]


def test_html_drops_labels_and_the_short_widget_a_closing_label_opens() -> None:
    paragraphs = [PROSE[0], "Schon gelesen?", *PROSE[1:], "Über den Autor", "Jane Doe writes about cities."]
    page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"

    cleaned = clean_html(document(page, "text/html"))

    assert cleaned.paragraphs == tuple(PROSE)
    assert {(s.reason, s.text) for s in cleaned.removed} >= {
        ("related-links", "Schon gelesen?"),
        ("author-bio", "Über den Autor"),
        ("author-bio", "Jane Doe writes about cities."),
    }


def test_plain_text_drops_the_same_labels() -> None:
    lines = [PROSE[0], "Schon gelesen?", *PROSE[1:], "Über den Autor", "Jane Doe writes about cities."]

    cleaned = clean_text(document("\n".join(lines), "text/plain"))

    assert cleaned.paragraphs == tuple(PROSE)
    assert ("related-links", "Schon gelesen?") in {(s.reason, s.text) for s in cleaned.removed}


def test_an_author_box_label_opening_its_own_text_is_recognised():
    assert label_prefix_reason(
        "About the author Isla Grant is a writer and photographer based in Orkney."
    ) == ("author-bio")
    assert label_prefix_reason("About the authority's plans for the harbour, little is known.") is None
    assert label_prefix_reason("About the author") is None  # a whole-line label is label_reason's


def test_two_labels_run_together_are_one_label():
    assert label_reason("Bild anzeigen Bild schließen") == "promo"
    assert label_reason("Rezept drucken Bei Pinterest speichern") == "promo"
    assert label_reason("Bild anzeigen und mehr über die Brücke lesen") is None


def test_a_label_carrying_the_sites_name_is_the_label() -> None:
    assert label_reason("More Great LEDGER Stories", frozenset({"ledger"})) == "related-links"
    assert label_reason("More Great LEDGER Stories") is None  # without knowing the site's name: no label
    assert label_reason("Ledger", frozenset({"ledger"})) is None  # the name alone labels nothing


@pytest.mark.parametrize("line", ["Videobeitrag", "Ende des Videobeitrags", "Ende des Audiobeitrags"])
def test_markers_around_an_embedded_player_are_embed_labels(line: str) -> None:
    assert label_reason(line) == "embed"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Der Artikel geht unter der Anzeige weiter", "ad"),
        ("Poniżej dalsza część artykułu", "ad"),
        ("L'article continue ci-dessous", "ad"),
        ("YouTube freischalten", "notice"),
        ("Load external content", "notice"),
        ("Diashow starten »", "promo"),
        ("Show Caption Hide Caption", "promo"),
        ("Buy Photo", "promo"),
        ("Read or Share this story:", "share"),
        ("Pour aller plus loin", "related-links"),
    ],
)
def test_ad_breaks_and_embed_placeholders_in_several_languages(line: str, reason: str) -> None:
    assert label_reason(line) == reason
