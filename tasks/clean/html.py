"""HTML pages to article text: one lexbor parse, one walk, a main-content choice, boilerplate recorded.

Owns `clean_html` (RawDocument -> CleanDocument), the per-page hot path; bench/extraction_dev.py measures it.

How it works: the walk turns the DOM into blocks holding text runs (text between block boundaries and <br>),
each run scored as prose (long, few links) or furniture (short, link text). Blocks whose tag, role or class/id
words (tasks/clean/html_hints.json) mark them as boilerplate count only as furniture. The article container
is the block that maximises prose minus furniture (with a bonus for article/main/content evidence); its
text is rendered in order, dropping boilerplate and link lists inside it. Everything dropped that carries
text becomes a RemovedSegment with one of these reason codes:

    nav, header, footer, aside, comments, share, related-links, tags, promo, ad, newsletter,
    login-prompt, cookie-banner, byline, caption, hidden, title, script, low-score, extraction-error

`extraction-error` marks a page the cleaner could not handle (a bug to report); its paragraphs are empty.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tasks.clean.html_metadata import DOM_RANK, body_meta_candidates, head_candidates, order_candidates
from tasks.records import Candidate, CleanDocument, Link, RawDocument, RemovedSegment

_HINTS = json.loads((Path(__file__).with_name("html_hints.json")).read_text(encoding="utf-8"))

# Never text: their content is code, media or form widgets.
_SKIPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "button", "select", "textarea", "input", "option", "optgroup", "datalist", "video", "audio", "map",
        "head", "title", "meta", "link", "base", "source", "track", "img", "picture", "param", "frame",
        "frameset",
    }
)  # fmt: skip
# Tags that start a new line of text; everything else flows inline within its block.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption",
        "legend", "noframes", "article-body",
    }
)  # fmt: skip
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Inline tags whose class names are icons and styling: not worth reading (links count as links anyway).
_UNHINTED_TAGS = frozenset(
    {"a", "i", "em", "b", "strong", "u", "s", "small", "sup", "sub", "abbr", "code", "font"}
)
# Blocks that hold one line of text: without evidence of their own they need no block record.
_TRANSPARENT_TAGS = _HEADING_TAGS | {"p"}
_TAG_REASONS = {"nav": "nav", "footer": "footer", "aside": "aside", "menu": "nav", "dialog": "promo"}
_ROLE_REASONS = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "aside",
    "search": "nav",
    "menu": "nav",
    "menubar": "nav",
    "dialog": "promo",
    "alertdialog": "promo",
}
# Reasons an inline element may carry on its own (it is then treated as a block and dropped whole).
_INLINE_REASONS = frozenset(
    {
        "hidden",
        "share",
        "ad",
        "promo",
        "newsletter",
        "login-prompt",
        "cookie-banner",
        "comments",
        "related-links",
    }
)
# Reasons that name page furniture and can be mistaken for layout wrappers ("has-sidebar", "with-header").
_WRAPPER_REASONS = frozenset({"nav", "header", "footer", "aside", "tags", "related-links", "promo", "byline"})
_NEVER_CONTAINER_REASONS = frozenset({"comments", "related-links"})
_SHORT_ONLY_REASONS = {"byline": 400, "caption": 1200}

# How much furniture text costs against prose when choosing the container (see module docstring).
_FURNITURE_WEIGHT = 1.0
# Runs shorter than this (without sentence punctuation) are labels and datelines, not prose.
_MIN_PROSE_CHARS = 40
_SENTENCE_END = re.compile(r"[.!?…。！？:;]")
# Dates and times as datelines print them: 14.02.2019, 2019-02-14, 19:49, 24. März 2004, March 24, 2004.
_DATE_LIKE = re.compile(
    r"\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}\.? \w{3,10}\.? \d{4}\b|\b\w{3,10}\.? \d{1,2}, \d{4}\b"
)
# Dropped furniture that pages introduce with a heading or a 'Read more:' line.
_LABELLED_REASONS = frozenset({"related-links", "nav", "tags", "share", "promo", "newsletter", "comments"})
_MAX_REMOVED = 300
# Below this much text from the DOM, a JSON-LD articleBody may stand in for it.
_MIN_DOM_TEXT_CHARS = 200
_TAG = re.compile(r"<[^>]*>")
# Siblings of the container are considered up to this many levels up, while the ancestors add no more than
# this much furniture (or 30% of the container's prose), and looked into this many levels deep.
_SCOPE_MAX_LEVELS = 5
_SCOPE_MIN_FURNITURE = 800
_SIBLING_DEPTH = 4
# Longer "links" are usually unclosed <a> tags the parser re-opened around whole paragraphs.
_MAX_ANCHOR_CHARS = 250
# Flagged wrapper-like blocks longer than this are walked: they may hold the article ("has-sidebar").
_WRAPPER_MIN_CHARS = 2000
# Flagged blocks shorter than this are settled unseen; longer ones are walked if they read like prose.
_MIN_PROSE_CHECK_CHARS = 400
_MAX_REMOVED_CHARS = 500
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\xad]")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")

_NO_LINKS: list = []
_UTF8_NAMES = frozenset({"utf-8", "utf8", "ascii", "us-ascii"})
# Run flags
_BYLINE = 1
_TIME = 2
_CAPTION = 4


class _Run:
    """Text between two block boundaries (or <br>s): one paragraph if kept."""

    __slots__ = ("text", "chars", "link_chars", "heading_level", "links", "position", "flags")

    def __init__(
        self,
        text: str,
        chars: int,
        link_chars: int,
        heading_level: int,
        links: list,
        position: int,
        flags: int,
    ) -> None:
        self.text = text
        self.chars = chars
        self.link_chars = link_chars
        self.heading_level = heading_level
        self.links = links
        self.position = position
        self.flags = flags

    @property
    def is_heading(self) -> bool:
        return self.heading_level > 0


class _Block:
    """A block-level element: its runs and child blocks in order, and the prose/furniture inside it."""

    __slots__ = (
        "tag", "parent", "items", "reason", "bonus", "is_strong", "has_strong", "own_good", "own_bad",
        "good", "bad", "chars", "link_chars", "link_count", "linked_headings", "has_reasons", "score",
        "depth", "has_blocks", "node", "leaf_text", "position",
    )  # fmt: skip

    def __init__(self, tag: str, parent: _Block | None, reason: str | None, bonus: float, depth: int):
        self.tag = tag
        self.parent = parent
        self.items: list[_Block | _Run] = []
        self.reason = reason
        self.bonus = bonus
        self.depth = depth
        self.is_strong = self.has_strong = self.has_reasons = self.has_blocks = False
        self.own_good = self.own_bad = self.good = self.bad = self.score = 0.0
        self.chars = self.link_chars = self.link_count = self.linked_headings = 0
        self.node: LexborNode | None = None  # kept only for boilerplate settled without walking inside
        self.leaf_text = ""
        self.position = -1


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
    if not text.strip():
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
    walker = _Walker()
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
    paragraphs = renderer.paragraphs
    if sum(map(len, paragraphs)) < _MIN_DOM_TEXT_CHARS and article_body:
        # Script-rendered pages ship the text only in their JSON-LD: better than nothing, never preferred.
        fallback = _json_ld_paragraphs(article_body)
        if sum(map(len, fallback)) > 2 * sum(map(len, paragraphs)):
            paragraphs = fallback
    return _document(doc, paragraphs, renderer.removed, renderer.links, order_candidates(ranked))


def _json_ld_paragraphs(article_body: str) -> list[str]:
    if "<" in article_body and ">" in article_body:
        article_body = _TAG.sub("\n", article_body)
    paragraphs = (" ".join(line.split()) for line in article_body.splitlines())
    return [paragraph for paragraph in paragraphs if paragraph]


@lru_cache(maxsize=1 << 16)
def _classify(hint: str) -> tuple[str | None, bool, bool]:
    """(boilerplate reason, has a content word, has a credit word) for a class + id string.

    A cache miss must stay cheap (most class names on a page are seen once): a few regex passes over the
    string, then dictionary look-ups per word, with words cached too.
    """
    hint = _IGNORED_CLASSES.sub(" ", f" {hint} ")
    meanings: set[str] = set()
    for match in _WHOLE_CLASSES.finditer(hint.lower()):
        meanings.update(_CLASS_MEANING[match.group(1)])
    for word in _WORD.findall(_CAMEL_CASE.sub(r"\1 \2", hint).lower()):
        meanings.update(_word_meanings(word))
    if not meanings:
        return _NO_HINT
    is_content = "content" in meanings
    is_credit = "credit" in meanings
    for name in _BOILERPLATE_ORDER:
        if name in meanings and not (name == "header" and is_content):
            # ('article-header' holds the title and standfirst, not the site masthead)
            return name, is_content, is_credit
    return None, is_content, is_credit


@lru_cache(maxsize=1 << 16)
def _word_meanings(word: str) -> frozenset[str]:
    """Meanings of one word: as a whole word, and of the known parts found inside it."""
    found = set(_WORD_MEANING.get(word, ()))
    size = _PART_KEY_SIZE
    for start in range(len(word) - size + 1):
        for part in _PARTS_BY_KEY.get(word[start : start + size], ()):
            if word.startswith(part, start):
                found.update(_PART_MEANING[part])
    return frozenset(found)


def _hint_tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Meanings (boilerplate reasons, 'content', 'credit') of whole class values, words and parts of words."""
    whole: dict[str, set[str]] = {}
    words: dict[str, set[str]] = {}
    parts: dict[str, set[str]] = {}
    groups = {"content": _HINTS["content"], "credit": _HINTS["credit"], **_HINTS["boilerplate"]}
    for name, group in groups.items():
        for value in group.get("classes", []):
            whole.setdefault(value, set()).add(name)
        for word in group.get("tokens", []):
            words.setdefault(word, set()).add(name)
        for part in group.get("parts", []):
            parts.setdefault(part, set()).add(name)
    return tuple({key: frozenset(names) for key, names in table.items()} for table in (whole, words, parts))


def _alternation(words: list[str]) -> str:
    # Longest first, so 'sidebar' wins over a shorter word at the same place.
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_CLASS_MEANING, _WORD_MEANING, _PART_MEANING = _hint_tables()
_CAMEL_CASE = re.compile(r"([a-z])([A-Z])")
_IGNORED_CLASSES = re.compile(
    r"(?<=\s)(?:" + _alternation(_HINTS["ignored"]["prefixes"]) + r")\S*", re.IGNORECASE
)
_WHOLE_CLASSES = re.compile(r"(?<=\s)(" + _alternation(list(_CLASS_MEANING)) + r")(?=\s)")
# Words are runs of letters ('nav' in 'main-nav' and 'nav2', not in 'canvas'); parts count anywhere inside a
# word ('share' in 'sharebar'), found through an index on their first letters.
_WORD = re.compile(r"[a-z]+")
_PART_KEY_SIZE = min(len(part) for part in _PART_MEANING)
_PARTS_BY_KEY: dict[str, tuple[str, ...]] = {}
for _part in _PART_MEANING:
    _PARTS_BY_KEY[_part[:_PART_KEY_SIZE]] = (*_PARTS_BY_KEY.get(_part[:_PART_KEY_SIZE], ()), _part)
_NO_HINT: tuple[str | None, bool, bool] = (None, False, False)
# Checked in this order: the more specific furniture first (a 'comment-meta' block is comments, not byline).
_BOILERPLATE_ORDER = (
    "hidden", "cookie-banner", "comments", "caption", "ad", "newsletter", "login-prompt", "share",
    "related-links", "promo", "tags", "nav", "byline", "aside", "footer", "header",
)  # fmt: skip
_NO_EVIDENCE: tuple[str | None, float, bool, bool] = (None, 0.0, False, False)
_TAG_EVIDENCE = {
    "article": (None, 0.25, False, False),
    "main": (None, 0.25, True, False),
    "figcaption": ("caption", 0.0, False, False),
    **{tag: (reason, 0.0, False, False) for tag, reason in _TAG_REASONS.items()},
}


class _Walker:
    """One depth-first pass over the DOM that builds blocks and runs and scores them bottom-up.

    This is the per-node hot path: it keeps Python work per node small and lets lexbor (C) produce the
    text of links and of boilerplate blocks in one call each instead of walking them.
    """

    def __init__(self) -> None:
        self.blocks: list[_Block] = []  # in closing (post-) order
        self.position = 0
        self.h1: list[tuple[_Block, str]] = []
        self.times: list[tuple[_Block, str, str]] = []
        self.bylines: list[tuple[_Block, str]] = []
        self.body_metas: list[dict] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.links: list[tuple[str, str]] = []
        self.flags = 0
        self.byline_chars = 0
        self.generation = 0
        self.heading_level = 0
        self.article_depth = 0

    def walk(self, root: LexborNode) -> _Block:
        page = _Block("body", None, None, 0.0, 0)
        self.block = page
        parts = self.parts  # cleared in place by _close_run, so this alias stays valid
        links = self.links
        evidence = self._evidence
        close_run = self._close_run
        finish = self._finish
        skipped = _SKIPPED_TAGS
        block_tags = _BLOCK_TAGS
        transparent_tags = _TRANSPARENT_TAGS
        tag_evidence = _TAG_EVIDENCE.get
        # Explicit stack instead of recursion: pages nest thousands of elements deep. Frames are
        # (children iterator, kind, data): kind 0 = block, 1 = inline, 2 = transparent block (p, h1-h6:
        # their runs go straight to the enclosing block), 3 = inline byline.
        stack: list[tuple] = [(root.iter(include_text=True), 0, page)]
        while stack:
            frame = stack[-1]
            node = next(frame[0], None)
            if node is None:
                stack.pop()
                kind = frame[1]
                if kind == 1:
                    continue
                if parts:
                    close_run()
                if kind == 0:
                    block = frame[2]
                    if block.parent is not None:
                        if block.tag in _HEADING_TAGS:
                            self._exit_transparent(block.tag)
                        if block.tag == "article" or block.is_strong:
                            self.article_depth -= 1
                        finish(block)
                        self.block = block.parent
                elif kind == 2:
                    self._exit_transparent(frame[2])
                else:
                    self._exit_byline(frame[2])
                continue
            tag = node.tag
            if tag == "-text":
                text = node.text_content
                if text:
                    parts.append(text)
                continue
            if tag in skipped or tag is None or tag[0] == "-":
                if tag == "meta" and len(self.body_metas) < 50:
                    self.body_metas.append(node.attributes)  # microdata: itemprop="datePublished" ...
                continue
            if tag == "br" or tag == "hr":
                if parts:
                    close_run()
                continue
            attributes = node.attributes
            if attributes or "-" in tag:
                reason, bonus, is_strong, is_credit = evidence(tag, attributes)
            else:
                reason, bonus, is_strong, is_credit = tag_evidence(tag, _NO_EVIDENCE)
            if tag == "a" and reason is None:
                href = attributes.get("href")
                if href is not None:
                    # A link's text in one C call: cheaper than walking it, and link text is never split.
                    anchor = node.text(deep=True)
                    if len(anchor) <= _MAX_ANCHOR_CHARS:
                        parts.append(anchor)
                        anchor = " ".join(anchor.split())
                        self.link_chars += len(anchor)
                        links.append((href, anchor))
                        continue
                stack.append((node.iter(include_text=True), 1, None))
                continue
            if tag in transparent_tags and reason is None and not is_strong:
                if parts:
                    close_run()
                if tag[0] == "h":
                    self.heading_level = int(tag[1])
                stack.append((node.iter(include_text=True), 2, tag))
                continue
            if tag not in block_tags and "-" not in tag:
                if reason is not None and reason in _INLINE_REASONS:
                    pass  # a share button or ad slot inside a line: dropped whole, as a block
                elif reason == "byline":
                    # An inline byline/dateline marks its run; a run that is mostly byline is dropped.
                    stack.append((node.iter(include_text=True), 3, (len(parts), self.generation)))
                    continue
                else:
                    if tag == "time":
                        self.flags |= _TIME
                        self.times.append(
                            (self.block, attributes.get("datetime") or "", _time_hint(attributes))
                        )
                    stack.append((node.iter(include_text=True), 1, None))
                    continue
            if parts:
                close_run()
            parent = self.block
            block = _Block(tag, parent, reason, bonus, parent.depth + 1)
            block.is_strong = is_strong
            if tag == "header" and reason is None and not self.article_depth and not is_strong:
                block.reason = reason = "header"
            parent.items.append(block)
            parent.has_blocks = True
            if reason is not None and self._is_leaf_boilerplate(block, node, reason):
                self.blocks.append(block)
                continue
            self.block = block
            if tag[0] == "h" and tag in _HEADING_TAGS:
                self.heading_level = int(tag[1])
            if tag == "article" or is_strong:
                self.article_depth += 1
            stack.append((node.iter(include_text=True), 0, block))
        if parts:
            close_run()
        finish(page)
        return page

    def _exit_transparent(self, tag: str) -> None:
        if tag[0] != "h":
            return
        self.heading_level = 0
        if tag == "h1":
            items = self.block.items
            if items and items[-1].__class__ is _Run and items[-1].heading_level == 1:
                self.h1.append((self.block, items[-1].text))

    def _exit_byline(self, data: tuple[int, int]) -> None:
        start, generation = data
        if generation == self.generation:
            text = " ".join("".join(self.parts[start:]).split())
            if text:
                self.bylines.append((self.block, text))
                self.byline_chars += len(text)

    def _is_leaf_boilerplate(self, block: _Block, node: LexborNode, reason: str) -> bool:
        """Settle a flagged block from its text alone (one C call) unless it may wrap the article."""
        if reason == "header":
            return False  # article headers hold the standfirst: walked, and decided in _finish
        text = " ".join(node.text(deep=True, separator=" ").split())
        chars = len(text)
        limit = _SHORT_ONLY_REASONS.get(reason)
        if (limit is not None and chars > limit) or (reason == "byline" and chars > 120 and ". " in text):
            block.reason = None  # a 'meta' or 'dateline' class on a block of sentences is a layout name
            return False
        if chars > _MIN_PROSE_CHECK_CHARS and (
            (reason in _WRAPPER_REASONS and chars > _WRAPPER_MIN_CHARS) or _reads_like_prose(text, chars)
        ):
            return False  # may hold the article after all: walked, and decided in _finish
        block.node = node
        block.leaf_text = text
        block.chars = chars
        block.bad = chars
        block.score = -chars
        block.position = self.position
        self.position += 1
        if reason == "byline" and chars <= 200:
            author = node.css_first('[rel~="author"], [itemprop~="author"], [itemprop~="name"]')
            name = " ".join(author.text(deep=True).split()) if author is not None else ""
            if name and name != text:
                self.bylines.append((block, name))
            self.bylines.append((block, text))
        return True

    def _evidence(self, tag: str, attributes: dict) -> tuple[str | None, float, bool, bool]:
        """Boilerplate reason, score bonus, strong-content flag and credit word of an element."""
        reason = _TAG_REASONS.get(tag)
        bonus = 0.25 if tag == "article" else 0.0
        is_strong = tag == "main"
        is_credit = False
        get = attributes.get
        role = get("role")
        if role:
            role = role.lower()
            reason = reason or _ROLE_REASONS.get(role)
            if role == "main" or role == "article":
                is_strong = True
        itemprop = get("itemprop")
        if itemprop:
            itemprop = itemprop.lower()
            if "articlebody" in itemprop or itemprop == "text" or "reviewbody" in itemprop:
                is_strong = True
                bonus += 0.5
            elif "author" in itemprop or itemprop in ("datepublished", "datemodified"):
                reason = reason or "byline"
            elif itemprop == "comment":
                reason = reason or "comments"
        if is_strong:
            bonus += 0.25
        if "hidden" in attributes or (get("aria-hidden") == "true" and tag not in ("span", "i")):
            return "hidden", bonus, is_strong, False
        style = get("style")
        if style and ("none" in style or "hidden" in style) and _HIDDEN_STYLE.search(style):
            return "hidden", bonus, is_strong, False
        if tag == "figcaption":
            reason = "caption"
        rel = get("rel")
        if rel and "author" in rel.lower():
            reason = reason or "byline"
        if tag in _UNHINTED_TAGS:
            return reason, bonus, is_strong, False
        hint = get("class")
        element_id = get("id")
        if element_id:
            hint = f"{hint} {element_id}" if hint else element_id
        if "-" in tag:  # custom elements name themselves: <site-navigation>, <ad-slot>
            hint = f"{hint} {tag}" if hint else tag
        if hint:
            hint_reason, is_content, is_credit = _classify(hint)
            if is_content:
                bonus += 0.2
            reason = reason or hint_reason
        return reason, bonus, is_strong, is_credit

    def _close_run(self) -> None:
        """End the current run of text: add it to the enclosing block, scored as prose or furniture."""
        parts = self.parts
        text = " ".join("".join(parts).split())
        parts.clear()
        self.generation += 1
        links = self.links
        if text:
            chars = len(text)
            flags = self.flags
            if self.byline_chars and self.byline_chars * 5 >= chars * 3:
                flags |= _BYLINE
            link_chars = self.link_chars if self.link_chars < chars else chars
            heading_level = self.heading_level
            block = self.block
            block.items.append(
                _Run(
                    text,
                    chars,
                    link_chars,
                    heading_level,
                    links[:] if links else _NO_LINKS,
                    self.position,
                    flags,
                )
            )
            self.position += 1
            if link_chars * 2 > chars:
                block.own_bad += chars
                if heading_level:
                    block.linked_headings += 1  # a linked headline: the mark of a teaser
            elif heading_level:
                pass  # headings are neither prose nor furniture
            elif chars - link_chars >= _MIN_PROSE_CHARS or (
                chars - link_chars >= 15 and _SENTENCE_END.search(text) is not None
            ):
                block.own_good += chars - link_chars
                block.own_bad += link_chars
            else:
                block.own_bad += chars * 0.5
            block.chars += chars
            block.link_chars += link_chars
            if links:
                block.link_count += len(links)
        if links:
            links.clear()
        self.link_chars = 0
        self.flags = 0
        self.byline_chars = 0

    def _finish(self, block: _Block) -> None:
        """Sum a closed block's prose and furniture, deciding its children's boilerplate status first."""
        good = block.own_good
        bad = block.own_bad
        if block.has_blocks:  # (most blocks hold only text: nothing to add up)
            teasers = []
            for child in block.items:
                if child.__class__ is _Run:
                    continue
                block.chars += child.chars
                block.link_chars += child.link_chars
                block.link_count += child.link_count
                block.linked_headings += child.linked_headings
                if child.has_strong or child.is_strong:
                    block.has_strong = True
                if child.reason:
                    block.has_reasons = True
                    bad += child.chars
                    continue
                if child.has_reasons:
                    block.has_reasons = True
                good += child.good
                bad += child.bad
                if child.linked_headings and child.good < 500:
                    teasers.append(child)
            if len(teasers) >= 2:
                # Repeated cards with a linked headline are teasers for other articles.
                for child in teasers:
                    child.reason = "related-links"
                    good -= child.good
                    bad += child.chars - child.bad
                block.has_reasons = True
        block.good = good
        block.bad = bad
        reason = block.reason
        if reason is not None:
            limit = _SHORT_ONLY_REASONS.get(reason)
            if limit is not None and block.chars > limit or block.has_strong or block.is_strong:
                block.reason = None
            elif reason == "header":
                if good > 0 and good >= bad:
                    block.reason = None  # an article's header (title, standfirst), not the masthead
            elif reason in _WRAPPER_REASONS:
                if good >= 400 and good >= 2 * bad:
                    block.reason = None
            elif reason != "comments" and good >= 1000 and good >= 3 * bad:
                block.reason = None  # a share/ad/promo word on a block of plain prose is a layout name
        block.score = good * (1.0 + block.bonus) - _FURNITURE_WEIGHT * bad
        self.blocks.append(block)

    def dom_candidates(self, container: _Block | None) -> list[Candidate]:
        """h1, <time> and byline candidates, those inside the chosen container first."""
        found: list[tuple[int, Candidate]] = []
        for block, text in self.h1:
            found.append((0 if _is_inside(block, container) else 1, Candidate("title", text, "h1")))
        for block, value, hint in self.times:
            if not value.strip():
                continue
            hint = hint.lower()
            field_name = "updated" if ("modif" in hint or "updat" in hint) else "published"
            found.append(
                (0 if _is_inside(block, container) else 1, Candidate(field_name, value.strip(), "time-tag"))
            )
        for block, text in self.bylines:
            if len(text) <= 200:
                found.append((0 if _is_inside(block, container) else 1, Candidate("author", text, "byline")))
        found.sort(key=lambda item: item[0])
        return [candidate for _, candidate in found[:40]]


def _reads_like_prose(text: str, chars: int) -> bool:
    """Sentence ends at least every 300 characters: running text rather than labels and links."""
    ends = text.count(". ") + text.count("? ") + text.count("! ") + text.count("。")
    return ends * 300 >= chars


def _time_hint(attributes: dict) -> str:
    return f"{attributes.get('class') or ''} {attributes.get('itemprop') or ''}"


def _is_inside(block: _Block | None, container: _Block | None) -> bool:
    while block is not None:
        if block is container:
            return True
        block = block.parent
    return False


def _choose_container(blocks: list[_Block]) -> _Block | None:
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
    return best_clean


def _worst_ancestor_reason(block: _Block) -> str | None:
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

    def __init__(self, base_url: str, container: _Block | None, titles: list[str]) -> None:
        self.base_url = base_url
        self.titles = [title.casefold() for title in titles]
        self.container = container
        self.paragraphs: list[str] = []
        self.removed: list[RemovedSegment] = []
        self.links: list[Link] = []
        self.candidates: list[Candidate] = []
        self.captions: list[tuple[bool, Candidate]] = []
        self.labels: list[tuple[int, bool]] = []  # per paragraph: (position, is a heading or short label)
        self.title_seen = False
        self.has_prose = False

    def render_page(self, page: _Block) -> None:
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
            allowance = max(_SCOPE_MIN_FURNITURE, 1.0 * container.good)
            for level in range(len(path) - 2, max(-1, len(path) - 2 - _SCOPE_MAX_LEVELS), -1):
                ancestor = path[level]
                if ancestor.reason is not None or ancestor.bad - container.bad > allowance:
                    break
                scope = level
            for level in range(scope - 1, max(-1, len(path) - 2 - _SCOPE_MAX_LEVELS), -1):
                if path[level].tag == "article" or path[level].is_strong:
                    scope = level  # the article element bounds the article, furniture and all
                    break
            indexes = [_index_of(path[level].items, path[level + 1]) for level in range(len(path) - 1)]
            for level in range(len(path) - 1):
                for item in path[level].items[: indexes[level]]:
                    self._outside(item, _SIBLING_DEPTH if level >= scope else 0)
            self._render(container)
            for level in range(len(path) - 2, -1, -1):
                for item in path[level].items[indexes[level] + 1 :]:
                    self._outside(item, _SIBLING_DEPTH if level >= scope else 0)
            self._drop_trailing_labels("low-score", headings_only=True)
        self.candidates.extend(candidate for inside, candidate in self.captions if inside)
        self.candidates.extend(candidate for inside, candidate in self.captions if not inside)

    def _outside(self, item: _Block | _Run, depth: int) -> None:
        """A block or run beside the container: kept if it is prose next to the article, else recorded.

        `depth` > 0 means the item is within the article's scope; mixed blocks there are looked into that
        many levels deep, so a lead paragraph is found beside its byline and share bar.
        """
        if item.__class__ is _Run:
            if depth and (_is_prose_run(item) or (item.heading_level == 1 and not self.title_seen)):
                self._keep_run(item)
            elif item.chars <= 80 and (item.flags & _TIME or _DATE_LIKE.search(item.text)):
                self._drop_run(item, "byline")
            else:
                self._drop_run(item, "low-score")
            return
        if not depth or item.reason:
            self._drop_outside(item)
        elif not item.linked_headings and item.good >= 50 and item.good >= 2 * item.bad:
            self._render(item)
        elif item.good > 0 and depth > 1 and not item.linked_headings:
            for child in item.items:
                self._outside(child, depth - 1)
        else:
            self._drop_outside(item)

    def _render(self, container: _Block) -> None:
        stack: list[tuple[_Block, int]] = [(container, 0)]
        while stack:
            block, index = stack.pop()
            if index >= len(block.items):
                continue
            stack.append((block, index + 1))
            item = block.items[index]
            if item.__class__ is _Run:
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

    def _keep_run(self, run: _Run) -> None:
        text = run.text
        if run.heading_level and not self.title_seen and not self.has_prose and self._is_title(run):
            self.title_seen = True  # the article's title: a candidate (h1, og:title, ...), not body text
            self._record(run.position, text, "title")
            return
        if run.flags & _BYLINE and run.chars < 200:
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
            if run.flags & _TIME and not _SENTENCE_END.search(text[-1:]):
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
        self._append(text, run.position, run.is_heading or _is_label(text))
        self._keep_links(run.links, "inline")

    def _keep_links(self, links: list[tuple[str, str]], kind: str) -> None:
        for href, anchor in links:
            url = self._absolute(href)
            if url and anchor:
                self.links.append(Link(url, anchor, kind))

    def _is_title(self, run: _Run) -> bool:
        """The first h1, or a heading that repeats the page's title (blogs title posts with h2)."""
        if run.heading_level == 1:
            return True
        folded = run.text.casefold()
        return len(folded) >= 8 and any(folded == title or folded in title for title in self.titles)

    def _append(self, text: str, position: int, is_label: bool) -> None:
        self.paragraphs.append(text)
        self.labels.append((position, is_label))
        if not is_label:
            self.has_prose = True

    def _drop_trailing_labels(self, reason: str, headings_only: bool = False) -> None:
        """Headings and 'Read more:' lines that only introduced the furniture just dropped go with it."""
        for _ in range(2):
            if not self.labels or not self.labels[-1][1]:
                return
            text = self.paragraphs[-1]
            if headings_only and (text[-1:] in ".!?" or len(text) > 120):
                return
            position, _ = self.labels.pop()
            self.paragraphs.pop()
            self._record(position, text, reason)

    def _render_row(self, row: _Block) -> bool:
        """A table row of simple cells becomes one paragraph, cells joined with ' | '."""
        cells = []
        position = -1
        for item in row.items:
            if item.__class__ is _Run:
                cells.append(item.text)
                position = item.position if position < 0 else position
                continue
            if item.tag not in ("td", "th") or any(child.__class__ is _Block for child in item.items):
                return False
            cells.append(" ".join(run.text for run in item.items))
            if item.items and position < 0:
                position = item.items[0].position
        text = _INVISIBLE.sub("", " | ".join(cell for cell in cells if cell))
        if text.strip():
            self._append(text, position, False)
        return True

    def _drop_outside(self, block: _Block) -> None:
        """Record an off-container block: its flagged parts by their reason, the rest as low-score."""
        if block.reason:
            self._drop(block, block.reason)
            return
        if not block.has_reasons:
            self._drop(block, "low-score")
            return
        for item in block.items:
            if item.__class__ is _Run:
                self._drop_run(item, "low-score")
            else:
                self._drop_outside(item) if item.depth < 200 else self._drop(item, "low-score")

    def _drop_run(self, run: _Run, reason: str) -> None:
        self._record(run.position, run.text, reason)

    def _drop(self, block: _Block, reason: str) -> None:
        texts: list[str] = []
        size = 0
        position = -1
        links: list[tuple[str, str]] = []
        stack: list[tuple[_Block, int]] = [(block, 0)]
        while stack:
            current, index = stack.pop()
            if current.node is not None:
                # Settled without walking: its text and links come from the DOM node.
                if position < 0:
                    position = current.position
                if size < _MAX_REMOVED_CHARS:
                    texts.append(current.leaf_text)
                    size += current.chars + 1
                if reason == "related-links":
                    links.extend(_node_links(current.node))
                continue
            if index >= len(current.items):
                continue
            stack.append((current, index + 1))
            item = current.items[index]
            if item.__class__ is _Block:
                stack.append((item, 0))
                continue
            if position < 0:
                position = item.position
            if size < _MAX_REMOVED_CHARS:
                texts.append(item.text)
                size += item.chars + 1
            if reason == "related-links":
                links.extend(item.links)
        if position < 0 or not texts:
            return
        text = " ".join(text for text in texts if text)
        if reason == "caption":
            self._caption(block, text)
        elif reason == "related-links":
            self._keep_links(links, "related")
        self._record(position, text, reason)

    def _caption(self, block: _Block, text: str) -> None:
        """A figure caption becomes an image_caption candidate, its credit line an image_credit one."""
        if len(self.captions) >= 20:
            return
        inside = _is_inside(block, self.container)
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
        try:
            return urljoin(self.base_url, href) if self.base_url else href
        except ValueError:
            return None


def _credit_text(node: LexborNode) -> str | None:
    """The text of the first element in a caption whose class/id names a credit ('credit', 'copyright')."""
    for element in node.css("[class], [id]"):
        hint = f"{element.attributes.get('class') or ''} {element.attributes.get('id') or ''}"
        if _classify(hint)[2]:
            text = " ".join(element.text(deep=True, separator=" ").split())
            if text:
                return text
    return None


def _index_of(items: list, wanted: object) -> int:
    for index, item in enumerate(items):
        if item is wanted:
            return index
    return len(items)


def _is_prose_run(run: _Run) -> bool:
    return (
        not run.is_heading
        and run.link_chars * 3 < run.chars
        and (run.chars >= 80 or (run.chars >= 30 and _SENTENCE_END.search(run.text[-1:]) is not None))
    )


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


def _link_list_reason(block: _Block) -> str | None:
    """A block that is mostly links: related articles when the anchors read like headlines, else nav."""
    if block.link_count < 2 or block.chars == 0 or block.link_chars < 0.6 * block.chars:
        return None
    if block.good > 0.3 * block.chars:
        return None
    words_per_link = block.link_chars / block.link_count / 6
    return "related-links" if words_per_link >= 4 else "nav"
