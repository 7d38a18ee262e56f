"""The metadata gold set (tests/data/metadata-gold) is well-formed, and the resolver does not fall below the
accuracy it reached on it. The figures themselves come from `bench/metadata_quality.py`."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

GOLD = Path(__file__).resolve().parents[2] / "data" / "metadata-gold"
KEYS = {
    "file",
    "url",
    "fetched_at",
    "title",
    "authors",
    "published",
    "updated",
    "site",
    "section",
    "language",
    "image_credit",
    "has_json_ld",
    "shows_time",
}
LANGUAGES = {"en", "de", "fr", "es", "it", "nl", "pl", "pt"}
_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::00)?[+-]\d{2}:\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Regression floors: overall accuracy per field on the 54 pages, each set a little under what the resolver
# reached when the set was written (title, site, section, language 54/54; authors, updated and image_credit
# 53/54 = 0.981; published 48/54 = 0.889, then 50/54 = 0.926; published to the minute on the pages showing
# a time 45/51 = 0.882, then 47/51 = 0.922, below issue #5's 0.95 target: see the README's list of misses).
# A floor one or two pages below the figure leaves room for a deliberate trade-off, not a slide. Raise the
# floors when the figures rise.
FLOORS = {
    "title": 0.98,
    "authors": 0.96,
    "published": 0.88,
    "updated": 0.94,
    "site": 0.98,
    "section": 0.98,
    "language": 0.98,
    "image_credit": 0.94,
}
PUBLISHED_MINUTE_FLOOR = 0.88


def _gold() -> dict[str, dict[str, Any]]:
    return json.loads((GOLD / "expected.json").read_text(encoding="utf-8"))


def _bench(project_root: Path) -> ModuleType:
    path = project_root / "bench" / "metadata_quality.py"
    spec = importlib.util.spec_from_file_location("bench_metadata_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_metadata_quality"] = module
    spec.loader.exec_module(module)
    return module


def test_every_page_has_a_complete_record_and_a_file() -> None:
    gold = _gold()
    assert len(gold) >= 50
    pages = {path.name for path in (GOLD / "pages").glob("*.html")}
    assert {Path(record["file"]).name for record in gold.values()} == pages
    for name, record in gold.items():
        assert set(record) == KEYS, name
        assert record["file"] == f"pages/{name}.html"
        assert record["url"].startswith("https://") and ".example/" in record["url"], name
        assert datetime.fromisoformat(record["fetched_at"]).tzinfo is not None, name
        assert record["title"] and record["title"] == record["title"].strip(), name
        assert isinstance(record["authors"], list) and all(a and a == a.strip() for a in record["authors"])
        assert record["language"] in LANGUAGES, name
        assert isinstance(record["has_json_ld"], bool) and isinstance(record["shows_time"], bool)


def test_times_are_minutes_with_an_offset_or_dates_and_agree_with_shows_time() -> None:
    for name, record in _gold().items():
        fetched = datetime.fromisoformat(record["fetched_at"])
        for key in ("published", "updated"):
            value = record[key]
            if value is None:
                continue
            assert _MINUTE.match(value) or _DAY.match(value), (name, key, value)
            if _MINUTE.match(value):
                assert datetime.fromisoformat(value) <= fetched, (name, key, "after the fetch")
        published = record["published"]
        assert record["shows_time"] == bool(published and _MINUTE.match(published)), name
        if record["updated"] and published and _MINUTE.match(record["updated"]) and _MINUTE.match(published):
            assert datetime.fromisoformat(record["updated"]) >= datetime.fromisoformat(published), name


def test_json_ld_flag_matches_the_page_and_both_groups_are_large() -> None:
    gold = _gold()
    for name, record in gold.items():
        html = (GOLD / record["file"]).read_text(encoding="utf-8")
        assert ("application/ld+json" in html) == record["has_json_ld"], name
    with_ld = sum(record["has_json_ld"] for record in gold.values())
    assert with_ld >= 20 and len(gold) - with_ld >= 20
    assert {record["language"] for record in gold.values()} == LANGUAGES


def test_no_page_borrows_from_the_licensed_dev_set() -> None:
    # Every outlet is invented: hosts end in .example, never a real domain.
    for name, record in _gold().items():
        html = (GOLD / record["file"]).read_text(encoding="utf-8")
        hosts = set(re.findall(r"https?://([\w.-]+)", html))
        assert all(host.endswith(".example") or host == "schema.org" for host in hosts), (name, hosts)


@pytest.fixture(scope="module")
def report(project_root: Path) -> Any:
    return _bench(project_root).score(GOLD)


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_field_accuracy_does_not_fall_below_its_floor(report: Any, field: str) -> None:
    misses = [o.name for o in report.outcomes if not o.right[field]]
    assert report.accuracy["all"][field] >= FLOORS[field], misses


def test_published_to_the_minute_does_not_fall_below_its_floor(report: Any) -> None:
    misses = [o.name for o in report.outcomes if o.gold["shows_time"] and not o.right["published"]]
    assert report.published_minute_share >= PUBLISHED_MINUTE_FLOOR, misses
