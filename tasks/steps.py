"""Steps the run's CPU pool runs that chain two stages, so a worker's output is not shipped back to it.

Each takes a chunk of items and returns what it made of them and the items it rejected (`flows.parallel`).
"""

from __future__ import annotations

import dataclasses

from tasks.clean import clean_documents
from tasks.dedupe import TextFingerprint, fingerprint_articles
from tasks.extract import extract_articles
from tasks.ingest.files import read_file
from tasks.records import Article, CleanDocument, RawDocument, Reject, SourceItem
from tasks.settings import Settings


def extract_and_fingerprint(
    cleaned: list[CleanDocument], settings: Settings
) -> tuple[list[tuple[Article, TextFingerprint]], list[Reject]]:
    """Extract each document's article and fingerprint its text in one worker call: an article crosses
    between processes once, not three times (back, out again for its fingerprint, and back)."""
    articles, rejects = extract_articles(cleaned, settings)
    fingerprints, _ = fingerprint_articles(articles, settings)
    return list(zip(articles, fingerprints, strict=True)), rejects


def read_and_clean_files(
    items: list[SourceItem], *, max_bytes: int
) -> tuple[list[tuple[RawDocument | Reject, CleanDocument | Reject | None]], list[Reject]]:
    """Read, decode and clean each file in one worker call: the page's decoded text never leaves the worker,
    and its bytes cross once (back, for the warehouse), instead of decoded text and bytes going back and out
    again to be cleaned. Per item: the document (its text dropped) and what cleaning made of it, or the
    read's reject and None."""
    made: list[tuple[RawDocument | Reject, CleanDocument | Reject | None]] = []
    for item in items:
        document = read_file(item, max_bytes=max_bytes)
        if isinstance(document, Reject):
            made.append((document, None))
            continue
        cleaned, rejects = clean_documents([document])
        made.append((dataclasses.replace(document, text=""), cleaned[0] if cleaned else rejects[0]))
    return made, []
