"""Sitemap parsing: urlsets, indexes, Google News, gzip and its bombs, plain text, robots.txt lines.

Every document here is written for the test; nothing touches the network.
"""

from __future__ import annotations

import gzip
import time

import pytest

from tasks.ingest.sitemaps import Sitemap, SitemapEntry, SitemapError, parse_sitemap, sitemaps_from_robots

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <!-- a comment the parser must step over -->
  <url><loc>https://site.example/a</loc><lastmod>2024-06-01</lastmod></url>
  <url><loc> /b </loc><lastmod>2024-06-02T10:00:00+00:00</lastmod><changefreq>daily</changefreq></url>
  <url><loc>https://site.example/a</loc></url>
  <url><loc>mailto:desk@site.example</loc></url>
</urlset>"""


def test_urlset_pages_keep_lastmod_resolve_relative_and_drop_duplicates() -> None:
    sitemap = parse_sitemap(URLSET, "https://site.example/sitemap.xml")
    assert sitemap == Sitemap(
        pages=[
            SitemapEntry("https://site.example/a", "2024-06-01", None, None),
            SitemapEntry("https://site.example/b", "2024-06-02T10:00:00+00:00", None, None),
        ],
        children=[],
    )


def test_urlset_without_namespace_is_read_too() -> None:
    bare = b"<urlset><url><loc>https://bare.example/1</loc></url></urlset>"
    assert parse_sitemap(bare, "https://bare.example/").pages[0].url == "https://bare.example/1"


def test_sitemap_index_lists_children() -> None:
    index = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://site.example/sitemap-1.xml.gz</loc><lastmod>2024-06-01</lastmod></sitemap>
  <sitemap><loc>/sitemap-news.xml</loc></sitemap>
</sitemapindex>"""
    sitemap = parse_sitemap(index, "https://site.example/sitemap_index.xml")
    assert sitemap.pages == []
    assert sitemap.children == [
        "https://site.example/sitemap-1.xml.gz",
        "https://site.example/sitemap-news.xml",
    ]


def test_gzipped_sitemap_is_inflated() -> None:
    sitemap = parse_sitemap(gzip.compress(URLSET), "https://site.example/sitemap.xml.gz")
    assert [page.url for page in sitemap.pages] == ["https://site.example/a", "https://site.example/b"]


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    # 20 MB of zeros compresses to about 20 KB (1000:1); the cap stops inflation at max_bytes + 1.
    bomb = gzip.compress(b"<urlset>" + b"\0" * 20_000_000, compresslevel=9)
    started = time.perf_counter()
    with pytest.raises(SitemapError, match="^too_large"):
        parse_sitemap(bomb, "https://bomb.example/sitemap.xml.gz", max_bytes=1_000_000)
    assert time.perf_counter() - started < 2.0


def test_truncated_or_corrupt_gzip_is_a_sitemap_error() -> None:
    with pytest.raises(SitemapError, match="^bad_gzip"):
        parse_sitemap(gzip.compress(URLSET)[:60], "https://site.example/sitemap.xml.gz")
    with pytest.raises(SitemapError, match="^bad_gzip"):
        parse_sitemap(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xffgarbage!", "https://site.example/s.xml.gz")


def test_google_news_sitemap_gives_publication_date_and_title() -> None:
    news = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://paper.example/2024/06/03/budget</loc>
    <news:news>
      <news:publication><news:name>The Paper</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2024-06-03T07:45:00+02:00</news:publication_date>
      <news:title>Budget passes &amp; markets rally</news:title>
    </news:news>
  </url>
</urlset>"""
    sitemap = parse_sitemap(news, "https://paper.example/news-sitemap.xml")
    assert sitemap.pages == [
        SitemapEntry(
            url="https://paper.example/2024/06/03/budget",
            lastmod=None,
            published="2024-06-03T07:45:00+02:00",
            title="Budget passes & markets rally",
        )
    ]


def test_entity_declaration_is_refused() -> None:
    hostile = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>https://evil.example/&xxe;</loc></url></urlset>"""
    with pytest.raises(SitemapError, match="declares XML entities"):
        parse_sitemap(hostile, "https://evil.example/sitemap.xml")
    with pytest.raises(SitemapError, match="declares XML entities"):
        parse_sitemap(gzip.compress(hostile), "https://evil.example/sitemap.xml.gz")


def test_plain_text_sitemap_one_url_per_line() -> None:
    text = b"https://text.example/1\r\n\r\nnot a url\nhttps://text.example/2\nhttps://text.example/1\n"
    sitemap = parse_sitemap(text, "https://text.example/sitemap.txt")
    assert [page.url for page in sitemap.pages] == ["https://text.example/1", "https://text.example/2"]


def test_html_page_is_not_a_sitemap() -> None:
    with pytest.raises(SitemapError, match="^not_a_sitemap"):
        parse_sitemap(b"<html><body><p>Not found</p></body></html>", "https://site.example/sitemap.xml")


def test_oversized_plain_body_is_refused() -> None:
    with pytest.raises(SitemapError, match="^too_large"):
        parse_sitemap(b"https://big.example/\n" * 100, "https://big.example/", max_bytes=1000)


def test_robots_with_two_sitemap_lines() -> None:
    robots = """User-agent: *
Disallow: /private/

Sitemap: https://site.example/sitemap_index.xml
sitemap: /news-sitemap.xml
"""
    assert sitemaps_from_robots(robots, "https://site.example/robots.txt") == [
        "https://site.example/sitemap_index.xml",
        "https://site.example/news-sitemap.xml",
    ]
