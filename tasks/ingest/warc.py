"""Web archives: the HTML responses stored in a .warc / .arc file (gzipped or not), read as a stream.

Each 2xx HTML or text response becomes a `RawDocument` named by its target URI; other records become rejects.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException, DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from tasks.ingest.decode import DecodeError, decode_bytes, parse_content_type
from tasks.ingest.ids import document_id
from tasks.records import RawDocument, Reject

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
# Content types whose payload is an article page; everything else in a crawl (images, scripts, PDFs) is not.
_PAGE_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
# Statuses that carry a page of their own under their own name; reasons for the rest group by class,
# except the ones a reader of the run summary would want to tell apart.
_NAMED_STATUSES = {404}
_DRAIN_CHUNK = 1 << 16
# Crawlers store these fetches as `response` records without HTTP headers (Heritrix writes dns: lookups).
_NON_HTTP_SCHEMES = ("dns:", "ftp:", "whois:")
# What a broken archive raises while being read: warcio's own errors, the gzip, chunking and EOF errors of
# the layers underneath it, and ValueError for a garbled length header (int() of a torn line).
_ARCHIVE_ERRORS = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    ChunkedDataException,
    EOFError,
    zlib.error,
    OSError,
    ValueError,
    AttributeError,  # warcio 1.8 reads a status line of None when the file ends inside record headers
)


def is_warc_path(path: Path | str) -> bool:
    """True for a web archive by its name: .warc, .warc.gz, .arc or .arc.gz (any case)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def read_warc(
    path: Path, *, source: str, max_bytes: int, now: datetime | None = None
) -> Iterator[RawDocument | Reject]:
    """Yield a document or reject per response record; a broken archive ends with one `bad_warc` reject."""
    location = str(path)
    fallback_time = now or datetime.now(UTC)
    read_so_far = 0
    try:
        with path.open("rb") as handle:
            # arc2warc turns ARC records into WARC `response` records, so one code path reads both formats.
            # warcio reads any text as ARC header lines, so check the first bytes name a WARC or ARC file.
            head = DecompressingBufferedReader(handle).read(16).lstrip()
            if not head.startswith((b"WARC/", b"filedesc://")):
                raise _BrokenArchive("it does not start with a WARC or ARC header")
            handle.seek(0)
            records = _ArchiveReader(handle, arc2warc=True)
            for record in records:
                outcome = None
                if record.rec_type == "response":
                    outcome = _read_response(
                        record, source=source, max_bytes=max_bytes, fallback_time=fallback_time
                    )
                # Checked before yielding: a page cut short by the end of the file is not a page.
                _check_complete(record)
                if outcome is not None:
                    read_so_far += 1
                    yield outcome
            # warcio ends quietly where the bytes end; a cut gzip member or a record whose length did not
            # match (counted in err_count) is the only trace of a truncated file.
            if records.ends_inside_gzip_member:
                raise _BrokenArchive("the file ends inside a gzip member")
            if records.err_count:
                raise _BrokenArchive(f"{records.err_count} record(s) have a wrong length")
    except _ARCHIVE_ERRORS as error:
        # Crawls are often cut short (a full disk, a killed crawler): keep what came before the damage.
        message = f"{location}: unreadable after {read_so_far} response(s): {error or type(error).__name__}"
        yield Reject(location, "ingest", "bad_warc", message)


class _BrokenArchive(ValueError):
    pass


class _ArchiveReader(ArchiveIterator):
    """warcio's iterator, remembering whether the last gzip member was whole before it closes it."""

    ends_inside_gzip_member = False

    def close(self) -> None:
        decompressor = self.reader.decompressor if self.reader else None
        self.ends_inside_gzip_member = decompressor is not None and not decompressor.eof
        super().close()


def _check_complete(record: ArcWarcRecord) -> None:
    """Read the rest of the record's block and fail if the archive ends before its declared length."""
    block = record.raw_stream
    while block.read(_DRAIN_CHUNK):
        pass
    # warcio hands out a short block without complaint when the file ends inside it.
    if isinstance(block, LimitReader) and block.limit > 0:
        target = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        raise _BrokenArchive(f"the archive ends {block.limit:,} bytes into the record for {target}")


def _read_response(
    record: ArcWarcRecord, *, source: str, max_bytes: int, fallback_time: datetime
) -> RawDocument | Reject:
    target_uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = target_uri or source
    http_headers = record.http_headers
    if http_headers is None:
        if not target_uri.lower().startswith(_NON_HTTP_SCHEMES):
            # warcio leaves the headers out, without an error, when the file ends inside the record's headers.
            raise _BrokenArchive(f"the response for {target_uri} has no readable HTTP headers")
        # A `response` record for a non-HTTP fetch (dns:, ftp:) has no status line to judge it by.
        return Reject(where, "ingest", "not_html", "the response has no HTTP headers")
    status = _status(http_headers.get_statuscode())
    if status is None or not 200 <= status < 300:
        return Reject(where, "ingest", _status_reason(status), f"HTTP status {http_headers.statusline!r}")
    content_type, charset = parse_content_type(http_headers.get_header("Content-Type"))
    if content_type not in _PAGE_TYPES:
        message = f"content type {content_type or 'missing'!r} is not a page"
        return Reject(where, "ingest", "not_html", message)

    # content_stream undoes chunked and gzip transfer encodings, so the cap applies to the page itself.
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return Reject(where, "ingest", "too_large", f"the page is over the {max_bytes:,}-byte limit")
    try:
        decoded = decode_bytes(payload, declared_type=content_type, header_charset=charset)
    except DecodeError as error:
        return Reject(where, "ingest", error.reason, str(error))

    raw_sha256 = hashlib.sha256(payload).hexdigest()
    return RawDocument(
        doc_id=document_id(target_uri, raw_sha256),
        source=source,
        location=target_uri,
        url=target_uri or None,
        fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")) or fallback_time,
        content_type=decoded.content_type,
        charset=decoded.charset,
        raw=payload,
        raw_sha256=raw_sha256,
        text=decoded.text,
        http_status=status,
        final_url=target_uri or None,
        etag=http_headers.get_header("ETag"),
        last_modified=http_headers.get_header("Last-Modified"),
    )


def _status(code: str | None) -> int | None:
    try:
        return int(code) if code else None
    except ValueError:
        return None


def _status_reason(status: int | None) -> str:
    """`http_404`, else the class (`http_3xx`, `http_4xx`, `http_5xx`); `http_unknown` if none."""
    if status is None or not 100 <= status < 600:
        return "http_unknown"
    if status in _NAMED_STATUSES:
        return f"http_{status}"
    return f"http_{status // 100}xx"


def _warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, usually with Z) as an aware UTC datetime; None when missing or malformed."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    # A date without an offset is UTC by the WARC standard.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
