"""MinHash fingerprints of article text: word shingles, signatures, LSH band hashes, set similarities.

Every hash here is derived from blake2b, never Python's `hash()`, so fingerprints stored in the warehouse stay
comparable across processes, machines and releases.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache

import numpy as np

from tasks.dedupe.exact import normalise_text

# Mersenne prime 2**61 - 1: the modulus of the universal hash family (a * x + b) mod p.
MERSENNE_PRIME = (1 << 61) - 1
# Signature value of an empty shingle set: larger than any real hash value, so it never looks like a match.
EMPTY_SLOT = np.uint64(np.iinfo(np.uint64).max)
# Shingle hashes are 32 bits so that a * x (a < 2**32) fits in uint64 without overflow; collisions among the
# few thousand shingles of one article are negligible at that width.
_SHINGLE_HASH_BYTES = 4
# Cap on the permutations x shingles matrix built at once (~32 MiB of uint64), for very long texts.
_MAX_MATRIX_CELLS = 4_000_000
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Word tokens of the normalised text (case, NFKC, quotes and dashes folded)."""
    return _WORD.findall(normalise_text(text))


def tokens_of_normalised(normalised: str) -> list[str]:
    """Word tokens of a text already put through `normalise_text` (so it is normalised once, not per use)."""
    return _WORD.findall(normalised)


def shingles_of_tokens(words: list[str], size: int) -> set[str]:
    """Word n-grams of `size` words; a text shorter than that is one shingle of all its words."""
    if size < 1:
        raise ValueError(f"shingle size must be at least 1, got {size}")
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingles(text: str, size: int) -> set[str]:
    """The set of `size`-word shingles of a text, over normalised `\\w+` tokens."""
    return shingles_of_tokens(tokens(text), size)


@lru_cache(maxsize=16)
def _permutation_parameters(num_permutations: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    # Derived from blake2b rather than a numpy random generator: numpy does not promise the same stream
    # across versions, and a changed stream would make every stored fingerprint useless.
    multipliers = np.empty(num_permutations, dtype=np.uint64)
    offsets = np.empty(num_permutations, dtype=np.uint64)
    for index in range(num_permutations):
        digest = hashlib.blake2b(f"wirehouse-minhash:{seed}:{index}".encode(), digest_size=16).digest()
        multipliers[index] = int.from_bytes(digest[:8], "little") % ((1 << 32) - 1) + 1
        offsets[index] = int.from_bytes(digest[8:], "little") % MERSENNE_PRIME
    multipliers.setflags(write=False)
    offsets.setflags(write=False)
    return multipliers.reshape(-1, 1), offsets.reshape(-1, 1)


def shingle_hashes(shingle_set: Iterable[str]) -> np.ndarray:
    """A stable 32-bit hash of each shingle, as uint64 (ready for the permutation arithmetic)."""
    digests = b"".join(
        hashlib.blake2b(shingle.encode("utf-8"), digest_size=_SHINGLE_HASH_BYTES).digest()
        for shingle in shingle_set
    )
    return np.frombuffer(digests, dtype="<u4").astype(np.uint64)


def pack_hashes(hashes: Iterable[int]) -> bytes:
    """Shingle hashes as stored in the warehouse: sorted, distinct, 4 little-endian bytes each."""
    return np.array(sorted(set(hashes)), dtype="<u4").tobytes()


def unpack_hashes(packed: bytes) -> frozenset[int]:
    """The shingle hashes `pack_hashes` stored."""
    return frozenset(np.frombuffer(packed, dtype="<u4").tolist())


def signature(shingle_set: Iterable[str], num_permutations: int, seed: int = 1) -> np.ndarray:
    """The MinHash signature: per permutation, the smallest (a * x + b) mod p over the shingle hashes."""
    return signature_of_hashes(shingle_hashes(shingle_set), num_permutations, seed)


def signature_of_hashes(hashes: np.ndarray, num_permutations: int, seed: int = 1) -> np.ndarray:
    """`signature` of shingles already hashed by `shingle_hashes`."""
    if num_permutations < 1:
        raise ValueError(f"num_permutations must be at least 1, got {num_permutations}")
    result = np.full(num_permutations, EMPTY_SLOT, dtype=np.uint64)
    if hashes.size == 0:
        return result
    multipliers, offsets = _permutation_parameters(num_permutations, seed)
    chunk = max(1, _MAX_MATRIX_CELLS // num_permutations)
    for start in range(0, hashes.size, chunk):
        block = hashes[start : start + chunk].reshape(1, -1)
        np.minimum(result, _universal_hash(multipliers, offsets, block).min(axis=1), out=result)
    return result


_PRIME = np.uint64(MERSENNE_PRIME)
_PRIME_BITS = np.uint64(61)


def _universal_hash(multipliers: np.ndarray, offsets: np.ndarray, block: np.ndarray) -> np.ndarray:
    """(a * x + b) mod p for every permutation (rows) and shingle hash (columns), p = 2**61 - 1.

    Modulo a Mersenne prime needs no division: 2**61 = 1 (mod p), so y = high * 2**61 + low folds to
    high + low. a < 2**32 and x < 2**32 keep a * x below 2**64; after adding b the second fold leaves at most
    p + 2, and one conditional subtraction gives the residue: the same values as `%`, in about half the time.
    """
    value = multipliers * block
    high = value >> _PRIME_BITS
    value &= _PRIME
    value += high
    value += offsets
    np.right_shift(value, _PRIME_BITS, out=high)
    value &= _PRIME
    value += high
    np.subtract(value, _PRIME, out=value, where=value >= _PRIME)
    return value


def band_hashes(signature: np.ndarray, bands: int) -> list[int]:
    """One stable non-negative 63-bit hash per LSH band (fits a signed BIGINT column)."""
    if bands < 1:
        raise ValueError(f"bands must be at least 1, got {bands}")
    rows_per_band = len(signature) // bands
    if rows_per_band < 1:
        raise ValueError(f"{bands} bands need at least {bands} permutations, got {len(signature)}")
    # Fixed little-endian bytes so the hash does not depend on the machine's byte order.
    data = np.ascontiguousarray(signature, dtype="<u8")
    result = []
    for band in range(bands):
        chunk = data[band * rows_per_band : (band + 1) * rows_per_band].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        result.append(int.from_bytes(digest, "little") >> 1)
    return result


def jaccard(first: AbstractSet[Hashable], second: AbstractSet[Hashable]) -> float:
    """|A ∩ B| / |A ∪ B|; two empty sets share no evidence of copying, so 0.0."""
    if not first or not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


def containment(part: AbstractSet[Hashable], whole: AbstractSet[Hashable]) -> float:
    """|A ∩ B| / |A|: how much of `part` appears in `whole` (1.0 for a truncated copy of `whole`)."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)
