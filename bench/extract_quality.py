"""Quality and speed of the built-in extractors (tasks/extract/) on the gold set in tests/data/extract-gold.

Usage: PYTHONPATH=. python bench/extract_quality.py [--gold DIR] [--errors N] [--dev DATA_DIR]
                                                    [--dev-pages N] [--no-metadata] [--repeat N]
                                                    [--ner rules|spacy] [--ner-model NAME_OR_FOLDER]

`--ner spacy` scores a spaCy pipeline instead of the built-in recogniser (entities, the quotes' speakers,
and the speed): `--ner-model` names it (a package such as en_core_web_sm, or a saved pipeline's folder),
else the installed English pipeline is taken. Without one the run says it skipped and stops.

What is measured (the gold set and its annotation rules are described in tests/data/extract-gold/README.md):

- Entities (find_entities, its mentions): precision, recall and F1 per type (PERSON, ORG, LOC) and overall,
  micro-averaged over mentions. *Exact*: a predicted mention counts only if its start, end and type all
  equal a gold mention's. *Lenient*: a predicted mention counts if it overlaps a gold mention of the same
  type by at least one character (each gold mention is matched at most once). Also shown: how many gold
  mentions were found with the right span but the wrong type.
- Quotes (find_entities + find_quotes): attribution accuracy = gold quotes (statements and partial quotes)
  for which a predicted quote overlaps the gold span AND its speaker equals the gold speaker (None for an
  unnamed or absent speaker); a missed quote counts as wrong. Scare quotes and labels are scored apart: right
  when no predicted quote overlaps them.
- Dates (find_dates against the record's publication time): a gold expression is right when a predicted
  mention overlaps it with the same start_date and end_date. Exact spans and spurious mentions are counted.
- Amounts (find_amounts): a gold amount is right when an overlapping prediction has the same value (relative
  tolerance 1e-6) and the same unit (case-insensitive; None when the text names no unit).
- Metadata (clean_html + resolve_metadata) on the extraction-dev pages, which carry no reference metadata:
  per group (page carries JSON-LD or not) the share of pages with a title, an author and a published time;
  for pages whose URL holds a date (/2024/03/05/), whether published_at falls on that day (or within a day:
  the URL may use another time zone); for pages whose JSON-LD Article node (NewsArticle, BlogPosting, ...)
  has a datePublished with a time, whether published_at equals it to the minute. That last check is not
  independent (the resolver reads that JSON-LD): it measures parsing and time-zone handling only.
  Then the labelled figures of issue #5 (must-have 6) from tests/data/metadata-gold, as printed by
  bench/metadata_quality.py (run that with --errors for the misses): per-field accuracy with and without
  JSON-LD, and published_at exact to the minute on the pages that show a time, against its 0.95 target.
- Speed: the whole extract step (extract_article on a cleaned document: metadata with language detection,
  entities, quotes, dates, amounts, tone) on ~600-word articles made of gold paragraphs, one process on one
  core, best of --repeat passes; beside it the entity recogniser alone and each step's share.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import metadata_quality  # noqa: E402  (bench/ is not a package)
from extraction_dev import DEFAULT_DATA, load, raw_document  # noqa: E402

from tasks.clean.html import clean_html  # noqa: E402
from tasks.extract import extract_article  # noqa: E402
from tasks.extract.amounts import find_amounts  # noqa: E402
from tasks.extract.dates import find_dates  # noqa: E402
from tasks.extract.entities import LOC, ORG, PERSON, Mention, find_entities  # noqa: E402
from tasks.extract.metadata import resolve_metadata  # noqa: E402
from tasks.extract.quotes import find_quotes  # noqa: E402
from tasks.extract.tone import article_tone  # noqa: E402
from tasks.records import CleanDocument, Entity  # noqa: E402
from tasks.settings import Settings  # noqa: E402

DEFAULT_GOLD = REPO / "tests" / "data" / "extract-gold"
TYPES = (PERSON, ORG, LOC)
# Issue #5, items 6 and 7: the figures the built-in recogniser is held to on unseen news text.
TARGETS = {"entity_f1": 0.80, "quotes": 0.90, "dates": 0.95, "published_minute": 0.95, "speed": 300.0}
ARTICLE_WORDS = 600
_WORD = re.compile(r"\w+")
_JSON_LD = re.compile(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)")
Recogniser = Callable[[str], tuple[list[Entity], list[Mention]]]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def mark(value: float, target: float) -> str:
    return "meets" if value >= target else "BELOW"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


# --- entities ---------------------------------------------------------------------------------------


@dataclass
class EntityCounts:
    exact: Counter[tuple[str, str]] = field(default_factory=Counter)  # (type, tp|fp|fn) -> count
    lenient: Counter[tuple[str, str]] = field(default_factory=Counter)
    wrong_type: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted) same span
    errors: dict[str, list[str]] = field(default_factory=dict)

    def note(self, kind: str, line: str) -> None:
        self.errors.setdefault(kind, []).append(line)


def score_entities(records: list[dict[str, Any]], recognise: Recogniser = find_entities) -> EntityCounts:
    counts = EntityCounts()
    for record in records:
        text = record["text"]
        gold = [(g["start"], g["end"], g["type"]) for g in record["entities"]]
        _, mentions = recognise(text)
        predicted = [(m.start, m.end, m.type) for m in mentions]
        gold_set, predicted_set = set(gold), set(predicted)
        for start, end, kind in predicted:
            counts.exact[kind, "tp" if (start, end, kind) in gold_set else "fp"] += 1
        for start, end, kind in gold:
            if (start, end, kind) not in predicted_set:
                counts.exact[kind, "fn"] += 1
        # Lenient: one-to-one, same type, any overlap.
        used: set[int] = set()
        for start, end, kind in predicted:
            match = next(
                (
                    index
                    for index, (g_start, g_end, g_kind) in enumerate(gold)
                    if index not in used and g_kind == kind and overlaps(start, end, g_start, g_end)
                ),
                None,
            )
            if match is None:
                counts.lenient[kind, "fp"] += 1
            else:
                used.add(match)
                counts.lenient[kind, "tp"] += 1
        for index, (_, _, kind) in enumerate(gold):
            if index not in used:
                counts.lenient[kind, "fn"] += 1
        # What went wrong, for the error listing.
        by_span = {(start, end): kind for start, end, kind in predicted}
        for start, end, kind in gold:
            surface = text[start:end]
            if (start, end, kind) in predicted_set:
                continue
            if (start, end) in by_span:
                counts.wrong_type[kind, by_span[start, end]] += 1
                counts.note("wrong type", f"{record['id']}: {surface!r} {kind} -> {by_span[start, end]}")
                continue
            near = [(s, e, k) for s, e, k in predicted if overlaps(s, e, start, end)]
            if near:
                got = ", ".join(f"{text[s:e]!r} {k}" for s, e, k in near)
                counts.note("wrong span", f"{record['id']}: {surface!r} {kind} -> {got}")
            else:
                counts.note("missed", f"{record['id']}: {surface!r} {kind}")
        gold_spans = [(start, end) for start, end, _ in gold]
        for start, end, kind in predicted:
            if not any(overlaps(start, end, s, e) for s, e in gold_spans):
                counts.note("spurious", f"{record['id']}: {text[start:end]!r} {kind}")
    return counts


def report_entities(counts: EntityCounts, records: list[dict[str, Any]]) -> dict[str, float]:
    total = sum(len(r["entities"]) for r in records)
    by_type = Counter(g["type"] for r in records for g in r["entities"])
    print(f"\nENTITIES  {total} gold mentions in {len(records)} paragraphs ({dict(by_type)})")
    print(
        f"  {'type':<8} {'exact P':>8} {'R':>6} {'F1':>6}   {'lenient P':>9} {'R':>6} {'F1':>6}   target F1"
    )
    results = {}
    for kind in (*TYPES, "overall"):
        rows = []
        for table in (counts.exact, counts.lenient):
            kinds = TYPES if kind == "overall" else (kind,)
            tp = sum(table[k, "tp"] for k in kinds)
            fp = sum(table[k, "fp"] for k in kinds)
            fn = sum(table[k, "fn"] for k in kinds)
            rows.append(prf(tp, fp, fn))
        (ep, er, ef), (lp, lr, lf) = rows
        results[kind] = ef
        target = TARGETS["entity_f1"]
        note = f"{target:.2f} ({mark(ef, target)} exact)" if kind != "overall" else ""
        print(f"  {kind:<8} {ep:8.3f} {er:6.3f} {ef:6.3f}   {lp:9.3f} {lr:6.3f} {lf:6.3f}   {note}")
    if counts.wrong_type:
        pairs = ", ".join(f"{g}->{p} {n}" for (g, p), n in counts.wrong_type.most_common())
        print(f"  right span, wrong type: {pairs}")
    return results


# --- quotes -----------------------------------------------------------------------------------------


def score_quotes(
    records: list[dict[str, Any]], errors: dict[str, list[str]], recognise: Recogniser = find_entities
) -> dict[str, float]:
    attributed = right = detected = 0
    scare = scare_right = spurious = 0
    kind_right = 0
    for record in records:
        text = record["text"]
        _, mentions = recognise(text)
        predicted = find_quotes(text, mentions)
        for gold in record["quotes"]:
            near = [q for q in predicted if overlaps(q.start, q.end, gold["start"], gold["end"])]
            snippet = gold["text"][:40]
            if gold["kind"] == "scare":
                scare += 1
                if near:
                    errors.setdefault("scare quote reported", []).append(
                        f"{record['id']}: {snippet!r} reported (speaker {near[0].speaker!r})"
                    )
                else:
                    scare_right += 1
                continue
            attributed += 1
            if not near:
                errors.setdefault("quote missed", []).append(f"{record['id']}: {snippet!r}")
                continue
            detected += 1
            best = max(near, key=lambda q: min(q.end, gold["end"]) - max(q.start, gold["start"]))
            kind_right += best.kind == gold["kind"]
            if best.kind != gold["kind"]:
                errors.setdefault("wrong quote kind", []).append(
                    f"{record['id']}: {snippet!r} gold {gold['kind']} got {best.kind}"
                )
            if best.speaker == gold["speaker"]:
                right += 1
            else:
                errors.setdefault("wrong speaker", []).append(
                    f"{record['id']}: {snippet!r} gold {gold['speaker']!r} got {best.speaker!r} "
                    f"(cue {best.cue!r})"
                )
        for quote in predicted:
            if not any(overlaps(quote.start, quote.end, g["start"], g["end"]) for g in record["quotes"]):
                spurious += 1
                errors.setdefault("spurious quote", []).append(f"{record['id']}: {quote.text[:40]!r}")
    accuracy = right / attributed if attributed else 0.0
    kinds = Counter(g["kind"] for r in records for g in r["quotes"])
    print(f"\nQUOTES  {sum(kinds.values())} gold quotes in {len(records)} passages ({dict(kinds)})")
    print(
        f"  attribution accuracy {accuracy:.3f} ({right}/{attributed})   target {TARGETS['quotes']:.2f} "
        f"({mark(accuracy, TARGETS['quotes'])})"
    )
    among = right / detected if detected else 0.0
    print(f"  quotes detected {detected}/{attributed}; speaker right among detected {among:.3f}")
    print(f"  scare quotes and labels not reported {scare_right}/{scare}; spurious quotes {spurious}")
    print(f"  statement vs partial right {kind_right}/{detected}")
    return {"quotes": accuracy}


# --- dates ------------------------------------------------------------------------------------------


def score_dates(records: list[dict[str, Any]], errors: dict[str, list[str]]) -> dict[str, float]:
    total = right = exact_span = spurious = 0
    for record in records:
        text = record["text"]
        published = datetime.fromisoformat(record["published"])
        predicted = find_dates(text, published)
        for gold in record["dates"]:
            total += 1
            want = (date.fromisoformat(gold["start_date"]), date.fromisoformat(gold["end_date"]))
            near = [m for m in predicted if overlaps(m.start, m.end, gold["start"], gold["end"])]
            if not near:
                errors.setdefault("date missed", []).append(
                    f"{record['id']}: {gold['text']!r} (published {published:%a %Y-%m-%d})"
                )
                continue
            mention = near[0]
            exact_span += (mention.start, mention.end) == (gold["start"], gold["end"])
            if (mention.start_date, mention.end_date) == want:
                right += 1
            else:
                errors.setdefault("wrong date", []).append(
                    f"{record['id']}: {gold['text']!r} published {published:%a %Y-%m-%d}: gold "
                    f"{want[0]}..{want[1]} got {mention.start_date}..{mention.end_date} ({mention.text!r})"
                )
        for mention in predicted:
            if not any(overlaps(mention.start, mention.end, g["start"], g["end"]) for g in record["dates"]):
                spurious += 1
                errors.setdefault("spurious date", []).append(f"{record['id']}: {mention.text!r}")
    accuracy = right / total if total else 0.0
    print(f"\nDATES  {total} gold expressions in {len(records)} sentences")
    print(
        f"  resolution accuracy {accuracy:.3f} ({right}/{total})   target {TARGETS['dates']:.2f} "
        f"({mark(accuracy, TARGETS['dates'])})"
    )
    print(f"  exact spans {exact_span}/{total}; spurious mentions {spurious}")
    return {"dates": accuracy}


# --- amounts ----------------------------------------------------------------------------------------


def score_amounts(records: list[dict[str, Any]], errors: dict[str, list[str]]) -> dict[str, float]:
    total = value_right = both_right = spurious = 0
    for record in records:
        text = record["text"]
        predicted = find_amounts(text)
        for gold in record["amounts"]:
            total += 1
            near = [a for a in predicted if overlaps(a.start, a.end, gold["start"], gold["end"])]
            if not near:
                errors.setdefault("amount missed", []).append(f"{record['id']}: {gold['text']!r}")
                continue
            amount = near[0]
            value_ok = math.isclose(amount.value, gold["value"], rel_tol=1e-6)
            unit_ok = (amount.unit or "").lower() == (gold["unit"] or "").lower()
            value_right += value_ok
            both_right += value_ok and unit_ok
            if not (value_ok and unit_ok):
                errors.setdefault("wrong amount", []).append(
                    f"{record['id']}: {gold['text']!r} gold {gold['value']:g} {gold['unit']!r} "
                    f"got {amount.value:g} {amount.unit!r} ({amount.text!r})"
                )
        for amount in predicted:
            if not any(overlaps(amount.start, amount.end, g["start"], g["end"]) for g in record["amounts"]):
                spurious += 1
                errors.setdefault("spurious amount", []).append(f"{record['id']}: {amount.text!r}")
    print(f"\nAMOUNTS  {total} gold amounts in {len(records)} sentences (no target in the issue)")
    print(
        f"  value and unit right {both_right / total if total else 0:.3f} ({both_right}/{total}); "
        f"value right {value_right}/{total}; spurious {spurious}"
    )
    return {"amounts": both_right / total if total else 0.0}


# --- metadata ---------------------------------------------------------------------------------------


def _json_ld_published(html: str) -> str | None:
    """The datePublished of the first Article-like node (NewsArticle, BlogPosting, ...) in the JSON-LD.

    Nodes of other types (WebPage, WebSite, Organization) are skipped: their dates are not the article's.
    """
    for block in _JSON_LD.findall(html):
        try:
            data = json.loads(block.strip(), strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                kinds = node.get("@type", "")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                written = node.get("datePublished")
                if isinstance(written, str) and any(
                    isinstance(kind, str) and kind.endswith(("Article", "Posting", "Report"))
                    for kind in kinds
                ):
                    return written.strip()
                stack.extend(value for value in node.values() if isinstance(value, (dict, list)))
    return None


def score_metadata(data_dir: Path, limit: int | None, errors: dict[str, list[str]]) -> dict[str, float]:
    if not (data_dir / "expectations.json").exists():
        print(f"\nMETADATA  skipped: no extraction-dev set at {data_dir}")
        return {}
    pages = load(data_dir, None)[:limit] if limit else load(data_dir, None)
    groups: dict[str, Counter[str]] = {"with JSON-LD": Counter(), "without JSON-LD": Counter()}
    for page in pages:
        doc = clean_html(raw_document(page))
        meta = resolve_metadata(doc, default_timezone="UTC")
        has_json_ld = bool(_JSON_LD.search(page.html))
        counts = groups["with JSON-LD" if has_json_ld else "without JSON-LD"]
        counts["pages"] += 1
        counts["title"] += bool(meta.title)
        counts["author"] += bool(meta.authors)
        counts["published"] += meta.published_at is not None
        url_date = _URL_DATE.search(page.url or "")
        if url_date:
            year, month, day = (int(part) for part in url_date.groups())
            try:
                expected = date(year, month, day)
            except ValueError:
                expected = None
            if expected is not None:
                counts["url_dated"] += 1
                if meta.published_at is not None:
                    counts["url_dated_found"] += 1
                    got = meta.published_at.date()
                    counts["url_day_same"] += got == expected
                    counts["url_day_near"] += abs((got - expected).days) <= 1
                    if got != expected:
                        errors.setdefault("published not the URL's day", []).append(
                            f"{page.name}: URL {expected} got {meta.published_at.isoformat()}"
                        )
        written = _json_ld_published(page.html) if has_json_ld else None
        if written and re.search(r"\d:\d\d", written):
            try:
                reference = datetime.fromisoformat(written.replace("Z", "+00:00"))
            except ValueError:
                reference = None
            if reference is not None:
                counts["ld_timed"] += 1
                got_at = meta.published_at
                same = False
                if got_at is not None:
                    if reference.tzinfo is None:  # a wall-clock time: compare wall clocks
                        got_at = got_at.replace(tzinfo=None)
                    same = abs((got_at - reference).total_seconds()) < 60
                    counts["ld_minute"] += same
                if got_at is None or not same:
                    errors.setdefault("published not JSON-LD's minute", []).append(
                        f"{page.name}: JSON-LD {written!r} got "
                        f"{meta.published_at.isoformat() if meta.published_at else None} "
                        f"({meta.evidence.get('published_at', meta.evidence.get('published', ''))})"
                    )
    print(f"\nMETADATA  {len(pages)} extraction-dev pages (no reference metadata: see the module docstring)")
    results = {}
    for name, c in groups.items():
        n = c["pages"] or 1
        print(
            f"  {name:<16} {c['pages']:4d} pages: title {c['title'] / n:.3f}  author {c['author'] / n:.3f}"
            f"  published {c['published'] / n:.3f}"
        )
        if c["url_dated"]:
            found = c["url_dated_found"] or 1
            print(
                f"    URL holds a date on {c['url_dated']} pages; published found on {c['url_dated_found']}; "
                f"same day as the URL {c['url_day_same'] / found:.3f}, "
                f"within a day {c['url_day_near'] / found:.3f}"
            )
        if c["ld_timed"]:
            share = c["ld_minute"] / c["ld_timed"]
            results["published_minute"] = share
            print(
                f"    JSON-LD Article datePublished with a time on {c['ld_timed']} pages: "
                f"published_at equal to it to the minute {share:.3f} ({c['ld_minute']}/{c['ld_timed']})"
                "   target "
                f"{TARGETS['published_minute']:.2f} ({mark(share, TARGETS['published_minute'])}; "
                "consistency only)"
            )
    return results


def score_metadata_gold(errors: dict[str, list[str]]) -> dict[str, float]:
    """Issue #5's metadata figures on the labelled set, as bench/metadata_quality.py prints them."""
    report = metadata_quality.score()
    print()
    metadata_quality.print_report(report)
    for outcome in report.outcomes:
        for name in metadata_quality.FIELDS:
            if not outcome.right[name]:
                got = metadata_quality.resolved_value(outcome, name)
                errors.setdefault(f"metadata-gold {name} missed", []).append(
                    f"{outcome.name}: gold {outcome.gold[name]!r} got {got!r}"
                )
    return {"published_minute_gold": report.published_minute_share}


# --- speed ------------------------------------------------------------------------------------------


def build_articles(gold: dict[str, list[dict[str, Any]]], count: int) -> list[str]:
    """~600-word articles made of gold paragraphs, shuffled with a fixed seed."""
    paragraphs = [r["text"] for name in ("entities", "quotes", "dates", "amounts") for r in gold[name]]
    rng = random.Random(5)
    articles = []
    for _ in range(count):
        rng.shuffle(paragraphs)
        chosen, words = [], 0
        for paragraph in paragraphs:
            chosen.append(paragraph)
            words += len(_WORD.findall(paragraph))
            if words >= ARTICLE_WORDS:
                break
        articles.append("\n\n".join(chosen))
    return articles


def measure_speed(
    gold: dict[str, list[dict[str, Any]]],
    repeat: int,
    recognise: Recogniser = find_entities,
    settings: Settings | None = None,
) -> dict[str, float]:
    articles = build_articles(gold, 50)
    published = datetime.fromisoformat("2024-10-28T17:55:00+05:30")
    documents = [
        CleanDocument(
            doc_id=f"bench-{index}",
            source="bench",
            url=f"https://news.example/story-{index}",
            fetched_at=published,
            content_type="text/plain",
            paragraphs=tuple(text.split("\n\n")),
        )
        for index, text in enumerate(articles)
    ]
    settings = settings or Settings(ner="rules")
    backend = "built-in" if settings.ner == "rules" else "spaCy"

    mentions = [recognise(text)[1] for text in articles]  # also warms the lexicons, gazetteers, pipeline
    # Amounts skip the dates' spans, found once as tasks/extract does; tone as the pipeline computes it.
    spans = [[(d.start, d.end) for d in find_dates(text, published)] for text in articles]
    steps = {
        "entities": lambda index, text: recognise(text),
        "quotes": lambda index, text: find_quotes(text, mentions[index]),
        "dates": lambda index, text: find_dates(text, published),
        "amounts": lambda index, text: find_amounts(text, spans[index]),
        "tone": lambda index, text: article_tone(text, "en"),
        "metadata+language": lambda index, text: resolve_metadata(documents[index]),
    }

    def best_of(step: Any) -> float:
        best = float("inf")
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            for index, text in enumerate(articles):
                step(index, text)
            best = min(best, time.perf_counter() - started)
        return best

    seconds = {name: best_of(step) for name, step in steps.items()}
    whole = best_of(lambda index, text: extract_article(documents[index], settings))
    total = sum(seconds.values())
    words = sum(len(_WORD.findall(text)) for text in articles) / len(articles)
    speed = len(articles) / whole
    recogniser = len(articles) / seconds["entities"]
    print(f"\nSPEED  {len(articles)} articles of {words:.0f} words on average, one core, best of {repeat}")
    print(
        f"  the whole extract step (extract_article: metadata, language, entities, quotes, dates, amounts, "
        f"tone): {speed:.0f} articles/s   target {TARGETS['speed']:.0f} ({mark(speed, TARGETS['speed'])})"
    )
    print(
        f"  the {backend} entity recogniser alone: {recogniser:.0f} articles/s   "
        f"target {TARGETS['speed']:.0f} ({mark(recogniser, TARGETS['speed'])})"
    )
    print(
        "  " + "  ".join(f"{name} {len(articles) / s:.0f}/s ({s / total:.0%})" for name, s in seconds.items())
    )
    return {"speed": speed, "recogniser": recogniser}


def entity_recogniser(ner: str, ner_model: str | None) -> tuple[Recogniser, Settings] | None:
    """find_entities, or the spaCy backend on the pipeline asked for (None, having said so, without one);
    with the settings that make extract_article use the same."""
    if ner == "rules":
        print("ENTITIES by the built-in rules")
        return find_entities, Settings(ner="rules")
    from tasks.extract import ner_spacy

    try:
        pipeline = ner_spacy.pipeline_for("en", ner_model)  # the gold set is English news
        if pipeline is not None:
            ner_spacy.check(pipeline)
    except ner_spacy.SpacyUnavailable as error:
        print(f"ENTITIES with spaCy skipped: {error}")
        return None
    if pipeline is None:
        why = f"{ner_model} does not read English" if ner_model else "no English spaCy pipeline is installed"
        print(f"ENTITIES with spaCy skipped: {why} ({ner_spacy.INSTALL_HELP})")
        return None
    print(f"ENTITIES by {pipeline.method}")
    return partial(ner_spacy.find_entities_spacy, pipeline=pipeline), Settings(
        ner="spacy", ner_model=pipeline.source
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="the gold set's folder")
    parser.add_argument("--errors", type=int, default=0, help="list up to N errors of each kind")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DATA, help="the extraction-dev folder")
    parser.add_argument("--dev-pages", type=int, help="only the first N extraction-dev pages")
    parser.add_argument("--no-metadata", action="store_true", help="skip the extraction-dev metadata part")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes for speed; the fastest counts")
    parser.add_argument(
        "--ner",
        choices=("rules", "spacy"),
        default="rules",
        help="the entity recogniser scored (default: rules)",
    )
    parser.add_argument(
        "--ner-model", help="with --ner spacy: a spaCy package name or a saved pipeline's folder"
    )
    args = parser.parse_args(argv)
    backend = entity_recogniser(args.ner, args.ner_model)
    if backend is None:
        return
    recognise, settings = backend

    gold = {
        name: read_jsonl(args.gold / f"{name}.jsonl") for name in ("entities", "quotes", "dates", "amounts")
    }
    entity_counts = score_entities(gold["entities"], recognise)
    report_entities(entity_counts, gold["entities"])
    errors: dict[str, list[str]] = dict(entity_counts.errors)
    score_quotes(gold["quotes"], errors, recognise)
    score_dates(gold["dates"], errors)
    score_amounts(gold["amounts"], errors)
    if not args.no_metadata:
        score_metadata(args.dev, args.dev_pages, errors)
        score_metadata_gold(errors)
    measure_speed(gold, args.repeat, recognise, settings)
    if args.errors:
        print()
        for kind, lines in errors.items():
            print(f"--- {kind} ({len(lines)})")
            for line in lines[: args.errors]:
                print(f"    {line}")


if __name__ == "__main__":
    main(sys.argv[1:])
