"""Properties of extraction on generated articles: it never raises, offsets point at exactly their text, and
published/updated times are always time-zone aware, whatever the candidates the cleaner found.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tasks.extract import extract_article
from tasks.extract.amounts import find_amounts
from tasks.extract.dates import find_dates
from tasks.extract.entities import find_entities
from tasks.extract.quotes import find_quotes
from tasks.records import Candidate, CleanDocument
from tasks.settings import Settings

SETTINGS = settings(max_examples=75, deadline=None)
_WORD = re.compile(r"\w+")

NAMES = [
    "Mark Rutte", "Volodymyr Zelensky", "Secretary-General Rutte", "President Joe Biden", "Ana López",
    "NATO", "the North Atlantic Treaty Organization (NATO)", "the European Union", "Mr. Smith",
    "Dr. Jane O'Neil", "Zürich", "New Delhi", "Kyiv", "Russia", "Apple Inc.", "he", "she", "Kim Jong Un",
    "the Ministry of Defence", "Sounak Mukhopadhyay", "UN", "U.S.", "São Paulo", "Łódź", "Mumbai",
]  # fmt: skip
CUES = ["said", "told reporters", "added", "warned", "announced", "said on Monday", "wrote"]
DATES = [
    "October 27-28", "Monday", "last week", "on 28 Oct 2024", "2024-10-28", "three days ago", "in March",
    "next year", "the 1990s", "Oct. 5", "5 October", "yesterday", "between May 3 and June 9", "31/02/2024",
    "Feb 30", "in 2025", "at 5:55 PM IST", "this morning",
]  # fmt: skip
AMOUNTS = [
    "$4.2 million", "12 percent", "three senior officers", "1,200 troops", "€50", "Rs 1,000 crore", "10,000",
    "a dozen", "half a million people", "7%", "No. 10", "F-16", "1e308", "99999999999999999999 dollars",
    "0.5 km", "two-thirds", "-3.5 degrees", "1.2.3", "$", "%",
]  # fmt: skip
FILLER = [
    "the", "council", "approved", "a", "plan", "to", "rebuild", "bridge", "after", "talks", "in", "with",
    "troops", "were", "sent", "and", "of", "on", ",", ";", "—", "(", ")", "...", "’s", "«", "»",
]  # fmt: skip
QUOTE_MARKS = [("“", "”"), ('"', '"'), ("„", "“"), ("«", "»"), ("‘", "’"), ("“", ""), ("", "”")]


@st.composite
def quotation(draw: st.DrawFn) -> str:
    opening, closing = draw(st.sampled_from(QUOTE_MARKS))
    words = " ".join(draw(st.lists(st.sampled_from(FILLER + NAMES), min_size=1, max_size=14)))
    return f"{opening}{words}{closing} {draw(st.sampled_from(NAMES))} {draw(st.sampled_from(CUES))}"


fragment = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(CUES),
    st.sampled_from(DATES),
    st.sampled_from(AMOUNTS),
    st.sampled_from(FILLER),
    quotation(),
)
sentence = st.lists(fragment, min_size=1, max_size=16).map(lambda parts: " ".join(parts) + ".")
paragraph = st.one_of(
    st.lists(sentence, min_size=1, max_size=5).map(" ".join),
    st.text(max_size=200),
)
paragraphs = st.lists(paragraph, min_size=1, max_size=6)

TIMESTAMPS = [
    "28 Oct 2024, 05:55 PM IST", "2024-10-28T17:55:00+05:30", "2024-10-28", "Updated 3 hours ago",
    "yesterday", "Monday 9am EST", "garbage", "31/02/2024", "99:99", "2024-13-45T25:61:00Z", "1 Jan 0001",
    "9999-12-31T23:59:59-14:00", "0000-00-00 00:00:00", "Oct 28, 2024 5:55 p.m. ET", "1730118300", "",
]  # fmt: skip
EVIDENCE = ["json-ld", "meta:article:published_time", "byline", "time-tag", "header-line", "og:updated_time"]
OTHER_FIELDS = {
    "title": ["A title", "", "   ", "<b>Title</b>"],
    "author": ["By Jane Doe and John Roe", "Staff", "PTI", "https://x.example/author/jane"],
    "site_name": ["Live Mint", "", "example.com"],
    "language": ["de", "en-US", "xx", "zz-Latn-ZZ", "english", ""],
    "canonical_url": ["https://news.example/a", "http://[::1", "ht!tp://x", "/relative/path", "javascript:x"],
    "image_url": ["//cdn.example/a.jpg", "data:image/png;base64,AAAA", "http://[bad"],
}
candidate = st.one_of(
    st.builds(
        Candidate,
        st.sampled_from(["published", "updated"]),
        st.sampled_from(TIMESTAMPS) | st.text(max_size=40),
        st.sampled_from(EVIDENCE),
    ),
    st.sampled_from(sorted(OTHER_FIELDS)).flatmap(
        lambda name: st.builds(
            Candidate, st.just(name), st.sampled_from(OTHER_FIELDS[name]), st.sampled_from(EVIDENCE)
        )
    ),
)
zones = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-5))])
fetched = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2035, 1, 1), timezones=zones)


def document(texts: list[str], candidates: list[Candidate], fetched_at: datetime) -> CleanDocument:
    return CleanDocument(
        doc_id="doc",
        source="property",
        url="https://news.example/story",
        fetched_at=fetched_at,
        content_type="text/html",
        paragraphs=tuple(texts),
        candidates=tuple(candidates),
        location="/tmp/property.html",
    )


def assert_offsets_point_at_their_text(text: str, items) -> None:
    for item in items:
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] == item.text


@SETTINGS
@given(paragraphs, st.lists(candidate, max_size=8), fetched)
def test_extract_article_never_raises_and_keeps_its_promises(
    texts: list[str], candidates: list[Candidate], fetched_at: datetime
) -> None:
    article = extract_article(document(texts, candidates, fetched_at), Settings())
    text = "\n\n".join(texts)
    assert article.text == text
    assert article.word_count == len(_WORD.findall(text))
    for moment in (article.published_at, article.updated_at):
        assert moment is None or (moment.tzinfo is not None and moment.utcoffset() is not None)
    for group in (article.quotes, article.dates, article.amounts):
        assert_offsets_point_at_their_text(text, group)
    for entity in article.entities:
        assert 0 <= entity.first_offset < len(text)
    # Coverage, shown by --hypothesis-show-statistics: the generator must reach every extractor.
    event(f"published: {article.published_at is not None}, updated: {article.updated_at is not None}")
    event(f"quotes: {bool(article.quotes)}, dates: {bool(article.dates)}, amounts: {bool(article.amounts)}")
    event(f"entities: {bool(article.entities)}")


@SETTINGS
@given(paragraphs.map("\n\n".join))
def test_entity_mentions_point_at_their_surface_and_add_up(text: str) -> None:
    entities, mentions = find_entities(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
    counted = Counter((mention.name, mention.type) for mention in mentions)
    assert counted == Counter({(entity.name, entity.type): entity.mentions for entity in entities})
    first = {}
    for mention in mentions:
        first.setdefault((mention.name, mention.type), mention.start)
    assert all(entity.first_offset == first[entity.name, entity.type] for entity in entities)


@SETTINGS
@given(paragraphs.map("\n\n".join))
def test_quotes_point_at_the_quoted_words(text: str) -> None:
    _, mentions = find_entities(text)
    quotes = find_quotes(text, mentions)
    assert_offsets_point_at_their_text(text, quotes)
    assert all(quote.text.strip() for quote in quotes)


@SETTINGS
@given(paragraphs.map("\n\n".join), st.none() | fetched)
def test_dates_point_at_their_words_and_never_overlap(text: str, published: datetime | None) -> None:
    dates = find_dates(text, published)
    assert_offsets_point_at_their_text(text, dates)
    for earlier, later in zip(dates, dates[1:], strict=False):
        assert earlier.end <= later.start
    for mention in dates:
        if mention.start_date and mention.end_date:
            assert mention.start_date <= mention.end_date


@SETTINGS
@given(paragraphs.map("\n\n".join))
def test_amounts_point_at_their_words_with_finite_values(text: str) -> None:
    amounts = find_amounts(text)
    assert_offsets_point_at_their_text(text, amounts)
    assert all(math.isfinite(amount.value) for amount in amounts)


def test_an_over_long_text_is_read_only_up_to_the_extraction_cap() -> None:
    import dataclasses
    from datetime import UTC, datetime

    from tasks.extract import extract_article
    from tasks.records import CleanDocument
    from tasks.settings import Settings

    paragraph = "Officials in Berlin said on Monday that 12 new schools will open, the ministry confirmed."
    doc = CleanDocument(
        doc_id="d",
        source="s",
        url=None,
        fetched_at=datetime(2024, 1, 2, tzinfo=UTC),
        content_type="text/plain",
        paragraphs=(paragraph,) * 400,
    )
    settings = dataclasses.replace(Settings(), max_extract_chars=2_000)
    article = extract_article(doc, settings)
    assert article.word_count > 5_000  # the text itself is kept whole
    assert all(amount.end <= 2_000 for amount in article.amounts)
    assert article.amounts and "first 2,000" in article.evidence["extraction"]
