"""Keeping the warehouse honest: integrity checks, runs left behind by killed processes, derived-row deletes.

`check` is what `wirehouse check` prints and what every run records in `runs.checked`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from warehouse.load import raw_bytes
from warehouse.migrations import migrations, schema_version

# Tables whose rows belong to one article; an article_id missing from `articles` makes them orphans.
ARTICLE_CHILD_TABLES = (
    "entities",
    "entity_mentions",
    "quotes",
    "links",
    "dates_mentioned",
    "amounts",
    "fingerprints",
    "text_shingles",
    "story_terms",
    "story_clusters",
)
# The key each table must not repeat (primary keys are enforced by DuckDB; these are checked all the same,
# since a key that is not declared in an old schema could repeat).
TABLE_KEYS = {
    "documents": "doc_id",
    "articles": "article_id",
    "entities": "article_id, name, type",
    "entity_mentions": "article_id, position",
    "quotes": "article_id, position",
    "links": "article_id, position",
    "dates_mentioned": "article_id, position",
    "amounts": "article_id, position",
    "fingerprints": "article_id, band",
    "text_shingles": "article_id",
    "duplicates": "article_id",
    "story_terms": "article_id, term",  # no declared key (see 005_story_clusters.sql): checked here
    "story_clusters": "article_id",
    "story_term_counts": "term",
    "removed_segments": "doc_id, position",
    "rejects": "source, stage, reason",
    "runs": "run_id",
}
_IDS = "(SELECT unnest(CAST(? AS VARCHAR[])))"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the warehouse: which check, how many rows, and an example."""

    check: str
    rows: int
    example: str


def check(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Every article has its document, no orphans, no repeated keys, the schema is current."""
    problems: list[Problem] = []

    def count(name: str, sql: str) -> None:
        found = con.execute(f"SELECT count(*), any_value(CAST(x AS VARCHAR)) FROM ({sql}) AS t(x)").fetchone()
        if found and found[0]:
            problems.append(Problem(name, found[0], found[1] or ""))

    count(
        "article without its document",
        "SELECT a.article_id FROM articles a ANTI JOIN documents d ON d.doc_id = a.doc_id",
    )
    for table in ARTICLE_CHILD_TABLES:
        count(
            f"{table} row without its article",
            f"SELECT c.article_id FROM {table} c ANTI JOIN articles a ON a.article_id = c.article_id",
        )
    count(
        "duplicate of a missing article",
        "SELECT d.article_id FROM duplicates d ANTI JOIN articles a ON a.article_id = d.article_id",
    )
    count(
        "duplicate pointing at a missing original",
        "SELECT d.canonical_id FROM duplicates d ANTI JOIN articles a ON a.article_id = d.canonical_id",
    )
    count(
        "removed segment without its document",
        "SELECT r.doc_id FROM removed_segments r ANTI JOIN documents d ON d.doc_id = r.doc_id",
    )
    for table, key in TABLE_KEYS.items():
        count(
            f"repeated key ({key}) in {table}",
            f"SELECT concat_ws(' / ', {key}) FROM {table} GROUP BY ALL HAVING count(*) > 1",
        )
    latest = max((migration.version for migration in migrations()), default=0)
    current = schema_version(con)
    if current != latest:
        problems.append(Problem("schema version", 1, f"at {current}, the code expects {latest}"))
    return problems


def mark_crashed_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs still 'running' whose process on this machine is gone were killed: mark them crashed."""
    rows = con.execute(
        "SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
        [socket.gethostname()],
    ).fetchall()
    crashed = [run_id for run_id, pid in rows if pid != os.getpid() and not _process_alive(pid)]
    if crashed:
        con.execute(
            f"UPDATE runs SET status = 'crashed', finished_at = current_timestamp WHERE run_id IN {_IDS}",
            [crashed],
        )
    return crashed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def delete_derived(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> int:
    """Delete everything derived from these documents (articles and their rows, copies, removed text).

    The raw documents stay; call inside a transaction that writes the new derived rows, so readers never
    see a document without its article.
    """
    if not doc_ids:
        return 0
    ids = list(doc_ids)
    articles = [
        row[0]
        for row in con.execute(f"SELECT article_id FROM articles WHERE doc_id IN {_IDS}", [ids]).fetchall()
    ]
    if articles:
        terms = [
            term
            for (term,) in con.execute(
                f"SELECT DISTINCT term FROM story_terms WHERE article_id IN {_IDS}", [articles]
            ).fetchall()
        ]
        for table in ARTICLE_CHILD_TABLES:
            con.execute(f"DELETE FROM {table} WHERE article_id IN {_IDS}", [articles])
        if terms:
            # Their terms are carried by fewer articles now: recount them (a term of none goes).
            con.execute(f"DELETE FROM story_term_counts WHERE term IN {_IDS}", [terms])
            con.execute(
                "INSERT INTO story_term_counts (term, articles) "
                f"SELECT term, count(*) FROM story_terms WHERE term IN {_IDS} GROUP BY term",
                [terms],
            )
        con.execute(
            f"DELETE FROM duplicates WHERE article_id IN {_IDS} OR canonical_id IN {_IDS}",
            [articles, articles],
        )
        con.execute(f"DELETE FROM articles WHERE article_id IN {_IDS}", [articles])
    con.execute(f"DELETE FROM removed_segments WHERE doc_id IN {_IDS}", [ids])
    # Clean/extract rejects of these documents are derived too: re-processing decides them again.
    con.execute(
        "DELETE FROM rejects WHERE stage IN ('clean', 'extract') "
        f"AND source IN (SELECT location FROM documents WHERE doc_id IN {_IDS})",
        [ids],
    )
    return len(articles)


def document_ids(con: duckdb.DuckDBPyConnection, since: str | None = None) -> list[str]:
    """Ids of stored documents, oldest first; `since` limits them to those fetched from that time on."""
    rows = con.execute(
        "SELECT doc_id FROM documents WHERE ($since IS NULL OR fetched_at >= CAST($since AS TIMESTAMPTZ)) "
        "ORDER BY fetched_at, doc_id",
        {"since": since},
    ).fetchall()
    return [doc_id for (doc_id,) in rows]


def stored_documents(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[dict[str, object]]:
    """The stored rows of these documents with their bytes as read, for re-processing without re-fetching."""
    if not doc_ids:
        return []
    cursor = con.execute(
        "SELECT doc_id, source, location, url, fetched_at, content_type, charset, raw, raw_encoding, "
        f"raw_sha256 FROM documents WHERE doc_id IN {_IDS} ORDER BY fetched_at, doc_id",
        [list(doc_ids)],
    )
    columns = [description[0] for description in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["raw"] = raw_bytes(row["raw"], row.pop("raw_encoding"))
    return rows
