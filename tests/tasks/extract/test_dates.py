"""Tests for tasks/extract/dates.py: metadata timestamps and dates mentioned in article text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.dates import find_date_spans, find_dates, parse_timestamp

IST = timezone(timedelta(hours=5, minutes=30))

# The bundled sample's body as the cleaner keeps it (shared by the extractor tests).
SAMPLE_BODY = (Path(__file__).parent / "sample_body.txt").read_text(encoding="utf-8")

SAMPLE_PUBLISHED = datetime(2024, 10, 28, 17, 55, tzinfo=IST)
FETCHED = datetime(2024, 10, 29, 3, 0, tzinfo=UTC)


def _mentions(text: str, published: datetime | None) -> dict[str, tuple[date | None, date | None]]:
    found = find_dates(text, published)
    for mention in found:
        assert text[mention.start : mention.end] == mention.text
    return {m.text: (m.start_date, m.end_date) for m in found}


# -- the sample ---------------------------------------------------------------------------------------


def test_sample_dates_resolve_against_publication():
    mentions = _mentions(SAMPLE_BODY, SAMPLE_PUBLISHED)
    assert mentions["October 28"] == (date(2024, 10, 28), date(2024, 10, 28))
    assert mentions["October 24"] == (date(2024, 10, 24), date(2024, 10, 24))
    assert mentions["October 27-28"] == (date(2024, 10, 27), date(2024, 10, 28))


def test_sample_has_no_date_made_of_numbers_or_counts():
    texts = set(_mentions(SAMPLE_BODY, SAMPLE_PUBLISHED))
    assert not any("30" in text or "three" in text for text in texts)


# -- dates mentioned ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mention", "start", "end"),
    [
        ("It happened on Oct. 3 in Kyiv.", "Oct. 3", date(2024, 10, 3), date(2024, 10, 3)),
        ("Talks began 3 October 2024 in Doha.", "3 October 2024", date(2024, 10, 3), date(2024, 10, 3)),
        ("The report, dated 2024-10-28, said", "2024-10-28", date(2024, 10, 28), date(2024, 10, 28)),
        ("Prices rose in 2023, data showed.", "2023", date(2023, 1, 1), date(2023, 12, 31)),
        (
            "The summit runs October 27 to November 2.",
            "October 27 to November 2",
            date(2024, 10, 27),
            date(2024, 11, 2),
        ),
        ("The fair ran 27-28 October.", "27-28 October", date(2024, 10, 27), date(2024, 10, 28)),
        ("Sales peaked in October 2023.", "October 2023", date(2023, 10, 1), date(2023, 10, 31)),
        ("The law passed on the 28th of October.", "28th of October", date(2024, 10, 28), date(2024, 10, 28)),
        (
            "He spoke on Monday, October 21, 2024.",
            "Monday, October 21, 2024",
            date(2024, 10, 21),
            date(2024, 10, 21),
        ),
        ("Growth slowed in the 1990s.", "1990s", date(1990, 1, 1), date(1999, 12, 31)),
        ("Prices have doubled since 2019.", "2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("The plan covers 2020-23.", None, None, None),
        ("Am 28.10.2024 wurde entschieden.", "28.10.2024", date(2024, 10, 28), date(2024, 10, 28)),
    ],
)
def test_date_expressions(text, mention, start, end):
    mentions = _mentions(text, SAMPLE_PUBLISHED)
    if mention is None:
        assert mentions == {}
    else:
        assert mentions[mention] == (start, end)


def test_relative_days_and_weekdays_follow_publication():
    # Published on Monday 2024-10-28.
    mentions = _mentions(
        "He left yesterday. Officials met last Monday and spoke on Tuesday. Talks resume next Friday.",
        SAMPLE_PUBLISHED,
    )
    assert mentions["yesterday"] == (date(2024, 10, 27), date(2024, 10, 27))
    assert mentions["last Monday"] == (date(2024, 10, 21), date(2024, 10, 21))
    assert mentions["Tuesday"] == (date(2024, 10, 22), date(2024, 10, 22))  # past: "spoke on Tuesday"
    assert mentions["next Friday"] == (date(2024, 11, 1), date(2024, 11, 1))


def test_a_weekday_after_future_wording_is_upcoming():
    mentions = _mentions("The parliament will vote on Thursday.", SAMPLE_PUBLISHED)
    assert mentions["Thursday"] == (date(2024, 10, 31), date(2024, 10, 31))


def test_relative_periods():
    mentions = _mentions(
        "Sales fell last week and rose earlier this year; three days ago it fell.", SAMPLE_PUBLISHED
    )
    assert mentions["last week"] == (date(2024, 10, 21), date(2024, 10, 27))
    assert mentions["earlier this year"] == (date(2024, 1, 1), date(2024, 10, 28))
    assert mentions["three days ago"] == (date(2024, 10, 25), date(2024, 10, 25))


def test_year_rolls_forward_for_january_dates_in_a_late_december_article():
    published = datetime(2024, 12, 28, 9, 0, tzinfo=UTC)
    mentions = _mentions("The ceasefire starts January 3 and ends on January 10.", published)
    assert mentions["January 3"] == (date(2025, 1, 3), date(2025, 1, 3))


def test_year_rolls_back_for_december_dates_in_an_early_january_article():
    published = datetime(2025, 1, 3, 9, 0, tzinfo=UTC)
    mentions = _mentions("The attack on December 28 killed 12 people.", published)
    assert mentions["December 28"] == (date(2024, 12, 28), date(2024, 12, 28))


def test_a_range_across_new_year_ends_in_the_next_year():
    published = datetime(2024, 12, 20, tzinfo=UTC)
    mentions = _mentions("Offices close December 30 to January 2.", published)
    assert mentions["December 30 to January 2"] == (date(2024, 12, 30), date(2025, 1, 2))


def test_a_date_shortly_after_publication_stays_in_the_same_year():
    mentions = _mentions("Results are due November 5.", SAMPLE_PUBLISHED)
    assert mentions["November 5"] == (date(2024, 11, 5), date(2024, 11, 5))


def test_modal_may_and_person_may_are_not_months():
    mentions = _mentions(
        "Prices may rise. Theresa May 12 times refused. In May, rates fell.", SAMPLE_PUBLISHED
    )
    assert list(mentions) == ["May"]
    assert mentions["May"] == (date(2024, 5, 1), date(2024, 5, 31))


def test_sentence_initial_may_with_a_day_is_a_date():
    mentions = _mentions("May 5 was chosen for the vote.", SAMPLE_PUBLISHED)
    assert mentions["May 5"] == (date(2024, 5, 5), date(2024, 5, 5))


def test_times_of_day_and_counts_are_not_dates():
    assert _mentions("The meeting ended at 5:30 pm after 2000 people left, 28 of them injured.", None) == {}


def test_named_weekdays_are_not_relative_dates():
    assert _mentions("Black Friday sales and Super Tuesday results.", SAMPLE_PUBLISHED) == {}


def test_without_publication_date_year_less_mentions_keep_their_span_but_no_date():
    mentions = _mentions("It happened on October 24 and yesterday, in 2023.", None)
    assert mentions["October 24"] == (None, None)
    assert mentions["yesterday"] == (None, None)
    assert mentions["2023"] == (date(2023, 1, 1), date(2023, 12, 31))


def test_impossible_dates_are_dropped():
    assert _mentions("It was February 30, 2024.", SAMPLE_PUBLISHED) == {}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "October",
                "Oct.",
                "28",
                "27-28",
                "2024",
                "in",
                "on",
                "last",
                "Monday",
                "May",
                "may",
                "yesterday",
                ",",
                " ",
                "\n",
                "to",
                "1990s",
                "10/28/2024",
                "3",
                "days",
                "ago",
                "mid-",
            ]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_mentions_always_index_the_text_and_are_ordered(text):
    mentions = find_dates(text, SAMPLE_PUBLISHED)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
        if mention.start_date and mention.end_date:
            assert mention.start_date <= mention.end_date
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_date_spans_match_the_mentions():
    spans = find_date_spans("On October 27-28, 2024, troops moved.")
    assert spans == [(3, 22)]


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "🙂" * 50, "9" * 500, "May" * 300, "October " * 200])
def test_arbitrary_text_never_raises(text):
    find_dates(text, SAMPLE_PUBLISHED)
    find_dates(text, None)
    parse_timestamp(text, fetched_at=FETCHED)


# -- metadata timestamps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "wall", "abbreviation"),
    [
        ("28 Oct 2024, 05:55 PM IST", datetime(2024, 10, 28, 17, 55), "IST"),
        ("Updated: Oct 28, 2024 17:55 IST", datetime(2024, 10, 28, 17, 55), "IST"),
        ("Updated28 Oct 2024, 05:55 PM IST", datetime(2024, 10, 28, 17, 55), "IST"),
        ("October 28, 2024 at 5:55 p.m. EDT", datetime(2024, 10, 28, 17, 55), "EDT"),
        ("17:55 CET, 28 October 2024", datetime(2024, 10, 28, 17, 55), "CET"),
        ("Published 10/28/2024 05:55 PM ET", datetime(2024, 10, 28, 17, 55), "ET"),
        ("28.10.2024, 17:55 Uhr", datetime(2024, 10, 28, 17, 55), None),
    ],
)
def test_timestamps_with_abbreviations_keep_wall_time_and_zone(value, wall, abbreviation):
    parsed = parse_timestamp(value, fetched_at=FETCHED)
    assert parsed is not None
    assert parsed.value == wall and parsed.value.tzinfo is None
    assert parsed.zone_abbreviation == abbreviation
    assert parsed.has_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-10-28T12:25:00Z", datetime(2024, 10, 28, 12, 25, tzinfo=UTC)),
        ("2024-10-28T17:55:00+05:30", datetime(2024, 10, 28, 17, 55, tzinfo=IST)),
        ("2024-10-28T17:55:00.123+0530", datetime(2024, 10, 28, 17, 55, 0, 123000, tzinfo=IST)),
        ("Mon, 28 Oct 2024 17:55:00 +0530", datetime(2024, 10, 28, 17, 55, tzinfo=IST)),
        ("Mon, 28 Oct 2024 12:25:00 GMT", datetime(2024, 10, 28, 12, 25, tzinfo=UTC)),
        ("2024-10-28 17:55 UTC+5:30", datetime(2024, 10, 28, 17, 55, tzinfo=IST)),
        ("2024-10-28T08:55:00-04:00", datetime(2024, 10, 28, 12, 55, tzinfo=UTC)),
        ("1730118300", datetime(2024, 10, 28, 12, 25, tzinfo=UTC)),
    ],
)
def test_timestamps_with_offsets_are_aware(value, expected):
    parsed = parse_timestamp(value, fetched_at=FETCHED)
    assert parsed is not None and parsed.value.tzinfo is not None
    assert parsed.value == expected


def test_date_only_timestamp_is_midnight_without_time():
    parsed = parse_timestamp("2024-10-28")
    assert parsed.value == datetime(2024, 10, 28) and not parsed.has_time


def test_relative_timestamps_read_against_the_fetch_time():
    two_hours = parse_timestamp("Updated 2 hours ago", fetched_at=FETCHED)
    assert two_hours.value == FETCHED - timedelta(hours=2) and two_hours.relative == "2 hours ago"
    yesterday = parse_timestamp("yesterday", fetched_at=FETCHED)
    assert yesterday.value == datetime(2024, 10, 28) and not yesterday.has_time
    at_time = parse_timestamp("Yesterday at 5:30 PM EDT", fetched_at=FETCHED)
    assert at_time.value == datetime(2024, 10, 28, 17, 30) and at_time.zone_abbreviation == "EDT"
    assert parse_timestamp("2 hours ago") is None  # nothing to be relative to


def test_a_year_less_timestamp_takes_the_year_before_the_fetch():
    parsed = parse_timestamp("Dec 30, 11:00 AM", fetched_at=datetime(2025, 1, 2, tzinfo=UTC))
    assert parsed.value == datetime(2024, 12, 30, 11, 0)


def test_ambiguous_numeric_dates_follow_day_first():
    assert parse_timestamp("03/04/2024").value == datetime(2024, 4, 3)
    assert parse_timestamp("03/04/2024", day_first=False).value == datetime(2024, 3, 4)


def test_unparseable_timestamps_give_none():
    assert parse_timestamp("garbage") is None
    assert parse_timestamp("31 February 2024") is None
    assert parse_timestamp("") is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Tickets go on sale Friday.", date(2024, 3, 1)),  # schedules are told in the present tense
        ("Offices close at noon and reopen on Friday.", date(2024, 3, 1)),
        ("Police said the man died on Friday.", date(2024, 2, 23)),
        ("Smith, who won on Friday, defends the title in May.", date(2024, 2, 23)),
        ("Protesters gathered on Friday.", date(2024, 2, 23)),
    ],
)
def test_a_bare_weekday_follows_the_tense_of_its_sentence(sentence: str, expected: date):
    published = datetime(2024, 2, 27, 10, tzinfo=UTC)  # a Tuesday
    assert find_dates(sentence, published)[0].start_date == expected


@pytest.mark.parametrize(
    ("sentence", "published", "text", "expected"),
    [
        ("The bridge will reopen in two weeks.", date(2025, 6, 18), "in two weeks", (date(2025, 7, 2),) * 2),
        ("Flights were cancelled over the weekend.", date(2024, 12, 30), "the weekend",
         (date(2024, 12, 28), date(2024, 12, 29))),
        ("Fans will gather over the weekend.", date(2024, 12, 30), "the weekend",
         (date(2025, 1, 4), date(2025, 1, 5))),
        ("Lessons from the 2008 financial crisis were ignored.", date(2025, 6, 18), "2008",
         (date(2008, 1, 1), date(2008, 12, 31))),
        ("The company was founded in 1998 by three engineers.", date(2024, 2, 27), "1998",
         (date(1998, 1, 1), date(1998, 12, 31))),
    ],
)  # fmt: skip
def test_periods_weekends_and_years_named_in_passing(sentence, published, text, expected):
    found = find_dates(sentence, datetime(published.year, published.month, published.day, 10, tzinfo=UTC))
    assert [(mention.text, (mention.start_date, mention.end_date)) for mention in found] == [(text, expected)]


def test_a_year_before_a_plural_is_a_count():
    assert find_dates("The 2000 people in the hall cheered.", datetime(2025, 6, 18, tzinfo=UTC)) == []
