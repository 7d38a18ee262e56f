"""URL hygiene for the web fetcher: one canonical spelling per page, and a guard against internal addresses.

The tracking parameters dropped by `canonicalize_url` live in `web_tracking_params.txt` next to this file.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import cache
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit, urlunsplit

_TRACKING_PARAMS_FILE = Path(__file__).with_name("web_tracking_params.txt")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@cache
def _tracking_params() -> tuple[frozenset[str], tuple[str, ...]]:
    """Exact names and name prefixes (entries ending in *) from the data file, lower-cased."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for line in _TRACKING_PARAMS_FILE.read_text(encoding="utf-8").splitlines():
        entry = line.strip().lower()
        if not entry or entry.startswith("#"):
            continue
        if entry.endswith("*"):
            prefixes.append(entry[:-1])
        else:
            exact.add(entry)
    return frozenset(exact), tuple(prefixes)


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track the visitor (utm_source, fbclid, ...)."""
    exact, prefixes = _tracking_params()
    lowered = name.lower()
    return lowered in exact or lowered.startswith(prefixes)


def canonicalize_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, fragment or tracking params.

    Raises ValueError for a URL without a host or with a malformed port.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = parts.hostname  # already lower-cased, IPv6 brackets removed
    if not host:
        raise ValueError(f"not an absolute URL with a host: {url!r}")
    port = parts.port
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    # Filter the raw pairs instead of re-encoding them, so the kept params keep their exact spelling.
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and not is_tracking_param(unquote_plus(pair.partition("=")[0]))
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def check_address(host: str, *, allow_private: bool) -> str | None:
    """A reason message if `host` resolves to an internal address (SSRF guard), else None.

    A name that does not resolve passes: the request itself then fails with a connection error.
    """
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # drop an IPv6 zone id
        # An IPv4-mapped IPv6 address reaches the IPv4 host, so judge that one.
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        kind = internal_kind(address)
        if kind:
            return f"{host} resolves to {address}, a {kind} address; pass allow_private=True to fetch it"
    return None


def internal_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address | str) -> str | None:
    """What kind of internal address this is (loopback, private, ...), or None for a public one."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # Loopback and link-local come before private: 127.0.0.1 and 169.254.x are "private" too in ipaddress.
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("unspecified", address.is_unspecified),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return kind
    return None
