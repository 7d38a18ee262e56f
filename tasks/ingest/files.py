"""Local sources: folders (recursive), single files and globs of saved articles (.txt, .html, .htm, .gz).

Discovery yields `SourceItem`s; reading turns one into a `RawDocument` or a `Reject` with a reason code.
"""

from __future__ import annotations

import glob
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG

from tasks.ingest.decode import DecodeError, decode_bytes
from tasks.ingest.ids import document_id
from tasks.ingest.warc import is_warc_path
from tasks.records import RawDocument, Reject, SourceItem

ARTICLE_SUFFIXES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html", ".xhtml": "text/html"}
_GLOB_CHARS = set("*?[")


@dataclass(slots=True)
class Discovery:
    """What a walk over the sources found: items to read, rejects, and files passed over (not articles)."""

    items: list[SourceItem] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def article_type(path: Path) -> str | None:
    """The content type a file name promises (`.gz` looks at the inner suffix), or None if not an article."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return ARTICLE_SUFFIXES.get(suffixes[-1]) if suffixes else None


def discover_files(sources: Iterable[str], *, base: Path | None = None) -> Discovery:
    """Expand folders, globs and files into items, in a stable (sorted) order, each file once."""
    found = Discovery()
    seen: set[str] = set()
    base = base or Path.cwd()
    for source in sources:
        for path, named_explicitly in _expand(source, base, found):
            key = str(path)
            if key in seen:
                continue
            seen.add(key)
            if is_warc_path(path):
                found.items.append(SourceItem(source=source, location=key, kind="warc"))
                continue
            if article_type(path) is None:
                if named_explicitly:
                    found.rejects.append(
                        Reject(
                            source,
                            "ingest",
                            "unsupported_type",
                            f"{path.name}: not a .txt, .html, .htm, .warc or .gz of them",
                        )
                    )
                else:
                    found.skipped.append(key)
                continue
            if _printable(key) != key:
                # Its location could be neither hashed nor stored: one such file would fail the whole run.
                message = f"{_printable(key)}: the file name is not valid UTF-8; rename the file"
                found.rejects.append(Reject(_printable(key), "ingest", "unreadable", message))
                continue
            found.items.append(SourceItem(source=source, location=key, kind="file"))
    return found


def _expand(source: str, base: Path, found: Discovery) -> Iterator[tuple[Path, bool]]:
    path = Path(source).expanduser()
    if not path.is_absolute():
        path = base / path
    if _GLOB_CHARS & set(source):
        matches = sorted(glob.glob(str(path), recursive=True))
        if not matches:
            found.rejects.append(
                Reject(source, "ingest", "not_found", f"no file matches the pattern {source!r}")
            )
        for match in matches:
            match_path = Path(match)
            if match_path.is_dir():
                yield from ((p, False) for p in _walk(match_path, source, found))
            elif match_path.is_file():
                yield match_path.resolve(), False
        return
    if path.is_dir():
        yield from ((p, False) for p in _walk(path, source, found))
    elif path.is_file():
        yield path.resolve(), True
    elif path.is_symlink():
        found.rejects.append(Reject(source, "ingest", "broken_link", f"{source} is a link to nothing"))
    else:
        found.rejects.append(
            Reject(source, "ingest", "not_found", f"{source} does not exist (looked in {path.parent})")
        )


def _walk(folder: Path, source: str, found: Discovery) -> Iterator[Path]:
    """Files below a folder, sorted, hidden ones skipped, each real directory once (no link loops)."""
    visited: set[tuple[int, int]] = set()

    # Rejects found while walking name the file or folder itself: one row per (source, stage, reason) in the
    # warehouse, so naming only the walked folder would fold a second broken link into the first.
    def on_error(error: OSError) -> None:
        where = _printable(str(error.filename or source))
        found.rejects.append(Reject(where, "ingest", "unreadable", f"cannot list {where}: {error.strerror}"))

    for root, dirs, files in os.walk(folder, followlinks=True, onerror=on_error):
        try:
            stat = os.stat(root)
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in visited:
            dirs[:] = []
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if not path.exists():
                shown = _printable(str(path))
                reject = Reject(shown, "ingest", "broken_link", f"{shown} is a link to nothing")
                found.rejects.append(reject)
                continue
            yield path.resolve()


def _printable(path: str) -> str:
    """A path as valid UTF-8 text: bytes of a name that is not UTF-8 shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_file(item: SourceItem, *, max_bytes: int, now: datetime | None = None) -> RawDocument | Reject:
    """Read one file's bytes (gunzipped when .gz, capped at `max_bytes`) and decode them."""
    path = Path(item.location)
    try:
        status = path.stat()
        if not S_ISREG(status.st_mode):
            # A named pipe or device would block the run (or never end) when read: only regular files are.
            return _reject(item, "unreadable", f"{path} is not a regular file (a pipe, socket or device)")
        size = status.st_size
        if size > max_bytes:
            return _reject(item, "too_large", f"{size:,} bytes is over the {max_bytes:,}-byte limit")
        with path.open("rb") as handle:
            raw_on_disk = handle.read(max_bytes + 1)
        if len(raw_on_disk) > max_bytes:  # the file grew after it was measured
            return _reject(item, "too_large", f"over the {max_bytes:,}-byte limit")
    except PermissionError:
        return _reject(item, "unreadable", f"permission denied reading {path}")
    except OSError as error:
        return _reject(item, "unreadable", f"cannot read {path}: {error.strerror or error}")
    return document_from_bytes(item, raw_on_disk, max_bytes=max_bytes, fetched_at=now or datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class FileState:
    """A file as it was when its bytes were hashed. A file found again with the same size and modification
    time (to the nanosecond) is taken to hold the same bytes, the quick check git and rsync make, so an
    unchanged folder is re-run without reading its files; `--refresh` reads everything regardless."""

    size: int
    mtime_ns: int
    doc_id: str


def file_state(item: SourceItem, *, max_bytes: int) -> FileState | None:
    """The document id reading `item` would give (its location and the sha256 of its bytes), without
    decoding it, with the size and time the file had before it was read; None when it cannot be read as it
    is. The file is measured first: one changed while being read looks changed the next time, never the same.
    """
    try:
        status = os.stat(item.location)
        if not S_ISREG(status.st_mode) or status.st_size > max_bytes:
            return None  # a pipe would block: only regular files are read
        with open(item.location, "rb") as handle:
            raw_on_disk = handle.read(max_bytes + 1)
    except OSError:
        return None
    if len(raw_on_disk) > max_bytes:
        return None
    doc_id = document_id(item.location, hashlib.sha256(raw_on_disk).hexdigest())
    return FileState(status.st_size, status.st_mtime_ns, doc_id)


def unchanged_since(item: SourceItem, state: FileState) -> bool:
    """True when the file still has the size and modification time it had when `state` was taken."""
    try:
        status = os.stat(item.location)
    except OSError:
        return False
    return S_ISREG(status.st_mode) and (status.st_size, status.st_mtime_ns) == (state.size, state.mtime_ns)


def read_files(items: list[SourceItem], *, max_bytes: int) -> tuple[list[RawDocument | Reject], list[Reject]]:
    """Read a list of files, one document or reject each in order (the shape the run's CPU pool maps:
    decoding, charset detection and mojibake repair cost more than the reading)."""
    return [read_file(item, max_bytes=max_bytes) for item in items], []


def document_from_bytes(
    item: SourceItem, raw_on_disk: bytes, *, max_bytes: int, fetched_at: datetime
) -> RawDocument | Reject:
    """Unpack (.gz) and decode bytes read from `item`; also rebuilds stored documents for reprocessing."""
    path = Path(item.location)
    declared = article_type(path) or "text/plain"
    raw = raw_on_disk
    if path.suffix.lower() == ".gz":
        try:
            raw = _gunzip(raw_on_disk, max_bytes)
        except _TooLarge:
            return _reject(item, "too_large", f"unpacks to over {max_bytes:,} bytes (a gzip bomb?)")
        except (OSError, EOFError, zlib.error) as error:
            return _reject(item, "bad_gzip", f"not a readable gzip file: {error}")
    try:
        decoded = decode_bytes(raw, declared_type=declared)
    except DecodeError as error:
        return _reject(item, error.reason, str(error))

    raw_sha256 = hashlib.sha256(raw_on_disk).hexdigest()
    return RawDocument(
        doc_id=document_id(item.location, raw_sha256),
        source=item.source,
        location=item.location,
        url=None,
        fetched_at=fetched_at,
        content_type=decoded.content_type,
        charset=decoded.charset,
        raw=raw_on_disk,
        raw_sha256=raw_sha256,
        text=decoded.text,
    )


class _TooLarge(Exception):
    pass


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress with a cap on the output, so a small bomb cannot fill memory."""
    decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    out = decompressor.decompress(data, max_bytes + 1)
    if len(out) > max_bytes or decompressor.unconsumed_tail:
        raise _TooLarge
    if not decompressor.eof:
        raise EOFError("the gzip stream ends early (truncated file)")
    return out


def _reject(item: SourceItem, reason: str, message: str) -> Reject:
    return Reject(item.location, "ingest", reason, message)
