"""Sitemaps: turn urlset, sitemap-index, Google News, gzipped and plain-text sitemaps into page URLs.

Pure functions over bytes (fetching lives elsewhere); also reads the Sitemap lines of a robots.txt.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree
from protego import Protego

from tasks.ingest.feeds import declares_xml_entities

MAX_BYTES = 50_000_000
# The sitemap protocol caps a file at 50,000 URLs; anything beyond is a broken or hostile file.
MAX_ENTRIES = 50_000
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None
    published: str | None
    title: str | None


@dataclass(frozen=True)
class Sitemap:
    pages: list[SitemapEntry]
    children: list[str]
    # The <lastmod> an index gives each child, so a `since` filter can pass over old archives unread.
    child_lastmods: dict[str, str] = field(default_factory=dict)


class SitemapError(ValueError):
    """The bytes are not a sitemap we are willing to read; the message starts with a snake_case reason."""


def parse_sitemap(
    raw: bytes, base_url: str, *, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES
) -> Sitemap:
    """Read sitemap bytes (XML, gzipped XML or one URL per line) into pages and child sitemap URLs."""
    body = _gunzip(raw, max_bytes) if raw[:2] == _GZIP_MAGIC else raw
    if len(body) > max_bytes:
        raise SitemapError(f"too_large: sitemap at {base_url} is {len(body)} bytes, limit is {max_bytes}")
    if declares_xml_entities(body):
        raise SitemapError(
            f"declares_entities: sitemap at {base_url} declares XML entities; refusing to parse"
        )
    text_start = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text_start.startswith(b"<"):
        return Sitemap(pages=_plain_text_pages(body, base_url, max_entries), children=[])
    return _xml_sitemap(body, base_url, max_entries)


def sitemaps_from_robots(robots_text: str, base_url: str) -> list[str]:
    """List the absolute http(s) sitemap URLs a robots.txt declares, first mention first."""
    found: list[str] = []
    for declared in Protego.parse(robots_text).sitemaps:
        url = _absolute(declared, base_url)
        if url and url not in found:
            found.append(url)
    return found


def _gunzip(raw: bytes, max_bytes: int) -> bytes:
    # Asking for one byte past the limit tells "exactly at the limit" from "bomb" without inflating the rest.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as error:
        raise SitemapError(f"bad_gzip: {error}; the server may have sent a truncated file") from error
    if len(body) > max_bytes:
        raise SitemapError(f"too_large: gzipped sitemap inflates past {max_bytes} bytes")
    if not inflater.eof:
        raise SitemapError("bad_gzip: the gzip stream ends early; the server may have sent a truncated file")
    return body


def _xml_sitemap(body: bytes, base_url: str, max_entries: int) -> Sitemap:
    # recover=True keeps going past the unescaped '&' many CMSes emit; entities and network stay off.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=True
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise SitemapError(f"not_xml: {error}") from error
    if root is None:
        raise SitemapError(f"not_xml: nothing readable in the sitemap at {base_url}")
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        children: list[str] = []
        lastmods: dict[str, str] = {}
        for element in _children_named(root, "sitemap"):
            url = _absolute(_child_text(element, "loc"), base_url)
            if url and url not in children and len(children) < max_entries:
                children.append(url)
                lastmod = _child_text(element, "lastmod")
                if lastmod:
                    lastmods[url] = lastmod
        return Sitemap(pages=[], children=children, child_lastmods=lastmods)
    if kind == "urlset":
        return Sitemap(pages=_urlset_pages(root, base_url, max_entries), children=[])
    raise SitemapError(f"not_a_sitemap: root element is <{kind}>, expected <urlset> or <sitemapindex>")


def _urlset_pages(root: etree._Element, base_url: str, max_entries: int) -> list[SitemapEntry]:
    pages: list[SitemapEntry] = []
    seen: set[str] = set()
    for element in _children_named(root, "url"):
        if len(pages) >= max_entries:
            break
        url = _absolute(_child_text(element, "loc"), base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        news = next(_children_named(element, "news"), None)
        pages.append(
            SitemapEntry(
                url=url,
                lastmod=_child_text(element, "lastmod"),
                published=_child_text(news, "publication_date") if news is not None else None,
                title=_child_text(news, "title") if news is not None else None,
            )
        )
    return pages


def _plain_text_pages(body: bytes, base_url: str, max_entries: int) -> list[SitemapEntry]:
    text = body.decode("utf-8", errors="replace")
    pages: list[SitemapEntry] = []
    seen: set[str] = set()
    for line in text.splitlines():
        # Only absolute URLs count here: a stray word would otherwise resolve into a page on base_url.
        if not line.strip().lower().startswith(("http://", "https://")):
            continue
        url = _absolute(line, base_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        pages.append(SitemapEntry(url=url, lastmod=None, published=None, title=None))
        if len(pages) >= max_entries:
            break
    return pages


def _children_named(parent: etree._Element, localname: str) -> Iterator[etree._Element]:
    # Matching on local names accepts both the sitemap namespace and the un-namespaced files in the wild.
    for child in parent:
        if isinstance(child.tag, str) and etree.QName(child).localname == localname:
            yield child


def _child_text(parent: etree._Element, localname: str) -> str | None:
    child = next(_children_named(parent, localname), None)
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


def _absolute(value: str | None, base_url: str) -> str | None:
    if not value or not value.strip():
        return None
    url = urljoin(base_url, value.strip())
    return url if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc else None
