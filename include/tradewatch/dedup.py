"""Near-duplicate detection: a syndicated story republished with light edits.

``urls.content_hash`` catches a copy whose substantive paragraphs are identical. Partners
also retitle, add or trim a paragraph, swap the dateline credit and respell words
(British/American), and each such copy would double the counts analysts rely on. Two steps:

* :func:`near_dup_key`: a 64-bit SimHash over word 3-shingles of the substantive
  paragraphs (the ones ``content_hash`` uses, first-paragraph dateline removed). Light
  edits move it by a few bits, other stories land ~32 bits away, so the loader can keep it
  in a ``BIGINT`` column and look up candidates within :data:`MAX_DISTANCE` bits. The
  unsigned SimHash is stored as two's-complement signed int64 (values >= 2**63 have 2**64
  subtracted); :func:`hamming_distance` masks back to 64 bits, so either form works, and
  in DuckDB ``bit_count(xor(near_dup_key, $key)) <= 18`` is the same test.
* :func:`is_near_duplicate`: the precise confirm on the two texts: Jaccard resemblance of
  the shingle sets >= :data:`MIN_JACCARD`, or containment (shared shingles over the smaller
  set) >= :data:`MIN_CONTAINMENT` for a copy trimmed to its first paragraphs (if it kept at
  least :data:`MIN_SIZE_RATIO` of the text). SimHash alone is not enough: stories on the
  same day share background paragraphs and quotes, which pulls their keys together.

Thresholds were measured on ``tests/fixtures/neardup`` (see its README).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from tradewatch.urls import SUBSTANTIVE_WORDS

__all__ = [
    "MAX_DISTANCE",
    "MIN_CONTAINMENT",
    "MIN_JACCARD",
    "MIN_SHINGLES",
    "MIN_SIZE_RATIO",
    "SHINGLE_WORDS",
    "Resemblance",
    "find_near_duplicates",
    "hamming_distance",
    "is_near_duplicate",
    "near_dup_key",
    "resemblance",
]

SHINGLE_WORDS = 3
#: SimHash bits within which a stored article is a candidate worth confirming.
MAX_DISTANCE = 18
#: Jaccard resemblance of shingle sets above which two texts are the same story.
MIN_JACCARD = 0.4
#: Share of the smaller text's shingles found in the other: a trimmed copy.
MIN_CONTAINMENT = 0.8
#: Containment counts only when the smaller text is at least this share of the larger:
#: a brief made of a shared background paragraph is not a trimmed copy.
MIN_SIZE_RATIO = 0.3
#: Texts with fewer shingles are too short to judge fuzzily: they must match exactly.
MIN_SHINGLES = 15

_BITS = 64
_DIGEST_BYTES = _BITS // 8
# _BIT_TABLES[k] maps a byte to 1 if its bit k (most significant first) is set, else 0
_BIT_TABLES = [bytes((value >> (7 - k)) & 1 for value in range(256)) for k in range(8)]
_MASK = (1 << _BITS) - 1
_SIGN = 1 << (_BITS - 1)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\w+")
# "SEOUL, Aug. 14 (Yonhap) --" / "TOKYO (Kyodo) -" / "SEJONG, Aug. 14 --": credits differ
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Z][A-Za-z]{2,4}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?"
    r"\s*(?:--|—|–|-)\s*"
)


@dataclass(frozen=True)
class Resemblance:
    """How much two texts' shingle sets overlap, and how many shingles each has."""

    jaccard: float
    containment: float
    smaller: int
    larger: int


def near_dup_key(text: str) -> int:
    """64-bit SimHash of ``text``'s shingles as a signed int64 (fits a ``BIGINT``); 0 if empty."""
    shingles = _shingles(text)
    if not shingles:
        return 0
    digests = b"".join(map(_digest, shingles))
    half = len(shingles) / 2
    key = 0
    for byte in range(_DIGEST_BYTES):  # count each bit position over all shingles, in C
        column = digests[byte::_DIGEST_BYTES]
        for table in _BIT_TABLES:
            key = (key << 1) | (column.translate(table).count(1) > half)
    return key - (1 << _BITS) if key & _SIGN else key


def hamming_distance(key_a: int, key_b: int) -> int:
    """Differing bits of two keys, signed or unsigned."""
    return ((key_a ^ key_b) & _MASK).bit_count()


def find_near_duplicates(
    key: int, candidates: Iterable[tuple[str, int]], max_distance: int = MAX_DISTANCE
) -> list[str]:
    """Ids of ``(id, key)`` candidates within ``max_distance`` bits, nearest first.

    A key of 0 (empty text) matches nothing. Confirm each with :func:`is_near_duplicate`.
    """
    if key == 0:
        return []
    near = [
        (distance, candidate_id)
        for candidate_id, candidate_key in candidates
        if candidate_key != 0 and (distance := hamming_distance(key, candidate_key)) <= max_distance
    ]
    return [candidate_id for _, candidate_id in sorted(near)]


def resemblance(text_a: str, text_b: str) -> Resemblance:
    """Jaccard and containment of the two texts' shingle sets."""
    a, b = _shingles(text_a), _shingles(text_b)
    smaller, larger = sorted((len(a), len(b)))
    if not smaller:
        return Resemblance(0.0, 0.0, smaller, larger)
    shared = len(a & b)
    return Resemblance(shared / len(a | b), shared / smaller, smaller, larger)


def is_near_duplicate(text_a: str, text_b: str) -> bool:
    """True when ``text_b`` is ``text_a`` republished with light edits (or vice versa)."""
    found = resemblance(text_a, text_b)
    if found.smaller < MIN_SHINGLES:
        return found.jaccard == 1.0
    trimmed = (
        found.containment >= MIN_CONTAINMENT and found.smaller >= MIN_SIZE_RATIO * found.larger
    )
    return found.jaccard >= MIN_JACCARD or trimmed


@lru_cache(maxsize=256)
def _shingles(text: str) -> frozenset[str]:
    """The word 3-shingles of the substantive paragraphs. Compared as strings (one hash
    each, in C); only the SimHash needs stable digests. Cached: a batch compares each new
    article with several candidates, and a popular original with many new articles."""
    words = _WORD.findall(_substance(text))
    if len(words) < SHINGLE_WORDS:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def _substance(text: str) -> str:
    """Casefolded substantive paragraphs, as :func:`tradewatch.urls.content_hash` picks them."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    if paragraphs:
        paragraphs[0] = _DATELINE.sub("", paragraphs[0], count=1)
    substantive = [p for p in paragraphs if len(p.split()) >= SUBSTANTIVE_WORDS]
    return unicodedata.normalize("NFKC", " ".join(substantive or paragraphs)).casefold()


def _digest(shingle: str) -> bytes:
    return hashlib.blake2b(shingle.encode("utf-8"), digest_size=_DIGEST_BYTES).digest()
