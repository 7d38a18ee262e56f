"""Cross-article aliases: one entity written several ways across the warehouse ("Zelensky" / "Zelenskyy").

Owns `record_aliases`, run by the loader after a batch's entities land. A name is an alias of a similar name
of the same type that more articles use: for people, the same first names and a surname spelt within two
letters of the other ("Volodymyr Zelensky" / "Volodymyr Zelenskyy"); for organisations and places, names of
six letters or more within one letter. Conservative on purpose: "Joan Smith" is never "John Smith" (first
names must match), and short names are left alone ("Kiev" / "Kyiv" is a rename, not a spelling).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

# Names that share their first four characters and type with a batch name are compared; the similarity
# bound keeps unrelated names with a small edit distance apart.
_SQL = """
WITH batch AS (
    SELECT DISTINCT name, type FROM entities
    WHERE article_id IN (SELECT unnest(CAST(? AS VARCHAR[])))
),
names AS (
    SELECT e.name, e.type, count(DISTINCT e.article_id) AS articles
    FROM entities AS e
    WHERE (left(e.name, 4), e.type) IN (SELECT left(name, 4), type FROM batch)
    GROUP BY e.name, e.type
),
pairs AS (
    SELECT
        a.name AS alias,
        a.type,
        b.name AS canonical,
        jaro_winkler_similarity(a.name, b.name) AS similarity,
        b.articles
    FROM names AS a
    JOIN names AS b
      ON b.type = a.type
     AND left(b.name, 4) = left(a.name, 4)
     AND b.name <> a.name
     AND (b.articles > a.articles OR (b.articles = a.articles AND b.name < a.name))
    WHERE jaro_winkler_similarity(a.name, b.name) >= 0.93
      AND CASE
            WHEN a.type = 'PERSON' THEN
                len(string_split(a.name, ' ')) >= 2
                AND len(string_split(a.name, ' ')) = len(string_split(b.name, ' '))
                -- everything but the surname is the same; the surnames differ by at most two letters
                AND list_slice(string_split(a.name, ' '), 1, -2)
                    = list_slice(string_split(b.name, ' '), 1, -2)
                AND levenshtein(a.name, b.name) <= 2
            ELSE length(a.name) >= 6 AND levenshtein(a.name, b.name) <= 1
          END
)
SELECT alias, type, arg_max(canonical, articles), max(similarity)
FROM pairs
WHERE (alias, type) IN (SELECT name, type FROM names)
GROUP BY alias, type
"""


def record_aliases(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> int:
    """Find the aliases among the names these articles use and the warehouse's; returns rows written."""
    if not article_ids:
        return 0
    found = con.execute(_SQL, [list(article_ids)]).fetchall()
    if not found:
        return 0
    aliases, kinds, canonicals, similarities = (list(column) for column in zip(*found, strict=True))
    rows = pa.table(
        {
            "alias": pa.array(aliases, pa.string()),
            "type": pa.array(kinds, pa.string()),
            "canonical": pa.array(canonicals, pa.string()),
            "similarity": pa.array(similarities, pa.float64()),
        }
    )
    # Set-based, one statement each (executemany ran one statement per row).
    con.register("_found_aliases", rows)
    try:
        # A name that has become the more common spelling stops being an alias of the other one.
        con.execute(
            "DELETE FROM entity_aliases AS e "
            "USING (SELECT DISTINCT canonical, type FROM _found_aliases) AS f "
            "WHERE e.alias = f.canonical AND e.type = f.type"
        ).fetchall()
        con.execute(
            "INSERT INTO entity_aliases (alias, type, canonical, similarity) "
            "SELECT alias, type, canonical, similarity FROM _found_aliases "
            "ON CONFLICT (alias, type) DO UPDATE SET canonical = excluded.canonical, "
            "similarity = excluded.similarity"
        ).fetchall()
    finally:
        con.unregister("_found_aliases")
    return len(found)
