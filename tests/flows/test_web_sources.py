"""Web sources end to end against a real HTTP server on 127.0.0.1: a feed, a sitemap, robots.txt, failures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from flows.news import news_pipeline


def page(title: str, sentence: str) -> str:
    paragraphs = "".join(
        f"<p>{sentence} This is paragraph {number} of the report, with enough words to read as prose.</p>"
        for number in range(1, 5)
    )
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>© Test Site</footer></body></html>"
    )


@pytest.fixture()
def site(httpserver: HTTPServer) -> HTTPServer:
    base = httpserver.url_for("")
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    feed_items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link>"
        f"<pubDate>Mon, 28 Oct 2024 12:00:00 GMT</pubDate></item>"
        for path, title in [("news/bridge", "Bridge opens"), ("private/memo", "Memo"), ("news/gone", "Gone")]
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Test</title>{feed_items}</channel></rss>",
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>{base}news/rain</loc><lastmod>2024-10-27</lastmod></url>"
        f"<url><loc>{base}news/bridge?utm_source=sitemap</loc></url></urlset>",
        content_type="application/xml",
    )
    httpserver.expect_request("/news/bridge").respond_with_data(
        page("Bridge opens", "The new bridge opened to traffic on Monday morning."), content_type="text/html"
    )
    httpserver.expect_request("/news/rain").respond_with_data(
        page("Heavy rain expected", "Forecasters expect heavy rain across the region on Sunday."),
        content_type="text/html",
    )
    httpserver.expect_request("/news/gone").respond_with_data("not here", status=404)
    httpserver.expect_request("/private/memo").respond_with_data(
        page("Memo", "Secret."), content_type="text/html"
    )
    return httpserver


def paths_requested(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def test_feed_and_sitemap_pages_land_once_robots_obeyed_and_failures_recorded(
    site: HTTPServer, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    sources = [site.url_for("/feed.xml"), site.url_for("/sitemap.xml")]
    summary = news_pipeline(
        sources=sources, warehouse_path=str(db), allow_private=True, requests_per_second=50
    )
    assert summary["status"] == "completed"
    with duckdb.connect(str(db), read_only=True) as con:
        titles = sorted(row[0] for row in con.execute("select title from articles").fetchall())
        assert titles == ["Bridge opens", "Heavy rain expected"]
        reasons = sorted(row[0] for row in con.execute("select reason from rejects").fetchall())
        assert reasons == ["http_404", "robots"]
        (published,) = con.execute(
            "select published_at from articles where title = 'Bridge opens'"
        ).fetchone()
        assert published is not None  # from the feed's pubDate: the page itself carries no date
    requested = paths_requested(site)
    assert "/private/memo" not in requested
    assert requested.count("/news/bridge") == 1  # the sitemap's utm_ copy is the same canonical page

    site.clear_log()
    again = news_pipeline(sources=sources, warehouse_path=str(db), allow_private=True, requests_per_second=50)
    assert again["steps"]["extracted"] == 0
    # What landed is not fetched again; what failed (the 404) is tried again, since it may be there now.
    assert {"/news/bridge", "/news/rain"}.isdisjoint(paths_requested(site))
    assert "/news/gone" in paths_requested(site)


def test_without_allow_private_a_loopback_source_is_refused_before_any_request(
    site: HTTPServer, tmp_path: Path
) -> None:
    summary = news_pipeline(sources=[site.url_for("/feed.xml")], warehouse_path=str(tmp_path / "w.duckdb"))
    assert summary["rejects"] == {"ingest/private_address": 1}
    assert paths_requested(site) == []


def test_refresh_revalidates_with_conditional_gets_and_a_changed_page_is_a_new_version(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.no_handler_status_code = 404
    versions = {"etag": '"v1"', "sentence": "The new bridge opened to traffic on Monday morning."}

    def story(request: Request) -> Response:
        if request.headers.get("If-None-Match") == versions["etag"]:
            return Response(status=304)
        return Response(
            page("Bridge opens", versions["sentence"]),
            content_type="text/html",
            headers={"ETag": versions["etag"]},
        )

    httpserver.expect_request("/news/bridge").respond_with_handler(story)
    db = tmp_path / "w.duckdb"
    run = dict(sources=[httpserver.url_for("/news/bridge")], warehouse_path=str(db), allow_private=True)
    assert news_pipeline(**run)["steps"]["ingested"] == 1

    unchanged = news_pipeline(**run, refresh=True)

    assert unchanged["steps"]["unchanged"] == 1 and unchanged["steps"]["ingested"] == 0
    assert httpserver.log[-1][0].headers.get("If-None-Match") == '"v1"'
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT outcome, etag, fetches FROM web_urls").fetchall() == [
            ("unchanged", '"v1"', 2)
        ]

    versions.update(etag='"v2"', sentence="The new bridge closed again on Tuesday after a crack was found.")
    changed = news_pipeline(**run, refresh=True)

    assert changed["steps"]["ingested"] == 1
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)  # two versions of one page
        (latest,) = con.execute("SELECT text FROM articles_latest").fetchone()
        assert "closed again" in latest
        assert con.execute("SELECT count(*) FROM duplicates").fetchone() == (0,)  # a version is not a copy
        assert con.execute("SELECT outcome, etag FROM web_urls").fetchall() == [("fetched", '"v2"')]


# A line no rule knows as furniture: only the cross-page statistics can tell it is the site's.
PITCH = "The Ledger has been owned by the Harbour Trust and its readers since 1921."


def serve_site_with_a_pitch(httpserver: HTTPServer, topics: list[str]) -> str:
    """A feed of one site's stories, each page opening with PITCH; returns the feed's URL."""
    httpserver.no_handler_status_code = 404
    base = httpserver.url_for("/")
    for topic in topics:
        html = page(f"The {topic} decision", f"The council decided about the {topic} on Monday.")
        httpserver.expect_request(f"/news/{topic}").respond_with_data(
            html.replace("<article>", f"<article><p>{PITCH}</p>"), content_type="text/html"
        )
    items = "".join(f"<item><title>{t}</title><link>{base}news/{t}</link></item>" for t in topics)
    httpserver.expect_request("/feed.xml").respond_with_data(
        f"<rss version='2.0'><channel><title>Ledger</title>{items}</channel></rss>",
        content_type="application/rss+xml",
    )
    return httpserver.url_for("/feed.xml")


def test_templates_learnt_from_earlier_batches_apply_to_the_next_ones(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    # Batches of two pages of one site: each batch's templates count the pages landed before it and its own,
    # so the line is learnt as soon as five pages show it.
    topics = ["bridge", "budget", "harbour", "school", "tram", "library", "market", "ferry"]
    feed = serve_site_with_a_pitch(httpserver, topics)
    db = tmp_path / "w.duckdb"

    news_pipeline(sources=[feed], warehouse_path=str(db), allow_private=True, requests_per_second=50,
                  batch_size=2)  # fmt: skip

    with duckdb.connect(str(db), read_only=True) as con:
        kept = con.execute("SELECT count(*) FROM articles WHERE contains(text, ?)", [PITCH]).fetchone()
        template = con.execute("SELECT count(*) FROM removed_segments WHERE reason = 'template'").fetchone()
        learnt = con.execute("SELECT pages FROM host_blocks WHERE sample = ?", [PITCH]).fetchall()
    # batches 1 and 2 (four pages) keep it; batch 3 counts 4 landed + 2 of its own pages, past five
    assert kept == (4,) and template == (4,)
    assert learnt == [(len(topics),)]


def test_a_line_every_page_of_a_site_prints_is_learnt_as_its_template(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    topics = ["bridge", "budget", "harbour", "school", "tram", "library"]
    feed = serve_site_with_a_pitch(httpserver, topics)
    db = tmp_path / "w.duckdb"

    news_pipeline(sources=[feed], warehouse_path=str(db), allow_private=True, requests_per_second=50)

    with duckdb.connect(str(db), read_only=True) as con:
        texts = [text for (text,) in con.execute("SELECT text FROM articles").fetchall()]
        template = con.execute("SELECT count(*) FROM removed_segments WHERE reason = 'template'").fetchone()
        learnt = con.execute("SELECT pages FROM host_blocks WHERE sample = ?", [PITCH]).fetchall()
    assert len(texts) == len(topics) and not any(PITCH in text for text in texts)
    assert template == (len(topics),)
    assert learnt == [(len(topics),)]
