"""Benchmark of tasks/clean/html.py on the extraction-dev pages: snippet precision/recall/F1 and pages/s.

Usage: PYTHONPATH=. python bench/extraction_dev.py [DATA_DIR] [--failures N] [--only NAME] [--no-baseline]
DATA_DIR defaults to ../shared/data/extraction-dev next to the repository; trafilatura runs too if importable.
Speed is extraction only (decoding is done first), in one process on one core.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tasks.clean.html import clean_html
from tasks.ingest.decode import DecodeError, decode_bytes
from tasks.records import RawDocument

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "extraction-dev"


@dataclass
class Page:
    name: str
    url: str
    html: str
    raw: bytes
    charset: str
    expected: list[str]
    unwanted: list[str]


@dataclass
class Score:
    true_positives: int = 0
    false_negatives: int = 0
    false_positives: int = 0
    true_negatives: int = 0
    seconds: float = 0.0
    pages: int = 0

    def line(self, name: str) -> str:
        tp, fn, fp, tn = self.true_positives, self.false_negatives, self.false_positives, self.true_negatives
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        accuracy = (tp + tn) / (tp + tn + fp + fn) if tp + tn + fp + fn else 0.0
        speed = self.pages / self.seconds if self.seconds else 0.0
        return (
            f"{name:<12} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  accuracy {accuracy:.3f}"
            f"  |  {self.pages} pages in {self.seconds:.2f}s = {speed:.0f} pages/s"
        )


def decode(raw: bytes) -> tuple[str, str]:
    """Bytes to text as the pipeline's reader decodes them (`tasks.ingest.decode`: BOM, a declared charset
    that decodes cleanly, UTF-8 with a few broken sequences, detection, mojibake repair), so the bench
    scores what a run would land. Every extractor in the comparison gets this same text."""
    try:
        decoded = decode_bytes(raw, declared_type="text/html")
    except DecodeError:
        return raw.decode("utf-8", "replace"), "utf-8"
    return decoded.text, decoded.charset


def load(data_dir: Path, only: str | None) -> list[Page]:
    expectations = json.loads((data_dir / "expectations.json").read_text(encoding="utf-8"))
    pages = []
    for name, expected in sorted(expectations.items()):
        if only and only not in name:
            continue
        path = data_dir / "pages" / f"{name}.gz"
        if not path.exists():
            continue
        raw = gzip.decompress(path.read_bytes())
        html, charset = decode(raw)
        pages.append(
            Page(
                name,
                expected.get("url", ""),
                html,
                raw,
                charset,
                expected.get("with", []),
                expected.get("without", []),
            )
        )
    return pages


def raw_document(page: Page, source: str = "extraction-dev") -> RawDocument:
    """A page as the fetcher hands it to the cleaner (any record with name, url, html, raw, charset)."""
    return RawDocument(
        doc_id=page.name,
        source=source,
        location=page.name,
        url=page.url or None,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        content_type="text/html",
        charset=page.charset,
        raw=page.raw,
        raw_sha256=hashlib.sha256(page.raw).hexdigest(),
        text=page.html,
    )


def evaluate(pages: list[Page], extract: Callable[[Page], str], failures: int, label: str) -> Score:
    score = Score()
    texts = []
    started = time.perf_counter()
    for page in pages:
        texts.append(extract(page))
    score.seconds = time.perf_counter() - started
    score.pages = len(pages)
    shown = 0
    for page, text in zip(pages, texts, strict=True):
        missing = [snippet for snippet in page.expected if snippet not in text]
        leaked = [snippet for snippet in page.unwanted if snippet in text]
        score.true_positives += len(page.expected) - len(missing)
        score.false_negatives += len(missing)
        score.false_positives += len(leaked)
        score.true_negatives += len(page.unwanted) - len(leaked)
        if (missing or leaked) and shown < failures:
            shown += 1
            print(f"--- [{label}] {page.name} ({len(text)} chars)")
            for snippet in missing:
                print(f"    missing: {snippet[:100]!r}")
            for snippet in leaked:
                print(f"    leaked:  {snippet[:100]!r}")
    return score


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--failures", type=int, default=0, help="print the first N pages with a wrong snippet"
    )
    parser.add_argument("--only", help="only pages whose name contains this")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura even if importable")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pages = load(args.data_dir, args.only)
    print(f"loaded and decoded {len(pages)} pages in {time.perf_counter() - started:.1f}s")
    documents = {page.name: raw_document(page) for page in pages}

    errors: list[str] = []

    def wirehouse(page: Page) -> str:
        cleaned = clean_html(documents[page.name])
        if any(segment.reason == "extraction-error" for segment in cleaned.removed):
            errors.append(page.name)
        return cleaned.text

    # The first pass starts with empty class-name caches (990 different sites); a second pass over the same
    # pages shows the speed once a site's class names are known, as in a crawl of many pages per site.
    print(evaluate(pages, wirehouse, args.failures, "wirehouse").line("wirehouse"))
    started = time.perf_counter()
    for page in pages:
        clean_html(documents[page.name])
    warm = time.perf_counter() - started
    print(f"wirehouse    second pass, warm caches: {len(pages) / warm:.0f} pages/s")
    if errors:
        print(f"wirehouse    {len(errors)} pages hit an extraction-error (a bug): {', '.join(errors[:10])}")
    if args.no_baseline:
        return
    try:
        import trafilatura
    except ImportError:
        print("trafilatura   not importable: skipped (reference figures are in the data set's README)")
        return

    def baseline(page: Page) -> str:
        return trafilatura.extract(page.html, url=page.url or None) or ""

    print(evaluate(pages, baseline, 0, "trafilatura").line("trafilatura"))


if __name__ == "__main__":
    main(sys.argv[1:])
