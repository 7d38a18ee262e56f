"""HTML pages to article text, in order, with what was dropped and why, and the metadata candidates found.

Owns `clean_html` (RawDocument -> CleanDocument): choosing the article container and rendering it.

One lexbor parse per page. html_metadata.py reads JSON-LD/OpenGraph/meta from <head>; html_walk.py walks
the DOM once into blocks of text runs scored as prose or furniture, reading class/id words from
html_hints.json. The container is the block with the most prose net of furniture (bonus for article/main/
articleBody/content evidence); its text is kept in order, with leads beside it and clearly-prose sibling
sections, while boilerplate and link lists inside it are dropped, as are promo lines at its edges
(html_promo_lines.txt). Everything dropped that carries text becomes a RemovedSegment (<= 500 chars) with
one of these reason codes:

    nav, header, footer, aside, comments, share, related-links, tags, promo, ad, newsletter,
    login-prompt, paywall, cookie-banner, popup, embed, notice, form, author-bio, byline, caption, hidden,
    title, low-score, extraction-error

`paywall` is a teaser's closing subscription prompt and what follows it (tasks/clean/page_kind.py);

`title` is the headline (a candidate, not body text); `notice` a "please enable JavaScript" line or a
form's waiting error message (role="alert"); `form` the labels of a form's fields ("Name", "Your comment");
`embed` a social-media post's card ("View this post on Instagram") or an embedded player's title line;
`low-score` is text outside the chosen container;
`extraction-error` marks a page the cleaner failed on (a bug to report), returned with empty paragraphs.
Script, style and template text is never text and is not recorded.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tasks.clean.furniture import label_prefix_reason, label_reason
from tasks.clean.html_metadata import DOM_RANK, body_meta_candidates, head_candidates, order_candidates
from tasks.clean.html_walk import (
    BYLINE,
    CAPTION_LABEL,
    CREDIT_PREFIXES,
    LONG_HEADING_CHARS,
    SENTENCE_END,
    TIME,
    Block,
    PageWalker,
    Run,
    classify_hint,
    is_inside,
    player_title_reason,
)
from tasks.clean.page_kind import (
    ARTICLE,
    PAYWALL_PITCH_PARAGRAPHS,
    PageKind,
    PageSignals,
    judge_page,
    paywall_cut,
)
from tasks.clean.rule_gates import RuleSearch
from tasks.clean.text import byline_line, furniture_line, is_breadcrumb, is_date_label, notice_line
from tasks.records import Candidate, CleanDocument, Link, RawDocument, RemovedSegment


def _promo_rules() -> list[tuple[str, re.Pattern[str]]]:
    rules = []
    for line in Path(__file__).with_name("html_promo_lines.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("  #", 1)[0].strip()
        if line and not line.startswith("#"):
            reason, pattern = line.split(None, 1)
            rules.append((reason, re.compile(pattern, re.IGNORECASE)))
    return rules


_PROMO_RULES = _promo_rules()
_PROMO_SEARCH = RuleSearch(_PROMO_RULES)
# Notices run long: lines with these reasons are looked at up to _NOTICE_MAX_CHARS.
_LONG_REASONS = frozenset({"footer", "disclaimer", "tags", "cookie-banner"})
# Bylines without markup are looked for among the first and last paragraphs, when short.
_BYLINE_HEAD = 4
_BYLINE_TAIL = 2
_BYLINE_MAX_CHARS = 200
# An author's tagline closes the article: one of its last paragraphs, short, opening with the author's name.
_TAGLINE_TAIL = 2
_TAGLINE_MAX_CHARS = 400
_BIO_MAX_CHARS = 2000  # a closing "<author> is ..." paragraph
_TAGLINE_MIN_BEFORE = 2  # paragraphs of article before it
_NAME_CARD_TAIL = 4  # a name card sits among the last paragraphs
_NAME_CARD_PREFIX = re.compile(
    r"^(?P<about>(?:about|über|à propos de|sobre|o|over)\s+)?(?:(?:dr|prof|mag|dipl|ing)\.(?:-\w+\.)?\s+)*",
    re.IGNORECASE,
)
_BIO_OPENERS = ("ist ", "is ", "est ", "es ", "è ", "jest ")
# A person's name as bylines print it, folded to lower case: two to four words of letters.
_PERSON_NAME = re.compile(r"[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){1,3}")
# Promo lines are looked for among the first and last paragraphs only, and only when short.
_PROMO_HEAD = 2
_PROMO_TAIL = 4
_PROMO_MAX_CHARS = 250
_NOTICE_MAX_CHARS = 600
# A repeated paragraph or caption is dropped from this length on: short labels ("Photo", "Q:") may repeat.
_MIN_REPEAT_CHARS = 20
# The last paragraphs handed to page_kind.paywall_cut: its window, and one before it.
_PAYWALL_WINDOW = PAYWALL_PITCH_PARAGRAPHS + 2
# A table whose rows hold a link or so each beside cells of their own (prices, grades) is data, not a link
# list; a navigation box has rows of many links.
_DATA_TABLE_TAGS = frozenset({"table", "tbody", "thead"})
_TABLE_OWN_TEXT_SHARE = 0.25
_TABLE_LINKS_PER_ROW = 1.5
# Kickers above the headline are a word or a few.
_KICKER_MAX_CHARS = 60
# Line rules whose match drops a heading too (the others may name an article's section: 'Follow the money').
_HEADING_FURNITURE = frozenset({"rail", "related-links"})
_PULL_QUOTE_MIN_CHARS = 40
_PULL_QUOTE_MAX_CHARS = 300
# Widget headings that close the article: in its last part, the short tail after one belongs to the widget.
_CLOSING_LABELS = frozenset({"related-links", "author-bio", "comments", "share"})
_CLOSING_FROM = 0.6
_CLOSING_TAIL_CHARS = 800

# Words of a site's name shorter than this ('the', 'la') are no brand to strip from a label.
_BRAND_MIN_CHARS = 4
# A card with a linked headline and less prose than this is a teaser for another story.
_TEASER_MAX_GOOD = 500
_CARD_SHARE_OF_PROSE = 3  # the article around such a card has this many times its prose, or more
_NEVER_CONTAINER_REASONS = frozenset({"comments", "related-links", "cookie-banner", "popup"})
# A child holding this share of the chosen block's prose is the article; so is the one child holding the
# page's only h1 and this share.
_NARROW_SHARE = 0.85
_TITLED_SHARE = 0.3
_NARROW_MAX_BEFORE = 100
_BOX_REASONS_INSIDE = frozenset({"author-bio", "comments"})
_NARROW_MIN_GAIN = 30  # prose left out by stepping down, or there is no point in it
# A container whose prose is shorter than this is no article: look for the block with most prose instead.
_MIN_CONTAINER_GOOD = 200
# A line with more words than this is a sentence, not a label, whatever its last character.
_LABEL_MAX_SPACES = 7
# A block marked as the article body (its score bonus says so) wins inside a wrapper holding this much more.
_MARKED_BODY_BONUS = 0.5
_MARKED_BODY_SHARE = 0.3
# A linked clause closing a sentence needs this much unlinked text before it, and this much link text.
_MIN_CLAUSE_CHARS = 15
_MIN_CLAUSE_LINK_CHARS = 40
_SENTENCE_CLOSERS = frozenset('.!?…"”»')
_UNSEEN_TAGS = ["script", "style", "template", "svg", "rt", "rp"]
_SHORT_PAGE_SHARE = 0.7
# Dates and times as datelines print them: 14.02.2019, 2019-02-14, 19:49, 24. März 2004, March 24, 2004.
_DATE_LIKE = re.compile(
    r"\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}\.? \w{3,10}\.? \d{4}\b|\b\w{3,10}\.? \d{1,2}, \d{4}\b"
)
# Dropped furniture that pages introduce with a heading or a 'Read more:' line.
_LABELLED_REASONS = frozenset({"related-links", "nav", "tags", "share", "promo", "newsletter", "comments"})
# RemovedSegments kept per page, and characters kept of each.
_MAX_REMOVED = 300
# A section trail is looked for among this many paragraphs opening the body.
_BREADCRUMB_HEAD = 2
# Below this much text from the DOM, a JSON-LD articleBody may stand in for it.
_MIN_DOM_TEXT_CHARS = 200
# The articleBody replaces the DOM's text when it is this many times longer, or when it is this much longer
# and holds this share of the DOM's paragraphs (the page shows the start of the text, the body all of it).
_BODY_MUCH_LONGER = 3.0
_BODY_LONGER = 1.5
_BODY_COVERS = 0.8
_WORDS = re.compile(r"\w+")
# A numeric date followed by a time: '3/5/2022 22:41', '12.03.2022, 14:10'.
_DATE_TIME = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4},?\s+\d{1,2}:\d{2}\b")
_MARKUP_TAG = re.compile(r"<[^>]*>")
# A lower-case http(s) scheme, a host (up to the first '/', '?' or '#'), then anything but ';'.
_PLAIN_URL = re.compile(r"https?://[^/?#\[\]]+(?:[/?#][^;]*)?")
# Siblings of the container are considered up to this many levels up, while the ancestors add no more than
# this much furniture (or 60% of the container's prose), and looked into this many levels deep.
_SCOPE_MAX_LEVELS = 5
_SCOPE_MIN_FURNITURE = 500
_SIBLING_DEPTH = 4
# Beyond that scope, siblings of the container and of its nearest ancestors still join if they hold at
# least this much prose and twice as much prose as furniture.
_MERGE_LEVELS = 3
_MERGE_MIN_CHARS = 150
_AFTER_MIN_CHARS = 150
_MAX_REMOVED_CHARS = 500
# A caption printed as body text with its credit at the end ("The winner at the finish. © AFP / L. Voss",
# "The minister, photo: Archive"); the credit words are the line prefixes in html_hints.json.
_TRAILING_CREDIT = re.compile(
    r"(?<=\S)[\s,;|–-]+(?:"
    + "|".join(
        re.escape(prefix.strip())
        for prefix in sorted(CREDIT_PREFIXES, key=len, reverse=True)
        if prefix != "(c) "  # ('... under subsection (c) of the act' is no credit)
    )
    + r")\s*[^\s.!?©][^.!?©]{1,80}$",
    re.IGNORECASE,
)
# Every credit word above holds one of these.
_CREDIT_MARKS = ("©", ":", "fot.")
_CAPTION_WITH_CREDIT_CHARS = 300
_MIN_CAPTION_CHARS = 10
# Zero-width spaces, word joiners, stray byte-order marks and soft hyphens (invisible hyphenation hints);
# the joiners that shape scripts (ZWJ/ZWNJ) stay.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\xad]")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "ascii", "us-ascii"})
# A line that is one start tag ('<img src="..." width="1">'): markup, not text.
_MARKUP_LINE = re.compile(r"<[a-zA-Z][\w-]*(?:\s[^<>]*)?/?>")
# Kinds of kept paragraphs, for dropping the headings and labels that introduced dropped furniture.
_PROSE, _LABEL, _HEADING = 0, 1, 2


def clean_html(doc: RawDocument) -> CleanDocument:
    """Extract the article text of an HTML page, with what was dropped and the metadata candidates found."""
    try:
        return _clean(doc)
    except Exception as error:  # a bug must not sink the batch: report it as a value the caller rejects
        segment = RemovedSegment(
            0, f"{type(error).__name__}: {error}"[:_MAX_REMOVED_CHARS], "extraction-error"
        )
        return _document(doc, (), (segment,), (), ())


def _document(
    doc: RawDocument, paragraphs, removed, links, candidates, verdict: PageKind | None = None
) -> CleanDocument:
    return CleanDocument(
        doc_id=doc.doc_id,
        source=doc.source,
        url=doc.url,
        fetched_at=doc.fetched_at,
        content_type=doc.content_type,
        paragraphs=tuple(paragraphs),
        removed=tuple(removed),
        links=tuple(links),
        candidates=tuple(candidates),
        kind=verdict.kind if verdict else ARTICLE,
        kind_reason=verdict.reason if verdict else "",
    )


def _clean(doc: RawDocument) -> CleanDocument:
    text = doc.text or ""
    if not text or text.isspace():  # (without copying 100+ KB as strip() would)
        return _document(doc, (), (), (), ())
    raw = doc.raw
    if raw and (doc.charset or "").lower().replace("_", "-") in _UTF8_NAMES and len(raw) >= len(text):
        tree = LexborHTMLParser(raw)  # the bytes already are UTF-8: skip re-encoding 100+ KB of text
    else:
        try:
            tree = LexborHTMLParser(text)
        except UnicodeEncodeError:  # lone surrogates from a bad decode: lexbor needs valid UTF-8
            tree = LexborHTMLParser(text.encode("utf-8", "replace"))
    markup = head_candidates(tree)
    ranked, article_body, base_href = markup.ranked, markup.article_body, markup.base_href
    base_url = doc.url or ""
    if base_href:
        base_url = urljoin(base_url, base_href) if base_url else base_href
    if not base_url:
        base_url = next((c.value for _, c in ranked if c.field == "canonical_url"), "")
    walker = PageWalker()
    root = tree.body or tree.root
    if root is None:
        return _document(doc, (), (), (), order_candidates(ranked))
    # Code and markup whose text is never shown; removed in C, after the JSON-LD was read.
    # A <noscript> stays for the walker (some sites put the whole page in one); a ruby annotation's reading
    # goes here, as a link's text is taken in one call ('子<rt>こ</rt>' reads '子'): stripping <rt> costs
    # less than looking for it in the text first.
    tree.strip_tags(_UNSEEN_TAGS)
    page = walker.walk(root)
    container = _narrow_container(
        _marked_body(_choose_container(walker.blocks), walker.blocks), [block for block, _ in walker.h1]
    )
    titles = [candidate.value for _, candidate in ranked if candidate.field == "title"]
    authors = [candidate.value for _, candidate in ranked if candidate.field == "author"]
    for _, text in walker.bylines:
        found = byline_line(text)
        if found:
            authors.extend(found[1])
        elif len(text) <= 60 and _PERSON_NAME.fullmatch(_fold(text)):
            # a marked byline that is only a name ('<span class="author">Dana Whitfield')
            authors.append(text)
    renderer = _Renderer(base_url, container, titles, authors)
    site_names = [candidate.value for _, candidate in ranked if candidate.field == "site_name"]
    renderer.brand_words = _brand_words(doc.url or base_url, site_names)
    renderer.render_page(page)
    for attributes in walker.body_metas:
        body_meta_candidates(attributes, ranked)
    ranked.extend((DOM_RANK, candidate) for candidate in walker.dom_candidates(container))
    ranked.extend((DOM_RANK, candidate) for candidate in renderer.candidates)
    walker.release()
    paragraphs = renderer.paragraphs
    text_evidence = ""
    if article_body:
        paragraphs, text_evidence = _reconcile_article_body(paragraphs, article_body)
    verdict = judge_page(
        PageSignals(
            paragraphs,
            renderer.removed,
            url=doc.url,
            title=markup.title or (walker.h1[0][1] if walker.h1 else ""),
            structured_types=frozenset(markup.types),
            has_article_markup=markup.has_article_markup,
            is_free=markup.is_free,
            og_type=markup.og_type,
            teaser_links=page.linked_headings,
            text_start=renderer.labels[0][0] if renderer.labels and paragraphs is renderer.paragraphs else -1,
            text_end=renderer.labels[-1][0] if renderer.labels and paragraphs is renderer.paragraphs else -1,
        )
    )
    cleaned = _document(doc, paragraphs, renderer.removed, renderer.links, order_candidates(ranked), verdict)
    return dataclasses.replace(cleaned, text_evidence=text_evidence) if text_evidence else cleaned


def _brand_words(url: str, site_names: list[str]) -> frozenset[str]:
    """The words naming the site: its host's own label ('wired' of www.wired.com) and the longer words of
    its declared names (og:site_name ...), lower-cased."""
    words = {word for name in site_names[:3] for word in _fold(name).split() if len(word) >= _BRAND_MIN_CHARS}
    try:
        host = (urlsplit(url).hostname or "") if url else ""
    except ValueError:  # (a malformed address: '[' without its IPv6 host)
        host = ""
    labels = [label for label in host.split(".") if label and label != "www"]
    if len(labels) >= 2 and len(labels[-2]) >= _BRAND_MIN_CHARS:
        words.add(labels[-2])
    return frozenset(words)


def _is_linked_prose(run: Run) -> bool:
    """Whether a mostly linked line is a sentence with links in it rather than a list of them: its link
    ends the sentence ('X replaced Y, <a>who had done both jobs for eight months.</a>'), or every link
    starts in mid-sentence ('The pair <a>revealed in May that ...</a> In June, she <a>said ...</a>').

    A promo's or a related story's link is a headline: it starts with a capital and has no full stop
    ('Jetzt registrieren!', 'Wer zahlt?')."""
    if run.chars - run.link_chars < _MIN_CLAUSE_CHARS or not run.links:
        return False
    if len(run.links) == 1:
        anchor = run.links[0][1]
        if len(anchor) >= _MIN_CLAUSE_LINK_CHARS and anchor[-1:] == "." and run.text.endswith(anchor):
            return True
    return run.text[-1:] in _SENTENCE_CLOSERS and all(anchor[:1].islower() for _, anchor in run.links)


def _names_another_date(text: str) -> bool:
    """Whether a short dated line is labelled as some other date than the page's own: 'Termin: 14.03.2025,
    18 Uhr', 'Deadline: 3 November 2024' are the article's facts, 'Posted: ...', 'Stand: ...' datelines."""
    label, colon, _ = text.partition(":")
    label = label.strip()
    return (
        bool(colon)
        and 0 < len(label) <= 30
        and not any(c.isdigit() for c in label)
        and not is_date_label(label)
    )


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _reconcile_article_body(paragraphs: list[str], article_body: str) -> tuple[list[str], str]:
    """The DOM's text, or the JSON-LD articleBody where the page plainly shows only part of it.

    Neither is trusted blindly: articleBody is often a truncated teaser, a stale version, or lacks the
    standfirst and subheadings, so the DOM's text stays unless it is missing (script-rendered pages), a
    small fraction of the body (a page that loads the rest later), or a part of it the body continues."""
    body = _json_ld_paragraphs(article_body)
    body_words = _comparable(" ".join(body))
    dom_words = _comparable(" ".join(paragraphs))
    if len(body_words) <= len(dom_words):
        return paragraphs, ""
    ratio = len(body_words) / max(1, len(dom_words))
    if len(dom_words) < _MIN_DOM_TEXT_CHARS and ratio > 2:
        return body, "json-ld articleBody (the page shows no article text of its own)"
    if len(body_words) < _MIN_DOM_TEXT_CHARS:
        return paragraphs, ""
    if ratio >= _BODY_MUCH_LONGER:
        return body, f"json-ld articleBody (the page shows {1 / ratio:.0%} of it)"
    in_body = [_comparable(paragraph) in body_words for paragraph in paragraphs]
    found = sum(len(paragraph) for paragraph, inside in zip(paragraphs, in_body, strict=True) if inside)
    if ratio >= _BODY_LONGER and found >= _BODY_COVERS * sum(map(len, paragraphs)):
        # The standfirst above the body is the page's own and rarely in articleBody: it stays.
        lead = paragraphs[: in_body.index(True)] if True in in_body else []
        return lead + body, f"json-ld articleBody (it continues the page's {1 / ratio:.0%})"
    return paragraphs, ""


def _comparable(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def _json_ld_paragraphs(article_body: str) -> list[str]:
    if "<" in article_body and ">" in article_body:
        article_body = _MARKUP_TAG.sub("\n", article_body)
    paragraphs = (" ".join(line.split()) for line in article_body.splitlines())
    return [paragraph for paragraph in paragraphs if paragraph]


def _choose_container(blocks: list[Block]) -> Block | None:
    """The highest-scoring block outside boilerplate; inside a furniture-named block only if clearly better.

    Layout wrappers get furniture names ('content-sidebar-wrap', 'paywall', 'main ad-slot'); when the best
    text of the page sits in one, it is the article. Comments and teaser lists never are.
    """
    ranked = sorted(blocks, key=lambda block: block.score, reverse=True)[:60]
    best_clean = best_wrapped = None
    for block in ranked:
        if block.good <= 0 or block.reason is not None:
            continue
        worst = _worst_ancestor_reason(block)
        if worst is None:
            best_clean = block
            break
        if worst not in _NEVER_CONTAINER_REASONS and best_wrapped is None:
            best_wrapped = block
    if best_wrapped is not None and (best_clean is None or best_wrapped.good > 2 * best_clean.good):
        ancestor = best_wrapped.parent
        while ancestor is not None:
            ancestor.reason = None
            ancestor = ancestor.parent
        return best_wrapped
    if best_clean is None or best_clean.good < _MIN_CONTAINER_GOOD:
        # The best score holds next to no prose: a short article drowned in its own comments and share
        # widgets scores below the masthead. Take the tightest block holding most of the page's prose.
        return _richest_block(blocks) or best_clean
    return best_clean


def _marked_body(container: Block | None, blocks: list[Block]) -> Block | None:
    """The block marked as the article's body (itemprop articleBody) inside the chosen one, when it holds a
    fair share of its prose: a wrapper outscores it when the page's teaser lists carry summaries."""
    if container is None:
        return None
    marked = [
        block
        for block in blocks
        if block.bonus >= _MARKED_BODY_BONUS
        and block.reason is None
        and block is not container
        and block.good >= _MIN_CONTAINER_GOOD
        and is_inside(block, container)
    ]
    # Several marked blocks (a body split into sections, each marked): the chosen block holds them all.
    outermost = [block for block in marked if not any(o is not block and is_inside(block, o) for o in marked)]
    if len(outermost) != 1 or outermost[0].good < _MARKED_BODY_SHARE * container.good:
        return container
    return outermost[0]


def _holds_marked(item: Block | Run) -> bool:
    """Whether an item is or holds a block marked as (a section of) the article's body."""
    stack = [item]
    while stack:
        item = stack.pop()
        if item.__class__ is Block:
            if item.bonus >= _MARKED_BODY_BONUS:
                return True
            stack.extend(item.items)
    return False


def _narrow_container(container: Block | None, title_blocks: list[Block]) -> Block | None:
    """The chosen block, or the child of it that holds the article when the rest is boxes after it.

    A wrapper outscores the article when small boxes beside it (a subscription pitch, market prices, an
    editor's letter in the side column) read as a little prose each: step down to a child holding nearly all
    of the prose, or to the one child that holds the headline and a fair share of it, as long as next to no
    prose comes before that child (a lead, a standfirst or a recipe's ingredients would be lost)."""
    while container is not None and container.good > 0:
        children = [item for item in container.items if item.__class__ is Block and item.good > 0]
        if not children:
            return container
        best = max(children, key=lambda child: child.good)
        titled = [child for child in children if any(is_inside(block, child) for block in title_blocks)]
        columns: list[Block] = []
        if best.reason is None and best.good >= _NARROW_SHARE * container.good:
            child = best
        elif (
            len(title_blocks) == 1
            and len(titled) == 1
            and titled[0].reason is None
            and titled[0].good >= max(_MIN_CONTAINER_GOOD, _TITLED_SHARE * container.good)
            and all(
                _opens_with_heading(other)
                for other in children
                if other is not titled[0] and other.good > 100
            )
        ):
            # The other prose sits in boxes with headings of their own: a column beside the article.
            child = titled[0]
            # A sibling made of several boxes, each under its own heading (an editor's letter, classifieds)
            # is a column: kept out. A sibling that is one section under a heading may be the article's next
            # part (page builders wrap each in a block of its own): the article's scope may take it back.
            columns = [other for other in children if other is not child and _is_column_of_boxes(other)]
        else:
            return container
        if (
            container.good - child.good < _NARROW_MIN_GAIN
            or _text_before(container, child) > _NARROW_MAX_BEFORE
        ):
            return container
        for column in columns:
            column.reason = column.reason or "aside"  # (the article's scope must not take it back as prose)
        container = child
    return container


def _box_label(block: Block, inside: bool = False) -> str | None:
    """The furniture reason of a block that opens with a widget heading ("About the author"), else None.

    Inside the article only a heading over an author box or a comment call counts (a short "Anzeige" line
    at the top of a block of article text is the ad's label, not the block's)."""
    item: Block | Run = block
    while item.__class__ is Block:
        if not item.items:
            return None
        item = item.items[0]
    if inside:
        reason = label_reason(item.text) if item.is_heading else None
        return reason if reason in _BOX_REASONS_INSIDE else None
    return label_reason(item.text) if item.is_heading or item.chars <= 40 else None


def _name_card(text: str) -> tuple[str | None, bool]:
    """(folded name, whether "About"/"Über" introduced it) of a line that is only a person's name."""
    text = text.strip()
    prefix = _NAME_CARD_PREFIX.match(text)
    is_labelled = prefix is not None and prefix.group("about") is not None
    words = text[prefix.end() :].split() if prefix else text.split()
    if not 1 <= len(words) <= 4 or len(text) > 60:
        return None, False
    if len(words) == 1 and not is_labelled:
        return None, False  # a lone capitalised word is a section label unless "About"/"Über" names it
    if not all(word[:1].isupper() and word.strip(".-'’").isalpha() for word in words):
        return None, False
    return _fold(" ".join(words)), is_labelled


def _opens_with_heading(block: Block) -> bool:
    item: Block | Run = block
    while item.__class__ is Block:
        if not item.items:
            return False
        item = item.items[0]
    return item.is_heading


def _is_column_of_boxes(block: Block) -> bool:
    boxes = [item for item in block.items if item.__class__ is Block and item.chars]
    return len(boxes) >= 2 and all(_opens_with_heading(box) for box in boxes)


def _text_before(container: Block, child: Block) -> int:
    """Characters of unlinked text before `child` in `container`, outside flagged boilerplate.

    None in a table row: its cells stand side by side, so an earlier cell is a column beside the article (a
    layout table's menu), not a lead above it."""
    if container.tag == "tr":
        return 0
    chars = 0
    for item in container.items:
        if item is child:
            break
        if item.__class__ is Run or item.reason is None:
            chars += item.chars - item.link_chars
    return chars


def _richest_block(blocks: list[Block]) -> Block | None:
    usable = [
        block
        for block in blocks
        if block.reason is None
        and block.good > 0
        and _worst_ancestor_reason(block) not in _NEVER_CONTAINER_REASONS
    ]
    if not usable:
        return None
    most = max(block.good for block in usable)
    # (on a page with next to no prose, a short post of one-line paragraphs, the tightest block holding most
    # of it still beats the best-scoring scrap: a like counter or a one-line box)
    share = 0.8 if most >= _MIN_CONTAINER_GOOD else _SHORT_PAGE_SHARE
    return min((block for block in usable if block.good >= share * most), key=lambda block: block.chars)


def _worst_ancestor_reason(block: Block) -> str | None:
    """None if no ancestor is boilerplate, else its reason (comments or related links win over others)."""
    found = None
    ancestor = block.parent
    while ancestor is not None:
        if ancestor.reason is not None:
            if ancestor.reason in _NEVER_CONTAINER_REASONS:
                return ancestor.reason
            found = ancestor.reason
        ancestor = ancestor.parent
    return found


class _Renderer:
    """Writes the chosen container's text in order and records everything dropped, with its reason."""

    def __init__(
        self, base_url: str, container: Block | None, titles: list[str], authors: list[str] | None = None
    ) -> None:
        self.base_url = base_url
        self.authors = authors or []
        self.titles = [title.casefold() for title in titles]
        self.container = container
        self.paragraphs: list[str] = []
        self.removed: list[RemovedSegment] = []
        self.links: list[Link] = []
        self.candidates: list[Candidate] = []
        self.captions: list[tuple[bool, Candidate]] = []
        # Per paragraph: (position, kind) with kind _PROSE, _LABEL (short line) or _HEADING.
        self.labels: list[tuple[int, int]] = []
        self.title_seen = False
        self.title_position = -1
        self.has_prose = False
        # Past the container, boxes (weather, latest news, the editor's letter) sit beside the article:
        # a sibling there must read as more prose than a lead beside the headline needs to.
        self.after_container = False
        # (paragraphs kept before it, reason) of the last author box or comment call met inside the article.
        self.closing_box: tuple[int, str] | None = None
        # Paragraphs up to here are never a label of the furniture dropped after them.
        self.labels_kept = 0
        # The site's name, lower-cased words: widget labels carry it ('More Great WIRED Stories').
        self.brand_words: frozenset[str] = frozenset()

    def render_page(self, page: Block) -> None:
        container = self.container
        if container is None:
            self._drop_outside(page)
        else:
            path = [container]
            while path[-1].parent is not None:
                path.append(path[-1].parent)
            path.reverse()
            # Leads and standfirsts sit next to the body container: siblings may join if they read as prose,
            # up to the highest ancestor that adds little furniture. Farther out, everything is dropped.
            scope = len(path) - 1
            allowance = max(_SCOPE_MIN_FURNITURE, 0.6 * container.good)
            for level in range(len(path) - 2, max(-1, len(path) - 2 - _SCOPE_MAX_LEVELS), -1):
                ancestor = path[level]
                if ancestor.reason is not None or ancestor.bad - container.bad > allowance:
                    break
                scope = level
            for level in range(scope - 1, max(-1, len(path) - 2 - _SCOPE_MAX_LEVELS), -1):
                if path[level].tag == "article" or path[level].is_strong:
                    scope = level  # the article element bounds the article, furniture and all
                    break
            # Page builders put each paragraph in its own section: clearly prose siblings farther up join too.
            merge = max(0, len(path) - 1 - _MERGE_LEVELS)
            indexes = [_index_of(path[level].items, path[level + 1]) for level in range(len(path) - 1)]
            for level in range(len(path) - 1):
                for item in path[level].items[: indexes[level]]:
                    self._outside(item, _SIBLING_DEPTH if level >= scope else 0, level >= merge)
            self._render(container)
            # (a container that is one paragraph, of a body that gives each paragraph a block of its own, is
            # the best block of a page whose wider blocks hold furniture too: the blocks after it are more
            # of the same)
            self.after_container = container.has_blocks or len(container.items) > 1
            # After a block marked as the article's body (itemprop articleBody) comes no more of the article.
            is_marked = container.bonus >= _MARKED_BODY_BONUS
            for level in range(len(path) - 2, -1, -1):
                for item in path[level].items[indexes[level] + 1 :]:
                    if is_marked and not _holds_marked(item):
                        self._outside(item, 0)
                    else:
                        self._outside(item, _SIBLING_DEPTH if level >= scope else 0, level >= merge)
            self._drop_trailing_labels("low-score", at_end=True)
            self._drop_kickers()
            self._drop_promo_lines()
            self._drop_furniture_lines()
            self._drop_bylines()
            self._drop_breadcrumb()
            self._drop_author_tagline()
            self._drop_after_closing_box()
            self._drop_repeats_and_labels()
            self._cut_at_paywall()
        self.candidates.extend(candidate for inside, candidate in self.captions if inside)
        self.candidates.extend(candidate for inside, candidate in self.captions if not inside)

    def _outside(self, item: Block | Run, depth: int, may_merge: bool = False) -> None:
        """A block or run beside the container: kept if it is prose next to the article, else recorded.

        `depth` > 0 means the item is within the article's scope; mixed blocks there are looked into that
        many levels deep, so a lead paragraph is found beside its byline and share bar. Out of scope, a
        sibling still joins when `may_merge` and it is plainly prose.
        """
        if item.__class__ is Run:
            is_prose = _is_prose_run(item)
            if self.after_container and item.chars < _AFTER_MIN_CHARS:
                is_prose = False
            if (may_merge and is_prose and item.chars >= _MERGE_MIN_CHARS) or (
                depth and (is_prose or (item.heading_level == 1 and not self.title_seen))
            ):
                self._keep_run(item)
            elif item.chars <= 80 and (item.flags & TIME or _DATE_LIKE.search(item.text)):
                self._drop_run(item, "byline")
            elif item.heading_level and not self.title_seen and self._is_title(item):
                self._drop_run(item, "title")  # the post's headline above a body block of its own
            else:
                self._drop_run(item, "low-score")
            return
        label = _box_label(item) if not item.reason else None
        if self.after_container and item.tag == "article" and _opens_with_heading(item):
            self._drop_outside(item)  # the next story of an endless-scroll page, under its own headline
        elif label is not None:
            self._drop(item, label)  # a box under a widget heading: "About the author", "Have your say"
        elif may_merge and not depth and not item.reason and _is_prose_block(item, _MERGE_MIN_CHARS):
            self._render(item)
        elif not depth or item.reason:
            self._drop_outside(item)
        elif (
            not item.linked_headings
            and item.good >= (_AFTER_MIN_CHARS if self.after_container else 50)
            and item.good >= 2 * item.bad
        ):
            self._render(item)
        elif item.good > 0 and depth > 1 and not item.linked_headings:
            for child in item.items:
                self._outside(child, depth - 1)
        else:
            self._drop_outside(item)

    def _render(self, container: Block) -> None:
        stack: list[tuple[Block, int]] = [(container, 0)]
        while stack:
            block, index = stack.pop()
            if index >= len(block.items):
                continue
            stack.append((block, index + 1))
            item = block.items[index]
            if item.__class__ is Run:
                self._keep_run(item, is_code=block.tag == "pre")
                continue
            reason = item.reason or _link_list_reason(item) or self._card_reason(item)
            if not reason and (reason := _box_label(item, inside=True)):
                self.closing_box = (len(self.paragraphs), reason)
            if reason:
                if reason in _LABELLED_REASONS:
                    self._drop_trailing_labels(reason)
                self._drop(item, reason)
                continue
            if reason := player_title_reason(item):
                self._drop(item, reason)
                # (what precedes a player introduced it, or is the article's: no label of a widget after it)
                self.labels_kept = len(self.labels)
                continue
            if item.tag == "tr" and self._render_row(item):
                continue
            stack.append((item, 0))

    def _card_reason(self, block: Block) -> str | None:
        """An <article> inside the article, under a linked headline and with a small part of its prose, is
        another story's card ('Also read' boxes between paragraphs)."""
        if block.tag != "article" or not block.linked_headings or block.good >= _TEASER_MAX_GOOD:
            return None
        container = self.container
        if container is None or block is container or container.good < _CARD_SHARE_OF_PROSE * block.good:
            return None
        return "related-links"

    def _keep_run(self, run: Run, is_code: bool = False) -> None:
        text = run.text
        if run.heading_level and not self.title_seen and self._is_title(run):
            self.title_seen = True  # the article's title: a candidate (h1, og:title, ...), not body text
            self.title_position = run.position
            self._record(run.position, text, "title")
            return
        if text[0] == "<" and text[-1] == ">" and not is_code and _MARKUP_LINE.fullmatch(text):
            # an element's markup shown as text: an escaped tracking pixel in a <noscript> of the <head>
            self._record(run.position, text, "notice")
            return
        if run.flags & BYLINE and run.chars < 200:
            self._record(run.position, text, "byline")
            return
        if run.link_chars * 10 >= run.chars * 7 and not run.is_heading and not _is_linked_prose(run):
            # A line that is (almost) all links: 'Read more: ...', a row of tags or pager links.
            reason = "related-links" if run.link_chars >= 24 * len(run.links) else "nav"
            self._drop_trailing_labels(reason)
            if reason == "related-links":
                self._keep_links(run.links, "related")
            self._record(run.position, text, reason)
            return
        if run.chars <= _CAPTION_WITH_CREDIT_CHARS and (
            # (a credit line set in a heading tag, 'Photo: Jane Doe', is one all the same)
            (run.chars <= 80 and text.lower().startswith(CREDIT_PREFIXES))
            or (not run.is_heading and CAPTION_LABEL.match(text) is not None)
            or (
                not run.is_heading
                and any(mark in text for mark in _CREDIT_MARKS)  # (a cheap test first: most have none)
                and _TRAILING_CREDIT.search(text, _MIN_CAPTION_CHARS) is not None
            )
        ):
            self._record(run.position, text, "caption")  # a photo credit (and caption) outside its figure
            return
        # (a minor heading holding a name and a numeric date and time is the post's meta line: 'Ana Ruiz
        # 3/5/2022 22:41' in an <h6>)
        if run.chars <= 80 and (not run.is_heading or (run.heading_level >= 4 and _DATE_TIME.search(text))):
            if run.flags & TIME and not SENTENCE_END.search(text[-1:]):
                self._record(run.position, text, "byline")
                return
            if (
                run.chars <= 60
                and _DATE_LIKE.search(text)
                and text.count(" ") < 8
                and text[-1:] != "."
                and not _names_another_date(text)
            ):
                self._record(run.position, text, "byline")  # a bare dateline
                return
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
            if not text.strip():
                return
        if self.paragraphs and self.paragraphs[-1] == text:
            return
        kind = (
            _HEADING
            if run.is_heading and run.chars < LONG_HEADING_CHARS
            else _LABEL
            if _is_label(text) and not is_code  # (a command in a <pre> block is the article's, however short)
            else _PROSE
        )
        self._append(text, run.position, kind)
        self._keep_links(run.links, "inline")

    def _keep_links(self, links: list[tuple[str, str]], kind: str) -> None:
        for href, anchor in links:
            url = self._absolute(href)
            if url and anchor:
                self.links.append(Link(url, anchor, kind))

    def _is_title(self, run: Run) -> bool:
        """A heading that repeats the page's title (blogs title posts with h2), or an h1 before any prose."""
        folded = run.text.casefold()
        if len(folded) >= 8 and any(folded == title or folded in title for title in self.titles):
            return True
        return run.heading_level == 1 and not self.has_prose

    def _append(self, text: str, position: int, kind: int) -> None:
        self.paragraphs.append(text)
        self.labels.append((position, kind))
        if kind == _PROSE:
            self.has_prose = True

    def _drop_kickers(self) -> None:
        """Short labels above the headline ('Politik', 'Nordkorea', 'Lesedauer 3 Min'): the section or topic
        a page files the article under, not its text."""
        count = 0
        for (position, kind), text in zip(self.labels, self.paragraphs, strict=True):
            if position > self.title_position or kind == _PROSE or len(text) > _KICKER_MAX_CHARS:
                break
            count += 1
        for index in range(count - 1, -1, -1):
            self._record(self.labels[index][0], self.paragraphs[index], "header")
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_promo_lines(self) -> None:
        """Subscribe/download/donate lines at the top or bottom of the body (html_promo_lines.txt)."""
        count = len(self.paragraphs)
        edges = [index for index in range(count) if index < _PROMO_HEAD or index >= count - _PROMO_TAIL]
        dropped = []
        for index in edges:
            text = self.paragraphs[index]
            if len(text) > _NOTICE_MAX_CHARS:
                continue
            found = _PROMO_SEARCH.first(text)
            # (a longer line goes only as a notice: a footer, disclaimer, cookie banner)
            if found is not None and (found[0] in _LONG_REASONS or len(text) <= _PROMO_MAX_CHARS):
                dropped.append(index)
                self._record(self.labels[index][0], text, found[0])
        for index in reversed(dropped):
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_repeats_and_labels(self) -> None:
        """A paragraph printed twice (a pull quote, a CMS glitch) is kept once; a caption printed again as
        body text goes with its figure; widget labels go ("Schon gelesen?", "Advertisement", furniture.py),
        and a closing one ("About the author", "Related articles") takes the short tail after it along."""
        captions = {_fold(c.value) for _, c in self.captions if c.field == "image_caption"}
        seen: set[str] = set()
        dropped: dict[int, str] = {}
        folds: dict[int, str] = {}
        count = len(self.paragraphs)
        for index, text in enumerate(self.paragraphs):
            label = label_reason(text, self.brand_words) or (
                label_prefix_reason(text) if index >= _CLOSING_FROM * count else None
            )
            if label is not None:
                dropped[index] = label
                tail = self.paragraphs[index + 1 :]
                if (
                    label in _CLOSING_LABELS
                    and index >= _CLOSING_FROM * count
                    and sum(map(len, tail)) <= _CLOSING_TAIL_CHARS
                ):
                    dropped.update((later, label) for later in range(index + 1, count))
                    break
                continue
            folded = folds[index] = _fold(text)
            if len(folded) < _MIN_REPEAT_CHARS:
                continue
            if folded in captions:
                dropped[index] = "caption-repeat"
            elif folded in seen:
                dropped[index] = "repeat"
            seen.add(folded)
        kept = [
            (index, folds.get(index) or _fold(self.paragraphs[index]))
            for index in range(count)
            if index not in dropped
        ]
        # One search over all kept text: a pull quote's words occur there twice, in itself and in the
        # paragraph it repeats (paragraphs printed twice whole are already gone).
        everything = "\n".join(folded for _, folded in kept)
        for index, folded in kept:
            if (
                _PULL_QUOTE_MIN_CHARS <= len(folded) <= _PULL_QUOTE_MAX_CHARS
                and self.labels[index][1] == _PROSE
            ):
                core = folded.strip("\"'“”‘’«»„ ")
                if core and everything.count(core) >= 2:
                    dropped[index] = "repeat"
        for index in sorted(dropped, reverse=True):
            self._record(self.labels[index][0], self.paragraphs[index], dropped[index])
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_furniture_lines(self) -> None:
        """Inline promos anywhere in the body ("Also Read | ...", "READ MORE: ...", "Click here to ...",
        "(This story has not been edited ...)"), read with the plain-text cleaner's line rules."""
        dropped = []
        for index, text in enumerate(self.paragraphs):
            if len(text) > _PROMO_MAX_CHARS:
                # (a longer paragraph is furniture only as a notice: consent, disclaimer, rights)
                reason = notice_line(text) if len(text) <= _NOTICE_MAX_CHARS else None
            else:
                reason = furniture_line(text)
            # (a heading is furniture only as a widget's: 'Most read', 'Mehr von <author> auf <site>')
            if reason is not None and (self.labels[index][1] != _HEADING or reason in _HEADING_FURNITURE):
                dropped.append(index)
                self._record(self.labels[index][0], text, reason)
        for index in reversed(dropped):
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_bylines(self) -> None:
        """Byline and dateline lines at the edges of the body that no markup marked ("By Dana Whitfield",
        "Von Lena Hoffmann · 23. Juli 2024", "Posted Feb. 7, 2024, 5:12 p.m."), read with the plain-text
        cleaner's rules; the names become author candidates."""
        count = len(self.paragraphs)
        dropped = []
        for index in range(count):
            if _BYLINE_HEAD <= index < count - _BYLINE_TAIL:
                continue
            text = self.paragraphs[index]
            if len(text) > _BYLINE_MAX_CHARS or self.labels[index][1] == _HEADING:
                continue
            found = byline_line(text, names_alone=index < _BYLINE_HEAD and not self._prose_before(index))
            if found is None:
                continue
            dropped.append(index)
            self.candidates.extend(Candidate("author", name, "byline") for name in found[1])
            self._record(self.labels[index][0], text, "byline")
        for index in reversed(dropped):
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_breadcrumb(self) -> None:
        """A section trail opening the body, its links run together with the headline ('Front Page »
        Council » <the headline>'): read with the plain-text cleaner's rule."""
        for index in range(min(_BREADCRUMB_HEAD, len(self.paragraphs))):
            text = self.paragraphs[index]
            if self.labels[index][1] != _HEADING and is_breadcrumb(text):
                self._record(self.labels[index][0], text, "breadcrumb")
                del self.paragraphs[index]
                del self.labels[index]
                return

    def _prose_before(self, index: int) -> bool:
        return any(
            kind == _PROSE and len(self.paragraphs[before]) > 150
            for before, (_, kind) in enumerate(self.labels[:index])
        )

    def _drop_after_closing_box(self) -> None:
        """After an author box or a comment call in the last part of the article, a short tail is the
        same widget's (the organisation's blurb under a press contact, the comment form's text)."""
        if self.closing_box is None:
            return
        kept_before, reason = self.closing_box
        count = len(self.paragraphs)
        if kept_before >= count or kept_before < _CLOSING_FROM * count:
            return
        if sum(map(len, self.paragraphs[kept_before:])) > _CLOSING_TAIL_CHARS:
            return
        for index in range(count - 1, kept_before - 1, -1):
            self._record(self.labels[index][0], self.paragraphs[index], reason)
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_author_tagline(self) -> None:
        """A closing line that starts with an author's name ("Dana Whitfield covers local government ...
        Reach her at ...") is the author's tagline, not the article."""
        names = {_fold(candidate.value) for candidate in self.candidates if candidate.field == "author"}
        names.update(_fold(name) for name in self.authors)
        names = {name for name in names if _PERSON_NAME.fullmatch(name)}
        last = len(self.paragraphs) - 1
        for index in range(max(_TAGLINE_MIN_BEFORE, last - _NAME_CARD_TAIL), last):
            # A name card: a line that is only a person's name ("Dr. Jonas Brenner", "Über Marlene"), then
            # the biography opening with the name or with "is"/"ist".
            card, is_labelled = _name_card(self.paragraphs[index])
            following = _fold(self.paragraphs[index + 1])
            if (
                card
                and (is_labelled or following.startswith((card + " ", *_BIO_OPENERS)) or card in names)
                and sum(map(len, self.paragraphs[index:])) <= _CLOSING_TAIL_CHARS
            ):
                for later in range(last, index - 1, -1):
                    self._record(self.labels[later][0], self.paragraphs[later], "author-bio")
                    del self.paragraphs[later]
                    del self.labels[later]
                return
        if not names:
            return
        firsts = {name.split()[0] for name in names if len(name.split()[0]) >= 3}
        for index in range(last, max(_TAGLINE_MIN_BEFORE, last - _TAGLINE_TAIL + 1) - 1, -1):
            text = self.paragraphs[index]
            folded = _fold(text)
            # ('Dana Whitfield ist seit 2018 ...': a biography may list the author's books and posts; it
            # may call the author by the first name alone: 'Dana is our editor in Berlin ...')
            is_bio = len(text) <= _BIO_MAX_CHARS and any(
                folded.startswith(f"{name} {opener}") for name in (*names, *firsts) for opener in _BIO_OPENERS
            )
            if is_bio or (
                len(text) <= _TAGLINE_MAX_CHARS and any(folded.startswith(name + " ") for name in names)
            ):
                for later in range(len(self.paragraphs) - 1, index - 1, -1):
                    self._record(self.labels[later][0], self.paragraphs[later], "author-bio")
                    del self.paragraphs[later]
                    del self.labels[later]
                return

    def _cut_at_paywall(self) -> None:
        """A teaser ends at its paywall prompt ("Weiterlesen mit ..."): the prompt and its box go."""
        start = max(0, len(self.paragraphs) - _PAYWALL_WINDOW)
        kept = [
            (self.labels[index][0], self.paragraphs[index]) for index in range(start, len(self.paragraphs))
        ]
        if not kept:
            return
        first, last = kept[0][0], kept[-1][0]
        dropped = [
            (segment.position, segment.text) for segment in self.removed if first < segment.position < last
        ]
        cut_from = paywall_cut(kept, dropped)
        if cut_from is None:
            return
        cut = start + next(
            (index for index, (position, _) in enumerate(kept) if position >= cut_from), len(kept)
        )
        for index in range(cut, len(kept)):
            self._record(self.labels[index][0], self.paragraphs[index], "paywall")
        del self.paragraphs[cut:]
        del self.labels[cut:]

    def _drop_trailing_labels(self, reason: str, at_end: bool = False) -> None:
        """Headings and 'Read more:' lines that only introduced the furniture just dropped go with it.

        At the end of the article, nothing follows: only headings and very short lines are dropped.
        """
        for _ in range(2):
            if not self.labels or self.labels[-1][1] == _PROSE or len(self.labels) <= self.labels_kept:
                return
            text = self.paragraphs[-1]
            if at_end and self.labels[-1][1] != _HEADING and len(text) > 40:
                return
            position, _ = self.labels.pop()
            self.paragraphs.pop()
            self._record(position, text, reason)

    def _render_row(self, row: Block) -> bool:
        """A table row of simple cells becomes one paragraph, cells joined with ' | '."""
        cells = []
        position = -1
        for item in row.items:
            if item.__class__ is Run:
                cells.append(item.text)
                position = item.position if position < 0 else position
                continue
            if item.tag not in ("td", "th") or any(child.__class__ is Block for child in item.items):
                return False
            if len(item.items) > 1:
                return False  # a cell of several lines (<br>-separated paragraphs) is layout, not data
            cells.append(" ".join(run.text for run in item.items))
            if item.items and position < 0:
                position = item.items[0].position
        if len(cells) < 2:
            return False  # a one-cell row is a layout table holding the page
        text = _INVISIBLE.sub("", " | ".join(cell for cell in cells if cell))
        if text.strip():
            self._append(text, position, _PROSE)
        return True

    def _drop_outside(self, block: Block) -> None:
        """Record an off-container block: its flagged parts by their reason, the rest as low-score."""
        if block.reason:
            self._drop(block, block.reason)
            return
        if not block.has_reasons:
            self._drop(block, "low-score")
            return
        for item in block.items:
            if item.__class__ is Run:
                self._drop_run(item, "low-score")
            else:
                self._drop_outside(item) if item.depth < 200 else self._drop(item, "low-score")

    def _drop_run(self, run: Run, reason: str) -> None:
        self._record(run.position, run.text, reason)

    def _drop(self, block: Block, reason: str) -> None:
        keeps_links = reason == "related-links"
        if len(self.removed) >= _MAX_REMOVED and not keeps_links and reason != "caption":
            return  # nothing more is recorded: only links and captions would come of it
        texts: list[str] = []
        size = 0
        position = -1
        links: list[tuple[str, str]] = []
        stack: list[tuple[Block, int]] = [(block, 0)]
        while stack:
            if size >= _MAX_REMOVED_CHARS and not keeps_links:
                break  # (its position is known and its text long enough: the rest of it changes nothing)
            current, index = stack.pop()
            if current.node is not None:
                # Settled without walking: its text and links come from the DOM node.
                if position < 0:
                    position = current.position
                if size < _MAX_REMOVED_CHARS:
                    texts.append(current.leaf_text)
                    size += current.chars + 1
                if keeps_links:
                    links.extend(_node_links(current.node))
                continue
            if index >= len(current.items):
                continue
            stack.append((current, index + 1))
            item = current.items[index]
            if item.__class__ is Block:
                stack.append((item, 0))
                continue
            if position < 0:
                position = item.position
            if size < _MAX_REMOVED_CHARS:
                texts.append(item.text)
                size += item.chars + 1
            if keeps_links:
                links.extend(item.links)
        if position < 0 or not texts:
            return
        text = " ".join(text for text in texts if text)
        if reason == "footer" and len(text) <= _BYLINE_MAX_CHARS and byline_line(text) is not None:
            reason = "byline"  # a post footer saying who posted it when: 'Posted by Ada at 07:12 | garden'
        if reason == "caption":
            self._caption(block, text)
        elif reason == "related-links":
            self._keep_links(links, "related")
        self._record(position, text, reason)

    def _caption(self, block: Block, text: str) -> None:
        """A figure caption becomes an image_caption candidate, its credit line an image_credit one."""
        if len(self.captions) >= 20:
            return
        inside = is_inside(block, self.container)
        credit = _credit_text(block.node) if block.node is not None else None
        if credit:
            caption = " ".join(text.replace(credit, " ").split()).strip(" |-–—/")
            if caption:
                self.captions.append((inside, Candidate("image_caption", caption, "figcaption")))
            self.captions.append((inside, Candidate("image_credit", credit, "figcaption")))
        else:
            self.captions.append((inside, Candidate("image_caption", text, "figcaption")))

    def _record(self, position: int, text: str, reason: str) -> None:
        if len(self.removed) < _MAX_REMOVED and text:
            self.removed.append(RemovedSegment(position, text[:_MAX_REMOVED_CHARS], reason))

    def _absolute(self, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            return None
        if not self.base_url or _is_plain_url(href):
            return href
        try:
            return urljoin(self.base_url, href)
        except ValueError:
            return None


def _is_plain_url(href: str) -> bool:
    """An absolute http(s) URL that urljoin would return as it is, whatever the base: two thirds of links.

    urljoin splits it and puts it back together, which changes nothing when it is printable ASCII with a
    host (no brackets, so nothing to reject), no ';' after the host (path parameters) and no '?' or '#'
    with nothing after it (dropped when put back together).
    """
    return (
        href.isascii()
        and href.isprintable()
        and _PLAIN_URL.fullmatch(href) is not None
        and not href.endswith(("?", "#"))
        and "?#" not in href
    )


def _credit_text(node: LexborNode) -> str | None:
    """The text of the first element in a caption whose class/id names a credit ('credit', 'copyright')."""
    for element in node.css("[class], [id]"):
        hint = f"{element.attributes.get('class') or ''} {element.attributes.get('id') or ''}"
        if classify_hint(hint)[2]:
            text = " ".join(element.text(deep=True, separator=" ").split())
            if text:
                return text
    return None


def _index_of(items: list, wanted: object) -> int:
    for index, item in enumerate(items):
        if item is wanted:
            return index
    return len(items)


def _is_prose_run(run: Run) -> bool:
    return (
        (not run.is_heading or run.chars >= LONG_HEADING_CHARS)
        and run.link_chars * 3 < run.chars
        and (run.chars >= 80 or (run.chars >= 30 and SENTENCE_END.search(run.text[-1:]) is not None))
    )


def _is_prose_block(block: Block, min_chars: int) -> bool:
    return not block.linked_headings and block.good >= min_chars and block.good >= 2 * block.bad


def _is_label(text: str) -> bool:
    """A short line introducing what follows ('Read more:', 'Related topics') rather than saying something
    (eight words or more say something, even without a full stop: '... und das gefällt mir 😉')."""
    return len(text) <= 80 and (
        text[-1:] == ":" or (text[-1:] not in ".!?\"'”“»«)" and text.count(" ") < _LABEL_MAX_SPACES)
    )


def _node_links(node: LexborNode) -> list[tuple[str, str]]:
    links = []
    for anchor in node.css("a[href]"):
        text = " ".join(anchor.text(deep=True).split())
        if text:
            links.append((anchor.attributes.get("href") or "", text))
    return links


def _is_data_table(table: Block) -> bool:
    rows = [item for item in table.items if item.__class__ is Block and item.tag == "tr"]
    for section in table.items:
        if section.__class__ is Block and section.tag in _DATA_TABLE_TAGS:
            rows.extend(item for item in section.items if item.__class__ is Block and item.tag == "tr")
    return (
        len(rows) >= 2
        and table.link_count <= _TABLE_LINKS_PER_ROW * len(rows)
        and table.chars - table.link_chars >= _TABLE_OWN_TEXT_SHARE * table.chars
    )


def _link_list_reason(block: Block) -> str | None:
    """A block that is mostly links: related articles when the anchors read like headlines, else nav."""
    if block.link_count < 2 or block.chars == 0 or block.link_chars < 0.6 * block.chars:
        return None
    if block.tag in _DATA_TABLE_TAGS and _is_data_table(block):
        return None  # a table of linked names with their figures ('Model | Price | Grade') is data
    if block.good > 0.3 * block.chars:
        return None
    if not block.has_blocks and all(item.__class__ is Run and _is_linked_prose(item) for item in block.items):
        return None  # a paragraph whose sentences carry their links, in a block of its own
    words_per_link = block.link_chars / block.link_count / 6
    return "related-links" if words_per_link >= 4 else "nav"
