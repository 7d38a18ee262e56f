"""The HTML cleaner on tests/data/extraction-hard: pages written for the project, each with a hard pattern.

Per page (manifest.json): every `must` snippet is in the cleaned text, no `must_not` snippet is, and the
4-token shingle F1 against the page's reference text (NAME.txt) is at least MIN_F1. Tokens are `\\w+`
matches of the lowercased text; shingles are compared as SETS (a repeated 4-gram counts once), as in
bench/templates.py and bench/extraction_own.py. Pages listed under the manifest's "known_failures" key are
strict xfails: the cleaner gets them wrong today (the reason says how), and the test flags them once it
gets them right.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tasks.clean.html import clean_html
from tasks.records import RawDocument

DATA = Path(__file__).resolve().parents[2] / "data" / "extraction-hard"
MANIFEST = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
KNOWN_FAILURES: dict[str, str] = MANIFEST.get("known_failures", {})
PAGES = {name: entry for name, entry in MANIFEST.items() if name != "known_failures"}
MIN_F1 = 0.9
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    tokens = _WORD.findall(text.lower())
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def shingle_f1(extracted: str, reference: str) -> float:
    got, want = shingles(extracted), shingles(reference)
    common = len(got & want)
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def cleaned_text(name: str) -> str:
    html = (DATA / f"{name}.html").read_text(encoding="utf-8")
    raw = html.encode("utf-8")
    doc = RawDocument(
        doc_id=name,
        source="extraction-hard",
        location=f"{name}.html",
        url=PAGES[name]["url"],
        fetched_at=datetime(2024, 6, 1, tzinfo=UTC),
        content_type="text/html",
        charset="utf-8",
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        text=html,
    )
    return clean_html(doc).text


def _params() -> list:
    params = []
    for name in sorted(PAGES):
        marks = []
        if name in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name][:120]))
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def test_the_set_is_complete_and_consistent() -> None:
    names = {path.stem for path in DATA.glob("*.html")}
    assert names == set(PAGES) == {path.stem for path in DATA.glob("*.txt")}
    assert set(KNOWN_FAILURES) <= set(PAGES)
    for name, entry in PAGES.items():
        reference = (DATA / f"{name}.txt").read_text(encoding="utf-8")
        assert entry["must"] and entry["pattern"] and entry["url"]
        assert all(snippet in reference for snippet in entry["must"]), name
        assert not any(snippet in reference for snippet in entry["must_not"]), name


@pytest.mark.parametrize("name", _params())
def test_hard_page(name: str) -> None:
    entry = PAGES[name]
    text = cleaned_text(name)
    reference = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    missing = [snippet for snippet in entry["must"] if snippet not in text]
    leaked = [snippet for snippet in entry["must_not"] if snippet in text]
    assert not missing, f"missing {missing}"
    assert not leaked, f"leaked {leaked}"
    assert shingle_f1(text, reference) >= MIN_F1
