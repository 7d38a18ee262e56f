"""Properties of duplicate detection: stable fingerprints, a well-behaved similarity, and copies found
whatever their case, spacing or quote style.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.dedupe import dedupe_articles
from tasks.dedupe.exact import normalise_text, text_hash
from tasks.dedupe.minhash import band_hashes, containment, jaccard, shingles, signature
from tasks.records import Article, Duplicate
from tasks.settings import Settings

SETTINGS = settings(max_examples=75, deadline=None)
DEDUPE_SETTINGS = Settings()

WORDS = [
    "the", "council", "approved", "bridge", "Minister", "said", "Paris", "café", "naïve", "Zürich", "Łódź",
    "東京", "2024", "4.2", "it's", '"quoted"', "'single'", "«guillemets»", "co-operate", "e-mail", "—",
    "MIXED",
]  # fmt: skip
SPACES = [" ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0", "\u2003", " \n "]
QUOTE_STYLES = {'"': ["“", "”", "„", '"'], "'": ["‘", "’", "'"]}

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=60).map(" ".join)
shingle_sets = st.sets(st.text(min_size=1, max_size=30), max_size=40)


def retyped(text: str, rng: random.Random) -> str:
    """The same text as another CMS might store it: case changed, spacing and quote marks swapped."""
    out = []
    for character in text:
        if character == " ":
            out.append(rng.choice(SPACES))
        elif character in QUOTE_STYLES:
            out.append(rng.choice(QUOTE_STYLES[character]))
        elif character.isascii() and character.isalpha():
            out.append(character.upper() if rng.random() < 0.5 else character.lower())
        else:
            out.append(character)
    return rng.choice(SPACES) + "".join(out) + rng.choice(SPACES)


class EmptyWarehouse:
    """A `DedupeIndex` with nothing stored: the batch is compared with itself only."""

    def articles_by_text_hash(self, hashes: list[str]) -> dict[str, str]:
        return {}

    def band_matches(self, rows: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
        return {}

    def texts(self, article_ids: list[str]) -> dict[str, str]:
        return {}

    def shingles(self, article_ids: list[str]) -> dict[str, tuple[str, bytes, bytes]]:
        return {}

    def article_versions(self, article_ids: list[str]) -> dict[str, tuple[str, datetime | None, str | None]]:
        return {}

    def story_candidates(self, terms: dict, windows: dict, limit: int) -> dict[str, list[str]]:
        return {}

    def story_terms_of(self, article_ids: list[str]) -> dict[str, frozenset[str]]:
        return {}

    def story_clusters_of(self, article_ids: list[str]) -> dict[str, str]:
        return {}

    def term_counts(self, terms: list[str]) -> tuple[dict[str, int], int]:
        return {}, 0


def article(article_id: str, text: str, hour: int) -> Article:
    return Article(
        article_id=article_id,
        doc_id=f"doc-{article_id}",
        source="property",
        url=f"https://{article_id}.example/story",
        canonical_url=None,
        site=None,
        title=None,
        subtitle=None,
        authors=(),
        published_at=datetime(2024, 10, 28, hour, tzinfo=UTC),
        updated_at=None,
        language="en",
        image_url=None,
        image_caption=None,
        text=text,
        word_count=len(text.split()),
        text_sha256=text_hash(text),
    )


@SETTINGS
@given(shingle_sets, st.randoms(use_true_random=False))
def test_signature_and_bands_are_deterministic_and_ignore_set_order(
    shingle_set: set[str], rng: random.Random
) -> None:
    ordered = sorted(shingle_set)
    shuffled = ordered[:]
    rng.shuffle(shuffled)
    first = signature(ordered, DEDUPE_SETTINGS.num_permutations)
    assert np.array_equal(first, signature(shuffled, DEDUPE_SETTINGS.num_permutations))
    bands = band_hashes(first, DEDUPE_SETTINGS.bands)
    assert bands == band_hashes(signature(shuffled, DEDUPE_SETTINGS.num_permutations), DEDUPE_SETTINGS.bands)
    assert len(bands) == DEDUPE_SETTINGS.bands
    assert all(0 <= value < 2**63 for value in bands)  # fits the warehouse's signed BIGINT


@SETTINGS
@given(texts, texts)
def test_jaccard_is_symmetric_and_bounded(first: str, second: str) -> None:
    a, b = shingles(first, DEDUPE_SETTINGS.shingle_size), shingles(second, DEDUPE_SETTINGS.shingle_size)
    assert jaccard(a, b) == jaccard(b, a)
    assert 0.0 <= jaccard(a, b) <= 1.0
    assert jaccard(a, a) == (1.0 if a else 0.0)
    assert 0.0 <= containment(a, b) <= 1.0
    assert jaccard(a, b) <= min(containment(a, b), containment(b, a)) or not (a and b)


@SETTINGS
@given(texts, st.randoms(use_true_random=False))
def test_normalised_hash_ignores_case_spacing_and_quote_style(text: str, rng: random.Random) -> None:
    copy = retyped(text, rng)
    assert normalise_text(copy) == normalise_text(text)
    assert text_hash(copy) == text_hash(text)
    assert text_hash(text + " more") != text_hash(text)


@SETTINGS
@given(texts, st.randoms(use_true_random=False))
def test_an_article_is_an_exact_duplicate_of_its_own_copy(text: str, rng: random.Random) -> None:
    original = article("original", text, hour=9)
    copy = article("copy", retyped(text, rng), hour=11)
    for batch in ([original, copy], [copy, original]):
        result = dedupe_articles(batch, DEDUPE_SETTINGS, EmptyWarehouse())
        assert result.duplicates == [Duplicate("copy", "original", "exact", 1.0)]
        assert {article_id for article_id, _, _ in result.fingerprints} <= {"original", "copy"}


def _reference_normal_form(text: str) -> str:
    """normalise_text as first written (translate, NFKC, translate, casefold, regex): stored text hashes were
    made with it, so every faster way of computing it must give the same string."""
    import re
    import unicodedata

    from tasks.dedupe.exact import _CHARACTER_FOLDS

    folded = unicodedata.normalize("NFKC", text.translate(_CHARACTER_FOLDS)).translate(_CHARACTER_FOLDS)
    return re.sub(r"\s+", " ", folded.casefold()).strip()


@SETTINGS
@given(st.one_of(st.text(), texts, st.text(alphabet=st.characters(max_codepoint=0x3100))))
def test_normal_form_is_the_one_stored_hashes_were_made_with(text: str) -> None:
    assert normalise_text(text) == _reference_normal_form(text)


@SETTINGS
@given(shingle_sets, st.sampled_from([1, 32, 128]), st.integers(min_value=1, max_value=4))
def test_signature_is_the_plain_modulo_formula(words: set[str], permutations: int, seed: int) -> None:
    from tasks.dedupe.minhash import MERSENNE_PRIME, _permutation_parameters, shingle_hashes

    found = signature(words, permutations, seed=seed)
    hashes = [int(value) for value in shingle_hashes(words)]
    multipliers, offsets = _permutation_parameters(permutations, seed)
    for row in range(permutations):
        a, b = int(multipliers[row, 0]), int(offsets[row, 0])
        expected = min(((a * x) % MERSENNE_PRIME + b) % MERSENNE_PRIME for x in hashes) if hashes else None
        assert found[row] == (np.iinfo(np.uint64).max if expected is None else expected)
