"""Metadata of one article: a single value per field, chosen from the cleaner's candidates, with its evidence.

Owns the choice (trust of where a value was found, precision of a time), author splitting and the time
zone of published/updated times; parsing lives in `dates`, zone knowledge in `timezones`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tasks.clean.text import dateline_candidates
from tasks.extract.dates import ParsedTimestamp, parse_timestamp
from tasks.extract.language import (
    MIN_CONFIDENCE,
    are_same_language,
    classify_language,
    normalize_language_tag,
)
from tasks.extract.timezones import (
    CountryEvidence,
    find_country_evidence,
    infer_zone_from_evidence,
    resolve_timezone,
    zone_named,
)
from tasks.records import Candidate, CleanDocument


@dataclass(frozen=True, slots=True)
class Metadata:
    """The resolved metadata of one article; times are always time-zone aware."""

    title: str | None
    subtitle: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    updated_at: datetime | None
    site: str | None
    canonical_url: str | None
    language: str | None
    image_url: str | None
    image_caption: str | None
    image_credit: str | None
    section: str | None
    tags: tuple[str, ...]
    evidence: dict[str, str] = field(default_factory=dict)  # field -> where its value came from and how


# Trust of a candidate by where the cleaner found it (prefix match, first hit wins). Structured data is
# written for machines and rarely wrong; visible lines come next; the <title> tag carries site suffixes.
_TRUST: tuple[tuple[str, float], ...] = (
    ("json-ld", 6),
    ("meta:", 5),
    ("link-canonical", 5),
    ("og", 5),
    ("html-lang", 5),
    ("itemprop", 5),
    ("twitter", 4),
    ("time-tag", 4),
    ("first-published-line", 4),
    ("published-line", 4),
    ("updated-line", 4),
    ("h1", 4),
    ("byline", 3),
    ("header-line", 3),
    ("dateline", 3),
    ("caption", 3),
    ("figcaption", 3),
    ("title-tag", 2),
    ("url", 1),
)
_DEFAULT_TRUST = 2.0
# A relative time ("2 hours ago") is only as good as the fetch time it is read against.
_RELATIVE_PENALTY = 2.0
# Times this far after the fetch cannot be publication times; they are misreadings.
_FUTURE_TOLERANCE = timedelta(days=2)
_EARLIEST_YEAR = 1990
# When the declared language and the detector disagree, the detector wins only if it is this sure.
_OVERRIDE_CONFIDENCE = 0.95
_OVERRIDE_MIN_CHARACTERS = 400

_AUTHOR_DATA = json.loads((Path(__file__).parent / "metadata_authors.json").read_text(encoding="utf-8"))
_ROLES = tuple(sorted((r.lower() for r in _AUTHOR_DATA["roles"]), key=len, reverse=True))
_PLACEHOLDERS = frozenset(p.lower() for p in _AUTHOR_DATA["placeholders"])
_AGENCIES = {a.lower(): a for a in _AUTHOR_DATA["agencies"]}
_ROLE_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(r) for r in _ROLES) + r")\b[\s:,-]*", re.IGNORECASE)
_BEATS = tuple(sorted((b.lower() for b in _AUTHOR_DATA["beats"]), key=len, reverse=True))
# A role may follow a beat ("Environment correspondent"): the beat goes with it.
_ROLE_SUFFIX = re.compile(
    r"[\s,-]*\b(?:(?:" + "|".join(re.escape(b) for b in _BEATS) + r")\s+)?"
    r"(?:" + "|".join(re.escape(r) for r in _ROLES) + r")$",
    re.IGNORECASE,
)
# "By" and its equivalents in the languages of the pages we read (de von, fr par, es/pt por, nl door,
# pl przez/autor), with or without a colon.
_BY = re.compile(
    r"^\s*(?:(?:written|reported|posted|compiled|edited|story|text|words|interview|report|analysis)\s+)?"
    r"(?:by|von|par|por|door|przez|autor|autorin|author|(?-i:di))\b[\s:]*",
    re.IGNORECASE,
)
_HTML_TAG = re.compile(r"<[^>]*>")
# A name printed on the page: letters, dots, apostrophes and hyphens only.
_NAME_CHARACTERS = re.compile(r"[^\W\d_][\w.'’-]*(?: [\w.'’-]+)*")
_STRUCTURED_EVIDENCE = ("json-ld", "meta:", "og", "itemprop", "twitter")
_AUTHOR_SEPARATORS = re.compile(
    r"\s*(?:[,;|/•·\n()]|&|\band\b|\bwith\b|\bund\b|\bet\b|\scom\s)\s*", re.IGNORECASE
)
# "and" in es/it/pt/nl/pl is also a name particle (José Ortega y Gasset): it joins two names only when each
# side has two words or more ("Carmen Ruiz y Javier Ortega").
_SHORT_AND = re.compile(r"\s+(?:y|e|en|i)\s+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•»]\s+")
_SPACE = re.compile(r"\s+")
_LOCALE_TAG = re.compile(r"^\s*[A-Za-z]{2,3}[-_][A-Za-z]{2}\s*$")


def resolve_metadata(doc: CleanDocument, default_timezone: str = "UTC") -> Metadata:
    """Choose one value per field from `doc.candidates`; times come out aware, in the zone the page meant.

    Zones of abbreviations ("IST") and of zone-less times come from page evidence (currency, TLD, language,
    places); `default_timezone` is used only when the page gives none.
    """
    evidence: dict[str, str] = {}
    by_field: dict[str, list[tuple[float, int, Candidate]]] = {}
    for order, candidate in enumerate((*doc.candidates, *_unread_datelines(doc), *_url_dates(doc))):
        if candidate.value and candidate.value.strip():
            by_field.setdefault(candidate.field, []).append((_trust(candidate.evidence), order, candidate))
    for ranked in by_field.values():
        ranked.sort(key=lambda item: (-item[0], item[1]))

    def ranked(name: str) -> list[Candidate]:
        return [candidate for _, _, candidate in by_field.get(name, [])]

    canonical_url = _first_url(ranked("canonical_url"), doc.url, evidence, "canonical_url")
    site = _resolve_site(ranked("site_name"), canonical_url or doc.url, evidence)
    title = _resolve_title(ranked("title"), site, evidence)
    subtitle = _first_text(ranked("subtitle"), evidence, "subtitle")
    authors = _resolve_authors(by_field.get("author", []), site, evidence)
    language = _resolve_language(ranked("language"), doc.text, evidence)
    furniture = "\n".join(segment.text for segment in doc.removed)
    locale = next((c.value for c in ranked("language") if _LOCALE_TAG.match(c.value)), None)
    country_evidence = find_country_evidence(
        doc.text, furniture=furniture, url=canonical_url or doc.url, language=language, locale=locale
    )
    published_at, updated_at = _resolve_times(
        ranked("published"), ranked("updated"), doc.fetched_at, country_evidence, default_timezone, evidence
    )
    image_url = _first_url(ranked("image_url"), canonical_url or doc.url, evidence, "image_url")
    image_caption = _first_text(ranked("image_caption"), evidence, "image_caption")
    image_credit = _resolve_credit(ranked("image_credit"), ranked("image_caption"), evidence)
    section = _first_text(ranked("section"), evidence, "section")
    tags = _resolve_tags(ranked("tag"), evidence)
    return Metadata(
        title=title,
        subtitle=subtitle,
        authors=authors,
        published_at=published_at,
        updated_at=updated_at,
        site=site,
        canonical_url=canonical_url,
        language=language,
        image_url=image_url,
        image_caption=image_caption,
        image_credit=image_credit,
        section=section,
        tags=tags,
        evidence=evidence,
    )


def _trust(evidence: str) -> float:
    lowered = evidence.lower()
    for prefix, trust in _TRUST:
        if lowered.startswith(prefix):
            return trust
    return _DEFAULT_TRUST


def _clean(value: str) -> str:
    return _SPACE.sub(" ", value).strip()


def _first_text(candidates: list[Candidate], evidence: dict[str, str], name: str) -> str | None:
    for candidate in candidates:
        value = _clean(candidate.value)
        if value:
            evidence[name] = candidate.evidence
            return value
    return None


# Evidence of the candidates a cleaner reads from visible byline and dateline lines.
_LINE_EVIDENCE = frozenset({"byline", "dateline", "first-published-line", "published-line", "updated-line"})
_LINE_REASONS = frozenset({"byline", "dateline"})
# A date in the URL's path: /2024/08/17/, /2024-08-17/, /2024/may/09/.
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[/-]"
    r"(0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)",
    re.IGNORECASE,
)
_URL_MONTHS = {
    name: index
    for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}


def _unread_datelines(doc: CleanDocument) -> list[Candidate]:
    """Published/updated candidates of the byline and dateline lines the cleaner dropped without reading.

    The plain-text cleaner reads its datelines itself; the HTML cleaner drops "By Jane Doe | Updated 28 Oct
    2024, 05:55 PM IST" or "Stand: 12.03.2024, 14:05 Uhr" as a byline and keeps only the names. When no
    candidate came from such a line, the dropped lines are read here, in page order."""
    if any(c.field in ("published", "updated") and c.evidence in _LINE_EVIDENCE for c in doc.candidates):
        return []
    found: list[Candidate] = []
    for segment in doc.removed:
        if segment.reason in _LINE_REASONS:
            found.extend(dateline_candidates(segment.text))
    return found


def _url_dates(doc: CleanDocument) -> list[Candidate]:
    """The day in the page's URL, the least trusted published candidate (a date, never a time)."""
    urls = [doc.url or ""] + [c.value for c in doc.candidates if c.field == "canonical_url"]
    for url in urls:
        try:
            path = urlsplit(url).path
        except ValueError:
            continue
        match = _URL_DATE.search(path)
        if match is None:
            continue
        year, month, day = match.groups()
        number = int(month) if month.isdigit() else _URL_MONTHS[month.lower()]
        return [Candidate("published", f"{int(year):04d}-{number:02d}-{int(day):02d}", "url")]
    return []


# ---------------------------------------------------------------------------------------------------
# URLs, site, title, tags


def _first_url(
    candidates: list[Candidate], base: str | None, evidence: dict[str, str], name: str
) -> str | None:
    for candidate in candidates:
        value = candidate.value.strip()
        if not value or value.startswith(("data:", "javascript:", "#")):
            continue
        if value.startswith("//"):
            value = "https:" + value
        elif not value.lower().startswith(("http://", "https://")):
            if not base or not base.lower().startswith(("http://", "https://")):
                continue
            value = urljoin(base, value)
        try:
            if not urlsplit(value).hostname:
                continue
        except ValueError:
            continue
        evidence[name] = candidate.evidence
        return value
    return None


def host_of(url: str | None) -> str | None:
    """The host of a URL without 'www.' ('https://www.livemint.com/x' -> 'livemint.com')."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _resolve_site(candidates: list[Candidate], url: str | None, evidence: dict[str, str]) -> str | None:
    for candidate in candidates:
        value = _clean(candidate.value)
        if not value:
            continue
        if " " not in value and ("." in value or _URL.match(value)):
            host = host_of(value)  # "www.livemint.com" given as a site name
            if host:
                evidence["site"] = f"{candidate.evidence} (host)"
                return host
            continue
        evidence["site"] = candidate.evidence
        return value
    host = host_of(url)
    if host:
        evidence["site"] = "host of URL"
    return host


def _resolve_title(candidates: list[Candidate], site: str | None, evidence: dict[str, str]) -> str | None:
    for candidate in candidates:
        value = _strip_site_suffix(_clean(candidate.value), site)
        if value:
            evidence["title"] = candidate.evidence
            return value
    return None


def _strip_site_suffix(title: str, site: str | None) -> str:
    """'Headline | Live Mint' -> 'Headline' when the last part names the site."""
    if not site or not title:
        return title
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    site_key = re.sub(
        r"\W", "", site.lower().split(".")[0] if "." in site and " " not in site else site.lower()
    )
    for index in (len(parts) - 1, 0):
        key = re.sub(r"\W", "", parts[index].lower())
        if key and site_key and (key == site_key or key.startswith(site_key) or site_key.startswith(key)):
            rest = parts[:index] + parts[index + 1 :]
            separator = _TITLE_SEPARATOR.search(title)
            joiner = separator.group(0) if separator else " - "
            return joiner.join(rest).strip()
    return title


def _resolve_tags(candidates: list[Candidate], evidence: dict[str, str]) -> tuple[str, ...]:
    tags: list[str] = []
    seen: set[str] = set()
    sources: list[str] = []
    for candidate in candidates:
        # Keyword meta tags list several tags in one value; a single tag never contains a comma.
        for piece in candidate.value.split(","):
            tag = _clean(piece)
            if not tag or len(tag) > 80 or tag.casefold() in seen:
                continue
            seen.add(tag.casefold())
            tags.append(tag)
            if candidate.evidence not in sources:
                sources.append(candidate.evidence)
    if tags:
        evidence["tags"] = ", ".join(sources)
    return tuple(tags)


# ---------------------------------------------------------------------------------------------------
# Authors


def split_authors(value: str, *, strict: bool = False) -> list[str]:
    """Names in one byline: 'By Jane Doe and John Roe, Staff Writers' -> ['Jane Doe', 'John Roe'].

    Drops 'By', roles, e-mails, handles, HTML and placeholders ('Staff', 'Web Desk'); keeps an agency byline
    ('Reuters') as the author; re-cases ALL-CAPS names; de-duplicates case-insensitively, in order.
    `strict` is for text seen on the page (a byline line may carry dates, counts, tags): only parts that look
    like a name are kept, and a one-word name only when it is the byline's sole part.
    """
    if not value or _URL.match(value.strip()):
        return []
    text = _HANDLE.sub(" ", _EMAIL.sub(" ", _HTML_TAG.sub(" ", value)))
    parts = [
        piece
        for part in _AUTHOR_SEPARATORS.split(_BY.sub("", text))
        if part.strip()
        for piece in _split_short_and(part.strip())
    ]
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = _clean_author(part)
        if name is None or (strict and not _looks_like_name(name, is_alone=len(parts) == 1)):
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def _split_short_and(part: str) -> list[str]:
    pieces = _SHORT_AND.split(part)
    if len(pieces) > 1 and all(len(piece.split()) >= 2 for piece in pieces):
        return pieces
    return [part]


# Lower-case words that may sit inside a name (Ursula von der Leyen, Luiz Inácio Lula da Silva).
_NAME_PARTICLES = frozenset(
    [
        "von",
        "van",
        "der",
        "den",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "la",
        "le",
        "bin",
        "al",
        "el",
        "y",
        "e",
        "zu",
        "ten",
        "ter",
        "dos",
        "das",
        "do",
    ]
)


def _looks_like_name(name: str, is_alone: bool) -> bool:
    if name in _AGENCIES.values():
        return True
    if not _NAME_CHARACTERS.fullmatch(name):
        return False
    words = name.split()
    if len(words) == 1 and not is_alone:
        return False  # "Mac" between "·" separators of a byline line is a category, not a person
    return all(word[0].isupper() or word in _NAME_PARTICLES for word in words)


def _clean_author(part: str) -> str | None:
    name = _BY.sub("", _clean(part)).strip(" .:-–—\"'“”")
    if not name or name.lower() in _PLACEHOLDERS:
        return None
    if name.lower() in _AGENCIES:
        return _AGENCIES[name.lower()]
    if name.lower() in _ROLES:
        return None
    stripped = _ROLE_SUFFIX.sub("", _ROLE_PREFIX.sub("", name)).strip(" .,:-")
    if not stripped or stripped.lower() in _PLACEHOLDERS or stripped.lower() in _ROLES:
        return None
    # A role is dropped only when a full name remains: "HT Correspondent" (a masthead plus a role) and
    # "Rasender Reporter" (a pen name) are the byline's only name and stay whole.
    if " " in stripped or stripped == name:
        name = stripped
    if any(ch.isdigit() for ch in name) or len(name) > 60 or len(name.split()) > 5 or _URL.match(name):
        return None  # a date, a sentence or a link, not a name
    words = name.split()
    if len(words) % 2 == 0 and words[: len(words) // 2] == words[len(words) // 2 :]:
        name = " ".join(words[: len(words) // 2])  # "EFE EFE": a byline printed twice
    if name.lower() in _AGENCIES:
        return _AGENCIES[name.lower()]
    if name.isupper() and (len(name) > 4 or " " in name):
        name = " ".join(word.capitalize() for word in name.split())
    return name


def _resolve_authors(
    ranked: list[tuple[float, int, Candidate]], site: str | None, evidence: dict[str, str]
) -> tuple[str, ...]:
    # The cleaner may emit one candidate per author: authors of the most trusted source that names anyone
    # are combined; sources are not mixed (a meta tag may name the publisher where the byline names people).
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for _, _, candidate in ranked:
        is_structured = candidate.evidence.lower().startswith(_STRUCTURED_EVIDENCE)
        names = split_authors(candidate.value, strict=not is_structured)
        if not names:
            continue
        if candidate.evidence not in groups:
            groups[candidate.evidence] = []
            order.append(candidate.evidence)
        groups[candidate.evidence].extend(names)
    for source in order:
        names = _deduplicate(groups[source])
        if site and len(names) > 1:
            names = [n for n in names if n.casefold() != site.casefold()] or names
        if names:
            evidence["authors"] = source
            return tuple(names)
    return ()


def _deduplicate(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique


# A credit line's label, which says nothing of who made the picture: "Photo:", "(AP Photo/...)" keeps "AP".
_CREDIT_LABEL = re.compile(
    r"^(?:(?:photo(?:graph)?s?|pictures?|image|credit|foto|bild|fotos?|source|quelle|crédits?|cr[ée]dito)"
    r"(?:\s+(?:credit|by|von|par|de))?\s*[:|-]\s*|©\s*|\(c\)\s*"
    # "Photo Antoine Leclerc", "foto Stefano Ricci": the label without a colon, a name after it.
    r"|(?:photo|foto|bild|beeld)\s+(?=(?-i:[A-ZÀ-Þ])))",
    re.IGNORECASE,
)
# A credit at the end of a caption: "Divers at work. Photograph: Ben Whitlock", "(foto Stefano Ricci)".
_CAPTION_CREDIT = re.compile(
    r"(?:^|[.!?]\s+|\s[|–—-]\s|\()(?:photo(?:graph)?|picture|image|foto|beeld|bild|crédit photo|credit)s?"
    r"(?:\s*[:]\s*|\s+(?=(?-i:[A-ZÀ-Þ])))(?P<credit>[^:|()]{2,80}?)\)?\s*$",
    re.IGNORECASE,
)


# A site's own footer marked "copyright" is not a picture credit: "© 2006-2018 ... powered by WordPress".
_SITE_FOOTER = re.compile(
    r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b|\b(?:powered|hosted|designed)\s+by\b|\btheme\s+by\b"
    r"|\ball\s+rights\s+reserved\b|\bwordpress\b",
    re.IGNORECASE,
)
_MAX_CREDIT_WORDS = 12


def _resolve_credit(
    candidates: list[Candidate], captions: list[Candidate], evidence: dict[str, str]
) -> str | None:
    """Who the lead image is credited to, as printed, without brackets or a "Photo:" label.

    Without a credit candidate, a caption's closing "Photograph: ..." or "(foto ...)" is the credit."""
    if not candidates:
        for caption in captions:
            match = _CAPTION_CREDIT.search(_clean(caption.value))
            if match:
                candidates = [
                    Candidate("image_credit", match.group("credit"), f"{caption.evidence} (caption end)")
                ]
                break
    for candidate in candidates:
        value = _clean(candidate.value).strip("()[] ")
        value = _CREDIT_LABEL.sub("", value, count=1).strip(" ()[]")
        if value and len(value.split()) <= _MAX_CREDIT_WORDS and not _SITE_FOOTER.search(value):
            evidence["image_credit"] = candidate.evidence
            return value
    return None


# ---------------------------------------------------------------------------------------------------
# Language


def _resolve_language(candidates: list[Candidate], text: str, evidence: dict[str, str]) -> str | None:
    declared, source = None, None
    for candidate in candidates:
        declared = normalize_language_tag(candidate.value)
        if declared:
            source = candidate.evidence
            break
    detected = classify_language(text)
    if declared:
        if detected is None or detected[1] < MIN_CONFIDENCE or are_same_language(declared, detected[0]):
            agreement = f", detected {detected[0]}" if detected and detected[1] >= MIN_CONFIDENCE else ""
            evidence["language"] = f"{source} (declared{agreement})"
            return declared
        if detected[1] >= _OVERRIDE_CONFIDENCE and len(text) >= _OVERRIDE_MIN_CHARACTERS:
            evidence["language"] = (
                f"detected by py3langid ({detected[1]:.2f}); declared {declared} by {source} disagrees"
            )
            return detected[0]
        evidence["language"] = f"{source} (declared; detector unsure: {detected[0]} {detected[1]:.2f})"
        return declared
    if detected and detected[1] >= MIN_CONFIDENCE:
        evidence["language"] = f"detected by py3langid ({detected[1]:.2f})"
        return detected[0]
    return None


# ---------------------------------------------------------------------------------------------------
# Times


@dataclass(frozen=True, slots=True)
class _Time:
    value: datetime  # aware
    has_time: bool
    trust: float
    order: int
    evidence: str


def _resolve_times(
    published: list[Candidate],
    updated: list[Candidate],
    fetched_at: datetime,
    country_evidence: CountryEvidence,
    default_timezone: str,
    evidence: dict[str, str],
) -> tuple[datetime | None, datetime | None]:
    best_country = country_evidence.best()
    day_first = not (best_country and best_country[0] == "US")  # "03/04/2024" is March 4 in the US
    parsed = {
        name: [
            (c, p)
            for c in candidates
            if (p := parse_timestamp(_english_date(c.value), fetched_at=fetched_at, day_first=day_first))
        ]
        for name, candidates in (("published", published), ("updated", updated))
    }
    # The page's own zone: from the most trusted abbreviation or non-UTC offset printed on it.
    page_zone: tuple[tzinfo, str] | None = None
    for candidate, item in sorted(
        parsed["published"] + parsed["updated"], key=lambda pair: -_trust(pair[0].evidence)
    ):
        if item.zone_abbreviation:
            page_zone = resolve_timezone(item.zone_abbreviation, country_evidence)
        elif item.value.tzinfo is not None and item.value.utcoffset() != timedelta(0) and not item.relative:
            page_zone = (
                item.value.tzinfo,
                f"offset {_format_offset(item.value)} printed in {candidate.evidence}",
            )
        if page_zone:
            break
    fallback = page_zone or infer_zone_from_evidence(country_evidence)
    if fallback is None:
        zone = zone_named(default_timezone) or UTC
        fallback = (zone, f"default {default_timezone}")
    fetched = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)
    chosen: dict[str, _Time | None] = {}
    for name in ("published", "updated"):
        times = []
        for order, (candidate, item) in enumerate(parsed[name]):
            resolved = _make_aware(candidate, item, country_evidence, fallback, order)
            if _is_plausible(resolved.value, fetched):
                times.append(resolved)
        chosen[name] = _choose_time(times)
    published_time, updated_time = chosen["published"], chosen["updated"]
    if published_time:
        evidence["published_at"] = published_time.evidence
    if updated_time:
        if published_time and updated_time.value < published_time.value:
            evidence["updated_at"] = f"ignored: {updated_time.evidence} is earlier than published"
            updated_time = None
        else:
            evidence["updated_at"] = updated_time.evidence
    return (
        published_time.value if published_time else None,
        updated_time.value if updated_time else None,
    )


_DATE_DATA = json.loads((Path(__file__).parent / "metadata_dates.json").read_text(encoding="utf-8"))
_FOREIGN_MONTHS = {
    name.casefold(): number for table in _DATE_DATA["months"].values() for name, number in table.items()
}
_ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September")
_ENGLISH_MONTHS += ("October", "November", "December")
# "5 mars 2024", "15 de março de 2024", "12 czerwca 2024 r.": a month between a day and a year.
_FOREIGN_DATE = re.compile(
    r"\b(?P<day>[0-3]?\d)\.?\s+(?:de\s+)?(?P<month>"
    + "|".join(re.escape(name) for name in sorted(_FOREIGN_MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(?:de\s+)?(?P<year>(?:19|20)\d\d)\b(?:\s*r\.)?",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(
    r"(?<=\d)(?P<gap>,?\s+)(?:"
    + "|".join(re.escape(word) for word in sorted(_DATE_DATA["connectors"], key=len, reverse=True))
    + r")\s+(?=\d)",
    re.IGNORECASE,
)


def _english_date(value: str) -> str:
    """A day-month-year date in another language, rewritten for parse_timestamp: '7 febbraio 2024 alle
    16:20' -> '7 February 2024 16:20'. Anything else is returned unchanged."""
    rewritten = _FOREIGN_DATE.sub(
        lambda m: f"{m['day']} {_ENGLISH_MONTHS[_FOREIGN_MONTHS[m['month'].casefold()] - 1]} {m['year']}",
        value,
    )
    return _CONNECTOR.sub(lambda m: m["gap"], rewritten)


def _make_aware(
    candidate: Candidate,
    item: ParsedTimestamp,
    country_evidence: CountryEvidence,
    fallback: tuple[tzinfo, str],
    order: int,
) -> _Time:
    trust = _trust(candidate.evidence) - (_RELATIVE_PENALTY if item.relative else 0)
    value = item.value
    if value.tzinfo is not None:
        note = "UTC" if value.utcoffset() == timedelta(0) else f"offset {_format_offset(value)}"
    else:
        if item.zone_abbreviation:
            resolved = resolve_timezone(item.zone_abbreviation, country_evidence)
            zone, how = resolved if resolved else fallback
            note = f"tz {how}"
        else:
            zone, how = fallback
            note = f"no zone printed; {how}"
        value = value.replace(tzinfo=zone)
        if not item.has_time:
            note = f"date only, midnight; {note}"
    if item.relative:
        note = f"relative '{item.relative}' to fetch time; {note}"
    return _Time(value, item.has_time, trust, order, f"{candidate.evidence}; {note}")


def _choose_time(times: list[_Time]) -> _Time | None:
    """Most trusted first; a date alone gives way to a precise time of the same day from another source."""
    if not times:
        return None
    ranked = sorted(times, key=lambda t: (-t.trust, t.order))
    best = ranked[0]
    if not best.has_time:
        for other in ranked[1:]:
            if other.has_time and other.value.date() == best.value.date():
                return other
    return best


def _is_plausible(value: datetime, fetched: datetime) -> bool:
    if value.year < _EARLIEST_YEAR:
        return False
    # Only a real fetch time can rule out the future (tests and re-runs may carry a placeholder).
    return not (fetched.year >= 2000 and value > fetched + _FUTURE_TOLERANCE)


def _format_offset(value: datetime) -> str:
    offset = value.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
