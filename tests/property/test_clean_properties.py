"""Properties of the cleaners on generated input: they never raise, and write no word the page did not have.

Words are compared as `\\w+` tokens after the normalisation the cleaners apply themselves: HTML entities
decoded, and invisible characters (zero-width space, word joiner, BOM, soft hyphen) dropped, since dropping
them joins the two halves of a word.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tasks.clean import clean_documents
from tasks.clean.html import clean_html
from tasks.clean.text import clean_text
from tasks.records import RawDocument

SETTINGS = settings(max_examples=75, deadline=None)
_WORD = re.compile(r"\w+")
_INVISIBLE = str.maketrans({"\u200b": None, "\u2060": None, "\ufeff": None, "\u00ad": None})
# Words only ever written inside <script>, <style> or hidden markup: they must never reach the text.
SCRIPT_WORD = "zqscriptwordzq"

WORDS = [
    "the", "council", "approved", "bridge", "Minister", "said", "on", "Tuesday", "Paris", "café", "naïve",
    "Zürich", "Łódź", "東京", "résumé", "2024", "4.2", "million", "percent", "“quoted”", "it’s",
    "co\u00adoperate", "caf&eacute;", "don&#8217;t", "&amp;", "AT&amp;T", "&nbsp;", "&lt;b&gt;", "&#x41;BC",
    "&bogus;", "Mr.", "U.S.", "e-mail", "—", "...", "!", "?", "«", "»", "<", ">", "&",
    "\u200bzero\u200bwidth",
]  # fmt: skip
TAGS = [
    "p", "div", "span", "a", "article", "main", "section", "h1", "h2", "h3", "ul", "ol", "li", "nav",
    "footer", "header", "aside", "figure", "figcaption", "table", "tr", "td", "th", "b", "i", "em",
    "strong", "blockquote", "time", "form", "button", "label", "small", "sup", "pre", "details", "summary",
]  # fmt: skip
CLASS_WORDS = [
    "article", "content", "story-body", "share", "related", "ad", "comments", "byline", "caption", "hidden",
    "promo", "newsletter", "sidebar", "footer", "nav", "main", "entry-content", "author", "credit", "tags",
]  # fmt: skip


def tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.translate(_INVISIBLE)))


def raw_document(text: str, content_type: str, *, encode: bool = True) -> RawDocument:
    raw = text.encode("utf-8", "surrogatepass") if encode else b""
    return RawDocument(
        doc_id="doc",
        source="property",
        location="property.html",
        url="https://news.example/story",
        fetched_at=datetime(2024, 10, 28, 12, 0, tzinfo=UTC),
        content_type=content_type,
        charset="utf-8" if encode else None,
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
    )


# Text leaves start and end with a space, so neighbouring inline elements never glue two words together
# (a browser would show "foobar" for <b>foo</b><i>bar</i>: one word the input's tokens do not list).
# Sentences make the cleaner keep text (word soup alone reads as furniture, and proves nothing kept).
sentence = st.lists(st.sampled_from(WORDS), min_size=8, max_size=30).map(
    lambda words: f" {' '.join(words)}. "
)
text_leaf = sentence | st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(
    lambda words: f" {' '.join(words)} "
)
attribute = st.one_of(
    st.lists(st.sampled_from(CLASS_WORDS), min_size=1, max_size=3).map(
        lambda names: f'class="{" ".join(names)}"'
    ),
    st.sampled_from(CLASS_WORDS).map(lambda name: f'id="{name}"'),
    st.sampled_from(["/a", "https://news.example/x", "#top", "javascript:void(0)", ""]).map(
        lambda u: f'href="{u}"'
    ),
    st.sampled_from(['style="display:none"', "hidden", 'role="navigation"', 'itemprop="articleBody"']),
)


def element(tag: str, attributes: list[str], children: list[str]) -> str:
    opening = " ".join([tag, *attributes])
    return f"<{opening}>{''.join(children)}</{tag}>"


markup = st.recursive(
    text_leaf | st.just("<br>") | st.just(f"<script>var {SCRIPT_WORD} = 1;</script>"),
    lambda children: st.builds(
        element, st.sampled_from(TAGS), st.lists(attribute, max_size=2), st.lists(children, max_size=6)
    ),
    max_leaves=40,
)


def html_page(title: str, body: str, kept: float) -> str:
    """A page around `body`, cut short (as a truncated download is) when `kept` < 1."""
    head = f"<head><title>{title}</title><style>.{SCRIPT_WORD} {{}}</style></head>"
    source = f"<html>{head}<body>{body}</body></html>"
    return source[: int(len(source) * kept)]


article = st.builds(
    lambda before, paragraphs, after: f"{before}<article>{''.join(paragraphs)}</article>{after}",
    markup,
    st.lists(sentence.map(lambda text: f"<p>{text}</p>") | markup, min_size=1, max_size=8),
    markup,
)
page = st.builds(html_page, text_leaf, article | markup, st.sampled_from([1.0, 1.0, 0.9, 0.5]))


@SETTINGS
@given(page)
def test_clean_html_never_raises_and_invents_no_words(source: str) -> None:
    cleaned = clean_html(raw_document(source, "text/html"))
    assert not any(segment.reason == "extraction-error" for segment in cleaned.removed)
    written = tokens(" ".join(cleaned.paragraphs))
    event(f"paragraphs: {min(len(cleaned.paragraphs), 3)}")
    assert written <= tokens(html.unescape(source)) | tokens(source)
    assert SCRIPT_WORD not in written


@SETTINGS
@given(st.text(max_size=600))
def test_clean_html_never_raises_on_arbitrary_text(source: str) -> None:
    # Lone surrogates included: text decoded with errors="surrogateescape" elsewhere could carry them.
    for doc in (raw_document(source, "text/html"), raw_document(source, "text/html", encode=False)):
        cleaned = clean_html(doc)
        assert not any(segment.reason == "extraction-error" for segment in cleaned.removed)
        assert tokens(" ".join(cleaned.paragraphs)) <= tokens(html.unescape(source)) | tokens(source)


lines = st.lists(
    st.one_of(
        text_leaf.map(html.unescape),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
        st.sampled_from(
            ["Also Read | Bridge opens", "By Jane Doe", "Updated: 28 Oct 2024, 05:55 PM IST", "•"]
        ),
    ),
    max_size=25,
)


@SETTINGS
@given(lines, st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"]))
def test_clean_text_never_raises_and_keeps_input_lines_only(parts: list[str], newline: str) -> None:
    text = newline.join(parts)
    cleaned = clean_text(raw_document(text, "text/plain"))
    normalised_lines = {" ".join(line.translate(_INVISIBLE).split()) for line in text.splitlines()}
    for paragraph in cleaned.paragraphs:
        assert paragraph in normalised_lines
    assert tokens(" ".join(cleaned.paragraphs)) <= tokens(text)


@SETTINGS
@given(st.text(max_size=800), st.sampled_from(["text/plain", "text/html"]))
def test_clean_documents_turns_any_text_into_an_article_or_a_reject(text: str, content_type: str) -> None:
    cleaned, rejects = clean_documents([raw_document(text, content_type)])
    assert len(cleaned) + len(rejects) == 1
    assert all(reject.reason == "no_article_text" for reject in rejects)
    assert all(doc.paragraphs and all(paragraph.strip() for paragraph in doc.paragraphs) for doc in cleaned)
