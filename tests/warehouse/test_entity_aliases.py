"""Tests for warehouse/entity_aliases.py: spellings of one entity across articles, on a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import warehouse
from warehouse.entity_aliases import record_aliases


def _entities(con, rows: list[tuple[str, str, str]]) -> None:
    con.executemany(
        "INSERT INTO entities (article_id, name, type, mentions, first_offset) VALUES (?, ?, ?, 1, 0)", rows
    )


def test_a_rarer_spelling_points_at_the_common_one_and_look_alikes_stay_apart(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        _entities(
            con,
            [
                ("a1", "Volodymyr Zelensky", "PERSON"),
                ("a2", "Volodymyr Zelensky", "PERSON"),
                ("a3", "Volodymyr Zelenskyy", "PERSON"),
                ("a1", "John Smith", "PERSON"),
                ("a3", "Joan Smith", "PERSON"),  # another person, one letter away
                ("a1", "Kyiv", "LOC"),
                ("a3", "Kiev", "LOC"),  # a rename, and too short to judge by spelling
                ("a1", "Deutsche Bahn", "ORG"),
                ("a3", "Deutsche Bank", "ORG"),  # one letter, another company: org names differ by meaning
            ],
        )
        written = record_aliases(con, ["a3"])
        aliases = con.execute("SELECT alias, type, canonical FROM entity_aliases ORDER BY alias").fetchall()
    assert aliases == [("Volodymyr Zelenskyy", "PERSON", "Volodymyr Zelensky")]
    assert written == 1


def test_when_a_spelling_becomes_the_common_one_the_alias_turns_around(warehouse_path: Path) -> None:
    with warehouse.writer(warehouse_path) as con:
        _entities(con, [("a1", "Volodymyr Zelenskiy", "PERSON"), ("a2", "Volodymyr Zelensky", "PERSON")])
        record_aliases(con, ["a2"])
        first = con.execute("SELECT alias, canonical FROM entity_aliases").fetchall()
        _entities(con, [("a3", "Volodymyr Zelensky", "PERSON"), ("a4", "Volodymyr Zelensky", "PERSON")])
        record_aliases(con, ["a3", "a4"])
        later = con.execute("SELECT alias, canonical FROM entity_aliases").fetchall()
    assert first == [("Volodymyr Zelensky", "Volodymyr Zelenskiy")]  # a tie: the first in order wins
    assert later == [("Volodymyr Zelenskiy", "Volodymyr Zelensky")]
