"""Discovery of web sources against a real HTTP server on 127.0.0.1 and a real warehouse as its memory.

Feeds and sitemaps are asked again with conditional GETs, a 304 brings back what they listed before, bare
sites are read through robots.txt or their home page's feed links, and filters and limits pass pages by.
"""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import warehouse
from tasks.ingest.filters import SourceFilter
from tasks.ingest.sources import Source
from tasks.ingest.web import Fetcher, FetchSettings
from tasks.ingest.web_discovery import MAX_ATTEMPTS, WebPlan, discover_web
from tasks.records import RawDocument, UrlVisit
from warehouse.web_urls import StoredWebMemory

TEST_SETTINGS = FetchSettings(allow_private=True, per_host_interval=0.0, backoff=0.01)
PAGE = "<html><head><title>Story</title></head><body><p>The council met on Monday.</p></body></html>"


def rss(base: str, paths: list[str], dates: dict[str, str] | None = None) -> str:
    dates = dates or {}
    items = "".join(
        f"<item><title>Story {path}</title><link>{base}{path}</link>"
        + (f"<pubDate>{dates[path]}</pubDate>" if path in dates else "")
        + "</item>"
        for path in paths
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}</channel></rss>"


def requested(server: HTTPServer) -> list[str]:
    return [request.full_path.rstrip("?") for request, _ in server.log]


def item_paths(plan: WebPlan, server: HTTPServer) -> list[str]:
    base = server.url_for("").rstrip("/")
    return [item.location.removeprefix(base) for item in plan.items]


def remember(path: Path, plan: WebPlan, fetched: dict[str, str] | None = None) -> None:
    """Store what a run would: the plan's visits, and the pages in `fetched` (url -> doc id) as landed."""
    visits = list(plan.visits)
    visits += [UrlVisit(url, "page", "test", "fetched", doc_id=doc) for url, doc in (fetched or {}).items()]
    with warehouse.writer(path) as con:
        warehouse.load_batch(con, "run-1", visits=visits)


@pytest.fixture(autouse=True)
def missing_is_404(httpserver: HTTPServer) -> None:
    # What a real site answers for a path it does not have (robots.txt above all): not the fixture's 500.
    httpserver.no_handler_status_code = 404


@pytest.fixture
def memory(tmp_path: Path) -> StoredWebMemory:
    return StoredWebMemory(str(tmp_path / "w.duckdb"), wait_seconds=5)


def test_an_unchanged_feed_is_answered_304_and_what_it_listed_comes_back(
    httpserver: HTTPServer, memory: StoredWebMemory
) -> None:
    base = httpserver.url_for("/")

    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"feed-v1"':
            return Response(status=304)
        return Response(
            rss(base, ["a", "b", "c"]), content_type="application/rss+xml", headers={"ETag": '"feed-v1"'}
        )

    httpserver.expect_request("/feed.xml").respond_with_handler(feed)
    source = Source(httpserver.url_for("/feed.xml"))
    fetcher = Fetcher(TEST_SETTINGS)

    first = discover_web([source], fetcher, memory)
    assert item_paths(first, httpserver) == ["/a", "/b", "/c"]
    assert first.listings == {"fetched": 1}
    # The run landed /a; /b and /c were cut short (a limit, a crash): they must not be forgotten.
    remember(Path(memory.path), first, fetched={httpserver.url_for("/a"): "doc-a"})

    httpserver.clear_log()
    second = discover_web([source], fetcher, memory)

    assert [request.headers.get("If-None-Match") for request, _ in httpserver.log] == ['"feed-v1"']
    assert second.listings == {"unchanged": 1}
    assert item_paths(second, httpserver) == ["/b", "/c"]
    assert second.passed_by == {"already_fetched": 1}
    assert dict(second.items[0].hints)["title"] == "Story b"  # the feed's hints came back from the warehouse


def test_refresh_reads_the_feed_again_and_revalidates_stored_pages(
    httpserver: HTTPServer, memory: StoredWebMemory
) -> None:
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(base, ["a"]), content_type="application/rss+xml", headers={"ETag": '"feed-v1"'}
    )
    source = Source(httpserver.url_for("/feed.xml"))
    fetcher = Fetcher(TEST_SETTINGS)
    first = discover_web([source], fetcher, memory)
    remember(Path(memory.path), first)
    with warehouse.writer(memory.path) as con:
        warehouse.load_batch(
            con,
            "run-1",
            visits=[UrlVisit(httpserver.url_for("/a"), "page", "t", "fetched", etag='"a1"', doc_id="doc-a")],
        )

    httpserver.clear_log()
    refreshed = discover_web([source], fetcher, memory, refresh=True)

    assert [request.headers.get("If-None-Match") for request, _ in httpserver.log] == [None]
    (item,) = refreshed.items
    assert (item.location, item.etag) == (httpserver.url_for("/a"), '"a1"')


def test_a_direct_page_is_fetched_once_and_handed_on(httpserver: HTTPServer, memory: StoredWebMemory) -> None:
    httpserver.expect_request("/2024/story").respond_with_data(PAGE, content_type="text/html")

    plan = discover_web(
        [Source(httpserver.url_for("/2024/story?utm_source=x"))], Fetcher(TEST_SETTINGS), memory
    )

    url = httpserver.url_for("/2024/story")
    assert [item.location for item in plan.items] == [url]
    assert isinstance(plan.prefetched[url], RawDocument)
    assert "council met" in plan.prefetched[url].text
    assert requested(httpserver) == ["/robots.txt", "/2024/story"]

    remember(Path(memory.path), plan, fetched={url: "doc-1"})
    httpserver.clear_log()
    again = discover_web([Source(url)], Fetcher(TEST_SETTINGS), memory)
    assert again.items == [] and again.passed_by == {"already_fetched": 1}
    assert requested(httpserver) == []  # known as a page: not even asked


def test_a_bare_site_without_sitemaps_is_read_through_the_feeds_its_home_page_announces(
    httpserver: HTTPServer,
) -> None:
    base = httpserver.url_for("/")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/").respond_with_data(
        "<html><head><link rel='alternate' type='application/rss+xml' href='/rss'></head>"
        "<body>Home</body></html>",
        content_type="text/html",
    )
    httpserver.expect_request("/rss").respond_with_data(
        rss(base, ["x", "y"]), content_type="application/rss+xml"
    )

    plan = discover_web([Source(base)], Fetcher(TEST_SETTINGS))

    assert item_paths(plan, httpserver) == ["/x", "/y"]
    assert plan.rejects == []


def test_a_bare_site_with_neither_sitemap_nor_feed_is_rejected_with_what_to_do(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<html><body>Home</body></html>", content_type="text/html"
    )

    plan = discover_web([Source(httpserver.url_for("/"))], Fetcher(TEST_SETTINGS))

    (reject,) = plan.rejects
    assert reject.reason == "no_sitemap" and "name a feed or sitemap URL" in reject.message


def test_robots_sitemap_index_with_a_gzipped_child_and_since_by_lastmod(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/")
    httpserver.expect_request("/robots.txt").respond_with_data(f"Sitemap: {base}index.xml\n")
    httpserver.expect_request("/index.xml").respond_with_data(
        "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<sitemap><loc>{base}new.xml.gz</loc><lastmod>2024-10-28</lastmod></sitemap>"
        f"<sitemap><loc>{base}old.xml</loc><lastmod>2019-01-01</lastmod></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    urlset = (
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>{base}fresh</loc><lastmod>2024-10-28T08:00:00Z</lastmod></url>"
        f"<url><loc>{base}stale</loc><lastmod>2024-09-01</lastmod></url>"
        f"<url><loc>{base}undated</loc></url></urlset>"
    )
    httpserver.expect_request("/new.xml.gz").respond_with_data(
        gzip.compress(urlset.encode()), content_type="application/x-gzip"
    )
    since = SourceFilter(since=datetime(2024, 10, 1, tzinfo=UTC))

    plan = discover_web([Source(base, since)], Fetcher(TEST_SETTINGS))

    assert item_paths(plan, httpserver) == ["/fresh", "/undated"]
    assert "/old.xml" not in requested(httpserver)  # an archive older than `since` is not even read
    assert plan.passed_by == {"filtered": 2}
    assert dict(plan.items[0].hints)["published"] == "2024-10-28T08:00:00Z"


def test_include_exclude_and_limit_of_a_source(httpserver: HTTPServer) -> None:
    base = httpserver.url_for("/")
    paths = ["world/1", "world/video/2", "sport/3", "world/4", "world/5"]
    httpserver.expect_request("/feed").respond_with_data(rss(base, paths), content_type="application/rss+xml")
    source = Source(
        httpserver.url_for("/feed"), SourceFilter(include=("/world/",), exclude=("/video/",)), limit=2
    )

    plan = discover_web([source], Fetcher(TEST_SETTINGS))

    assert item_paths(plan, httpserver) == ["/world/1", "/world/4"]
    assert plan.passed_by == {"filtered": 2, "over_limit": 1}
    # Every listed page is remembered, taken or not, so a later run with other filters still knows it.
    assert sum(visit.outcome == "listed" for visit in plan.visits) == 5


def test_a_page_failing_run_after_run_is_given_up_until_refreshed(
    httpserver: HTTPServer, memory: StoredWebMemory
) -> None:
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed").respond_with_data(
        rss(base, ["gone"]), content_type="application/rss+xml"
    )
    source = Source(httpserver.url_for("/feed"))
    fetcher = Fetcher(TEST_SETTINGS)
    gone = httpserver.url_for("/gone")
    failure = UrlVisit(gone, "page", "t", "rejected", reason="http_404")
    with warehouse.writer(memory.path) as con:
        warehouse.load_batch(con, "runs", visits=[failure])

    for attempt in range(1, MAX_ATTEMPTS + 1):
        plan = discover_web([source], fetcher, memory)
        if attempt < MAX_ATTEMPTS:
            assert [item.location for item in plan.items] == [gone]
            with warehouse.writer(memory.path) as con:
                warehouse.load_batch(con, "runs", visits=[replace(failure)])
    assert plan.items == [] and plan.passed_by == {"gave_up": 1}
    assert [item.location for item in discover_web([source], fetcher, memory, refresh=True).items] == [gone]


def test_a_304_to_a_request_that_was_not_conditional_is_a_reject(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=304)

    plan = discover_web([Source(httpserver.url_for("/feed"))], Fetcher(TEST_SETTINGS))

    assert [reject.reason for reject in plan.rejects] == ["http_3xx"]


def test_pages_are_interleaved_by_host_so_every_batch_mixes_hosts() -> None:
    from tasks.ingest.web_discovery import interleave_by_host
    from tasks.records import SourceItem

    urls = [
        "http://a.example/1",
        "http://a.example/2",
        "http://a.example/3",
        "http://b.example/1",
        "http://c/1",
    ]
    mixed = interleave_by_host([SourceItem("s", url, "url") for url in urls])
    assert [item.location for item in mixed] == [
        "http://a.example/1",
        "http://b.example/1",
        "http://c/1",
        "http://a.example/2",
        "http://a.example/3",
    ]
