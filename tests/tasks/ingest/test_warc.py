"""Web-archive ingest: response records become documents, everything else a reject or nothing.

Archives are written in tmp_path with warcio's own writer, gzipped per record and plain.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tasks.ingest.files import document_id
from tasks.ingest.warc import is_warc_path, read_warc
from tasks.records import RawDocument, Reject

ARTICLE = (
    "<html><head><title>Story</title></head><body><p>The first paragraph of the story.</p></body></html>"
)
META_ONLY = (
    '<html><head><meta charset="iso-8859-2"><title>Zpráva</title></head>'
    "<body><p>Příliš žluťoučký kůň úpěl ďábelské ódy.</p></body></html>"
)
CP1252 = "<html><body><p>\u201cCaf\u00e9 cr\u00e8me\u201d \u2014 na\u00efve.</p></body></html>"


def response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
    extra: list[tuple[str, str]] | None = None,
    date: str = "2024-05-01T12:30:00Z",
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type), *(extra or [])], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)


def write_crawl(path: Path, *, gzip: bool) -> Path:
    """A small crawl: three pages, the records a crawler writes around them, and responses to reject."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        writer.write_record(
            writer.create_warc_record(
                "https://example.com/a", "request", payload=io.BytesIO(b""), http_headers=request
            )
        )
        response(
            writer,
            "https://example.com/a",
            ARTICLE.encode(),
            extra=[("ETag", '"abc"'), ("Last-Modified", "Wed, 01 May 2024 10:00:00 GMT")],
        )
        response(writer, "https://example.com/meta", META_ONLY.encode("iso-8859-2"), content_type="text/html")
        response(
            writer,
            "https://example.com/legacy",
            CP1252.encode("cp1252"),
            content_type="text/html; charset=windows-1252",
        )
        response(writer, "https://example.com/gone", b"<html>Not found</html>", status="404 Not Found")
        response(writer, "https://example.com/err", b"<html>oops</html>", status="503 Service Unavailable")
        response(writer, "https://example.com/moved", b"", status="301 Moved Permanently")
        png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
        response(writer, "https://example.com/logo.png", png, content_type="image/png")
    return path


def read_all(path: Path, max_bytes: int = 1_000_000) -> list[RawDocument | Reject]:
    return list(read_warc(path, source="crawl", max_bytes=max_bytes))


def documents(items: list[RawDocument | Reject]) -> dict[str, RawDocument]:
    return {item.url or "": item for item in items if isinstance(item, RawDocument)}


def rejects(items: list[RawDocument | Reject]) -> dict[str, str]:
    return {item.source: item.reason for item in items if isinstance(item, Reject)}


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_responses_become_documents_and_other_records_are_skipped(tmp_path: Path, name: str) -> None:
    items = read_all(write_crawl(tmp_path / name, gzip=name.endswith(".gz")))
    docs = documents(items)
    assert list(docs) == ["https://example.com/a", "https://example.com/meta", "https://example.com/legacy"]
    page = docs["https://example.com/a"]
    assert page.source == "crawl"
    assert page.location == page.final_url == "https://example.com/a"
    assert page.http_status == 200
    assert page.etag == '"abc"'
    assert page.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert page.fetched_at == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert page.raw == ARTICLE.encode()
    assert page.doc_id == document_id("https://example.com/a", page.raw_sha256)
    assert page.content_type == "text/html"
    assert "first paragraph" in page.text


def test_charset_only_in_a_meta_tag_is_used(tmp_path: Path) -> None:
    docs = documents(read_all(write_crawl(tmp_path / "crawl.warc", gzip=False)))
    assert docs["https://example.com/meta"].text == META_ONLY


def test_charset_from_the_http_header_decodes_cp1252(tmp_path: Path) -> None:
    page = documents(read_all(write_crawl(tmp_path / "crawl.warc.gz", gzip=True)))[
        "https://example.com/legacy"
    ]
    assert page.charset == "cp1252"
    assert page.text == CP1252


def test_error_statuses_and_non_pages_are_rejected_with_reason_codes(tmp_path: Path) -> None:
    items = read_all(write_crawl(tmp_path / "crawl.warc.gz", gzip=True))
    assert rejects(items) == {
        "https://example.com/gone": "http_404",
        "https://example.com/err": "http_5xx",
        "https://example.com/moved": "http_3xx",
        "https://example.com/logo.png": "not_html",
    }
    assert all(item.stage == "ingest" for item in items if isinstance(item, Reject))


def test_page_over_the_cap_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(writer, "https://example.com/big", b"<html><body>" + b"word " * 500 + b"</body></html>")
        response(writer, "https://example.com/small", b"<html><body>tiny</body></html>")
    items = read_all(path, max_bytes=200)
    assert rejects(items) == {"https://example.com/big": "too_large"}
    assert list(documents(items)) == ["https://example.com/small"]


def test_empty_page_is_rejected_with_the_decoder_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc"
    with path.open("wb") as handle:
        response(WARCWriter(handle, gzip=False), "https://example.com/blank", b"   \n")
    assert rejects(read_all(path)) == {"https://example.com/blank": "empty"}


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_truncated_archive_keeps_pages_before_the_cut_then_rejects(tmp_path: Path, name: str) -> None:
    whole = write_crawl(tmp_path / name, gzip=name.endswith(".gz")).read_bytes()
    cut = tmp_path / f"cut-{name}"
    # Cut inside the cp1252 page: the two pages before it survive, nothing after it is read.
    if name.endswith(".gz"):
        cut.write_bytes(whole[: _offset_of_record(whole, 4) + 40])
    else:
        cut.write_bytes(whole[: whole.index("Caf\u00e9".encode("cp1252")) + 3])
    items = read_all(cut)
    assert list(documents(items)) == ["https://example.com/a", "https://example.com/meta"]
    last = items[-1]
    assert isinstance(last, Reject)
    assert (last.source, last.reason) == (str(cut), "bad_warc")
    assert sum(isinstance(item, Reject) for item in items) == 1


def _offset_of_record(data: bytes, index: int) -> int:
    """Byte offset where the `index`-th gzip member (one record each) starts."""
    starts = [position for position in range(len(data)) if data.startswith(b"\x1f\x8b\x08", position)]
    return starts[index]


@pytest.mark.parametrize("gzip", [False, True])
def test_read_warc_never_raises_wherever_the_file_is_cut(tmp_path: Path, gzip: bool) -> None:
    whole = write_crawl(tmp_path / "crawl.warc", gzip=gzip).read_bytes()
    full = read_all(tmp_path / "crawl.warc")
    cut = tmp_path / "cut.warc"
    for length in range(0, len(whole), 37):
        cut.write_bytes(whole[:length])
        items = read_all(cut)
        bad = [item for item in items if isinstance(item, Reject) and item.reason == "bad_warc"]
        # Either the cut lost nothing (only trailing blank lines) or the reader says so, once, at the end.
        assert bad == [] and items == full[: len(items)] or bad == [items[-1]], length
        assert all(item in full for item in items[:-1]), (length, [i for i in items[:-1] if i not in full])


def test_garbage_and_missing_files_are_bad_warc(tmp_path: Path) -> None:
    garbage = tmp_path / "junk.warc.gz"
    garbage.write_bytes(b"this is not an archive at all\n" * 10)
    assert [(item.reason) for item in read_all(garbage)] == ["bad_warc"]
    assert [(item.reason) for item in read_all(tmp_path / "missing.warc")] == ["bad_warc"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.warc", True),
        ("a.WARC.GZ", True),
        ("dir/a.arc", True),
        ("a.arc.gz", True),
        ("a.html", False),
        ("a.gz", False),
        ("warc", False),
    ],
)
def test_is_warc_path_by_suffix(name: str, expected: bool) -> None:
    assert is_warc_path(Path(name)) is expected
