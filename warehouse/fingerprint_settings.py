"""The parameters a warehouse's stored fingerprints were made with, recorded once and checked by every run.

MinHash band hashes are only comparable when made with the same shingle size, permutations and bands: a run
with other values would silently find no copies among the stored articles, so it is refused instead.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import duckdb

from tasks.dedupe import LEAD_BANDS, LEAD_ROWS, LEAD_WORDS
from tasks.settings import Settings

SETTING_NAME = "fingerprints"
# Bumped whenever the hashing itself changes (shingle hash, permutation family, band hash).
FINGERPRINT_SCHEME = "minhash-blake2b-1"


class FingerprintSettingsMismatch(ValueError):
    """The run's fingerprint parameters differ from those the warehouse's fingerprints were made with."""


def fingerprint_settings(settings: Settings) -> dict[str, Any]:
    """What a stored band hash depends on."""
    return {
        "scheme": FINGERPRINT_SCHEME,
        "shingle_size": settings.shingle_size,
        "num_permutations": settings.num_permutations,
        "bands": settings.bands,
        "lead": [LEAD_WORDS, LEAD_BANDS, LEAD_ROWS],
    }


def check_fingerprint_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Record the parameters where no fingerprints exist yet; refuse other ones where they do."""
    wanted = fingerprint_settings(settings)
    rows = con.execute("SELECT value FROM warehouse_settings WHERE name = ?", [SETTING_NAME]).fetchall()
    stored = json.loads(rows[0][0]) if rows else None
    if stored == wanted:
        return
    has_fingerprints = con.execute("SELECT count(*) FROM (SELECT 1 FROM fingerprints LIMIT 1)").fetchall()[0][
        0
    ]
    if stored is not None and has_fingerprints:
        differences = ", ".join(
            f"{name} {stored.get(name)} (asked: {value})"
            for name, value in wanted.items()
            if stored.get(name) != value
        )
        raise FingerprintSettingsMismatch(
            f"this warehouse's fingerprints were made with {differences}; copies could not be found against "
            "them. Run with the warehouse's values, or start a new warehouse file for the new ones."
        )
    con.execute(
        "INSERT INTO warehouse_settings (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [SETTING_NAME, json.dumps(wanted)],
    ).fetchall()


def stored_fingerprint_settings(con: duckdb.DuckDBPyConnection, settings: Settings) -> Settings:
    """`settings` with the fingerprint parameters the warehouse's fingerprints were made with, if recorded."""
    rows = con.execute("SELECT value FROM warehouse_settings WHERE name = ?", [SETTING_NAME]).fetchall()
    if not rows:
        return settings
    stored = json.loads(rows[0][0])
    return dataclasses.replace(
        settings,
        shingle_size=int(stored.get("shingle_size", settings.shingle_size)),
        num_permutations=int(stored.get("num_permutations", settings.num_permutations)),
        bands=int(stored.get("bands", settings.bands)),
    )
