"""The warehouse side of duplicate detection: text-hash and LSH band look-ups as SQL joins.

Implements `tasks.dedupe.DedupeIndex`; only canonical articles (not themselves duplicates) are offered as
matches, so a new copy always points at an original.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from tasks.dedupe import site_key

# A band hash shared by this many stored articles means boilerplate, not a copy: more are not worth verifying.
MAX_MATCHES_PER_BAND = 200
_NOT_A_DUPLICATE = "NOT EXISTS (SELECT 1 FROM duplicates AS dup WHERE dup.article_id = a.article_id)"
_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"


class WarehouseIndex:
    """Answers dedupe's questions about stored articles over one open connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def articles_by_text_hash(self, hashes: list[str]) -> dict[str, str]:
        """text_sha256 -> the earliest-published canonical article with that text."""
        if not hashes:
            return {}
        rows = self._con.execute(
            f"SELECT a.text_sha256, a.article_id FROM articles AS a "
            f"WHERE a.text_sha256 IN {_IDS} AND {_NOT_A_DUPLICATE} "
            "QUALIFY row_number() OVER (PARTITION BY a.text_sha256 "
            "ORDER BY a.published_at NULLS LAST, a.loaded_at, a.article_id) = 1",
            [list(hashes)],
        ).fetchall()
        return dict(rows)

    def band_matches(self, rows: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
        """(band, hash) -> canonical articles with that band hash, found by a join inside DuckDB."""
        if not rows:
            return {}
        bands, hashes = zip(*rows, strict=True)
        wanted = pa.table(
            {"band": pa.array(bands, type=pa.int32()), "hash": pa.array(hashes, type=pa.int64())}
        )
        self._con.register("_dedupe_band_rows", wanted)
        try:
            found = self._con.execute(
                "SELECT f.band, f.hash, f.article_id FROM fingerprints AS f "
                "JOIN (SELECT DISTINCT band, hash FROM _dedupe_band_rows) AS w "
                "ON w.band = f.band AND w.hash = f.hash "
                "WHERE NOT EXISTS (SELECT 1 FROM duplicates AS dup WHERE dup.article_id = f.article_id) "
                "QUALIFY row_number() OVER (PARTITION BY f.band, f.hash ORDER BY f.article_id) <= ? "
                "ORDER BY f.band, f.hash, f.article_id",
                [MAX_MATCHES_PER_BAND],
            ).fetchall()
        finally:
            self._con.unregister("_dedupe_band_rows")
        matches: dict[tuple[int, int], list[str]] = {}
        for band, value, article_id in found:
            matches.setdefault((band, value), []).append(article_id)
        return matches

    def texts(self, article_ids: list[str]) -> dict[str, str]:
        """article_id -> text of the stored ones."""
        if not article_ids:
            return {}
        rows = self._con.execute(
            f"SELECT article_id, text FROM articles WHERE article_id IN {_IDS}", [list(article_ids)]
        ).fetchall()
        return dict(rows)

    def article_versions(self, article_ids: list[str]) -> dict[str, tuple[str, datetime | None, str | None]]:
        """article_id -> (version key, published_at, site) of the stored ones (keys as articles_latest's)."""
        if not article_ids:
            return {}
        rows = self._con.execute(
            "SELECT article_id, COALESCE(canonical_url, url, article_id), published_at, "
            f"COALESCE(canonical_url, url), site FROM articles WHERE article_id IN {_IDS}",
            [list(article_ids)],
        ).fetchall()
        return {
            article_id: (key, published, site_key(url, site))
            for article_id, key, published, url, site in rows
        }
