"""Tests for tasks/dedupe/exact.py: one normal form for texts that differ only in typography."""

from __future__ import annotations

from tasks.dedupe.exact import normalise_text, text_hash


def test_typographic_variants_normalise_alike() -> None:
    fancy = "\u201cThe Bridge\u201d \u2014 it\u2019s   ready\u00a0now.\n\nＯＫ\u00ad!"
    plain = '"the bridge" - it\'s ready now. ok!'
    assert normalise_text(fancy) == plain
    assert text_hash(fancy) == text_hash(plain)


def test_different_words_hash_apart() -> None:
    assert text_hash("The council approved the bridge.") != text_hash("The council rejected the bridge.")


def test_hash_is_sha256_hex() -> None:
    digest = text_hash("anything")
    assert len(digest) == 64 and int(digest, 16) >= 0
