"""Story clusters: different articles about one event, grouped incrementally and deterministically.

An article's story terms are its people, organisations and places and the rarer words of its headline and
opening. A new article joins the cluster of the most similar article published within a few days
(IDF-weighted Jaccard over story terms; candidates found by a join inside the warehouse), else it starts a
cluster of its own, named after it. A copy joins its canonical article's cluster. Clusters never reshuffle:
an article keeps the cluster it joined.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Protocol

from tasks.dedupe.exact import normalise_text
from tasks.dedupe.minhash import tokens
from tasks.records import Article, Duplicate
from tasks.settings import Settings

_STOPWORDS_FILE = Path(__file__).with_name("story_stopwords.txt")
# The headline and this many opening words say what a story is about; later paragraphs add background.
OPENING_WORDS = 80
MIN_WORD_LENGTH = 4
# Enough terms to tell events apart, few enough to keep the index small (entities first, then words).
MAX_TERMS = 48
# Candidates must share this many terms with the new article before they are scored.
MIN_SHARED_TERMS = 2
# Articles scored per new article: the stored ones sharing the most term weight (the warehouse's join), and
# as many of this batch's sharing the most terms.
MAX_CANDIDATES = 25
# A term carried by more than this share of articles (and more than MIN_COMMON of them) finds no candidates.
COMMON_SHARE = 0.02
MIN_COMMON = 50
ENTITY_TYPES = frozenset({"PERSON", "ORG", "LOC"})
# Share of the entities' similarity in the score (the words' is the rest). Measured on the syndication
# bench's same-event pairs against other pairs within 3 days: entities alone separate them at pair F1 0.965,
# words alone 0.65, all terms pooled 0.91, entities 0.6 + words 0.4 at 0.975.
ENTITY_WEIGHT = 0.6


@cache
def _stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in _STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(normalise_text(word) for word in line.split())
    return frozenset(words)


def story_terms(article: Article, opening: list[str] | None = None) -> frozenset[str]:
    """The terms that say what an article is about: `e:` entities, then `w:` headline and opening words.

    `opening` is the text's first words as `tokens` gives them, when the caller has them already.
    """
    stopwords = _stopwords()
    terms: list[str] = []
    for entity in sorted(article.entities, key=lambda entity: (-entity.mentions, entity.first_offset)):
        if entity.type in ENTITY_TYPES:
            terms.append("e:" + normalise_text(entity.name))
    if opening is None:
        # The opening words only: 16 characters a word is plenty, and long texts are not tokenised whole.
        opening = tokens(article.text[: OPENING_WORDS * 16])[:OPENING_WORDS]
    words = tokens(article.title or "") + opening[:OPENING_WORDS]
    terms += [
        "w:" + word
        for word in words
        if len(word) >= MIN_WORD_LENGTH and not word.isdigit() and word not in stopwords
    ]
    return frozenset(list(dict.fromkeys(terms))[:MAX_TERMS])


class StoryIndex(Protocol):
    """What clustering needs from the warehouse (implemented by `warehouse.WarehouseIndex`)."""

    def story_candidates(
        self, terms: dict[str, frozenset[str]], windows: dict[str, tuple[datetime, datetime]], limit: int
    ) -> dict[str, list[str]]:
        """New article id -> stored articles in its time window sharing the most terms with it."""
        ...

    def story_terms_of(self, article_ids: list[str]) -> dict[str, frozenset[str]]:
        """article_id -> its stored story terms."""
        ...

    def story_clusters_of(self, article_ids: list[str]) -> dict[str, str]:
        """article_id -> cluster_id, for the stored articles that have one."""
        ...

    def term_counts(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """How many stored articles carry each term, and how many articles have terms at all."""
        ...


@dataclass(frozen=True, slots=True)
class StoryAssignment:
    """An article's place in a story cluster."""

    article_id: str
    cluster_id: str
    similarity: float
    at: datetime


@dataclass(frozen=True, slots=True)
class StoryResult:
    assignments: list[StoryAssignment]
    terms: list[tuple[str, str, datetime]]  # (article_id, term, at)


def _moment(article: Article, now: datetime) -> datetime:
    if article.published_at is None:
        return now
    moment = article.published_at
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _Profile:
    """An article's story terms split into entities and words, with their total weights."""

    entities: frozenset[str]
    words: frozenset[str]
    entity_weight: float
    word_weight: float


class _Weights:
    """Inverse document frequency of terms over the warehouse and this batch, fixed for the batch."""

    def __init__(self, counts: dict[str, int], total: int) -> None:
        self.total = total
        self.idf = {term: math.log(1 + (total + 1) / (count + 1)) for term, count in counts.items()}

    def profile(self, terms: frozenset[str]) -> _Profile:
        entities = frozenset(term for term in terms if term.startswith("e:"))
        words = terms - entities
        idf = self.idf
        return _Profile(
            entities, words, sum(idf.get(t, 0.0) for t in entities), sum(idf.get(t, 0.0) for t in words)
        )

    def _jaccard(
        self, first: frozenset[str], second: frozenset[str], first_weight: float, second_weight: float
    ) -> float:
        """IDF-weighted Jaccard: the weight of the shared terms over the weight of all terms of either."""
        shared = sum(self.idf.get(term, 0.0) for term in first & second)
        union = first_weight + second_weight - shared
        return shared / union if union > 0 else 0.0

    def similarity(self, first: _Profile, second: _Profile) -> float:
        """Entities and words weighed apart: who and where tell events apart better than the words do."""
        words = self._jaccard(first.words, second.words, first.word_weight, second.word_weight)
        if not first.entities and not second.entities:
            return words
        entities = self._jaccard(first.entities, second.entities, first.entity_weight, second.entity_weight)
        return ENTITY_WEIGHT * entities + (1 - ENTITY_WEIGHT) * words


def cluster_stories(
    articles: Sequence[Article],
    duplicates: Sequence[Duplicate],
    settings: Settings,
    index: StoryIndex,
    *,
    now: datetime | None = None,
    opening_words: dict[str, list[str]] | None = None,
) -> StoryResult:
    """Place each new article in a story cluster: its canonical's if it is a copy, else the best match's."""
    if not articles:
        return StoryResult([], [])
    now = now or datetime.now(UTC)
    window = timedelta(days=settings.story_window_days)
    openings = opening_words or {}
    terms = {
        article.article_id: story_terms(article, openings.get(article.article_id)) for article in articles
    }
    moments = {article.article_id: _moment(article, now) for article in articles}
    canonical_of = {duplicate.article_id: duplicate for duplicate in duplicates}

    windows = {article_id: (moment - window, moment + window) for article_id, moment in moments.items()}
    # Copies go where their canonical article is: only the others look for a cluster.
    searching = {article_id: found for article_id, found in terms.items() if article_id not in canonical_of}
    candidates = index.story_candidates(
        searching, {article_id: windows[article_id] for article_id in searching}, MAX_CANDIDATES
    )
    stored_ids = sorted({candidate for found in candidates.values() for candidate in found} - set(terms))
    canonical_ids = sorted({d.canonical_id for d in duplicates} - set(terms))
    stored_terms = index.story_terms_of(stored_ids)
    clusters = index.story_clusters_of(sorted(set(stored_ids) | set(canonical_ids)))
    counts, stored_total = index.term_counts(sorted(set().union(*terms.values(), *stored_terms.values())))
    batch_counts = Counter(term for found in terms.values() for term in found)
    all_counts = {
        term: counts.get(term, 0) + batch_counts.get(term, 0) for term in counts.keys() | batch_counts
    }
    weights = _Weights(all_counts, stored_total + len(terms))
    profiles = {article_id: weights.profile(found) for article_id, found in {**stored_terms, **terms}.items()}
    # Terms carried by a large share of the batch link everything to everything: not used to find candidates.
    common = max(MIN_COMMON, COMMON_SHARE * len(terms))

    # Articles of this batch, found by their rarer terms for the ones placed after them.
    batch_by_term: dict[str, list[str]] = defaultdict(list)
    assignments: list[StoryAssignment] = []
    ordered = sorted(articles, key=lambda article: (moments[article.article_id], article.article_id))
    for article in ordered:
        article_id = article.article_id
        mine = terms[article_id]
        duplicate = canonical_of.get(article_id)
        if duplicate is not None:
            cluster = clusters.get(duplicate.canonical_id, duplicate.canonical_id)
            best: tuple[float, str] | None = (duplicate.similarity, cluster)
        else:
            best = None
            start, end = windows[article_id]
            shared = Counter(other for term in mine for other in batch_by_term.get(term, ()))
            nearby = [
                other
                for other, count in shared.most_common()
                if count >= MIN_SHARED_TERMS and start <= moments[other] <= end
            ][:MAX_CANDIDATES]
            profile = profiles[article_id]
            for other in nearby + [c for c in candidates.get(article_id, []) if c in stored_terms]:
                cluster = clusters.get(other)
                if cluster is None:
                    continue
                score = weights.similarity(profile, profiles[other])
                if score >= settings.story_threshold and (best is None or (score, cluster) > best):
                    best = (score, cluster)
        if best is None:
            best = (1.0, article_id)
        clusters[article_id] = best[1]
        assignments.append(StoryAssignment(article_id, best[1], round(best[0], 6), moments[article_id]))
        for term in mine:
            if batch_counts[term] <= common:
                batch_by_term[term].append(article_id)
    rows = [
        (article_id, term, moments[article_id])
        for article_id, found in terms.items()
        for term in sorted(found)
    ]
    return StoryResult(assignments, rows)
