"""``tradewatch eval FOLDER``: real model on a two-article brat folder, scores and diffs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bratfiles import KYODO, KYODO_ATTRIBUTIONS, YONHAP, YONHAP_ATTRIBUTIONS, write_brat

# Lee Min-jung's two-paragraph quote is left unannotated: predicting it is a spurious quote.
YONHAP_WITHOUT_LEE = YONHAP_ATTRIBUTIONS[:-1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewatch", "eval", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "brat"
    write_brat(folder, "yonhap_0001", YONHAP, YONHAP_WITHOUT_LEE)
    write_brat(
        folder,
        "kyodo_0002",
        KYODO,
        KYODO_ATTRIBUTIONS,
        extra=["#1\tAnnotatorNotes T3\tKyodo reports the official", "second pass: ok"],
    )
    # a second annotator of the same article, after the first in name order: not used
    write_brat(folder, "kyodo_0002", KYODO, KYODO_ATTRIBUTIONS[:1], annotator="b2")
    return folder


def test_eval_brat_folder_scores_and_writes_diffs(tmp_path: Path) -> None:
    folder, diffs = _folder(tmp_path), tmp_path / "diffs"
    result = _run(str(folder), "--json", "--diffs", str(diffs))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["articles"] == 2 and scores["extraction_version"]
    quotes = scores["quotes"]
    # yonhap: Park's split quote (2) and "he said" (1); kyodo: 4, with annotator a1's file
    assert quotes["tp"] + quotes["fn"] == 7
    assert quotes["fp"] >= 1  # Lee's unannotated quote
    assert scores["implicit_source_quotes"] <= 1
    named = scores["speaker_named_or_descriptor"]
    assert named["total"] <= 4 and named["correct"] >= 2
    written = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in diffs.glob("*.json")}
    assert "yonhap_0001" in written
    assert any(
        q.startswith("Exporters on both sides") for q in written["yonhap_0001"]["spurious_quotes"]
    )
    # explicit "X said" / "said X" quotes are found and credited to X
    for name, opening in [
        ("yonhap_0001", "We expect Tokyo to honour"),
        ("kyodo_0002", "Procurement managers have already"),
    ]:
        diff = written.get(name, {})
        assert not any(q.startswith(opening) for q in diff.get("missed_quotes", []))
        assert not any(w["quote"].startswith(opening) for w in diff.get("wrong_speakers", []))


def test_eval_brat_folder_human_summary_with_limit(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = _run(str(folder), "--limit", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("extraction_version ") and lines[0].endswith(
        f", brat folder {folder}"
    )
    assert lines[1].startswith("1 articles, 4 gold quotes, ")  # kyodo_0002 comes first
    assert "speaker, pronoun source" in result.stdout


def test_eval_folder_without_brat_layout_exits_2(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    result = _run(str(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"tradewatch: error: {tmp_path} must hold text/ and attributions/ folders (brat standoff)"
    ]
