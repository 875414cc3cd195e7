"""``tradewatch eval``: real model, a small gold file, scores and per-article diffs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TEXT = (
    "SEOUL, Aug. 14 (Yonhap) -- South Korea's imports of Japanese photoresist rebounded in "
    "July after Tokyo lifted its 2019 export controls, the trade ministry said Monday.\n\n"
    '"Our companies can again plan purchases with confidence," Trade Minister Ahn Duk-geun '
    "told reporters."
)
GOLD = [
    {
        "id": "t1",
        "title": "Photoresist imports from Japan rebound",
        "text": TEXT,
        "relevant": True,
        "topics": ["export_controls"],
        "persons": ["Ahn Duk-geun"],
        "orgs": [],
        "places": ["South Korea", "Tokyo"],
        "materials": ["photoresist"],
        "quotes": [
            {
                "opening": "Our companies can again plan",
                "speaker": "Ahn Duk-geun",
                "speaker_kind": "named",
            },
            {"opening": "This quote is not there", "speaker": "Nobody", "speaker_kind": "named"},
        ],
    }
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewatch", "eval", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_eval_prints_scores_and_writes_diffs(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(g) for g in GOLD), encoding="utf-8")
    result = _run(str(gold), "--json", "--diffs", str(tmp_path / "diffs"))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["articles"] == 1 and scores["extraction_version"]
    assert scores["relevance"]["tp"] == 1
    assert scores["quotes"]["tp"] == 1 and scores["quotes"]["fn"] == 1
    assert scores["speaker_accuracy"] == 1.0
    assert scores["entities"]["materials"]["recall"] == 1.0
    diff = json.loads((tmp_path / "diffs" / "t1.json").read_text())
    assert diff["missed_quotes"] == ["This quote is not there"]
    human = _run(str(gold))
    assert "speaker accuracy" in human.stdout and "quotes" in human.stdout


def test_eval_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops")
    result = _run(str(bad))
    assert result.returncode == 2 and "bad.jsonl:1" in result.stderr
