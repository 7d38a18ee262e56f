"""Site templates learnt across pages: the gain on a multi-page-per-site set.

Generates sites whose article pages carry furniture *inside* the article body with no telling markup (a
briefing pitch on top, a series note after the second paragraph, an ownership and funding note at the end,
a "support our reporting" line), around generated news stories (bench/syndication_corpus.py). Pages are
cleaned in publication order, in batches, against a real warehouse that learns each host's templates as
it goes; every page is scored twice, by the HTML cleaner alone and with the learnt templates applied.

Scores are the issue's: 4-token shingles of `\\w+` tokens against the page's own story text, precision and
recall per page averaged over pages, F1 of the two; accuracy is the share of pages extracted exactly.

Run: `.venv/bin/python bench/templates.py [--sites 12] [--pages 40] [--batch-size 25]`.
Prints figures; never part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from syndication import raw_document  # noqa: E402
from syndication_corpus import CITIES, headline, make_event, write_story  # noqa: E402

import warehouse  # noqa: E402
from tasks.clean import clean_documents  # noqa: E402
from tasks.clean.templates import apply_templates  # noqa: E402
from tasks.records import CleanDocument  # noqa: E402
from warehouse.templates import host_stats  # noqa: E402

_WORD = re.compile(r"\w+")


@dataclass
class Page:
    url: str
    html: str
    story: list[str]
    published_at: datetime


def site_template(rng: random.Random, name: str, city: str) -> dict[str, str]:
    """Furniture a site prints inside every article, phrased so no keyword or class name gives it away."""
    return {
        "top": f"Get the {name} morning briefing in your inbox every weekday at seven.",
        "series": rng.choice(
            [
                f"This story is part of our series on the future of public services in {city}.",
                f"Our reporters cover {city} and the surrounding region every day of the year.",
            ]
        ),
        "end": f"{name} is an independent newsroom funded by its readers and by the {city} Civic Trust.",
        "ask": rng.choice(
            [
                "Reporting like this takes time and money, and readers like you make it possible.",
                "Tips and corrections reach the city desk through the form on our contact page.",
            ]
        ),
    }


def render(name: str, title: str, story: list[str], template: dict[str, str], published: datetime) -> str:
    paragraphs = [
        template["top"],
        *story[:2],
        template["series"],
        *story[2:],
        template["ask"],
        template["end"],
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title} - {name}</title>"
        f"<meta property='og:site_name' content='{name}'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/city'>City</a> <a href='/sport'>Sport</a></nav>"
        f"<main><article><h1>{title}</h1><p class='meta'>{published:%d %B %Y}</p>{body}</article></main>"
        f"<footer>&copy; {published.year} {name}</footer></body></html>"
    )


def generate(sites: int, pages: int, seed: int) -> list[Page]:
    rng = random.Random(seed)
    start = datetime(2024, 9, 1, tzinfo=UTC)
    result = []
    for number in range(sites):
        city = rng.choice(CITIES)
        name = f"The {city} {rng.choice(['Ledger', 'Post', 'Courier', 'Herald', 'Record'])}"
        template = site_template(rng, name, city)
        for page in range(pages):
            event = make_event(rng, number * pages + page, start)
            story = write_story(rng, event, paragraphs=rng.randint(5, 12), share_quote=False)
            published = start + timedelta(hours=rng.randint(0, 24 * 60))
            url = f"https://site{number:02d}.example/{published:%Y/%m}/story-{page}"
            result.append(
                Page(url, render(name, headline(rng, event), story, template, published), story, published)
            )
    result.sort(key=lambda page: page.published_at)
    return result


def shingles(text: str) -> set[tuple[str, ...]]:
    tokens = _WORD.findall(text.lower())
    if len(tokens) < 4:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}


@dataclass
class Score:
    precision: float = 0.0
    recall: float = 0.0
    exact: int = 0
    pages: int = 0

    def add(self, extracted: str, reference: str) -> None:
        got, want = shingles(extracted), shingles(reference)
        common = len(got & want)
        self.precision += common / len(got) if got else 0.0
        self.recall += common / len(want) if want else 1.0
        self.exact += _WORD.findall(extracted.lower()) == _WORD.findall(reference.lower())
        self.pages += 1

    def line(self, label: str) -> str:
        precision, recall = self.precision / self.pages, self.recall / self.pages
        f1 = 2 * precision * recall / (precision + recall)
        return (
            f"{label:<28} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
            f"exact {self.exact / self.pages:.3f}  ({self.pages} pages)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=12)
    parser.add_argument("--pages", type=int, default=40, help="pages per site")
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--seed", type=int, default=5)
    arguments = parser.parse_args()
    pages = generate(arguments.sites, arguments.pages, arguments.seed)
    alone, learnt, alone_late, learnt_late = Score(), Score(), Score(), Score()
    seen_per_host: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "templates.duckdb"
        for start in range(0, len(pages), arguments.batch_size):
            batch = pages[start : start + arguments.batch_size]
            documents = [raw_document(page) for page in batch]
            cleaned, _ = clean_documents(documents)
            by_url: dict[str, CleanDocument] = {document.url or "": document for document in cleaned}
            with warehouse.writer(db) as con:
                stats = host_stats(con, sorted({page.url.split("/")[2] for page in batch}))
            with_templates = {document.url or "": document for document in apply_templates(cleaned, stats)}
            for page in batch:
                reference = "\n\n".join(page.story)
                host = page.url.split("/")[2]
                seen_per_host[host] = seen_per_host.get(host, 0) + 1
                plain = by_url[page.url].text if page.url in by_url else ""
                taught = with_templates[page.url].text if page.url in with_templates else ""
                alone.add(plain, reference)
                learnt.add(taught, reference)
                if seen_per_host[host] > 10:
                    alone_late.add(plain, reference)
                    learnt_late.add(taught, reference)
            with warehouse.writer(db) as con:
                warehouse.load_batch(con, "bench", documents=documents, cleaned=list(with_templates.values()))
    print(f"{len(pages)} pages from {arguments.sites} sites, batches of {arguments.batch_size}")
    print(alone.line("HTML cleaner alone"))
    print(learnt.line("with learnt templates"))
    print(alone_late.line("alone, pages 11+ per site"))
    print(learnt_late.line("learnt, pages 11+ per site"))


if __name__ == "__main__":
    main()
