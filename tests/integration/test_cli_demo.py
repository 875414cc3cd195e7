"""``tradewatch demo`` (what ``make demo`` runs): ingests the sample site, prints every report
query and writes the daily brief."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

QUERIES = Path(__file__).resolve().parents[2] / "include" / "sql" / "queries"


def test_demo_ingests_the_samples_and_runs_every_report_query(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "tradewatch", "demo", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    first, _, reports = done.stdout.partition("\n")
    counts = json.loads(first.split(": ", 1)[1])
    assert counts["articles_new"] == 12 and counts["quotes"] > 0
    headers = [line[3:] for line in reports.splitlines() if line.startswith("-- ")]
    assert headers == sorted(q.name for q in QUERIES.glob("*.sql"))
    assert "Error" not in done.stdout and "Traceback" not in done.stderr
    coverage = reports.split("-- 07_run_coverage.sql", 1)[1]
    assert "│ cli " in coverage and "│      5 │" in coverage
    brief = tmp_path / "demo" / "reports" / "2023-07-21.html"  # the samples' latest news day
    assert f"the daily brief for the sample site (2023-07-21): {brief}" in done.stdout
    html = brief.read_text(encoding="utf-8")
    assert "Koo Ja-yeol" in html and "Our members have waited four years" in html
    # Korean and Japanese quotes in their own script, named speakers in English.
    assert "Lee Chang-yang" in html and "한일 간 수출규제 문제가 완전히 해소됐다" in html
    assert "Yasutoshi Nishimura" in html and "韓国側の輸出管理の実効性を確認できた" in html
    assert html.count("<svg") == 3
    assert (brief.parent / "latest.html").read_text(encoding="utf-8") == html
