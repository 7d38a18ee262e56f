"""Tests for tasks/clean/html.py: article text, dropped boilerplate, links and metadata candidates.

Pages under tests/tasks/clean/pages/ were written for these tests.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.clean.html import clean_html
from tasks.records import CleanDocument, RawDocument

PAGES = Path(__file__).parent / "pages"


def raw_document(html: str, url: str | None = "https://ledger.example/news/bridge-reopens") -> RawDocument:
    raw = html.encode("utf-8", "surrogatepass")
    return RawDocument(
        doc_id="doc-1",
        source="test",
        location="test.html",
        url=url,
        fetched_at=datetime(2024, 3, 5, 12, 0, tzinfo=UTC),
        content_type="text/html",
        charset="utf-8",
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        text=html,
    )


def clean_page(name: str, url: str | None = "https://ledger.example/news/bridge-reopens") -> CleanDocument:
    return clean_html(raw_document((PAGES / f"{name}.html").read_text(encoding="utf-8"), url))


def values(doc: CleanDocument, field_name: str) -> list[tuple[str, str]]:
    return [
        (candidate.value, candidate.evidence) for candidate in doc.candidates if candidate.field == field_name
    ]


def reasons(doc: CleanDocument) -> dict[str, str]:
    return {segment.text: segment.reason for segment in doc.removed}


def test_news_article_keeps_body_paragraphs_in_order():
    doc = clean_page("news_article")
    assert doc.paragraphs == (
        "The harbour bridge reopened to traffic on Tuesday morning, six weeks after engineers closed it to "
        "replace corroded cables.",
        "City officials said the repairs cost 4.2 million pounds, slightly less than the council had "
        "budgeted in January.",
        "Queues on the first morning",
        "Drivers queued for twenty minutes at the northern approach, but traffic was flowing normally by "
        "nine o'clock, according to the transport office.",
        "The council has promised a full inspection of the eastern span next spring.",
    )


def test_news_article_records_each_piece_of_furniture_with_its_reason():
    removed = reasons(clean_page("news_article"))
    assert removed["The Northern Ledger News Sport Opinion"] == "header"
    assert removed[
        "We use cookies to improve your experience. By continuing you accept our use of cookies."
    ] == ("cookie-banner")
    assert removed["Harbour bridge reopens after repairs"] == "title"
    assert removed["By Priya Natarajan"] == "byline"
    assert removed["5 March 2024"] == "byline"
    assert removed["Share on Facebook Tweet"] == "share"
    assert removed["Advertisement"] == "ad"
    assert removed["© 2024 The Northern Ledger. All rights reserved. Privacy"] == "footer"
    assert [reason for text, reason in removed.items() if text.startswith("3 comments")] == ["comments"]
    assert [reason for text, reason in removed.items() if text.startswith("Related articles")] == [
        "related-links"
    ]


def test_script_and_style_text_is_never_recorded():
    doc = clean_page("news_article")
    assert not any("tracking" in segment.text or "color: red" in segment.text for segment in doc.removed)
    assert "tracking" not in doc.text


def test_news_article_related_list_becomes_related_links_resolved_against_the_page_url():
    doc = clean_page("news_article")
    related = [(link.url, link.anchor) for link in doc.links if link.kind == "related"]
    assert related == [
        (
            "https://ledger.example/news/ferry-timetable-changes",
            "Ferry timetable changes for the summer season",
        ),
        ("https://ledger.example/news/council-budget-approved", "Council budget approved after long debate"),
    ]
    inline = [(link.url, link.anchor) for link in doc.links if link.kind == "inline"]
    assert inline == [("https://ledger.example/transport", "transport office")]


def test_news_article_candidates_come_most_trusted_first():
    doc = clean_page("news_article")
    assert values(doc, "title") == [
        ("Harbour bridge reopens after repairs", "json-ld"),
        ("Harbour bridge reopens after six weeks of repairs", "og"),
        ("Harbour bridge reopens after repairs | The Northern Ledger", "title-tag"),
        ("Harbour bridge reopens after repairs", "h1"),
    ]
    assert values(doc, "author")[:3] == [
        ("Priya Natarajan", "json-ld"),
        ("Tom Okafor", "json-ld"),
        ("Priya Natarajan", "meta:author"),
    ]
    assert ("Priya Natarajan", "byline") in values(doc, "author")
    assert values(doc, "published") == [
        ("2024-03-05T08:30:00Z", "json-ld"),
        ("2024-03-05T08:30:00+00:00", "og"),
        ("2024-03-05T08:30:00Z", "time-tag"),
    ]
    assert values(doc, "updated") == [("2024-03-05T10:00:00Z", "json-ld")]
    assert values(doc, "site_name") == [("The Northern Ledger", "json-ld"), ("The Northern Ledger", "og")]
    assert values(doc, "subtitle") == [
        ("Six weeks of work on the cables are over.", "json-ld"),
        ("The crossing was closed for six weeks.", "meta:description"),
    ]
    assert values(doc, "image_url") == [
        ("https://ledger.example/img/bridge-large.jpg", "json-ld"),
        ("https://ledger.example/img/bridge.jpg", "og"),
    ]
    assert values(doc, "canonical_url") == [
        ("https://ledger.example/news/bridge-reopens", "og"),
        ("https://ledger.example/news/bridge-reopens", "link-canonical"),
    ]
    assert values(doc, "language") == [("en-GB", "json-ld"), ("en-GB", "html-lang")]
    assert values(doc, "section") == [("Local", "og")]
    assert values(doc, "tag") == [("transport", "json-ld"), ("harbour", "json-ld")]
    assert doc.first("title").value == "Harbour bridge reopens after repairs"


def test_blog_post_splits_br_separated_text_and_drops_the_post_title():
    doc = clean_page("blog_br")
    assert doc.paragraphs == (
        "The first frost arrived last night, two weeks earlier than last year.",
        "I had covered the dahlias on Sunday, so they survived, but the courgettes are finished for the "
        "season.",
        "Tomorrow I will lift the last potatoes and store them in the shed.",
    )
    removed = reasons(doc)
    assert removed["First frost"] == "title"
    # (the post footer is a block of its own beside the body: its runs are joined with spaces)
    footer = {reason for text, reason in removed.items() if text.startswith("Posted by Ada at 07:12")}
    assert footer == {"byline"}
    assert (
        removed["Archive October 2023 September 2023 About me Gardener, baker, occasional writer."] == "aside"
    )
    assert values(doc, "author") == [("Ada Greenwood", "json-ld")]
    assert values(doc, "published") == [("2023-11-02", "json-ld")]


def test_div_only_site_keeps_text_held_directly_in_divs():
    doc = clean_page("div_only")
    assert doc.paragraphs == (
        "The village fete raised more than three thousand pounds for the new roof of the community hall "
        "this year.",
        "Volunteers ran eighteen stalls, and the tombola alone brought in four hundred pounds, a record for "
        "the event.",
        "Next year's fete will take place on the first Saturday of July, weather permitting.",
    )
    assert reasons(doc) == {
        "Home Events Contact": "nav",
        "Village Hall Committee, 1 Church Lane. Registered charity.": "footer",
    }


def test_figure_caption_becomes_a_candidate_with_its_credit_not_body_text():
    doc = clean_page("figure")
    assert doc.paragraphs == (
        "Biologists have described a new species of tree frog from the cloud forests of northern Peru, the "
        "team announced on Monday.",
        "The animal measures barely two centimetres and lives in bromeliads high above the forest floor.",
        "The researchers say habitat loss is the main threat to the species, which is known from only two "
        "sites.",
    )
    assert "thumbnail" not in doc.text
    assert values(doc, "image_caption") == [("The frog is smaller than a thumbnail.", "figcaption")]
    assert values(doc, "image_credit") == [("Photo: Lucia Quispe/Andes Agency", "figcaption")]
    assert reasons(doc)["The frog is smaller than a thumbnail. Photo: Lucia Quispe/Andes Agency"] == "caption"


def test_table_rows_and_list_items_in_the_body_are_paragraphs():
    doc = clean_page("table_list")
    assert doc.paragraphs == (
        "The bakery chain reported its best quarter on record, driven by strong sales of seasonal products "
        "across all regions.",
        "Sales by region were as follows:",
        "Region | Sales | Change",
        "North | 12.4m | +8%",
        "South | 9.1m | +3%",
        "The company named three reasons for the growth in its statement to investors:",
        "longer opening hours in city-centre shops",
        "a new range of rye breads",
        "lower flour prices since the spring",
        "Shares rose two per cent in early trading after the results were published on Thursday.",
    )
    assert reasons(doc)["Home Markets"] == "nav"


def test_german_page_drops_ad_related_and_comments_by_their_german_names():
    doc = clean_page("german")
    assert doc.paragraphs == (
        "Der Stadtrat hat am Dienstag beschlossen, bis zum Herbst drei neue Radwege durch die Innenstadt zu "
        "bauen.",
        "Die Kosten von rund 1,5 Millionen Euro übernimmt zum größten Teil das Land, teilte die Verwaltung "
        "mit.",
        "Anwohner der Lindenstraße hatten sich über Jahre für einen sicheren Weg zur Schule eingesetzt.",
    )
    removed = reasons(doc)
    assert removed["Anzeige"] == "ad"
    assert removed["Von Jana Müller"] == "byline"
    assert (
        removed["Endlich! Das hat viel zu lange gedauert, wir warten seit Jahren auf diesen Radweg."]
        == "comments"
    )
    assert [link.anchor for link in doc.links if link.kind == "related"] == [
        "Baustelle am Bahnhof dauert länger als geplant",
        "Neuer Spielplatz im Stadtpark eröffnet",
    ]
    assert values(doc, "language") == [("de_DE", "og"), ("de", "html-lang")]
    assert values(doc, "published") == [("2022-06-14", "meta:date")]
    assert ("Von Jana Müller", "byline") in values(doc, "author")


def test_home_page_of_teasers_yields_no_article_text():
    doc = clean_page("home_page")
    assert doc.paragraphs == ()
    assert [link.anchor for link in doc.links if link.kind == "related"] == [
        "Elections: what the new parliament means",
        "Central bank holds interest rates steady",
        "Comet visible to the naked eye this week",
    ]
    assert {segment.reason for segment in doc.removed} >= {"header", "related-links", "footer"}


def test_relative_links_resolve_against_base_href():
    html = (
        '<html><head><base href="https://mirror.example/archive/"></head><body><article>'
        "<p>The report, published today, runs to three hundred pages and took two years to write, its "
        'authors say (<a href="report.pdf">full text</a>).</p></article></body></html>'
    )
    doc = clean_html(raw_document(html, url="https://origin.example/story"))
    assert [link.url for link in doc.links] == ["https://mirror.example/archive/report.pdf"]


def test_removed_segments_are_bounded_in_length():
    long_menu = "<nav>" + "".join(f'<a href="/p{i}">Section number {i}</a> ' for i in range(400)) + "</nav>"
    html = (
        f"<html><body>{long_menu}<article><p>{'A sentence of the article. ' * 20}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == (("A sentence of the article. " * 20).strip(),)
    assert all(len(segment.text) <= 500 for segment in doc.removed)


def test_inline_dateline_stays_in_its_paragraph():
    html = (
        "<html><body><article><p><span class='dateline'>KOBE – </span>A total of 6,000 surgical masks have "
        "been lost at a hospital in Kobe, police said on Tuesday, and an investigation is under way.</p>"
        "<p>The masks were stored in a locked room on the third floor of the building, officials said.</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[0].startswith("KOBE – A total of 6,000 surgical masks")


def test_promo_lines_at_the_end_of_the_body_are_dropped():
    body = "".join(
        f"<p>Paragraph {n} of the story says something long enough to be prose, really.</p>" for n in range(4)
    )
    html = (
        f"<html><body><article>{body}"
        "<p>Subscribe now to our print edition for the full story.</p>"
        "<p>Download the Ledger app for the latest news.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert len(doc.paragraphs) == 4
    assert {segment.reason for segment in doc.removed} == {"promo"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "We take part in the Amazon Services LLC Associates Program and earn a small fee when readers "
            "buy through our links to the shop.",
            "disclaimer",
        ),
        ("Unterstützen Sie unsere unabhängige Lokalredaktion mit einer Spende. Danke!", "promo"),
        ("Give us a follow on your favourite podcast app, and leave a review while you are there!", "promo"),
        ("Über dieses Thema berichtete das Regionalradio am 3. Mai 2024 um 07:30 Uhr.", "footer"),
        ("Zapraszamy też do subskrypcji naszego tygodnika.", "promo"),
    ],
)
def test_closing_asks_and_notices_after_the_story_are_dropped(line: str, reason: str) -> None:
    body = "".join(
        f"<p>Paragraph {n} of the story says something long enough to be prose, really.</p>" for n in range(4)
    )
    html = f"<html><body><article>{body}<p>{line}</p></article></body></html>"
    doc = clean_html(raw_document(html))
    assert len(doc.paragraphs) == 4
    assert reasons(doc)[line] == reason


def test_hidden_blocks_are_dropped_as_hidden():
    html = (
        "<html><body><article><p>The visible paragraph of the article is long enough to count as prose.</p>"
        '<div style="display: none">A hidden duplicate for mobile layouts that nobody sees.</div>'
        '<p hidden>Also hidden.</p><span class="sr-only">Screen reader only</span>'
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == ("The visible paragraph of the article is long enough to count as prose.",)
    assert {segment.reason for segment in doc.removed} == {"hidden"}


def test_json_ld_article_body_stands_in_when_the_page_is_rendered_by_script():
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm",'
        ' "articleBody": "The storm reached the coast at night.\\nPower was cut to ten thousand homes."}'
        '</script></head><body><div id="app"></div></body></html>'
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == ("The storm reached the coast at night.", "Power was cut to ten thousand homes.")


def test_json_ld_image_object_gives_caption_and_credit():
    image = {
        "@type": "ImageObject",
        "url": "https://ledger.example/img/storm.jpg",
        "caption": "Waves over the sea wall",
        "copyrightHolder": {"@type": "Organization", "name": "Coastline Pictures"},
    }
    html = (
        '<html><head><script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": "Storm", "image": image})
        + "</script></head><body><article><p>The storm reached the coast at night and power was cut to ten "
        "thousand homes along the bay.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert values(doc, "image_caption") == [("Waves over the sea wall", "json-ld")]
    assert values(doc, "image_credit") == [("Coastline Pictures", "json-ld")]


def test_microdata_in_the_body_gives_candidates():
    html = (
        "<html><body><article><h1>Budget passed</h1>"
        '<meta itemprop="datePublished" content="2024-02-01T10:00:00+01:00">'
        '<span itemprop="author">Maria Rossi</span>'
        "<p>The council passed the budget on Thursday after a debate that lasted late into the night.</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert ("2024-02-01T10:00:00+01:00", "meta:datepublished") in values(doc, "published")
    assert values(doc, "title") == [("Budget passed", "h1")]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<html>",
        "<html><head><title>Only a title</title></head></html>",
        "<script>var a = '<p>not text</p>';</script>" * 50,
        "<p>unclosed <b>bold <i>italic <a href='x'>link",
        "<div>" * 5000 + "deep text inside many divs" + "</div>" * 5000,
        "<table><tr><td><table><tr><td>" * 300 + "cell",
        "\x00\x01\x02 binary \xff\xfe garbage <<<>>> &#xD800; &bogus;",
        "<html><body><p>lone surrogate \ud800 in decoded text</p></body></html>",
        '<div class="' + "x " * 10000 + '">attribute soup</div>',
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "headline": ["a", {"b": 1}], "author": 5,}',
    ],
)
def test_arbitrary_input_never_raises(html):
    for doc in (raw_document(html), dataclasses.replace(raw_document(html), raw=b"", charset=None)):
        cleaned = clean_html(doc)
        assert isinstance(cleaned.paragraphs, tuple)
        assert not any(segment.reason == "extraction-error" for segment in cleaned.removed)


def test_deeply_nested_text_is_still_found():
    html = (
        "<html><body>"
        + "<div>" * 3000
        + "The only sentence on this page is deep inside it."
        + "</div>" * 3000
    )
    doc = clean_html(raw_document(html + "</body></html>"))
    assert doc.paragraphs == ("The only sentence on this page is deep inside it.",)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdivpspan&#;!-\n\tháé\u00a0")), max_size=300))
def test_random_markup_never_raises(html):
    doc = clean_html(raw_document(html))
    assert not any(segment.reason == "extraction-error" for segment in doc.removed)


def test_a_paragraph_printed_twice_and_a_caption_printed_as_body_text_are_kept_once() -> None:
    lines = [
        "The council approved the bridge plan on Monday after a long debate in the chamber.",
        "Mayor Ana Lopez said the bridge would open in three years if funding holds.",
        "Opponents said the cost was far too high for a city of its size and debt.",
    ]
    body = "".join(f"<p>{line}</p>" for line in lines) + f"<p>{lines[1]}</p>"
    figure = (
        "<figure><img src=a.jpg><figcaption>The old bridge at dusk, seen from the quay.</figcaption></figure>"
    )
    page = (
        f"<html><body><article><h1>Bridge</h1>{body}{figure}"
        "<p>The old bridge at dusk, seen from the quay.</p>"
        "<p>Work starts in March, officials said, and will take three years.</p></article></body></html>"
    )

    cleaned = clean_html(raw_document(page))

    assert cleaned.paragraphs == (*lines, "Work starts in March, officials said, and will take three years.")
    reasons = {segment.reason: segment.text for segment in cleaned.removed}
    assert reasons["repeat"] == lines[1]
    assert reasons["caption-repeat"] == "The old bridge at dusk, seen from the quay."
    assert cleaned.first("image_caption").value == "The old bridge at dusk, seen from the quay."


def _page_with_article_body(visible: list[str], article_body: list[str], lead: str = "") -> str:
    body = json.dumps(
        {"@type": "NewsArticle", "headline": "Dredging", "articleBody": "\n".join(article_body)}
    )
    paragraphs = "".join(f"<p>{text}</p>" for text in visible)
    standfirst = f'<p class="standfirst">{lead}</p>' if lead else ""
    return (
        f'<html><head><script type="application/ld+json">{body}</script></head><body>'
        f"<article><h1>Dredging</h1>{standfirst}{paragraphs}</article></body></html>"
    )


_FULL_TEXT = [
    f"Paragraph {number} of the dredging story explains what the harbour board decided and why it matters "
    "to the boat owners who use the eastern channel every day of the season."
    for number in range(1, 9)
]


def test_article_body_continues_a_page_that_shows_only_its_start():
    html = _page_with_article_body(_FULL_TEXT[:3], _FULL_TEXT, lead="The board voted four to three.")
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == ("The board voted four to three.", *_FULL_TEXT)
    assert doc.text_evidence.startswith("json-ld articleBody (it continues")


def test_article_body_much_longer_than_the_page_replaces_it():
    html = _page_with_article_body(
        ["A two-line teaser of the dredging story, shown to readers without access."], _FULL_TEXT
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == tuple(_FULL_TEXT)
    assert "the page shows" in doc.text_evidence


def test_a_truncated_article_body_does_not_shorten_the_page_text():
    html = _page_with_article_body(_FULL_TEXT, [_FULL_TEXT[0][:80] + "..."])
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == tuple(_FULL_TEXT)
    assert doc.text_evidence == ""


def test_a_stale_article_body_with_other_paragraphs_does_not_replace_the_page_text():
    stale = [
        text.replace("harbour board", "old council") + " An older version said more." for text in _FULL_TEXT
    ]
    html = _page_with_article_body(_FULL_TEXT[:5], stale)
    doc = clean_html(raw_document(html))
    assert doc.paragraphs == tuple(_FULL_TEXT[:5])


def test_unmarked_byline_and_dateline_at_the_top_are_dropped_and_give_the_author():
    html = (
        "<html><body><article><h1>Council delays the bridge vote</h1>"
        "<p>By Dana Whitfield</p><p>Staff writer</p>"
        "<p>Posted Feb. 7, 2024, 5:12 p.m. | Updated Feb. 8, 2024, 9:03 a.m.</p>"
        "<p>The council postponed its vote on the bridge repairs on Tuesday after two members asked for a "
        "fuller account of the costs.</p><p>The vote is now expected in March, the clerk said.</p>"
        "<p>Dana Whitfield covers local government for the Observer. Reach her at dana@observer.example.</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[0].startswith("The council postponed its vote")
    assert doc.paragraphs[-1] == "The vote is now expected in March, the clerk said."
    reasons = {segment.text: segment.reason for segment in doc.removed}
    assert reasons["By Dana Whitfield"] == reasons["Staff writer"] == "byline"
    assert reasons["Posted Feb. 7, 2024, 5:12 p.m. | Updated Feb. 8, 2024, 9:03 a.m."] == "byline"
    assert reasons[doc.removed[-1].text] == "author-bio"
    assert ("Dana Whitfield", "byline") in values(doc, "author")


@pytest.mark.parametrize(
    "line",
    [
        "Von Lena Hoffmann · 23. Juli 2024 · Lesezeit 4 Minuten",
        "Par Julien Perrin - Publié le 16/06/2024 à 19h05",
    ],
)
def test_bylines_in_other_languages_are_dropped(line: str):
    html = (
        f"<html><body><article><p>{line}</p><p>Der Stadtrat hat am Dienstag die Abstimmung über die Brücke "
        "vertagt, weil zwei Mitglieder eine genauere Aufstellung der Kosten verlangten.</p>"
        "<p>Die Abstimmung ist nun für März geplant.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[0].startswith("Der Stadtrat")
    assert [segment.reason for segment in doc.removed if segment.text == line] == ["byline"]


def test_a_closing_sentence_that_only_names_someone_else_stays():
    html = (
        "<html><body><article><p>By Dana Whitfield</p>"
        "<p>The council postponed its vote on the bridge repairs on Tuesday after two members "
        "asked for a fuller account of the costs.</p><p>The clerk said more.</p>"
        "<p>Mark Rutte said the alliance would meet again in spring.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[-1] == "Mark Rutte said the alliance would meet again in spring."


def test_a_box_under_a_widget_heading_goes_with_its_heading():
    html = (
        "<html><body><div class='post'><h1>Saltbush for sheep</h1><div class='text'>"
        "<p>Sheep producers are planting thousands of hectares of old man saltbush, a native shrub that "
        "stays "
        "green through dry summers, as the cost of hay climbs.</p>"
        "<p>Saltbush survives on little rain and grows on salty ground where pasture struggles.</p>"
        "<p>Establishing a stand costs between 400 and 800 dollars a hectare, officials said.</p></div>"
        "<div class='about-writer'><h4>About the author</h4><p>Liam Dwyer is the paper's rural reporter. He "
        "grew up on a mixed farm and has covered agriculture for twelve years.</p></div>"
        "<div class='poll'><h4>Have your say</h4><p>Would you plant saltbush? Tell us below.</p></div>"
        "</div></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert (
        doc.paragraphs[-1]
        == "Establishing a stand costs between 400 and 800 dollars a hectare, officials said."
    )
    reasons = {segment.reason for segment in doc.removed}
    assert {"author-bio", "comments"} <= reasons


def test_a_pull_quote_printing_part_of_a_paragraph_again_is_dropped():
    quote = "Nobody on shore knew anything had happened until the relief boat came."
    html = (
        "<html><body><article><p>The keepers' log for the night is short. The next morning's entry says "
        f"only that the lamp was found lit and the keepers gone. {quote} The inquiry found nothing.</p>"
        f"<blockquote class='pull'>\"{quote}\"</blockquote>"
        "<p>Three men vanished from the island in December 1900, and it is still a mystery.</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert len(doc.paragraphs) == 2
    assert [segment.reason for segment in doc.removed if quote in segment.text] == ["repeat"]


def test_a_one_cell_layout_table_keeps_its_paragraphs_apart():
    html = (
        "<html><body><table><tr><td>Der Heimatverein hat das alte Backhaus am Dorfplatz nach zwei Jahren "
        "Arbeit wieder in Betrieb genommen.<br><br>Am Sonntag wurden die ersten Brote gebacken, und über "
        "hundert Gäste kamen zum Fest.<br><br>Das Backhaus ist jeden ersten Samstag im Monat geöffnet."
        "</td></tr></table></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert len(doc.paragraphs) == 3
    assert doc.paragraphs[2] == "Das Backhaus ist jeden ersten Samstag im Monat geöffnet."


@pytest.mark.parametrize(
    ("card", "bio"),
    [
        ("Über Marlene", "Hallo, ich schreibe hier seit zehn Jahren über Gärten am Stadtrand."),
        ("Dr. Jonas Brenner", "ist Tierarzt in einer kleinen Praxis am Hafen."),
        ("Ida Lindqvist", "Ida Lindqvist ist Redakteurin für Verkehr und Stadtplanung."),
    ],
)
def test_a_name_card_and_biography_closing_the_page_are_an_author_box(card: str, bio: str):
    html = (
        "<html><body><article><p>Der Stadtrat hat am Dienstag die Abstimmung über die Brücke vertagt, weil "
        "zwei Mitglieder eine genauere Aufstellung der Kosten verlangten.</p><p>Die Abstimmung ist nun für "
        "März geplant, sagte die Schriftführerin.</p><p>Bis dahin bleibt die Brücke gesperrt.</p>"
        f"<p>{card}</p><p>{bio}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[-1] == "Bis dahin bleibt die Brücke gesperrt."
    assert {segment.text: segment.reason for segment in doc.removed}[card] == "author-bio"


def test_a_closing_section_heading_is_no_name_card():
    html = (
        "<html><body><article><p>The council postponed its vote on the bridge repairs on Tuesday after two "
        "members asked for a fuller account of the costs.</p><p>The clerk said more.</p><p>More detail.</p>"
        "<p>Costs</p><p>The repairs are now put at 4 million pounds.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[-2:] == ("Costs", "The repairs are now put at 4 million pounds.")


def test_a_line_of_names_above_the_text_is_the_byline():
    html = (
        "<html><body><article><p>Agata Wrona, Tomasz Bielik</p><p>Rosyjskie służby stoją za eksplozjami "
        "w składach amunicji w Czechach, ustaliła czeska policja po siedmiu latach śledztwa.</p>"
        "<p>Anna Nowak, Jan Kowalski i inni świadkowie zeznawali w sądzie.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert doc.paragraphs[0].startswith("Rosyjskie służby")
    assert doc.paragraphs[-1].startswith("Anna Nowak, Jan Kowalski")  # a sentence, and below the text
    assert ("Agata Wrona", "byline") in values(doc, "author")


@pytest.mark.parametrize(
    "line",
    [
        "Also Read | Bridge repairs to start in May",
        "READ MORE: Council tax to rise by 5 per cent",
        "Click here to join our WhatsApp channel for the latest news",
        "(Except for the headline, this story has not been edited by our staff and is published from a "
        "syndicated feed.)",
    ],
)
def test_inline_promos_anywhere_in_the_body_are_dropped(line: str):
    paragraph = "<p>The council met on Tuesday to discuss the bridge and the budget for the coming year.</p>"
    html = (
        f"<html><body><article>{paragraph}<p>{line}</p>"
        "<p>Members agreed to meet again in March, once the engineers have reported on the costs.</p>"
        "<p>The bridge has been closed to lorries since the autumn floods.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html))
    assert line not in doc.text
    assert len(doc.paragraphs) == 3


def test_pub_alone_is_an_ad_but_a_pub_date_line_is_a_dateline():
    body = " ".join(["Le conseil municipal a voté mardi soir la rénovation complète du pont du port."] * 3)
    html = (
        "<html lang='fr'><body><article><h1>Le pont du port</h1>"
        "<p class='pub-date'>Publié le 5 mars 2024 à 09h30</p>"
        f"<p>{body}</p><div class='bloc-pub'>Publicité</div>"
        f"<p>{body.replace('mardi', 'lundi')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://journal.example/actualite/pont"))
    removed = reasons(doc)
    assert removed["Publicité"] == "ad"
    assert removed["Publié le 5 mars 2024 à 09h30"] == "byline"
    assert len(doc.paragraphs) == 2


def test_a_short_post_of_one_line_paragraphs_is_found_beside_a_like_counter():
    # Next to no line is prose on its own: the post is still the block holding most of the page's text.
    lines = [
        "„Weißt du noch, wo wir gestern Abend das Ruderboot festgemacht haben…“",
        "– „Am zweiten Pfahl“",
        "– „Danke.“",
    ]
    html = (
        "<html lang='de'><body><div id='page'><div class='site-title'>Kurzes</div>"
        "<div class='post'><h2>Gespräch am Steg am frühen Morgen</h2>"
        "<p class='comment-meta'>5. Mai 2021 um 06:12 ( Notizen )</p>"
        + "".join(f"<p>{line}</p>" for line in lines)
        + "<div class='sharedaddy'>Teilen: Mastodon E-Mail Drucken Link kopieren</div></div>"
        "<div class='likes'><div>12 Leser mögen das:</div></div></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://steg.example/2021/05/gespraech"))
    assert all(line in doc.text for line in lines)
    assert "Leser mögen das" not in doc.text


def test_a_page_served_inside_noscript_is_read_but_a_pixel_or_a_notice_is_not():
    prose = " ".join(
        f"Il censimento di quest'anno ha contato {n} esemplari nella valle, più dell'anno scorso."
        for n in range(12, 30)
    )
    page = (
        "<html><body><noscript><img src='/pixel.gif'>Attiva JavaScript per vedere il sito.</noscript>"
        f"<noscript><div id='container'><h1>Censimento dei camosci</h1><p>{prose}</p></div></noscript>"
        "</body></html>"
    )
    doc = clean_html(raw_document(page, "https://parco.example/notizie/camosci"))
    assert prose in doc.text
    assert "Attiva JavaScript" not in doc.text


def test_a_tag_word_in_a_paragraph_class_does_not_make_its_sentences_a_keyword_list():
    sentences = [
        "The referee's decision in the second half was wrong, the league's review panel said on Monday.",
        "Three other calls that weekend were also reviewed, and two of them were upheld.",
        "Clubs have asked for the panel's findings to be published after every round.",
    ]
    html = (
        "<html><body><article><h1>Panel overturns penalty call</h1>"
        + "".join(f"<p class='tagStyle_x9k2 style_q81z'>{sentence}</p>" for sentence in sentences)
        + "<div class='tags'><a href='/t/referees'>Referees</a> <a href='/t/league'>League</a></div>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://football.example/news/panel"))
    assert list(doc.paragraphs) == sentences
    assert reasons(doc).get("Referees League") == "tags"


def test_ruby_readings_are_not_read_into_the_text_in_links_or_out():
    sentence = (
        "<ruby>港<rt>みなと</rt></ruby>の"
        "<a href='#d1'><ruby><span>橋</span><rt>はし</rt></ruby></a>が"
        "<ruby>六週間<rp>(</rp><rt>ろくしゅうかん</rt><rp>)</rp></ruby>ぶりに、"
        "<ruby>火曜日<rt>かようび</rt></ruby>の<ruby>朝<rt>あさ</rt></ruby>から"
        "<ruby>通行<rt>つうこう</rt></ruby>できるようになりました。市によると、工事の費用は"
        "予定よりも少なく済み、春には歩道の工事も始まるということです。"
    )
    html = (
        "<html lang='ja'><body><article><h1>橋の通行再開</h1>"
        f"<p>{sentence}</p><p>{sentence}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://news.example/easy/bridge"))
    assert doc.paragraphs[0] == (
        "港の橋が六週間ぶりに、火曜日の朝から通行できるようになりました。市によると、工事の費用は"
        "予定よりも少なく済み、春には歩道の工事も始まるということです。"
    )


def test_a_posts_own_class_string_names_its_terms_not_its_role():
    # WordPress writes a post's terms in the site's own taxonomies into the post element's class:
    # 'lectores-comentarios' is a term there, while the same word on another element is the comment section.
    body = " ".join(
        ["El consejo aprobó el presupuesto del puerto para el próximo año con tres votos en contra."] * 4
    )
    html = (
        "<html lang='es'><body><section id='content' class='post-77 post type-post status-publish hentry "
        f"tag-puerto lectores-comentarios'><h1>Presupuesto del puerto</h1><p>{body}</p>"
        f"<p>{body.replace('tres', 'dos')}</p></section>"
        "<div class='lectores-comentarios'><p>Muy buena noticia para el barrio, ya era hora de que lo "
        "aprobaran.</p></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://diario.example/2024/03/presupuesto"))
    assert body in doc.text
    assert "Muy buena noticia" not in doc.text
    assert reasons(doc)["Muy buena noticia para el barrio, ya era hora de que lo aprobaran."] == "comments"


def test_walled_paragraphs_are_the_article_and_linkbox_teasers_and_js_hooks_are_read_right():
    # 'regwalled' marks the article's own text behind a registration wall (still in the page), not the wall;
    # 'teaser--linkbox' is a box linking to another story; 'js_readmore' is a script's hook on an expander.
    body = " ".join(["The rowing club rebuilt its boathouse over the winter with help from members."] * 3)
    walled = "The club's oldest member, who joined in 1961, opened the new hall on Saturday."
    card = (
        "<div class='teaser teaser--linkbox'><h3><a href='/sport/regatta'>Regatta dates announced</a></h3>"
        "<p>Crews from six clubs will race on the lake in May, the organisers said on Friday.</p></div>"
    )
    expander = (
        "The hall has room for twelve boats and a workshop for repairs, and it can be hired for events."
    )
    html = (
        "<html><body><main><article><h1>Boathouse reopens</h1>"
        f"<p>{body}</p>{card}<p class='paragraph regwalled'>{walled}</p>"
        f"<p class='js_readmore'>{expander}</p><p>{body.replace('winter', 'cold months')}</p>"
        "</article></main></body></html>"
    )
    doc = clean_html(raw_document(html, "https://lake.example/sport/boathouse"))
    assert walled in doc.paragraphs
    assert expander in doc.paragraphs
    assert not any("Regatta" in paragraph or "six clubs" in paragraph for paragraph in doc.paragraphs)


def test_a_long_closing_biography_of_the_marked_byline_name_is_an_author_box():
    body = " ".join(["The language institute published its yearly report on new words on Monday."] * 3)
    bio = "Dana Whitfield ist seit 2019 Leiterin des Instituts. " + " ".join(
        [f"Sie schrieb das Buch Nummer {n} über Wörter im Alltag und ihre Geschichte." for n in range(8)]
    )
    html = (
        "<html><body><article><h1>New words of the year</h1>"
        "<div class='meta'><span class='author'>Dana Whitfield</span></div>"
        f"<p>{body}</p><p>{body.replace('Monday', 'Tuesday')}</p><p>{body.replace('new', 'old')}</p>"
        f"<p>{bio}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://words.example/blog/report"))
    assert 400 < len(bio) < 2000
    assert bio not in doc.paragraphs
    assert any(segment.reason == "author-bio" and bio.startswith(segment.text) for segment in doc.removed)
    assert len(doc.paragraphs) == 3


def test_a_closing_biography_calling_the_author_by_the_first_name_is_an_author_box():
    body = " ".join(["The ferry company ordered two electric boats for the crossing to the island."] * 3)
    bio = (
        "Dana is our transport reporter in the harbour town. Before she joined us she wrote about ships and "
        "ports for a trade paper for many years."
    )
    html = (
        "<html><body><article><h1>Electric ferries ordered</h1>"
        "<p class='byline'>By Dana Whitfield</p>"
        f"<p>{body}</p><p>{body.replace('two', 'three')}</p><p>{body.replace('island', 'islands')}</p>"
        f"<p>{bio}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://port.example/news/ferries"))
    assert bio not in doc.paragraphs
    assert reasons(doc)[bio] == "author-bio"


def test_an_instagram_card_is_an_embed_and_the_heading_above_it_stays():
    body = " ".join(["The old mill by the river now sells bread, coffee and cakes on weekends."] * 3)
    card = (
        "<blockquote class='instagram-media' data-instgrm-permalink='https://www.instagram.com/p/x/'>"
        "<div><a href='https://www.instagram.com/p/x/'>View this post on Instagram</a></div>"
        "<p><a href='https://www.instagram.com/p/x/'>A post shared by The Old Mill (@oldmill)</a></p>"
        "</blockquote>"
    )
    html = (
        "<html><body><article><h1>Weekend trips</h1>"
        f"<p>{body}</p><h3>Breakfast at the mill</h3>{card}<p>{body.replace('weekends', 'Sundays')}</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://travel.example/weekend"))
    assert "Breakfast at the mill" in doc.paragraphs
    assert reasons(doc)["View this post on Instagram A post shared by The Old Mill (@oldmill)"] == "embed"


def test_a_related_story_card_with_a_long_teaser_is_not_taken_for_a_wrapper():
    body = " ".join(["The town hall will get solar panels on its roof before the end of next year."] * 4)
    teaser = " ".join(
        [
            "The council's energy plan sets out how the town wants to halve its emissions by 2030, with new "
            "cycle lanes, heat pumps in the schools and a small wind farm on the hill."
        ]
        * 3
    )
    html = (
        "<html><body><main><article><h1>Solar roof for the town hall</h1>"
        f"<p>{body}</p><div class='related-story'><h3>Energy plan</h3><p>{teaser}</p></div>"
        f"<p>{body.replace('next', 'the coming')}</p></article></main></body></html>"
    )
    doc = clean_html(raw_document(html, "https://town.example/news/solar"))
    assert not any("energy plan" in paragraph for paragraph in doc.paragraphs)
    assert len(doc.paragraphs) == 2


def test_a_caption_printed_as_body_text_with_its_credit_at_the_end_is_a_caption():
    body = " ".join(
        ["The downhill was moved to Sunday after strong winds closed the upper part of the course."] * 3
    )
    captions = [
        "Marco Brenner, the race leader, at the start gate. © AFP / Lena Voss",
        "The finish area on Saturday morning, photo: Alpine Archive",
        "Volunteers clear the piste | Foto: Verband / Jan Roth",
    ]
    kept = [
        "Fans waited at the bottom of the course, photo in hand, for an autograph",
        "Organisers said the photo: finish and the results board were both delayed.",
        "The appeal was filed under subsection (c) of the racing code",
    ]
    html = (
        "<html><body><article><h1>Downhill moved to Sunday</h1>"
        + f"<p>{body}</p>"
        + "".join(f"<p>{line}</p>" for line in captions + kept)
        + f"<p>{body.replace('Sunday', 'Monday')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://snow.example/news/downhill"))
    removed = reasons(doc)
    assert all(removed.get(caption) == "caption" for caption in captions)
    assert all(line in doc.paragraphs for line in kept)


def test_a_hidden_element_inside_a_line_does_not_break_the_line_but_an_ad_slot_does():
    line = (
        "The fund splits its <span class='math'><span style='display: none'>K</span><img alt='K'></span> "
        "yearly grants between the three harbour towns in shares that follow their population at the last "
        "census."
    )
    after_ad = "A second rule caps any town's share at half of the money, whatever its population grows to."
    html = (
        "<html><body><article><h1>How the harbour fund is shared</h1>"
        f"<p>{line}</p><div>The first rule gives every town a fixed sum before the rest is divided."
        f"<ins class='adsbygoogle' style='display:block'></ins>{after_ad}</div></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://harbour.example/fund/rules"))
    assert (
        "The fund splits its yearly grants between the three harbour towns in shares that follow their "
        "population at the last census."
    ) in doc.paragraphs
    assert after_ad in doc.paragraphs
    assert reasons(doc)["K"] == "hidden"


def test_a_heading_slug_id_and_a_caption_type_style_on_a_heading_say_nothing():
    standfirst = (
        "Der Ruderclub lädt im Herbst zu zwei Abendkursen ein: Knotenkunde für Einsteiger und Pflege der "
        "Boote im Winterlager."
    )
    slug = "der-ruderclub-laedt-im-herbst-zu-zwei-abendkursen-ein-knotenkunde-fuer-einsteiger"
    body = " ".join(["Die Kurse finden jeweils am Abend im Bootshaus statt und dauern zwei Stunden."] * 3)
    html = (
        "<html lang='de'><body><article><h1>Neue Kurse</h1>"
        f"<h3 id='{slug}'>{standfirst}</h3><h2 class='teaser caption-s5-fx'>Anmeldung ab sofort möglich, "
        "die Plätze sind begrenzt und werden nach Eingang vergeben.</h2>"
        f"<p>{body}</p><figure><img src='a.jpg'><h2 class='figure__caption'>Das Bootshaus</h2></figure>"
        f"<p>{body.replace('Abend', 'Morgen')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://rudern.example/kurse"))
    assert standfirst in doc.paragraphs
    assert any(paragraph.startswith("Anmeldung ab sofort") for paragraph in doc.paragraphs)
    assert reasons(doc)["Das Bootshaus"] == "caption"


def test_a_short_line_labelled_as_another_date_is_content_but_a_dated_label_line_is_a_dateline():
    body = " ".join(
        ["Der Chor probt sein Frühjahrsprogramm mit Liedern aus vier Jahrhunderten im Gemeindesaal."] * 3
    )
    html = (
        "<html lang='de'><body><article><h1>Konzert im Frühjahr</h1>"
        f"<p>Datum: 08.01.2025</p><p>{body}</p><p>Termin: 14.03.2025, 18 Uhr</p>"
        f"<p>Anmeldeschluss: 20.02.2025</p><p>{body.replace('vier', 'fünf')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://chor.example/termine/fruehjahr"))
    assert "Termin: 14.03.2025, 18 Uhr" in doc.paragraphs
    assert "Anmeldeschluss: 20.02.2025" in doc.paragraphs
    assert reasons(doc)["Datum: 08.01.2025"] == "byline"


def test_a_sentence_whose_second_half_is_a_link_is_prose_but_a_linked_promo_is_not():
    body = " ".join(
        ["The ferry company named a new head of its timetable office on Monday after a long search."] * 3
    )
    clause = (
        "She follows Tom Reid, <a href='/news/reid'>who moves to the company's new route across the "
        "northern channel at the start of the summer season.</a>"
    )
    promo = "Read more here: <a href='/news/promo'>Who runs the ferries when the office stays empty?</a>"
    html = (
        "<html><body><article><h1>New timetable chief</h1>"
        f"<p>{body}</p><p>{clause}</p><p>{promo}</p><p>{body.replace('Monday', 'Tuesday')}</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://ferry.example/news/timetable"))
    assert (
        "She follows Tom Reid, who moves to the company's new route across the northern channel at the "
        "start of the summer season."
    ) in doc.paragraphs
    assert not any("Who runs" in paragraph for paragraph in doc.paragraphs)


def test_a_sentence_carrying_its_links_in_mid_clause_is_prose_but_a_row_of_headlines_is_not():
    body = " ".join(["The harbour board approved the new ferry terminal after a two-year review."] * 3)
    linked = (
        "The board <a href='/news/vote'>voted in March to delay the decision by a year.</a> In June, its "
        "chair <a href='/news/chair'>said the delay had cost the port two contracts.</a>"
    )
    headlines = (
        "<a href='/news/one'>Ferry fares rise again for island commuters</a> "
        "<a href='/news/two'>New pier opens to cruise ships next spring</a>"
    )
    html = (
        "<html><body><article><h1>Terminal approved</h1>"
        f"<p>{body}</p><div class='paragraph'>{linked}</div><div class='paragraph'>{headlines}</div>"
        f"<p>{body.replace('two-year', 'long')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://port.example/news/terminal"))
    assert (
        "The board voted in March to delay the decision by a year. In June, its chair said the delay had "
        "cost the port two contracts."
    ) in doc.paragraphs
    assert not any("Ferry fares" in paragraph for paragraph in doc.paragraphs)


def test_short_paragraphs_after_a_one_paragraph_container_are_kept():
    # A closed gallery in the body outweighs its paragraphs: the best block is one paragraph's own div, and
    # the short paragraphs after it are the rest of the article, not boxes beside it.
    lead = (
        "The council agreed on Tuesday to close the old harbour bridge to cars from next spring, after "
        "engineers found cracks in two of its piers."
    )
    best = " ".join(
        [
            "Engineers told the meeting that the bridge could carry buses for one more winter at most, and "
            "that repairs would cost more than a new crossing built beside it."
        ]
        * 2
    )
    gallery = "".join(
        f"<figure><figcaption>Photo {n} of the week: boats in the harbour at dawn, seen from the pier"
        "</figcaption></figure>"
        for n in range(40)
    )
    short = "Cyclists and walkers may still use the bridge until the works begin."
    more = "The new crossing is due to open in three years, the council said, with a bus lane each way."
    html = (
        "<html><body><article><h1>Bridge to close</h1><div class='story'>"
        f"<div class='para'><p>{lead}</p></div><div class='para'><p>{best}</p></div>"
        f"<div class='gallery' hidden>{gallery}</div>"
        f"<div class='para'><p>{short}</p></div><div class='para'><p>{more}</p></div>"
        "</div></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://town.example/news/bridge"))
    assert doc.paragraphs == (lead, best, short, more)


def test_story_cards_whose_links_wrap_indented_markup_are_teasers():
    # Each card is one link around its headline and teaser; the markup's indentation makes the link's raw
    # text longer than a link may be, its words do not.
    body = " ".join(["The island's only ferry will run twice a day all winter, its owner said."] * 3)
    indent = "\n" + " " * 60

    def card(headline: str, teaser: str) -> str:
        return (
            f"<article class='story-card'><a href='/news/{len(headline)}'>{indent}<div>{indent}<h3>{headline}"
            f"</h3>{indent}</div>{indent}<p>{teaser}</p>{indent}</a></article>"
        )

    cards = "".join(
        card(headline, teaser)
        for headline, teaser in [
            (
                "Harbour festival moves to June",
                "The organisers want warmer weather for the boat parade and the fireworks over the bay.",
            ),
            (
                "New bakery opens on Quay Street",
                "Its owner trained in three countries before coming home to bake for the village again.",
            ),
            (
                "School choir wins regional prize",
                "Forty children sang at the final in the city hall, and the judges asked for an encore.",
            ),
            (
                "Lighthouse keeper retires after forty years",
                "He kept the light burning through storms, strikes and one very long power cut in 1987.",
            ),
            (
                "Fishing fleet returns early",
                "Skippers brought the boats in two days ahead of the gale the forecasters had warned of.",
            ),
            (
                "Library extends its opening hours",
                "From March the reading room stays open until nine on weekday evenings, the council said.",
            ),
        ]
    )
    html = (
        "<html><body><main><article><h1>Winter ferry timetable</h1>"
        f"<div class='body'><p>{body}</p><p>{body.replace('winter', 'cold months')}</p></div>"
        f"<section class='related-posts'><h2>Latest stories</h2>{cards}</section>"
        "</article></main></body></html>"
    )
    doc = clean_html(raw_document(html, "https://island.example/news/ferry"))
    assert len(doc.paragraphs) == 2
    assert not any("bakery" in paragraph or "choir" in paragraph for paragraph in doc.paragraphs)


def test_cards_whose_link_wraps_a_heading_and_a_long_teaser_are_teasers():
    teaser = (
        "The regional chamber of crafts explains in detail which rules apply to workshops this winter, "
        "what the new safety checks for machines cost, how apprentices are paid while they train at the "
        "college, and which grants small firms can still apply for before the end of the year."
    )
    cards = "".join(
        f"<article class='news'><a href='/news/{n}'><section><h2>Workshop news number {n}</h2>"
        f"<p>{teaser}</p></section></a></article>"
        for n in range(6)
    )
    body = " ".join(["The bakery on the market square will reopen in March after a fire in its kitchen."] * 4)
    html = (
        f"<html><body><div class='page'><div class='panel'>{cards}</div>"
        f"<div class='main'><article><h1>Bakery to reopen</h1><p>{body}</p>"
        f"<p>{body.replace('March', 'April')}</p></article></div></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://crafts.example/news/bakery"))
    assert len(teaser) > 250
    assert len(doc.paragraphs) == 2
    assert not any("Workshop news" in paragraph or "chamber" in paragraph for paragraph in doc.paragraphs)


def test_a_heading_that_is_a_widgets_title_is_dropped_but_other_headings_stay():
    body = " ".join(["The harbour master closed the outer basin to small boats for the storm."] * 3)
    html = (
        "<html><body><article><h1>Storm closes the basin</h1>"
        f"<p>{body}</p><h2>Follow the money</h2><p>{body.replace('storm', 'gale')}</p>"
        f"<h3>Mehr von Jana Berg auf hafenblatt.de</h3><p>{body.replace('small', 'all')}</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://hafenblatt.example/news/storm"))
    assert "Follow the money" in doc.paragraphs
    assert reasons(doc)["Mehr von Jana Berg auf hafenblatt.de"] == "rail"


def test_a_long_consent_placeholder_in_the_body_is_a_notice():
    placeholder = (
        "Um Ihre persönlichen Daten zu schützen, haben wir das Laden dieses Beitrags aus einem sozialen "
        "Netzwerk angehalten. Wenn Sie ihn sehen möchten, stimmen Sie bitte zu; dabei werden Daten an den "
        "Betreiber des Netzwerks übermittelt, der sie nach seinen eigenen Regeln verarbeitet und speichert."
    )
    body = " ".join(["Die Schwimmerin gewann in Rom ihr drittes Rennen in dieser Saison."] * 3)
    html = (
        "<html lang='de'><body><article><h1>Dritter Sieg</h1>"
        f"<p>{body}</p><p>{placeholder}</p><p>{body.replace('Rom', 'Neapel')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://sport.example/schwimmen/sieg"))
    assert len(placeholder) > 250
    assert reasons(doc)[placeholder] == "cookie-banner"
    assert len(doc.paragraphs) == 2


def test_kickers_above_the_headline_are_dropped_but_a_subheading_below_it_stays():
    body = " ".join(["The regional train will stop at the new station from the first of June."] * 3)
    html = (
        "<html><body><article><div class='topline'><span>Verkehr</span></div>"
        "<p class='kicker'>Nahverkehr im Tal</p><h1>New station opens in June</h1>"
        f"<p>{body}</p><p>Timetable</p><p>{body.replace('June', 'July')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://rail.example/news/station"))
    assert doc.paragraphs[0] == body
    assert "Timetable" in doc.paragraphs
    assert reasons(doc)["Verkehr"] == "header"
    assert reasons(doc)["Nahverkehr im Tal"] == "header"


def test_a_footer_of_notice_sentences_does_not_outweigh_a_short_post():
    post = (
        "A cartoonist drew a sharp strip about how every generation blames the next one for its troubles. "
        "It ran in a national paper this week and is worth your time."
    )
    notices = [
        "Using this site means accepting its terms of use, which the owners change from time to time.",
        "Some links here pay the owners a small share of what readers spend in the shops they lead to.",
        "Counters and small files keep track of visits, and adverts and mugs pay for the hosting bills.",
        "The drawings and texts may be shared again freely, as long as their authors are named with them.",
        "Moderators remove forum posts that break the house rules, which have a page of their own.",
    ]
    html = (
        "<html><body><div id='page'><div id='story'>"
        f"<h1>Generations</h1><p>{post}</p><p><a href='https://comics.example/strip'>The whole strip</a></p>"
        "</div></div><div id='footer'><div id='footer-left'>"
        + "".join(f"<p>{notice}</p>" for notice in notices)
        + "</div></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://blog.example/2024/05/generations"))
    assert post in doc.paragraphs
    assert not any(notice in doc.paragraphs for notice in notices)


def test_a_table_of_linked_names_with_their_figures_is_data_but_a_navigation_box_is_not():
    body = " ".join(["The club tested eight rowing machines over the winter and graded each one."] * 3)
    machines = [("Harbour Pro 2 with the long rail kit", "890 €", "yes", "1.7")]
    machines += [("Tide Compact and its folding frame", "450 €", "no", "2.4")]
    machines += [("Oarsman Classic water resistance", "620 €", "yes", "2.1")]
    machines += [("River Lite magnetic home rower", "310 €", "no", "3.9")]
    rows = "".join(
        f"<tr><td><a href='/test/{n}'>{name}</a></td><td>{price}</td><td>{folds}</td><td>{grade}</td></tr>"
        for n, (name, price, folds, grade) in enumerate(machines)
    )
    navbox = "".join(
        f"<tr><th>Group {g}</th><td>"
        + " · ".join(f"<a href='/wiki/{g}{n}'>Item {g}{n}</a>" for n in range(12))
        + "</td></tr>"
        for g in "AB"
    )
    html = (
        "<html><body><article><h1>Rowing machines tested</h1>"
        f"<p>{body}</p><table><tr><th>Model</th><th>Price</th><th>Folds</th><th>Grade</th></tr>{rows}"
        f"</table><p>{body.replace('eight', 'nine')}</p><table class='navbox'>{navbox}</table>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://rowing.example/tests/machines"))
    assert "Tide Compact and its folding frame | 450 € | no | 2.4" in doc.paragraphs
    assert not any("Item A3" in paragraph for paragraph in doc.paragraphs)


def test_a_short_command_in_a_pre_block_before_the_share_bar_is_kept():
    body = " ".join(
        ["The router's receive window can be tuned from the command line on any recent system."] * 3
    )
    html = (
        "<html><body><article><h1>Tuning the receive window</h1>"
        f"<p>{body}</p><p><strong>Switch it back on:</strong></p>"
        "<pre>netsh interface tcp set global auto</pre>"
        "<div class='share'><a href='https://social.example/share'>Share</a></div></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://howto.example/net/window"))
    assert doc.paragraphs[-1] == "netsh interface tcp set global auto"


def test_a_photo_credit_set_in_a_heading_tag_is_a_caption():
    body = " ".join(
        ["I had wanted to write this piece since the start of the year, and now I finally have."] * 3
    )
    html = (
        "<html><body><article><h1>A year of letters</h1>"
        "<h6><em>Photo: <a href='https://photos.example/jd'>Jana Dorn</a></em></h6>"
        f"<p>{body}</p><p>{body.replace('year', 'spring')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://mag.example/letters"))
    assert reasons(doc)["Photo: Jana Dorn"] == "caption"
    assert len(doc.paragraphs) == 2


def test_a_closed_modal_full_of_prose_is_a_popup_not_the_article():
    article = " ".join(
        ["The trade fair opens at the harbour hall on Monday with exhibitors from twelve countries."] * 4
    )
    programme = " ".join(
        [
            "The apprenticeship scheme teaches boat building over three years, with classes at the college "
            "alongside the work in the yard and two months at sea."
        ]
        * 12
    )
    html = (
        "<html><body><main><article><h1>Trade fair opens</h1>"
        f"<div class='entry-content'><p>{article}</p></div></article></main>"
        "<div class='pum pum-overlay' role='dialog' aria-hidden='true'><div class='pum-container'>"
        f"<div class='pum-content'><p>INTRODUCTION</p><p>{programme}</p></div></div></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://town.example/news/trade-fair"))
    assert doc.text == article
    assert "popup" in reasons(doc).values()


def test_promo_rules_that_open_with_a_word_boundary_open_every_branch_with_one():
    # html.py searches the rules opening with \b as one alternation and the others as another (an
    # alternation of \b branches runs several times faster): a rule in the first group with a branch that
    # does not open with \b slows every search of it down.
    import re._parser as re_parser

    from tasks.clean import html as html_module

    for _, rule in html_module._PROMO_RULES:
        if not rule.pattern.startswith("\\b"):
            continue
        items = list(re_parser.parse(rule.pattern))
        branches = items[0][1][1] if len(items) == 1 and str(items[0][0]) == "BRANCH" else [items]
        for branch in branches:
            assert str(list(branch)[0][0]) == "AT", rule.pattern


def test_every_trailing_credit_word_holds_a_mark_the_cheap_test_looks_for():
    from tasks.clean import html as html_module

    for prefix in html_module.CREDIT_PREFIXES:
        if prefix != "(c) ":
            assert any(mark in prefix for mark in html_module._CREDIT_MARKS), prefix


def test_a_closing_about_this_series_box_goes_with_its_text():
    body = " ".join(
        ["The ruling party won the local elections in most municipalities on Sunday evening."] * 4
    )
    html = (
        "<html><body><article><h1>Local elections</h1>"
        + "".join(f"<p>{body.replace('Sunday', day)}</p>" for day in ("Sunday", "Monday", "Friday"))
        + "<p>About this series</p><p>Our correspondents in each region write these election reports "
        "twice a year for readers of the newsletter.</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://foundation.example/reports/elections"))
    assert len(doc.paragraphs) == 3
    assert reasons(doc)["About this series"] == "author-bio"


def test_sections_each_in_a_block_of_their_own_stay_with_the_headline_section():
    # Page builders wrap every section (a heading and its paragraphs) in a block: unlike a side column of
    # several boxes, such siblings are the article's next parts.
    lead = "The council approved the harbour plan on Tuesday after a long debate about costs and timing."
    sections = [
        ("Background", "The plan was first drafted four years ago, when the old ferry pier had to close."),
        ("The vote", "Nine councillors voted in favour and four against, with two abstaining at the end."),
        ("What happens next", "Works on the new quay start in April and should be finished by next summer."),
    ]
    html = (
        "<html><body><div class='page'><div class='section'><h1>Harbour plan approved</h1>"
        f"<p>{lead} {lead.replace('Tuesday', 'the day')}</p></div>"
        + "".join(
            f"<div class='section'><h2>{heading}</h2><p>{text} {text.replace('the', 'its')}</p></div>"
            for heading, text in sections
        )
        + "</div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://council.example/news/harbour-plan"))
    assert [heading for heading, _ in sections if heading in doc.paragraphs] == [h for h, _ in sections]
    assert len(doc.paragraphs) == 7


def test_a_long_affiliate_disclosure_at_the_top_is_a_disclaimer():
    disclosure = (
        "Some of the cards named below come from partners of this site, and we may receive compensation "
        "when you apply through our links. That does not change which cards we review or how we rate them; "
        "offers and their terms change often, so check them on the issuer's own page before you apply."
    )
    body = " ".join(
        ["The airline's new card offers a companion fare every year after the first purchase."] * 3
    )
    html = (
        "<html><body><article><h1>Companion fares explained</h1>"
        f"<p>{disclosure}</p><p>{body}</p><p>{body.replace('every', 'each')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://points.example/guide/companion-fare"))
    assert reasons(doc)[disclosure] == "disclaimer"
    assert len(doc.paragraphs) == 2


def test_commentary_and_live_ticker_entries_are_not_reader_comments():
    entries = [
        "90' It is over in Harbourton! United hang on for a point against the league leaders tonight.",
        "75' A free kick from the left wing, headed wide by the tall defender at the far post.",
        "12' A quiet start: neither side has managed a shot on goal in the first ten minutes yet.",
    ]
    opinion = " ".join(["The city should not have sold the harbour land before the new plan was agreed."] * 3)
    live = (
        "<html><body><main><h1>Harbourton v City, live</h1><div class='live-match-comments'>"
        + "".join(
            f"<div class='live-match-comment'><div class='live-match-comment-body'>{e}</div></div>"
            for e in entries
        )
        + "</div><div id='comments'><p>Great match, what a keeper they have in goal this season!</p></div>"
        "</main></body></html>"
    )
    doc = clean_html(raw_document(live, "https://sport.example/live/harbourton-city"))
    assert all(entry in doc.paragraphs for entry in entries)
    assert "Great match" not in doc.text
    column = (
        "<html><body><article><h1>The harbour sale was a mistake</h1>"
        f"<div class='commentary-body'><p>{opinion}</p><p>{opinion.replace('city', 'council')}</p></div>"
        "</article></body></html>"
    )
    assert opinion in clean_html(raw_document(column, "https://paper.example/commentary/harbour")).text


def test_the_block_marked_as_article_body_wins_inside_a_wrapper_full_of_summaries():
    body = [
        f"The old lighthouse on the north pier was repainted for the {n} time in ten years this spring, and "
        "the harbour board says the salt air will make it the last."
        for n in ("third", "fourth", "fifth")
    ]
    summaries = [
        f"In the next town a {what} opened a small museum in the old customs house, with maps and logbooks "
        "lent by families who have lived by the harbour for generations."
        for what in ("teacher", "baker", "fisher", "pilot", "nurse")
    ]
    html = (
        "<html><body><div class='page'><div class='content'><h1>Lighthouse repainted</h1>"
        "<div itemprop='articleBody'>" + "".join(f"<p>{text}</p>" for text in body) + "</div>"
        "<div class='more'><ul>" + "".join(f"<li><p>{text}</p></li>" for text in summaries) + "</ul></div>"
        "</div></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://coast.example/news/lighthouse"))
    assert list(doc.paragraphs) == body


def test_a_body_split_into_several_marked_sections_is_kept_whole():
    sections = [
        " ".join(
            [f"Part {n} of the story: the fires in the hills burned for a week before the rain came."] * 3
        )
        for n in ("one", "two", "three")
    ]
    html = (
        "<html><body><article><h1>A week of fires</h1><div class='wrap'>"
        + "".join(
            f"<section itemprop='articleBody'><p>{text}</p></section><div class='ad'>Ad</div>"
            for text in sections
        )
        + "</div><div class='more'><p>Read the latest climate coverage from our reporters.</p></div>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://magazine.example/science/fires"))
    assert list(doc.paragraphs) == sections


def test_a_figure_label_line_is_a_caption_but_a_sentence_about_figure_skating_is_not():
    body = " ".join(["The tide gauges along the bay were read at forty points during the spring survey."] * 3)
    captions = ["Abbildung 3: Pegelstände in der Bucht.", "Fig. 2. Tide levels along the bay."]
    kept = "Figure skating: the local club opened its season on the frozen lake on Sunday."
    html = (
        "<html><body><article><h1>Tide survey</h1>"
        f"<p>{body}</p>" + "".join(f"<p>{caption}</p>" for caption in captions) + f"<p>{kept}</p>"
        f"<p>{body.replace('forty', 'fifty')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://coast.example/reports/tides"))
    assert all(reasons(doc).get(caption) == "caption" for caption in captions)
    assert kept in doc.paragraphs


def test_a_headings_id_is_an_anchor_not_a_role():
    body = " ".join(
        ["The hull is sanded by hand first, then two coats of paint go on before the boat is launched."] * 3
    )
    html = (
        "<html><body><article><h1>Restoring a rowing boat</h1>"
        f"<p>{body}</p><h3 class='subheading' id='nav_the_last_coat__2'>The last coat</h3>"
        f"<p>{body.replace('hand', 'machine')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://boats.example/guides/restoring"))
    assert "The last coat" in doc.paragraphs


def test_a_closing_sentence_without_a_full_stop_is_not_the_share_bars_label():
    body = " ".join(
        ["Swimming in the lake in October is less of a shock than you think after the first minute."] * 3
    )
    closing = "Afterwards the hot tea tastes better than at any other time of year 🍵"
    html = (
        "<html><body><article><h1>Autumn swimming</h1>"
        f"<p>{body}</p><p>{body.replace('shock', 'surprise')}</p><p>{closing}</p><p>Share this</p>"
        "<div class='sharedaddy'><a href='https://x.example/share'>X</a> <a href='/mail'>Mail</a></div>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://blog.example/2024/10/autumn-swimming"))
    assert doc.paragraphs[-1] == closing
    assert "Share this" not in doc.paragraphs


def test_a_channel_ask_at_the_end_of_the_body_is_a_promo():
    body = " ".join(
        ["El club de remo abrirá la temporada con una regata en la bahía el primer domingo de abril."] * 3
    )
    ask = "¡Visita nuestro canal de YouTube para ver la regata!"
    html = (
        f"<html lang='es'><body><article><h1>Temporada nueva</h1><p>{body}</p>"
        f"<p>{body.replace('abril', 'mayo')}</p><p>{ask}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://deportes.example/noticias/temporada"))
    assert reasons(doc)[ask] == "promo"


def test_a_long_blog_footer_closing_the_body_is_dropped_as_tags():
    body = " ".join(
        ["Der Chor sang zum Abschluss der Saison Lieder aus vier Jahrhunderten im Gemeindesaal."] * 3
    )
    footer = (
        "Der Beitrag wurde am Sonntag, den 9. März 2025 um 20:05 Uhr veröffentlicht und unter Konzerte, "
        "Chorleben, Saisonrückblick abgelegt. Antworten auf diesen Beitrag lassen sich per Feed abonnieren; "
        "Kommentare und Pingbacks sind für diesen Eintrag geschlossen, Fragen zum Programm bitte an den "
        "Vorstand richten."
    )
    html = (
        f"<html lang='de'><body><article><h1>Saisonabschluss</h1><p>{body}</p>"
        f"<p>{body.replace('vier', 'fünf')}</p><p>{footer}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://chor.example/2025/03/saisonabschluss"))
    assert reasons(doc)[footer] == "tags"


def test_a_paragraph_marked_as_article_body_is_kept_whatever_its_class_says():
    first = "The harbour board met on Saturday to vote on the plan for the new ferry terminal."
    walled = "Before the vote, members heard from the fishing families whose moorings would have to move."
    html = (
        "<html><body><article><h1>Ferry terminal vote</h1>"
        f"<p class='text'>{first} {first}</p>"
        f"<p class='text regwalled' itemprop='articleBody'>{walled}</p>"
        f"<p class='text regwalled' itemprop='articleBody'>{walled.replace('Before', 'After')}</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://paper.example/local/terminal-vote"))
    assert walled in doc.paragraphs


@pytest.mark.parametrize("box_class", ["author-bio", "author-box", "author-info author-bio-wrap"])
def test_a_box_named_author_bio_is_an_author_box_while_a_posts_author_class_names_nothing(box_class: str):
    body = " ".join(["The town hall will get solar panels on its roof before the end of the summer."] * 3)
    bio = (
        "Robin Marsh has written about energy and the town's council for twenty years and still cycles to "
        "every meeting, whatever the weather, with a notebook and two pens."
    )
    html = (
        "<html><body><article class='post author-sharon category-energy'><h1>Solar roof</h1>"
        f"<p>{body}</p><p>{body.replace('summer', 'autumn')}</p><p>{body.replace('roof', 'car park')}</p>"
        f"<div class='{box_class}'><p>{bio}</p></div></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://town.example/news/solar"))
    assert bio not in doc.paragraphs
    assert reasons(doc)[bio] == "author-bio"
    assert len(doc.paragraphs) == 3


def test_an_address_element_is_a_byline_not_text():
    body = " ".join(["The old lighthouse keeper's cottage opens as a small museum in the spring."] * 3)
    html = (
        "<html><body><article><h1>Lighthouse museum</h1>"
        "<address>By <a href='/author/dana'>Dana Whitfield</a></address>"
        f"<p>{body}</p><p>{body.replace('spring', 'summer')}</p></article>"
        "<footer><address>Harbour Press, 4 Quay Street, Portby</address></footer></body></html>"
    )
    doc = clean_html(raw_document(html, "https://coast.example/news/lighthouse"))
    assert len(doc.paragraphs) == 2
    assert reasons(doc)["By Dana Whitfield"] == "byline"
    assert values(doc, "author") == [("By Dana Whitfield", "byline")]  # the footer's address names no one


def test_a_disclaimer_box_under_the_article_is_not_text():
    body = " ".join(["The county opened a new cycle path along the old railway line last week."] * 3)
    note = "Note: links in this article may earn us a commission; our reporters choose what to write about."
    html = (
        "<html><body><article><h1>New cycle path</h1>"
        f"<p>{body}</p><p>{body.replace('last', 'this')}</p><p>{body.replace('county', 'city')}</p>"
        f"<div class='editorial-disclaimer'><p class='editorial-disclaimer-text'>{note}</p></div>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://county.example/news/cycle-path"))
    assert note not in doc.paragraphs
    assert len(doc.paragraphs) == 3


def test_a_section_trail_opening_the_body_is_a_breadcrumb():
    body = " ".join(["The harbour board approved the new ferry timetable after a long meeting."] * 3)
    trail = "Front Page » Transport » Harbour board approves new ferry timetable"
    html = (
        "<html><body><article>"
        f"<p><a href='/'>Front Page</a> » <a href='/transport'>Transport</a> » {trail.rsplit('» ', 1)[1]}</p>"
        f"<p>{body}</p><p>{body.replace('long', 'short')}</p>"
        "<p>Ticket prices » up by a fifth » from May, the board said, and passes stay the same.</p>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://harbour.example/transport/ferry"))
    assert reasons(doc)[trail] == "breadcrumb"
    assert doc.paragraphs[0] == body
    assert doc.paragraphs[-1].startswith("Ticket prices")  # further down, arrows are the writer's


def test_a_consent_banners_sentences_left_after_the_article_are_dropped_and_reporting_on_cookies_stays():
    body = " ".join(["The data regulator fined three shops for tracking readers without asking."] * 3)
    report = "The regulator said the sites set advertising cookies before anyone had clicked a button."
    banner_de = (
        "Wir setzen auf diesem Angebot Cookies ein, damit alles läuft. Wer weiterliest, ist mit der "
        "Verwendung von Cookies einverstanden."
    )
    banner_fr = "Vous pouvez paramétrer les cookies à tout moment depuis le lien en bas de page."
    html = (
        "<html><body><article><h1>Fines for tracking</h1>"
        f"<p>{body}</p><p>{body.replace('three', 'four')}</p><p>{report}</p>"
        f"</article><div><p>{banner_de}</p><p>{banner_fr}</p></div></body></html>"
    )
    doc = clean_html(raw_document(html, "https://privacy.example/news/fines"))
    assert doc.paragraphs[-1] == report
    assert banner_de not in doc.paragraphs and banner_fr not in doc.paragraphs


def test_a_medical_disclaimer_closing_the_page_goes_and_the_same_words_in_the_story_stay():
    body = " ".join(["The county opened a phone line for parents of babies, staffed by nurses at night."] * 3)
    story = "The county said the line does not offer medical advice but tells callers where to find it."
    note = "The Harbour Parents blog does not offer medical advice; ask your doctor about your own child."
    html = (
        "<html><body><article><h1>Night line for parents</h1>"
        f"<p>{body}</p><p>{story}</p><p>{body.replace('night', 'weekends')}</p>"
        f"<p>{body.replace('nurses', 'midwives')}</p><p>{body.replace('county', 'city')}</p>"
        f"<p>{body.replace('phone', 'chat')}</p><p>{note}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://parents.example/news/night-line"))
    assert story in doc.paragraphs
    assert note not in doc.paragraphs and reasons(doc)[note] == "disclaimer"


def test_a_themes_post_prefixed_classes_are_read():
    body = " ".join(["The harbour master closed the basin to yachts while divers inspected the wall."] * 3)
    html = (
        "<html><body><article class='post post-4711 type-post'><h1>Basin closed</h1>"
        "<div class='post-image-credits'><span>Jane Doe | Harbour Photo Agency</span></div>"
        f"<div class='post-content'><p>{body}</p><p>{body.replace('yachts', 'ferries')}</p></div>"
        "<div class='post-share'><span>Share on the harbour board</span></div>"
        "</article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://harbour.example/news/basin"))
    assert len(doc.paragraphs) == 2
    assert reasons(doc)["Jane Doe | Harbour Photo Agency"] == "caption"
    assert reasons(doc)["Share on the harbour board"] == "share"


def test_a_minor_heading_holding_a_name_and_a_date_and_time_is_a_byline():
    body = " ".join(["The city will plant two hundred trees along the river promenade this spring."] * 3)
    html = (
        "<html><body><article><h1>Trees for the promenade</h1><h6>Ana Ruiz 3/5/2022 22:41</h6>"
        f"<p>{body}</p><p>{body.replace('spring', 'autumn')}</p>"
        "<h4>What the trees will cost</h4>"
        f"<p>{body.replace('two hundred', 'three hundred')}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://river.example/news/trees"))
    assert reasons(doc)["Ana Ruiz 3/5/2022 22:41"] == "byline"
    assert "What the trees will cost" in doc.paragraphs


def test_a_newsletter_box_after_the_story_goes_and_the_same_words_mid_story_stay():
    body = " ".join(["The river authority will dredge the harbour mouth in March for larger ships."] * 3)
    story = "Warnings about floods are delivered to your inbox every hour in a storm, the authority said."
    pitch = "Our harbour briefing: shipping news and analysis, delivered to your inbox every weekday."
    html = (
        "<html><body><article><h1>Dredging the harbour</h1>"
        f"<p>{body}</p><p>{body.replace('March', 'April')}</p><p>{story}</p>"
        f"<p>{body.replace('larger', 'bigger')}</p><p>{body.replace('river', 'port')}</p>"
        f"<p>{body.replace('harbour mouth', 'channel')}</p><p>{body.replace('ships', 'ferries')}</p>"
        f"<p>{pitch}</p></article></body></html>"
    )
    doc = clean_html(raw_document(html, "https://port.example/news/dredging"))
    assert story in doc.paragraphs
    assert pitch not in doc.paragraphs


def _article(body: str) -> str:
    filler = "<p>" + " ".join(
        ["The survey of the harbour district measured how residents travel to work."] * 3
    )
    page = f"<nav><a href='/'>Home</a></nav><article>{filler}</p>{body}{filler}</p></article>"
    return f"<html><body>{page}</body></html>"


def test_a_custom_element_inside_a_sentence_stays_in_it():
    # Custom elements display inline unless styled: one around a citation's number is part of the line, and
    # its name ('...-source') names no credit or byline.
    doc = clean_html(
        raw_document(
            _article(
                "<p>Skin measurements have estimated body fat for decades (<hl-cited-source source='Archive'>"
                "<a href='https://archive.example/1'>1</a></hl-cited-source>).</p>"
                "<ul><li>Accuracy varies with the device used (<a href='https://archive.example/3'>3</a>, "
                "<hl-cited-source source='Archive'><a href='https://archive.example/13'>13</a>"
                "</hl-cited-source>).</li></ul>"
            )
        )
    )
    assert "Skin measurements have estimated body fat for decades (1)." in doc.paragraphs
    assert "Accuracy varies with the device used (3, 13)." in doc.paragraphs
    assert not [c for c in doc.candidates if c.field == "author" and c.value in ("1", "13")]


def test_a_custom_ad_element_inside_a_sentence_is_still_dropped():
    doc = clean_html(
        raw_document(
            _article(
                "<p>The ferry timetable changes in May <ad-slot>Advertisement</ad-slot> for all routes.</p>"
            )
        )
    )
    assert "Advertisement" not in doc.text
    assert "The ferry timetable changes in May" in doc.text


def test_an_article_card_between_paragraphs_is_another_storys_teaser():
    card = (
        "<article class='mini'><header><div class='label'>ALSO READ</div><h4><a href='/economy/rates'>"
        "Central bank holds rates as inflation cools in the spring</a></h4></header>"
        "<p class='author'>Dana Whitfield</p></article>"
    )
    doc = clean_html(
        raw_document(_article(f"<p>The port authority published the figures on Monday.</p>{card}"))
    )
    assert "Central bank holds rates" not in doc.text
    assert "The port authority published the figures on Monday." in doc.text
    assert any(link.url.endswith("/economy/rates") and link.kind == "related" for link in doc.links)


def test_a_single_post_under_a_linked_headline_is_kept():
    # A page that is one short post in an <article> of its own (a review, a note): the card is the text.
    post = (
        "<article class='review'><aside><a href='/users/7'>Mrs K Lund <span>2 reviews</span></a></aside>"
        "<section><h2><a href='/reviews/1'>Quick crossing, friendly crew</a></h2>"
        "<p>The crossing was quick and the crew friendly; the café on board could open earlier in the day, "
        "and the timetable at the pier was out of date.</p></section></article>"
    )
    reply = "<p>Thank you, we have passed your note to the crew and will update the pier timetable.</p>"
    page = f"<h1>Review of the harbour ferry</h1><div class='card'>{post}<div>{reply}</div></div>"
    doc = clean_html(raw_document(f"<html><body><main>{page}</main></body></html>"))
    assert "The crossing was quick and the crew friendly" in doc.text


def test_an_embedded_players_title_is_dropped_as_embed():
    player = (
        "<div class='player'><div class='frame'><iframe src='https://video.example/p/1'></iframe></div>"
        "<div class='label'>Storm reaches the coast: the first pictures from the harbour</div></div>"
    )
    doc = clean_html(
        raw_document(
            _article(
                f"<h2>Ferries stay in port until Friday</h2>{player}<div class='share-bar'>"
                "<a href='https://social.example/share'>Share</a></div>"
            )
        )
    )
    assert "Storm reaches the coast" not in doc.text
    assert reasons(doc)["Storm reaches the coast: the first pictures from the harbour"] == "embed"
    assert "Ferries stay in port until Friday" in doc.paragraphs  # the article's subheading, not a label


def test_a_sentence_beside_a_player_stays():
    body = "<div><iframe src='https://video.example/p/2'></iframe><p>The mayor opened the new pier.</p></div>"
    doc = clean_html(raw_document(_article(body)))
    assert "The mayor opened the new pier." in doc.paragraphs


def test_a_caption_span_inside_a_paragraph_is_a_caption():
    # A picture set inline in a paragraph, its caption in a span named for one ('Bildunterschrift' is German
    # for caption): the caption goes, as a figcaption would, and becomes the image's caption candidate.
    body = (
        "<p class='picture'><img src='/img/pier.jpg' alt=''><span class='bildunterschrift'>The new pier at"
        " dusk (Photo: City of Harbourtown)</span></p>"
        "<p>The council approved the budget for the pier in March.</p>"
    )
    doc = clean_html(raw_document(_article(body)))
    assert "The new pier at dusk" not in doc.text
    assert "The council approved the budget for the pier in March." in doc.paragraphs
    assert reasons(doc)["The new pier at dusk (Photo: City of Harbourtown)"] == "caption"
    assert [value for value, _ in values(doc, "image_caption")][0].startswith("The new pier at dusk")


def test_a_closing_list_under_a_label_with_the_sites_name_goes_with_it():
    rail = (
        "<hr><div role='heading' class='heading-h3'>More Great LEDGER Stories</div><ul>"
        "<li>A mayor <a href='https://www.ledger.example/story/mayor'>goes to Washington</a></li>"
        "<li>What ports can teach <a href='https://www.ledger.example/story/ports'>about tides</a></li></ul>"
    )
    html = _article("<p>The harbour reopened on Friday after the storm passed.</p>")
    doc = clean_html(
        raw_document(html.replace("</article>", f"{rail}</article>"), "https://www.ledger.example/x")
    )
    assert "goes to Washington" not in doc.text
    assert "More Great LEDGER Stories" not in doc.text
    assert "The harbour reopened on Friday after the storm passed." in doc.paragraphs


def test_a_forms_alert_messages_are_no_text():
    # Error messages waiting in a sign-up form (role="alert") read like sentences; they are notices.
    form = "".join(
        f"<p class='form-error' role='alert'><span>{message}</span></p>"
        for message in (
            "Please enter an email address that exists and has an @ in it.",
            "The password must be at least eight characters long and hold a digit.",
        )
    )
    doc = clean_html(raw_document(_article(f"<form>{form}<input name='email'></form>")))
    assert "Please enter an email address" not in doc.text
    assert reasons(doc)["Please enter an email address that exists and has an @ in it."] == "notice"


def test_a_forms_field_labels_go_and_a_checklists_labels_stay():
    form = (
        "<form><p><label for='c'>Your comment</label><textarea id='c'></textarea></p>"
        "<p><label for='n'>Name (required)</label><input id='n'></p></form>"
    )
    checklist = (
        "<ul><li><label><input type='checkbox'>two eggs, beaten</label></li>"
        "<li><label><input type='checkbox'>a cup of flour</label></li></ul>"
    )
    doc = clean_html(raw_document(_article(checklist + form)))
    assert "Your comment" not in doc.text and "Name (required)" not in doc.text
    assert reasons(doc)["Your comment"] == "form"
    assert "two eggs, beaten" in doc.paragraphs


def test_markup_escaped_into_the_text_is_no_paragraph():
    # An escaped tracking pixel in a <noscript> of the <head> is moved into the body as text by the parser.
    pixel = "&lt;img height='1' width='1' src='https://pixel.example/tr?id=378526515&amp;noscript=1'&gt;"
    story = " ".join(["The survey of the harbour district measured how residents travel to work."] * 3)
    body = f"<div class='story'><p>{story}</p><p>The ferry timetable changes in May.</p></div>"
    doc = clean_html(
        raw_document(f"<html><head><noscript>{pixel}</noscript></head><body>{body}</body></html>")
    )
    assert doc.paragraphs == (story, "The ferry timetable changes in May.")
    code = clean_html(raw_document(_article("<pre>&lt;img src='logo.png'&gt;</pre>")))
    assert "<img src='logo.png'>" in code.paragraphs  # markup in a code block is the text
