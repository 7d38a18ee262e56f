"""A whole local web site through the flow: two hosts on 127.0.0.1 serving a feed, a robots.txt-announced
sitemap index with a gzipped child, pages that fail in every way a crawler meets, and a web archive.

Asserts on what landed, the rejects and their reasons, the request log each server kept (robots.txt and the
rate limit obeyed), and that a second run fetches no page it already has.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from werkzeug import Request, Response

from flows.news import news_pipeline

CITIES = [
    "Lisbon",
    "Oslo",
    "Krakow",
    "Porto",
    "Tallinn",
    "Ghent",
    "Bergen",
    "Malmo",
    "Graz",
    "Turku",
    "Aarhus",
]
SUBJECTS = [
    "harbour",
    "tram line",
    "library",
    "bridge",
    "market hall",
    "ferry",
    "school",
    "stadium",
    "museum",
]
CRAWL_DELAY = 0.3  # host A's robots.txt
RATE = 10.0  # requests per second per host: host B's pace
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(2, 10)).replace(
        "&lol1;", "&lol;"
    )
    + ']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
)


def story(number: int, title: str, extra: str = "") -> str:
    """An article page whose text differs from every other page's (so no two are near-duplicates)."""
    city = CITIES[number % len(CITIES)]
    subject = SUBJECTS[number % len(SUBJECTS)]
    paragraphs = [
        f"The {city} council approved plan number {number} for the {subject} on Monday after a long debate.",
        f"Officials in {city} said the {subject} work would start within {number + 2} weeks of the vote.",
        f"Residents asked {number * 3 + 1} questions about the cost of the {subject} at the public hearing.",
        f"The mayor of {city} promised a report on plan {number} before the end of the year. {extra}",
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>&copy; Test Site</footer></body></html>"
    )


@dataclass
class Host:
    """One test server and the times it was asked for each path (for the rate-limit assertions)."""

    server: HTTPServer
    hits: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def serve(self, path: str, handler: Callable[[Request], Response]) -> None:
        def recorded(request: Request) -> Response:
            with self.lock:
                self.hits.append((time.monotonic(), request.path))
            return handler(request)

        self.server.expect_request(path).respond_with_handler(recorded)

    def page(self, path: str, html: str, content_type: str = "text/html; charset=utf-8") -> None:
        self.serve(path, lambda request: Response(html, content_type=content_type))

    def listing(self, path: str, body: bytes | str, content_type: str, etag: str) -> None:
        """A feed or sitemap that answers a conditional GET with its ETag by 304."""

        def answer(request: Request) -> Response:
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304)
            return Response(body, content_type=content_type, headers={"ETag": etag})

        self.serve(path, answer)

    def paths(self) -> list[str]:
        return [path for _, path in self.hits]

    def gaps(self) -> list[float]:
        times = sorted(moment for moment, _ in self.hits)
        return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def flaky(failures: list[Response], html: str) -> Callable[[Request], Response]:
    """Answers with the given failures first, then with the page."""
    remaining = list(failures)

    def answer(request: Request) -> Response:
        return remaining.pop(0) if remaining else Response(html, content_type="text/html")

    return answer


@pytest.fixture
def hosts() -> Iterator[tuple[Host, Host]]:
    servers = [HTTPServer(host="127.0.0.1", threaded=True) for _ in range(2)]
    for server in servers:
        server.no_handler_status_code = 404
        server.start()
    try:
        yield Host(servers[0]), Host(servers[1])
    finally:
        for server in servers:
            server.clear()
            server.stop()


def build_site(news: Host, wire: Host) -> dict[str, str]:
    """Serve the site; returns the titles of the pages that must land, by URL."""
    expected: dict[str, str] = {}
    news.page(
        "/robots.txt",
        f"User-agent: *\nDisallow: /private/\nCrawl-delay: {CRAWL_DELAY}\n"
        f"Sitemap: {news.url('/sitemap_index.xml')}\n",
        "text/plain",
    )
    wire.page("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")

    # The feed: 20 stories, 10 on each host.
    items = []
    for number in range(1, 21):
        host, path = (news, f"/news/{number}") if number <= 10 else (wire, f"/wire/{number}")
        title = f"Story {number} from the {'news desk' if host is news else 'wire'}"
        host.page(path, story(number, title))
        expected[host.url(path)] = title
        items.append(
            f"<item><title>{title}</title><link>{host.url(path)}</link>"
            f"<pubDate>Mon, 28 Oct 2024 {number:02d}:00:00 GMT</pubDate></item>"
        )
    feed = f"<rss version='2.0'><channel><title>News</title>{''.join(items)}</channel></rss>"
    news.listing("/feed.xml", feed, "application/rss+xml", '"feed-1"')

    # The sitemap index announced by robots.txt, with a gzipped child listing the awkward pages.
    awkward = {
        "/special/retry-after": story(30, "Answered after a 429"),
        "/special/flaky": story(31, "Answered after two 503s"),
        "/special/final": story(32, "Reached through a redirect chain"),
        "/special/latin2": None,
        "/special/liar": None,
    }
    news.serve(
        "/special/retry-after",
        flaky(
            [Response("slow down", status=429, headers={"Retry-After": "1"})], awkward["/special/retry-after"]
        ),
    )
    news.serve(
        "/special/flaky",
        flaky([Response("busy", status=503), Response("busy", status=503)], awkward["/special/flaky"]),
    )
    news.serve(
        "/special/moved", lambda r: Response("", status=301, headers={"Location": "/special/moved-again"})
    )
    news.serve(
        "/special/moved-again",
        lambda r: Response("", status=302, headers={"Location": news.url("/special/final")}),
    )
    news.page("/special/final", awkward["/special/final"])
    news.serve("/special/loop-a", lambda r: Response("", status=302, headers={"Location": "/special/loop-b"}))
    news.serve("/special/loop-b", lambda r: Response("", status=302, headers={"Location": "/special/loop-a"}))
    news.serve("/special/missing", lambda r: Response("not here", status=404))

    def slow(request: Request) -> Response:
        time.sleep(2.5)
        return Response(story(33, "Too slow"), content_type="text/html")

    news.serve("/special/slow", slow)
    news.page("/special/huge", "<html><body><p>" + "word " * 400_000 + "</p></body></html>")
    latin2 = story(34, "Wiadomości z Łodzi", "Źródło: Łódź, żółć i gęślą jaźń.").replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">'
    )
    news.page("/special/latin2", latin2.encode("iso-8859-2"), "text/html")  # type: ignore[arg-type]
    liar = story(35, "Le café de la gare", "Le café de la générale était déjà fermé, a précisé l’élu.")
    news.page("/special/liar", liar.encode("utf-8"), "text/html; charset=iso-8859-1")  # type: ignore[arg-type]
    news.page("/private/memo", story(36, "Internal memo"))
    for path, title in [
        ("/special/retry-after", "Answered after a 429"),
        ("/special/flaky", "Answered after two 503s"),
        ("/special/final", "Reached through a redirect chain"),
        ("/special/latin2", "Wiadomości z Łodzi"),
        ("/special/liar", "Le café de la gare"),
    ]:
        expected[news.url(path)] = title
    child_paths = [*awkward, "/special/moved", "/special/loop-a", "/special/missing", "/special/slow"]
    child_paths += ["/special/huge", "/private/memo", "/news/1?utm_source=sitemap"]
    child_paths.remove("/special/final")  # reached only through /special/moved
    urlset = "".join(f"<url><loc>{news.url(path)}</loc></url>" for path in child_paths)
    child = f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urlset}</urlset>"
    news.listing("/sitemaps/special.xml.gz", gzip.compress(child.encode()), "application/gzip", '"child-1"')
    index = (
        "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<sitemap><loc>{news.url('/sitemaps/special.xml.gz')}</loc></sitemap></sitemapindex>"
    )
    news.listing("/sitemap_index.xml", index, "application/xml", '"index-1"')
    wire.page("/bomb.xml", BILLION_LAUGHS, "application/rss+xml")
    return expected


def write_warc(path: Path) -> dict[str, str]:
    pages = {f"https://archive.example/{n}": f"Archived story {n}" for n in (40, 41, 42)}
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, (uri, title) in zip((40, 41, 42), pages.items(), strict=True):
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            payload = BytesIO(story(number, title).encode())
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=payload, http_headers=headers)
            )
    return pages


def table_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()
        ]
        return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}  # type: ignore[index]


def test_a_local_site_lands_every_reachable_article_once_politely_and_a_second_run_fetches_nothing_new(
    hosts: tuple[Host, Host], tmp_path: Path
) -> None:
    news, wire = hosts
    expected = build_site(news, wire)
    warc = tmp_path / "crawl.warc.gz"
    expected.update(write_warc(warc))
    db = tmp_path / "w.duckdb"
    run = dict(
        sources=[news.url("/feed.xml"), news.url("/"), wire.url("/bomb.xml"), str(warc)],
        warehouse_path=str(db),
        allow_private=True,
        requests_per_second=RATE,
        fetch_timeout_seconds=1.0,
        max_document_mb=1.0,
        batch_size=10,
    )

    first = news_pipeline(**run)

    assert first["status"] == "completed"
    with duckdb.connect(str(db), read_only=True) as con:
        landed = dict(con.execute("SELECT url, title FROM articles").fetchall())
        texts = dict(con.execute("SELECT title, text FROM articles").fetchall())
        rejects = sorted(
            (source.removeprefix(news.url("")).removeprefix(wire.url("")), reason)
            for source, reason in con.execute(
                "SELECT source, reason FROM rejects WHERE stage = 'ingest'"
            ).fetchall()
        )
        documents = con.execute("SELECT count(*), count(DISTINCT location) FROM documents").fetchone()
        final_url = con.execute(
            "SELECT final_url, http_status FROM documents WHERE location = ?", [news.url("/special/moved")]
        ).fetchone()
    # Every reachable article once; the redirect chain lands under the URL that was listed.
    assert sorted(landed.values()) == sorted(expected.values())
    assert documents == (len(expected), len(expected))
    assert final_url == (news.url("/special/final"), 200)
    assert "Łódź, żółć i gęślą jaźń" in texts["Wiadomości z Łodzi"]  # charset only in a meta tag
    assert "Le café de la générale était déjà fermé" in texts["Le café de la gare"]  # the header lied
    assert rejects == [
        ("bomb.xml", "bad_feed"),
        ("private/memo", "robots"),
        ("special/huge", "too_large"),
        ("special/loop-a", "redirect_loop"),
        ("special/missing", "http_404"),
        ("special/slow", "timeout"),
    ]
    assert first["rejects"] == {
        "ingest/bad_feed": 1,
        "ingest/robots": 1,
        "ingest/too_large": 1,
        "ingest/redirect_loop": 1,
        "ingest/http_404": 1,
        "ingest/timeout": 1,
    }
    # robots.txt obeyed: the disallowed page was never asked for; each robots.txt read once.
    assert "/private/memo" not in news.paths()
    assert news.paths().count("/robots.txt") == 1 and wire.paths().count("/robots.txt") == 1
    # The sitemap's utm_ copy of /news/1 is the feed's page: fetched once.
    assert news.paths().count("/news/1") == 1
    # Retries as the server asked: the 429 once, the 503 twice, then the page.
    assert news.paths().count("/special/retry-after") == 2 and news.paths().count("/special/flaky") == 3
    # Politeness, from the servers' own clocks: host A at its Crawl-delay, host B at the rate limit. Over
    # the whole crawl the pace is kept exactly; a single gap may look shorter only by the jitter of a busy
    # machine delaying one request's arrival (never a burst: half the delay at least).
    for server, delay in ((news, CRAWL_DELAY), (wire, 1 / RATE)):
        gaps = server.gaps()
        assert sum(gaps) >= (len(gaps) - 1) * delay  # one delay of slack for the first arrival's jitter
        assert min(gaps) >= delay / 2

    news.hits.clear()
    wire.hits.clear()
    counts_before = table_counts(db)

    second = news_pipeline(**run)

    assert second["status"] == "completed"
    assert second["steps"]["ingested"] == 0 and second["steps"]["extracted"] == 0
    assert second["steps"]["listings_unchanged"] == 3  # the feed, the index and its child answered 304
    landed_paths = {urlsplit(url).path for url in expected if url.startswith("http://127.0.0.1")}
    assert landed_paths.isdisjoint(news.paths() + wire.paths())
    # Asked again: robots.txt, the listings (with their ETags), and the failures (a page may be there now).
    assert set(news.paths()) <= {
        "/robots.txt",
        "/feed.xml",
        "/sitemap_index.xml",
        "/sitemaps/special.xml.gz",
        "/special/loop-a",
        "/special/loop-b",
        "/special/missing",
        "/special/slow",
        "/special/huge",
    }
    counts_after = table_counts(db)
    changed = {table for table in counts_before if counts_before[table] != counts_after[table]}
    assert changed <= {"runs"}, {table: (counts_before[table], counts_after[table]) for table in changed}
