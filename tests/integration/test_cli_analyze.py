"""``tradewatch analyze``: one JSON object per input, in input order, contract keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"

WIRE = (
    "SEOUL, Aug. 14 (Yonhap) -- South Korea's dependence on Japanese photoresist and "
    "hydrogen fluoride has fallen sharply since Tokyo tightened export controls in 2019, "
    "the trade ministry said Monday.\n\n"
    '"We have cut our reliance on Japan for the three key materials," Trade Minister '
    'Ahn Duk-geun told reporters. "The supply chain is far more resilient now."\n\n'
    "Japan restored South Korea to its white list of trusted trading partners in July."
)
NEAR_MISS = (
    "The Lotte Giants beat the Doosan Bears 5-3 on Sunday in Busan. "
    '"We played as a team tonight," manager Kim Tae-hyung said after the game.'
)


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tradewatch", "analyze", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_files_in_order_with_contract_fields(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(NEAR_MISS, encoding="utf-8")
    page = SITE / "yonhap/2023/08/14/semiconductor-materials.html"
    result = _run(str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), str(page))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["file"]).name for r in rows] == ["a.txt", "b.txt", page.name]
    a, b, html = rows
    assert {r["lang"] for r in rows} == {"en"}
    assert a["relevant"] is True and b["relevant"] is False and html["relevant"] is True
    assert 0 <= b["relevance"] < a["relevance"] <= 1
    assert a["topics"]
    for key in ("text", "label", "canonical"):
        assert all(key in e for e in a["entities"])
    assert {"photoresist", "hydrogen fluoride"} <= {
        e["canonical"] for e in a["entities"] if e["label"] == "MATERIAL"
    }
    quote = a["quotes"][0]
    assert quote["quote"].startswith("We have cut our reliance")
    assert quote["speaker"] == "Ahn Duk-geun" and quote["speaker_kind"] == "named"
    assert quote["cue"] == "told" and quote["reported_by"] is None
    assert WIRE[quote["start_char"] : quote["end_char"]].startswith("We have cut")
    assert any(q["quote"].endswith("far more resilient now.") for q in a["quotes"])
    assert {q["speaker"] for q in a["quotes"]} == {"Ahn Duk-geun"}
    assert b["quotes"] and b["quotes"][0]["speaker"] == "Kim Tae-hyung"
    assert html["quotes"] and "<" not in html["quotes"][0]["quote"]


def test_each_input_says_its_language(tmp_path: Path) -> None:
    languages = Path(__file__).resolve().parents[1] / "fixtures" / "languages"
    (tmp_path / "ko.txt").write_text(
        "산업통상자원부는 일본의 수출규제에 대해 밝혔다. " * 3, encoding="utf-8"
    )
    pages = [languages / "ja-export-control-talks.html", languages / "ko-labelled-english.html"]
    result = _run(str(tmp_path / "ko.txt"), *map(str, pages))
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["lang"] for line in result.stdout.splitlines()] == ["ko", "ja", "ko"]


def test_stdin_when_no_files() -> None:
    result = _run(stdin=WIRE)
    assert result.returncode == 0, result.stderr
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["file"] == "-" and row["relevant"] is True


def test_missing_file_exits_2() -> None:
    result = _run("/nonexistent/article.txt")
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_a_second_hand_quote_names_who_reported_it() -> None:
    text = (
        "TOKYO, Aug. 15 (Yonhap) -- Japan will keep its export rules on photoresist under "
        'review. "We will look at the list again before the end of the year," Trade Minister '
        "Yasutoshi Nishimura said, according to Kyodo News."
    )
    result = _run(stdin=text)
    assert result.returncode == 0, result.stderr
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    [quote] = row["quotes"]
    assert (quote["speaker"], quote["reported_by"]) == ("Yasutoshi Nishimura", "Kyodo News")
