"""Duplicate detection for a batch of articles, against itself and against the warehouse.

Exact copies share a normalised-text hash; near copies are found through MinHash LSH bands (the warehouse
searches its own `fingerprints` table) and confirmed by real Jaccard or containment over word shingles.

Kinds, most specific first: `exact` (the same normalised text), `contained` (one text is a truncation or a
part of the other), `syndicated` (a near copy on another site), `near` (a near copy on the same site).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import numpy as np

from tasks.dedupe.exact import normalise_text, normalised_hash
from tasks.dedupe.minhash import (
    band_hashes,
    containment,
    jaccard,
    pack_hashes,
    shingle_hashes,
    shingles_of_tokens,
    signature_of_hashes,
    tokens_of_normalised,
    unpack_hashes,
)
from tasks.dedupe.stories import OPENING_WORDS as OPENING_WORDS_FOR_STORIES
from tasks.dedupe.stories import StoryIndex, StoryResult, cluster_stories
from tasks.records import Article, Duplicate, Reject
from tasks.settings import Settings

__all__ = ["DedupeIndex", "DedupeResult", "dedupe_articles", "version_key", "LEAD_BANDS", "LEAD_WORDS"]

# A truncated copy keeps the opening paragraphs but shares few whole-text bands with its original (Jaccard
# of a copy cut to a third is ~0.33), so the first words get bands of their own: 16 bands of 2 rows over the
# first 40 words find a copy whose opening differs by an agency credit line (opening Jaccard ~0.7) with
# probability 1 - (1 - 0.7^2)^16 > 0.99. They are stored with negative band numbers (LEAD_BAND_BASE - band)
# so they never collide with the whole-text bands 0 .. bands-1, nor with the lead bands of earlier releases
# (-1 .. -8: 8 bands of 4 rows over 60 words, which missed half the short truncations).
LEAD_WORDS = 40
LEAD_BANDS = 16
LEAD_ROWS = 2
LEAD_BAND_BASE = -101
# Containment is only trusted when the contained text is long enough to be a copy rather than a stock
# phrase: ~25 words of running text.
MIN_CONTAINED_SHINGLES = 20
# The opening words of the shorter text, looked up in the longer one: a copy (truncated or edited) keeps the
# story's opening, while different stories that share a quote or a background paragraph open differently.
OPENING_WORDS = LEAD_WORDS
# A containment match must also share this much of the opening ...
MIN_OPENING_FOR_CONTAINED = 0.5
# ... and with this much of the opening shared, a lower similarity (`same_opening_threshold`) is a copy.
SAME_OPENING = 0.7
# A member of a copy group this much shorter than another that contains it is a truncation of it: never the
# canonical article while the fuller text is in the group ("the most complete article is canonical").
PARTIAL_RATIO = 0.8


class DedupeIndex(StoryIndex, Protocol):
    """What dedupe needs from the warehouse (implemented by `warehouse.WarehouseIndex`)."""

    def articles_by_text_hash(self, hashes: list[str]) -> dict[str, str]:
        """text_sha256 -> article_id of a canonical stored article with that text."""
        ...

    def band_matches(self, rows: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
        """(band, hash) -> ids of canonical stored articles that have that band hash."""
        ...

    def texts(self, article_ids: list[str]) -> dict[str, str]:
        """article_id -> text, for the given ids that are stored."""
        ...

    def shingles(self, article_ids: list[str]) -> dict[str, tuple[str, bytes, bytes]]:
        """article_id -> (normalised text hash, packed shingle hashes, packed opening shingle hashes), for the
        given ids whose shingles are stored (articles loaded before they were kept have none)."""
        ...

    def article_versions(self, article_ids: list[str]) -> dict[str, tuple[str, datetime | None, str | None]]:
        """article_id -> (version key, published_at, site), for the given ids that are stored."""
        ...


@dataclass(frozen=True)
class DedupeResult:
    """Duplicates found in (or caused by) the batch, and the LSH band rows of every new article."""

    duplicates: list[Duplicate]
    fingerprints: list[tuple[str, int, int]]  # (article_id, band, hash)
    stories: StoryResult = StoryResult([], [])  # story clusters of the new articles, and their story terms
    # (article_id, normalised text hash, packed shingle hashes, packed opening hashes) of every new article:
    # stored, so a later batch compares with it without reading and shingling its text again.
    shingles: list[tuple[str, str, bytes, bytes]] = field(default_factory=list)


def version_key(article: Article) -> str:
    """The key under which versions of one page are grouped (same expression as the warehouse views)."""
    return article.canonical_url or article.url or article.article_id


def site_key(url: str | None, site: str | None) -> str | None:
    """Who published an article: the host of its URL (without www.), else its site name."""
    host = urlsplit(url).hostname if url and "://" in url else None
    if host:
        return host.removeprefix("www.")
    return site.strip().casefold() if site and site.strip() else None


@dataclass(slots=True)
class _Features:
    """What comparisons need about one article, stored or new."""

    article_id: str
    version_key: str
    published_at: datetime | None
    text_hashes: frozenset[str]
    # 32-bit hashes of the text's shingles (`shingle_hashes`), and of those of its first OPENING_WORDS words:
    # as packed (`pack_hashes`) until a comparison first needs them, most articles meeting no candidate.
    shingle_source: bytes | frozenset[int]
    opening_source: bytes | frozenset[int]
    order: tuple[int, int]  # (0 stored | 1 batch, position in batch): the tie-break for canonical choice
    site: str | None = None

    @property
    def shingles(self) -> frozenset[int]:
        self.shingle_source = _hash_set(self.shingle_source)
        return self.shingle_source

    @property
    def opening(self) -> frozenset[int]:
        self.opening_source = _hash_set(self.opening_source)
        return self.opening_source


def _hash_set(source: bytes | frozenset[int]) -> frozenset[int]:
    """Shingle hashes as a set, unpacked on first use (then kept: the caller stores the set back)."""
    return source if isinstance(source, frozenset) else unpack_hashes(source)


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    # A naive time is taken as UTC, the same reading the warehouse gives it when loading.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _canonical_order(features: _Features) -> tuple[bool, datetime, tuple[int, int]]:
    # Earliest published first; unknown dates last; ties go to the stored article, then the earlier in batch.
    published = features.published_at or datetime.max.replace(tzinfo=UTC)
    return (features.published_at is None, published, features.order)


def _compare(first: _Features, second: _Features, settings: Settings) -> tuple[str, float] | None:
    """(kind, similarity) when one article copies the other, else None."""
    if first.text_hashes & second.text_hashes:
        return "exact", 1.0
    similarity = jaccard(first.shingles, second.shingles)
    if similarity >= settings.near_duplicate_threshold:
        return _near_kind(first, second), similarity
    part, whole = sorted((first, second), key=lambda features: len(features.shingles))
    if len(part.shingles) < MIN_CONTAINED_SHINGLES:
        return None
    contained = containment(part.shingles, whole.shingles)
    opening = containment(part.opening, whole.shingles)
    if contained >= settings.near_duplicate_threshold and opening >= MIN_OPENING_FOR_CONTAINED:
        return "contained", contained
    # An edited copy: the same opening, a few sentences changed, added or cut further down.
    if opening >= SAME_OPENING and max(similarity, contained) >= settings.same_opening_threshold:
        if len(part.shingles) < PARTIAL_RATIO * len(whole.shingles) and contained > similarity:
            return "contained", contained
        return _near_kind(first, second), max(similarity, contained)
    return None


def _near_kind(first: _Features, second: _Features) -> str:
    """A near copy from another site is syndicated; from the same (or an unknown) site, near."""
    return "syndicated" if first.site and second.site and first.site != second.site else "near"


def _is_partial(member: _Features, members: list[_Features], threshold: float) -> bool:
    """True when a markedly longer member of the group contains this one (a truncated copy of it)."""
    return any(
        other is not member
        and len(member.shingles) < PARTIAL_RATIO * len(other.shingles)
        and containment(member.shingles, other.shingles) >= threshold
        for other in members
    )


def _band_rows(whole: np.ndarray, lead: np.ndarray, settings: Settings) -> list[tuple[int, int]]:
    """LSH band rows of a text from the hashes of its shingles and of its lead's (first LEAD_WORDS words)."""
    if not whole.size:
        # An empty text would share every band with every other empty text.
        return []
    rows = list(enumerate(band_hashes(signature_of_hashes(whole, settings.num_permutations), settings.bands)))
    lead_signature = signature_of_hashes(lead, LEAD_BANDS * LEAD_ROWS, seed=3)
    rows.extend(
        (LEAD_BAND_BASE - band, value) for band, value in enumerate(band_hashes(lead_signature, LEAD_BANDS))
    )
    return rows


def _hashed_shingles(words: list[str], settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the shingles of the words, and of the shingles of the opening words."""
    whole = shingle_hashes(shingles_of_tokens(words, settings.shingle_size))
    opening = shingle_hashes(shingles_of_tokens(words[:OPENING_WORDS], settings.shingle_size))
    return whole, opening


class _Groups:
    """Union-find over article ids; each new article joins at most one existing group."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = item
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        self._parent[item] = root
        return root

    def join(self, item: str, other: str) -> None:
        self._parent[self.find(item)] = self.find(other)

    def members(self, items: Iterable[str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for item in items:
            groups.setdefault(self.find(item), []).append(item)
        return groups


@dataclass(frozen=True, slots=True)
class TextFingerprint:
    """What dedupe compares of a new article's text: pure in (text, settings), so the run's CPU pool makes it
    beside the extraction and the single-writer dedupe step only searches and compares."""

    article_id: str
    normalised_hash: str
    shingles: bytes  # the text's shingle hashes, packed (`pack_hashes`): small to ship and ready to store
    opening: bytes  # those of the shingles of the first OPENING_WORDS words, packed
    opening_words: tuple[str, ...]  # the first OPENING_WORDS_FOR_STORIES words, for story terms
    band_rows: tuple[tuple[int, int], ...]  # (band, hash) LSH rows of the whole text and of its lead


def fingerprint_article(article: Article, settings: Settings) -> TextFingerprint:
    """The shingles, hashes and LSH band rows of one article's text."""
    normalised = normalise_text(article.text)
    words = tokens_of_normalised(normalised)
    whole, opening = _hashed_shingles(words, settings)
    # The lead bands are made over the same first words as the opening shingles.
    lead = opening if LEAD_WORDS == OPENING_WORDS else _hashed_shingles(words[:LEAD_WORDS], settings)[0]
    return TextFingerprint(
        article_id=article.article_id,
        normalised_hash=normalised_hash(normalised),
        shingles=pack_hashes(whole.tolist()),
        opening=pack_hashes(opening.tolist()),
        opening_words=tuple(words[:OPENING_WORDS_FOR_STORIES]),
        band_rows=tuple(_band_rows(whole, lead, settings)),
    )


def fingerprint_articles(
    articles: list[Article], settings: Settings
) -> tuple[list[TextFingerprint], list[Reject]]:
    """Fingerprint a batch (the shape the run's CPU pool maps: what it made, and no rejects)."""
    return [fingerprint_article(article, settings) for article in articles], []


def dedupe_articles(
    articles: list[Article],
    settings: Settings,
    index: DedupeIndex,
    fingerprints: Mapping[str, TextFingerprint] | None = None,
) -> DedupeResult:
    """Mark each article that copies an earlier-published one, in this batch or in the warehouse.

    `fingerprints` are the articles' text fingerprints when already made (by the run's pool); missing ones
    are made here.
    """
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.article_id, article)
    # An article already stored was deduplicated when it was loaded: re-running a batch changes nothing.
    stored = index.article_versions(list(unique))
    fresh = [article for article_id, article in unique.items() if article_id not in stored]
    if not fresh:
        return DedupeResult(duplicates=[], fingerprints=[])

    features: dict[str, _Features] = {}
    band_rows: dict[str, list[tuple[int, int]]] = {}
    opening_words: dict[str, list[str]] = {}
    shingle_rows: list[tuple[str, str, bytes, bytes]] = []
    known = fingerprints or {}
    for position, article in enumerate(fresh):
        fingerprint = known.get(article.article_id) or fingerprint_article(article, settings)
        opening_words[article.article_id] = list(fingerprint.opening_words)
        features[article.article_id] = _Features(
            article_id=article.article_id,
            version_key=version_key(article),
            published_at=_as_utc(article.published_at),
            # The extractor's hash is what the warehouse stores; ours also catches copies it hashed apart.
            text_hashes=frozenset({article.text_sha256, fingerprint.normalised_hash}),
            shingle_source=fingerprint.shingles,
            opening_source=fingerprint.opening,
            order=(1, position),
            site=site_key(article.canonical_url or article.url, article.site),
        )
        band_rows[article.article_id] = list(fingerprint.band_rows)
        shingle_rows.append(
            (article.article_id, fingerprint.normalised_hash, fingerprint.shingles, fingerprint.opening)
        )

    # One round trip per kind of question, for the whole batch: candidate search happens in the warehouse.
    all_hashes = sorted({value for item in features.values() for value in item.text_hashes})
    stored_by_hash = index.articles_by_text_hash(all_hashes)
    all_rows = sorted({row for rows in band_rows.values() for row in rows})
    stored_by_band = index.band_matches(all_rows)
    stored_ids = sorted(set(stored_by_hash.values()) | {i for ids in stored_by_band.values() for i in ids})
    stored_ids = [article_id for article_id in stored_ids if article_id not in features]
    stored_shingles = index.shingles(stored_ids)
    # Articles stored before their shingles were kept: read their text and shingle it here.
    stored_texts = index.texts([article_id for article_id in stored_ids if article_id not in stored_shingles])
    stored_versions = index.article_versions(stored_ids)
    for article_id in stored_ids:
        if article_id not in stored_versions:
            continue
        if article_id in stored_shingles:
            text_hash, packed, packed_opening = stored_shingles[article_id]
            shingle_set, opening = packed, packed_opening
        elif article_id in stored_texts:
            normalised = normalise_text(stored_texts[article_id])
            text_hash = normalised_hash(normalised)
            whole, opening_hashes = _hashed_shingles(tokens_of_normalised(normalised), settings)
            shingle_set, opening = frozenset(whole.tolist()), frozenset(opening_hashes.tolist())
        else:
            continue
        key, published, site = stored_versions[article_id]
        hashes = {value for value, owner in stored_by_hash.items() if owner == article_id}
        features[article_id] = _Features(
            article_id=article_id,
            version_key=key,
            published_at=_as_utc(published),
            text_hashes=frozenset(hashes | {text_hash}),
            shingle_source=shingle_set,
            opening_source=opening,
            order=(0, 0),
            site=site,
        )

    groups = _Groups()
    stored_lookup = _Lookup(by_hash=stored_by_hash, by_band=stored_by_band)
    batch_lookup = _Lookup(by_hash={}, by_band={})
    for article in fresh:
        current = features[article.article_id]
        rows = band_rows[article.article_id]
        candidates = stored_lookup.find(current.text_hashes, rows) | batch_lookup.find(
            current.text_hashes, rows
        )
        match = _best_match(current, candidates, features, settings)
        if match is not None:
            groups.join(article.article_id, match)
        # Added after the search so an article is only ever matched against earlier ones.
        batch_lookup.add(article.article_id, current.text_hashes, rows)

    duplicates = _duplicates_of_groups(groups.members(features), features, settings)
    fingerprints = [
        (article.article_id, band, value)
        for article in fresh
        for band, value in band_rows[article.article_id]
    ]
    stories = cluster_stories(fresh, duplicates, settings, index, opening_words=opening_words)
    return DedupeResult(
        duplicates=duplicates, fingerprints=fingerprints, stories=stories, shingles=shingle_rows
    )


@dataclass(slots=True)
class _Lookup:
    """Where to find articles by text hash and by band: one for the warehouse, one for the batch so far."""

    by_hash: dict[str, str]
    by_band: dict[tuple[int, int], list[str]]

    def find(self, hashes: Iterable[str], rows: Iterable[tuple[int, int]]) -> set[str]:
        found = {self.by_hash[value] for value in hashes if value in self.by_hash}
        for row in rows:
            found.update(self.by_band.get(row, ()))
        return found

    def add(self, article_id: str, hashes: Iterable[str], rows: Iterable[tuple[int, int]]) -> None:
        for value in hashes:
            self.by_hash.setdefault(value, article_id)
        for row in rows:
            self.by_band.setdefault(row, []).append(article_id)


def _best_match(
    current: _Features, candidates: set[str], features: dict[str, _Features], settings: Settings
) -> str | None:
    """The candidate `current` copies most closely: exact, then most similar, then stored, then earliest."""
    best: tuple[tuple[bool, float, int, int], str] | None = None
    for candidate_id in candidates:
        other = features.get(candidate_id)
        # Versions of one page (same canonical URL) are not copies of each other: articles_latest picks one.
        if (
            other is None
            or other.article_id == current.article_id
            or other.version_key == current.version_key
        ):
            continue
        verdict = _compare(current, other, settings)
        if verdict is None:
            continue
        kind, similarity = verdict
        rank = (kind == "exact", similarity, -other.order[0], -other.order[1])
        if best is None or rank > best[0]:
            best = (rank, candidate_id)
    return None if best is None else best[1]


def _duplicates_of_groups(
    groups: dict[str, list[str]], features: dict[str, _Features], settings: Settings
) -> list[Duplicate]:
    """Point every member of a group at its canonical one: the earliest published of the complete texts."""
    found: list[tuple[tuple[int, int], Duplicate]] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        group = [features[member_id] for member_id in members]
        complete = [
            member for member in group if not _is_partial(member, group, settings.near_duplicate_threshold)
        ] or group
        canonical = min(complete, key=_canonical_order)
        for member in sorted(group, key=_canonical_order):
            # Versions of the canonical's own page are not copies of it: articles_latest picks among them.
            if member is canonical or member.version_key == canonical.version_key:
                continue
            member_id = member.article_id
            verdict = _compare(member, canonical, settings)
            if verdict is None:
                # Joined through a chain of copies (A~B, B~C): keep the measured similarity to the canonical.
                part, whole = sorted((member.shingles, canonical.shingles), key=len)
                contained = containment(part, whole)
                similarity = jaccard(member.shingles, canonical.shingles)
                verdict = (
                    ("contained", contained)
                    if contained > similarity
                    else (_near_kind(member, canonical), similarity)
                )
            kind, similarity = verdict
            # A stored article in a group whose canonical is new (an earlier-published original arriving after
            # its copy) becomes a duplicate itself; the warehouse re-points whatever pointed at it.
            found.append(
                (member.order, Duplicate(member_id, canonical.article_id, kind, round(similarity, 6)))
            )
    return [duplicate for _, duplicate in sorted(found, key=lambda item: item[0])]
