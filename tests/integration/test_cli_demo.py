"""``tradewatch demo`` (what ``make demo`` runs): ingests the sample site, prints every report
query and writes the daily brief; and every SQL example the README and
``include/sql/queries/`` give analysts, run through the bundled ``duckdb`` CLI against the
demo's read-only snapshot, as an analyst would (so a CLI that drifts from the engine's
version, and cannot load the fts extension, fails here)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tradewatch.store import snapshot_path

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "include" / "sql" / "queries"
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "tradewatch", "demo", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return db, done


def test_demo_ingests_the_samples_and_runs_every_report_query(
    demo: tuple[Path, subprocess.CompletedProcess],
) -> None:
    db, done = demo
    first, _, reports = done.stdout.partition("\n")
    counts = json.loads(first.split(": ", 1)[1])
    assert counts["articles_new"] == 12 and counts["quotes"] > 0
    headers = [line[3:] for line in reports.splitlines() if line.startswith("-- ")]
    assert headers == sorted(q.name for q in QUERIES.glob("*.sql"))
    assert "Error" not in done.stdout and "Traceback" not in done.stderr
    coverage = reports.split("-- 07_run_coverage.sql", 1)[1]
    assert "│ cli " in coverage and "│      5 │" in coverage
    brief = db.parent / "demo" / "reports" / "2023-07-21.html"  # the samples' latest news day
    assert f"the daily brief for the sample site (2023-07-21): {brief}" in done.stdout
    html = brief.read_text(encoding="utf-8")
    assert "Koo Ja-yeol" in html and "Our members have waited four years" in html
    # Korean and Japanese quotes in their own script, named speakers in English.
    assert "Lee Chang-yang" in html and "한일 간 수출규제 문제가 완전히 해소됐다" in html
    assert "Yasutoshi Nishimura" in html and "韓国側の輸出管理の実効性を確認できた" in html
    assert html.count("<svg") == 3
    assert (brief.parent / "latest.html").read_text(encoding="utf-8") == html


def _readme_sql() -> list[tuple[str, str]]:
    """The README's ```sql blocks (each run whole: a LOAD serves the queries after it) and
    the one-line examples of its reporting-views table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sql\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    examples = re.findall(r"^\| `report_\w+` \|.*\| `(SELECT [^`]*;)` \|$", readme, re.MULTILINE)
    assert len(blocks) >= 2 and len(examples) >= 10, "the README's SQL moved: update this test"
    return [(f"README sql block {i + 1}", sql) for i, sql in enumerate(blocks)] + [
        (f"README table example {i + 1}", sql) for i, sql in enumerate(examples)
    ]


SQL_EXAMPLES = _readme_sql() + [
    (q.name, q.read_text(encoding="utf-8")) for q in sorted(QUERIES.glob("*.sql"))
]


def _cli(snapshot: Path, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DUCKDB_CLI), "-readonly", str(snapshot), "-c", sql],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,  # the README loads the fts extension by its path under .venv
    )


def test_the_bundled_cli_is_the_engines_version() -> None:
    done = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True)
    assert done.stdout.split()[0] == f"v{duckdb.__version__}", done.stdout


@pytest.mark.parametrize(("where", "sql"), SQL_EXAMPLES, ids=[w for w, _ in SQL_EXAMPLES])
def test_every_sql_example_runs_in_the_bundled_cli(
    demo: tuple[Path, subprocess.CompletedProcess], where: str, sql: str
) -> None:
    done = _cli(snapshot_path(demo[0]), sql)
    assert done.returncode == 0 and not done.stderr, f"{where}:\n{sql}\n{done.stderr}"
    assert "│" in done.stdout, f"{where} printed no table"


def test_every_readme_search_finds_something_in_the_demo(
    demo: tuple[Path, subprocess.CompletedProcess],
) -> None:
    """Each full-text query of the README, after its LOAD, on its own: an example that
    finds nothing in the demo teaches nothing."""
    block = next(sql for _, sql in SQL_EXAMPLES if "match_bm25" in sql)
    load, *searches = [s.strip() for s in re.split(r";\s*\n", block) if s.strip()]
    assert load.startswith("LOAD ") and len(searches) == 4
    found = []
    for search in searches:
        out = _cli(snapshot_path(demo[0]), f"{load}; {search}")
        assert out.returncode == 0 and " 0 rows" not in out.stdout, (search, out.stdout)
        found.append(out.stdout)
    assert re.search(r"[가-힣]", found[2]) and re.search(r"[\u3040-\u30ff]", found[3])
