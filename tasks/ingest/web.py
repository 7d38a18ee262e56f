"""Fetching pages from the web: polite per host, incremental with conditional GETs, safe by default.

Owns the HTTP session, robots.txt, redirects, retries, size caps and the address guard; decoding is shared.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from tasks.ingest.decode import DecodeError, decode_bytes, parse_content_type
from tasks.ingest.ids import document_id
from tasks.ingest.urls import canonicalize_url, check_address, internal_kind
from tasks.records import RawDocument, Reject

# A server asking us to come back later is obeyed, but not for longer than this per attempt.
_MAX_RETRY_AFTER = 60.0
# Google reads at most 500 KiB of robots.txt; more is a misconfiguration, not rules.
_MAX_ROBOTS_BYTES = 500_000
# A Crawl-delay above this would stall a worker for good; such a host is still asked this rarely.
_MAX_CRAWL_DELAY = 30.0
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PAGE_TYPES = frozenset(
    {"application/xhtml+xml", "application/xml", "application/rss+xml", "application/atom+xml"}
)
# Statuses handed back to the caller as they are: redirects to follow, 304 to report as Unchanged.
_PASSED_ON_STATUSES = _REDIRECT_STATUSES | {304}
# Failures to read robots.txt that mean "the rules exist but cannot be read now" (RFC 9309, 2.3.1.4).
_ROBOTS_UNREACHABLE = frozenset({"http_5xx", "http_429", "timeout", "connection_error", "bad_transfer"})
_CHUNK_BYTES = 64 * 1024
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/*;q=0.8"
# For a URL that may be a feed, a sitemap or a page: feeds first, since a site answers either way.
ANY_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/html;q=0.8,*/*;q=0.5"


@dataclass(frozen=True)
class FetchSettings:
    """How the fetcher behaves; built once from the flow parameters."""

    user_agent: str = "Wirehouse/0.1 (+https://github.com/wirehouse; news pipeline)"
    connect_timeout: float = 5.0
    read_timeout: float = 20.0  # per socket read ...
    max_seconds: float = 120.0  # ... and for the whole body, so a server trickling bytes is cut off too
    retries: int = 3  # extra attempts after the first, for connection errors, 429 and 5xx
    backoff: float = 0.5  # first wait in seconds; doubles per attempt
    max_redirects: int = 5
    max_bytes: int = 20_000_000  # of the decoded body, so compressed bombs are capped too
    per_host_interval: float = 1.0  # seconds between request starts on one host (robots Crawl-delay wins)
    max_workers: int = 8
    allow_private: bool = False  # True only for tests and intranets: lets requests reach internal addresses
    obey_robots: bool = True


@dataclass(frozen=True, slots=True)
class Unchanged:
    """A page the server says has not changed since the given ETag / Last-Modified (HTTP 304)."""

    url: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Resource:
    """A fetched body before anyone has decided what it is: a feed, a sitemap, or an article page."""

    url: str  # canonical, as asked for
    final_url: str  # after redirects
    status: int
    mime: str | None
    charset: str | None
    body: bytes
    etag: str | None
    last_modified: str | None


FetchResult = RawDocument | Reject | Unchanged


@dataclass
class _Host:
    """Politeness and robots state of one scheme://host:port."""

    interval: float
    slot_lock: threading.Lock = field(default_factory=threading.Lock)
    next_allowed: float = 0.0
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    robots: Protego | None = None
    robots_loaded: bool = False
    robots_unreachable: str | None = None  # why robots.txt could not be read (a server or network error)


class _Failure(Exception):
    """An expected failure inside one fetch, turned into a Reject at the top."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    url: str
    headers: Mapping[str, str]
    body: bytes


class _InternalPeer(NewConnectionError):
    """The socket connected to an internal address although the name looked public (DNS rebinding)."""


class _GuardedHTTPConnection(HTTPConnection):
    """Checks the address actually connected to, closing the window between our DNS check and urllib3's."""

    def _new_conn(self):  # type: ignore[no-untyped-def]  # urllib3's own signature
        sock = super()._new_conn()
        peer = str(sock.getpeername()[0])
        kind = internal_kind(peer)
        if kind:
            sock.close()
            raise _InternalPeer(self, f"{self.host} connected to {peer}, a {kind} address")
        return sock


class _GuardedHTTPSConnection(_GuardedHTTPConnection, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """Direct connections check their peer address; connections through a configured proxy are left alone
    (the peer is then the proxy, which may well be internal)."""

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


class Fetcher:
    """Fetches pages politely and safely; safe to share between threads (each thread gets its own session)."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """This thread's session (requests.Session is not documented as thread-safe, so none is shared)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            # Retries and redirects are ours (to honour Retry-After, check every hop): the adapter does none.
            adapter_class = HTTPAdapter if self.settings.allow_private else _GuardedAdapter
            adapter = adapter_class(pool_maxsize=4, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close the pooled connections of every thread."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        source: str | None = None,
    ) -> FetchResult:
        """Fetch one page: a RawDocument, Unchanged on HTTP 304, or a Reject with a stable reason code."""
        result = self.fetch_resource(
            url, source=source, etag=etag, last_modified=last_modified, accept=PAGE_ACCEPT, is_page=True
        )
        if isinstance(result, Resource):
            return self.page_from_resource(result, source=source or url)
        return result

    def fetch_resource(
        self,
        url: str,
        *,
        source: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ANY_ACCEPT,
        is_page: bool = False,
    ) -> Resource | Unchanged | Reject:
        """Fetch any body (a feed, a sitemap, gzipped or not, a page) with the same caps, retries and safety.

        `is_page` refuses non-page content types before reading the body. Rejects are named by `url`.
        """
        try:
            canonical = canonicalize_url(url)
        except ValueError as error:
            return Reject(source=url, stage="ingest", reason="bad_url", message=f"{url}: {error}")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            response = self._follow(canonical, headers, max_bytes=self.settings.max_bytes, is_page=is_page)
        except _Failure as failure:
            return Reject(source=url, stage="ingest", reason=failure.reason, message=f"{url}: {failure}")
        if response.status == 304:
            return Unchanged(url=canonical, source=source or url)
        mime, charset = parse_content_type(response.headers.get("Content-Type"))
        return Resource(
            url=canonical,
            final_url=response.url,
            status=response.status,
            mime=mime or None,
            charset=charset,
            body=response.body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def page_from_resource(self, resource: Resource, *, source: str) -> RawDocument | Reject:
        """The body as an article page: checked to be HTML, XML or text, decoded, named by URL and bytes."""
        if not _is_page_type(resource.mime):
            return Reject(
                resource.url,
                "ingest",
                "not_html",
                f"{resource.url}: content type {resource.mime} is not a page",
            )
        try:
            decoded = decode_bytes(
                resource.body, declared_type=resource.mime, header_charset=resource.charset
            )
        except DecodeError as error:
            return Reject(resource.url, "ingest", error.reason, f"{resource.url}: {error}")
        raw_sha256 = hashlib.sha256(resource.body).hexdigest()
        return RawDocument(
            doc_id=document_id(resource.url, raw_sha256),
            source=source,
            location=resource.url,
            url=resource.final_url,
            fetched_at=datetime.now(UTC),
            content_type=decoded.content_type,
            charset=decoded.charset,
            raw=resource.body,
            raw_sha256=raw_sha256,
            text=decoded.text,
            http_status=resource.status,
            final_url=resource.final_url,
            etag=resource.etag,
            last_modified=resource.last_modified,
        )

    def robots_sitemaps(self, url: str) -> list[str]:
        """The sitemaps the robots.txt of `url`'s host lists (read once per run, shared with the rules)."""
        robots = self._robots(url)
        return list(robots.sitemaps) if robots is not None else []

    def fetch_many(
        self,
        urls: Iterable[str],
        *,
        validators: Mapping[str, tuple[str | None, str | None]] | None = None,
        source: str | None = None,
    ) -> list[FetchResult]:
        """Fetch many pages in parallel (hosts stay polite); results in the order of `urls`.

        `validators` maps a URL to its (etag, last_modified) from the previous run, for conditional GETs.
        """
        known = validators or {}

        def one(url: str) -> FetchResult:
            etag, last_modified = known.get(url, (None, None))
            return self.fetch(url, etag=etag, last_modified=last_modified, source=source)

        with ThreadPoolExecutor(max_workers=self.settings.max_workers) as pool:
            return list(pool.map(one, list(urls)))

    # -- one URL through redirects -------------------------------------------------------------------------

    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        *,
        max_bytes: int,
        is_page: bool,
        check_robots: bool = True,
    ) -> _Response:
        """GET `url`, following redirects by hand so every hop passes scheme, address and robots checks."""
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            self._check_target(current, check_robots=check_robots)
            response = self._get_with_retries(current, headers, max_bytes=max_bytes, is_page=is_page)
            if response.status not in _REDIRECT_STATUSES:
                return response
            location = response.headers.get("Location")
            if not location:
                raise _Failure("http_4xx", f"HTTP {response.status} redirect without a Location header")
            try:
                current = canonicalize_url(urljoin(current, location))
            except ValueError as error:
                raise _Failure("bad_url", f"redirect to an unusable URL: {error}") from None
            if current in seen:
                raise _Failure("redirect_loop", f"redirects come back to {current}")
            seen.add(current)
        raise _Failure("too_many_redirects", f"more than {self.settings.max_redirects} redirects")

    def _check_target(self, url: str, *, check_robots: bool) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            scheme = parts.scheme or "no scheme"
            raise _Failure("bad_scheme", f"only http and https are fetched, not {scheme}")
        problem = check_address(parts.hostname or "", allow_private=self.settings.allow_private)
        if problem:
            raise _Failure("private_address", problem)
        if check_robots and self.settings.obey_robots:
            robots = self._robots(url)
            unreachable = self._host(url).robots_unreachable
            if unreachable:
                raise _Failure(
                    "robots",
                    f"robots.txt of {parts.netloc} could not be read ({unreachable}); a host whose rules are "
                    "unknown is not crawled (RFC 9309), the next run asks again",
                )
            if robots is not None and not robots.can_fetch(url, self.settings.user_agent):
                raise _Failure("robots", f"robots.txt of {parts.netloc} disallows this URL")

    def _robots(self, url: str) -> Protego | None:
        """The host's robots rules, fetched once per Fetcher; None (allow all) when there are none.

        As RFC 9309 asks, a missing robots.txt (4xx) allows everything, while one that a server or network
        error keeps from us (5xx, 429, timeout, no connection, after retries) disallows everything.
        """
        parts = urlsplit(url)
        host = self._host(url)
        with host.robots_lock:
            if host.robots_loaded:
                return host.robots
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            try:
                response = self._follow(
                    robots_url, {}, max_bytes=_MAX_ROBOTS_BYTES, is_page=False, check_robots=False
                )
            except _Failure as failure:
                response = None
                if failure.reason in _ROBOTS_UNREACHABLE:
                    host.robots_unreachable = str(failure)
            if response is not None and 200 <= response.status < 300:
                host.robots = Protego.parse(response.body.decode("utf-8", errors="replace"))
                delay = host.robots.crawl_delay(self.settings.user_agent)
                if delay:
                    with host.slot_lock:
                        host.interval = max(host.interval, min(float(delay), _MAX_CRAWL_DELAY))
                        host.next_allowed = max(host.next_allowed, time.monotonic() + host.interval)
            host.robots_loaded = True
            return host.robots

    # -- one request, retried --------------------------------------------------------------------------------

    def _get_with_retries(
        self, url: str, headers: dict[str, str], *, max_bytes: int, is_page: bool
    ) -> _Response:
        settings = self.settings
        attempt = 0
        while True:
            self._wait_turn(url)
            retry_reason, wait = "", 0.0
            try:
                response = self._get_once(url, headers, max_bytes=max_bytes, is_page=is_page)
            except requests.exceptions.ConnectTimeout as error:
                retry_reason = "timeout"
                message = f"no connection within {settings.connect_timeout} s ({error})"
            except requests.exceptions.Timeout:
                # A server too slow to answer is not hammered again.
                raise _Failure("timeout", f"no data for {settings.read_timeout} s") from None
            except requests.exceptions.ConnectionError as error:
                refused = _internal_peer(error)
                if refused is not None:
                    raise _Failure(
                        "private_address", f"{refused}; pass allow_private=True to fetch it"
                    ) from None
                retry_reason, message = "connection_error", f"connection failed: {error}"
            else:
                if response.status == 429 or response.status >= 500:
                    retry_reason = "http_429" if response.status == 429 else "http_5xx"
                    message = f"HTTP {response.status} after {attempt + 1} attempts"
                    wait = _retry_after(response.headers.get("Retry-After"))
                elif response.status == 404 or response.status == 410:
                    raise _Failure("http_404", f"HTTP {response.status}: the page is not there")
                elif 400 <= response.status < 500:
                    raise _Failure("http_4xx", f"HTTP {response.status}")
                elif not (200 <= response.status < 300 or response.status in _PASSED_ON_STATUSES):
                    raise _Failure("http_other", f"HTTP {response.status} is neither a page nor a redirect")
                else:
                    return response
            if attempt >= settings.retries:
                raise _Failure(retry_reason, message)
            # Exponential back-off with jitter, unless the server named a longer wait.
            backoff = settings.backoff * (2**attempt) * (1 + random.random() / 4)
            time.sleep(max(backoff, wait))
            attempt += 1

    def _get_once(self, url: str, headers: dict[str, str], *, max_bytes: int, is_page: bool) -> _Response:
        settings = self.settings
        with self.session.get(
            url,
            headers=headers,
            timeout=(settings.connect_timeout, settings.read_timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            status = response.status_code
            if not 200 <= status < 300:
                # Error, redirect and 304 bodies are not needed; closing drops the connection if unread.
                return _Response(status, url, response.headers, b"")
            if is_page:
                mime, _ = parse_content_type(response.headers.get("Content-Type"))
                if not _is_page_type(mime or None):
                    raise _Failure("not_html", f"content type {mime} is not a page")
            declared_length = response.headers.get("Content-Length", "")
            if declared_length.isdigit() and int(declared_length) > max_bytes:
                raise _Failure("too_large", f"declares {int(declared_length):,} bytes, over {max_bytes:,}")
            body = bytearray()
            deadline = time.monotonic() + settings.max_seconds
            try:
                # iter_content yields decompressed bytes, so counting them caps gzip/brotli bombs as well.
                for chunk in response.iter_content(_CHUNK_BYTES):
                    body += chunk
                    if len(body) > max_bytes:
                        raise _Failure("too_large", f"body is over {max_bytes:,} bytes")
                    if time.monotonic() > deadline:
                        raise _Failure("timeout", f"body took over {settings.max_seconds} s to arrive")
            except requests.exceptions.ConnectionError as error:
                # requests wraps a read timeout in the middle of the body as a ConnectionError.
                if any(isinstance(arg, ReadTimeoutError) for arg in error.args):
                    raise _Failure("timeout", f"body stalled for {settings.read_timeout} s") from None
                raise _Failure("connection_error", f"connection broke while reading: {error}") from None
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as err:
                raise _Failure("bad_transfer", f"body could not be read: {err}") from None
            return _Response(status, url, response.headers, bytes(body))

    # -- politeness ------------------------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(interval=self.settings.per_host_interval)
            return self._hosts[key]

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again; reserving the slot under the lock spaces the threads."""
        host = self._host(url)
        with host.slot_lock:
            now = time.monotonic()
            start = max(now, host.next_allowed)
            host.next_allowed = start + host.interval
        if start > now:
            time.sleep(start - now)


def _is_page_type(mime: str | None) -> bool:
    """HTML, XHTML, XML and text are pages; no content type at all is given the benefit of the doubt."""
    return not mime or mime.startswith("text/") or mime in _PAGE_TYPES or mime.endswith("+xml")


def _internal_peer(error: BaseException) -> _InternalPeer | None:
    """The connection guard's refusal inside requests' wrapping of urllib3 errors, if that is what failed."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen or current is None:
            continue
        seen.add(id(current))
        if isinstance(current, _InternalPeer):
            return current
        if isinstance(current, BaseException):
            pending.extend([*current.args, getattr(current, "reason", None), current.__cause__])
    return None


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped; 0 if absent or bad."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), _MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), _MAX_RETRY_AFTER)
