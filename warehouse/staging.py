"""Staged batches: a batch that could not be loaded (the file stayed locked) waits on disk for the next run.

Files live in `<warehouse>.staging/`, one per batch, written atomically; the next run lands them first.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tasks.records import Article, CleanDocument, RawDocument, Reject, UrlVisit


@dataclass(frozen=True, slots=True)
class StagedBatch:
    """Everything a batch needs to be deduped and loaded later, without re-reading or re-cleaning."""

    run_id: str
    documents: list[RawDocument]
    cleaned: list[CleanDocument]
    articles: list[Article]
    rejects: list[Reject]
    visits: list[UrlVisit] = field(default_factory=list)  # what happened to web URLs (web_urls)

    @property
    def is_empty(self) -> bool:
        """Nothing to write: every item of the batch was unchanged (a re-run with nothing new)."""
        return not (self.documents or self.cleaned or self.articles or self.rejects or self.visits)


def staging_folder(warehouse_path: str | Path) -> Path:
    path = Path(warehouse_path)
    return path.with_name(path.name + ".staging")


def stage_batch(warehouse_path: str | Path, name: str, batch: StagedBatch) -> Path:
    """Write a batch next to the warehouse (atomically: a crash leaves no half-written file)."""
    folder = staging_folder(warehouse_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.batch"
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".partial")
    with os.fdopen(handle, "wb") as out:
        pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, target)
    return target


def staged_batches(warehouse_path: str | Path) -> list[Path]:
    """Staged batch files, oldest first."""
    folder = staging_folder(warehouse_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.batch"), key=lambda path: (path.stat().st_mtime, path.name))


def read_staged(path: Path) -> StagedBatch:
    # Only files this package wrote are read: the folder sits next to the user's own warehouse file.
    with path.open("rb") as handle:
        batch = pickle.load(handle)
    if not hasattr(batch, "visits"):
        # Staged by a version from before web_urls: a slotted dataclass unpickles without the new field.
        object.__setattr__(batch, "visits", [])
    return batch


def drop_staged(path: Path) -> None:
    path.unlink(missing_ok=True)
