"""Benchmark of tasks/clean/html.py on pages with reference texts: 4-shingle P/R/F1, exact matches, pages/s.

Usage: PYTHONPATH=. python bench/extraction_own.py [DATA_DIR] [--pages] [--failures N] [--only NAME]
                                                   [--repeat N] [--no-baseline]
DATA_DIR holds NAME.html + NAME.txt pairs (the reference main text, paragraphs separated by blank lines)
and optionally manifest.json (NAME -> {"url": ...}); it defaults to tests/data/extraction-hard, pages
written for the project. trafilatura (default settings) runs on the same pages in the same run if importable.

Scoring, the standard way: per page, the extracted and the reference text become `\\w+` tokens (lowercased)
and their 4-token shingles, compared as sets; precision = shared / extracted shingles, recall = shared /
reference shingles (an empty extraction scores precision 0). Precision and recall are averaged over pages
and F1 is the harmonic mean of the two averages. Exact-match accuracy is the share of pages whose token
sequence equals the reference's. Speed is extraction only (pages are read and decoded first), in one
process on one core, best of --repeat passes (small sets finish in milliseconds).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_dev import decode, raw_document  # noqa: E402  (bench/ is not a package)

from tasks.clean.html import clean_html  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "extraction-hard"
_WORD = re.compile(r"\w+")
SHINGLE = 4


@dataclass
class Page:
    name: str
    url: str
    html: str
    raw: bytes
    charset: str
    reference: str


@dataclass
class Score:
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    exact: int = 0
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return len(self.precision)

    def figures(self) -> tuple[float, float, float, float]:
        precision = sum(self.precision) / self.pages if self.pages else 0.0
        recall = sum(self.recall) / self.pages if self.pages else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, self.exact / self.pages if self.pages else 0.0

    def line(self, name: str) -> str:
        precision, recall, f1, exact = self.figures()
        speed = self.pages / self.seconds if self.seconds else 0.0
        return (
            f"{name:<12} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  exact {exact:.3f}"
            f"  |  {self.pages} pages in {self.seconds * 1000:.1f} ms = {speed:.0f} pages/s"
        )


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def page_scores(extracted: str, reference: str) -> tuple[float, float, bool]:
    """(precision, recall, exact) of one page: 4-token shingles as sets, exact = same token sequence."""
    got_words, want_words = tokens(extracted), tokens(reference)
    got, want = shingles(got_words), shingles(want_words)
    common = len(got & want)
    precision = common / len(got) if got else 0.0
    recall = common / len(want) if want else 1.0
    return precision, recall, got_words == want_words


def load(data_dir: Path, only: str | None) -> list[Page]:
    manifest_path = data_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    pages = []
    for path in sorted(data_dir.glob("*.html")):
        name = path.stem
        reference_path = path.with_suffix(".txt")
        if (only and only not in name) or not reference_path.exists():
            continue
        raw = path.read_bytes()
        html, charset = decode(raw)
        entry = manifest.get(name)
        url = entry.get("url", "") if isinstance(entry, dict) else ""
        pages.append(Page(name, url, html, raw, charset, reference_path.read_text(encoding="utf-8")))
    return pages


def evaluate(pages: list[Page], extract: Callable[[Page], str], repeat: int) -> tuple[Score, list[str]]:
    score = Score()
    best = float("inf")
    texts: list[str] = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        texts = [extract(page) for page in pages]
        best = min(best, time.perf_counter() - started)
    score.seconds = best
    for page, text in zip(pages, texts, strict=True):
        precision, recall, exact = page_scores(text, page.reference)
        score.precision.append(precision)
        score.recall.append(recall)
        score.exact += exact
    return score, texts


def show_pages(pages: list[Page], scores: dict[str, Score]) -> None:
    labels = list(scores)
    print(f"{'page':<32}" + "".join(f"{label:>24}" for label in labels))
    for index, page in enumerate(pages):
        cells = []
        for label in labels:
            score = scores[label]
            precision, recall = score.precision[index], score.recall[index]
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            cells.append(f"P {precision:.2f} R {recall:.2f} F1 {f1:.2f}")
        print(f"{page.name:<32}" + "".join(f"{cell:>24}" for cell in cells))


def show_failures(pages: list[Page], texts: list[str], score: Score, count: int, label: str) -> None:
    """The `count` pages with the lowest F1: paragraphs missing from the extraction and extra ones in it."""
    ranked = []
    for index in range(len(pages)):
        precision, recall = score.precision[index], score.recall[index]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        ranked.append((f1, index))
    for f1, index in sorted(ranked)[:count]:
        if f1 >= 0.999:
            break
        page, text = pages[index], texts[index]
        got = {" ".join(tokens(paragraph)) for paragraph in text.split("\n\n")}
        want = {" ".join(tokens(paragraph)) for paragraph in page.reference.split("\n\n")}
        print(f"--- [{label}] {page.name}  F1 {f1:.3f}")
        for paragraph in page.reference.split("\n\n"):
            if " ".join(tokens(paragraph)) not in got:
                print(f"    missing: {paragraph.strip()[:100]!r}")
        for paragraph in text.split("\n\n"):
            if " ".join(tokens(paragraph)) not in want:
                print(f"    extra:   {paragraph.strip()[:100]!r}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", action="store_true", help="print per-page precision/recall/F1")
    parser.add_argument("--failures", type=int, default=0, help="print the N worst pages' differences")
    parser.add_argument("--only", help="only pages whose name contains this")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the fastest counts (default 5)")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura even if importable")
    args = parser.parse_args(argv)

    pages = load(args.data_dir, args.only)
    if not pages:
        sys.exit(f"no NAME.html + NAME.txt pairs in {args.data_dir}")
    print(f"{len(pages)} pages from {args.data_dir}")
    documents = {page.name: raw_document(page, "extraction-own") for page in pages}

    def wirehouse(page: Page) -> str:
        return clean_html(documents[page.name]).text

    ours, our_texts = evaluate(pages, wirehouse, args.repeat)
    scores = {"wirehouse": ours}
    print(ours.line("wirehouse"))
    baseline_texts: list[str] = []
    if not args.no_baseline:
        try:
            import trafilatura
        except ImportError:
            trafilatura = None
            print("trafilatura  not importable: skipped")
        if trafilatura is not None:

            def baseline(page: Page) -> str:
                return trafilatura.extract(page.html, url=page.url or None) or ""

            theirs, baseline_texts = evaluate(pages, baseline, args.repeat)
            scores["trafilatura"] = theirs
            print(theirs.line("trafilatura"))
            if theirs.seconds and ours.seconds:
                print(
                    f"speed ratio  wirehouse is {theirs.seconds / ours.seconds:.1f}x as fast as trafilatura"
                )
    if args.pages:
        show_pages(pages, scores)
    if args.failures:
        show_failures(pages, our_texts, ours, args.failures, "wirehouse")
        if baseline_texts:
            show_failures(pages, baseline_texts, scores["trafilatura"], args.failures, "trafilatura")


if __name__ == "__main__":
    main(sys.argv[1:])
