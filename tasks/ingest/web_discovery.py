"""Web sources into items: a page, a feed, a sitemap (index), or a bare site whose robots.txt lists sitemaps.

Feed and sitemap metadata (title, date, author) travels with each item as hints for extract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tasks.ingest.feeds import FeedError, looks_like_feed, parse_feed
from tasks.ingest.sitemaps import SitemapError, parse_sitemap, sitemaps_from_robots
from tasks.ingest.urls import canonicalize_url
from tasks.ingest.web import Fetcher
from tasks.records import Reject, SourceItem

# Sitemap files followed per source at most: an index of indexes must not become a crawl of the whole site.
MAX_SITEMAPS = 200
_SITEMAP_MARKERS = (b"<urlset", b"<sitemapindex")


@dataclass(slots=True)
class WebPlan:
    """Pages to fetch (with their feed/sitemap hints) and what failed while finding them."""

    items: list[SourceItem] = field(default_factory=list)
    hints: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)


def _is_bare_site(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _looks_like_sitemap(body: bytes) -> bool:
    # Checked before feeds: a sitemap served as application/xml would pass a content-type feed test.
    head = body[:2048].lstrip()
    return body[:2] == b"\x1f\x8b" or any(marker in head for marker in _SITEMAP_MARKERS)


def discover_web(sources: list[str], fetcher: Fetcher) -> WebPlan:
    """Expand web sources into page items, following feeds, sitemap indexes and robots.txt sitemaps."""
    plan = WebPlan()
    seen: set[str] = set()

    def add_page(source: str, url: str, hints: tuple[tuple[str, str], ...]) -> None:
        try:
            canonical = canonicalize_url(url)
        except ValueError:
            plan.rejects.append(Reject(url, "ingest", "bad_url", f"{url} is not a usable URL"))
            return
        if canonical in seen:
            return
        seen.add(canonical)
        plan.items.append(SourceItem(source=source, location=canonical, kind="url"))
        if hints:
            plan.hints[canonical] = hints

    for source in sources:
        queue = [source]
        if _is_bare_site(source):
            robots = fetcher.fetch_resource(source.rstrip("/") + "/robots.txt", source=source)
            listed = (
                []
                if isinstance(robots, Reject)
                else sitemaps_from_robots(robots[0].decode("utf-8", "replace"), source)
            )
            if not listed:
                plan.rejects.append(
                    Reject(
                        source,
                        "ingest",
                        "no_sitemap",
                        f"{source} is a site, and its robots.txt lists no sitemap to read",
                    )
                )
                continue
            queue = listed
        followed = 0
        while queue and followed < MAX_SITEMAPS:
            url = queue.pop(0)
            followed += 1
            fetched = fetcher.fetch_resource(url, source=source)
            if isinstance(fetched, Reject):
                plan.rejects.append(fetched)
                continue
            body, mime, final_url = fetched
            if _looks_like_sitemap(body):
                try:
                    sitemap = parse_sitemap(body, final_url)
                except SitemapError as error:
                    plan.rejects.append(Reject(url, "ingest", "bad_sitemap", str(error)))
                    continue
                queue.extend(sitemap.children)
                for page in sitemap.pages:
                    hints = tuple(
                        (name, value)
                        for name, value in (
                            ("title", page.title),
                            ("published", page.published or page.lastmod),
                        )
                        if value
                    )
                    add_page(source, page.url, hints)
            elif looks_like_feed(body, mime):
                try:
                    entries = parse_feed(body, final_url)
                except FeedError as error:
                    plan.rejects.append(Reject(url, "ingest", "bad_feed", str(error)))
                    continue
                for entry in entries:
                    hints = tuple(
                        (name, value)
                        for name, value in (
                            ("title", entry.title),
                            ("published", entry.published),
                            ("author", entry.author),
                        )
                        if value
                    )
                    add_page(source, entry.url, hints)
            else:
                add_page(source, final_url if url == source else url, ())
    return plan
