"""Tests for tasks/extract/amounts.py: numbers with what they count."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.amounts import find_amounts

# The bundled sample's body as the cleaner keeps it (shared by the extractor tests).
SAMPLE_BODY = (Path(__file__).parent / "sample_body.txt").read_text(encoding="utf-8")


def _amounts(text: str) -> dict[str, tuple[float, str | None]]:
    found = find_amounts(text)
    for amount in found:
        assert text[amount.start : amount.end] == amount.text
    return {a.text: (a.value, a.unit) for a in found}


def test_sample_counts_people_with_their_noun_phrase():
    amounts = _amounts(SAMPLE_BODY)
    assert amounts["three senior officers"] == (3, "senior officers")
    assert amounts["one interpreter"] == (1, "interpreter")
    assert amounts["30 North Korean soldiers"] == (30, "North Korean soldiers")


def test_sample_skips_dates_idioms_and_vague_counts():
    texts = set(_amounts(SAMPLE_BODY))
    assert not any("28" in t or "24" in t or "27" in t for t in texts)  # dates and date ranges
    assert "one point" not in texts  # "At one point": an idiom
    assert not any("first" in t for t in texts)  # ordinals


@pytest.mark.parametrize(
    ("text", "mention", "value", "unit"),
    [
        ("Washington pledged $1.5 billion in aid.", "$1.5 billion", 1.5e9, "USD"),
        ("Get Instant Loan up to ₹10 lakh!", "₹10 lakh", 1e6, "INR"),
        ("The project costs Rs 500 crore.", "Rs 500 crore", 5e9, "INR"),
        ("Inflation rose 12% in May.", "12%", 12, "percent"),
        ("Shares fell 2.5 per cent.", "2.5 per cent", 2.5, "percent"),
        ("Rates rose 0.25 percentage points.", "0.25 percentage points", 0.25, "percentage points"),
        ("Some 2,000 troops crossed.", "2,000 troops", 2000, "troops"),
        ("About 5 million people fled.", "5 million people", 5e6, "people"),
        ("A £3.2bn deal was signed.", "£3.2bn", 3.2e9, "GBP"),
        ("A $5m fine was imposed.", "$5m", 5e6, "USD"),
        ("The bond raised USD 5 million.", "USD 5 million", 5e6, "USD"),
        ("It paid 100 euros.", "100 euros", 100, "EUR"),
        ("A €20 ticket.", "€20", 20, "EUR"),
        ("Twenty-five people were hurt.", "Twenty-five people", 25, "people"),
        ("He bought a dozen eggs.", "a dozen eggs", 12, "eggs"),
        ("A million people marched.", "A million people", 1e6, "people"),
        ("They agreed a 10-day ceasefire.", "10-day", 10, "day"),
        ("Three of the officers resigned.", "Three of the officers", 3, "officers"),
        ("It has 1,500 Palestinian prisoners.", "1,500 Palestinian prisoners", 1500, "Palestinian prisoners"),
        ("Five soldiers were killed in the attack.", "Five soldiers", 5, "soldiers"),
        ("They ran 5km in the rain.", "5km", 5, "km"),
    ],
)
def test_amount_expressions(text, mention, value, unit):
    amounts = _amounts(text)
    assert mention in amounts, amounts
    assert amounts[mention] == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    "text",
    [
        "Thousands of soldiers and dozens of tanks moved.",  # vague
        "In 2024 the war went on.",  # a year
        "The talks ended at 5 pm, or 17:55 local time.",  # times
        "She came first and he finished second.",  # ordinals
        "On October 27-28 the army moved.",  # a date range
        "It took 10-15 minutes.",  # a number range
        "An F-16 with 5G radios and COVID-19 tests.",  # codes and names
        "Apollo 11 and Windows 10 users.",  # a number in a name
        "No one came, and no. 10 is closed.",  # pronoun and label
        "Formula One teams arrived.",  # a number word in a name
        "Two-thirds of voters agreed.",  # a fraction
        "Call 9/11 or 24/7 support.",  # slashes
        "He scored 30 more.",  # no noun
        "Updated 2 hours ago.",  # a relative time
    ],
)
def test_non_amounts_are_skipped(text):
    assert _amounts(text) == {}


def test_one_with_a_verb_after_its_noun_keeps_only_the_noun():
    amounts = _amounts("At the camp, one Russian serviceman refers to them with slurs.")
    assert amounts == {"one Russian serviceman": (1, "Russian serviceman")}


def test_unit_phrase_stops_at_a_line_break():
    assert _amounts("Chapter total: 4\n\nGold badges were given") == {}


def test_negative_values_keep_their_sign():
    assert _amounts("The index moved -8.3 percent.") == {"-8.3 percent": (-8.3, "percent")}


def test_a_leading_zero_group_is_a_decimal_comma():
    assert _amounts("Die Seite lud in 0,633 Sekunden.") == {"0,633 Sekunden": (0.633, "Sekunden")}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-%$€₹£abcdefgmnorstuyAMOT\n")), max_size=80))
def test_offsets_always_index_the_text(text):
    for amount in find_amounts(text):
        assert text[amount.start : amount.end] == amount.text


@pytest.mark.parametrize("text", ["", "   ", "\x00", "9" * 1000, "one " * 500, "$" * 100, "1,2,3,4,5,6 %%%"])
def test_arbitrary_text_never_raises(text):
    find_amounts(text)
