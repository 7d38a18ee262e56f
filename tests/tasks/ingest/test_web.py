"""The web fetcher against a real HTTP server on 127.0.0.1: statuses, retries, redirects, caps, robots."""

from __future__ import annotations

import gzip
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tasks.ingest.files import document_id
from tasks.ingest.web import Fetcher, FetchSettings, Unchanged
from tasks.records import RawDocument, Reject

PAGE = "<html><head><title>Story</title></head><body><p>The council met on Monday.</p></body></html>"
# Loopback is an internal address, so tests opt in; robots and politeness are switched on where tested.
TEST_SETTINGS = FetchSettings(allow_private=True, obey_robots=False, per_host_interval=0.0, backoff=0.01)


def fetcher(**overrides: object) -> Fetcher:
    return Fetcher(replace(TEST_SETTINGS, **overrides))


def rejected(result: object, reason: str) -> Reject:
    assert isinstance(result, Reject), result
    assert result.reason == reason, result
    assert result.stage == "ingest"
    return result


def test_page_becomes_a_raw_document_with_what_the_server_said(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/story").respond_with_data(
        PAGE,
        content_type="text/html; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 06 May 2024 10:00:00 GMT"},
    )
    url = httpserver.url_for("/story?utm_source=feed#top")

    document = fetcher().fetch(url, source="feed:example")

    assert isinstance(document, RawDocument)
    canonical = httpserver.url_for("/story")
    assert document.location == document.url == document.final_url == canonical
    assert document.source == "feed:example"
    assert document.http_status == 200
    assert document.etag == '"v1"'
    assert document.last_modified == "Mon, 06 May 2024 10:00:00 GMT"
    assert document.content_type == "text/html"
    assert "council met" in document.text
    assert document.raw == PAGE.encode()
    assert document.doc_id == document_id(canonical, document.raw_sha256)
    assert document.fetched_at.tzinfo is not None


def test_charset_declared_only_in_a_meta_tag_is_used(httpserver: HTTPServer) -> None:
    body = '<html><head><meta charset="iso-8859-2"></head><body><p>Źródło: Łódź, żółć.</p></body></html>'
    httpserver.expect_request("/pl").respond_with_data(body.encode("iso-8859-2"), content_type="text/html")

    document = fetcher().fetch(httpserver.url_for("/pl"))

    assert isinstance(document, RawDocument)
    assert "Źródło: Łódź, żółć." in document.text


def test_header_that_lies_about_the_charset_is_not_trusted(httpserver: HTTPServer) -> None:
    # A common lie: the server says Latin-1 by default while the page is UTF-8.
    body = "<html><body><p>Le café de la générale était déjà fermé, a précisé l’élu à midi.</p></body></html>"
    httpserver.expect_request("/fr").respond_with_data(
        body.encode("utf-8"), content_type="text/html; charset=iso-8859-1"
    )

    document = fetcher().fetch(httpserver.url_for("/fr"))

    assert isinstance(document, RawDocument)
    assert "Le café de la générale était déjà fermé, a précisé l’élu à midi." in document.text
    assert "Ã" not in document.text


def test_missing_page_is_rejected_as_http_404(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    rejected(fetcher().fetch(httpserver.url_for("/gone")), "http_404")
    assert len(httpserver.log) == 1  # a 404 is not retried


def test_other_client_error_is_rejected_as_http_4xx(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/secret").respond_with_data("no", status=403)
    rejected(fetcher().fetch(httpserver.url_for("/secret")), "http_4xx")


def test_server_errors_are_retried_until_the_page_comes(httpserver: HTTPServer) -> None:
    calls = []

    def flaky(request: Request) -> Response:
        calls.append(request.path)
        if len(calls) <= 2:
            return Response("busy", status=503)
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/flaky").respond_with_handler(flaky)

    document = fetcher().fetch(httpserver.url_for("/flaky"))

    assert isinstance(document, RawDocument)
    assert len(calls) == 3


def test_server_errors_past_the_retries_are_rejected_as_http_5xx(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=500)
    rejected(fetcher(retries=2).fetch(httpserver.url_for("/down")), "http_5xx")
    assert len(httpserver.log) == 3


def test_too_many_requests_waits_as_long_as_retry_after_says(httpserver: HTTPServer) -> None:
    calls = []

    def limited(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/limited").respond_with_handler(limited)

    document = fetcher().fetch(httpserver.url_for("/limited"))

    assert isinstance(document, RawDocument)
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9


def test_redirect_chain_is_followed_and_the_final_url_recorded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/moved"})
    httpserver.expect_request("/moved").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(PAGE, content_type="text/html")

    document = fetcher().fetch(httpserver.url_for("/old"))

    assert isinstance(document, RawDocument)
    assert document.location == httpserver.url_for("/old")
    assert document.final_url == document.url == httpserver.url_for("/new")


def test_redirect_loop_is_rejected(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ping").respond_with_data("", status=302, headers={"Location": "/pong"})
    httpserver.expect_request("/pong").respond_with_data("", status=302, headers={"Location": "/ping"})
    rejected(fetcher().fetch(httpserver.url_for("/ping")), "redirect_loop")


def test_too_many_redirects_are_rejected(httpserver: HTTPServer) -> None:
    for hop in range(4):
        httpserver.expect_request(f"/hop{hop}").respond_with_data(
            "", status=307, headers={"Location": f"/hop{hop + 1}"}
        )
    rejected(fetcher(max_redirects=2).fetch(httpserver.url_for("/hop0")), "too_many_redirects")


def test_slow_server_is_rejected_as_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.8)
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    rejected(fetcher(read_timeout=0.3).fetch(httpserver.url_for("/slow")), "timeout")


def test_body_over_max_bytes_is_rejected_as_too_large(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data("<p>" + "x" * 5000 + "</p>", content_type="text/html")
    rejected(fetcher(max_bytes=1000).fetch(httpserver.url_for("/big")), "too_large")


def test_compressed_body_is_capped_after_decompression(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 200_000 + b"</p>")
    assert len(bomb) < 1000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    rejected(fetcher(max_bytes=10_000).fetch(httpserver.url_for("/bomb")), "too_large")


def test_image_is_rejected_as_not_html(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/photo").respond_with_data(b"\x89PNG\r\n\x1a\n", content_type="image/png")
    rejected(fetcher().fetch(httpserver.url_for("/photo")), "not_html")


def test_robots_disallow_and_crawl_delay_are_obeyed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\nCrawl-delay: 1\n", content_type="text/plain"
    )
    seen: dict[str, float] = {}

    def page(request: Request) -> Response:
        seen[request.path] = time.monotonic()
        return Response(PAGE, content_type="text/html")

    for path in ("/private/memo", "/a", "/b"):
        httpserver.expect_request(path).respond_with_handler(page)

    results = fetcher(obey_robots=True, max_workers=3).fetch_many(
        [httpserver.url_for("/private/memo"), httpserver.url_for("/a"), httpserver.url_for("/b")]
    )

    rejected(results[0], "robots")
    assert all(isinstance(result, RawDocument) for result in results[1:])
    assert "/private/memo" not in seen
    assert abs(seen["/b"] - seen["/a"]) >= 0.9
    assert [request.path for request, _ in httpserver.log].count("/robots.txt") == 1


def test_missing_robots_txt_allows_everything(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("not here", status=404)
    httpserver.expect_request("/private/memo").respond_with_data(PAGE, content_type="text/html")
    assert isinstance(fetcher(obey_robots=True).fetch(httpserver.url_for("/private/memo")), RawDocument)


def test_unchanged_page_answers_304_to_a_conditional_get(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/story", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 06 May 2024 10:00:00 GMT"}
    ).respond_with_data("", status=304)

    result = fetcher().fetch(
        httpserver.url_for("/story"), etag='"v1"', last_modified="Mon, 06 May 2024 10:00:00 GMT"
    )

    assert result == Unchanged(url=httpserver.url_for("/story"), source=httpserver.url_for("/story"))


def test_internal_address_is_refused_before_any_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    settings = FetchSettings(per_host_interval=0.0)  # the default: allow_private=False

    result = Fetcher(settings).fetch(httpserver.url_for("/story"))

    rejected(result, "private_address")
    assert httpserver.log == []


@pytest.mark.parametrize("url", ["ftp://example.com/file.html", "file:///etc/passwd"])
def test_other_schemes_are_refused(url: str) -> None:
    result = fetcher().fetch(url)
    assert isinstance(result, Reject)
    assert result.reason in ("bad_scheme", "bad_url")


def test_fetch_many_keeps_the_order_of_the_urls(httpserver: HTTPServer) -> None:
    for name in ("one", "two", "three"):
        httpserver.expect_request(f"/{name}").respond_with_data(f"<p>{name}</p>", content_type="text/html")
    httpserver.expect_request("/missing").respond_with_data("", status=404)
    urls = [httpserver.url_for(path) for path in ("/three", "/missing", "/one", "/two")]

    results = fetcher(max_workers=4).fetch_many(urls)

    assert [result.url if isinstance(result, RawDocument) else result.reason for result in results] == [
        urls[0],
        "http_404",
        urls[2],
        urls[3],
    ]


def test_retry_after_is_read_as_seconds_or_http_date_and_capped() -> None:
    from email.utils import format_datetime

    from tasks.ingest.web import _retry_after

    in_five = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    assert _retry_after("2") == 2.0
    assert 3.0 <= _retry_after(in_five) <= 5.0
    assert _retry_after("86400") == 60.0
    assert _retry_after("soon") == 0.0
    assert _retry_after(None) == 0.0


def test_robots_txt_a_server_error_keeps_from_us_disallows_the_host(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")

    result = fetcher(obey_robots=True, retries=1).fetch(httpserver.url_for("/story"))

    reject = rejected(result, "robots")
    assert "could not be read" in reject.message and "RFC 9309" in reject.message
    assert [request.path for request, _ in httpserver.log] == ["/robots.txt", "/robots.txt"]


def test_a_server_trickling_bytes_is_cut_off_by_the_whole_body_deadline(httpserver: HTTPServer) -> None:
    def trickle(request: Request) -> Response:
        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(20):
                yield b"<p>still coming</p>"
                time.sleep(0.1)

        return Response(chunks(), content_type="text/html")

    httpserver.expect_request("/trickle").respond_with_handler(trickle)

    result = fetcher(read_timeout=1.0, max_seconds=0.5).fetch(httpserver.url_for("/trickle"))

    assert "took over 0.5 s" in rejected(result, "timeout").message


def test_the_connection_guard_refuses_an_internal_peer_even_when_the_name_passed() -> None:
    # The address check runs on the name before connecting; DNS may answer differently a moment later
    # (rebinding). The guard checks the socket's actual peer, so a direct loopback connection is refused.
    import requests

    from tasks.ingest.web import _GuardedAdapter, _internal_peer

    server = HTTPServer(host="127.0.0.1")
    server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    server.start()
    try:
        session = requests.Session()
        session.mount("http://", _GuardedAdapter(max_retries=0))
        with pytest.raises(requests.exceptions.ConnectionError) as caught:
            session.get(server.url_for("/story"), timeout=5)
        refusal = _internal_peer(caught.value)
        assert refusal is not None and "127.0.0.1, a loopback address" in str(refusal)
        assert server.log == []
    finally:
        server.stop()


def test_brotli_bodies_are_decoded_and_capped_after_decoding(httpserver: HTTPServer) -> None:
    import brotli

    httpserver.expect_request("/br").respond_with_data(
        brotli.compress(PAGE.encode()), content_type="text/html", headers={"Content-Encoding": "br"}
    )
    httpserver.expect_request("/br-bomb").respond_with_data(
        brotli.compress(b"<p>" + b"a" * 200_000 + b"</p>"),
        content_type="text/html",
        headers={"Content-Encoding": "br"},
    )

    document = fetcher().fetch(httpserver.url_for("/br"))

    assert isinstance(document, RawDocument) and "council met" in document.text
    assert "br" in httpserver.log[0][0].headers["Accept-Encoding"]
    rejected(fetcher(max_bytes=10_000).fetch(httpserver.url_for("/br-bomb")), "too_large")
