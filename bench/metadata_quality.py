"""Metadata accuracy (issue #5, must-have 6) on the labelled pages in tests/data/metadata-gold.

Usage: PYTHONPATH=. python bench/metadata_quality.py [--gold DIR] [--errors] [--timezone ZONE]

Each page goes through the real path: a RawDocument as the fetcher hands it over (the URL and fetch time of
expected.json), clean_html, then resolve_metadata. Per field, the share of pages where the resolved value is
what the gold says, overall and split by whether the page carries JSON-LD. How a value is compared:

- title, site, section, image_credit: equal after collapsing white space (None only equals None);
- authors: the same names, in any order, compared case-insensitively (an empty list when nobody is named);
- language: the same primary subtag ("en-GB" is "en");
- published, updated: a gold time with an offset is right when the resolved instant is the same to the minute;
  a gold date alone ("2024-08-17") when the resolved value falls on that date in its own zone; null when
  nothing is resolved. Among times right to the minute, the share that also carry the page's offset is shown.

The headline figure is issue #5's: published_at exact to the minute on the pages that show a time.
The set's conventions (what counts as an author, how titles lose site suffixes, how zones are judged) are in
tests/data/metadata-gold/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tasks.clean.html import clean_html  # noqa: E402
from tasks.extract.metadata import Metadata, resolve_metadata  # noqa: E402
from tasks.records import RawDocument  # noqa: E402

DEFAULT_GOLD = REPO / "tests" / "data" / "metadata-gold"
FIELDS = ("title", "authors", "published", "updated", "site", "section", "language", "image_credit")
TARGET_PUBLISHED_MINUTE = 0.95
GROUPS = ("all", "with JSON-LD", "without JSON-LD")


@dataclass
class Outcome:
    """One page's resolved metadata against its gold values."""

    name: str
    gold: dict[str, Any]
    meta: Metadata
    right: dict[str, bool]
    offset_right: dict[str, bool] = field(default_factory=dict)


@dataclass
class Report:
    """Per-field accuracy by group, the headline published figure and the pages behind them."""

    outcomes: list[Outcome]
    accuracy: dict[str, dict[str, float]]  # group -> field -> share of pages right
    counts: dict[str, dict[str, tuple[int, int]]]  # group -> field -> (right, pages)
    published_minute: tuple[int, int]  # right, pages that show a time
    published_offset: tuple[int, int]  # offset also right, among published right to the minute

    @property
    def published_minute_share(self) -> float:
        right, total = self.published_minute
        return right / total if total else 0.0


def load_gold(gold_dir: Path = DEFAULT_GOLD) -> dict[str, dict[str, Any]]:
    """expected.json: page name -> its gold record."""
    return json.loads((gold_dir / "expected.json").read_text(encoding="utf-8"))


def raw_document(name: str, gold: dict[str, Any], gold_dir: Path = DEFAULT_GOLD) -> RawDocument:
    """A gold page as the fetcher would hand it to the cleaner."""
    raw = (gold_dir / gold["file"]).read_bytes()
    return RawDocument(
        doc_id=name,
        source="metadata-gold",
        location=gold["file"],
        url=gold["url"],
        fetched_at=datetime.fromisoformat(gold["fetched_at"]),
        content_type="text/html",
        charset="utf-8",
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        text=raw.decode("utf-8"),
    )


def _text(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


def _same_time(expected: str | None, got: datetime | None) -> tuple[bool, bool]:
    """(right, offset also right) for a gold time or date against a resolved time."""
    if expected is None:
        return got is None, got is None
    if got is None:
        return False, False
    if len(expected) == 10:  # a date alone
        same = got.date() == date.fromisoformat(expected)
        return same, same
    want = datetime.fromisoformat(expected)
    same = int(want.timestamp()) // 60 == int(got.timestamp()) // 60
    return same, same and want.utcoffset() == got.utcoffset()


def compare(gold: dict[str, Any], meta: Metadata) -> tuple[dict[str, bool], dict[str, bool]]:
    """Per field, whether the resolved value is the gold one; for times, whether the offset is too."""
    right = {
        "title": _text(meta.title) == _text(gold["title"]),
        "authors": sorted(a.casefold() for a in meta.authors)
        == sorted(a.casefold() for a in gold["authors"]),
        "site": _text(meta.site) == _text(gold["site"]),
        "section": _text(meta.section) == _text(gold["section"]),
        "image_credit": _text(meta.image_credit) == _text(gold["image_credit"]),
        "language": (meta.language or "").split("-")[0].lower() == (gold["language"] or ""),
    }
    offsets = {}
    for name, value in (("published", meta.published_at), ("updated", meta.updated_at)):
        right[name], offsets[name] = _same_time(gold[name], value)
    return right, offsets


def score(gold_dir: Path = DEFAULT_GOLD, default_timezone: str = "UTC") -> Report:
    """Run every gold page through clean_html + resolve_metadata and compare field by field."""
    outcomes = []
    for name, gold in load_gold(gold_dir).items():
        doc = clean_html(raw_document(name, gold, gold_dir))
        meta = resolve_metadata(doc, default_timezone=default_timezone)
        right, offsets = compare(gold, meta)
        outcomes.append(Outcome(name, gold, meta, right, offsets))
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for group in GROUPS:
        members = [
            o for o in outcomes if group == "all" or o.gold["has_json_ld"] == (group == "with JSON-LD")
        ]
        counts[group] = {name: (sum(o.right[name] for o in members), len(members)) for name in FIELDS}
    accuracy = {
        group: {name: (right / total if total else 0.0) for name, (right, total) in fields.items()}
        for group, fields in counts.items()
    }
    timed = [o for o in outcomes if o.gold["shows_time"]]
    minute = [o for o in timed if o.right["published"]]
    return Report(
        outcomes=outcomes,
        accuracy=accuracy,
        counts=counts,
        published_minute=(len(minute), len(timed)),
        published_offset=(sum(o.offset_right["published"] for o in minute), len(minute)),
    )


def published_line(report: Report) -> str:
    """Issue #5's figure, as printed here and by bench/extract_quality.py."""
    right, total = report.published_minute
    share = report.published_minute_share
    verdict = "meets" if share >= TARGET_PUBLISHED_MINUTE else "BELOW"
    return (
        f"published_at exact to the minute on pages that show a time: {share:.3f} ({right}/{total})   "
        f"target {TARGET_PUBLISHED_MINUTE:.2f} ({verdict})"
    )


def print_report(report: Report, errors: bool = False) -> None:
    pages = len(report.outcomes)
    with_ld = report.counts["with JSON-LD"]["title"][1]
    print(f"METADATA GOLD  {pages} pages ({with_ld} with JSON-LD, {pages - with_ld} without)")
    print(f"  {'field':<13}" + "".join(f"{group:>18}" for group in GROUPS))
    for name in FIELDS:
        cells = []
        for group in GROUPS:
            right, total = report.counts[group][name]
            cells.append(f"{report.accuracy[group][name]:.3f} ({right:>2}/{total:>2})")
        print(f"  {name:<13}" + "".join(f"{cell:>18}" for cell in cells))
    print(f"  {published_line(report)}")
    same, minute = report.published_offset
    print(f"  of those right to the minute, printed in the page's own offset: {same}/{minute}")
    if errors:
        print()
        for name in FIELDS:
            misses = [o for o in report.outcomes if not o.right[name]]
            print(f"--- {name} ({len(misses)} missed)")
            for outcome in misses:
                print(
                    f"    {outcome.name}: gold {outcome.gold[name]!r} got {resolved_value(outcome, name)!r}"
                )
                how = outcome.meta.evidence.get(_EVIDENCE_KEY.get(name, name))
                if how:
                    print(f"        evidence: {how}")
        wrong_offset = [
            o for o in report.outcomes if o.right["published"] and not o.offset_right["published"]
        ]
        print(f"--- published right to the minute, in another offset ({len(wrong_offset)})")
        for outcome in wrong_offset:
            got = resolved_value(outcome, "published")
            print(f"    {outcome.name}: gold {outcome.gold['published']!r} got {got!r}")


_EVIDENCE_KEY = {"published": "published_at", "updated": "updated_at"}


def resolved_value(outcome: Outcome, name: str) -> Any:
    """The resolved value of a gold field, printable (times in ISO 8601)."""
    meta = outcome.meta
    value = {
        "published": meta.published_at,
        "updated": meta.updated_at,
        "authors": list(meta.authors),
    }.get(name, getattr(meta, name, None))
    return value.isoformat() if isinstance(value, datetime) else value


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="the metadata-gold folder")
    parser.add_argument("--errors", action="store_true", help="list every miss with the resolver's evidence")
    parser.add_argument("--timezone", default="UTC", help="default_timezone given to resolve_metadata")
    args = parser.parse_args(argv)
    print_report(score(args.gold, args.timezone), errors=args.errors)


if __name__ == "__main__":
    main(sys.argv[1:])
