"""Plain-text cleaning: owns turning a browser copy (select-all, copy) of a news page into the article's own
paragraphs, every dropped line with its reason, the related-story links, and the metadata candidates found.

Reason codes in `RemovedSegment.reason` (kebab-case, stable):
    header            the `date YYYY-MM-DD <title>` line a saved copy starts with
    title             the headline line (its text is the `title` candidate)
    subtitle          the standfirst between the headline and the byline (the `subtitle` candidate)
    byline            author lines ("By Jane Doe and John Roe", a name above the dateline)
    dateline          published / updated / first-published lines and date-only lines
    caption           a photo caption or a credit line, kept once as candidates
    caption-repeat    further copies of that caption
    repeat            a later exact copy of a line already seen
    related-links     "Also Read | ...", "READ MORE: ..." promos (their headlines become related links)
    ticker            market widgets: "<company> share price", prices, times, changes like "16.7 (9.92%)"
    price-box         gold / fuel / city price boxes and other number-only blocks
    ad                advertising labels, loan ads and their form fields
    app-prompt        "Download the ... App" and store badges
    login-prompt      "Log in to ...", "Sign in", "Create an account"
    subscribe-prompt  newsletter sign-ups, subscribe buttons and paywall lines
    cookie-banner     cookie and consent banners
    promo             house promotions: follow us, join our channel, listen to this article
    disclaimer        the publisher disowning an author's opinion ("The views expressed are the author's own")
    widget            user-interface labels: "MoreLess", "Share", "Wait for it…", "5 min read"
    footer            the site's footer: "Catch all the ... News", copyright, tags, comment boxes
    rail              headings of recirculation lists: "Most Read", "Trending In Market", "Popular in News"
    breadcrumb        section trails, often run together with the headline ("Business NewsNewsWorld<title>")
    nav               menu lines ("HomeMarketsPremium...") and short menu items outside the article
    empty             lines with no letter or digit ("•", "***")
    before-body       any other line before the article body
    after-body        any other line after the article body
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tasks.clean.furniture import label_reason
from tasks.clean.page_kind import PageSignals, judge_page, paywall_cut
from tasks.clean.rule_gates import gate_fold, rule_gate, rule_parse
from tasks.records import Candidate, CleanDocument, Link, RawDocument, RemovedSegment

_DATA_DIR = Path(__file__).resolve().parent


# ---------------------------------------------------------------------------------------------------------
# Data files: the world knowledge (phrases, words) lives next to this module; the code holds the mechanism.


def _strip_comment(line: str) -> str:
    return line.split("  #", 1)[0].strip()


def _read_rules(name: str) -> list[tuple[str, str]]:
    """(reason, regex) pairs from a rules file, in file order."""
    rules: list[tuple[str, str]] = []
    for raw in (_DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#"):
            continue
        body = _strip_comment(raw)
        if body:
            reason, _, pattern = body.partition(" ")
            rules.append((reason, pattern.strip()))
    return rules


def _read_sections(name: str) -> dict[str, list[str]]:
    """Sections of a word-list file: `[name]` headers, then one entry a line."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in (_DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#"):
            continue
        body = _strip_comment(raw)
        if not body:
            continue
        if body.startswith("[") and body.endswith("]"):
            current = sections.setdefault(body[1:-1], [])
        elif current is not None:
            current.append(body.casefold())
    return sections


def _alternation(phrases: list[str]) -> str:
    # Longest first, so "first published" wins over "published" at the same place.
    escaped = (re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))
    return "|".join(escaped)


_RULES = _read_rules("text_furniture.txt")
_WORDS = _read_sections("text_words.txt")

_FURNITURE_REASONS = {f"r{index}": reason for index, (reason, _) in enumerate(_RULES)}


_RULE_LETTERS = [rule_parse(pattern)[0] for _, pattern in _RULES]
# A rule that may start anywhere ('.{0,120}\ball rights reserved') is tried on every line unless the line
# lacks every text it needs (rule_gates.py): a substring test costs a fraction of running the regex.
_GATED_RULES = [
    (index, gate, re.compile(f"(?P<r{index}>(?:{pattern}))", re.IGNORECASE))
    for index, (_, pattern) in enumerate(_RULES)
    if _RULE_LETTERS[index] is None and (gate := rule_gate(pattern)) is not None
]
_GATED = frozenset(index for index, _, _ in _GATED_RULES)


@cache
def _furniture_for(letter: str) -> re.Pattern[str]:
    """One alternation (a named group per rule) of the rules that can match a line opening with `letter`:
    a single regex call per line, trying a handful of rules instead of all of them."""
    parts = [
        f"(?P<r{index}>(?:{pattern}))"
        for index, (_, pattern) in enumerate(_RULES)
        if index not in _GATED and (_RULE_LETTERS[index] is None or letter in _RULE_LETTERS[index])
    ]
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


def _furniture_match(bare: str) -> re.Match[str] | None:
    """The first rule (in file order) that matches the line: its group name is the rule's (`lastgroup`)."""
    match = _furniture_for(bare[:1].lower()).match(bare)
    first = int(match.lastgroup[1:]) if match is not None and match.lastgroup else len(_RULES)
    folded = None
    for index, gate, rule in _GATED_RULES:
        if index >= first:
            break
        if folded is None:
            folded = gate_fold(bare)
        if any(needed in folded for needed in gate):
            gated = rule.match(bare)
            if gated is not None:
                return gated
    return match


_SEPARATOR = r"\s*(?:[|:：»›]|\s[-–—]|[–—])\s*"
_RELATED = re.compile(
    rf"(?:{_alternation(_WORDS['related-lead'])}){_SEPARATOR}(?P<anchor>\S.*)$", re.IGNORECASE
)
_RELATED_UNSEPARATED = re.compile(
    rf"(?:{_alternation(_WORDS['related-lead-unseparated'])})\s+(?P<anchor>[^\W\d_].*)$", re.IGNORECASE
)
_RELATED_BARE = re.compile(rf"(?:{_alternation(_WORDS['related-lead'])})\s*[:|]?\s*$", re.IGNORECASE)

_DATE_LABELS = {
    **{label: ("published", "byline") for label in _WORDS["published-label"]},
    **{label: ("updated", "byline") for label in _WORDS["updated-label"]},
    **{label: ("published", "first-published-line") for label in _WORDS["first-published-label"]},
}


def is_date_label(label: str) -> bool:
    """Whether a line's label names when the page was published or updated ('Posted', 'Aktualisiert am')."""
    return " ".join(label.casefold().split()) in _DATE_LABELS


# The label may be glued to the date ("Updated28 Oct 2024"): only a following letter ends the match.
_DATE_LABEL = re.compile(
    rf"(?<![^\W\d_])(?P<label>{_alternation(list(_DATE_LABELS))})(?![^\W\d_])\s*[:\-–—|]?\s*", re.IGNORECASE
)
# "By Jane Doe", "Author: Jane Doe", and the copy's glued "ByJane Doe" (a capital must follow then).
_BYLINE_LEAD = re.compile(
    rf"(?:{_alternation(_WORDS['byline-lead'])})(?:\s*:?\s+|(?-i:(?=[A-Z])))(?P<names>\S.*)$", re.IGNORECASE
)
_NAME_SPLIT = re.compile(
    rf"\s*(?:[,;&]|\s(?:{_alternation([w for w in _WORDS['name-joiner'] if w != '&'])})\s)\s*", re.IGNORECASE
)
_BYLINE_LEAD_ALONE = re.compile(rf"(?:{_alternation(_WORDS['byline-lead'])})\s*:?", re.IGNORECASE)
_BYLINE_OUTLET = re.compile(r"\s+(?:for|in|at)\s+\S.*$", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")

_MONTHS = frozenset(_WORDS["month"])
_DATE_WORDS = _MONTHS | frozenset(_WORDS["weekday"]) | frozenset(_WORDS["time-word"])
_CREDIT_WORDS = frozenset(_WORDS["credit"])
_ROLE_WORDS = frozenset(_WORDS["role"])
_AGENCY_WORDS = frozenset(_WORDS["agency"])
_AGENCY_JOINERS = frozenset(_WORDS["agency-joiner"])
_AGENCY_SPLIT = re.compile(r"[\s/,;&+()]+")
_NEWSROOM = re.compile(
    r"(?:^|-)(?:redaktion|newsroom|redacción|rédaction|redazione|redakcja)\.?$", re.IGNORECASE
)
_NAME_PARTICLES = frozenset(_WORDS["name-particle"])

_HEADER = re.compile(r"date\s+(?P<date>\d{4}-\d{2}-\d{2})\b\s*(?P<title>.*)$", re.IGNORECASE)
_LEADING_BULLET = re.compile(r"^(?:[•·▪■●◦‣∙*>–—-]\s*)+")
_ZERO_WIDTH = str.maketrans({"\u200b": None, "\ufeff": None, "\u2060": None, "\u00ad": None})
_TRAILING_PAREN = re.compile(r"\s*\(([^()]{1,200})\)\s*$")
_CREDIT_LABEL = re.compile(
    r"^\s*(?:photo|image|picture|pic|photograph|credit|courtesy|source)s?(?:\s*credit)?\s*:\s*", re.IGNORECASE
)
# "<caption> Photo: Reuters", "<caption>Credit...Jane Doe for The New York Times".
_CREDIT_SUFFIX = re.compile(
    r"(?P<base>.*?\S)\s*[.|,;–—-]?\s*(?:\b|(?<=[.]))(?:(?:photo|image|picture|pic|photograph|illustration)"
    r"(?:\s*credit)?|credit|courtesy)s?\s*(?::|\.\.\.|…)\s*(?P<credit>[^:|()]{2,80})$",
    re.IGNORECASE,
)
# Run-together menu words: a copy of "<a>Home</a><a>Markets</a>" reads "HomeMarkets". Two capitalised
# words must meet, so brand names like "eBay", "stockX" or "OpenAI" do not count.
_JOINED_WORDS = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ]+(?=[A-ZÀ-Þ][a-zß-ÿ]|[‘“][A-ZÀ-Þ])")
_CRUMB_SEPARATOR = re.compile(r"\s*[>›»→]\s*|\s+/\s+")
_TIME_OR_DATE = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\b(?:1[89]|20)\d{2}\b|\bago\b")
_DIGIT_TOKEN = re.compile(
    r"\d{1,4}(?:st|nd|rd|th|h)?|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:am|pm|h)?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    r"|\d{4}-\d{2}-\d{2}t[\d:.]+(?:z|[+-]\d{2}:?\d{2})?"  # ISO 8601 "2024-10-28T17:55:00Z"
)
_ARTICLE_NOTE = re.compile(
    r"(?:additional )?(?:reporting|writing|editing|research|compiled|translated) by\b", re.IGNORECASE
)
# Bounded digit runs: a search over a line of a million digits must stay linear.
_PERCENT_CHANGE = re.compile(
    r"[+\-−]?\d[\d,.]{0,20}\s?\(\s?[+\-−]?\d[\d,.]{0,20}\s?%\s?\)|[+\-−]\d[\d,.]{0,20}\s?%"
)
_SITE_IN_FOOTER = re.compile(r"\bon (?P<site>[A-Z][\w&'’.-]{0,40}(?: [A-Z][\w&'’.-]{0,40}){0,5}) ?[.!]")
_SITE_IN_COPYRIGHT = re.compile(
    r"(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
    r"(?P<site>[A-Z][^.|,©]{1,60}?)\s*(?:[.|,]|all rights|$)",
    re.IGNORECASE,
)

_FOLD_TABLE = str.maketrans("‘’‚‛“”„«»–—", '\'\'\'\'"""""--')
_ANY_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# No byline, dateline, menu or related-link line is longer than this (in words).
_LONGEST_LABEL_WORDS = 40
_MAX_BYLINE_WORDS = 25
_OPENERS = "\"'“‘«(["
_CLOSERS = "\"'”’»)]*」』）"
# With the ideographic full stop and full-width marks that end Chinese and Japanese sentences.
_SENTENCE_END = ".!?…:;。！？．：；"
_PARAGRAPH_END = ".!?…。！？．"
# Letters of scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, CJK ideographs):
# a line of them is one "word" to str.split(), so its words are estimated from its letters instead.
_UNSPACED_LETTER = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_LETTERS_PER_UNSPACED_WORD = 2
# ... and a letter of them says about as much as three characters of spaced text when scoring the body.
_CHARACTERS_PER_UNSPACED_LETTER = 3

# How lines weigh when grouping the body (see _find_body):
#   hard reasons end a run of article text; tolerated ones sit inside articles without breaking them.
_HARD_REASONS = frozenset(
    {"header", "title", "footer", "rail", "dateline", "byline", "breadcrumb", "nav", "cookie-banner"}
)
_TOLERATED_REASONS = frozenset(
    {
        "related-links",
        "ad",
        "app-prompt",
        "login-prompt",
        "subscribe-prompt",
        "promo",
        "disclaimer",
        "widget",
        "caption",
        "caption-repeat",
        "repeat",
        "empty",
    }
)
# Body scoring, in characters: a paragraph counts by its length beyond a teaser's; a short line (a
# sub-heading, a menu item, a headline in a rail) costs about as much as a teaser summary brings.
_PARAGRAPH_THRESHOLD = 60
_SHORT_LINE_COST = 50
_HEADING_COST = 15
# Joining runs of text across hard breaks: lines that end a page's article for good, how many lines a box
# inside an article may span, and how large a run across a rail or menu must be next to the best one.
_FINAL_REASONS = frozenset({"header", "title", "footer", "cookie-banner"})
# furniture_labels.txt names reasons the HTML way; a copied page's author box and comments end the article.
_LABEL_REASONS = {
    "share": "widget", "notice": "widget", "embed": "widget", "author-bio": "footer", "comments": "footer",
}  # fmt: skip
_BYLINE_REASONS = frozenset({"byline", "dateline"})
_MAX_BREAK_LINES = 8
_NEIGHBOUR_SHARE = 0.25
_WIDGET_LINE_COST = 10


@dataclass(slots=True)
class _Line:
    """One non-blank input line and what the cleaner decided about it."""

    position: int
    text: str  # spaces collapsed
    bare: str  # without leading bullets: the form rules match against
    words: int
    kind: str  # prose | sentence | short
    ends_sentence: bool
    lower_ratio: float
    reason: str | None = None
    is_date: bool = False
    unspaced_letters: int = 0


# ---------------------------------------------------------------------------------------------------------
# Public entry point


def clean_text(doc: RawDocument) -> CleanDocument:
    """Split a plain-text page copy into the article's paragraphs, removed furniture, links and candidates."""
    state = _Page(_read_lines(doc.text or ""))
    state.run()
    paragraphs, removed, links, candidates = state.result()
    # Plain text has no markup: the kind rests on its words (a paywall prompt, a "page not found" title).
    kept = [line.position for line in state.lines if line.reason is None]
    verdict = judge_page(
        PageSignals(
            paragraphs,
            removed,
            url=doc.url,
            title=state.title or "",
            text_start=kept[0] if kept else -1,
            text_end=kept[-1] if kept else -1,
        )
    )
    return CleanDocument(
        doc_id=doc.doc_id,
        source=doc.source,
        url=doc.url,
        fetched_at=doc.fetched_at,
        content_type=doc.content_type,
        paragraphs=paragraphs,
        removed=removed,
        links=links,
        candidates=candidates,
        kind=verdict.kind,
        kind_reason=verdict.reason,
    )


def split_article_text(
    text: str,
) -> tuple[tuple[str, ...], tuple[RemovedSegment, ...], tuple[Link, ...], tuple[Candidate, ...]]:
    """The work of `clean_text` on a bare string: (paragraphs, removed, links, candidates)."""
    state = _Page(_read_lines(text))
    state.run()
    return state.result()


# ---------------------------------------------------------------------------------------------------------
# Line features


def _read_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    # splitlines() also splits on \r, \r\n, \u2028, so CRLF and old-Mac copies read the same.
    for position, raw in enumerate(text.translate(_ZERO_WIDTH).splitlines()):
        words = raw.split()  # str.split() treats non-breaking and other Unicode spaces as spaces
        if not words:
            continue
        collapsed = " ".join(words)
        bare = _LEADING_BULLET.sub("", collapsed) or collapsed
        lines.append(_describe(position, words, bare))
    return lines


def _describe(position: int, words: list[str], bare: str) -> _Line:
    text = " ".join(words)
    initials = [w.lstrip(_OPENERS)[:1] for w in words]
    cased = [c for c in initials if c.isupper() or c.islower()]
    # Scripts without case (CJK, Arabic) count as running text, not as title-case menu items.
    lower_ratio = sum(c.islower() for c in cased) / len(cased) if cased else 1.0
    ends = _ends_sentence(text)
    unspaced = _UNSPACED_LETTER.subn("", text)[1]
    count = len(words) + unspaced // _LETTERS_PER_UNSPACED_WORD
    # Teaser headlines in rails are long too, but a paragraph ends like a sentence.
    if count >= 10 and lower_ratio >= 0.3 and (_ends_paragraph(text) or count >= 40):
        kind = "prose"
    elif count >= 3 and ends and lower_ratio >= 0.3:
        kind = "sentence"
    else:
        kind = "short"
    return _Line(position, text, bare, count, kind, ends, lower_ratio, unspaced_letters=unspaced)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _ends_paragraph(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _PARAGRAPH_END


def _fold(text: str) -> str:
    """A comparison key: case, quote style, dash style and spacing do not matter."""
    return " ".join(text.casefold().translate(_FOLD_TABLE).split()).strip(" .:;,!")


def _is_numeric(line: _Line) -> bool:
    """Prices, changes, counters: digits dominate and at most one real word remains."""
    text = line.text
    if line.words > 8 or not _ANY_DIGIT.search(text):
        return False  # a widget's number line is short; most lines have no digit at all
    digits = sum(c.isdigit() for c in text)
    compact = len(text) - text.count(" ")
    if digits / compact < 0.3:
        return False
    wordy = 0
    for token in text.split():
        letters = sum(c.isalpha() for c in token)
        if letters > sum(c.isdigit() for c in token) and token.strip(".,|()").casefold() not in _DATE_WORDS:
            wordy += 1
    return wordy <= 1


def _is_date_only(line: _Line) -> bool:
    """A line that is only a date or time: "28 Oct 2024, 05:55 PM IST", "Monday, October 28, 2024"."""
    if line.words > 12 or not _ANY_DIGIT.search(line.text):
        return False
    tokens = line.text.replace("|", " ").replace("•", " ").split()
    has_digit = has_anchor = False
    for token in tokens:
        bare = token.strip(",.;()[]-–—/")
        if not bare:
            continue
        folded = bare.casefold()
        if _DIGIT_TOKEN.fullmatch(folded):
            has_digit = True
            has_anchor = has_anchor or not folded.isdigit() or len(folded) == 4
        elif folded in _MONTHS or folded.rstrip(".") in _MONTHS:
            has_anchor = True
        elif folded in _DATE_WORDS or folded.rstrip(".") in _DATE_WORDS:
            continue
        elif 2 <= len(bare) <= 5 and bare.isalpha() and bare.isupper():
            continue  # a time-zone abbreviation not in the list
        else:
            return False
    return has_digit and has_anchor


def _split_credit(text: str) -> tuple[str, str | None]:
    """(caption, credit): the credit is the text in the trailing parentheses, or after "Photo:"."""
    base, credit = text, None
    # A repeat may carry the credit twice, glued: "Caption (Credit)(Credit)".
    for _ in range(3):
        match = _TRAILING_PAREN.search(base)
        if match is None or match.start() < 10:
            break
        credit = _CREDIT_LABEL.sub("", match.group(1)).strip()  # "(Photo: PTI)" credits PTI
        base = base[: match.start()].rstrip()
    if credit is None and (match := _CREDIT_SUFFIX.fullmatch(text)):
        base, credit = match.group("base").rstrip(" .|,;–—-"), match.group("credit").strip()
    return base, credit


def _looks_like_credit(credit: str) -> bool:
    tokens = re.split(r"[^\w]+", credit.casefold())
    return any(token in _CREDIT_WORDS for token in tokens)


def furniture_line(text: str) -> str | None:
    """The removed-segment reason of a line that is furniture wherever it stands ("Also Read | ...",
    "Click here to ...", "Follow us on ...", "(This story has not been edited ...)"), else None.

    The plain-text cleaner's line rules (text_furniture.txt, the related-story leads of text_words.txt),
    for the HTML cleaner's paragraphs too."""
    bare = _LEADING_BULLET.sub("", " ".join(text.split()))
    if not bare or bare.count(" ") >= _LONGEST_LABEL_WORDS:  # (words are single-spaced now)
        return None
    match = _furniture_match(bare)
    if match is not None:
        return _FURNITURE_REASONS[match.lastgroup or ""]
    related = _RELATED.match(bare)
    if related is None:
        related = _RELATED_UNSEPARATED.match(bare)
        if related is not None and not related.group("anchor")[:1].isupper():
            related = None
    if related is not None and any(c.isalpha() for c in related.group("anchor")):
        return "related-links"
    return None


# Notices run longer than labels and links: these rules also read lines of up to _LONGEST_NOTICE_WORDS words
# (a consent placeholder's paragraph, an opinion disclaimer, a rights notice).
_NOTICE_REASONS = frozenset({"cookie-banner", "disclaimer", "footer"})
_LONGEST_NOTICE_WORDS = 120


@cache
def _notice_rules() -> re.Pattern[str]:
    """The notice rules that start where the line starts, as one alternation (the others are gated)."""
    parts = [
        f"(?P<r{index}>(?:{pattern}))"
        for index, (reason, pattern) in enumerate(_RULES)
        if reason in _NOTICE_REASONS and index not in _GATED
    ]
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


def notice_line(text: str) -> str | None:
    """The reason of a line too long for furniture_line that a notice rule (consent, disclaimer, footer)
    matches, else None."""
    bare = _LEADING_BULLET.sub("", " ".join(text.split()))
    if not bare or bare.count(" ") >= _LONGEST_NOTICE_WORDS:
        return None
    match = _notice_rules().match(bare)
    if match is not None:
        return _FURNITURE_REASONS[match.lastgroup or ""]
    folded = gate_fold(bare)
    for index, gate, rule in _GATED_RULES:
        if (
            _RULES[index][0] in _NOTICE_REASONS
            and any(needed in folded for needed in gate)
            and rule.match(bare) is not None
        ):
            return _RULES[index][0]
    return None


def is_breadcrumb(text: str) -> bool:
    """A section trail: 'Home > News > World', 'Front Page » Council » <the headline>' (three parts at
    least, every part but the last of one to four words, 25 words in all)."""
    parts = _CRUMB_SEPARATOR.split(text)
    return (
        len(parts) >= 3
        and all(1 <= len(part.split()) <= 4 for part in parts[:-1])
        and len(text.split()) <= 25
    )


def byline_line(text: str, names_alone: bool = False) -> tuple[str, list[str]] | None:
    """("byline" | "dateline", author names) when a short line is one, else None.

    The plain-text cleaner's rules, for the HTML cleaner too: "By Jane Doe", "Von Lena Hoffmann · 23. Juli
    2024", "Posted by Owen Pritchard at 21:40", "Published 3 May 2024, 5:12 p.m.", "Staff writer"; with
    `names_alone` (the lines above the text) also "Jane Doe, John Roe"."""
    bare = " ".join(text.split())
    words = bare.split()
    if not words or len(words) > _MAX_BYLINE_WORDS:
        return None
    if _BYLINE_LEAD_ALONE.fullmatch(bare):
        return "byline", []
    if all(word.strip(".,:;'’").casefold() in _ROLE_WORDS for word in words) and len(words) <= 3:
        return "byline", []  # "Staff writer" under the name
    if len(words) <= 3 and _NEWSROOM.search(words[-1]) is not None:
        return "byline", []  # "Emotion Redaktion", "Online-Redaktion", "The Ledger Newsroom": the team signs
    if len(words) <= _MAX_AGENCY_LINE_WORDS and len(bare) <= _MAX_AGENCY_LINE_CHARS and _is_agency_line(bare):
        return "byline", []  # "(dpa)", "SID", "Agencia EFE": the agency the story comes from
    names = _byline_names(bare, needs_lead=True)
    if names is not None:
        return "byline", names
    if names_alone and len(words) <= 8:
        # Above the text a line of two or more full names is the byline even without "By".
        names = _byline_names(bare, needs_lead=False)
        if names is not None and len(names) >= 2 and all(len(name.split()) >= 2 for name in names):
            return "byline", names
    parsed = _parse_dateline(bare)
    if parsed is not None:
        prefix, _ = parsed
        return ("byline", _byline_names(prefix, needs_lead=False) or []) if prefix else ("dateline", [])
    return None


_MAX_AGENCY_LINE_CHARS = 40
_MAX_AGENCY_LINE_WORDS = 4


def _is_agency_line(bare: str) -> bool:
    """Whether a line names only news agencies ('dpa/AFP', 'Agencia EFE'), none of its words anything else."""
    words = [word for word in _AGENCY_SPLIT.split(bare.casefold().rstrip(".")) if word]
    initials = "/" in bare  # ('aja/PAP', 'AFP/mst': the agency and the editor's initials)
    return any(word in _AGENCY_WORDS for word in words) and all(
        word in _AGENCY_WORDS or word in _AGENCY_JOINERS or (initials and len(word) <= 3 and word.isalpha())
        for word in words
    )


def dateline_candidates(text: str) -> list[Candidate]:
    """The published/updated candidates of one byline or dateline line, read as the plain-text cleaner reads
    its lines: "By Jane Doe | Updated 28 Oct 2024, 05:55 PM IST", "Stand: 12.03.2024, 14:05 Uhr", or a line
    that is only a date ("Thu 9 May 2024 08.05 BST"). Empty for anything else.

    For lines another cleaner dropped as bylines without reading their dates (tasks/extract/metadata.py
    reads the HTML cleaner's removed byline segments with it)."""
    bare = _LEADING_BULLET.sub("", " ".join(text.split()))
    words = bare.split()
    if not words or len(words) > _MAX_BYLINE_WORDS:
        return []
    parsed = _parse_dateline(bare)
    if parsed is not None:
        return [Candidate(field, value, evidence) for field, value, evidence in parsed[1]]
    if _is_date_only(_describe(0, words, bare)):
        return [Candidate("published", bare, "dateline")]
    return []


def _byline_names(text: str, *, needs_lead: bool) -> list[str] | None:
    """The names of a byline line, or None when the line is not a byline."""
    if "http" in text:
        return None
    text = text.split("@", 1)[0].strip()  # "Jon Porter@JonPorty": the social handle is not the name
    match = _BYLINE_LEAD.match(text)
    if match:
        names_text = match.group("names")
    elif needs_lead:
        return None
    else:
        names_text = text
    # "By Tom Pyman for MailOnline": the outlet after "for" is not an author.
    names_text = _BYLINE_OUTLET.sub("", names_text)
    segments = _SEGMENT_SPLIT.split(names_text)
    names: list[str] = []
    has_role = False
    for part in _NAME_SPLIT.split(segments[0]):
        part = part.strip(" .,")
        if not part:
            continue
        tokens = part.split()
        if any(token.strip(".,'’").casefold() in _ROLE_WORDS for token in tokens):
            has_role = True  # "Senior Correspondent": a job title, not a person
            continue
        if all(token.strip(".,()").casefold() in _AGENCY_WORDS for token in tokens):
            has_role = True  # "Von David Hutzler, dpa": the agency beside the author
            continue
        if not _is_name(tokens):
            return None
        names.append(part)
    if not match and not has_role and not any(len(name.split()) >= 2 for name in names):
        return None  # a lone capitalised word with no "By" is more likely a section label than a person
    if not match and any(len(name.split()) > 3 for name in names):
        return None  # without "By", four capitalised words are more likely a headline than a name
    if any(len(name.split()) >= 2 for name in names):
        # "By Jane Doe and John Roe, CNN": the outlet's acronym beside people is not an author.
        names = [name for name in names if len(name.split()) >= 2 or not name.isupper()]
    return names


def _is_name(tokens: list[str]) -> bool:
    if not 1 <= len(tokens) <= 5:
        return False
    capitalised = 0
    for token in tokens:
        core = token.strip(".,'’-()")
        if not core or any(c.isdigit() for c in core):
            return False
        if core[0].isupper():
            capitalised += 1
        elif core.casefold() not in _NAME_PARTICLES:
            return False
    return capitalised > 0


def _parse_dateline(text: str) -> tuple[str, list[tuple[str, str, str]]] | None:
    """(text before the first label, [(field, value, evidence)]) for a labelled date line, else None."""
    if len(text.split()) > 30:
        return None
    matches = list(_DATE_LABEL.finditer(text))
    if not matches:
        return None
    prefix = text[: matches[0].start()].strip(" |•·,;-–—")
    found: list[tuple[str, str, str]] = []
    if prefix and _looks_like_date(prefix):
        # "October 28, 20245:55 PM GMT+5:30Updated 2 hours ago": the first date has no label.
        found.append(("published", prefix, "dateline"))
        prefix = ""
    if prefix and _byline_names(prefix, needs_lead=False) is None:
        return None  # the label sits inside a sentence: "the report was published on ..."
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        value = text[match.end() : end].strip(" |•·,;:-–—")
        if not value or not (_TIME_OR_DATE.search(value) or _has_month(value)):
            continue
        field, evidence = _DATE_LABELS[" ".join(match.group("label").casefold().split())]
        found.append((field, value, evidence))
    return (prefix, found) if found else None


def _looks_like_date(text: str) -> bool:
    return len(text.split()) <= 8 and _ANY_DIGIT.search(text) is not None and _has_month(text)


def _has_month(text: str) -> bool:
    return any(token.strip(",.").casefold() in _MONTHS for token in text.split())


def _best_runs(values: list[float | None]) -> list[tuple[float, int, int]]:
    """For each stretch between hard breaks, its best-scoring run of lines: (score, first, last)."""
    runs: list[tuple[float, int, int]] = []
    best: tuple[float, int, int] | None = None
    total, run_start = 0.0, 0
    for index, value in enumerate([*values, None]):
        if value is None:  # a hard break: footer, byline, dateline, menu ...
            if best is not None:
                runs.append(best)
            best, total, run_start = None, 0.0, index + 1
            continue
        if total <= 0:
            total, run_start = 0.0, index
        total += value
        if total > 0 and (best is None or total > best[0]):
            best = (total, run_start, index)
    return runs


def _is_article_note(line: _Line) -> bool:
    """A closing note that belongs to the article: "(With inputs from PTI)", "Reporting by ..."."""
    if line.words >= 3 and line.text.startswith("(") and line.text.endswith(")"):
        return True
    return _ARTICLE_NOTE.match(line.text) is not None


def _is_menu_item(line: _Line) -> bool:
    """A short label with no sentence in it: a menu entry, a tab, a section name."""
    return line.words <= 4 and not line.ends_sentence and line.kind == "short"


# ---------------------------------------------------------------------------------------------------------
# The page


class _Page:
    """The decisions about one page's lines, taken in passes that each rely on the ones before."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.candidates: list[tuple[int, Candidate]] = []
        self.links: list[Link] = []
        self.title: str | None = None
        self.body: tuple[int, int] | None = None  # first and last index into self.lines

    def run(self) -> None:
        if not self.lines:
            return
        self._read_header()
        self._classify_lines()
        self._mark_names_after_lone_lead()
        self._mark_related_boxes()
        self._mark_captions_and_repeats()
        self._mark_number_blocks()
        self._mark_bylines_above_dates()
        self.body = self._find_body()
        self._read_head()
        self._read_tail()
        self._read_site_name()
        self._cut_at_paywall()

    def result(
        self,
    ) -> tuple[tuple[str, ...], tuple[RemovedSegment, ...], tuple[Link, ...], tuple[Candidate, ...]]:
        paragraphs: list[str] = []
        removed: list[RemovedSegment] = []
        for line in self.lines:
            if line.reason is None:
                paragraphs.append(line.text)
            else:
                removed.append(RemovedSegment(line.position, line.text, line.reason))
        ordered = [candidate for _, candidate in sorted(self.candidates, key=lambda item: item[0])]
        return tuple(paragraphs), tuple(removed), tuple(self.links), tuple(ordered)

    def _cut_at_paywall(self) -> None:
        """A teaser ends at its paywall prompt: the prompt and the box after it are not the article."""
        kept = [(line.position, line.text) for line in self.lines if line.reason is None]
        dropped = [(line.position, line.text) for line in self.lines if line.reason is not None]
        cut_from = paywall_cut(kept, dropped)
        for line in self.lines if cut_from is not None else ():
            if line.reason is None and line.position >= cut_from:
                line.reason = "paywall"

    def _add(self, line: _Line, field: str, value: str, evidence: str) -> None:
        value = value.strip()
        if value:
            self.candidates.append((line.position, Candidate(field, value, evidence)))

    # -- pass 1: the saved-copy header -------------------------------------------------------------------

    def _read_header(self) -> None:
        first = self.lines[0]
        match = _HEADER.match(first.text)
        if not match:
            return
        first.reason = "header"
        title = match.group("title").strip()
        if title:
            self.title = title
            self._add(first, "title", title, "header-line")
        self._add(first, "published", match.group("date"), "header-line")

    # -- pass 2: what each line is on its own ------------------------------------------------------------

    def _classify_lines(self) -> None:
        title_key = _fold(self.title) if self.title else None
        for line in self.lines:
            if line.reason is not None:
                continue
            if not any(c.isalnum() for c in line.text):
                line.reason = "empty"
            elif title_key is not None and self._is_title_copy(line, title_key):
                continue
            elif match := _furniture_match(line.bare):
                line.reason = _FURNITURE_REASONS[match.lastgroup or ""]
            elif (label := label_reason(line.bare)) is not None:
                # A widget label shared with the HTML cleaner ("Schon gelesen?"), in this cleaner's terms.
                line.reason = _LABEL_REASONS.get(label, label)
            elif line.words > _LONGEST_LABEL_WORDS:
                continue  # long lines are prose, or long furniture the rules above already caught
            elif self._is_related(line):
                line.reason = "related-links"
            elif self._is_run_together_menu(line) or self._is_dateline(line):
                continue
            elif _BYLINE_LEAD_ALONE.fullmatch(line.bare):
                line.reason = "byline"  # "By" on its own line, the names on the next one
            elif line.words <= 15 and (names := _byline_names(line.bare, needs_lead=True)) is not None:
                line.reason = "byline"
                for name in names:
                    self._add(line, "author", name, "byline")
            elif _is_date_only(line):
                line.is_date = True

    def _mark_names_after_lone_lead(self) -> None:
        for previous, line in zip(self.lines, self.lines[1:], strict=False):
            is_lone_lead = previous.reason == "byline" and _BYLINE_LEAD_ALONE.fullmatch(previous.bare)
            if line.reason is None and is_lone_lead:
                names = _byline_names(line.bare, needs_lead=False)
                if names is not None:
                    line.reason = "byline"
                    for name in names:
                        self._add(line, "author", name, "byline")

    def _mark_related_boxes(self) -> None:
        # "RELATED STORIES" alone, then the headlines one a line (a list: no blank line between them):
        # each headline is a related link. A blank line ends the box.
        previous: _Line | None = None
        in_box = False
        for line in self.lines:
            follows = previous is not None and line.position == previous.position + 1
            if line.reason == "related-links" and _RELATED_BARE.fullmatch(line.bare):
                in_box = True
            elif in_box and follows and line.reason is None and line.kind == "short" and line.words >= 3:
                line.reason = "related-links"
                self.links.append(Link(url=None, anchor=line.bare, kind="related"))
            else:
                in_box = False
            previous = line

    def _is_title_copy(self, line: _Line, title_key: str) -> bool:
        key = _fold(line.text)
        if key == title_key:
            line.reason = "title"
            return True
        where = key.find(title_key)
        if where < 0:
            return False
        before, after = key[:where], key[where + len(title_key) :]
        if len(after) <= 3 and 0 < len(before) <= 80 and not _ends_sentence(before.strip()):
            line.reason = "breadcrumb"  # "Business NewsNewsWorld<title>"
            return True
        if not before and 0 < len(after) <= 60 and after.lstrip()[:1] in "|-–—:":
            line.reason = "title"  # the document title: "<title> | Site Name"
            return True
        return False

    def _is_related(self, line: _Line) -> bool:
        text = line.bare
        match = _RELATED.match(text)
        if match is None:
            match = _RELATED_UNSEPARATED.match(text)
            if match is not None and not match.group("anchor")[:1].isupper():
                match = None
        if match is not None:
            anchor = match.group("anchor").strip(" |:-–—")
            if any(c.isalpha() for c in anchor) and len(anchor.split()) <= 40:
                self.links.append(Link(url=None, anchor=anchor, kind="related"))
                return True
            return False
        return _RELATED_BARE.fullmatch(text) is not None

    def _is_run_together_menu(self, line: _Line) -> bool:
        if line.ends_sentence and line.words > 3:
            return False
        head = line.text[:60]
        joins = len(_JOINED_WORDS.findall(head))
        if joins >= 2 and (line.words <= 12 or joins >= 3):
            line.reason = "nav" if line.words <= 8 or joins >= 4 else "breadcrumb"
            return True
        if is_breadcrumb(line.text):
            line.reason = "breadcrumb"  # "Home > News > World"
            return True
        return False

    def _is_dateline(self, line: _Line) -> bool:
        parsed = _parse_dateline(line.bare)
        if parsed is None:
            return False
        prefix, values = parsed
        line.reason = "dateline"
        if prefix:
            for name in _byline_names(prefix, needs_lead=False) or []:
                self._add(line, "author", name, "byline")
            line.reason = "byline"
        for field, value, evidence in values:
            self._add(line, field, value, evidence)
        return True

    # -- pass 3: captions (kept once) and repeated lines -----------------------------------------------

    def _mark_captions_and_repeats(self) -> None:
        groups: dict[str, list[int]] = {}
        credits: dict[int, tuple[str, str | None]] = {}
        for index, line in enumerate(self.lines):
            if line.reason is not None or line.is_date:
                continue
            base, credit = _split_credit(line.text)
            credits[index] = (base, credit)
            if len(base.split()) >= 3:
                groups.setdefault(_fold(base), []).append(index)
        caption_found = False
        for members in groups.values():
            if len(members) < 2:
                continue
            has_credit = any(credits[i][1] for i in members)
            adjacent = any(b == a + 1 for a, b in zip(members, members[1:], strict=False))
            if has_credit or adjacent:
                for order, index in enumerate(members):
                    self.lines[index].reason = "caption" if order == 0 else "caption-repeat"
                if not caption_found:
                    caption_found = True
                    # The credit may be glued to a later copy only: "<caption>(Photo: PTI)".
                    credit = next((credits[i][1] for i in members if credits[i][1]), None)
                    self._add_caption(members[0], credits[members[0]][0], credit)
            else:
                for index in members[1:]:
                    self.lines[index].reason = "repeat"
        # A single caption still shows itself by its credit: "Soldiers near Kursk. (AP Photo/Evan Vucci)".
        for index, (base, credit) in credits.items():
            line = self.lines[index]
            if line.reason is None and credit and _looks_like_credit(credit) and len(base.split()) >= 3:
                line.reason = "caption"
                if not caption_found:
                    caption_found = True
                    self._add_caption(index, base, credit)

    def _add_caption(self, index: int, caption: str, credit: str | None) -> None:
        line = self.lines[index]
        self._add(line, "image_caption", caption, "caption")
        if credit:
            self._add(line, "image_credit", credit, "caption")

    # -- pass 4: blocks of numbers (market widgets, price boxes) ---------------------------------------

    def _mark_number_blocks(self) -> None:
        block: list[_Line] = []
        for line in self.lines:
            if block and line.position != block[-1].position + 1:
                self._mark_number_block(block)
                block = []
            block.append(line)
        if block:
            self._mark_number_block(block)

    def _mark_number_block(self, block: list[_Line]) -> None:
        for line in block:
            # "Bitcoin 67,012.30 +2.1%": a quote line, whatever words stand before the numbers.
            is_short = line.words <= 6 and not line.ends_sentence
            if line.reason is None and is_short and _PERCENT_CHANGE.search(line.text):
                line.reason = "ticker"
        numbers = [line for line in block if line.reason is None and not line.is_date and _is_numeric(line)]
        quotes = [line for line in block if line.reason in ("ticker", "price-box")]
        if not numbers and not quotes:
            return
        if len(numbers) == 1 and len(block) == 1 and not quotes:
            numbers[0].reason = "widget"  # a lone counter or list number
            return
        reason = "ticker" if any(_PERCENT_CHANGE.search(line.text) for line in block) else "price-box"
        for line in numbers:
            line.reason = reason
        counted = len(numbers) + len(quotes)
        dense = counted >= 2 and 3 * counted >= len(block)
        for line in block:
            if line.reason is None and (line.is_date or (dense and line.words <= 4 and line.kind == "short")):
                line.reason = reason  # the time stamps, city names and company names of the same box

    # -- pass 5: where the article body is -----------------------------------------------------------

    def _find_body(self) -> tuple[int, int] | None:
        """The run of lines with the most article text, furniture weighing against it (Finn's BTE idea)."""
        values = self._line_values()
        runs = _best_runs(values)
        if not runs:
            return None
        best = max(range(len(runs)), key=lambda i: runs[i][0])
        start, end = runs[best][1], runs[best][2]
        # A byline or dateline box inside an article ("By Nada Tawfik, BBC News, New York") breaks the run;
        # a neighbouring run of several paragraphs just across such a break is the same article. A lone
        # standfirst across the byline is not.
        score = runs[best][0]
        for neighbour in range(best - 1, -1, -1):
            if not self._is_same_article(runs[neighbour][2], start, runs[neighbour], score):
                break
            start = runs[neighbour][1]
        for neighbour in range(best + 1, len(runs)):
            if not self._is_same_article(end, runs[neighbour][1], runs[neighbour], score):
                break
            end = runs[neighbour][2]
        while self.lines[start].reason is not None:  # a run starts and ends on text, not on neutral furniture
            start += 1
        # A short last paragraph ("He declined to comment.") still belongs to the body.
        index = end + 1
        while index < len(self.lines):
            line = self.lines[index]
            if line.reason is None and (line.kind == "sentence" or _is_article_note(line)):
                end = index
            elif line.reason not in _TOLERATED_REASONS:
                break
            index += 1
        return start, end

    def _is_same_article(self, before: int, after: int, run: tuple[float, int, int], best: float) -> bool:
        between = self.lines[before + 1 : after]
        if len(between) > _MAX_BREAK_LINES or any(line.reason in _FINAL_REASONS for line in between):
            return False
        lines = self.lines[run[1] : run[2] + 1]
        paragraphs = sum(1 for line in lines if line.reason is None and line.kind == "prose")
        if paragraphs < 3:
            return False  # a lone standfirst across the byline, a teaser or two across a rail heading
        if all(line.reason in _BYLINE_REASONS for line in between if line.reason in _HARD_REASONS):
            return True
        # Across a "Most Read" box or a menu inside the article only a large part of the article lies.
        return run[0] >= _NEIGHBOUR_SHARE * best

    def _line_values(self) -> list[float | None]:
        """How much each line says "article text here" (None: a hard break no article runs across)."""
        values: list[float | None] = []
        in_list = False
        for index, line in enumerate(self.lines):
            if line.reason in _HARD_REASONS:
                values.append(None)
                in_list = False
                continue
            if line.reason in _TOLERATED_REASONS:
                values.append(0.0)
                continue
            if line.reason in ("ticker", "price-box"):
                # A quote box inside an article is removed but should not split the article in two.
                values.append(-_WIDGET_LINE_COST)
                continue
            if line.reason is not None or line.is_date:
                values.append(-_SHORT_LINE_COST)
                in_list = False
                continue
            if line.kind == "short":
                if in_list and line.words <= 15:
                    values.append(0.0)  # items under "... in ten points:" are the article's list
                elif index + 1 < len(self.lines) and self.lines[index + 1].kind == "prose":
                    values.append(-_HEADING_COST)  # a sub-heading leads into a paragraph, a menu item not
                else:
                    values.append(-_SHORT_LINE_COST)
                continue
            # A one-line sentence counts half: rails have them too ("Tap to read the full story.").
            length = len(line.text) + line.unspaced_letters * (_CHARACTERS_PER_UNSPACED_LETTER - 1)
            surplus = length - _PARAGRAPH_THRESHOLD
            values.append(surplus if line.kind == "prose" else surplus / 2)
            in_list = line.text.endswith(":")
        return values

    # -- pass 6: the head (title, standfirst, byline) and the tail -------------------------------------

    def _read_head(self) -> None:
        start = self.body[0] if self.body else len(self.lines)
        head = self.lines[:start]
        bare_dates = [line for line in head if line.reason is None and line.is_date]
        for line in bare_dates:
            line.reason = "dateline"
        if self.title is None:
            self._pick_title(head)
        # Only a date in the article's own head is its date; above the headline sit today's date and
        # the dates of teasers.
        title_position = max((line.position for line in head if line.reason == "title"), default=-1)
        for line in bare_dates:
            if line.position > title_position:
                self._add(line, "published", line.text, "dateline")
        self._pick_subtitle(head)
        for line in head:
            if line.reason is None:
                line.reason = "nav" if _is_menu_item(line) else "before-body"
        if self.body:
            for line in self.lines[self.body[0] : self.body[1] + 1]:
                if line.reason is None and line.is_date:
                    line.reason = "dateline"

    def _mark_bylines_above_dates(self) -> None:
        for index, line in enumerate(self.lines):
            # A bare time ("10:45 AM") heads a live-blog entry, not an article: only full dates count.
            is_full_date = line.is_date and (_has_month(line.text) or _YEAR.search(line.text) is not None)
            if line.reason == "dateline" or (line.reason is None and is_full_date):
                self._mark_names_above(index)

    def _mark_names_above(self, index: int) -> None:
        # "Sounak Mukhopadhyay" alone on the line just above "Updated28 Oct 2024, ...": the byline.
        above = index - 1
        while above >= 0:
            line = self.lines[above]
            if line.reason is not None or line.words > 8 or line.ends_sentence:
                return
            names = _byline_names(line.bare, needs_lead=False)
            if names is None:
                return
            line.reason = "byline"
            for name in names:
                self._add(line, "author", name, "byline")
            if names:
                return  # above a name sits the headline, however capitalised; above a job title, the name
            above -= 1

    def _pick_title(self, head: list[_Line]) -> None:
        # The headline heads the block of lines just above the byline (or the body); menus, ads and
        # disclaimers sit above that block, so the walk up stops at the first furniture line.
        anchor = next((i for i, line in enumerate(head) if line.reason in ("byline", "dateline")), len(head))
        top = anchor
        while top > 0 and head[top - 1].reason is None:
            top -= 1
        choices = [
            line
            for line in head[top:anchor]
            if line.kind == "short" and 4 <= line.words <= 40 and not line.is_date
        ]
        if not choices:
            return
        # Closest to the byline wins, unless that line is the standfirst: longer than the line above it.
        pick = choices[-1]
        if len(choices) >= 2 and pick.words >= 12 and pick.words > choices[-2].words:
            pick = choices[-2]
        pick.reason = "title"
        self.title = pick.text
        self._add(pick, "title", pick.text, "first-line")

    def _pick_subtitle(self, head: list[_Line]) -> None:
        # The standfirst: the first paragraph-like line after the headline that the byline separates from
        # the body. Without a byline after it, it cannot be told from the first paragraph.
        last_byline = max(
            (i for i, line in enumerate(head) if line.reason in ("byline", "dateline")), default=-1
        )
        title_index = max(
            (i for i, line in enumerate(head) if line.reason in ("title", "header")), default=-1
        )
        for line in head[title_index + 1 : last_byline]:
            if line.reason is None and line.words >= 6 and line.lower_ratio >= 0.3:
                line.reason = "subtitle"
                self._add(line, "subtitle", line.text, "standfirst")
                return

    def _read_tail(self) -> None:
        if self.body is None:
            return
        for line in self.lines[self.body[1] + 1 :]:
            if line.reason is None:
                line.reason = "dateline" if line.is_date else ("nav" if _is_menu_item(line) else "after-body")
        # Bylines and dates below the article belong to the teasers of other stories there. The
        # "First Published" line is the exception: sites print it under their own article.
        last = self.lines[self.body[1]].position
        self.candidates = [
            (position, candidate)
            for position, candidate in self.candidates
            if position <= last or candidate.evidence not in ("byline", "dateline")
        ]

    def _read_site_name(self) -> None:
        for line in self.lines:
            if line.reason != "footer":
                continue
            match = _SITE_IN_FOOTER.search(line.text)
            if match:
                self._add(line, "site_name", match.group("site").rstrip("."), "footer")
                continue
            match = _SITE_IN_COPYRIGHT.match(line.text)
            if match and any(c.isalpha() for c in match.group("site")):
                self._add(line, "site_name", match.group("site").strip(), "copyright-line")
