"""Fixtures for warehouse tests: a warehouse file in tmp_path and small factories for hand-built records.

Factories are fixtures (not importable helpers) so the tests work under any pytest import mode.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tasks.dedupe.exact import text_hash
from tasks.records import (
    Amount,
    Article,
    CleanDocument,
    DateMention,
    Entity,
    EntityMention,
    Link,
    Quote,
    RawDocument,
    Reject,
    RemovedSegment,
)

STORY = (
    "The city council approved the new harbour bridge on Tuesday after a long debate. "
    '"This bridge will connect two halves of the city," said Mayor Ana Lopez. '
    "The project will cost 120 million euros and take three years to build. "
    "Construction starts in March 2025, according to the city's transport office."
)


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "wirehouse.duckdb"


@pytest.fixture
def make_document() -> Callable[..., RawDocument]:
    def make(doc_id: str = "doc-1", raw: bytes = b"<p>Hello</p>", **changes: Any) -> RawDocument:
        values: dict[str, Any] = {
            "doc_id": doc_id,
            "source": "seeds",
            "location": f"/seeds/{doc_id}.html",
            "url": f"https://news.example/{doc_id}",
            "fetched_at": datetime(2025, 1, 7, 8, 30, tzinfo=UTC),
            "content_type": "text/html",
            "charset": "utf-8",
            "raw": raw,
            "raw_sha256": hashlib.sha256(raw).hexdigest(),
            "text": raw.decode("utf-8"),
        }
        values.update(changes)
        return RawDocument(**values)

    return make


@pytest.fixture
def make_cleaned() -> Callable[..., CleanDocument]:
    def make(doc_id: str = "doc-1", removed: tuple[RemovedSegment, ...] | None = None) -> CleanDocument:
        if removed is None:
            removed = (
                RemovedSegment(0, "Markets: DAX +0.4%", "ticker"),
                RemovedSegment(5, "Subscribe for 1 euro", "promo"),
            )
        return CleanDocument(
            doc_id=doc_id,
            source="seeds",
            url=f"https://news.example/{doc_id}",
            fetched_at=datetime(2025, 1, 7, 8, 30, tzinfo=UTC),
            content_type="text/html",
            paragraphs=(STORY,),
            removed=removed,
        )

    return make


@pytest.fixture
def make_article() -> Callable[..., Article]:
    def make(article_id: str = "art-1", doc_id: str = "doc-1", text: str = STORY, **changes: Any) -> Article:
        values: dict[str, Any] = {
            "article_id": article_id,
            "doc_id": doc_id,
            "source": "seeds",
            "url": f"https://news.example/{article_id}",
            "canonical_url": f"https://news.example/{article_id}",
            "site": "news.example",
            "title": "Council approves harbour bridge",
            "subtitle": None,
            "authors": ("Jo Smith",),
            "published_at": datetime(2025, 1, 7, 8, 0, tzinfo=UTC),
            "updated_at": None,
            "language": "en",
            "image_url": None,
            "image_caption": None,
            "text": text,
            "word_count": len(text.split()),
            "text_sha256": text_hash(text),
            "entities": (
                Entity("Ana Lopez", "PERSON", 1, 120),
                Entity("city council", "ORG", 1, 4),
            ),
            "mentions": (EntityMention("Ana Lopez", "PERSON", "Ana Lopez", 120, 129),),
            "quotes": (
                Quote("This bridge will connect two halves of the city", "Ana Lopez", "said", 83, 131),
            ),
            "dates": (DateMention("March 2025", date(2025, 3, 1), date(2025, 3, 31), 260, 270),),
            "amounts": (Amount("120 million euros", 120e6, "EUR", 200, 217),),
            "links": (Link("https://news.example/related", "Related story", "related"),),
            "evidence": {"title": "og:title", "published": "json-ld"},
        }
        values.update(changes)
        return Article(**values)

    return make


@pytest.fixture
def make_reject() -> Callable[..., Reject]:
    def make(
        source: str = "/seeds/broken.html", reason: str = "empty_text", message: str = "no text"
    ) -> Reject:
        return Reject(source=source, stage="clean", reason=reason, message=message)

    return make


# Opens the file read-write, says so, then holds it for the given number of seconds.
HOLDER = (
    "import sys, time, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('ready', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
    "con.close()\n"
)
HoldWarehouse = Callable[[Path, float], AbstractContextManager[subprocess.Popen[str]]]


@contextmanager
def _held_by_another_process(path: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def held_by_another_process() -> HoldWarehouse:
    """A context manager: another process holds the warehouse file for writing while it is open."""
    return _held_by_another_process
