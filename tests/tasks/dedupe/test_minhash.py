"""Tests for tasks/dedupe/minhash.py: shingles, deterministic signatures, band hashes, similarities."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tasks.dedupe.minhash import band_hashes, containment, jaccard, shingles, signature

TEXT = (
    "Rescue teams reached the flooded village on Sunday morning after the river burst its banks overnight. "
    "Officials said forty homes were damaged and two bridges had been swept away by the water."
)
REPO = Path(__file__).resolve().parents[3]


def test_shingles_fold_case_quotes_dashes_and_compatibility_forms() -> None:
    assert shingles("The \u201cRiver\u201d \u2014 ROSE fast", 2) == shingles('the "river" - rose ＦＡＳＴ', 2)
    assert shingles("one two three", 2) == {"one two", "two three"}
    assert shingles("short", 5) == {"short"}
    assert shingles("  ...  ", 5) == set()


def test_signature_is_uint64_and_ignores_shingle_order() -> None:
    words = shingles(TEXT, 5)
    first = signature(words, 128)
    second = signature(sorted(words, reverse=True), 128)
    assert first.dtype == np.uint64 and first.shape == (128,)
    assert np.array_equal(first, second)
    assert not np.array_equal(first, signature(words, 128, seed=2))


def test_signature_agreement_estimates_jaccard() -> None:
    first = shingles(TEXT, 3)
    second = shingles(TEXT.replace("forty homes were damaged", "many houses were flooded"), 3)
    estimate = float(np.mean(signature(first, 256) == signature(second, 256)))
    assert abs(estimate - jaccard(first, second)) < 0.12


def test_band_hashes_are_stable_non_negative_bigints() -> None:
    values = band_hashes(signature(shingles(TEXT, 5), 128), 32)
    assert len(values) == 32
    assert all(0 <= value < 2**63 for value in values)
    with pytest.raises(ValueError):
        band_hashes(signature(shingles(TEXT, 5), 16), 32)


def test_signature_and_bands_are_the_same_in_another_process() -> None:
    script = (
        "import sys\n"
        "from tasks.dedupe.minhash import band_hashes, shingles, signature\n"
        "s = signature(shingles(sys.argv[1], 5), 128)\n"
        "print(','.join(map(str, s.tolist())))\n"
        "print(','.join(map(str, band_hashes(s, 32))))\n"
    )
    # A different hash seed in the child proves nothing depends on Python's randomised hash().
    environment = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    child = subprocess.run(
        [sys.executable, "-c", script, TEXT],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=60,
    )
    here = signature(shingles(TEXT, 5), 128)
    lines = child.stdout.splitlines()
    assert lines[0] == ",".join(map(str, here.tolist()))
    assert lines[1] == ",".join(map(str, band_hashes(here, 32)))


def test_jaccard_and_containment() -> None:
    whole = {"a", "b", "c", "d"}
    part = {"a", "b"}
    assert jaccard(whole, part) == 0.5
    assert containment(part, whole) == 1.0
    assert containment(whole, part) == 0.5
    assert jaccard(set(), set()) == 0.0 and containment(set(), whole) == 0.0


def test_universal_hash_reduces_a_sum_that_lands_exactly_on_the_prime() -> None:
    from tasks.dedupe.minhash import MERSENNE_PRIME, _universal_hash

    def one(a: int, b: int, x: int) -> int:
        cell = np.array([[a]], dtype=np.uint64), np.array([[b]], dtype=np.uint64), np.array([[x]], np.uint64)
        return int(_universal_hash(*cell)[0, 0])

    # a * x + b = p (folds to p itself, which only the final subtraction brings to 0), and neighbours of it.
    assert one(1, MERSENNE_PRIME - 5, 5) == 0
    assert one(1, MERSENNE_PRIME - 5, 6) == 1
    assert one(1, MERSENNE_PRIME - 5, 4) == MERSENNE_PRIME - 1
    biggest = (1 << 32) - 1
    expected = (biggest * biggest + MERSENNE_PRIME - 1) % MERSENNE_PRIME
    assert one(biggest, MERSENNE_PRIME - 1, biggest) == expected
