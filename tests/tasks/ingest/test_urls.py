"""URL hygiene: canonical spelling of URLs and the guard against internal addresses."""

from __future__ import annotations

import pytest

from tasks.ingest.urls import canonicalize_url, check_address, is_tracking_param


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=x&id=7&UTM_Medium=y&fbclid=z&page=2",
            "https://example.com/a?id=7&page=2",
        ),
        ("https://example.com/a?gclid=1&mc_cid=2&mc_eid=3", "https://example.com/a"),
        ("https://example.com/a?q=caf%C3%A9+au+lait&b=", "https://example.com/a?q=caf%C3%A9+au+lait&b="),
        ("https://example.com/Path/Keeps/Case", "https://example.com/Path/Keeps/Case"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url_has_one_spelling(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


def test_canonicalizing_twice_changes_nothing() -> None:
    once = canonicalize_url("HTTPS://News.Example.org:443?utm_campaign=a&x=1#top")
    assert canonicalize_url(once) == once == "https://news.example.org/?x=1"


def test_url_without_host_is_refused() -> None:
    with pytest.raises(ValueError):
        canonicalize_url("/just/a/path")


def test_tracking_params_come_from_the_data_file() -> None:
    assert is_tracking_param("utm_content")
    assert is_tracking_param("FBCLID")
    assert not is_tracking_param("id")
    assert not is_tracking_param("utm")  # only the utm_ prefix is tracking


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1", "0.0.0.0", "224.0.0.1"],
)
def test_internal_addresses_are_refused_with_a_reason(host: str) -> None:
    reason = check_address(host, allow_private=False)
    assert reason is not None
    assert "allow_private" in reason


def test_public_address_passes() -> None:
    assert check_address("8.8.8.8", allow_private=False) is None


def test_allow_private_lets_loopback_through() -> None:
    assert check_address("127.0.0.1", allow_private=True) is None
