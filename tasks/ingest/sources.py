"""What the user points Wirehouse at: source strings and sources files (TOML), expanded into one list.

A sources file lists `[[source]]` tables with a `location`; relative locations are relative to the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tasks.records import Reject

_WEB_SCHEMES = ("http://", "https://")


class SourcesFileError(ValueError):
    """A sources file that cannot be read or has the wrong shape."""


def load_sources_file(path: Path) -> list[str]:
    """Read a sources file and return its locations, made absolute against the file's folder."""
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
    locations: list[str] = []
    for entry in entries:
        location = str(entry["location"])
        if location.startswith(_WEB_SCHEMES) or Path(location).is_absolute():
            locations.append(location)
        else:
            locations.append(str((path.parent / location).resolve()))
    return locations


def expand_sources(sources: list[str], *, base: Path) -> tuple[list[str], list[Reject]]:
    """Replace sources files (`*.toml`) by the locations they list; keep everything else as given."""
    expanded: list[str] = []
    rejects: list[Reject] = []
    for source in sources:
        path = Path(source) if Path(source).is_absolute() else base / source
        if source.endswith(".toml") and path.is_file():
            try:
                expanded.extend(load_sources_file(path))
            except SourcesFileError as error:
                rejects.append(Reject(source, "ingest", "bad_sources_file", str(error)))
        else:
            expanded.append(source)
    return expanded, rejects


def is_web_source(source: str) -> bool:
    return source.lower().startswith(_WEB_SCHEMES)
