"""Tests for tasks/clean/page_kind.py: articles, paywalled teasers and pages that are no article.

Pages under tests/tasks/clean/pages/kinds/ were written for these tests.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tasks.clean import clean_documents
from tasks.clean.html import clean_html
from tasks.clean.page_kind import PageSignals, error_phrase, judge_page, paywall_cut, paywall_prompt
from tasks.clean.text import clean_text
from tasks.records import RemovedSegment
from tests.tasks.clean.test_html import raw_document

KINDS = Path(__file__).parent / "pages" / "kinds"


def clean_kind_page(name: str, url: str) -> tuple[str, str, str]:
    cleaned = clean_html(raw_document((KINDS / f"{name}.html").read_text(encoding="utf-8"), url))
    return cleaned.kind, cleaned.kind_reason, cleaned.text


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        ("home", "https://herald.example/", "listing"),
        ("section", "https://herald.example/sport", "listing"),
        ("error", "https://herald.example/news/old-story", "error"),
        ("error_de", "https://kurier.example/lokales/alt", "error"),
        ("paywalled", "https://herald.example/news/shipyard-deal", "paywalled"),
        ("paywalled_de", "https://kurier.example/lokales/hafen", "paywalled"),
        ("video", "https://herald.example/video/seals", "media"),
        ("full_premium", "https://herald.example/news/dredging-inquiry", "article"),
        ("short_with_rail", "https://herald.example/news/ferry-timetable", "article"),
    ],
)
def test_each_kind_of_page_is_recognised(name: str, url: str, kind: str) -> None:
    found, reason, _ = clean_kind_page(name, url)
    assert found == kind
    assert (reason == "") == (kind == "article")


def test_a_teaser_ends_before_its_paywall_box() -> None:
    _, reason, text = clean_kind_page("paywalled_de", "https://kurier.example/lokales/hafen")
    assert text.endswith("nie gründlich untersucht worden ist.")
    assert "Weiterlesen" not in text and "gratis testen" not in text
    assert "'Weiterlesen mit'" in reason
    cleaned = clean_html(
        raw_document((KINDS / "paywalled_de.html").read_text(encoding="utf-8"), "https://kurier.example/a")
    )
    assert [segment.text for segment in cleaned.removed if segment.reason == "paywall"] == [
        "Weiterlesen mit Kurier Plus",
        "Alle Artikel lesen, einen Monat gratis testen.",
    ]


def test_a_home_page_link_to_a_subscription_does_not_make_a_full_article_a_teaser() -> None:
    kind, _, text = clean_kind_page("full_premium", "https://herald.example/news/dredging-inquiry")
    assert kind == "article"
    assert "Paragraph 15 of the inquiry report" in text


def test_listing_and_error_pages_are_rejected_with_the_evidence_and_articles_pass() -> None:
    documents = [
        dataclasses.replace(
            raw_document((KINDS / f"{name}.html").read_text(encoding="utf-8"), url), location=f"{name}.html"
        )
        for name, url in [
            ("home", "https://herald.example/"),
            ("error", "https://herald.example/news/gone"),
            ("paywalled", "https://herald.example/news/shipyard-deal"),
            ("video", "https://herald.example/video/seals"),
        ]
    ]
    cleaned, rejects = clean_documents(documents)
    assert [(doc.location, doc.kind) for doc in cleaned] == [
        ("paywalled.html", "paywalled"),
        ("video.html", "media"),
    ]
    assert [(reject.source, reject.reason) for reject in rejects] == [
        ("home.html", "not_an_article"),
        ("error.html", "not_an_article"),
    ]
    assert "home page" in rejects[0].message and "error page" in rejects[1].message


def test_plain_text_teaser_is_cut_at_its_prompt_and_marked() -> None:
    text = (
        "Harbour board splits over the dredging bill\n\n"
        "The harbour board split four votes to three on Tuesday over who should pay for dredging the "
        "eastern channel, leaving the contract unsigned for another month.\n\n"
        "Members who voted against said the port's users, not the council, should carry the cost.\n\n"
        "Subscribe to continue reading\n\n"
        "Unlimited access from £1 a week.\n"
    )
    document = dataclasses.replace(raw_document(""), content_type="text/plain", text=text, raw=text.encode())
    cleaned = clean_text(document)
    assert cleaned.kind == "paywalled"
    assert cleaned.paragraphs[-1].startswith("Members who voted against")
    assert {segment.reason for segment in cleaned.removed} >= {"paywall"}


@pytest.mark.parametrize(
    "line",
    [
        "Subscribe to continue reading",
        "To continue reading this article, please log in or subscribe.",
        "This article is only available to subscribers.",
        "You've reached your free article limit.",
        "Dieser Artikel ist exklusiv für Abonnenten.",
        "Jetzt abonnieren und weiterlesen",
        "La suite de cet article est réservée aux abonnés.",
        "Il vous reste 78% de cet article à lire.",
        "Contenido exclusivo para suscriptores",
        "Contenuto riservato agli abbonati",
        "Conteúdo exclusivo para assinantes",
        "Dit artikel is alleen voor abonnees",
        "To read the whole story, subscribe to the Harbour Gazette.",
    ],
)
def test_paywall_prompts_in_several_languages(line: str) -> None:
    assert paywall_prompt(line)


@pytest.mark.parametrize(
    "line",
    [
        "Already a subscriber? Log in",
        "Sign up to our morning newsletter",
        "Subscribe",
        "The union said subscribers to the pension scheme would keep reading the statements with care.",
    ],
)
def test_site_wide_buttons_and_ordinary_sentences_are_no_paywall(line: str) -> None:
    assert paywall_prompt(line) is None


def test_a_paywall_box_with_a_list_of_perks_is_cut_whole() -> None:
    story = [
        (0, "The ferry operator announced a new winter timetable on Monday, with fewer crossings at night."),
        (1, "Islanders said the change would make it harder to reach the mainland hospital."),
    ]
    box = [
        (2, "To read the whole story, subscribe to the Harbour Gazette."),
        (3, "When you join, you get unlimited access to local reporting you will not find anywhere else."),
        (4, "Members get:"),
        *((5 + n, f"— Perk number {n}: something short and pleasant for readers") for n in range(6)),
        (11, "New members also receive a printed map of the islands as a welcome gift."),
    ]
    assert paywall_cut([*story, *box]) == 2


def test_a_prompt_followed_by_long_paragraphs_cuts_nothing() -> None:
    story = [(0, "The harbour board met on Tuesday evening.")]
    prompt = (1, "To read the full story, subscribe or log in.")
    more = [
        (2 + n, "The board went on to discuss the budget for the coming year in detail. " * 7)
        for n in range(3)
    ]
    assert paywall_cut([*story, prompt, *more]) is None


def test_a_paywall_word_inside_a_long_paragraph_does_not_cut_the_text() -> None:
    long = "The newspaper said its subscribers only " + "read the first paragraphs of long stories. " * 10
    assert paywall_cut([(0, "First paragraph of the story."), (1, long)]) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("404 – Page not found | The Herald", True),
        ("Error 404", True),
        ("Seite nicht gefunden - Kurier", True),
        ("Página no encontrada", True),
        ("The 404 bus route will be cut in May", False),
        ("Found: the missing page of the 1820 census", False),
    ],
)
def test_error_titles(title: str, expected: bool) -> None:
    assert (error_phrase(title) is not None) is expected


def test_a_long_text_under_an_error_like_title_stays_an_article() -> None:
    paragraphs = ["A full report on the outage. " * 40]
    assert judge_page(
        PageSignals(paragraphs, title="Page not found: how a council lost its website")
    ).kind == ("article")


def test_many_linked_headlines_beside_a_real_text_stay_an_article() -> None:
    paragraphs = ["The ferry operator will change the timetable on Sunday. " * 12]
    signals = PageSignals(paragraphs, url="https://herald.example/news/ferry", teaser_links=172)
    assert judge_page(signals).kind == "article"
    assert judge_page(dataclasses.replace(signals, url="https://herald.example/")).kind == "listing"


def test_json_ld_not_free_marks_only_a_short_text_as_a_teaser() -> None:
    short = PageSignals(["Two paragraphs of a story behind the paywall."], is_free=False)
    assert judge_page(short).kind == "paywalled"
    long = dataclasses.replace(short, paragraphs=["A long free-to-read story body. " * 100])
    assert judge_page(long).kind == "article"


def test_a_paywall_prompt_in_the_masthead_before_the_text_is_ignored() -> None:
    masthead = RemovedSegment(2, "Subscribe to continue reading our coverage", "login-prompt")
    signals = PageSignals(["A short brief about the weather."], removed=[masthead], text_start=10)
    assert judge_page(signals).kind == "article"
    after = dataclasses.replace(masthead, position=20)
    assert judge_page(dataclasses.replace(signals, removed=[after])).kind == "paywalled"
