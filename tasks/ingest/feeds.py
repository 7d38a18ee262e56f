"""RSS and Atom feeds: turn fetched feed bytes into the article links, titles, dates and authors they list.

Pure functions over bytes (fetching lives elsewhere); refuses entity-declaring documents before parsing.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from selectolax.lexbor import LexborHTMLParser

MAX_ENTRIES = 10_000

# `<!ENTITY` is how billion-laughs and external-entity (XXE) documents start; legitimate feeds never need it.
# Whitespace after `<!` is tolerated because lenient parsers accept it even though XML does not.
_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!\s*DOCTYPE", re.IGNORECASE)
_FEED_CONTENT_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+xml",
        "application/xml",
        "text/xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:rdf|channel)[\s>/]", re.IGNORECASE)
_HTML_ROOT = re.compile(rb"<(!doctype\s+html|html)[\s>]", re.IGNORECASE)
_SNIFF_BYTES = 4096
# <link rel="alternate" type="..."> types that announce a feed in a page's head (RSS autodiscovery).
_FEED_LINK_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None
    published: str | None
    author: str | None


class FeedError(ValueError):
    """The bytes are not a feed we are willing to read; the message says why."""


def declares_xml_entities(raw: bytes) -> bool:
    """True when a DOCTYPE is present and an entity is declared, so the document must not be parsed."""
    # Dropping NUL bytes turns UTF-16/UTF-32 markup into ASCII, so a re-encoded attack is still seen.
    flat = raw.replace(b"\x00", b"") if b"\x00" in raw else raw
    doctype = _DOCTYPE.search(flat)
    # Entities can only be declared inside a DOCTYPE, so one after it is the only kind that matters;
    # a CDATA tutorial mentioning <!ENTITY with a DOCTYPE before it is refused too, which we accept.
    return doctype is not None and _ENTITY_DECLARATION.search(flat, doctype.start()) is not None


def looks_like_feed(raw: bytes, content_type: str | None) -> bool:
    """Guess whether bytes are RSS/Atom from their first bytes, falling back to the declared content type."""
    head = raw[:_SNIFF_BYTES].replace(b"\x00", b"")
    feed_root = _FEED_ROOT.search(head)
    html_root = _HTML_ROOT.search(head)
    if feed_root and (html_root is None or feed_root.start() < html_root.start()):
        return True
    if html_root:
        # Servers label error pages with the feed's content type; the body is the better witness.
        return False
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in _FEED_CONTENT_TYPES


def parse_feed(raw: bytes, base_url: str, *, max_entries: int = MAX_ENTRIES) -> list[FeedEntry]:
    """Read RSS 0.9x/1.0/2.0 or Atom bytes into entries with absolute http(s) links, in feed order."""
    if declares_xml_entities(raw):
        raise FeedError("feed declares XML entities in its DOCTYPE; refusing to parse (billion laughs / XXE)")
    # Bytes, never str: feedparser treats a str as a URL or file name and would fetch it.
    parsed = feedparser.parse(raw, response_headers={"content-location": base_url})
    feed_title = (parsed.feed.get("title") or "").strip()
    if not parsed.entries and (parsed.bozo or not parsed.version) and not feed_title:
        reason = parsed.get("bozo_exception") or "no rss, rdf or atom root element"
        raise FeedError(
            f"not a feed at {base_url} (parser said: {reason}); check that the URL serves RSS/Atom"
        )
    if not parsed.version and not parsed.entries:
        raise FeedError(f"not a feed at {base_url}: no rss, rdf or atom root element")
    feed_author = _author_name(parsed.feed)
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in parsed.entries:
        if len(entries) >= max_entries:
            break
        url = _entry_url(item, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        entries.append(
            FeedEntry(
                url=url,
                title=_clean(item.get("title")),
                published=_published(item),
                author=_author_name(item) or feed_author,
            )
        )
    return entries


def _entry_url(item: Any, base_url: str) -> str | None:
    link = item.get("link")
    if not link and item.get("guidislink"):
        link = item.get("id")
    if not link:
        # Atom may list only rel="alternate"-less links; take the first that is not an enclosure.
        for candidate in item.get("links", []):
            if candidate.get("rel", "alternate") != "enclosure" and candidate.get("href"):
                link = candidate["href"]
                break
    if not link:
        return None
    url = urljoin(base_url, link.strip())
    # javascript:, mailto: and data: links are not pages to fetch.
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url


def _published(item: Any) -> str | None:
    for key in ("published", "updated", "created"):
        # dict.get skips FeedParserDict's deprecated updated->published aliasing and its warning.
        parsed_time = dict.get(item, f"{key}_parsed")
        if parsed_time:
            # feedparser normalises every date format it knows to a UTC struct_time.
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed_time)
    for key in ("published", "updated", "created"):
        raw_text = _clean(dict.get(item, key))
        if raw_text:
            # Unparseable dates are kept verbatim so a later date step can try harder.
            return raw_text
    return None


def _author_name(node: Any) -> str | None:
    detail = node.get("author_detail") or {}
    return _clean(detail.get("name")) or _clean(node.get("author"))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def feed_links(html: str, base_url: str) -> list[str]:
    """The feeds a page announces with <link rel="alternate" type="application/rss+xml" href="...">."""
    found: list[str] = []
    for node in LexborHTMLParser(html).css("link"):
        attributes = node.attributes
        rel = (attributes.get("rel") or "").lower().split()
        kind = (attributes.get("type") or "").strip().lower()
        href = (attributes.get("href") or "").strip()
        if "alternate" not in rel or kind not in _FEED_LINK_TYPES or not href:
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found
