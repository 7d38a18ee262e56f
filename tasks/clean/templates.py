"""Site templates learnt across pages: text that recurs on most pages of a host is that host's furniture.

Every page's paragraphs are hashed. The warehouse keeps, per host, how many pages it has seen and how many
of them carried each paragraph hash (`host_pages`, `host_blocks`); this batch's own pages count too. A kept
paragraph carried by at least half of a host's pages (and by at least MIN_PAGES of them) is removed as
`template`: the subscription pitch, the disclaimer, the "follow our coverage" line a site prints inside
every article, whatever its markup calls it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tasks.records import CleanDocument, RemovedSegment

# A host must have shown this many pages carrying a paragraph before it counts as template text ...
MIN_PAGES = 5
# ... and they must be at least this share of the host's pages.
MIN_SHARE = 0.5
# Paragraphs outside these lengths are not tracked: tiny labels are caught elsewhere, and a long paragraph
# repeated across a site is rare enough not to be worth the table rows.
MIN_CHARS = 15
MAX_CHARS = 1000
# Template removals are numbered after the cleaner's own segment positions, which never reach this.
POSITION_BASE = 1_000_000
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class HostStats:
    """What the warehouse knows of one host: pages seen, and how many of them carried each block hash."""

    pages: int
    blocks: dict[int, int]


def block_hash(text: str) -> int:
    """A stable 63-bit hash of a paragraph, blind to case, spacing and numbers ("© 2024", "12 comments")."""
    folded = _DIGITS.sub("0", " ".join(text.casefold().split()))
    return int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little") >> 1


def host_of(url: str | None) -> str | None:
    """The host a page belongs to (lower-case, without www.), or None for a local file."""
    if not url or "://" not in url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def paragraph_hashes(paragraphs: Iterable[str]) -> list[int | None]:
    """Each paragraph's block hash, or None for one too short or too long to be tracked."""
    return [block_hash(text) if MIN_CHARS <= len(text) <= MAX_CHARS else None for text in paragraphs]


def page_blocks(paragraphs: Iterable[str]) -> frozenset[int]:
    """The tracked block hashes of a page's paragraphs."""
    return frozenset(value for value in paragraph_hashes(paragraphs) if value is not None)


def apply_templates(documents: Sequence[CleanDocument], stored: dict[str, HostStats]) -> list[CleanDocument]:
    """Remove each page's template paragraphs, learnt from `stored` statistics and this batch's pages.

    Every returned document carries `template_blocks` (its tracked hashes, template ones included), which the
    warehouse adds to the host's statistics when the page is new. A page is never emptied by this step.
    """
    hashes_of = [paragraph_hashes(document.paragraphs) for document in documents]
    blocks_of = [frozenset(value for value in hashes if value is not None) for hashes in hashes_of]
    # This batch's pages, counted once per page (versions of one page share a location).
    batch_pages: dict[str, dict[str, frozenset[int]]] = defaultdict(dict)
    for document, blocks in zip(documents, blocks_of, strict=True):
        host = host_of(document.url)
        if host is not None:
            batch_pages[host][document.location or document.doc_id] = blocks
    templates: dict[str, frozenset[int]] = {}
    for host, pages in batch_pages.items():
        known = stored.get(host, HostStats(0, {}))
        counts: dict[int, int] = defaultdict(int, known.blocks)
        for blocks in pages.values():
            for value in blocks:
                counts[value] += 1
        total = known.pages + len(pages)
        floor = max(MIN_PAGES, MIN_SHARE * total)
        templates[host] = frozenset(value for value, count in counts.items() if count >= floor)
    result = []
    for document, hashes, blocks in zip(documents, hashes_of, blocks_of, strict=True):
        template = templates.get(host_of(document.url) or "", frozenset())
        result.append(_without_templates(document, hashes, blocks, template))
    return result


def _without_templates(
    document: CleanDocument, hashes: list[int | None], blocks: frozenset[int], template: frozenset[int]
) -> CleanDocument:
    kept: list[str] = []
    removed: list[RemovedSegment] = []
    for index, (text, value) in enumerate(zip(document.paragraphs, hashes, strict=True)):
        if value is not None and value in template:
            removed.append(RemovedSegment(POSITION_BASE + index, text[:500], "template"))
        else:
            kept.append(text)
    if not removed or not kept:
        return dataclasses.replace(document, template_blocks=blocks)
    return dataclasses.replace(
        document,
        paragraphs=tuple(kept),
        removed=(*document.removed, *removed),
        template_blocks=blocks,
    )
