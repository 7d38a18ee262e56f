"""Steps the run's CPU pool runs that chain two stages, so a worker's output is not shipped back to it.

Each takes a chunk of items and returns what it made of them and the items it rejected (`flows.parallel`).
"""

from __future__ import annotations

from tasks.dedupe import TextFingerprint, fingerprint_articles
from tasks.extract import extract_articles
from tasks.records import Article, CleanDocument, Reject
from tasks.settings import Settings


def extract_and_fingerprint(
    cleaned: list[CleanDocument], settings: Settings
) -> tuple[list[tuple[Article, TextFingerprint]], list[Reject]]:
    """Extract each document's article and fingerprint its text in one worker call: an article crosses
    between processes once, not three times (back, out again for its fingerprint, and back)."""
    articles, rejects = extract_articles(cleaned, settings)
    fingerprints, _ = fingerprint_articles(articles, settings)
    return list(zip(articles, fingerprints, strict=True)), rejects
