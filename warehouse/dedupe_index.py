"""The warehouse side of duplicate detection: text-hash and LSH band look-ups as SQL joins.

Implements `tasks.dedupe.DedupeIndex`; only canonical articles (not themselves duplicates) are offered as
matches, so a new copy always points at an original.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from tasks.dedupe import site_key
from tasks.dedupe.stories import COMMON_SHARE, MIN_COMMON

# A band hash shared by this many stored articles means boilerplate, not a copy: more are not worth verifying.
MAX_MATCHES_PER_BAND = 200
_NOT_A_DUPLICATE = "NOT EXISTS (SELECT 1 FROM duplicates AS dup WHERE dup.article_id = a.article_id)"
_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"


class WarehouseIndex:
    """Answers dedupe's questions about stored articles over one open connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def _rows_for(self, query: str, keys: list[str]) -> list[tuple]:
        """Rows of `query`, whose `{ids}` stands for the list `keys`; none without keys."""
        if not keys:
            return []
        return self._con.execute(query.format(ids=_IDS), [list(keys)]).fetchall()

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
        return dict(
            self._rows_for("SELECT article_id, text FROM articles WHERE article_id IN {ids}", article_ids)
        )

    def shingles(self, article_ids: list[str]) -> dict[str, tuple[str, bytes, bytes]]:
        """article_id -> (normalised text hash, packed shingle hashes, packed opening hashes) where stored."""
        rows = self._rows_for(
            "SELECT article_id, normalised_hash, shingles, opening FROM text_shingles "
            "WHERE article_id IN {ids}",
            article_ids,
        )
        return {
            article_id: (text_hash, shingles, opening) for article_id, text_hash, shingles, opening in rows
        }

    def article_versions(self, article_ids: list[str]) -> dict[str, tuple[str, datetime | None, str | None]]:
        """article_id -> (version key, published_at, site) of the stored ones (keys as articles_latest's)."""
        rows = self._rows_for(
            "SELECT article_id, COALESCE(canonical_url, url, article_id), published_at, "
            "COALESCE(canonical_url, url), site FROM articles WHERE article_id IN {ids}",
            article_ids,
        )
        return {
            article_id: (key, published, site_key(url, site))
            for article_id, key, published, url, site in rows
        }

    # -- story clusters ------------------------------------------------------------------------------------

    def story_candidates(
        self, terms: dict[str, frozenset[str]], windows: dict[str, tuple[datetime, datetime]], limit: int
    ) -> dict[str, list[str]]:
        """New article -> stored articles in its time window sharing the most (and rarest) terms with it."""
        rows = [(article_id, term) for article_id, found in terms.items() for term in found]
        if not rows:
            return {}
        wanted = pa.table({"new_id": pa.array([r[0] for r in rows]), "term": pa.array([r[1] for r in rows])})
        spans = pa.table(
            {
                "new_id": pa.array(list(windows)),
                "starts": pa.array([span[0] for span in windows.values()], type=pa.timestamp("us", tz="UTC")),
                "ends": pa.array([span[1] for span in windows.values()], type=pa.timestamp("us", tz="UTC")),
            }
        )
        self._con.register("_story_wanted", wanted)
        self._con.register("_story_spans", spans)
        try:
            found = self._con.execute(
                """
                WITH total AS (SELECT count(*) AS articles FROM story_clusters),
                weights AS (
                    -- Terms most articles carry find everything: only the rarer ones look for candidates.
                    SELECT c.term, ln(1 + total.articles / c.articles) AS idf
                    FROM story_term_counts AS c, total
                    WHERE c.term IN (SELECT DISTINCT term FROM _story_wanted)
                      AND c.articles <= greatest(?, ? * total.articles)
                ),
                wanted AS (
                    SELECT w.new_id, w.term, g.idf FROM _story_wanted AS w JOIN weights AS g USING (term)
                ),
                span AS (SELECT min(starts) AS first, max(ends) AS last FROM _story_spans)
                SELECT w.new_id, t.article_id
                FROM wanted AS w
                JOIN story_terms AS t ON t.term = w.term
                JOIN _story_spans AS s ON s.new_id = w.new_id
                CROSS JOIN span
                -- The whole batch's span first: time-ordered rows let DuckDB skip old row groups unread.
                WHERE t."at" BETWEEN span.first AND span.last
                  AND t."at" BETWEEN s.starts AND s.ends AND t.article_id <> w.new_id
                GROUP BY w.new_id, t.article_id
                HAVING count(*) >= 2
                QUALIFY row_number() OVER (PARTITION BY w.new_id ORDER BY sum(w.idf) DESC, t.article_id) <= ?
                """,
                [MIN_COMMON, COMMON_SHARE, limit],
            ).fetchall()
        finally:
            self._con.unregister("_story_wanted")
            self._con.unregister("_story_spans")
        candidates: dict[str, list[str]] = {}
        for new_id, article_id in found:
            candidates.setdefault(new_id, []).append(article_id)
        return candidates

    def story_terms_of(self, article_ids: list[str]) -> dict[str, frozenset[str]]:
        """article_id -> its stored story terms."""
        rows = self._rows_for(
            "SELECT article_id, list(term) FROM story_terms WHERE article_id IN {ids} GROUP BY article_id",
            article_ids,
        )
        return {article_id: frozenset(terms) for article_id, terms in rows}

    def story_clusters_of(self, article_ids: list[str]) -> dict[str, str]:
        """article_id -> cluster_id of the stored articles that have one."""
        return dict(
            self._rows_for(
                "SELECT article_id, cluster_id FROM story_clusters WHERE article_id IN {ids}", article_ids
            )
        )

    def term_counts(self, terms: list[str]) -> tuple[dict[str, int], int]:
        """Stored articles per term, and the number of clustered articles."""
        total = self._con.execute("SELECT count(*) FROM story_clusters").fetchall()[0][0]
        if not terms:
            return {}, int(total)
        rows = self._con.execute(
            f"SELECT term, articles FROM story_term_counts WHERE term IN {_IDS}", [list(terms)]
        ).fetchall()
        return dict(rows), int(total)
