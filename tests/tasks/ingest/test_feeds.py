"""Feed parsing: RSS 0.9x/1.0/2.0 and Atom, relative links, dates, authors, and refusing hostile input.

Every document here is written for the test; nothing touches the network.
"""

from __future__ import annotations

import resource
import time

import pytest

from tasks.ingest.feeds import FeedEntry, FeedError, declares_xml_entities, looks_like_feed, parse_feed


def _rss2(items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Wire</title><link>https://news.example/</link><description>d</description>
{items}
</channel></rss>""".encode()


def test_rss2_twenty_items_across_two_hosts_resolve_relative_links() -> None:
    items = []
    for number in range(20):
        link = f"/story/{number}" if number % 2 == 0 else f"https://other.example/a/{number}"
        items.append(
            f"<item><title>Story {number}</title><link>{link}</link>"
            f"<pubDate>Mon, 04 Mar 2024 10:{number:02d}:00 +0100</pubDate>"
            f"<dc:creator>Writer {number}</dc:creator></item>"
        )
    entries = parse_feed(_rss2("".join(items)), "https://news.example/feed.xml")
    assert len(entries) == 20
    assert entries[0] == FeedEntry(
        url="https://news.example/story/0",
        title="Story 0",
        published="2024-03-04T09:00:00Z",
        author="Writer 0",
    )
    assert entries[1].url == "https://other.example/a/1"
    hosts = {entry.url.split("/")[2] for entry in entries}
    assert hosts == {"news.example", "other.example"}


def test_rss1_rdf_items_use_dc_date_and_creator() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF Wire</title><link>https://rdf.example/</link>
    <description>d</description></channel>
  <item rdf:about="https://rdf.example/one"><title>One</title><link>https://rdf.example/one</link>
    <dc:date>2024-03-01T10:00:00+02:00</dc:date><dc:creator>Ann Lee</dc:creator></item>
  <item rdf:about="https://rdf.example/two"><title>Two</title><link>two</link></item>
</rdf:RDF>"""
    entries = parse_feed(rdf, "https://rdf.example/index.rdf")
    assert entries == [
        FeedEntry("https://rdf.example/one", "One", "2024-03-01T08:00:00Z", "Ann Lee"),
        FeedEntry("https://rdf.example/two", "Two", None, None),
    ]


def test_atom_entry_author_and_published_preferred_over_updated() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Wire</title><id>urn:x</id><updated>2024-05-02T00:00:00Z</updated>
  <author><name>Desk</name></author>
  <entry><title>First</title><id>urn:1</id><link rel="alternate" href="/p/1"/>
    <published>2024-05-01T12:30:00-04:00</published><updated>2024-05-02T08:00:00Z</updated>
    <author><name>Maria Ruiz</name><email>m@atom.example</email></author></entry>
  <entry><title>Second</title><id>urn:2</id><link href="https://atom.example/p/2"/>
    <updated>2024-05-02T09:15:00Z</updated></entry>
</feed>"""
    entries = parse_feed(atom, "https://atom.example/feed")
    assert entries[0] == FeedEntry("https://atom.example/p/1", "First", "2024-05-01T16:30:00Z", "Maria Ruiz")
    # Atom entries without their own author inherit the feed's author (RFC 4287 section 4.2.1).
    assert entries[1] == FeedEntry("https://atom.example/p/2", "Second", "2024-05-02T09:15:00Z", "Desk")


def test_broken_but_tolerable_feed_keeps_its_entries() -> None:
    # Unescaped ampersand and an unclosed channel: feedparser flags bozo but still reads the items.
    broken = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Tom & Jerry News</title>
<item><title>Cats & dogs</title><link>https://broken.example/1</link><pubDate>not a date</pubDate></item>
<item><title>Second</title><link>https://broken.example/2</link></item>
</rss>"""
    entries = parse_feed(broken, "https://broken.example/rss")
    assert [entry.url for entry in entries] == ["https://broken.example/1", "https://broken.example/2"]
    assert entries[0].published == "not a date"


def test_unsafe_and_duplicate_links_are_dropped() -> None:
    items = (
        "<item><title>a</title><link>javascript:alert(1)</link></item>"
        "<item><title>b</title><link>https://dup.example/x</link></item>"
        "<item><title>c</title><link>https://dup.example/x</link></item>"
    )
    entries = parse_feed(_rss2(items), "https://dup.example/")
    assert [entry.title for entry in entries] == ["b"]


def test_entries_are_capped() -> None:
    items = "".join(f"<item><link>https://cap.example/{n}</link></item>" for n in range(30))
    assert len(parse_feed(_rss2(items), "https://cap.example/", max_entries=7)) == 7


def test_billion_laughs_is_refused_quickly_without_memory_growth() -> None:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(levels) + "\n]>\n"
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title><link>https://bomb.example/1</link></item></channel></rss>"
    ).encode()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(bomb, "https://bomb.example/rss")
    assert time.perf_counter() - started < 2.0
    # ru_maxrss is in KiB on Linux; a billion laughs expansion would add about 3 GB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100_000


def test_external_entity_in_utf16_is_still_seen() -> None:
    xxe = (
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss/>'
    )
    assert declares_xml_entities(xxe.encode("utf-16"))
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(xxe.encode("utf-16"), "https://xxe.example/")


def test_html_page_is_not_a_feed() -> None:
    html = b"<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"
    assert not looks_like_feed(html, "application/rss+xml")
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(html, "https://site.example/")


def test_looks_like_feed_sniffs_roots_and_falls_back_to_content_type() -> None:
    assert looks_like_feed(_rss2(""), "text/html")
    assert looks_like_feed(b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', None)
    assert looks_like_feed(b"<?xml version='1.0'?><unknown/>", "application/atom+xml; charset=utf-8")
    assert not looks_like_feed(b"plain words", "text/plain")
