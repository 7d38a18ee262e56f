# ruff: noqa: E501  (the fixtures below are page copies: one paragraph is one long line, as in a real copy)
"""Tests for tasks/clean/text.py: the real Mint sample plus small copies written here that mimic other
outlets' furniture, to show the rules are general rather than fitted to one page."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tasks.clean.text as text_module
from tasks.clean.text import clean_text
from tasks.records import CleanDocument, RawDocument

SAMPLE_PATH = Path(__file__).parents[3] / "seeds" / "000_931a64f1d1105032.txt"


def make_doc(text: str, doc_id: str = "doc-1") -> RawDocument:
    return RawDocument(
        doc_id=doc_id,
        source="tests",
        location=f"/tmp/{doc_id}.txt",
        url=None,
        fetched_at=datetime(2024, 10, 28, 12, 0, tzinfo=UTC),
        content_type="text/plain",
        charset="utf-8",
        raw=text.encode("utf-8"),
        raw_sha256="0" * 64,
        text=text,
    )


def values(clean: CleanDocument, field: str) -> list[str]:
    return [candidate.value for candidate in clean.candidates if candidate.field == field]


def evidence(clean: CleanDocument, field: str) -> list[tuple[str, str]]:
    return [(c.value, c.evidence) for c in clean.candidates if c.field == field]


def reasons(clean: CleanDocument, fragment: str) -> set[str]:
    return {segment.reason for segment in clean.removed if fragment in segment.text}


def documented_reasons() -> set[str]:
    doc = text_module.__doc__ or ""
    return set(re.findall(r"^\s{4}([a-z][a-z-]+)\s{2,}", doc, flags=re.MULTILINE))


# --- Small copies of other outlets' pages, written for these tests -------------------------------------

# A US cable-news page: menu, byline with two names and the outlet, "Updated" dateline, a caption repeated
# with its credit, "READ MORE:" and "Related:" promos, a newsletter box, an ad label, copyright footer
# and a "Most Read" rail of teasers after the article.
WIRE_COPY = """\
date 2022-08-07 Senate passes sweeping climate and health bill after marathon session
Skip to main content
Menu
Search
Sign In
US
World
Politics
Business

Senate passes sweeping climate and health bill after marathon session
By Jane Doe and John Roe, CNN
Updated 9:41 PM EDT, Sun August 7, 2022
Senate Majority Leader Chuck Schumer speaks to reporters on Capitol Hill. (J. Scott Applewhite/AP)
Senate Majority Leader Chuck Schumer speaks to reporters on Capitol Hill. (J. Scott Applewhite/AP)

Washington (CNN) — The Senate on Sunday passed a sweeping package to fight climate change and lower the cost of prescription drugs, after a marathon overnight session of votes.

The vote was 51 to 50, with the vice president breaking the tie, and the measure now heads to the House.

READ MORE: How the climate bill would cut emissions by 2030

Democrats argued the bill would be the largest climate investment in the nation's history, while Republicans said it would raise taxes in the middle of a slowdown.

Related: Manchin reaches a surprise deal with Schumer on energy spending

Sign up for our free newsletter to get the latest headlines every morning.

Ad Feedback

The House is expected to take up the measure on Friday, and leaders said they had the votes to pass it.

“This is a good day for the country,” the majority leader told reporters after the vote.

Copyright 2022 Cable News Network. All rights reserved.
Most Read
Storm knocks out power to thousands across the Midwest
Star quarterback signs record contract extension after long talks
"""

# A UK newspaper page copied without the header line: cookie banner, menu, headline, standfirst, a name
# with a job title above a date-only line, a caption credited "Photograph:", "Read more:" promos, share
# buttons and a "Most viewed" rail.
NEWSPAPER_COPY = """\
We use cookies to improve your experience on our site and to show you relevant advertising. By continuing to browse, you agree to our use of cookies.
Accept all
Manage preferences
News
Sport
Culture
Lifestyle

Ministers face backlash over plan to close rural bus routes
Campaigners say thousands of villagers will be cut off from shops and doctors if the cuts go ahead.

Alex Smith
Transport correspondent
Mon 28 Oct 2024 17.55 GMT

A bus waits at a stop in a Cumbrian village. Photograph: Ian Forsyth/Getty Images

Ministers are facing a backlash from their own backbenchers over plans to withdraw funding for hundreds of rural bus routes, with critics warning that villages will be left isolated.

The Department for Transport said the money would be redirected to services with higher passenger numbers, arguing that the current scheme was poor value.

Read more: Bus fares to rise by a third next year, operators warn

Local councils said they had not been consulted and would struggle to replace the routes from their own budgets, which are already stretched.

What happens next

A consultation will run until the end of January, after which ministers will publish their final decision.

Share
Facebook
Twitter
Reuse this content
Most viewed
"""

# A business site's copy with CRLF line endings and non-breaking spaces: an index strip at the top, a
# byline with one name, a read-time label, a stock quote box in the middle of the article, a
# "Related:" promo and a paywall prompt at the end.
BUSINESS_COPY = (
    "date 2024-10-28 Chipmaker shares jump after record quarterly sales\r\n"
    "Markets\r\n"
    "Dow Jones 42,114.40 -0.61%\r\n"
    "S&P 500 5,823.52 -0.03%\r\n"
    "Nasdaq 18,567.19 +0.26%\r\n"
    "\r\n"
    "Chipmaker shares jump after record quarterly sales\r\n"
    "By Maria\u00a0Garcia\r\n"
    "October 28, 2024 at 5:55 AM EDT\r\n"
    "Listen to this article\r\n"
    "3 min read\r\n"
    "\r\n"
    "Shares of the chipmaker rose as much as 12% in early trading on Monday after it reported record sales"
    " for the third quarter, driven by\u00a0demand for data-centre processors.\r\n"
    "\r\n"
    "NVDA\r\n"
    "Nvidia Corp.\r\n"
    "141.54\r\n"
    "+3.20 (2.31%)\r\n"
    "\r\n"
    "The company said revenue climbed to $35 billion in the three months to September, ahead of analyst"
    " estimates, and it raised its forecast for the current quarter.\r\n"
    "\r\n"
    "Related: Why investors are betting on another year of chip growth\r\n"
    "\r\n"
    "Analysts said the results eased concerns that spending on artificial intelligence was slowing.\r\n"
    "\r\n"
    "Subscribe to continue reading\r\n"
    "Already a subscriber? Log in\r\n"
)

# An Indian news site's copy: breadcrumb trail, bullet summary, "Also read:" with a colon, a caption
# repeated twice with the credit glued on, "(With inputs from PTI)" kept as article text, app prompt,
# "Follow us on Google News", and tags.
PORTAL_COPY = """\
\ufeff date 2024-03-02 Heavy rain lashes Mumbai, local trains run late
Home > City > Mumbai
Heavy rain lashes Mumbai, local trains run late
Written by Priya Sharma
Last Updated: March 2, 2024, 10:15 IST
Commuters wade through a waterlogged street in Andheri on Saturday.
Commuters wade through a waterlogged street in Andheri on Saturday.(Photo: PTI)
Heavy overnight rain flooded low-lying parts of Mumbai on Saturday, slowing suburban trains and leaving commuters stranded at several stations.
The weather office has issued an orange alert for the city and neighbouring districts for the next two days.
Also read: Monsoon to arrive early in Kerala, says weather office
Civic officials said pumps had been deployed at the worst-hit spots and that schools would remain open.
(With inputs from PTI)
Download the News18 App to get the latest updates
Follow us on Google News
Tags: Mumbai rains, Monsoon
"""


# A news agency's copy: an unlabelled date glued to "Updated", a numbered caption with licensing text,
# a "Sign up here." box, the reporting credits that close the story, and topic links.
AGENCY_COPY = """\
date 2024-10-28 Oil prices slide as strike spares energy sites
Skip to main content
World
Business
Markets
Sign In
Oil prices slide as strike spares energy sites
By Lena Park and Tom Field
October 28, 20245:55 PM GMT+5:30Updated 2 hours ago
[1/2] A pump jack works in an oil field near Midland, Texas. REUTERS/Jo Smith/File Photo Purchase Licensing Rights, opens new tab
HOUSTON, Oct 28 (Reuters) - Oil prices fell about 6% on Monday after the weekend strike avoided oil and nuclear sites and did not disrupt supplies.
Brent crude futures fell $4.42, or 5.8%, to $71.63 a barrel by 1300 GMT.
Both benchmarks are at their lowest since Oct. 1.
Sign up here.
Traders said the market was now pricing out a large part of the risk premium built up over the past month.
Reporting by Lena Park in Houston and Tom Field in Singapore; Editing by Ann Lee
Our Standards: The Trust Principles., opens new tab
Suggested Topics:
Commodities
"""

# A regional site's copy with an inline "RELATED STORIES" box (headlines one a line) and a list that an
# intro line ending in ":" announces.
REGIONAL_COPY = """\
date 2024-05-14 Town council approves new cycle lanes
The town council approved a network of new cycle lanes on Tuesday after months of consultation with residents and businesses.

Councillors said the plan would be built in three phases over the next four years, starting with the routes to schools.

RELATED STORIES
Residents split over plan to close high street to cars
Bus company cuts evening services on three routes

The first phase covers the following streets:
Station Road
Mill Lane
Church Street

Work on the first phase is due to begin in September, and the council said it would publish a detailed timetable next month.
"""


@pytest.fixture(scope="module")
def sample() -> CleanDocument:
    return clean_text(make_doc(SAMPLE_PATH.read_text(encoding="utf-8"), doc_id="931a64f1d1105032"))


# --- The real Mint sample -------------------------------------------------------------------------------


def test_sample_body_starts_and_ends_with_the_article(sample: CleanDocument) -> None:
    assert sample.paragraphs[0].startswith(
        "On October 28, the North Atlantic Treaty Organization (NATO) confirmed"
    )
    assert sample.paragraphs[-1].startswith("“According to intelligence, on October 27-28,")
    assert sample.paragraphs[-1].endswith("these days,” Zelensky said.")


def test_sample_keeps_in_body_heading_as_its_own_paragraph(sample: CleanDocument) -> None:
    assert "Zelensky’s remarks" in sample.paragraphs


def test_sample_drops_all_furniture(sample: CleanDocument) -> None:
    body = sample.text
    for furniture in (
        "Also Read",
        "share price",
        "Catch all the",
        "MoreLess",
        "Kremlin Pool Photo",
        "First Published",
        "Instant Loan",
        "Log in",
        "Gold Prices",
        "Sounak",
        "Updated28",
    ):
        assert furniture not in body, furniture
    assert len(sample.paragraphs) == 10


def test_also_read_promos_become_related_links(sample: CleanDocument) -> None:
    assert [(link.url, link.anchor, link.kind) for link in sample.links] == [
        (None, "Ukraine shakes down nightlife spots for recruits as troop numbers fall", "related"),
        (None, "North Korea is sending thousands of soldiers to help Vladimir Putin", "related"),
        (None, "Ukraine’s Zelenskyy reaffirms trust in PM Narendra Modi to help ‘end war’", "related"),
    ]
    assert reasons(sample, "Also Read") == {"related-links"}


def test_sample_candidates_come_from_header_byline_and_footer(sample: CleanDocument) -> None:
    title = "‘Dangerous expansion’: NATO confirms North Korea’s active role in Russia-Ukraine war"
    assert evidence(sample, "title") == [(title, "header-line")]
    assert evidence(sample, "published") == [
        ("2024-10-28", "header-line"),
        ("28 Oct 2024, 05:55 PM IST", "first-published-line"),
    ]
    assert evidence(sample, "updated") == [("28 Oct 2024, 05:55 PM IST", "byline")]
    assert evidence(sample, "author") == [("Sounak Mukhopadhyay", "byline")]
    assert values(sample, "site_name") == ["Live Mint"]
    assert sample.first("title") is not None and sample.first("title").evidence == "header-line"


def test_standfirst_is_a_subtitle_not_a_paragraph(sample: CleanDocument) -> None:
    [subtitle] = values(sample, "subtitle")
    assert subtitle.startswith("NATO confirms North Korea has sent troops to Russia")
    assert subtitle not in sample.paragraphs
    assert reasons(sample, "NATO confirms North Korea has sent troops") == {"subtitle"}


def test_repeated_caption_is_kept_once(sample: CleanDocument) -> None:
    assert values(sample, "image_caption") == [
        "‘Dangerous expansion’: NATO confirms Russia-North Korea war alliance amid Ukraine conflct"
    ]
    assert values(sample, "image_credit") == ["Gavriil Grigorov, Sputnik, Kremlin Pool Photo via AP, File"]
    caption_segments = [s for s in sample.removed if "war alliance amid Ukraine conflct" in s.text]
    assert [s.reason for s in caption_segments] == ["caption", "caption-repeat"]


def test_sample_furniture_gets_specific_reasons(sample: CleanDocument) -> None:
    assert reasons(sample, "date 2024-10-28") == {"header"}
    assert reasons(sample, "Bandhan Bank share price") == {"ticker"}
    assert reasons(sample, "16.7 (9.92%)") == {"ticker"}
    assert reasons(sample, "03:58 PM | 28 OCT 2024") == {"ticker"}
    assert reasons(sample, "80,295.00-10.00") == {"price-box"}
    assert reasons(sample, "Catch all the") == {"footer"}
    assert reasons(sample, "MoreLess") == {"widget"}
    assert reasons(sample, "Wait for it") == {"widget"}
    assert reasons(sample, "First Published") == {"dateline"}
    assert reasons(sample, "Business NewsNewsWorld") == {"breadcrumb"}
    assert reasons(sample, "HomeMarketsPremium") == {"nav"}
    assert reasons(sample, "Get Instant Loan") == {"ad"}
    assert reasons(sample, "Employment Type") == {"ad"}
    assert reasons(sample, "Log in to our website") == {"login-prompt"}
    assert reasons(sample, "Sounak Mukhopadhyay") == {"byline"}
    assert reasons(sample, "Updated28 Oct") == {"dateline"}


# --- Generalisation: other outlets' furniture -----------------------------------------------------------


def test_wire_copy_keeps_the_story_and_drops_promos_and_rails() -> None:
    clean = clean_text(make_doc(WIRE_COPY))
    assert clean.paragraphs[0].startswith("Washington (CNN) — The Senate on Sunday passed")
    assert (
        clean.paragraphs[-1]
        == "“This is a good day for the country,” the majority leader told reporters after the vote."
    )
    assert len(clean.paragraphs) == 5
    for furniture in (
        "READ MORE",
        "Related:",
        "newsletter",
        "Ad Feedback",
        "Copyright",
        "Most Read",
        "Storm knocks out",
        "Skip to main content",
        "Jane Doe",
    ):
        assert furniture not in clean.text, furniture
    assert [link.anchor for link in clean.links] == [
        "How the climate bill would cut emissions by 2030",
        "Manchin reaches a surprise deal with Schumer on energy spending",
    ]
    assert reasons(clean, "Sign up for our free newsletter") == {"subscribe-prompt"}
    assert reasons(clean, "Copyright 2022") == {"footer"}
    assert reasons(clean, "Most Read") == {"rail"}


def test_byline_with_two_names_gives_two_authors() -> None:
    clean = clean_text(make_doc(WIRE_COPY))
    assert values(clean, "author") == ["Jane Doe", "John Roe"]
    assert evidence(clean, "updated") == [("9:41 PM EDT, Sun August 7, 2022", "byline")]
    assert reasons(clean, "By Jane Doe") == {"byline"}
    assert reasons(clean, "Senate passes sweeping climate and health bill after marathon session") == {
        "header",
        "title",
    }


def test_caption_repeated_twice_with_credit_is_kept_once() -> None:
    clean = clean_text(make_doc(WIRE_COPY))
    assert values(clean, "image_caption") == [
        "Senate Majority Leader Chuck Schumer speaks to reporters on Capitol Hill."
    ]
    assert values(clean, "image_credit") == ["J. Scott Applewhite/AP"]
    assert [s.reason for s in clean.removed if "Chuck Schumer speaks" in s.text] == [
        "caption",
        "caption-repeat",
    ]


def test_copy_without_header_takes_title_from_first_headline_line() -> None:
    clean = clean_text(make_doc(NEWSPAPER_COPY))
    assert evidence(clean, "title") == [
        ("Ministers face backlash over plan to close rural bus routes", "first-line")
    ]
    assert values(clean, "published") == ["Mon 28 Oct 2024 17.55 GMT"]
    assert values(clean, "author") == ["Alex Smith"]
    assert values(clean, "subtitle") == [
        "Campaigners say thousands of villagers will be cut off from shops and doctors if the cuts go ahead."
    ]


def test_cookie_banner_menu_and_share_buttons_are_dropped() -> None:
    clean = clean_text(make_doc(NEWSPAPER_COPY))
    assert clean.paragraphs[0].startswith("Ministers are facing a backlash from their own backbenchers")
    assert clean.paragraphs[-1].startswith("A consultation will run until the end of January")
    assert "What happens next" in clean.paragraphs
    assert reasons(clean, "We use cookies") == {"cookie-banner"}
    assert reasons(clean, "Accept all") == {"cookie-banner"}
    assert reasons(clean, "Sport") == {"nav"}
    assert reasons(clean, "Facebook") == {"widget"}
    assert reasons(clean, "Most viewed") == {"rail"}
    assert reasons(clean, "Transport correspondent") == {"byline"}
    assert [link.anchor for link in clean.links] == ["Bus fares to rise by a third next year, operators warn"]


def test_single_caption_with_photograph_credit_is_a_candidate() -> None:
    clean = clean_text(make_doc(NEWSPAPER_COPY))
    assert values(clean, "image_caption") == ["A bus waits at a stop in a Cumbrian village"]
    assert values(clean, "image_credit") == ["Ian Forsyth/Getty Images"]
    assert reasons(clean, "A bus waits") == {"caption"}


def test_stock_quote_box_inside_article_is_removed() -> None:
    clean = clean_text(make_doc(BUSINESS_COPY))
    assert len(clean.paragraphs) == 3
    assert clean.paragraphs[0].startswith("Shares of the chipmaker rose as much as 12%")
    assert clean.paragraphs[-1].startswith("Analysts said the results eased concerns")
    for line in ("NVDA", "Nvidia Corp.", "141.54", "+3.20 (2.31%)", "Dow Jones 42,114.40 -0.61%"):
        assert reasons(clean, line) == {"ticker"}, line
    assert reasons(clean, "Subscribe to continue reading") == {"subscribe-prompt"}
    assert reasons(clean, "Already a subscriber") == {"login-prompt"}
    assert reasons(clean, "Listen to this article") == {"promo"}
    assert reasons(clean, "3 min read") == {"widget"}


def test_crlf_and_non_breaking_spaces_are_normalised() -> None:
    clean = clean_text(make_doc(BUSINESS_COPY))
    assert all("\r" not in p and "\u00a0" not in p for p in clean.paragraphs)
    assert "driven by demand for data-centre processors." in clean.paragraphs[0]
    assert values(clean, "author") == ["Maria Garcia"]
    assert evidence(clean, "published") == [
        ("2024-10-28", "header-line"),
        ("October 28, 2024 at 5:55 AM EDT", "dateline"),
    ]


def test_portal_copy_with_bom_breadcrumb_and_colon_promo() -> None:
    clean = clean_text(make_doc(PORTAL_COPY))
    assert evidence(clean, "title")[0] == ("Heavy rain lashes Mumbai, local trains run late", "header-line")
    assert clean.paragraphs[0].startswith("Heavy overnight rain flooded low-lying parts of Mumbai")
    assert clean.paragraphs[-1] == "(With inputs from PTI)"
    assert [link.anchor for link in clean.links] == ["Monsoon to arrive early in Kerala, says weather office"]
    assert values(clean, "author") == ["Priya Sharma"]
    assert evidence(clean, "updated") == [("March 2, 2024, 10:15 IST", "byline")]
    assert values(clean, "image_credit") == ["PTI"]
    assert reasons(clean, "Home > City > Mumbai") == {"breadcrumb"}
    assert reasons(clean, "Download the News18 App") == {"app-prompt"}
    assert reasons(clean, "Follow us on Google News") == {"promo"}
    assert reasons(clean, "Tags:") == {"footer"}


def test_agency_copy_keeps_reporting_credits_and_reads_unlabelled_date() -> None:
    clean = clean_text(make_doc(AGENCY_COPY))
    assert clean.paragraphs[0].startswith("HOUSTON, Oct 28 (Reuters) - Oil prices fell")
    assert clean.paragraphs[-1].startswith("Reporting by Lena Park in Houston")
    assert "Sign up here." not in clean.paragraphs
    assert values(clean, "author") == ["Lena Park", "Tom Field"]
    assert ("October 28, 20245:55 PM GMT+5:30", "dateline") in evidence(clean, "published")
    assert evidence(clean, "updated") == [("2 hours ago", "byline")]
    assert reasons(clean, "Purchase Licensing Rights") == {"caption"}
    assert reasons(clean, "Our Standards") == {"footer"}


def test_inline_related_box_headlines_become_links_and_list_items_stay() -> None:
    clean = clean_text(make_doc(REGIONAL_COPY))
    assert [link.anchor for link in clean.links] == [
        "Residents split over plan to close high street to cars",
        "Bus company cuts evening services on three routes",
    ]
    assert reasons(clean, "RELATED STORIES") == {"related-links"}
    assert clean.paragraphs[-1].startswith("Work on the first phase is due to begin in September")
    for item in (
        "The first phase covers the following streets:",
        "Station Road",
        "Mill Lane",
        "Church Street",
    ):
        assert item in clean.paragraphs


# --- Edge cases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\r\n", "\u00a0\t\n"])
def test_empty_or_blank_text_gives_no_paragraphs(text: str) -> None:
    clean = clean_text(make_doc(text))
    assert clean.paragraphs == ()
    assert clean.removed == ()
    assert clean.candidates == ()


def test_furniture_only_text_gives_no_paragraphs_but_records_every_line() -> None:
    furniture = "\n".join(
        [
            "Home",
            "HomeNewsSportsBusiness",
            "Sign up for our newsletter",
            "Advertisement",
            "Apple share price",
            "231.41",
            "03:58 PM | 28 OCT 2024",
            "+1.23 (0.53%)",
            "© 2024 Example Media. All rights reserved.",
        ]
    )
    clean = clean_text(make_doc(furniture))
    assert clean.paragraphs == ()
    assert len(clean.removed) == 9
    assert "before-body" not in {segment.reason for segment in clean.removed}


def test_header_only_text_still_gives_title_and_date() -> None:
    clean = clean_text(make_doc("date 2024-01-05 A headline and nothing else"))
    assert clean.paragraphs == ()
    assert values(clean, "title") == ["A headline and nothing else"]
    assert values(clean, "published") == ["2024-01-05"]


def test_plain_paragraphs_without_any_furniture_are_all_kept() -> None:
    text = (
        "The council approved the new budget on Tuesday after a long debate about school funding.\n\n"
        "Members voted seven to two, with the two opponents saying the plan relied on optimistic forecasts.\n\n"
        "The budget takes effect in April."
    )
    clean = clean_text(make_doc(text))
    assert clean.paragraphs == tuple(part for part in text.split("\n\n"))
    assert clean.removed == ()


def test_exact_repeat_of_a_paragraph_is_kept_once() -> None:
    paragraph = "The river burst its banks overnight, flooding dozens of homes along the valley floor."
    text = "\n\n".join(
        [
            paragraph,
            "Residents were moved to a school hall while crews pumped water from the streets.",
            paragraph,
        ]
    )
    clean = clean_text(make_doc(text))
    assert clean.paragraphs.count(paragraph) == 1
    assert reasons(clean, "The river burst") == {"repeat"}


def test_clean_document_carries_the_raw_document_identity() -> None:
    doc = make_doc(WIRE_COPY, doc_id="abc")
    clean = clean_text(doc)
    assert (clean.doc_id, clean.source, clean.url, clean.fetched_at, clean.content_type) == (
        "abc",
        "tests",
        None,
        doc.fetched_at,
        "text/plain",
    )


# --- Invariants on every input ----------------------------------------------------------------------------

ALL_COPIES = [
    SAMPLE_PATH.read_text(encoding="utf-8"),
    WIRE_COPY,
    NEWSPAPER_COPY,
    BUSINESS_COPY,
    PORTAL_COPY,
    AGENCY_COPY,
    REGIONAL_COPY,
]
COPY_IDS = ["mint", "wire", "newspaper", "business", "portal", "agency", "regional"]


@pytest.mark.parametrize("text", ALL_COPIES, ids=COPY_IDS)
def test_every_non_blank_line_is_kept_or_removed_exactly_once(text: str) -> None:
    clean = clean_text(make_doc(text))
    lines = [" ".join(line.split()) for line in text.replace("\ufeff", "").splitlines()]
    non_blank = [line for line in lines if line]
    assert len(clean.paragraphs) + len(clean.removed) == len(non_blank)
    for segment in clean.removed:
        assert segment.text == lines[segment.position]


@pytest.mark.parametrize("text", ALL_COPIES, ids=COPY_IDS)
def test_paragraphs_are_input_lines_with_spaces_collapsed(text: str) -> None:
    clean = clean_text(make_doc(text))
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert all(paragraph in lines for paragraph in clean.paragraphs)


@pytest.mark.parametrize("text", ALL_COPIES, ids=COPY_IDS)
def test_reason_codes_are_the_documented_kebab_case_set(text: str) -> None:
    documented = documented_reasons()
    assert "caption-repeat" in documented and "related-links" in documented
    clean = clean_text(make_doc(text))
    assert {segment.reason for segment in clean.removed} <= documented


def test_every_reason_in_the_furniture_file_is_documented() -> None:
    rules = text_module._read_rules("text_furniture.txt")
    assert {reason for reason, _ in rules} <= documented_reasons()


@pytest.mark.parametrize(
    "text",
    [
        "1" * 200_000,
        "Caption " + "(a)" * 20_000,
        "Catch all the News on " + "Abc " * 50_000 + ".",
        "word " * 200_000,
    ],
    ids=["digits", "parentheses", "capitalised", "words"],
)
def test_pathological_lines_are_cleaned_in_linear_time(text: str) -> None:
    # A quadratic regex on one of these took minutes; each takes well under a second now.
    started = time.perf_counter()
    clean_text(make_doc(text))
    assert time.perf_counter() - started < 5


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_raises_and_keeps_every_line(text: str) -> None:
    clean = clean_text(make_doc(text))
    # Invisible format characters (BOM, zero-width space, word joiner, soft hyphen) are dropped like spaces.
    invisible = str.maketrans({"\ufeff": None, "\u200b": None, "\u2060": None, "\u00ad": None})
    lines = [" ".join(line.translate(invisible).split()) for line in text.splitlines()]
    assert len(clean.paragraphs) + len(clean.removed) == sum(1 for line in lines if line)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Also Read | ",
                "By ",
                "date 2024-01-01 ",
                "Updated",
                "(",
                ")",
                "©",
                "share price",
                "12.5 (3%)",
                "Photo: ",
                "HomeNews",
                "The minister said on Monday that the plan would go ahead despite the protests.",
                "\n",
                "\n\n",
                "\r\n",
                "\u00a0",
                "Jane Doe",
            ]
        ),
        max_size=40,
    )
)
def test_furniture_like_fragments_never_raise(parts: list[str]) -> None:
    clean = clean_text(make_doc("".join(parts)))
    assert isinstance(clean.paragraphs, tuple)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("The views expressed in this column are the author's own.", "disclaimer"),
        ("Opinions expressed are solely those of the writer and not of this site.", "disclaimer"),
        ("Posts by guest writers do not necessarily reflect the views of the editors.", "disclaimer"),
        (
            "Dieser Gastbeitrag gibt die persönliche Meinung der Autorin wieder.",
            "disclaimer",
        ),
        ("Kommentare geben nicht unbedingt die Meinung der Redaktion wieder.", "disclaimer"),
        ("Cette tribune n'engage que son auteur.", "disclaimer"),
        (
            "Las opiniones aquí vertidas no reflejan necesariamente la línea editorial del medio.",
            "disclaimer",
        ),
        ("Never miss a story: sign up for our free daily email!", "subscribe-prompt"),
        ("Unterstütze das Magazin schon ab 3 €!", "subscribe-prompt"),
        ("Support our reporting from $5.", "subscribe-prompt"),
        ("If you liked this piece, please consider supporting the newsletter.", "subscribe-prompt"),
        ("Jede Spende zählt: helfen Sie den Familien im Tal!", "subscribe-prompt"),
        (
            "Wir respektieren Ihre Privatsphäre: erst mit Ihrer Zustimmung wird der Beitrag von Instagram "
            "geladen.",
            "cookie-banner",
        ),
        (
            "Ja, ich bin einverstanden, dass mir externe Inhalte angezeigt werden.",
            "cookie-banner",
        ),
        (
            "Mit dem Laden der Karte akzeptieren Sie die Datenschutzerklärung von OpenStreetMap.",
            "cookie-banner",
        ),
        (
            "By playing this video you agree to the privacy policy of the video host.",
            "cookie-banner",
        ),
        ("Click here to load the external content.", "cookie-banner"),
        ("Externer Inhalt: Hier steht ein Beitrag aus einem sozialen Netzwerk.", "cookie-banner"),
        ("Want more stories like this one? Subscribe to the morning briefing.", "subscribe-prompt"),
        ("Get unlimited digital access to our journalism for $2 a week.", "subscribe-prompt"),
        (
            "This content is imported from a video platform. You may find it in another format there.",
            "widget",
        ),
        ("Sieh dir diesen Beitrag auf Instagram an", "widget"),
        ("To jest krótki tekst dla czytelników. Wesprzyj nas, a napiszemy więcej.", "subscribe-prompt"),
        ("Die neue Ausgabe des Segelmagazins gibt es ab Freitag am Kiosk und im Abo.", "subscribe-prompt"),
        ("Lesen Sie das Hafenmagazin auch digital in unserer App oder als Abo.", "subscribe-prompt"),
        (
            "Dieser Artikel erschien in Heft 4/2023 unseres Magazins, das im Handel erhältlich ist.",
            "subscribe-prompt",
        ),
        ("Bitte geben Sie die Zeichen aus dem Bild unten ein.", "widget"),
        ("(No ratings yet)", "widget"),
        ("Rating: 4.5/5 (12 votes cast)", "widget"),
        ("Lesezeit: 4 Minuten", "widget"),
        ("Estimated reading time: 7 minutes", "widget"),
        ("You must be logged in to leave a reply.", "login-prompt"),
        ("Sie müssen angemeldet sein, um hier zu kommentieren.", "login-prompt"),
        ("(Alle Angaben ohne Gewähr)", "disclaimer"),
        ("Seguici su Instagram per altre foto del porto", "promo"),
        ("(Symbolbild)", "caption"),
        ("Únete a nuestro canal de WhatsApp para recibir las noticias", "promo"),
        ("Haben Sie einen Fehler gefunden? Schreiben Sie uns.", "promo"),
        ("If you're using the Harbour News app, tap here for the live stream.", "promo"),
        ("This story was produced in partnership with a local foundation.", "disclaimer"),
        ("(Visited 12 times, 3 visits today)", "widget"),
        ("You are using an outdated browser. Please update it to read this page.", "widget"),
        ("Yes! Sign me up for the weekly harbour letter.", "subscribe-prompt"),
        ("Submit a letter to the editor with the form below.", "promo"),
        ("Bei Fragen oder Anregungen zu diesem Beitrag schreiben Sie uns gern.", "promo"),
        ("Suggested citation: Doe, Jane, The harbour law, Harbour Blog, 1 March 2024.", "footer"),
        (
            "Ich bin einverstanden, dass mir Inhalte von einem Videoportal angezeigt und Daten übermittelt "
            "werden.",
            "cookie-banner",
        ),
        ("A post shared by The Old Mill (@oldmill)", "widget"),
        ("Get the latest headlines on your phone with the Harbour Herald app.", "app-prompt"),
        ("Header image: The old pier at dusk. Credit: Jane Doe", "caption"),
        ("Beitragsbild: Der Hafen im Nebel, Archiv", "caption"),
        ("Join our Harbour Walkers Facebook group to meet other readers", "promo"),
        ("Follow us: Google News | Instagram | Facebook", "promo"),
        ("Report an error in this story using the form below", "promo"),
        ("Bitte geben Sie den Sicherheitscode ein", "widget"),
        ("ZOBACZ WIDEO Trener mówi o nowym sezonie", "related-links"),
        ("Der neue Anleger im Hafen von Kiel / picture alliance", "caption"),
        ("Zum Inhalt springen", "widget"),
        ("MIRA: Vecinos limpian el parque tras la tormenta", "related-links"),
        ("Leia também: Prefeitura anuncia nova linha de ônibus", "related-links"),
        ("A version of this article appears in print on May 2, 2024, Section B, Page 3.", "footer"),
        ("Thanks for reading! Subscribe for free to get new posts.", "promo"),
        ("Folgt uns gerne auf Instagram, dort gibt es mehr Bilder.", "promo"),
        ("Mehr Neuigkeiten aus dem Hafen gibt es hier. Follow @hafenblatt", "promo"),
        ("Die Hafenblatt-App gibt es gratis für iPhone und Android.", "app-prompt"),
        ("Leider ist die Anmeldung fehlgeschlagen.", "widget"),
        ("– Werbung: Dieser Text entstand in Kooperation mit einer Reederei –", "disclaimer"),
        ("The disclaimer below covers the adverts on this page, not our reporting.", "disclaimer"),
        ("You are using an older browser. Update it to see the whole page.", "widget"),
        ("for-phone-onlyfor-tablet-upfor-desktop-upfor-wide-desktop-up", "widget"),
    ],
)
def test_disclaimers_and_priced_asks_are_furniture_lines(line: str, reason: str) -> None:
    assert text_module.furniture_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the views expressed by the unions were not shared by the cabinet.",
        "A spokesman said the figures do not necessarily mean the trend has reversed.",
        "Support for the plan grew with 60 percent of voters in favour.",
        "Die Stadt unterstützt den Verein mit 2,5 Millionen Euro im Jahr.",
        "Readers never miss the morning edition, the publisher said.",
        "If you enjoyed the concert, the band said, you will like the new album too.",
        "Beim Laden des Lastwagens verletzte sich ein Arbeiter am Arm.",
        "Every donation was logged by the treasurer, the audit found.",
        "Enjoy unlimited access to the beaches, the council promised.",
        "Want more parking? The council says no.",
        "Die neue Ausgabe des Stadtplans zeigt alle Radwege.",
        "Lesen Sie die Zeitung von gestern, sagte er.",
        "Zitierweise im Fließtext",
        "Lesezeit ist Lebenszeit, sagt die Autorin und lacht.",
        "Folgen Sie uns auf den Gipfel, rief der Bergführer.",
        "The inspectors found an error in the accounts of the harbour board.",
        "Get the latest updates from the council on the ferry timetable, the mayor said.",
        "The header image: a question the designers argued about for weeks.",
        "Join the rowing club's committee, the chairwoman asked the new members.",
        "Zobacz, jak rośnie port na zdjęciach, które zrobiliśmy wczoraj.",
        "Follow us, the guide said, and keep to the marked path.",
        "The agencies dpa / AFP reported the ferry strike first, the union said.",
        "This story appeared in print first, the editor said, before it went online.",
        "Der Verein folgt uns auf Schritt und Tritt, sagte der Trainer.",
        "state-of-the-art",
        "Phishing emails delivered to your inbox every day look like bank letters, police said.",
        "What do you think? The council asked residents, and most said the tram was too slow.",
        "What do you think? Let us know in the comments below.",  # the writer's own closing line
        "The ferry app is available for iOS and Android, the company said in a statement today.",
    ],
)
def test_sentences_that_look_like_disclaimers_or_asks_stay(line: str) -> None:
    assert text_module.furniture_line(line) is None


_PHRASES = [
    "© 2024 Harbour Media. All Rights Reserved.",
    "Comments (12)",
    "Bandhan Bank share price today",
    "Get loans up to 10 lakh",
    "Our weekly NEWSLETTER",
    "The Ledger - Back to homepage",
    "REUTERS/Jane Doe Purchase Licensing Rights, opens new tab",
    "5 min read",
    "Photo: Getty Images",
    "The council met on Tuesday.",
    "Subscribe now",
    "Tags: harbour, bridge",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PHRASES), min_size=1, max_size=3), st.sampled_from(["", " - ", ": "]))
def test_furniture_match_is_the_first_rule_in_file_order(parts: list[str], joiner: str) -> None:
    # Rules that may start anywhere are tried only when a text they need is in the line: the same answer
    # as trying every rule, one after another, in the file's order.
    line = " ".join(joiner.join(parts).split())
    expected = next(
        (
            f"r{index}"
            for index, (_, pattern) in enumerate(text_module._RULES)
            if re.match(f"(?:{pattern})", line, re.IGNORECASE)
        ),
        None,
    )
    match = text_module._furniture_match(line)
    assert (match.lastgroup if match else None) == expected


def test_rules_that_may_start_anywhere_are_gated_on_the_text_they_need() -> None:
    gates = {text_module._RULES[index][1]: required for index, required, _ in text_module._GATED_RULES}
    assert gates[r".{0,120}\ball rights reserved\b"] == ("all rights reserved",)
    assert gates[r".{0,80}\bnewsletters?\b[^.!?]{0,40}$"] == ("newsletter",)


@pytest.mark.parametrize(
    "line",
    [
        "Captcha:",
        "Ich habe die Datenschutzhinweise gelesen und stimme der Verarbeitung zu.",
        "I have read the privacy statement and agree to it",
        "J'ai lu et j'accepte la politique de confidentialité",
    ],
)
def test_contact_form_fields_are_widget_lines(line: str) -> None:
    assert text_module.furniture_line(line) == "widget"


def test_a_sentence_about_reading_a_privacy_policy_stays() -> None:
    line = "The regulator said it had read the privacy policy and found three breaches of the law."
    assert text_module.furniture_line(line) is None


@pytest.mark.parametrize("line", ["Quelle: Statistisches Landesamt", "Fuente: EFE", "Source: Reuters"])
def test_source_lines_are_credits(line: str) -> None:
    assert text_module.furniture_line(line) == "caption"


def test_a_long_follow_us_line_naming_the_networks_is_a_promo() -> None:
    line = (
        "Follow The Harbour Post on Twitter and Instagram @HarbourPost and on Facebook @HarbourPostNews. "
        "Write to the newsroom on WhatsApp or by email at news@harbourpost.example."
    )
    assert text_module.furniture_line(line) == "promo"


@pytest.mark.parametrize(
    "line",
    [
        "SID",
        "(dpa)",
        "Agencia EFE",
        "APA/red",
        "dpa/AFP",
        "mst/AFP",
        "Redaktion",
        "Chefredakteurin",
        "Hafenblatt Redaktion",
        "Online-Redaktion",
    ],
)
def test_a_line_naming_only_news_agencies_or_the_newsroom_is_a_byline(line: str) -> None:
    assert text_module.byline_line(line) == ("byline", [])


@pytest.mark.parametrize(
    "line",
    [
        "Press",
        "and",
        "The AP said so.",
        "Emotion und Verstand",
        "Agencia de Viajes",
        "abc/def",
        "Ein Tag in der Redaktion",
    ],
)
def test_other_short_lines_are_not_agency_bylines(line: str) -> None:
    assert text_module.byline_line(line) is None


def test_a_byline_with_the_agency_beside_the_author_names_the_author() -> None:
    assert text_module.byline_line("Von Jana Berg, dpa") == ("byline", ["Jana Berg"])


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Gepostet von Jana Berg | Wohnen", "Jana Berg"),
        ("Eine Kolumne von Jonas Brenner", "Jonas Brenner"),
        ("Publicado por Marta Ruiz", "Marta Ruiz"),
        ("Écrit par Claire Dumas", "Claire Dumas"),
    ],
)
def test_byline_leads_in_several_languages(line: str, name: str) -> None:
    assert text_module.byline_line(line) == ("byline", [name])


@pytest.mark.parametrize("line", ["Image 3 of 9", "Bild 1 von 9", "Foto 2/5", "2 von 17", "4 of 12"])
def test_gallery_counters_are_widget_lines(line: str) -> None:
    assert text_module.furniture_line(line) == "widget"


@pytest.mark.parametrize("line", ["1/4", "3/4", "Part 2 of 3: the harbour", "2 of the 3 ferries were late"])
def test_fractions_and_sentences_with_counts_are_no_gallery_counters(line: str) -> None:
    assert text_module.furniture_line(line) is None


@pytest.mark.parametrize(
    "line",
    ["Updated 2 hours ago", "an hour ago", "Aktualisiert: vor einer Stunde", "hace 2 horas", "Watch Now"],
)
def test_relative_timestamps_and_player_buttons_are_widget_lines(line: str) -> None:
    assert text_module.furniture_line(line) == "widget"


@pytest.mark.parametrize("line", ["Hours", "3 days", "Two days ago the council met.", "Updated"])
def test_units_of_time_alone_or_in_a_sentence_stay(line: str) -> None:
    assert text_module.furniture_line(line) is None


def test_a_newsletter_sent_to_your_inbox_is_a_subscribe_prompt() -> None:
    assert (
        text_module.furniture_line("Get the Morning Brief sent directly to your inbox.") == "subscribe-prompt"
    )
    assert text_module.furniture_line("The letter was sent to your inbox by mistake, the bank said.") is None
