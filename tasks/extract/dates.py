"""Dates: timestamps in page metadata and the date expressions an article's text mentions.

`parse_timestamp` reads one metadata value ("28 Oct 2024, 05:55 PM IST"); `find_dates` finds the dates a text
names ("October 27-28", "last Monday", "in 2023") and resolves them against the publication date.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from tasks.extract.timezones import known_abbreviations
from tasks.records import DateMention

_WORDS = json.loads((Path(__file__).parent / "dates_words.json").read_text(encoding="utf-8"))

# Month names as printed, plus their all-caps forms (bylines and tickers print "28 OCT 2024").
_MONTHS: dict[str, int] = {}
_FULL_MONTHS: set[str] = set()
for _language, _names in _WORDS["months"].items():
    for _name, _number in _names.items():
        _MONTHS[_name] = _MONTHS[_name.upper()] = int(_number)
        if not _language.endswith("abbreviated"):
            _FULL_MONTHS.update((_name, _name.upper()))
_ABBREVIATED = set(_MONTHS) - _FULL_MONTHS
_WEEKDAYS: dict[str, int] = {}
for _name, _number in _WORDS["weekdays"].items():
    _WEEKDAYS[_name] = _WEEKDAYS[_name.upper()] = int(_number)
_NAME_LIKE_MONTHS = frozenset(_WORDS["name_like_months"]["words"])
_WEEKDAY_NAME_PREFIXES = frozenset(_WORDS["weekday_name_prefixes"]["words"])


def _alternation(names: set[str] | dict[str, int], dotted: set[str] = frozenset()) -> str:
    parts = [re.escape(n) + (r"\.?" if n in dotted else "") for n in sorted(names, key=len, reverse=True)]
    return "(?:" + "|".join(parts) + r")(?![^\W\d_])"


_MONTH = _alternation(_MONTHS, _ABBREVIATED)
_MONTH_FULL = _alternation(_FULL_MONTHS)
_WEEKDAY = _alternation(_WEEKDAYS)
# A day of month: not part of a longer number, a time ("5:30"), a decimal or a percentage.
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d%]|[:.,]\d)"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?!\d)"
_RANGE = r"(?:-|–|—|to|through|until|till|and)"
_NUMBER_WORDS: dict[str, int] = _WORDS["count_words"]["words"]


# Patterns start with their core token (a month, a digit, a weekday): `re` scans for a literal start fast,
# while a leading look-behind or optional prefix makes it try every position (5x slower on long pages).
# Boundaries and prefixes ("on", "last", "Monday,") are checked on a short window before the match.
# Spaces inside a date never include a line break: "Jul\n\n2017" is two archive links, not a month.
_SP = r"[^\S\n]"
_MONTH_FIRST = re.compile(
    rf"""(?P<m1>{_MONTH}){_SP}*(?P<d1>{_DAY})(?:,?{_SP}+(?P<y1>{_YEAR}))?
    (?:{_SP}*(?P<conn>{_RANGE}){_SP}*(?:(?P<m2>{_MONTH}){_SP}*)?(?P<d2>{_DAY})(?:,?{_SP}+(?P<y2>{_YEAR}))?)?""",
    re.VERBOSE,
)
_DAY_FIRST = re.compile(
    rf"""(?P<d1>{_DAY})\.?(?:{_SP}*(?P<conn1>-|–|—|to|and){_SP}*(?P<d1b>{_DAY})\.?)?
    {_SP}*(?:of{_SP}+)?(?P<m1>{_MONTH})(?:,?{_SP}+(?P<y1>{_YEAR}))?
    (?:{_SP}*(?P<conn>-|–|—|to|until|till){_SP}*(?P<d2>{_DAY})\.?{_SP}*(?:of{_SP}+)?(?P<m2>{_MONTH})
    (?:,?{_SP}+(?P<y2>{_YEAR}))?)?""",
    re.VERBOSE,
)
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d|[./-]\d)")
_YEAR_FIRST = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d|[./-]\d)")
_MONTH_YEAR = re.compile(rf"(?P<m>{_MONTH})(?:{_SP}+of)?,?{_SP}+(?P<y>{_YEAR})")
_FULL_MONTH_ONLY = re.compile(rf"(?P<m>{_MONTH_FULL})")
_YEAR_ONLY = re.compile(
    rf"""(?P<y>{_YEAR})(?:{_SP}*(?P<conn>-|–|—|to|and|through|until){_SP}*(?P<y2>{_YEAR}|\d\d(?!\d)))?
    (?![%]|[.,:/]\d|{_SP}*(?:%|percent|per{_SP}+cent))""",
    re.VERBOSE,
)
_DECADE = re.compile(r"(?P<decade>1[5-9]\d0|20\d0)s(?!\w)")
# One leading letter class, then the rest case-insensitively: fast to scan; the phrase is verified after.
_RELATIVE_DAY = re.compile(
    r"[TtYyLl](?i:he[^\S\n]+day[^\S\n]+before[^\S\n]+yesterday|esterday|oday|omorrow|onight|ast[^\S\n]+night"
    r"|his[^\S\n]+morning|his[^\S\n]+afternoon|his[^\S\n]+evening)(?!\w)"
)
_RELATIVE_DAY_BACK = {
    "the day before yesterday": 2,
    "yesterday": 1,
    "last night": 1,
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tomorrow": -1,
}
_PERIOD_UNIT = re.compile(r"(?P<unit>[WwMmYy](?i:eekend|eek|onth|ear))(?!\w)")
_PERIOD_UNITS = frozenset({"weekend", "week", "month", "year"})
_AGO_UNIT = re.compile(r"(?P<unit>[DdWwMmYy](?i:ays?|eeks?|onths?|ears?))[^\S\n]+(?i:ago|earlier)(?!\w)")
_AGO_UNITS = frozenset({"day", "week", "month", "year"})
_WEEKDAY_ONLY = re.compile(rf"(?P<wd>{_WEEKDAY})(?=['’]s\b|(?!\w))")

# Look-back patterns, applied to the few characters before a core match (they end at the match).
_WEEKDAY_BEFORE = re.compile(rf"(?<!\w)(?P<wd>{_WEEKDAY}),?[^\S\n]+$")
_MONTH_PREPOSITION_BEFORE = re.compile(
    r"(?<!\w)(?:(?P<prep>in|since|until|till|by|during|from|before|after|through|throughout|early|late"
    r"|last|next|this|of|between|and|to|or)[^\S\n]+|(?P<mid>mid-))$",
    re.IGNORECASE,
)
_YEAR_PREPOSITION_BEFORE = re.compile(
    r"(?<!\w)(?:(?P<prep>in|since|by|during|until|till|before|after|throughout|from|through|of|for|between"
    r"|early|late|year|fiscal|fy|around|circa|spring|summer|autumn|fall|winter)[^\S\n]+|(?P<mid>mid-))$",
    re.IGNORECASE,
)
_IN_PERIOD = re.compile(
    r"(?<!\w)(?i:in|within)[^\S\n]+(?P<n>\d{1,3}|(?i:" + "|".join(_NUMBER_WORDS) + r"))[^\S\n]+"
    r"(?P<unit>(?i:days?|weeks?|months?|years?))(?!\w)(?![^\S\n]+(?i:ago|earlier|later|before|after))"
)
_THE_WEEKEND = re.compile(r"(?<!\w)(?i:over|at|during|on)[^\S\n]+(?P<the>(?i:the))[^\S\n]+(?i:weekend)(?!\w)")
# "the 2008 financial crisis", "the 2016 election": a year before a singular word after "the".
_THE_YEAR = re.compile(r"(?<!\w)(?i:the)[^\S\n]+(?P<y>(?:19|20)\d{2})[^\S\n]+(?P<next>[a-z]+)(?!\w)")
_PERIOD_MODIFIER_BEFORE = re.compile(
    r"(?<!\w)(?P<mod>earlier[^\S\n]+this|later[^\S\n]+this|last|next|this|past|previous|coming)[^\S\n]+$",
    re.IGNORECASE,
)
_AGO_NUMBER_BEFORE = re.compile(
    r"(?<!\w)(?P<n>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")[^\S\n]+$", re.IGNORECASE
)
_PAST = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in _WORDS["past_markers"]["words"]) + r"|[a-z]{2,}ed)(?!\w)",
    re.IGNORECASE,
)
_WEEKDAY_MODIFIER_BEFORE = re.compile(
    r"(?<!\w)(?P<mod>last|next|this|on|since|by|until|till|from|before|after)[^\S\n]+$", re.IGNORECASE
)
_FUTURE = re.compile(
    "|".join(
        # Contractions ("we'll") follow a letter, so only whole words get the leading boundary.
        (re.escape(w) if w[0] in "'’" else r"(?<!\w)" + re.escape(w)) + r"(?!\w)"
        for w in _WORDS["future_markers"]["words"]
    ),
    re.IGNORECASE,
)
_DAY_DIGITS = re.compile(r"\d+")
# Capitalised words that may stand before a month at the start of a sentence or a dateline.
_DATE_LEAD_WORDS = frozenset(_WORDS["date_lead_words"]["words"])
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_NON_YEAR_FOLLOWERS = re.compile(r"\s+(?P<word>[a-z]+)")
_FUNCTION_WORDS = frozenset(_WORDS["year_followers"]["words"])
_PLURALS_WITHOUT_S = frozenset(_WORDS["plurals_without_s"]["words"])


# ---------------------------------------------------------------------------------------------------
# Metadata timestamps


@dataclass(frozen=True, slots=True)
class ParsedTimestamp:
    """One metadata time as read: aware when the text carried an offset, else naive wall-clock time."""

    value: datetime
    has_time: bool  # False for a date alone: `value` is then midnight
    zone_abbreviation: str | None = None  # "IST", left for the caller to resolve with page evidence
    relative: str | None = None  # the relative expression ("2 hours ago") read against the fetch time


_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T\s]+(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?)?(?!\d)"
)
_TIME = re.compile(
    r"(?<!\d)(?P<h>2[0-3]|[01]?\d)(?:(?P<sep>[:.h])(?P<mi>[0-5]\d)(?::(?P<s>[0-5]\d)(?:[.,]\d+)?)?)?"
    r"\s*(?P<ap>(?i:a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z]))?(?!\d)"
)
_TIME_AFTER_DATE = re.compile(r"\s*(?:,|\bat\b|@|\||-|–|—|T|\bum\b|\bà\b|/|•|·)?\s*")
_ZONE = re.compile(
    r"\s*(?:Uhr\s*)?(?:(?P<zulu>Z)(?![A-Za-z])"
    r"|(?P<offset>(?:UTC|GMT)?\s?(?P<sign>[+\-−])\s?(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?)(?!\d)"
    r"|\(?(?P<abbr>[A-Z]{1,5})\)?(?![A-Za-z]))"
)
_RELATIVE_TIME = re.compile(
    r"(?i)(?<![a-z\d])(?P<n>\d{1,3}|an?|one)\s*(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?)\s+ago"
)
_RELATIVE_WORD_TIME = re.compile(r"(?i)(?<![a-z])(?P<word>yesterday|today|just now)(?![a-z])")
_EPOCH = re.compile(r"\d{10}(?:\d{3})?")


def parse_timestamp(
    text: str, *, fetched_at: datetime | None = None, day_first: bool = True
) -> ParsedTimestamp | None:
    """Read a metadata time: ISO 8601, RFC 2822, "28 Oct 2024, 05:55 PM IST", "2 hours ago", epoch seconds.

    Labels around the value ("Updated:", "First Published:") are ignored. A date without a year takes the
    year that puts it nearest before `fetched_at`; relative times need `fetched_at` (naive means UTC).
    `day_first` settles "03/04/2024" when neither number is above 12. Returns None when nothing parses.
    """
    if not text:
        return None
    value = " ".join(text.split())[:300]
    try:
        return _parse_timestamp(value, fetched_at, day_first)
    except (ValueError, OverflowError):  # impossible dates ("31 February") are not timestamps
        return None


def _parse_timestamp(value: str, fetched_at: datetime | None, day_first: bool) -> ParsedTimestamp | None:
    if _EPOCH.fullmatch(value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return ParsedTimestamp(datetime.fromtimestamp(seconds, UTC), True)
    iso = _ISO.search(value)
    if iso:
        day = date(int(iso["y"]), int(iso["mo"]), int(iso["d"]))
        if iso["h"] is None:
            return _with_time_and_zone(value, day, iso.start(), iso.end())
        fraction = int((iso["frac"] or "0")[:6].ljust(6, "0"))
        wall = datetime(
            day.year, day.month, day.day, int(iso["h"]), int(iso["mi"]), int(iso["s"] or 0), fraction
        )
        return _attach_zone(wall, True, value[iso.end() :])
    fetch = _aware(fetched_at) if fetched_at else None
    relative = _parse_relative(value, fetch)
    if relative:
        return relative
    found = _find_calendar_date(value, fetch, day_first)
    if found is None:
        return None
    day, start, end = found
    return _with_time_and_zone(value, day, start, end)


def _find_calendar_date(value: str, fetch: datetime | None, day_first: bool) -> tuple[date, int, int] | None:
    best: tuple[int, int, date] | None = None  # (start, -length, date)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        # Only a digit may not touch the date: labels are often glued to it ("Updated28 Oct 2024").
        match = next(
            (m for m in pattern.finditer(value) if not _touches(value, m.start(), "0123456789", words=False)),
            None,
        )
        if not match:
            continue
        month, day = _MONTHS[match["m1"].rstrip(".")], _day_number(match["d1"])
        year_text = match["y1"] or (match["y2"] if match["conn"] else None)
        if year_text:
            year = int(year_text)
        elif fetch is not None:
            year = _year_before(month, day, fetch.date())
        else:
            continue
        end = (
            match.end("y1")
            if match["y1"]
            else match.end("d1")
            if pattern is _MONTH_FIRST
            else match.end("m1")
        )
        key = (match.start(), -(end - match.start()), date(year, month, day))
        best = key if best is None or key[:2] < best[:2] else best
    for match in _NUMERIC.finditer(value):
        if _touches(value, match.start(), _NUMERIC_NEIGHBOURS):
            continue
        parsed = _numeric_date(int(match["a"]), int(match["b"]), match["y"], day_first, match["sep"])
        if parsed:
            key = (match.start(), -(match.end() - match.start()), parsed)
            best = key if best is None or key[:2] < best[:2] else best
            break
    match = next(
        (m for m in _YEAR_FIRST.finditer(value) if not _touches(value, m.start(), _NUMERIC_NEIGHBOURS)), None
    )
    if match:
        key = (
            match.start(),
            -(match.end() - match.start()),
            date(int(match["y"]), int(match["m"]), int(match["d"])),
        )
        best = key if best is None or key[:2] < best[:2] else best
    if best is None:
        return None
    start, negative_length, day = best
    return day, start, start - negative_length


def _numeric_date(a: int, b: int, year_text: str, day_first: bool, separator: str) -> date | None:
    year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
    if separator == ".":
        day_first = True  # dotted dates are European everywhere: 28.10.2024
    if a > 12 and b <= 12:
        day, month = a, b
    elif b > 12 and a <= 12:
        day, month = b, a
    elif a <= 12 and b <= 12:
        day, month = (a, b) if day_first else (b, a)
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_time_and_zone(value: str, day: date, start: int, end: int) -> ParsedTimestamp:
    after = _TIME_AFTER_DATE.match(value, end)
    time_match = _TIME.match(value, after.end()) if after else None
    if time_match and (time_match["mi"] or time_match["ap"]):
        wall = _combine(day, time_match)
        return _attach_zone(wall, True, value[time_match.end() :])
    # "17:55 IST, 28 Oct 2024": the time comes first.
    for time_match in _TIME.finditer(value, 0, start):
        if time_match["mi"] or time_match["ap"]:
            wall = _combine(day, time_match)
            return _attach_zone(wall, True, value[time_match.end() : start])
    midnight = datetime(day.year, day.month, day.day)
    return ParsedTimestamp(midnight, False)


def _combine(day: date, match: re.Match[str]) -> datetime:
    hour = int(match["h"])
    meridiem = (match["ap"] or "").lower().replace(".", "").replace(" ", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return datetime(day.year, day.month, day.day, hour, int(match["mi"] or 0), int(match["s"] or 0))


def _attach_zone(wall: datetime, has_time: bool, rest: str) -> ParsedTimestamp:
    zone = _ZONE.match(rest)
    if zone:
        if zone["zulu"]:
            return ParsedTimestamp(wall.replace(tzinfo=UTC), has_time)
        if zone["offset"]:
            hours, minutes = int(zone["oh"]), int(zone["om"] or 0)
            if hours <= 14 and minutes < 60:
                sign = -1 if zone["sign"] in "-−" else 1
                offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
                return ParsedTimestamp(wall.replace(tzinfo=offset), has_time)
        abbreviation = zone["abbr"]
        if abbreviation in ("UTC", "GMT", "UT", "Z"):
            return ParsedTimestamp(wall.replace(tzinfo=UTC), has_time)
        if abbreviation and abbreviation in known_abbreviations():
            return ParsedTimestamp(wall, has_time, zone_abbreviation=abbreviation)
    return ParsedTimestamp(wall, has_time)


def _parse_relative(value: str, fetch: datetime | None) -> ParsedTimestamp | None:
    match = _RELATIVE_TIME.search(value)
    if match:
        if fetch is None:
            return None
        amount = 1 if match["n"].lower() in ("a", "an", "one") else int(match["n"])
        unit = match["unit"].lower()
        if unit.startswith(("d", "w")):
            days = amount * (7 if unit.startswith("w") else 1)
            day = fetch.date() - timedelta(days=days)
            return ParsedTimestamp(datetime(day.year, day.month, day.day), False, relative=match.group(0))
        seconds = amount * (3600 if unit.startswith("h") else 60 if unit.startswith("m") else 1)
        return ParsedTimestamp(fetch - timedelta(seconds=seconds), True, relative=match.group(0))
    match = _RELATIVE_WORD_TIME.search(value)
    if match and not _MONTH_FIRST.search(value) and not _DAY_FIRST.search(value):
        if fetch is None:
            return None
        word = match["word"].lower()
        if word == "just now":
            return ParsedTimestamp(fetch, True, relative=match.group(0))
        day = fetch.date() - timedelta(days=1 if word == "yesterday" else 0)
        parsed = _with_time_and_zone(value, day, match.start(), match.end())
        return ParsedTimestamp(
            parsed.value, parsed.has_time, parsed.zone_abbreviation, relative=match.group(0)
        )
    return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _year_before(month: int, day: int, reference: date) -> int:
    """The year that puts month/day nearest on or before `reference` (a page cannot be from the future)."""
    for year in (reference.year, reference.year - 1):
        try:
            if date(year, month, day) <= reference + timedelta(days=1):
                return year
        except ValueError:
            continue
    return reference.year - 1


# ---------------------------------------------------------------------------------------------------
# Dates mentioned in text


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    start_date: date | None
    end_date: date | None


def find_dates(text: str, published: datetime | None) -> list[DateMention]:
    """Dates a text mentions, resolved against `published` (relative and year-less ones need it).

    Mentions never overlap: the longest expression wins ("Monday, October 28" over "Monday"). A mention whose
    date cannot be resolved (no publication date) is kept with None dates; impossible dates are dropped.
    """
    if not text:
        return []
    reference = published.date() if published is not None else None
    found: list[_Found] = []
    for finder in _FINDERS:
        try:
            found.extend(finder(text, reference))
        except (ValueError, OverflowError):  # one odd expression must not cost the others
            continue
    return [
        DateMention(text[f.start : f.end], f.start_date, f.end_date, f.start, f.end) for f in _select(found)
    ]


def find_date_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the date expressions in a text (for finders that must skip dates, like amounts)."""
    return [(m.start, m.end) for m in find_dates(text, None)]


def _select(found: list[_Found]) -> list[_Found]:
    taken: list[_Found] = []
    occupied: list[tuple[int, int]] = []
    for candidate in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        if any(candidate.start < end and start < candidate.end for start, end in occupied):
            continue
        occupied.append((candidate.start, candidate.end))
        taken.append(candidate)
    return sorted(taken, key=lambda f: f.start)


def _month_first(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _MONTH_FIRST.finditer(text):
        if _touches(text, match.start()):
            continue
        weekday_text, start = _weekday_before(text, match.start())
        if weekday_text is None and _looks_like_name(text, match.start("m1"), match["m1"]):
            continue
        month1 = _MONTHS[match["m1"].rstrip(".")]
        day1 = _day_number(match["d1"])
        end = match.end("y1") if match["y1"] else match.end("d1")
        has_range = match["conn"] is not None and (
            match["conn"] != "and" or _preceded_by(text, start, "between")
        )
        if not has_range:
            results.extend(
                _resolved_day(text, start, end, month1, day1, match["y1"], weekday_text, reference)
            )
            continue
        month2 = _MONTHS[match["m2"].rstrip(".")] if match["m2"] else month1
        day2 = _day_number(match["d2"])
        results.extend(
            _resolved_range(
                text, start, match.end(), (month1, day1, match["y1"]), (month2, day2, match["y2"]), reference
            )
        )
    return results


def _day_first(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _DAY_FIRST.finditer(text):
        if _touches(text, match.start()):
            continue
        weekday_text, start = _weekday_before(text, match.start())
        month1 = _MONTHS[match["m1"].rstrip(".")]
        day1 = _day_number(match["d1"])
        if match["d1b"]:  # "27-28 October": the first day borrows the month
            if match["conn1"] == "and" and not _preceded_by(text, start, "between"):
                continue
            end = match.end("y1") if match["y1"] else match.end("m1")
            results.extend(
                _resolved_range(
                    text,
                    start,
                    end,
                    (month1, day1, match["y1"]),
                    (month1, _day_number(match["d1b"]), match["y1"]),
                    reference,
                )
            )
            continue
        if match["d2"]:
            results.extend(
                _resolved_range(
                    text,
                    start,
                    match.end(),
                    (month1, day1, match["y1"]),
                    (_MONTHS[match["m2"].rstrip(".")], _day_number(match["d2"]), match["y2"]),
                    reference,
                )
            )
            continue
        end = match.end("y1") if match["y1"] else match.end("m1")
        results.extend(_resolved_day(text, start, end, month1, day1, match["y1"], weekday_text, reference))
    return results


def _numeric_dates(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _NUMERIC.finditer(text):
        if _touches(text, match.start(), _NUMERIC_NEIGHBOURS):
            continue
        a, b = int(match["a"]), int(match["b"])
        if len(match["y"]) == 2 and match["sep"] != "/":
            continue  # "1.2.24" and "1-2-24" are version numbers and scores more often than dates
        options = {
            _numeric_date(a, b, match["y"], True, match["sep"]),
            _numeric_date(a, b, match["y"], False, match["sep"]),
        }
        options.discard(None)
        if not options:
            continue
        # Ambiguous "03/04/2024": take the reading nearest to publication; day-first without one.
        if len(options) > 1 and reference is not None:
            day = min(options, key=lambda d: abs((d - reference).days))
        else:
            day = _numeric_date(a, b, match["y"], True, match["sep"])
        if day is not None:
            results.append(_Found(match.start(), match.end(), day, day))
    for match in _YEAR_FIRST.finditer(text):
        if _touches(text, match.start(), _NUMERIC_NEIGHBOURS):
            continue
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
        results.append(_Found(match.start(), match.end(), day, day))
    return results


def _month_year(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _MONTH_YEAR.finditer(text):
        if _touches(text, match.start()) or _looks_like_name(text, match.start("m"), match["m"]):
            continue
        first, last = _month_range(int(match["y"]), _MONTHS[match["m"].rstrip(".")])
        results.append(_Found(match.start(), match.end(), first, last))
    return results


def _preposition_month(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _FULL_MONTH_ONLY.finditer(text):
        if _touches(text, match.start()):
            continue
        found = _before(_MONTH_PREPOSITION_BEFORE, text, match.start())
        if found is None:
            continue  # a month alone ("October") needs a preposition to be a date, not a name
        before = found
        preposition = (before["prep"] or "").lower()
        name = match["m"]
        if name in _NAME_LIKE_MONTHS and preposition in ("and", "to", "or", "of", "by"):
            continue  # "to May", "by June": as often a person as a month
        month = _MONTHS[name]
        keep_modifier = preposition in ("last", "next", "this") or before["mid"]
        start = before.start() if keep_modifier else match.start()
        if reference is None:
            results.append(_Found(start, match.end(), None, None))
            continue
        if preposition == "last":
            year = reference.year if month < reference.month else reference.year - 1
        elif preposition == "next":
            year = reference.year if month > reference.month else reference.year + 1
        elif preposition == "this":
            year = reference.year
        else:
            year = _nearest_year(month, 15, reference, _is_future_context(text, start))
        first, last = _month_range(year, month)
        results.append(_Found(start, match.end(), first, last))
    return results


def _preposition_year(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _YEAR_ONLY.finditer(text):
        found = _before(_YEAR_PREPOSITION_BEFORE, text, match.start())
        if found is None:
            continue  # a bare four-digit number may be a count; only "in 2023", "since 2019" are years
        if not found["mid"] and _touches(text, match.start(), _YEAR_NEIGHBOURS):
            continue
        before = found
        follower = _NON_YEAR_FOLLOWERS.match(text, match.end())
        if follower and follower["word"] not in _FUNCTION_WORDS:
            continue  # "for 2000 people": a count, not a year
        first_year = int(match["y"])
        last_year = first_year
        end = match.end("y")
        if match["y2"]:
            second = match["y2"]
            last_year = int(second) if len(second) == 4 else (first_year // 100) * 100 + int(second)
            if last_year > first_year:
                end = match.end("y2")
            else:
                last_year = first_year
        start = before.start("mid") if before["mid"] else match.start("y")
        results.append(_Found(start, end, date(first_year, 1, 1), date(last_year, 12, 31)))
    return results


def _years_as_adjectives(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _THE_YEAR.finditer(text):
        following = match["next"]
        if following.endswith("s") or following in _PLURALS_WITHOUT_S:
            continue  # "the 2000 soldiers", "the 1500 people": a count
        year = int(match["y"])
        results.append(_Found(match.start("y"), match.end("y"), date(year, 1, 1), date(year, 12, 31)))
    return results


def _decades(text: str, reference: date | None) -> list[_Found]:
    return [
        _Found(m.start(), m.end(), date(int(m["decade"]), 1, 1), date(int(m["decade"]) + 9, 12, 31))
        for m in _DECADE.finditer(text)
        if not _touches(text, m.start(), "'’")
    ]


def _relative_days(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _RELATIVE_DAY.finditer(text):
        if (
            _touches(text, match.start())
            or " ".join(match.group(0).lower().split()) not in _RELATIVE_DAY_BACK
        ):
            continue
        if reference is None:
            results.append(_Found(match.start(), match.end(), None, None))
            continue
        back = _RELATIVE_DAY_BACK.get(" ".join(match.group(0).lower().split()))
        if back is None:
            continue
        day = reference - timedelta(days=back)
        results.append(_Found(match.start(), match.end(), day, day))
    return results


def _relative_periods(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _PERIOD_UNIT.finditer(text):
        if _touches(text, match.start()) or match["unit"].lower() not in _PERIOD_UNITS:
            continue
        found = _before(_PERIOD_MODIFIER_BEFORE, text, match.start())
        if found is None:
            continue
        before = found
        start = before.start()
        if reference is None:
            results.append(_Found(start, match.end(), None, None))
            continue
        modifier = " ".join(before["mod"].lower().split())
        unit = match["unit"].lower()
        step = {"last": -1, "previous": -1, "next": 1, "coming": 1}.get(modifier, 0)
        if modifier == "past":
            span = {"week": 7, "weekend": 7, "month": 30, "year": 365}[unit]
            first, last = reference - timedelta(days=span), reference
        else:
            first, last = _period(reference, unit, step)
            if modifier == "earlier this":
                last = reference
            elif modifier == "later this":
                first = reference
        results.append(_Found(start, match.end(), first, last))
    return results


def _in_periods(text: str, reference: date | None) -> list[_Found]:
    """ "in two weeks", "within 10 days": that many units after publication (a month or year as a whole)."""
    results = []
    for match in _IN_PERIOD.finditer(text):
        if reference is None:
            results.append(_Found(match.start(), match.end(), None, None))
            continue
        count_text = match["n"].lower()
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
        unit = match["unit"].lower().rstrip("s")
        if unit in ("day", "week"):
            day = reference + timedelta(days=count * (7 if unit == "week" else 1))
            results.append(_Found(match.start(), match.end(), day, day))
        elif unit == "month":
            first, last = _month_range(*_shift_month(reference.year, reference.month, count))
            results.append(_Found(match.start(), match.end(), first, last))
        else:
            year = reference.year + count
            results.append(_Found(match.start(), match.end(), date(year, 1, 1), date(year, 12, 31)))
    return results


def _the_weekend(text: str, reference: date | None) -> list[_Found]:
    """ "over the weekend": the latest weekend up to publication, or the coming one in future wording."""
    results = []
    for match in _THE_WEEKEND.finditer(text):
        if reference is None:
            results.append(_Found(match.start("the"), match.end(), None, None))
            continue
        if _is_future_context(text, match.start()):
            saturday = reference + timedelta(days=(5 - reference.weekday()) % 7)
        else:
            saturday = reference - timedelta(days=(reference.weekday() - 5) % 7)
        results.append(_Found(match.start("the"), match.end(), saturday, saturday + timedelta(days=1)))
    return results


def _ago(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _AGO_UNIT.finditer(text):
        if match["unit"].lower().rstrip("s") not in _AGO_UNITS:
            continue
        found = _before(_AGO_NUMBER_BEFORE, text, match.start())
        if found is None:
            continue
        before = found
        start = before.start()
        if reference is None:
            results.append(_Found(start, match.end(), None, None))
            continue
        count_text = before["n"].lower()
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
        unit = match["unit"].lower().rstrip("s")
        if unit == "day":
            day = reference - timedelta(days=count)
            results.append(_Found(start, match.end(), day, day))
        elif unit == "week":
            day = reference - timedelta(days=7 * count)
            results.append(_Found(start, match.end(), day, day))
        elif unit == "month":
            first, last = _month_range(*_shift_month(reference.year, reference.month, -count))
            results.append(_Found(start, match.end(), first, last))
        else:
            year = reference.year - count
            results.append(_Found(start, match.end(), date(year, 1, 1), date(year, 12, 31)))
    return results


def _weekdays(text: str, reference: date | None) -> list[_Found]:
    results = []
    for match in _WEEKDAY_ONLY.finditer(text):
        if _touches(text, match.start()):
            continue
        found = _before(_WEEKDAY_MODIFIER_BEFORE, text, match.start())
        modifier = found["mod"].lower() if found else ""
        if not modifier:
            previous = _previous_word(text, match.start())
            if previous and (
                previous in _WEEKDAY_NAME_PREFIXES
                or (previous[0].isupper() and not _starts_sentence(text, match.start()))
            ):
                continue  # "Black Friday", "Super Tuesday", "Cyber Monday"
        start = found.start() if found and modifier in ("last", "next", "this") else match.start()
        if reference is None:
            results.append(_Found(start, match.end(), None, None))
            continue
        weekday = _WEEKDAYS[match["wd"]]
        back = (reference.weekday() - weekday) % 7
        forward = (weekday - reference.weekday()) % 7
        if modifier == "last":
            day = reference - timedelta(days=back or 7)
        elif modifier == "next":
            day = reference + timedelta(days=forward or 7)
        elif modifier in ("until", "till", "by") or _is_future_context(text, match.start()):
            day = reference + timedelta(days=forward)
        elif forward and _is_present_tense_sentence(text, match.start(), match.end()):
            day = reference + timedelta(
                days=forward
            )  # schedules are told in the present: "go on sale Friday"
        else:
            # News writes "said on Monday" for the past week; the same weekday as publication is that day.
            day = reference - timedelta(days=back)
        results.append(_Found(start, match.end(), day, day))
    return results


_FINDERS: tuple[Callable[[str, date | None], list[_Found]], ...] = (
    _month_first,
    _day_first,
    _numeric_dates,
    _month_year,
    _preposition_month,
    _preposition_year,
    _years_as_adjectives,
    _decades,
    _relative_days,
    _relative_periods,
    _ago,
    _in_periods,
    _the_weekend,
    _weekdays,
)


# ---------------------------------------------------------------------------------------------------
# Resolution helpers


def _resolved_day(
    text: str,
    start: int,
    end: int,
    month: int,
    day: int,
    year_text: str | None,
    weekday_text: str | None,
    reference: date | None,
) -> list[_Found]:
    if year_text:
        try:
            resolved = date(int(year_text), month, day)
        except ValueError:
            return []
        return [_Found(start, end, resolved, resolved)]
    if not _is_valid_day(month, day):
        return []
    if reference is None:
        return [_Found(start, end, None, None)]
    weekday = _WEEKDAYS.get(weekday_text) if weekday_text else None
    year = _nearest_year(month, day, reference, _is_future_context(text, start), weekday)
    resolved = date(year, month, day)
    return [_Found(start, end, resolved, resolved)]


def _resolved_range(
    text: str,
    start: int,
    end: int,
    first: tuple[int, int, str | None],
    last: tuple[int, int, str | None],
    reference: date | None,
) -> list[_Found]:
    month1, day1, year1_text = first
    month2, day2, year2_text = last
    if not (_is_valid_day(month1, day1) and _is_valid_day(month2, day2)):
        return []
    if year1_text or year2_text:
        year2 = int(year2_text or year1_text)
        year1 = int(year1_text) if year1_text else year2 - (1 if (month1, day1) > (month2, day2) else 0)
    elif reference is None:
        return [_Found(start, end, None, None)]
    else:
        year1 = _nearest_year(month1, day1, reference, _is_future_context(text, start))
        year2 = year1 + (1 if (month2, day2) < (month1, day1) else 0)  # "December 30 to January 2"
    try:
        first_date, last_date = date(year1, month1, day1), date(year2, month2, day2)
    except ValueError:
        return []
    if last_date < first_date:
        return []
    return [_Found(start, end, first_date, last_date)]


def _nearest_year(month: int, day: int, reference: date, future: bool, weekday: int | None = None) -> int:
    """The year that puts a year-less date nearest the publication date.

    News looks back more than ahead, so a future date costs twice its distance: a date up to ~4 months ahead
    still reads as upcoming, anything further as past. Future wording ("will", "scheduled") flips the bias.
    A printed weekday ("Monday, October 28") picks the year it fits, when one does.
    """
    options = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        if not _is_valid_day(month, day, year):
            continue
        distance = (date(year, month, day) - reference).days
        ahead, behind = (1.0, 2.0) if future else (2.0, 1.0)
        cost = distance * ahead if distance > 0 else -distance * behind
        fits_weekday = weekday is None or date(year, month, day).weekday() == weekday
        options.append((not fits_weekday, cost, year))
    return min(options)[2] if options else reference.year


def _is_valid_day(month: int, day: int, year: int = 2024) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _period(reference: date, unit: str, step: int) -> tuple[date, date]:
    if unit == "week":
        monday = reference - timedelta(days=reference.weekday()) + timedelta(weeks=step)
        return monday, monday + timedelta(days=6)
    if unit == "weekend":
        # "this weekend" is the coming one (or the current one on Saturday/Sunday); "last" the one before it.
        weekday = reference.weekday()
        saturday = (
            reference - timedelta(days=weekday - 5)
            if weekday >= 5
            else reference + timedelta(days=5 - weekday)
        )
        if step < 0:
            saturday -= timedelta(days=7)
        elif step > 0 and weekday >= 5:
            saturday += timedelta(days=7)
        return saturday, saturday + timedelta(days=1)
    if unit == "month":
        return _month_range(*_shift_month(reference.year, reference.month, step))
    year = reference.year + step
    return date(year, 1, 1), date(year, 12, 31)


def _day_number(text: str) -> int:
    return int(_DAY_DIGITS.match(text).group(0))  # type: ignore[union-attr] - _DAY always starts with digits


def _is_future_context(text: str, position: int) -> bool:
    """True when the sentence before `position` speaks of the future ("will", "scheduled", "next")."""
    window = text[max(0, position - 150) : position]
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends:
        window = window[ends[-1] :]
    return _FUTURE.search(window) is not None


def _is_present_tense_sentence(text: str, start: int, end: int) -> bool:
    """True when the sentence around text[start:end] has no past-tense word ("said", "won", "-ed" verbs)."""
    before = text[max(0, start - 200) : start]
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    if ends:
        before = before[ends[-1] :]
    after = text[end : end + 200]
    stop = _SENTENCE_END.search(after)
    sentence = before + " " + (after[: stop.start()] if stop else after)
    if "\n" in sentence:
        return False  # a headline or a list line: no grammar to go by
    return _PAST.search(sentence) is None


_NUMERIC_NEIGHBOURS = "./-"
_YEAR_NEIGHBOURS = "./-$€£₹#"


def _touches(text: str, position: int, neighbours: str = "", words: bool = True) -> bool:
    """True when the character before `position` glues a match to something else: a letter or digit (when
    `words`), or one of `neighbours`."""
    if position == 0:
        return False
    previous = text[position - 1]
    return previous in neighbours or (words and (previous.isalnum() or previous == "_"))


def _before(pattern: re.Pattern[str], text: str, position: int, reach: int = 24) -> re.Match[str] | None:
    """Match a look-back pattern (ending in $) on the few characters before `position`."""
    # Positions stay absolute and look-behinds still see the text before the window.
    return pattern.search(text, max(0, position - reach), position)


def _weekday_before(text: str, position: int) -> tuple[str | None, int]:
    """A weekday printed before a date ("Monday, October 28"): its name and where the mention starts."""
    found = _before(_WEEKDAY_BEFORE, text, position, reach=12)
    if found is None:
        return None, position
    return found["wd"], found.start()


def _preceded_by(text: str, position: int, word: str) -> bool:
    return text[max(0, position - len(word) - 2) : position].rstrip().lower().endswith(word)


def _previous_word(text: str, position: int) -> str | None:
    window = text[max(0, position - 40) : position]
    match = re.search(r"([^\W\d_][\w'’-]*)\s+$", window)
    return match.group(1) if match else None


def _starts_sentence(text: str, position: int) -> bool:
    """True when the word before `position` opens a sentence (so its capital says nothing)."""
    before = text[max(0, position - 200) : position].rstrip()
    before = before[: len(before) - len(before.split()[-1])] if before.split() else ""
    stripped = before.rstrip(" \t“\"'‘(")
    return not stripped or stripped[-1] in ".!?\n:;—–"


def _looks_like_name(text: str, position: int, month_text: str) -> bool:
    """'Theresa May 12': a name-like month right after a capitalised word that is not a date's lead-in."""
    if month_text not in _NAME_LIKE_MONTHS:
        return False
    previous = _previous_word(text, position)
    if not previous or not previous[0].isupper() or previous in _WEEKDAYS:
        return False
    return previous.lower() not in _DATE_LEAD_WORDS
