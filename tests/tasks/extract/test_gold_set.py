"""The gold set in tests/data/extract-gold is well-formed (bench/extract_quality.py scores extractors on it).

These tests check the annotation files only - offsets, types, sizes, dates that parse - never the
extractors' scores, which live in the bench.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tasks.extract.entities import LOC, ORG, PERSON

GOLD = Path(__file__).resolve().parents[2] / "data" / "extract-gold"


def read(name: str) -> list[dict[str, Any]]:
    lines = (GOLD / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def items(name: str, key: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(record, item) for record in read(name) for item in record[key]]


@pytest.mark.parametrize(
    ("name", "key"),
    [("entities", "entities"), ("quotes", "quotes"), ("dates", "dates"), ("amounts", "amounts")],
)
def test_offsets_match_the_surface_text_and_ids_are_unique(name: str, key: str) -> None:
    records = read(name)
    assert len({record["id"] for record in records}) == len(records)
    for record in records:
        spans = sorted((item["start"], item["end"]) for item in record[key])
        for item in record[key]:
            assert 0 <= item["start"] < item["end"] <= len(record["text"]), (record["id"], item)
            assert record["text"][item["start"] : item["end"]] == item["text"], (record["id"], item)
            assert item["text"] == item["text"].strip(), (record["id"], item)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, (record["id"], "overlapping annotations")


def test_entities_have_the_code_types_and_enough_mentions() -> None:
    records = read("entities")
    mentions = items("entities", "entities")
    assert {item["type"] for _, item in mentions} == {PERSON, ORG, LOC}
    assert len(mentions) >= 300 and len(records) >= 80
    for kind in (PERSON, ORG, LOC):
        assert sum(item["type"] == kind for _, item in mentions) >= 80, kind
    for record, item in mentions:
        # Possessives and titles stay outside the span (README conventions).
        assert not item["text"].endswith(("'s", "’s")), (record["id"], item)


def test_quotes_are_whole_quoted_stretches_with_a_kind() -> None:
    quotes = items("quotes", "quotes")
    assert len(quotes) >= 50
    assert {item["kind"] for _, item in quotes} == {"statement", "partial", "scare"}
    for record, item in quotes:
        text = record["text"]
        assert text[item["start"] - 1] in '“"', (record["id"], item)
        assert item["end"] == len(text) or text[item["end"]] in '”"\n', (record["id"], item)
        assert item["speaker"] is None or isinstance(item["speaker"], str)
        if item["kind"] == "scare":
            assert item["speaker"] is None


def test_dates_parse_and_are_ordered() -> None:
    dates = items("dates", "dates")
    assert len(dates) >= 50
    for record, item in dates:
        assert datetime.fromisoformat(record["published"]).tzinfo is not None
        assert date.fromisoformat(item["start_date"]) <= date.fromisoformat(item["end_date"]), record["id"]


def test_amounts_have_numbers_and_units() -> None:
    amounts = items("amounts", "amounts")
    assert len(amounts) >= 40
    for record, item in amounts:
        assert isinstance(item["value"], (int, float)), record["id"]
        assert item["unit"] is None or (isinstance(item["unit"], str) and item["unit"]), record["id"]
