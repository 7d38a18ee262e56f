"""Tests for tasks/extract/timezones.py: abbreviations, page evidence and the documented defaults."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tasks.extract.timezones import (
    CountryEvidence,
    find_country_evidence,
    infer_zone_from_evidence,
    is_timezone_abbreviation,
    primary_zone,
    resolve_timezone,
    url_tld,
)

# Furniture of the bundled Mint sample: a loan promo in rupees and city-by-city gold and fuel prices.
MINT_FURNITURE = (
    "Get Instant Loan up to ₹10 Lakh!\nGold Prices\nBangalore\n80,295.00\nChennai\nDelhi\nKolkata"
)


def _offset_on(zone, day: datetime) -> timedelta:
    return day.replace(tzinfo=zone).utcoffset()


def test_ist_on_an_indian_page_is_kolkata_with_the_evidence_named():
    evidence = find_country_evidence("NATO confirmed troops in Kursk.", furniture=MINT_FURNITURE)
    zone, how = resolve_timezone("IST", evidence)
    assert zone == ZoneInfo("Asia/Kolkata")
    assert how.startswith("IST→Asia/Kolkata (")
    assert "currency ₹" in how and "place names" in how


def test_ist_on_an_irish_site_is_dublin():
    evidence = find_country_evidence("Fees rise to €200 in Cork.", url="https://www.irishtimes.ie/news/x")
    zone, how = resolve_timezone("IST", evidence)
    assert zone == ZoneInfo("Europe/Dublin")
    assert "tld .ie" in how


def test_ist_on_an_israeli_page_is_jerusalem():
    zone, how = resolve_timezone("IST", "Tickets cost ₪120 in Tel Aviv.", {"language": "he"})
    assert zone == ZoneInfo("Asia/Jerusalem")
    assert "currency ₪" in how


def test_ist_without_evidence_falls_back_to_the_documented_default():
    zone, how = resolve_timezone("IST", CountryEvidence())
    assert zone == ZoneInfo("Asia/Kolkata")
    assert "default" in how


def test_cst_is_china_with_yuan_and_beijing_and_us_central_otherwise():
    assert resolve_timezone("CST", "Sales of 5 billion yuan in Beijing")[0] == ZoneInfo("Asia/Shanghai")
    assert resolve_timezone("CST", "The Chicago Bulls won.")[0] == ZoneInfo("America/Chicago")
    assert resolve_timezone("CST", "")[0] == ZoneInfo("America/Chicago")


def test_bst_is_london_unless_the_page_is_bangladeshi():
    assert resolve_timezone("BST", "")[0] == ZoneInfo("Europe/London")
    zone, how = resolve_timezone(
        "BST", "Prices rose to Tk 500 in Dhaka", {"url": "https://www.thedailystar.net.bd/x"}
    )
    assert zone == ZoneInfo("Asia/Dhaka")


def test_ast_with_gulf_evidence_is_riyadh():
    zone, _ = resolve_timezone("AST", "The deal is worth 3 billion riyals, officials in Riyadh said.")
    assert zone == ZoneInfo("Asia/Riyadh")
    assert resolve_timezone("AST", "")[0] == ZoneInfo("America/Halifax")


@pytest.mark.parametrize(
    ("abbreviation", "zone_name", "summer_offset"),
    [
        ("EDT", "America/New_York", timedelta(hours=-4)),
        ("EST", "America/New_York", timedelta(hours=-4)),  # a region's wall clock, as writers mean it
        ("PDT", "America/Los_Angeles", timedelta(hours=-7)),
        ("CET", "Europe/Berlin", timedelta(hours=2)),
        ("CEST", "Europe/Berlin", timedelta(hours=2)),
        ("AEST", "Australia/Sydney", timedelta(hours=10)),
        ("JST", "Asia/Tokyo", timedelta(hours=9)),
        ("GMT", "UTC", timedelta(0)),
    ],
)
def test_common_abbreviations_map_to_their_zone(abbreviation, zone_name, summer_offset):
    zone, how = resolve_timezone(abbreviation)
    assert how.startswith(f"{abbreviation}→")
    assert _offset_on(zone, datetime(2024, 7, 1, 12)) == summer_offset


def test_unknown_abbreviation_gives_none():
    assert resolve_timezone("XYZ") is None
    assert not is_timezone_abbreviation("NATO")
    assert is_timezone_abbreviation("IST")


def test_cet_picks_the_local_zone_name_from_the_tld():
    zone, _ = resolve_timezone("CET", "", {"url": "https://www.lemonde.fr/article"})
    assert zone == ZoneInfo("Europe/Paris")


def test_a_zone_less_time_on_a_german_site_is_berlin():
    zone, how = infer_zone_from_evidence(
        find_country_evidence("Text", url="https://www.spiegel.de/politik/a")
    )
    assert zone == ZoneInfo("Europe/Berlin")
    assert "tld .de" in how


def test_a_multi_zone_country_never_gets_a_guessed_zone():
    assert infer_zone_from_evidence(find_country_evidence("x", url="https://www.abc.net.au/news")) is None
    assert primary_zone("US") is None
    assert primary_zone("IN") == "Asia/Kolkata"


def test_one_city_in_a_story_does_not_place_the_page():
    evidence = find_country_evidence("Ministers met in Brussels on Monday.", url="https://www.example.com/x")
    assert infer_zone_from_evidence(evidence) is None


def test_a_currency_repeated_in_a_price_table_counts_once():
    evidence = find_country_evidence(furniture="₹10\n₹20\n₹30\n₹40")
    assert evidence.scores["IN"] == 2


def test_generic_tlds_say_nothing_about_a_country():
    evidence = find_country_evidence(url="https://news.example.io/a")
    assert evidence.scores == {}
    assert url_tld("https://www.livemint.com/news") == "com"
    assert url_tld(None) is None
    assert url_tld("not a url at all") is None


def test_a_declared_locale_region_places_the_site_and_brazil_keeps_brasilia_time():
    evidence = find_country_evidence("Texto", url="https://jornal.example/a", language="pt", locale="pt-BR")
    assert evidence.scores == {"BR": 2}
    zone, how = infer_zone_from_evidence(evidence)
    assert zone == ZoneInfo("America/Sao_Paulo")
    assert "locale pt-BR" in how


def test_a_language_spoken_in_one_zone_is_enough_when_nothing_points_elsewhere():
    zone, how = infer_zone_from_evidence(find_country_evidence("Tekst", language="nl"))
    assert zone == ZoneInfo("Europe/Amsterdam") and "language nl" in how
    # Any other country's signal on the page takes that away: the language alone was the weakest evidence.
    assert infer_zone_from_evidence(find_country_evidence("Prijs ₹10", language="nl")) is None
    # A language spoken across zones, and English locales (CMS defaults), say nothing.
    assert infer_zone_from_evidence(find_country_evidence("Texte", language="fr")) is None
    assert find_country_evidence("Text", language="en", locale="en-US").scores == {}
