"""Live progress of a run for whoever started it in a terminal: the CLI's progress bar listens here.

The flow and its fetch threads report to the listener that `listening` installs; with none (a deployment's
worker, the tests) reports go nowhere. The Prefect UI gets its progress from the run's artifacts instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class ProgressListener(Protocol):
    """What a run tells a watcher, in the order it happens."""

    def discovering(self, source: str) -> None:
        """Reading a source (a folder, a feed, a sitemap) to find its items."""

    def planned(self, items: int, batches: int) -> None:
        """The items this run will read, in how many batches."""

    def step(self, name: str, number: int, total: int) -> None:
        """A step (ingest, clean, extract, load) starts on batch `number` of `total`."""

    def item_done(self) -> None:
        """One item was read, fetched, found unchanged or rejected (called from fetch threads too)."""


class _Silent:
    def discovering(self, source: str) -> None:
        pass

    def planned(self, items: int, batches: int) -> None:
        pass

    def step(self, name: str, number: int, total: int) -> None:
        pass

    def item_done(self) -> None:
        pass


_SILENT = _Silent()
# One listener per process: a terminal runs one flow at a time, and the fetch threads must see it too,
# which a context variable (copied per thread by Prefect) would not guarantee.
_listener: ProgressListener = _SILENT


def current() -> ProgressListener:
    """The listener reports go to (a silent one when nobody watches)."""
    return _listener


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    """Send this process's run progress to `listener` while the block runs."""
    global _listener
    previous, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = previous
