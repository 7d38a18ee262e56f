"""Include/exclude patterns and `since` dates: which items of a source a run takes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tasks.ingest.filters import NO_FILTER, FilterError, SourceFilter, parse_listed_date, parse_since


def test_a_glob_matches_anywhere_in_the_url() -> None:
    world = SourceFilter(include=("/world/",))
    assert world.allows_location("https://news.example/world/europe/story-1")
    assert not world.allows_location("https://news.example/sport/story-2")


def test_wildcards_and_regular_expressions() -> None:
    dated = SourceFilter(include=("/2024/??/*/story",))
    assert dated.allows_location("https://a.example/2024/10/28/story")
    assert not dated.allows_location("https://a.example/2023/story")
    numbered = SourceFilter(include=(r"re:/article-\d+$",))
    assert numbered.allows_location("https://a.example/article-42")
    assert not numbered.allows_location("https://a.example/article-42/comments")


def test_exclude_wins_over_include() -> None:
    source_filter = SourceFilter(include=("/world/",), exclude=("/video/",))
    assert source_filter.allows_location("https://a.example/world/story")
    assert not source_filter.allows_location("https://a.example/world/video/clip")


def test_an_invalid_regular_expression_fails_when_the_filter_is_made() -> None:
    with pytest.raises(FilterError, match="not a valid regular expression"):
        SourceFilter(include=("re:(unclosed",))


def test_since_keeps_newer_and_undated_items() -> None:
    since = datetime(2024, 10, 1, tzinfo=UTC)
    source_filter = SourceFilter(since=since)
    assert source_filter.allows_date(datetime(2024, 10, 2, tzinfo=UTC))
    assert not source_filter.allows_date(datetime(2024, 9, 30, tzinfo=UTC))
    assert source_filter.allows_date(None)


def test_combined_filters_must_both_pass() -> None:
    per_source = SourceFilter(include=("/world/",))
    run_wide = SourceFilter(include=("/2024/",), since=datetime(2024, 10, 1, tzinfo=UTC))
    both = per_source.combined(run_wide)
    assert both.allows_location("https://a.example/world/2024/story")
    assert not both.allows_location("https://a.example/world/2023/story")
    assert not both.allows_location("https://a.example/sport/2024/story")
    assert not both.allows_date(datetime(2024, 9, 1, tzinfo=UTC))
    assert per_source.combined(NO_FILTER) is per_source
    assert NO_FILTER.is_empty and not both.is_empty


def test_since_reads_dates_and_ages() -> None:
    now = datetime(2024, 10, 28, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now=now) == now - timedelta(days=7)
    assert parse_since("24h", now=now) == now - timedelta(hours=24)
    assert parse_since("30m", now=now) == now - timedelta(minutes=30)
    assert parse_since("2w", now=now) == now - timedelta(weeks=2)
    assert parse_since("2024-10-01") == datetime(2024, 10, 1, tzinfo=UTC)
    assert parse_since("2024-10-01T06:00:00+02:00") == datetime(2024, 10, 1, 4, tzinfo=UTC)
    assert parse_since(None) is None and parse_since("  ") is None
    with pytest.raises(FilterError, match="neither a date"):
        parse_since("the other day")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-10-28T12:00:00Z", datetime(2024, 10, 28, 12, tzinfo=UTC)),
        ("2024-10-28T17:55:00+05:30", datetime(2024, 10, 28, 12, 25, tzinfo=UTC)),
        ("2024-10-28", datetime(2024, 10, 28, tzinfo=UTC)),
        ("Mon, 28 Oct 2024 12:00:00 GMT", datetime(2024, 10, 28, 12, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
    ],
)
def test_feed_and_sitemap_dates_are_read_in_utc(written: str | None, expected: datetime | None) -> None:
    assert parse_listed_date(written) == expected
