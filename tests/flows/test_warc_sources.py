"""A web archive among the sources: its HTML responses land as articles, its failures as rejects."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import duckdb
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flows.news import news_pipeline

PAGE = """<html><head><title>Harbour reopens after storm</title>
<meta property="og:site_name" content="Coast Daily"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Tuesday after a storm closed it for three days, the port authority said.</p>
<p>“We worked through the night to clear the channel,” said harbour master Ellen Marsh.</p>
<p>Ferries to the islands will run on the normal timetable from Wednesday morning.</p>
</article><footer>© Coast Daily</footer></body></html>"""


def write_warc(path: Path) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for uri, status, body, content_type in [
            ("https://coast.example/harbour", "200 OK", PAGE.encode(), "text/html; charset=utf-8"),
            ("https://coast.example/missing", "404 Not Found", b"<p>gone</p>", "text/html"),
            ("https://coast.example/logo.png", "200 OK", b"\x89PNG\r\n\x1a\n", "image/png"),
        ]:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers)
            writer.write_record(record)


def test_warc_responses_land_and_failures_are_rejected(tmp_path: Path) -> None:
    source = tmp_path / "archives"
    source.mkdir()
    write_warc(source / "crawl.warc.gz")
    db = tmp_path / "w.duckdb"
    summary = news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert summary["status"] == "completed"
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select url, title, site from articles").fetchall() == [
            ("https://coast.example/harbour", "Harbour reopens after storm", "Coast Daily")
        ]
        assert con.execute("select speaker from quotes").fetchall() == [("Ellen Marsh",)]
        assert sorted(con.execute("select reason from rejects").fetchall()) == [("http_404",), ("not_html",)]
    again = news_pipeline(sources=[str(source)], warehouse_path=str(db))
    assert again["steps"]["unchanged"] == 1 and again["steps"]["extracted"] == 0
