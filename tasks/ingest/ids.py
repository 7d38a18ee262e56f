"""Stable ids of what ingest reads: every source kind names its documents the same way.

A document id is a hash of where the item came from and its bytes, so a re-read changes nothing.
"""

from __future__ import annotations

import hashlib


def document_id(location: str, raw_sha256: str) -> str:
    """Stable id of one version of one item: the same bytes at the same place give the same id."""
    return hashlib.sha256(f"{location}\x00{raw_sha256}".encode()).hexdigest()[:32]
