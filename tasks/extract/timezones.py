"""Time-zone abbreviations (IST, CST, BST, ...) and the page evidence that says which zone a page means.

Owns the mechanism only: the abbreviation table, the country signals and the per-abbreviation defaults
live in `timezones_abbreviations.json`, `timezones_evidence.json` and `timezones_places.json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_HERE = Path(__file__).parent
_HOST = re.compile(r"[a-z0-9.-]+")


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """One zone an abbreviation may stand for, and the country whose evidence selects it."""

    zone: str
    country: str | None


@dataclass(frozen=True, slots=True)
class Abbreviation:
    """A zone abbreviation with its candidate zones and the zone used when the page says nothing."""

    name: str
    choices: tuple[ZoneChoice, ...]
    default: str


@dataclass(frozen=True, slots=True)
class CountryEvidence:
    """Country signals found in one page: a score per country and the reasons behind it."""

    scores: Mapping[str, float] = field(default_factory=dict)
    reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def best(self, among: Iterable[str] | None = None) -> tuple[str, float] | None:
        """The single best-scoring country (of `among`, if given); None on a tie or no evidence."""
        allowed = None if among is None else set(among)
        ranked = sorted(
            (
                (score, country)
                for country, score in self.scores.items()
                if score > 0 and (allowed is None or country in allowed)
            ),
            reverse=True,
        )
        if not ranked:
            return None
        if len(ranked) > 1 and ranked[1][0] == ranked[0][0]:
            return None
        return ranked[0][1], ranked[0][0]

    def runner_up_score(self, country: str) -> float:
        """The best score of any other country (for margins)."""
        return max((s for c, s in self.scores.items() if c != country), default=0.0)

    def describe(self, country: str) -> str:
        """Human-readable reasons for a country, e.g. 'currency ₹, place names'."""
        return ", ".join(self.reasons.get(country, ())) or "no evidence"


# ---------------------------------------------------------------------------------------------------
# Data, loaded once per process (the files are small; the regexes are built here, not per page).


@dataclass(frozen=True, slots=True)
class _Currency:
    needle: str  # a plain substring every match contains: a cheap first test before the regex
    is_caseless: bool
    pattern: re.Pattern[str]
    label: str
    countries: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class _EvidenceTables:
    currencies: tuple[_Currency, ...]
    place_pattern: re.Pattern[str]
    place_country: Mapping[str, str]
    language_country: Mapping[str, str]
    language_weight: float
    locale_weight: float
    locale_ignored_languages: frozenset[str]
    tld_weight: float
    tld_aliases: Mapping[str, str]
    generic_tlds: frozenset[str]
    furniture_place_weight: float
    furniture_place_cap: float
    body_place_weight: float
    body_place_cap: float
    primary_zones: Mapping[str, str]


def _read_json(name: str) -> dict:
    return json.loads((_HERE / name).read_text(encoding="utf-8"))


@cache
def _abbreviations() -> Mapping[str, Abbreviation]:
    table: dict[str, Abbreviation] = {}
    for name, entry in _read_json("timezones_abbreviations.json").items():
        if name.startswith("_"):
            continue
        choices = tuple(ZoneChoice(zone, country) for zone, country in entry["zones"])
        table[name] = Abbreviation(name, choices, entry.get("default", choices[0].zone))
    return table


@cache
def _tables() -> _EvidenceTables:
    data = _read_json("timezones_evidence.json")
    currencies: list[_Currency] = []
    for entry in data["currencies"]["entries"]:
        text, kind = entry["match"], entry["kind"]
        escaped = re.escape(text)
        if kind == "symbol":
            # A one-character sign must not be the tail of a longer one ("$" in "HK$" is Hong Kong's).
            pattern = rf"(?<![A-Za-z]){escaped}" if len(text) == 1 else escaped
        elif kind == "code":
            pattern = rf"(?<![A-Za-z]){escaped}(?![A-Za-z])"
        elif kind == "amount-prefix":
            # "Rs 500", "Rs. 1,200": the abbreviation alone is too common a token to count.
            pattern = rf"(?<![A-Za-z]){escaped}\.?\s?(?=\d)"
        else:
            pattern = rf"(?i:(?<![A-Za-z]){escaped}(?![A-Za-z]))"
        currencies.append(
            _Currency(
                needle=text.lower() if kind == "word" else text,
                is_caseless=kind == "word",
                pattern=re.compile(pattern),
                label=entry.get("label", f"currency {text}"),
                countries=tuple(entry["countries"]),
                weight=float(entry["weight"]),
            )
        )
    places = _read_json("timezones_places.json")
    place_country = {
        name: country for country, names in places.items() if not country.startswith("_") for name in names
    }
    names = sorted(place_country, key=len, reverse=True)
    # No leading look-behind: `re` scans a plain alternation much faster; the boundary is checked in code.
    place_pattern = re.compile("(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    place_weights = data["places"]
    primary = {k: v for k, v in data["primary_zones"].items() if not k.startswith("_")}
    return _EvidenceTables(
        currencies=tuple(currencies),
        place_pattern=place_pattern,
        place_country=place_country,
        language_country=data["languages"]["map"],
        language_weight=float(data["languages"]["weight"]),
        locale_weight=float(data["locales"]["weight"]),
        locale_ignored_languages=frozenset(data["locales"]["ignored_languages"]),
        tld_weight=float(data["tlds"]["weight"]),
        tld_aliases=data["tlds"]["aliases"],
        generic_tlds=frozenset(data["tlds"]["generic"]),
        furniture_place_weight=float(place_weights["furniture_weight"]),
        furniture_place_cap=float(place_weights["furniture_cap"]),
        body_place_weight=float(place_weights["body_weight"]),
        body_place_cap=float(place_weights["body_cap"]),
        primary_zones=primary,
    )


@cache
def _country_zones() -> Mapping[str, tuple[str, ...]]:
    """Zones per country from tzdata's zone.tab (shipped with the tzdata package, no download)."""
    zones: dict[str, list[str]] = {}
    try:
        text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        text = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            zones.setdefault(parts[0], []).append(parts[2])
    return {country: tuple(names) for country, names in zones.items()}


@cache
def zone_named(name: str) -> tzinfo | None:
    """A tzinfo for an IANA name ("Asia/Kolkata") or "UTC"; None when tzdata does not know it."""
    if name.upper() in ("UTC", "ETC/UTC", "Z", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def is_timezone_abbreviation(token: str) -> bool:
    """True for abbreviations the table knows ("IST", "EDT", "CET"); case-sensitive, as pages print them."""
    return token in _abbreviations()


def known_abbreviations() -> frozenset[str]:
    """All abbreviations in the data file (for building parsers)."""
    return frozenset(_abbreviations())


# ---------------------------------------------------------------------------------------------------
# Evidence

_LOCALE_REGION = re.compile(r"^\s*(?P<language>[A-Za-z]{2,3})[-_](?P<region>[A-Za-z]{2})\s*$")


def find_country_evidence(
    body: str = "",
    *,
    furniture: str = "",
    url: str | None = None,
    language: str | None = None,
    locale: str | None = None,
) -> CountryEvidence:
    """Score countries from a page: TLD of its URL, its language, currencies and city names in its text.

    `furniture` is text the cleaner removed (tickers, price boxes, nav): it describes the site itself, so
    its places count more than places in the `body`, which describe the story. `locale` is the language tag
    the page declares ("pt-BR", "fr_CA"), whose region names the country the site writes for.
    """
    tables = _tables()
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}

    def add(country: str, weight: float, reason: str) -> None:
        scores[country] = scores.get(country, 0.0) + weight
        bucket = reasons.setdefault(country, [])
        if reason not in bucket:
            bucket.append(reason)

    tld = _country_tld(url, tables)
    if tld:
        add(tld, tables.tld_weight, f"tld .{url_tld(url)}")
    if language:
        primary = language.split("-")[0].split("_")[0].lower()
        country = tables.language_country.get(primary)
        if country:
            add(country, tables.language_weight, f"language {primary}")
    region = _LOCALE_REGION.match(locale or "")
    if region and region["language"].lower() not in tables.locale_ignored_languages:
        add(region["region"].upper(), tables.locale_weight, f"locale {locale.strip()}")
    # Each currency counts once per page: a price table repeating ₹ fifty times is one signal.
    # A substring test (fast, in C) runs before each currency's regex: absent currencies cost next to nothing.
    page = f"{furniture}\n{body}"
    lowered = page.lower()
    for currency in tables.currencies:
        if currency.needle not in (lowered if currency.is_caseless else page):
            continue
        if currency.pattern.search(page):
            for country in currency.countries:
                add(country, currency.weight, currency.label)
    for text, weight, cap in (
        (furniture, tables.furniture_place_weight, tables.furniture_place_cap),
        (body, tables.body_place_weight, tables.body_place_cap),
    ):
        names_by_country: dict[str, set[str]] = {}
        for match in tables.place_pattern.finditer(text):
            start = match.start()
            if start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
                continue
            name = match.group(0)
            names_by_country.setdefault(tables.place_country[name], set()).add(name)
        for country, names in names_by_country.items():
            add(country, min(cap, weight * len(names)), "place names")
    return CountryEvidence(scores, {c: tuple(r) for c, r in reasons.items()})


def url_tld(url: str | None) -> str | None:
    """The last label of a URL's host ("in" for https://www.livemint.com.in/...), lowercase."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return None
    if not host or "." not in host or not _HOST.fullmatch(host) or host.replace(".", "").isdigit():
        return None
    return host.rsplit(".", 1)[-1].lower()


def _country_tld(url: str | None, tables: _EvidenceTables) -> str | None:
    tld = url_tld(url)
    if not tld or tld in tables.generic_tlds:
        return None
    if tld in tables.tld_aliases:
        return tables.tld_aliases[tld]
    if len(tld) == 2 and tld.isalpha():
        return tld.upper()
    return None


# ---------------------------------------------------------------------------------------------------
# Resolution


def resolve_timezone(
    abbreviation: str,
    evidence: CountryEvidence | str = "",
    hints: Mapping[str, str | None] | None = None,
) -> tuple[tzinfo, str] | None:
    """The zone an abbreviation means on this page, with the evidence used ("IST→Asia/Kolkata (currency ₹)").

    `evidence` is a `CountryEvidence` (built once per page) or raw page text; with raw text, `hints` may
    carry "url", "language" and "furniture". Unknown abbreviations give None; ambiguous ones fall back to
    the documented default of the abbreviation when the page gives no evidence for any of its countries.
    """
    entry = _abbreviations().get(abbreviation.strip().strip("()").upper())
    if entry is None:
        return None
    if isinstance(evidence, str):
        hints = hints or {}
        evidence = find_country_evidence(
            evidence,
            furniture=hints.get("furniture") or "",
            url=hints.get("url"),
            language=hints.get("language"),
        )
    if len(entry.choices) == 1:
        zone = entry.choices[0].zone
        return _zone_or_utc(zone), f"{entry.name}→{zone}"
    countries = [choice.country for choice in entry.choices if choice.country]
    best = evidence.best(countries)
    if best is not None:
        country = best[0]
        zone = next(choice.zone for choice in entry.choices if choice.country == country)
        return _zone_or_utc(zone), f"{entry.name}→{zone} ({evidence.describe(country)})"
    return _zone_or_utc(entry.default), f"{entry.name}→{entry.default} (default: no evidence for a country)"


def infer_zone_from_evidence(evidence: CountryEvidence) -> tuple[tzinfo, str] | None:
    """A zone for times printed with no zone at all, when the page clearly belongs to one-zone country.

    Needs site-level strength (a country TLD, the page's declared language or locale region, or currency plus
    language/places) and a clear margin over any other country, so one city named in a story never moves a
    timestamp.
    """
    best = evidence.best()
    if best is None:
        return None
    country, score = best
    margin = score - evidence.runner_up_score(country)
    # The site's own declaration (its language, when that is spoken in one zone, or its locale's region) is
    # enough when nothing on the page points elsewhere; other signals must add up to a TLD's weight.
    declared_only = margin == score and all(
        reason.startswith(("language ", "locale ")) for reason in evidence.reasons.get(country, ())
    )
    if (score < 3 and not declared_only) or margin < 2:
        return None
    zone = primary_zone(country)
    if zone is None:
        return None
    return _zone_or_utc(zone), f"{zone} from country evidence {country} ({evidence.describe(country)})"


def primary_zone(country: str) -> str | None:
    """The zone of a country whose people nearly all live in one zone; None for US, CA, AU, RU, BR, ..."""
    override = _tables().primary_zones.get(country)
    if override:
        return override
    zones = _country_zones().get(country, ())
    return zones[0] if len(zones) == 1 else None


def _zone_or_utc(name: str) -> tzinfo:
    return zone_named(name) or UTC
