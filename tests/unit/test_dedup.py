"""Near-duplicate detection on realistic syndicated copies and same-day hard negatives."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from tradewatch.dedup import (
    MAX_DISTANCE,
    find_near_duplicates,
    hamming_distance,
    is_near_duplicate,
    near_dup_key,
    resemblance,
)

NEARDUP = Path(__file__).resolve().parents[1] / "fixtures" / "neardup"
TEXTS = {path.stem: path.read_text(encoding="utf-8") for path in sorted(NEARDUP.glob("*.txt"))}
PAIRS = yaml.safe_load((NEARDUP / "pairs.yaml").read_text(encoding="utf-8"))
DUPLICATES = [(p["a"], p["b"]) for p in PAIRS["near_duplicates"]]
NEGATIVES = [(p["a"], p["b"]) for p in PAIRS["hard_negatives"]]
KEYS = {name: near_dup_key(text) for name, text in TEXTS.items()}


def detected(a: str, b: str) -> bool:
    """What the loader does: SimHash candidate lookup, then the precise confirm."""
    candidates = find_near_duplicates(KEYS[a], [(b, KEYS[b])])
    return candidates == [b] and is_near_duplicate(TEXTS[a], TEXTS[b])


def test_fixture_set_is_big_enough() -> None:
    assert len(DUPLICATES) >= 10 and len(NEGATIVES) >= 20
    assert all(a in TEXTS and b in TEXTS for a, b in DUPLICATES + NEGATIVES)


@pytest.mark.parametrize(("a", "b"), DUPLICATES)
def test_light_edits_are_detected(a: str, b: str) -> None:
    assert hamming_distance(KEYS[a], KEYS[b]) <= MAX_DISTANCE
    assert is_near_duplicate(TEXTS[a], TEXTS[b]) and is_near_duplicate(TEXTS[b], TEXTS[a])
    assert detected(a, b)


@pytest.mark.parametrize(("a", "b"), NEGATIVES)
def test_same_topic_different_story_is_not_a_duplicate(a: str, b: str) -> None:
    assert not is_near_duplicate(TEXTS[a], TEXTS[b])
    assert not detected(a, b)


def test_precision_and_recall_over_every_pair() -> None:
    truth = {frozenset(pair) for pair in DUPLICATES}
    found = {frozenset((a, b)) for a, b in itertools.combinations(TEXTS, 2) if detected(a, b)}
    assert found == truth  # precision 1.0 and recall 1.0 over all 300 pairs


def test_keys_fit_signed_int64_and_are_stable() -> None:
    for key in KEYS.values():
        assert -(2**63) <= key < 2**63
    assert any(key < 0 for key in KEYS.values())  # the sign bit is used, not wasted
    # stored in the database: a change here orphans every stored key
    assert KEYS["s01_yonhap_photoresist_licensing"] == 184534253457874244
    assert KEYS["s02_yonhap_hf_imports_july"] == -7614213517752743245


def test_hamming_distance_reads_signed_and_unsigned_alike() -> None:
    key = KEYS["s02_yonhap_hf_imports_july"]
    assert key < 0 and hamming_distance(key, key + 2**64) == 0
    assert hamming_distance(0, -1) == 64
    assert hamming_distance(0b1011, 0b0001) == 2


def test_candidates_come_back_nearest_first() -> None:
    origin = KEYS["s01_yonhap_photoresist_licensing"]
    stored = [
        (name, key) for name, key in KEYS.items() if name != "s01_yonhap_photoresist_licensing"
    ]
    found = find_near_duplicates(origin, stored)
    assert found[0] == "v01_mainichi_copy_of_s01"
    distances = [hamming_distance(origin, KEYS[name]) for name in found]
    assert distances == sorted(distances) and max(distances) <= MAX_DISTANCE
    assert find_near_duplicates(origin, stored, max_distance=0) == []


def test_dateline_credit_and_headline_do_not_change_the_key() -> None:
    text = TEXTS["s02_yonhap_hf_imports_july"]
    other = text.replace("SEOUL, Aug. 14 (Yonhap) --", "SEOUL, Aug. 14 (The Korea Herald) --")
    assert other != text and near_dup_key(other) == near_dup_key(text)
    assert near_dup_key(text.upper()) == near_dup_key(text)


def test_empty_and_short_texts() -> None:
    assert near_dup_key("") == 0 and near_dup_key("  \n\n ") == 0
    assert find_near_duplicates(0, [("x", 0)]) == []
    brief = "Exports rose 4 percent in February, data showed."
    assert is_near_duplicate(brief, brief)
    assert not is_near_duplicate(brief, brief.replace("4 percent", "5 percent"))
    assert not is_near_duplicate("", "")


def test_brief_made_of_a_shared_background_paragraph_is_not_a_trimmed_copy() -> None:
    brief, story = TEXTS["s13_yonhap_brief_background"], TEXTS["s01_yonhap_photoresist_licensing"]
    found = resemblance(brief, story)
    assert found.containment > 0.6  # most of the brief is the shared paragraph ...
    assert not is_near_duplicate(brief, story)  # ... but it is a different story
