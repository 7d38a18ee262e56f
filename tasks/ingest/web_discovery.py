"""Web sources into pages to fetch: a page, a feed, a sitemap (index), or a bare site (robots.txt sitemaps,
else the feeds its home page announces), incremental against what the warehouse remembers.

Feeds and sitemaps are asked again with conditional GETs; pages already stored are not fetched again unless
the run refreshes them. Feed and sitemap metadata (title, date, author) travels with each page as hints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from tasks.ingest.feeds import FeedError, feed_links, looks_like_feed, parse_feed
from tasks.ingest.filters import parse_listed_date
from tasks.ingest.sitemaps import SitemapError, parse_sitemap
from tasks.ingest.sources import Source
from tasks.ingest.urls import canonicalize_url
from tasks.ingest.web import PAGE_ACCEPT, Fetcher, Resource, Unchanged
from tasks.records import RawDocument, Reject, SourceItem, UrlState, UrlVisit

# Sitemap and feed files followed per source at most: an index of indexes must not become a whole-site crawl.
MAX_LISTINGS = 200
# A page that failed this many runs in a row is left alone until a run refreshes it (`--refresh`).
MAX_ATTEMPTS = 3
_SITEMAP_MARKERS = (b"<urlset", b"<sitemapindex")


class WebMemory(Protocol):
    """What earlier runs learnt of the web (the warehouse's `web_urls`), looked up while discovering."""

    def states(self, urls: Sequence[str]) -> dict[str, UrlState]: ...

    def listed_by(self, via: Sequence[str]) -> list[UrlState]: ...


class NoMemory:
    """A first run, or a run that could not read the warehouse: everything is new."""

    def states(self, urls: Sequence[str]) -> dict[str, UrlState]:
        return {}

    def listed_by(self, via: Sequence[str]) -> list[UrlState]:
        return []


@dataclass(slots=True)
class WebPlan:
    """Pages to fetch, what feeds and sitemaps said (remembered before fetching), and what was passed by."""

    items: list[SourceItem] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    visits: list[UrlVisit] = field(default_factory=list)
    # Pages fetched while finding out whether a source URL was a feed, a sitemap or a page: not fetched twice.
    prefetched: dict[str, RawDocument] = field(default_factory=dict)
    # Pages not fetched, by why: already_fetched, filtered, over_limit, gave_up.
    passed_by: Counter = field(default_factory=Counter)
    # Feeds and sitemaps read (fetched) or answered 304 (unchanged).
    listings: Counter = field(default_factory=Counter)


def _is_bare_site(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _looks_like_sitemap(body: bytes) -> bool:
    # Checked before feeds: a sitemap served as application/xml would pass a content-type feed test.
    head = body[:2048].lstrip()
    return body[:2] == b"\x1f\x8b" or any(marker in head for marker in _SITEMAP_MARKERS)


def _hints(**values: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in values.items() if value)


class _SourceWalk:
    """Discovery of one source: a queue of feeds and sitemaps, the pages they list, the source's limit."""

    def __init__(
        self,
        source: Source,
        fetcher: Fetcher,
        memory: WebMemory,
        plan: WebPlan,
        seen: set[str],
        refresh: bool,
    ) -> None:
        self.source = source
        self.fetcher = fetcher
        self.memory = memory
        self.plan = plan
        self.seen = seen
        self.refresh = refresh
        self.taken = 0
        self.known: dict[str, UrlState] = {}

    def reject(self, url: str, reason: str, message: str) -> None:
        self.plan.rejects.append(Reject(url, "ingest", reason, message))

    def run(self, start: str, state: UrlState | None) -> None:
        if state is not None:
            self.known[start] = state
        if state is not None and state.kind == "page":
            # Met before as a page: nothing to discover, and no request unless it is to be fetched again.
            self.consider_page(start, via=None, hints=state.hints, listed_at=None)
            return
        queue = [start]
        if _is_bare_site(start) and state is None:
            queue = self.site_listings(start)
            if not queue:
                return
            self.known.update(self.memory.states(queue))
        followed = 0
        while queue and followed < MAX_LISTINGS:
            url = queue.pop(0)
            followed += 1
            queue.extend(self.read_listing(url, is_start=url == start))
        if queue:
            self.reject(
                self.source.location,
                "too_many_listings",
                f"{self.source.location}: read {MAX_LISTINGS} feeds and sitemaps, left {len(queue)} unread",
            )

    def site_listings(self, site: str) -> list[str]:
        """A bare site's sitemaps from its robots.txt, else the feeds its home page announces."""
        listed = [canonicalize_url(url) for url in self.fetcher.robots_sitemaps(site)]
        if listed:
            return listed
        home = self.fetcher.fetch_resource(site, source=self.source.location, accept=PAGE_ACCEPT)
        if isinstance(home, Reject):
            self.plan.rejects.append(home)
            return []
        if isinstance(home, Resource):
            if _looks_like_sitemap(home.body) or looks_like_feed(home.body, home.mime):
                return [site]  # the site's root is itself a feed or sitemap: read it as one
            document = self.fetcher.page_from_resource(home, source=self.source.location)
            if isinstance(document, RawDocument):
                listed = [canonicalize_url(url) for url in feed_links(document.text, home.final_url)]
        if not listed:
            self.reject(
                site,
                "no_sitemap",
                f"{site} is a site whose robots.txt lists no sitemap and whose home page announces no feed: "
                "name a feed or sitemap URL instead",
            )
        return listed

    def read_listing(self, url: str, *, is_start: bool) -> list[str]:
        """Fetch one feed or sitemap (or the page a source URL turns out to be); returns child sitemaps."""
        state = self.known.get(url)
        conditional = state is not None and state.kind in ("feed", "sitemap") and not self.refresh
        result = self.fetcher.fetch_resource(
            url,
            source=self.source.location,
            etag=state.etag if conditional and state else None,
            last_modified=state.last_modified if conditional and state else None,
        )
        if isinstance(result, Reject):
            self.plan.rejects.append(result)
            if state is not None:
                self.plan.visits.append(self.visit(url, state.kind, "rejected", reason=result.reason))
            return []
        if isinstance(result, Unchanged):
            if state is None:
                self.reject(
                    url, "http_3xx", f"{url} answered 304 Not Modified to a request that was not conditional"
                )
                return []
            return self.unchanged_listing(url, state)
        if _looks_like_sitemap(result.body):
            return self.read_sitemap(url, result)
        if looks_like_feed(result.body, result.mime):
            self.read_feed(url, result)
            return []
        if not is_start:
            self.reject(
                url, "bad_sitemap", f"{url} is listed as a sitemap but is neither a sitemap nor a feed"
            )
            return []
        self.take_fetched_page(url, result)
        return []

    def unchanged_listing(self, url: str, state: UrlState) -> list[str]:
        """A feed or sitemap answered 304: what it listed last time is still what it lists."""
        self.plan.listings["unchanged"] += 1
        self.plan.visits.append(self.visit(url, state.kind, "unchanged"))
        children: list[str] = []
        for listed in self.memory.listed_by([url]):
            self.known[listed.url] = listed
            if listed.kind == "sitemap":
                children.append(listed.url)
            else:
                self.consider_page(listed.url, via=url, hints=listed.hints, listed_at=listed.listed_at)
        return children

    def read_sitemap(self, url: str, resource: Resource) -> list[str]:
        try:
            sitemap = parse_sitemap(resource.body, resource.final_url)
        except SitemapError as error:
            self.reject(url, "bad_sitemap", f"{url}: {error}")
            return []
        self.plan.listings["fetched"] += 1
        self.plan.visits.append(self.visit(url, "sitemap", "fetched", resource=resource))
        children = []
        for child in sitemap.children:
            canonical = self.canonical(child)
            if canonical is None:
                continue
            lastmod = parse_listed_date(sitemap.child_lastmods.get(child))
            if not self.source.filter.allows_date(lastmod):
                self.plan.passed_by["filtered"] += 1
                continue
            children.append(canonical)
        pages = [(self.canonical(page.url), page) for page in sitemap.pages]
        self.known.update(self.memory.states(children + [page_url for page_url, _ in pages if page_url]))
        for child in children:
            self.plan.visits.append(self.visit(child, "sitemap", "listed", via=url))
        for page_url, page in pages:
            if page_url is not None:
                self.consider_page(
                    page_url,
                    via=url,
                    hints=_hints(title=page.title, published=page.published or page.lastmod),
                    listed_at=parse_listed_date(page.published or page.lastmod),
                )
        return children

    def read_feed(self, url: str, resource: Resource) -> None:
        try:
            entries = parse_feed(resource.body, resource.final_url)
        except FeedError as error:
            self.reject(url, "bad_feed", f"{url}: {error}")
            return
        self.plan.listings["fetched"] += 1
        self.plan.visits.append(self.visit(url, "feed", "fetched", resource=resource))
        pages = [(self.canonical(entry.url), entry) for entry in entries]
        self.known.update(self.memory.states([page_url for page_url, _ in pages if page_url]))
        for page_url, entry in pages:
            if page_url is not None:
                self.consider_page(
                    page_url,
                    via=url,
                    hints=_hints(title=entry.title, published=entry.published, author=entry.author),
                    listed_at=parse_listed_date(entry.published),
                )

    def take_fetched_page(self, url: str, resource: Resource) -> None:
        """A source URL that turned out to be an article page: its body is handed on, not fetched again."""
        document = self.fetcher.page_from_resource(resource, source=self.source.location)
        if isinstance(document, Reject):
            self.plan.rejects.append(document)
            self.plan.visits.append(self.visit(url, "page", "rejected", reason=document.reason))
            return
        if self.consider_page(url, via=None, hints=(), listed_at=None):
            self.plan.prefetched[url] = document

    def consider_page(
        self, url: str, *, via: str | None, hints: tuple[tuple[str, str], ...], listed_at: datetime | None
    ) -> bool:
        """Queue a page unless it was met already in this run, is filtered out, stored, or given up on."""
        if url in self.seen:
            return False
        self.seen.add(url)
        state = self.known.get(url)
        if via is not None and (state is None or state.hints != tuple(sorted(hints)) or state.via is None):
            self.plan.visits.append(
                self.visit(url, "page", "listed", via=via, hints=hints, listed_at=listed_at)
            )
        passed_by = self.reason_to_pass_by(url, state, listed_at)
        if passed_by:
            self.plan.passed_by[passed_by] += 1
            return False
        self.taken += 1
        revalidate = state is not None and state.doc_id is not None
        self.plan.items.append(
            SourceItem(
                source=self.source.location,
                location=url,
                kind="url",
                hints=hints,
                via=via,
                etag=state.etag if revalidate and state else None,
                last_modified=state.last_modified if revalidate and state else None,
            )
        )
        return True

    def reason_to_pass_by(self, url: str, state: UrlState | None, listed_at: datetime | None) -> str | None:
        source_filter = self.source.filter
        if not source_filter.allows_location(url) or not source_filter.allows_date(listed_at):
            return "filtered"
        if state is not None and not self.refresh:
            if state.doc_id is not None:
                return "already_fetched"
            if state.outcome == "rejected" and state.attempts >= MAX_ATTEMPTS:
                return "gave_up"
        if self.source.limit is not None and self.taken >= self.source.limit:
            return "over_limit"
        return None

    def canonical(self, url: str) -> str | None:
        try:
            return canonicalize_url(url)
        except ValueError:
            self.reject(url, "bad_url", f"{url} is not a usable URL")
            return None

    def visit(
        self,
        url: str,
        kind: str,
        outcome: str,
        *,
        via: str | None = None,
        hints: tuple[tuple[str, str], ...] = (),
        listed_at: datetime | None = None,
        reason: str | None = None,
        resource: Resource | None = None,
    ) -> UrlVisit:
        return UrlVisit(
            url=url,
            kind=kind,
            source=self.source.location,
            outcome=outcome,
            via=via,
            hints=hints,
            listed_at=listed_at,
            reason=reason,
            http_status=resource.status if resource else None,
            final_url=resource.final_url if resource else None,
            etag=resource.etag if resource else None,
            last_modified=resource.last_modified if resource else None,
        )


def interleave_by_host(items: Sequence[SourceItem]) -> list[SourceItem]:
    """Round-robin over hosts, keeping each host's own order: every batch then mixes hosts, so the fetch
    threads stay busy while each host waits for its next turn."""
    queues: dict[str, list[SourceItem]] = {}
    for item in items:
        queues.setdefault(urlsplit(item.location).netloc, []).append(item)
    mixed: list[SourceItem] = []
    for turn in range(max((len(queue) for queue in queues.values()), default=0)):
        mixed.extend(queue[turn] for queue in queues.values() if turn < len(queue))
    return mixed


def discover_web(
    sources: Sequence[Source], fetcher: Fetcher, memory: WebMemory | None = None, *, refresh: bool = False
) -> WebPlan:
    """Expand web sources into pages to fetch, following feeds, sitemap indexes and robots.txt sitemaps."""
    memory = memory or NoMemory()
    plan = WebPlan()
    seen: set[str] = set()
    starts: list[tuple[Source, str]] = []
    for source in sources:
        try:
            starts.append((source, canonicalize_url(source.location)))
        except ValueError:
            plan.rejects.append(
                Reject(source.location, "ingest", "bad_url", f"{source.location} is not a usable URL")
            )
    known = memory.states([start for _, start in starts])
    for source, start in starts:
        _SourceWalk(source, fetcher, memory, plan, seen, refresh).run(start, known.get(start))
    plan.items = interleave_by_host(plan.items)
    return plan
