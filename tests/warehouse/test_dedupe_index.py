"""Tests for warehouse/dedupe_index.py: dedupe's look-ups answered by SQL over stored articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import warehouse
from tasks.records import Duplicate


def test_index_answers_with_canonical_articles_only(warehouse_path: Path, make_article) -> None:
    original = make_article("art-1", published_at=datetime(2025, 1, 1, tzinfo=UTC))
    copy = make_article("art-2")
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(
            con,
            "run-1",
            articles=[original, copy],
            fingerprints=[("art-1", 0, 7), ("art-1", 1, 8), ("art-2", 0, 7)],
            duplicates=[Duplicate("art-2", "art-1", "exact", 1.0)],
        )
        index = warehouse.WarehouseIndex(con)
        assert index.articles_by_text_hash([original.text_sha256, "f" * 64]) == {
            original.text_sha256: "art-1"
        }
        assert index.band_matches([(0, 7), (1, 8), (1, 7), (2, 99)]) == {(0, 7): ["art-1"], (1, 8): ["art-1"]}
        assert index.texts(["art-1", "missing"]) == {"art-1": original.text}
        assert index.article_versions(["art-2"]) == {
            "art-2": ("https://news.example/art-2", datetime(2025, 1, 7, 8, 0, tzinfo=UTC), "news.example")
        }
        assert index.band_matches([]) == {} and index.texts([]) == {}


def test_band_hashes_use_the_full_bigint_range(warehouse_path: Path, make_article) -> None:
    large = (1 << 63) - 1
    with warehouse.writer(warehouse_path) as con:
        warehouse.load_batch(con, "run-1", articles=[make_article()], fingerprints=[("art-1", -1, large)])
        assert warehouse.WarehouseIndex(con).band_matches([(-1, large)]) == {(-1, large): ["art-1"]}
