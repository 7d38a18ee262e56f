"""What the user points Wirehouse at: source strings and sources files (TOML), expanded into one list.

A sources file lists `[[source]]` tables with a `location` and optional `include`, `exclude`, `since` and
`limit`; relative locations are relative to the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.ingest.filters import NO_FILTER, FilterError, SourceFilter, parse_since
from tasks.records import Reject

_WEB_SCHEMES = ("http://", "https://")
_KNOWN_KEYS = {"location", "include", "exclude", "since", "limit"}


class SourcesFileError(ValueError):
    """A sources file that cannot be read or has the wrong shape."""


@dataclass(frozen=True, slots=True)
class Source:
    """One source with its own options: which of its items to take, and at most how many per run."""

    location: str
    filter: SourceFilter = NO_FILTER
    limit: int | None = None

    @property
    def is_web(self) -> bool:
        return is_web_source(self.location)


def _patterns(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise SourcesFileError(f'{where}: {key} must be a pattern or a list of patterns, e.g. ["/world/"]')
    return tuple(value)


def _source_entry(entry: dict[str, Any], path: Path, number: int) -> Source:
    where = f"sources file {path}, source {number}"
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        raise SourcesFileError(
            f"{where}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_KNOWN_KEYS))})"
        )
    location = str(entry["location"])
    if not (location.startswith(_WEB_SCHEMES) or Path(location).is_absolute()):
        location = str((path.parent / location).resolve())
    limit = entry.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise SourcesFileError(f"{where}: limit must be a whole number of items, 0 or more")
    since = entry.get("since")
    try:
        # TOML has dates of its own (since = 2024-10-01): read them the same way as text.
        source_filter = SourceFilter(
            include=_patterns(entry, "include", where),
            exclude=_patterns(entry, "exclude", where),
            since=parse_since(None if since is None else str(since)),
        )
    except FilterError as error:
        raise SourcesFileError(f"{where}: {error}") from error
    return Source(location, source_filter, limit)


def load_sources_file(path: Path) -> list[Source]:
    """Read a sources file and return its sources, locations made absolute against the file's folder."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SourcesFileError(f"cannot read sources file {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise SourcesFileError(f"sources file {path} is not valid TOML: {error}") from error
    entries = data.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "location" in e for e in entries):
        raise SourcesFileError(
            f'sources file {path}: expected [[source]] tables, each with a location = "..."'
        )
    return [_source_entry(entry, path, number) for number, entry in enumerate(entries, start=1)]


def expand_sources(
    sources: list[str], *, base: Path, run_filter: SourceFilter = NO_FILTER
) -> tuple[list[Source], list[Reject]]:
    """Replace sources files (`*.toml`) by the sources they list; `run_filter` applies to every source."""
    expanded: list[Source] = []
    rejects: list[Reject] = []
    for source in sources:
        path = Path(source) if Path(source).is_absolute() else base / source
        if source.endswith(".toml") and path.is_file():
            try:
                listed = load_sources_file(path)
            except SourcesFileError as error:
                rejects.append(Reject(source, "ingest", "bad_sources_file", str(error)))
                continue
            expanded.extend(
                Source(entry.location, entry.filter.combined(run_filter), entry.limit) for entry in listed
            )
        else:
            expanded.append(Source(source, run_filter))
    return expanded, rejects


def is_web_source(source: str) -> bool:
    return source.lower().startswith(_WEB_SCHEMES)
