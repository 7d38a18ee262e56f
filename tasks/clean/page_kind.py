"""What kind of page a cleaned document is: an article, a paywalled teaser, or no article at all.

Owns `judge_page` (PageSignals -> PageKind), shared by the HTML and the plain-text cleaner. Phrases live in
page_kinds.txt. Kinds that land as articles (`articles.kind`):

    article    the page's own text, as far as anyone can tell complete
    paywalled  a teaser: the page stops at a subscription prompt (or its markup says it is not free)
    media      a gallery or video page: the text is its description or captions

Kinds that are no article and become `not_an_article` rejects: `listing` (a home, section, tag or search
page of links to articles) and `error` (a "page not found" page served as a success): their text is junk.
The rules are deliberately conservative: a real article wrongly rejected is worse than a listing page
landed, so each needs the absence of article markup or very little text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from tasks.records import RemovedSegment

ARTICLE = "article"
PAYWALLED = "paywalled"
LISTING = "listing"
ERROR = "error"
MEDIA = "media"
# Kinds that land in `articles`; anything else is rejected as not_an_article.
ARTICLE_KINDS = frozenset({ARTICLE, PAYWALLED, MEDIA})

# A teaser stops early: past this many words a page with a paywall prompt still carries a whole article (the
# prompt is a site-wide box, or the full text is served to readers and crawlers alike).
_PAYWALL_MAX_WORDS = 450
# An error page says little besides the error.
_ERROR_MAX_WORDS = 150
# A media page's text is a caption or two.
_MEDIA_MAX_WORDS = 80
# A listing: this many linked headlines on a page whose own prose stays under that many words. Articles
# carry dozens of linked headlines in their recirculation widgets (172 on one dev page), so the linked
# headlines alone decide only when next to no text is left; JSON-LD or a root URL lets more text through.
_LISTING_MIN_TEASERS = 10
_LISTING_MAX_WORDS = 60
_LISTING_MARKUP_MAX_WORDS = 1000
_HOME_MIN_TEASERS = 5
_HOME_MAX_WORDS = 600
# JSON-LD isAccessibleForFree false without a prompt on the page: only a short text is taken for a teaser
# (some publishers flag every article, free or not).
_NOT_FREE_MAX_WORDS = 250
# Where a paywall prompt may stand: in the last paragraphs of the text or among the segments dropped after
# the text began (a prompt in the masthead, "Already a subscriber? Log in", says nothing about this page).
_PAYWALL_TAIL_PARAGRAPHS = 3
# A paywall box is short; a long paragraph that mentions subscribers is the article talking about them.
_PAYWALL_MAX_PROMPT_CHARS = 300
# Segments looked at after the text for a paywall box.
_PAYWALL_BOX_SEGMENTS = 12
# What may follow the prompt inside the box (prices, "cancel any time", a log-in line).
_PAYWALL_BOX_CHARS = 300
# A box that goes on with its sales pitch ("When you join ... you'll get:", a list of perks) may hold this
# many paragraphs after the prompt, each a short line, together no longer than _PAYWALL_PITCH_CHARS.
PAYWALL_PITCH_PARAGRAPHS = 12
_PAYWALL_PITCH_CHARS = 1200
_PAYWALL_PITCH_LINE_CHARS = 400
_LISTING_TYPES = frozenset({"collectionpage", "searchresultspage", "itemlist", "sitenavigationelement"})
_MEDIA_TYPES = frozenset({"imagegallery", "videoobject", "mediagallery"})
_HOME_PATHS = frozenset({"", "/", "/index.html", "/index.htm", "/index.php", "/home", "/default.aspx"})


@dataclass(frozen=True, slots=True)
class PageKind:
    """The verdict on a page, with the evidence in words a user can check."""

    kind: str
    reason: str = ""

    @property
    def is_article(self) -> bool:
        return self.kind in ARTICLE_KINDS


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the cleaner saw of a page, beyond its kept text."""

    paragraphs: Sequence[str]
    removed: Sequence[RemovedSegment] = ()
    url: str | None = None
    title: str = ""  # the <title> or the plain text's first line
    structured_types: frozenset[str] = frozenset()  # JSON-LD @type names on the page, lowercased
    has_article_markup: bool = False  # an Article JSON-LD node, og:type article or article:published_time
    is_free: bool | None = None  # JSON-LD isAccessibleForFree, when the page states it
    og_type: str = ""
    teaser_links: int = 0  # linked headlines (cards and lists pointing at other articles)
    text_start: int = -1  # input position of the first kept paragraph (-1: unknown)
    text_end: int = -1  # input position of the last kept paragraph (-1: unknown)


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    grouped: dict[str, list[str]] = {}
    for raw in Path(__file__).with_name("page_kinds.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        signal, _, pattern = line.partition(" ")
        grouped.setdefault(signal, []).append(f"(?:{pattern.strip()})")
    return {signal: re.compile("|".join(parts), re.IGNORECASE) for signal, parts in grouped.items()}


@lru_cache(maxsize=8192)  # the tail is read by paywall_cut and judge_page; site-wide boxes repeat
def paywall_prompt(text: str) -> str | None:
    """The paywall phrase in a line ("Subscribe to continue reading"), or None."""
    text = text.replace("’", "'")
    match = _patterns()["paywall"].search(text)
    return match.group(0) if match else None


def paywall_cut(kept: Sequence[tuple[int, str]], dropped: Sequence[tuple[int, str]] = ()) -> int | None:
    """Where a teaser's text ends: the input position of its paywall prompt, else None.

    `kept` and `dropped` are (position, text) of the paragraphs kept and of the segments already removed.
    The prompt may stand among the last kept paragraphs or have been dropped already (as a login prompt)
    between them; either way it and what follows (prices, "cancel any time") are the paywall box."""
    if not kept:
        return None
    window = kept[-(PAYWALL_PITCH_PARAGRAPHS + 1) :]
    first = window[0][0]
    last = kept[-1][0]
    # A prompt dropped after the text's last paragraph cuts nothing: only those within the window count.
    candidates = sorted([*window, *(item for item in dropped if first < item[0] < last)])
    for position, text in candidates:
        if len(text) > _PAYWALL_MAX_PROMPT_CHARS or position <= kept[0][0]:
            continue
        after = [len(item[1]) for item in kept if item[0] > position]
        # A badge above the text ("Exklusiv für Abonnenten") is followed by the article, a paywall box by
        # its sales pitch only: a line or two, or a list of short perks. (Tested before the prompt's regex,
        # which costs more: most lines in the window have too much text after them.)
        is_box = sum(after) <= _PAYWALL_BOX_CHARS or (
            len(after) <= PAYWALL_PITCH_PARAGRAPHS
            and sum(after) <= _PAYWALL_PITCH_CHARS
            and max(after) <= _PAYWALL_PITCH_LINE_CHARS
        )
        if is_box and paywall_prompt(text):
            return position
    return None


def error_phrase(text: str) -> str | None:
    """The "page not found" phrase in a title or heading, or None."""
    match = _patterns()["error"].search(" ".join(text.split())[:300])
    return match.group(0) if match else None


def judge_page(signals: PageSignals) -> PageKind:
    """Article, paywalled teaser, listing, error or media page: the first rule that holds, else article."""
    words = sum(len(paragraph.split()) for paragraph in signals.paragraphs)
    verdict = (
        _error_page(signals, words)
        or _media_page(signals, words)
        or _listing_page(signals, words)
        or _paywalled(signals, words)
    )
    return verdict or PageKind(ARTICLE)


def _error_page(signals: PageSignals, words: int) -> PageKind | None:
    if words > _ERROR_MAX_WORDS:
        return None
    first = signals.paragraphs[0] if signals.paragraphs else ""
    for where, text in (("title", signals.title), ("first line", first if len(first) <= 150 else "")):
        phrase = error_phrase(text) if text else None
        if phrase:
            return PageKind(ERROR, f"an error page: its {where} says {phrase!r} ({words} words of text)")
    return None


def _media_page(signals: PageSignals, words: int) -> PageKind | None:
    if words > _MEDIA_MAX_WORDS or signals.has_article_markup:
        return None
    media = sorted(signals.structured_types & _MEDIA_TYPES)
    if media and not signals.structured_types & _LISTING_TYPES:
        return PageKind(MEDIA, f"a gallery or video page: JSON-LD {media[0]}, {words} words of text")
    if signals.og_type.startswith(("video", "music")):
        return PageKind(MEDIA, f"a video page: og:type {signals.og_type}, {words} words of text")
    return None


def _listing_page(signals: PageSignals, words: int) -> PageKind | None:
    if signals.has_article_markup:
        return None
    listing = sorted(signals.structured_types & _LISTING_TYPES)
    teasers = signals.teaser_links
    if listing and teasers >= 3 and words < _LISTING_MARKUP_MAX_WORDS:
        return PageKind(LISTING, f"a list of articles: JSON-LD {listing[0]}, {teasers} linked headlines")
    path = urlsplit(signals.url).path if signals.url else None
    if (
        path is not None
        and path.lower() in _HOME_PATHS
        and teasers >= _HOME_MIN_TEASERS
        and words < _HOME_MAX_WORDS
    ):
        return PageKind(LISTING, f"a home page: {teasers} linked headlines at the site's root")
    if teasers >= _LISTING_MIN_TEASERS and words < _LISTING_MAX_WORDS:
        return PageKind(
            LISTING, f"a list of articles: {teasers} linked headlines around {words} words of own text"
        )
    return None


def _paywalled(signals: PageSignals, words: int) -> PageKind | None:
    if words > _PAYWALL_MAX_WORDS:
        return None
    for paragraph in signals.paragraphs[-_PAYWALL_TAIL_PARAGRAPHS:]:
        phrase = paywall_prompt(paragraph) if len(paragraph) <= _PAYWALL_MAX_PROMPT_CHARS else None
        if phrase:
            return PageKind(PAYWALLED, f"a teaser: the text ends at {phrase!r} after {words} words")
    after_text = 0
    for segment in sorted(signals.removed, key=lambda segment: segment.position):
        if segment.position < signals.text_start:
            continue  # a prompt in the masthead says nothing about this page
        if signals.text_end >= 0 and segment.position > signals.text_end:
            after_text += 1
            if after_text > _PAYWALL_BOX_SEGMENTS:
                break  # the box follows the text closely; farther down are the page's other widgets
        if len(segment.text) <= _PAYWALL_MAX_PROMPT_CHARS:
            phrase = paywall_prompt(segment.text)
            if phrase:
                return PageKind(PAYWALLED, f"a teaser: the page asks {phrase!r} after {words} words")
    if signals.is_free is False and words <= _NOT_FREE_MAX_WORDS:
        return PageKind(
            PAYWALLED, f"a teaser: JSON-LD marks it isAccessibleForFree false, {words} words on the page"
        )
    return None
