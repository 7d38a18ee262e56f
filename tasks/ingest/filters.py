"""Which items of a source a run takes: URL or path patterns to include or exclude, and a `since` date.

Patterns are shell-style (`*`, `?`, `[...]`) and match anywhere in the location; `re:` starts a regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import translate
from functools import cache

from dateutil import parser as date_parser

# "30m", "24h", "7d", "2w": the same shorthand the named queries take for `since`.
_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


class FilterError(ValueError):
    """A pattern or date the user wrote that cannot be used; the message says what is wrong."""


def parse_since(value: str | None, *, now: datetime | None = None) -> datetime | None:
    """`2024-10-01`, `2024-10-01T06:00+02:00` or `7d` / `24h` / `30m` / `2w` ago, as an aware UTC time."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    relative = _RELATIVE.match(text)
    if relative:
        amount = float(relative[1]) * _UNIT_SECONDS[relative[2].lower()]
        return (now or datetime.now(UTC)) - timedelta(seconds=amount)
    moment = parse_listed_date(text)
    if moment is None:
        raise FilterError(f"since {value!r} is neither a date (2024-10-01) nor an age (7d, 24h, 30m, 2w)")
    return moment


def parse_listed_date(value: str | None) -> datetime | None:
    """A date as feeds and sitemaps write it (ISO 8601, W3C datetime, RFC 822), in UTC; None if unreadable.

    A date without a zone is taken as UTC: feeds and sitemaps that omit it are mostly written in UTC, and
    a `since` filter is only ever a few hours off for the rest.
    """
    if not value:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = date_parser.parse(text)
        except (ValueError, OverflowError):
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    if pattern.startswith("re:"):
        try:
            return re.compile(pattern[3:])
        except re.error as error:
            raise FilterError(f"pattern {pattern!r} is not a valid regular expression: {error}") from error
    # A glob that matches anywhere: "/world/" keeps every URL with /world/ in it.
    return re.compile(translate(f"*{pattern}*"), re.DOTALL)


@dataclass(frozen=True, slots=True)
class SourceFilter:
    """What to keep of one source: locations matching an include pattern (if any), none that match an
    exclude pattern, and items dated `since` or later (undated items are kept)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    since: datetime | None = None
    also: tuple[SourceFilter, ...] = ()  # further filters an item must pass too (run-wide ones)

    def __post_init__(self) -> None:
        for pattern in (*self.include, *self.exclude):
            _compile(pattern)  # fail when the filter is made, not on the first URL

    @property
    def is_empty(self) -> bool:
        return not (self.include or self.exclude or self.since) and all(f.is_empty for f in self.also)

    def allows_location(self, location: str) -> bool:
        """True when the URL or path passes the include and exclude patterns."""
        if self.include and not any(_compile(p).search(location) for p in self.include):
            return False
        if any(_compile(p).search(location) for p in self.exclude):
            return False
        return all(f.allows_location(location) for f in self.also)

    def allows_date(self, moment: datetime | None) -> bool:
        """True when the item is not older than `since` (an item without a date is always kept)."""
        if moment is None:
            return True
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        if self.since is not None and moment < self.since:
            return False
        return all(f.allows_date(moment) for f in self.also)

    def combined(self, other: SourceFilter) -> SourceFilter:
        """This filter and `other` at once (an item must pass both)."""
        if other.is_empty:
            return self
        if self.is_empty:
            return other
        return SourceFilter(self.include, self.exclude, self.since, (*self.also, other))


NO_FILTER = SourceFilter()
