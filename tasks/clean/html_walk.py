"""The per-node pass of the HTML cleaner: DOM to blocks of text runs, each scored as prose or furniture.

Owns the hot path of tasks/clean/html.py (every element and text node goes through `PageWalker.walk`) and
the reading of class/id names against tasks/clean/html_hints.json.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from selectolax.lexbor import LexborNode

from tasks.records import Candidate

_HINTS = json.loads((Path(__file__).with_name("html_hints.json")).read_text(encoding="utf-8"))
# Short lines starting with these ('© ...', 'Foto: ...') are photo credits.
CREDIT_PREFIXES = tuple(_HINTS["credit"]["line_prefixes"])
# 'Abbildung 4: ...', 'Fig. 2. ...': a figure's caption printed as a line of body text.
_CAPTION_LABELS = "|".join(re.escape(label) for label in _HINTS["credit"]["caption_labels"])
CAPTION_LABEL = re.compile(rf"(?:{_CAPTION_LABELS})\s*\d{{0,3}}[a-z]?\s*[:.]\s+\S", re.IGNORECASE)

# Never text: their content is code, media or form widgets, or (rt, rp) a reading printed above ruby text.
_SKIPPED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "button", "select", "textarea", "input", "option", "optgroup", "datalist", "video", "audio", "map",
        "head", "title", "meta", "link", "base", "source", "track", "img", "picture", "param", "frame",
        "frameset", "rt", "rp",
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
# <address> is, by its HTML definition, the contact information of its article or page: a byline or a footer.
_TAG_REASONS = {
    "nav": "nav", "footer": "footer", "aside": "aside", "menu": "nav", "dialog": "popup", "address": "byline",
    "label": "form",
}  # fmt: skip
_ROLE_REASONS = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "aside",
    "search": "nav",
    "menu": "nav",
    "menubar": "nav",
    "dialog": "popup",
    "alertdialog": "popup",
    # A live message the page shows when something happens: a form's error ('Please enter an email
    # address'), a status line. Present in the markup, it is a template waiting for its moment.
    "alert": "notice",
}
# A dialog labelled like this is a consent manager (aria-label "Your privacy", "Datenschutz-Einstellungen").
_CONSENT_WORDS = re.compile(
    r"privacy|cookie|consent|gdpr|datenschutz|einwilligung|confidentialit|privacidad|privacidade|prywatno",
    re.IGNORECASE,
)
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
        "popup",
        "comments",
        "related-links",
        "caption",
        "form",
    }
)
# Furniture whatever prose it holds: reader comments, a consent manager, a modal (often a closed one, still in
# the page: a sign-up form, a programme's whole description).
KEPT_REASONS = frozenset({"comments", "cookie-banner", "popup"})
# Reasons that name page furniture and can be mistaken for layout wrappers ("has-sidebar", "with-header").
WRAPPER_REASONS = frozenset({"nav", "header", "footer", "aside", "tags", "related-links", "promo", "byline"})
_SHORT_ONLY_REASONS = {"byline": 400, "caption": 1200}
# A block named like furniture holds the article when it holds this much prose (400 for the other names): a
# related story's card has a headline and a paragraph of teaser, and a footer its site's notices (terms,
# affiliate and cookie sentences), prose of a few hundred characters. ('aside' and 'nav' stay at 400: on
# the dev pages, wrappers so named hold short articles.)
_WRAPPER_MIN_GOOD = {"related-links": 1000, "footer": 1000}

# How much furniture text costs against prose when choosing the container.
FURNITURE_WEIGHT = 0.75
# Runs shorter than this (without sentence punctuation) are labels and datelines, not prose.
_MIN_PROSE_CHARS = 40
# Players whose title or label sits beside them in a small block of its own (dropped as 'embed').
_PLAYER_TAGS = frozenset({"iframe", "video", "audio", "embed", "object"})
_PLAYER_TITLE_MAX_CHARS = 150
_SENTENCE_CLOSERS = frozenset(".!?…。！？")
SENTENCE_END = re.compile(r"[.!?…。！？:;]")
# Longer "links" are usually unclosed <a> tags the parser re-opened around whole paragraphs.
_MAX_ANCHOR_CHARS = 250
_MAX_ANCHOR_RAW_CHARS = 4 * _MAX_ANCHOR_CHARS
_MAX_CARD_CHARS = 600
_HEADING_SELECTOR = "h1, h2, h3, h4, h5, h6"
# The element holding the name inside a byline block ('<div class="meta"><span class="author">Dana
# Whitfield</span> · 14 May</div>').
_AUTHOR_NAME_SELECTOR = (
    '[rel~="author"], [itemprop~="author"], [itemprop~="name"], [class~="author"], [class~="author-name"], '
    '[class~="author__name"], [class~="authorname"]'
)
# Flagged wrapper-like blocks longer than this are walked: they may hold the article ("has-sidebar").
_WRAPPER_MIN_CHARS = 2000
# Flagged blocks shorter than this are settled unseen; longer ones are walked if they read like prose.
_MIN_PROSE_CHECK_CHARS = 400
# An id with this many hyphens and underscores is a slug of the element's own words, not a name for its role.
_SLUG_SEPARATORS = 6
# The end of a sentence, not of a label ('Tags: ...').
_FULL_STOP = re.compile(r"[.!?…。！？](?:\s|$)")
# A <noscript> with more text than this is the page itself, served to readers without scripts.
_NOSCRIPT_PAGE_CHARS = 1000
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_NO_LINKS: list = []
# Headings this long are standfirsts set in a heading tag: scored and kept as prose.
LONG_HEADING_CHARS = 100
# Run flags
BYLINE = 1
TIME = 2


class Run:
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


class Block:
    """A block-level element: its runs and child blocks in order, and the prose/furniture inside it."""

    __slots__ = (
        "tag", "parent", "items", "reason", "bonus", "is_strong", "has_strong", "own_good", "own_bad",
        "good", "bad", "chars", "link_chars", "link_count", "linked_headings", "has_reasons", "score",
        "depth", "has_blocks", "node", "leaf_text", "position", "embeds",
    )  # fmt: skip

    def __init__(self, tag: str, parent: Block | None, reason: str | None, bonus: float, depth: int):
        self.tag = tag
        self.parent = parent
        self.items: list[Block | Run] = []
        self.reason = reason
        self.bonus = bonus
        self.depth = depth
        self.is_strong = self.has_strong = self.has_reasons = self.has_blocks = self.embeds = False
        self.own_good = self.own_bad = self.good = self.bad = self.score = 0.0
        self.chars = self.link_chars = self.link_count = self.linked_headings = 0
        self.node: LexborNode | None = None  # kept only for boilerplate settled without walking inside
        self.leaf_text = ""
        self.position = -1


def classify_hint(hint: str) -> tuple[str | None, bool, bool]:
    """(boilerplate reason, has a content word, has a credit word) for a class string."""
    return _verdict(_hint_meanings(hint))


# Meanings are bit flags (one per name in html_hints.json: boilerplate reasons, 'content', 'credit'): most
# class strings are new on a site's first page, and or-ing ints costs a fraction of building frozensets.
# They are cached in plain dicts of str -> int, emptied when full: the garbage collector stops looking into
# such a dict, while it walks every entry of an lru_cache on each full collection (~40 ms with these three
# caches full, several times a minute).
_CACHE_SIZE = 1 << 16
_HINT_CACHE: dict[str, int] = {}
_VALUE_CACHE: dict[str, int] = {}
_WORD_CACHE: dict[str, int] = {}


def _cache(cache: dict[str, int], key: str, meanings: int) -> int:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()  # (a crawl meets new class names for ever: start afresh rather than grow)
    cache[key] = meanings
    return meanings


def _hint_meanings(hint: str) -> int:
    """What the class values (or the id) in a string say, as meaning bits."""
    found = _HINT_CACHE.get(hint)
    if found is None:
        found = 0
        values = hint.split()
        for value in values:
            found |= _value_meanings(value)
        if found & _FURNITURE_BITS and not _POST_CLASSES.isdisjoint(values):
            found &= ~_FURNITURE_BITS  # a post's own element: its other values are its taxonomy terms
        _cache(_HINT_CACHE, hint, found)
    return found


def _value_meanings(value: str) -> int:
    """One class value or id. Cached per value: values repeat across pages far more than class strings do."""
    found = _VALUE_CACHE.get(value)
    if found is not None:
        return found
    if _HAS_DIGIT.search(value):  # 'post-4711', 'col-md-6': numbers say nothing
        return _cache(_VALUE_CACHE, value, _value_meanings(_DIGITS.sub("", value)))
    lowered = value.lower()
    if lowered.startswith(_IGNORED_PREFIXES):
        # (a few prefixes keep one meaning: 'author-bio' is the box about the writer, 'author-jane' nothing)
        kept = next((bits for prefix, bits in _STILL_READ if lowered.startswith(prefix)), 0)
        if kept:
            kept &= _word_meanings(_NOT_LETTER.sub("", lowered))
        return _cache(_VALUE_CACHE, value, kept)
    found = _CLASS_MEANING.get(lowered, 0)
    # (a value without capitals has no camel case to split)
    words = _WORD.findall(_CAMEL_CASE.sub(" ", value).lower() if value != lowered else lowered)
    if lowered.isalpha():
        for word in words:
            found |= _word_meanings(word)
    else:
        # Its words run together too: 'about-author' holds 'aboutauthor', 'side_bar' 'sidebar'. The parts
        # inside each word are found in that string as well: the words themselves only count whole.
        for word in words:
            found |= _WORD_MEANING.get(word, 0)
        found |= _word_meanings(_NOT_LETTER.sub("", lowered))
    if not found:
        for word in words:
            found |= _WEAK_WORD_MEANING.get(word, 0)
    for bit, unless in _UNLESS_WORDS:
        if found & bit and not unless.isdisjoint(words):
            found &= ~bit  # ('live-comment' is a ticker's entry, 'commentary-body' an opinion piece)
    return _cache(_VALUE_CACHE, value, found)


@lru_cache(maxsize=4096)
def _verdict(meanings: int) -> tuple[str | None, bool, bool]:
    if not meanings:
        return _NO_HINT
    is_content = bool(meanings & _MEANING_BITS["content"])
    is_credit = bool(meanings & _MEANING_BITS["credit"])
    for name in _BOILERPLATE_ORDER:
        if meanings & _MEANING_BITS[name] and not (name == "header" and is_content):
            # ('article-header' holds the title and standfirst, not the site masthead)
            return name, is_content, is_credit
    return None, is_content, is_credit


def _word_meanings(word: str) -> int:
    """Meanings of one word: as a whole word, and of the known parts found inside it."""
    found = _WORD_CACHE.get(word)
    if found is not None:
        return found
    found = _WORD_MEANING.get(word, 0)
    size = _PART_KEY_SIZE
    for start in range(len(word) - size + 1):
        for part in _PARTS_BY_KEY.get(word[start : start + size], ()):
            if word.startswith(part, start):
                found |= _PART_MEANING[part]
    return _cache(_WORD_CACHE, word, found)


def _hint_tables() -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    """The bit of each meaning, and the meanings of whole class values, of words, of parts of words and of
    weak words (which count only in a value that has no other meaning)."""
    groups = {"content": _HINTS["content"], "credit": _HINTS["credit"], **_HINTS["boilerplate"]}
    bits = {name: 1 << index for index, name in enumerate(groups)}
    whole: dict[str, int] = {}
    words: dict[str, int] = {}
    parts: dict[str, int] = {}
    weak: dict[str, int] = {}
    for name, group in groups.items():
        for value in group.get("classes", []):
            whole[value] = whole.get(value, 0) | bits[name]
        for word in group.get("tokens", []):
            words[word] = words.get(word, 0) | bits[name]
        for part in group.get("parts", []):
            parts[part] = parts.get(part, 0) | bits[name]
        for word in group.get("weak_tokens", []):
            weak[word] = weak.get(word, 0) | bits[name]
    return bits, whole, words, parts, weak


_MEANING_BITS, _CLASS_MEANING, _WORD_MEANING, _PART_MEANING, _WEAK_WORD_MEANING = _hint_tables()
_UNLESS_WORDS = [
    (_MEANING_BITS[name], frozenset(group["unless_tokens"]))
    for name, group in _HINTS["boilerplate"].items()
    if group.get("unless_tokens")
]
_FURNITURE_BITS = sum(_MEANING_BITS[name] for name in _HINTS["boilerplate"] if name != "hidden")
_POST_CLASSES = frozenset(_HINTS["post_classes"]["markers"])
# Between a lower-case letter and a capital: 'relatedPosts' reads as 'related Posts'.
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_IGNORED_PREFIXES = tuple(_HINTS["ignored"]["prefixes"])
_STILL_READ = tuple(
    (prefix, _MEANING_BITS[name])
    for prefix, name in _HINTS["ignored"]["still_read"].items()
    if prefix != "why"
)
# Words are runs of letters ('nav' in 'main-nav' and 'nav2', not in 'canvas'); parts count anywhere inside a
# word ('share' in 'sharebar'), found through an index on their first letters.
_WORD = re.compile(r"[a-z]+")
_NOT_LETTER = re.compile(r"[^a-z]+")
_HAS_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")
_PART_KEY_SIZE = min(len(part) for part in _PART_MEANING)
_PARTS_BY_KEY: dict[str, tuple[str, ...]] = {}
for _part in _PART_MEANING:
    _PARTS_BY_KEY[_part[:_PART_KEY_SIZE]] = (*_PARTS_BY_KEY.get(_part[:_PART_KEY_SIZE], ()), _part)
_NO_HINT: tuple[str | None, bool, bool] = (None, False, False)
# Checked in this order: the more specific furniture first (a 'comment-meta' block is comments, not byline).
_BOILERPLATE_ORDER = (
    "hidden", "cookie-banner", "comments", "embed", "caption", "ad", "newsletter", "login-prompt", "share",
    "related-links", "promo", "tags", "nav", "author-bio", "byline", "aside", "footer", "header",
)  # fmt: skip
_NO_EVIDENCE: tuple[str | None, float, bool, bool] = (None, 0.0, False, False)
_TAG_EVIDENCE = {
    "article": (None, 0.25, False, False),
    "main": (None, 0.25, True, False),
    "figcaption": ("caption", 0.0, False, False),
    **{tag: (reason, 0.0, False, False) for tag, reason in _TAG_REASONS.items()},
}


class PageWalker:
    """One depth-first pass over the DOM that builds blocks and runs and scores them bottom-up.

    This is the per-node hot path: it keeps Python work per node small and lets lexbor (C) produce the
    text of links and of boilerplate blocks in one call each instead of walking them.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []  # in closing (post-) order
        self.position = 0
        self.h1: list[tuple[Block, str]] = []
        self.times: list[tuple[Block, str, str]] = []
        self.bylines: list[tuple[Block, str]] = []
        self.body_metas: list[dict] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.links: list[tuple[str, str]] = []
        self.flags = 0
        self.byline_chars = 0
        self.generation = 0
        self.heading_level = 0
        self.article_depth = 0
        self.form_depth = 0  # (a form's labels name its fields: 'Name', 'E-mail', 'Your comment')

    def walk(self, root: LexborNode) -> Block:
        """Build the block tree under `root` (usually <body>); `self.blocks` lists every block, scored."""
        page = Block("body", None, None, 0.0, 0)
        self.block = page
        parts = self.parts  # cleared in place by _close_run, so this alias stays valid
        close_run = self._close_run
        finish = self._finish
        skipped = _SKIPPED_TAGS
        block_tags = _BLOCK_TAGS
        transparent_tags = _TRANSPARENT_TAGS
        tag_evidence = _TAG_EVIDENCE.get
        # Explicit stack instead of recursion: pages nest thousands of elements deep. The element being read
        # is (children, kind, data), its ancestors' are on the stack: kind 0 = block, 1 = inline,
        # 2 = transparent block (p, h1-h6: their runs go straight to the enclosing block), 3 = inline byline.
        # Its children are read in a plain for loop (the per-node cost matters); entering a child element
        # breaks out of it with `opened` = the child's (kind, data), and the for-else closes the element.
        stack: list[tuple] = []
        children, kind, data = root.iter(include_text=True), 0, page
        while True:
            for node in children:
                tag = node.tag
                if tag == "-text":
                    text = node.text_content
                    if text and (parts or not text.isspace()):  # whitespace before a run's first word is moot
                        parts.append(text)
                    continue
                if tag in skipped or tag is None or tag[0] == "-":
                    if tag in _PLAYER_TAGS:
                        self.block.embeds = True
                    elif tag == "meta" and len(self.body_metas) < 50:
                        self.body_metas.append(node.attributes)  # microdata: itemprop="datePublished" ...
                    if tag != "noscript" or not _holds_a_page(node):
                        continue
                    tag = "div"  # a site's whole page for readers without scripts: read like any block
                if tag == "br" or tag == "hr":
                    if parts:
                        close_run()
                    continue
                if tag == "label" and not self.form_depth:
                    tag = "span"  # (outside a form a label is a checklist's line: a recipe's '2 eggs')
                attributes = node.attributes
                custom = tag if "-" in tag and (kind or parts) else None
                if custom is not None:
                    # A custom element inside a line of text (or after some) is phrasing content, its default
                    # display inline: read as a span, its name a hint only of what a line drops inline
                    # ('<ad-slot>'); '<hl-trusted-source>' around a citation's number is no source credit, nor
                    # a line break.
                    tag = "span"
                if tag == "a" and "href" in attributes and len(attributes) <= 3 and "style" not in attributes:
                    # Fast path for the commonest element: a plain link's text in one C call (links are never
                    # split, and their class names are icons and styling).
                    rel = attributes.get("rel")
                    is_plain = not (rel and "author" in rel) and "hidden" not in attributes
                    if is_plain and self._take_link(node, attributes["href"]):
                        continue
                if custom is not None:
                    reason, bonus, is_strong, is_credit = _evidence(custom, attributes)
                    if reason not in _INLINE_REASONS:
                        reason, bonus, is_strong, is_credit = (
                            _evidence(tag, attributes) if attributes else _NO_EVIDENCE
                        )
                elif attributes or "-" in tag:
                    reason, bonus, is_strong, is_credit = _evidence(tag, attributes)
                    if reason == "caption" and tag in _HEADING_TAGS and not self._in_figure():
                        reason = None  # a heading outside a figure captions nothing: 'caption-s5' is a style
                else:
                    reason, bonus, is_strong, is_credit = tag_evidence(tag, _NO_EVIDENCE)
                if tag == "a" and reason is None:
                    href = attributes.get("href")
                    if href is None or not self._take_link(node, href):
                        opened = 1, None  # an anchor, or a runaway link
                        break
                    continue
                if tag in transparent_tags and reason is None and not is_strong:
                    if parts:
                        close_run()
                    if tag[0] == "h":
                        self.heading_level = int(tag[1])
                    opened = 2, tag
                    break
                in_line = False
                if tag not in block_tags and "-" not in tag:
                    if reason is not None and reason in _INLINE_REASONS:
                        # A share button or ad slot inside a line: dropped whole, as a block (it shows as
                        # one); a hidden one shows as nothing, so the line goes on around it ('the sum of
                        # <span hidden>math</span> terms' stays one line).
                        in_line = reason == "hidden"
                    elif reason == "byline":
                        # An inline byline/dateline marks its run; a run that is mostly byline is dropped.
                        opened = 3, (len(parts), self.generation)
                        break
                    else:
                        if tag == "time":
                            self.flags |= TIME
                            self.times.append(
                                (self.block, attributes.get("datetime") or "", _time_hint(attributes))
                            )
                        opened = 1, None
                        break
                if parts and not in_line:
                    close_run()
                parent = self.block
                block = Block(tag, parent, reason, bonus, parent.depth + 1)
                block.is_strong = is_strong
                if tag == "header" and reason is None and not self.article_depth and not is_strong:
                    block.reason = reason = "header"
                # (a block marked as the article's body or main is walked, whatever its class says: a
                # paragraph of 'text regwalled' class is the article behind a registration wall, in the page)
                if reason is not None and not is_strong and self._is_leaf_boilerplate(block, node, reason):
                    parent.items.append(block)
                    parent.has_blocks = True
                    self.blocks.append(block)
                    continue
                if parts:
                    close_run()  # (an element named like furniture but long enough to be walked: a block)
                parent.items.append(block)
                parent.has_blocks = True
                self.block = block
                if tag[0] == "h" and tag in _HEADING_TAGS:
                    self.heading_level = int(tag[1])
                if tag == "article" or is_strong:
                    self.article_depth += 1
                elif tag == "form":
                    self.form_depth += 1
                opened = 0, block
                break
            else:  # all its children read: close the element
                if kind == 3:  # an inline byline ends inside its line of text
                    self._exit_byline(data)
                elif kind != 1:
                    if parts:
                        close_run()
                    if kind == 2:
                        self._exit_transparent(data)
                    elif data.parent is not None:
                        if data.tag in _HEADING_TAGS:
                            self._exit_transparent(data.tag)
                        if data.tag == "article" or data.is_strong:
                            self.article_depth -= 1
                        elif data.tag == "form":
                            self.form_depth -= 1
                        finish(data)
                        self.block = data.parent
                if not stack:
                    break
                children, kind, data = stack.pop()
                continue
            stack.append((children, kind, data))
            children = node.iter(include_text=True)
            kind, data = opened
        finish(page)
        return page

    def _in_figure(self) -> bool:
        block = self.block
        while block is not None:
            if block.tag == "figure":
                return True
            block = block.parent
        return False

    def _take_link(self, node: LexborNode, href: str) -> bool:
        """Add a link's text to the run in one C call, unless it is long enough to be a runaway <a>."""
        raw = node.text(deep=True)
        if len(raw) > _MAX_ANCHOR_CHARS:
            # (measured without the markup's indentation: a card's link around its headline and teaser; a
            # link around a heading is a card however long its teaser)
            if len(raw) > _MAX_ANCHOR_RAW_CHARS:
                return False
            anchor = " ".join(raw.split())
            if len(anchor) > _MAX_ANCHOR_CHARS and (
                len(anchor) > _MAX_CARD_CHARS or node.css_first(_HEADING_SELECTOR) is None
            ):
                return False
        else:
            anchor = " ".join(raw.split())
        self.parts.append(raw)
        self.link_chars += len(anchor)
        self.links.append((href, anchor))
        return True

    def _exit_transparent(self, tag: str) -> None:
        if tag[0] != "h":
            return
        self.heading_level = 0
        if tag == "h1":
            items = self.block.items
            if items and items[-1].__class__ is Run and items[-1].heading_level == 1:
                self.h1.append((self.block, items[-1].text))

    def _exit_byline(self, data: tuple[int, int]) -> None:
        start, generation = data
        if generation == self.generation:
            text = " ".join("".join(self.parts[start:]).split())
            if text:
                self.bylines.append((self.block, text))
                self.byline_chars += len(text)

    def _is_leaf_boilerplate(self, block: Block, node: LexborNode, reason: str) -> bool:
        """Settle a flagged block from its text alone (one C call) unless it may wrap the article."""
        if reason == "header":
            return False  # article headers hold the standfirst: walked, and decided in _finish
        raw = node.text(deep=True, separator=" ")
        # A wrapper over _WRAPPER_MIN_CHARS is walked (a byline also loses its reason, being over its limit),
        # as the checks below decide: when the start of its text is that long, the rest need not be collapsed.
        if (
            reason in WRAPPER_REASONS
            and len(raw) > 2 * _WRAPPER_MIN_CHARS
            and len(" ".join(raw[: 2 * _WRAPPER_MIN_CHARS].split())) > _WRAPPER_MIN_CHARS
        ):
            if reason in _SHORT_ONLY_REASONS:
                block.reason = None
            return False
        text = " ".join(raw.split())
        chars = len(text)
        limit = _SHORT_ONLY_REASONS.get(reason)
        if (
            (limit is not None and chars > limit)
            or (reason == "byline" and chars > 120 and ". " in text)
            or (reason == "tags" and _is_tagged_prose(block.tag, text, chars))
        ):
            # a 'meta' or 'dateline' class on a block of sentences is a layout name, and so is 'tag' on a
            # paragraph (keyword lists have no sentences: 'tagStyle' is a styled HTML tag)
            block.reason = None
            return False
        if chars > _MIN_PROSE_CHECK_CHARS and (
            (reason in WRAPPER_REASONS and chars > _WRAPPER_MIN_CHARS) or _reads_like_prose(text, chars)
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
            author = node.css_first(_AUTHOR_NAME_SELECTOR)
            name = " ".join(author.text(deep=True).split()) if author is not None else ""
            if name and name != text:
                self.bylines.append((block, name))
            self.bylines.append((block, text))
        return True

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
                flags |= BYLINE
            link_chars = self.link_chars if self.link_chars < chars else chars
            heading_level = self.heading_level
            block = self.block
            block.items.append(
                Run(
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
            elif heading_level and chars < LONG_HEADING_CHARS:
                pass  # headings are neither prose nor furniture
            elif chars - link_chars >= _MIN_PROSE_CHARS or (
                chars - link_chars >= 15 and SENTENCE_END.search(text) is not None
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

    def _finish(self, block: Block) -> None:
        """Sum a closed block's prose and furniture, deciding its children's boilerplate status first."""
        good = block.own_good
        bad = block.own_bad
        if block.has_blocks:  # (most blocks hold only text: nothing to add up)
            teasers = []
            for child in block.items:
                if child.__class__ is Run:
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
                if child.embeds:
                    block.embeds = True
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
            elif reason in WRAPPER_REASONS:
                if good >= _WRAPPER_MIN_GOOD.get(reason, 400) and good >= 2 * bad:
                    block.reason = None
            elif reason not in KEPT_REASONS and good >= 1000 and good >= 3 * bad:
                block.reason = None  # a share/ad/promo word on a block of plain prose is a layout name
        block.score = good * (1.0 + block.bonus) - FURNITURE_WEIGHT * bad
        self.blocks.append(block)

    def release(self) -> None:
        """Unlink every block from its parent once the page is done with.

        Parent links make the block tree cyclic: left alone, every page's tree waits for the cyclic garbage
        collector, whose passes over the piled-up blocks cost a tenth of the cleaner's time. Without them
        reference counting frees the tree on return.
        """
        for block in self.blocks:
            block.parent = None

    def dom_candidates(self, container: Block | None) -> list[Candidate]:
        """h1, <time> and byline candidates, those inside the chosen container first."""
        found: list[tuple[int, Candidate]] = []
        for block, text in self.h1:
            found.append((0 if is_inside(block, container) else 1, Candidate("title", text, "h1")))
        for block, value, hint in self.times:
            if not value.strip():
                continue
            hint = hint.lower()
            field_name = "updated" if ("modif" in hint or "updat" in hint) else "published"
            found.append(
                (0 if is_inside(block, container) else 1, Candidate(field_name, value.strip(), "time-tag"))
            )
        for block, text in self.bylines:
            if len(text) <= 200:
                found.append((0 if is_inside(block, container) else 1, Candidate("author", text, "byline")))
        found.sort(key=lambda item: item[0])
        return [candidate for _, candidate in found[:40]]


_EVIDENCE_CACHE: dict[tuple[str, str | None, str | None], tuple[str | None, float, bool, bool]] = {}


def _evidence(tag: str, attributes: dict) -> tuple[str | None, float, bool, bool]:
    """Boilerplate reason, score bonus, strong-content flag and credit word of an element.

    Three elements in four carry only a class and/or an id: their evidence is remembered by (tag, class,
    id), as sites repeat their markup from element to element and page to page."""
    if len(attributes) <= 2:
        element_class = attributes.get("class")
        element_id = attributes.get("id")
        if len(attributes) == (element_class is not None) + (element_id is not None):
            key = (tag, element_class, element_id)
            found = _EVIDENCE_CACHE.get(key)
            if found is None:
                if len(_EVIDENCE_CACHE) >= _CACHE_SIZE:
                    _EVIDENCE_CACHE.clear()
                found = _EVIDENCE_CACHE[key] = _element_evidence(tag, attributes)
            return found
    return _element_evidence(tag, attributes)


def _element_evidence(tag: str, attributes: dict) -> tuple[str | None, float, bool, bool]:
    reason = _TAG_REASONS.get(tag)
    bonus = 0.25 if tag == "article" else 0.0
    is_strong = tag == "main"
    is_credit = False
    get = attributes.get
    role = get("role")
    if role:
        role = role.lower()
        reason = reason or _ROLE_REASONS.get(role)
        if role in ("dialog", "alertdialog") and _CONSENT_WORDS.search(get("aria-label") or ""):
            reason = "cookie-banner"  # a consent manager's prose is never the article, however long
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
        return reason if reason in KEPT_REASONS else "hidden", bonus, is_strong, False  # (a closed popup)
    style = get("style")
    if style and ("none" in style or "hidden" in style) and _HIDDEN_STYLE.search(style):
        return reason if reason in KEPT_REASONS else "hidden", bonus, is_strong, False
    if tag == "figcaption":
        reason = "caption"
    rel = get("rel")
    if rel and "author" in rel.lower():
        reason = reason or "byline"
    if tag in _UNHINTED_TAGS:
        return reason, bonus, is_strong, False
    hint = get("class")
    element_id = get("id")
    if "-" in tag:  # custom elements name themselves: <site-navigation>, <ad-slot>
        hint = f"{hint} {tag}" if hint else tag
    if element_id and (
        tag in _HEADING_TAGS or element_id.count("-") + element_id.count("_") >= _SLUG_SEPARATORS
    ):
        # an anchor: a heading's id ('nav_the_vote__2') or one made from an element's words
        # ('the-council-voted-on-the-new-harbour-plan-...') names no role
        element_id = None
    if hint or element_id:
        meanings = _hint_meanings(hint) if hint else 0
        if element_id:
            meanings |= _hint_meanings(element_id)
        hint_reason, is_content, is_credit = _verdict(meanings)
        if is_content:
            bonus += 0.2
        reason = reason or hint_reason
    return reason, bonus, is_strong, is_credit


def player_title_reason(block: Block) -> str | None:
    """'embed' for a small block holding an embedded player and one headline-like line (its title: 'Watch:
    the storm reaches the coast', 'Listen to this article'), else None."""
    if not block.embeds or not 0 < block.chars <= _PLAYER_TITLE_MAX_CHARS or block.is_strong:
        return None
    runs = []
    stack = [block]
    while stack:
        for item in stack.pop().items:
            if item.__class__ is Run:
                runs.append(item)
            else:
                stack.append(item)
    if len(runs) == 1 and runs[0].text.rstrip("\"'”’»)")[-1:] not in _SENTENCE_CLOSERS:
        return "embed"
    return None


def _is_tagged_prose(tag: str, text: str, chars: int) -> bool:
    """Whether a block flagged as a keyword list holds sentences instead: a paragraph with one, or a longer
    block of them."""
    if tag == "p":
        return chars >= _MIN_PROSE_CHARS and _FULL_STOP.search(text) is not None
    return chars > 3 * _MIN_PROSE_CHARS and _reads_like_prose(text, chars)


def _holds_a_page(node: LexborNode) -> bool:
    """Whether a <noscript> holds a page's worth of text, not a tracking pixel or an 'enable scripts' line."""
    return len(node.text(deep=True)) > _NOSCRIPT_PAGE_CHARS


def _reads_like_prose(text: str, chars: int) -> bool:
    """Sentence ends at least every 300 characters: running text rather than labels and links."""
    ends = text.count(". ") + text.count("? ") + text.count("! ") + text.count("。")
    return ends * 300 >= chars


def _time_hint(attributes: dict) -> str:
    return f"{attributes.get('class') or ''} {attributes.get('itemprop') or ''}"


def is_inside(block: Block | None, container: Block | None) -> bool:
    """Whether `block` is `container` or lies within it."""
    while block is not None:
        if block is container:
            return True
        block = block.parent
    return False
