"""Local-file ingest: discovery of folders, globs and files, and reading with encodings and caps."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from tasks.ingest.files import discover_files, document_id, read_file
from tasks.records import RawDocument, Reject, SourceItem

ARTICLE = "date 2024-05-01 A headline\n\nThe first paragraph of the story, long enough to be a paragraph.\n"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read(path: Path, max_bytes: int = 1_000_000) -> RawDocument | Reject:
    return read_file(SourceItem(source=str(path), location=str(path)), max_bytes=max_bytes)


def test_folder_is_walked_recursively_in_sorted_order_and_other_files_are_passed_over(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", ARTICLE)
    write(tmp_path / "a.html", "<html><body><p>x</p></body></html>")
    write(tmp_path / "sub" / "c.htm.gz", gzip.compress(b"<p>x</p>"))
    write(tmp_path / "notes.md", "not an article")
    write(tmp_path / ".hidden.txt", ARTICLE)
    found = discover_files([str(tmp_path)])
    assert [Path(item.location).name for item in found.items] == ["a.html", "b.txt", "c.htm.gz"]
    assert [Path(path).name for path in found.skipped] == ["notes.md"]
    assert found.rejects == []


def test_glob_and_file_sources_are_expanded_once_each(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", ARTICLE)
    write(tmp_path / "two.txt", ARTICLE)
    found = discover_files([str(tmp_path / "*.txt"), str(tmp_path / "one.txt")])
    assert [Path(item.location).name for item in found.items] == ["one.txt", "two.txt"]


def test_missing_source_and_unsupported_file_are_rejected_with_reasons(tmp_path: Path) -> None:
    write(tmp_path / "data.csv", "a,b")
    found = discover_files([str(tmp_path / "nope"), str(tmp_path / "data.csv"), str(tmp_path / "*.xml")])
    assert sorted(reject.reason for reject in found.rejects) == ["not_found", "not_found", "unsupported_type"]
    assert found.items == []


def test_symlink_loop_in_a_folder_does_not_hang_or_repeat(tmp_path: Path) -> None:
    write(tmp_path / "root" / "a.txt", ARTICLE)
    os.symlink(tmp_path / "root", tmp_path / "root" / "loop")
    found = discover_files([str(tmp_path / "root")])
    assert [Path(item.location).name for item in found.items] == ["a.txt"]


def test_same_bytes_at_same_place_give_the_same_document_id(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", ARTICLE)
    first, second = read(path), read(path)
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.doc_id == second.doc_id == document_id(str(path), first.raw_sha256)
    write(path, ARTICLE + "A correction.\n")
    changed = read(path)
    assert isinstance(changed, RawDocument) and changed.doc_id != first.doc_id


def test_gzip_is_unpacked_but_raw_keeps_the_bytes_on_disk(tmp_path: Path) -> None:
    packed = gzip.compress(ARTICLE.encode())
    doc = read(write(tmp_path / "a.txt.gz", packed))
    assert isinstance(doc, RawDocument)
    assert doc.raw == packed and doc.text == ARTICLE and doc.content_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.html", b"  \n\t \n", "empty"),
        ("image.html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        ("noise.txt", bytes(range(32)) * 64, "binary"),
        ("cut.txt.gz", gzip.compress(ARTICLE.encode() * 50)[:40], "bad_gzip"),
    ],
)
def test_bad_files_become_rejects_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    result = read(write(tmp_path / name, data))
    assert isinstance(result, Reject)
    assert (result.stage, result.reason) == ("ingest", reason)
    assert result.message


def test_gzip_bomb_is_stopped_at_the_size_cap(tmp_path: Path) -> None:
    bomb = gzip.compress(b"a" * 5_000_000)
    result = read(write(tmp_path / "bomb.html.gz", bomb), max_bytes=1_000_000)
    assert isinstance(result, Reject) and result.reason == "too_large"


def test_oversized_file_is_rejected_before_it_is_read(tmp_path: Path) -> None:
    result = read(write(tmp_path / "big.html", b"<p>" + b"x" * 2_000), max_bytes=1_000)
    assert isinstance(result, Reject) and result.reason == "too_large"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.txt", ARTICLE)
    path.chmod(0)
    result = read(path)
    assert isinstance(result, Reject) and result.reason == "unreadable"
