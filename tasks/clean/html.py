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
    login-prompt, cookie-banner, notice, author-bio, byline, caption, hidden, title, low-score,
    extraction-error

`title` is the headline (a candidate, not body text); `notice` a "please enable JavaScript" line;
`low-score` is text outside the chosen container;
`extraction-error` marks a page the cleaner failed on (a bug to report), returned with empty paragraphs.
Script, style and template text is never text and is not recorded.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tasks.clean.furniture import label_reason
from tasks.clean.html_metadata import DOM_RANK, body_meta_candidates, head_candidates, order_candidates
from tasks.clean.html_walk import (
    BYLINE,
    CREDIT_PREFIXES,
    LONG_HEADING_CHARS,
    SENTENCE_END,
    TIME,
    Block,
    PageWalker,
    Run,
    classify_hint,
    is_inside,
)
from tasks.records import Candidate, CleanDocument, Link, RawDocument, RemovedSegment


def _promo_rules() -> list[tuple[str, re.Pattern[str]]]:
    rules = []
    for line in Path(__file__).with_name("html_promo_lines.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("  #", 1)[0].strip()
        if line and not line.startswith("#"):
            reason, pattern = line.split(None, 1)
            rules.append((reason, re.compile(pattern, re.IGNORECASE)))
    return rules


def _any_of(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    """Searches that together match where any of `patterns` does.

    The regex engine runs an alternation whose branches all start with \\b three times faster than one with
    a '^' (or any other) branch among them: two alternations, split that way.
    """
    groups = (
        [pattern for pattern in patterns if pattern.startswith("\\b")],
        [pattern for pattern in patterns if not pattern.startswith("\\b")],
    )
    return tuple(re.compile("|".join(group), re.IGNORECASE) for group in groups if group)


_PROMO_RULES = _promo_rules()
_PROMO_ANY = _any_of([rule.pattern for _, rule in _PROMO_RULES])
_FOOTER_ANY = _any_of([rule.pattern for reason, rule in _PROMO_RULES if reason == "footer"])
# Promo lines are looked for among the first and last paragraphs only, and only when short.
_PROMO_HEAD = 2
_PROMO_TAIL = 4
_PROMO_MAX_CHARS = 250
_NOTICE_MAX_CHARS = 600
# A repeated paragraph or caption is dropped from this length on: short labels ("Photo", "Q:") may repeat.
_MIN_REPEAT_CHARS = 20
# Widget headings that close the article: in its last part, the short tail after one belongs to the widget.
_CLOSING_LABELS = frozenset({"related-links", "author-bio", "comments", "share"})
_CLOSING_FROM = 0.6
_CLOSING_TAIL_CHARS = 800

_NEVER_CONTAINER_REASONS = frozenset({"comments", "related-links"})
# A container whose prose is shorter than this is no article: look for the block with most prose instead.
_MIN_CONTAINER_GOOD = 200
# Dates and times as datelines print them: 14.02.2019, 2019-02-14, 19:49, 24. März 2004, March 24, 2004.
_DATE_LIKE = re.compile(
    r"\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}\.? \w{3,10}\.? \d{4}\b|\b\w{3,10}\.? \d{1,2}, \d{4}\b"
)
# Dropped furniture that pages introduce with a heading or a 'Read more:' line.
_LABELLED_REASONS = frozenset({"related-links", "nav", "tags", "share", "promo", "newsletter", "comments"})
# RemovedSegments kept per page, and characters kept of each.
_MAX_REMOVED = 300
# Below this much text from the DOM, a JSON-LD articleBody may stand in for it.
_MIN_DOM_TEXT_CHARS = 200
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
_MAX_REMOVED_CHARS = 500
# Zero-width spaces, word joiners, stray byte-order marks and soft hyphens (invisible hyphenation hints);
# the joiners that shape scripts (ZWJ/ZWNJ) stay.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\xad]")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "ascii", "us-ascii"})
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


def _document(doc: RawDocument, paragraphs, removed, links, candidates) -> CleanDocument:
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
    ranked, article_body, base_href = head_candidates(tree)
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
    tree.strip_tags(["script", "style", "noscript", "template", "svg"])
    page = walker.walk(root)
    container = _choose_container(walker.blocks)
    titles = [candidate.value for _, candidate in ranked if candidate.field == "title"]
    renderer = _Renderer(base_url, container, titles)
    renderer.render_page(page)
    for attributes in walker.body_metas:
        body_meta_candidates(attributes, ranked)
    ranked.extend((DOM_RANK, candidate) for candidate in walker.dom_candidates(container))
    ranked.extend((DOM_RANK, candidate) for candidate in renderer.candidates)
    walker.release()
    paragraphs = renderer.paragraphs
    if sum(map(len, paragraphs)) < _MIN_DOM_TEXT_CHARS and article_body:
        # Script-rendered pages ship the text only in their JSON-LD: better than nothing, never preferred.
        fallback = _json_ld_paragraphs(article_body)
        if sum(map(len, fallback)) > 2 * sum(map(len, paragraphs)):
            paragraphs = fallback
    return _document(doc, paragraphs, renderer.removed, renderer.links, order_candidates(ranked))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


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
    if most < _MIN_CONTAINER_GOOD:
        return None
    return min((block for block in usable if block.good >= 0.8 * most), key=lambda block: block.chars)


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

    def __init__(self, base_url: str, container: Block | None, titles: list[str]) -> None:
        self.base_url = base_url
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
        self.has_prose = False

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
            for level in range(len(path) - 2, -1, -1):
                for item in path[level].items[indexes[level] + 1 :]:
                    self._outside(item, _SIBLING_DEPTH if level >= scope else 0, level >= merge)
            self._drop_trailing_labels("low-score", at_end=True)
            self._drop_promo_lines()
            self._drop_repeats_and_labels()
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
            if (may_merge and is_prose and item.chars >= _MERGE_MIN_CHARS) or (
                depth and (is_prose or (item.heading_level == 1 and not self.title_seen))
            ):
                self._keep_run(item)
            elif item.chars <= 80 and (item.flags & TIME or _DATE_LIKE.search(item.text)):
                self._drop_run(item, "byline")
            else:
                self._drop_run(item, "low-score")
            return
        if may_merge and not depth and not item.reason and _is_prose_block(item, _MERGE_MIN_CHARS):
            self._render(item)
        elif not depth or item.reason:
            self._drop_outside(item)
        elif not item.linked_headings and item.good >= 50 and item.good >= 2 * item.bad:
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
                self._keep_run(item)
                continue
            reason = item.reason or _link_list_reason(item)
            if reason:
                if reason in _LABELLED_REASONS:
                    self._drop_trailing_labels(reason)
                self._drop(item, reason)
                continue
            if item.tag == "tr" and self._render_row(item):
                continue
            stack.append((item, 0))

    def _keep_run(self, run: Run) -> None:
        text = run.text
        if run.heading_level and not self.title_seen and self._is_title(run):
            self.title_seen = True  # the article's title: a candidate (h1, og:title, ...), not body text
            self._record(run.position, text, "title")
            return
        if run.flags & BYLINE and run.chars < 200:
            self._record(run.position, text, "byline")
            return
        if run.link_chars * 10 >= run.chars * 7 and not run.is_heading:
            # A line that is (almost) all links: 'Read more: ...', a row of tags or pager links.
            reason = "related-links" if run.link_chars >= 24 * len(run.links) else "nav"
            self._drop_trailing_labels(reason)
            if reason == "related-links":
                self._keep_links(run.links, "related")
            self._record(run.position, text, reason)
            return
        if run.chars <= 80 and not run.is_heading:
            if text.lower().startswith(CREDIT_PREFIXES):
                self._record(run.position, text, "caption")  # a photo credit outside its figure
                return
            if run.flags & TIME and not SENTENCE_END.search(text[-1:]):
                self._record(run.position, text, "byline")
                return
            if run.chars <= 60 and _DATE_LIKE.search(text) and text.count(" ") < 8 and text[-1:] != ".":
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
            if _is_label(text)
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

    def _drop_promo_lines(self) -> None:
        """Subscribe/download/donate lines at the top or bottom of the body (html_promo_lines.txt)."""
        count = len(self.paragraphs)
        edges = [index for index in range(count) if index < _PROMO_HEAD or index >= count - _PROMO_TAIL]
        dropped = []
        for index in edges:
            text = self.paragraphs[index]
            if len(text) > _NOTICE_MAX_CHARS or (
                # a longer line goes only as a footer: without a footer rule matching, no need to look further
                len(text) > _PROMO_MAX_CHARS and not any(rules.search(text) for rules in _FOOTER_ANY)
            ):
                continue
            if any(rules.search(text) for rules in _PROMO_ANY):
                reason = next(reason for reason, rule in _PROMO_RULES if rule.search(text))
                if reason != "footer" and len(text) > _PROMO_MAX_CHARS:
                    continue
                dropped.append(index)
                self._record(self.labels[index][0], text, reason)
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
        count = len(self.paragraphs)
        for index, text in enumerate(self.paragraphs):
            label = label_reason(text)
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
            folded = _fold(text)
            if len(folded) < _MIN_REPEAT_CHARS:
                continue
            if folded in captions:
                dropped[index] = "caption-repeat"
            elif folded in seen:
                dropped[index] = "repeat"
            seen.add(folded)
        for index in sorted(dropped, reverse=True):
            self._record(self.labels[index][0], self.paragraphs[index], dropped[index])
            del self.paragraphs[index]
            del self.labels[index]

    def _drop_trailing_labels(self, reason: str, at_end: bool = False) -> None:
        """Headings and 'Read more:' lines that only introduced the furniture just dropped go with it.

        At the end of the article, nothing follows: only headings and very short lines are dropped.
        """
        for _ in range(2):
            if not self.labels or self.labels[-1][1] == _PROSE:
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
            cells.append(" ".join(run.text for run in item.items))
            if item.items and position < 0:
                position = item.items[0].position
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
    """A short line introducing what follows ('Read more:', 'Related topics') rather than saying something."""
    return len(text) <= 80 and (text[-1:] == ":" or text[-1:] not in ".!?\"'”“»«)")


def _node_links(node: LexborNode) -> list[tuple[str, str]]:
    links = []
    for anchor in node.css("a[href]"):
        text = " ".join(anchor.text(deep=True).split())
        if text:
            links.append((anchor.attributes.get("href") or "", text))
    return links


def _link_list_reason(block: Block) -> str | None:
    """A block that is mostly links: related articles when the anchors read like headlines, else nav."""
    if block.link_count < 2 or block.chars == 0 or block.link_chars < 0.6 * block.chars:
        return None
    if block.good > 0.3 * block.chars:
        return None
    words_per_link = block.link_chars / block.link_count / 6
    return "related-links" if words_per_link >= 4 else "nav"
