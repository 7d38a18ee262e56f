"""Run settings: flow parameters become one `Settings` object that every step receives.

Steps never read the environment or globals; what they may vary on arrives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a step may vary on, with the defaults a first run should use."""

    batch_size: int = 50
    limit: int | None = None
    # Near-duplicate search: MinHash over word shingles, LSH bands of `rows_per_band` rows each.
    shingle_size: int = 5
    num_permutations: int = 128
    bands: int = 32
    near_duplicate_threshold: float = 0.8
    # Two texts that open with the same words (a copy edited further down) are copies from this similarity.
    same_opening_threshold: float = 0.5
    # Story clusters: an article joins the cluster of the most similar article published within this many
    # days before or after it, when their story terms' IDF-weighted Jaccard reaches the threshold.
    story_threshold: float = 0.26
    story_window_days: float = 3.0
    # Used when a time has a zone abbreviation (or none) and the page gives no evidence for its zone.
    default_timezone: str = "UTC"
    max_document_bytes: int = 20_000_000
    # Entities, quotes, dates and amounts are read from at most this much of an article's text: a real
    # article is far shorter, and a 15 MB "article" (a data dump) would otherwise cost minutes and GBs.
    max_extract_chars: int = 300_000
    # What types entities (tasks/extract/ner.py): a spaCy pipeline, the built-in rules, or spaCy where it and
    # a pipeline for the article's language are installed (auto). `ner_model` names the spaCy pipeline (a
    # package name or a saved pipeline's folder); empty: the installed one for the article's language.
    ner: Literal["auto", "rules", "spacy"] = "auto"
    ner_model: str | None = None

    @property
    def rows_per_band(self) -> int:
        return self.num_permutations // self.bands
