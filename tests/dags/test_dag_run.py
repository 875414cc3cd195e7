"""Whole ``dag.test()`` runs of tradewatch_daily and tradewatch_reprocess on the fixture site.

The run happens in a subprocess (tests/dags/dagtest_runner.py) with its own AIRFLOW_HOME,
data directory and DuckDB file, the way an Airflow worker would run it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

RUNNER = Path(__file__).with_name("dagtest_runner.py")
# A manual run at midnight today covers yesterday's interval, as one triggered now would:
# RSS feeds are polled live only for a current interval (an older one, never archived,
# has no history).
LOGICAL_DATE = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0).isoformat()


def run_dag_test(
    env: dict[str, str], conf: dict, log: Path, dag_id: str = "tradewatch_daily"
) -> dict:
    """Run ``dag.test()`` of ``dag_id``; return the runner's RESULT (output in ``log``)."""
    cmd = [sys.executable, str(RUNNER), dag_id, LOGICAL_DATE, json.dumps(conf)]
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=900)
    text = log.read_text(encoding="utf-8")
    results = [line for line in text.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and results, f"dag.test failed:\n{text[-6000:]}"
    return json.loads(results[-1].removeprefix("RESULT "))


@pytest.fixture
def dag_run(
    tmp_path: Path, sources_file: Path, fresh_airflow_home: Callable[..., dict[str, str]]
) -> tuple[dict, Path, Path]:
    """One finished run: (result, DuckDB path, runner log)."""
    data = tmp_path / "data"
    db = data / "tradewatch.duckdb"
    env = fresh_airflow_home(TRADEWATCH_DATA_DIR=data, TRADEWATCH_DB=db)
    log = tmp_path / "dag_test.log"
    result = run_dag_test(env, {"sources_file": str(sources_file)}, log)
    return result, db, log


def test_daily_run_succeeds_and_loads_duckdb(dag_run: tuple[dict, Path, Path]) -> None:
    result, db, log = dag_run
    tail = log.read_text(encoding="utf-8")[-6000:]
    assert result["state"] == "success", f"{result}\n{tail}"
    tasks = result["tasks"]
    assert all(state == "success" for state in tasks.values()), tasks
    discovers = [key for key in tasks if key.startswith("discover[")]
    assert len(discovers) >= 2, f"discover should be mapped over every source: {tasks}"

    with duckdb.connect(str(db), read_only=True) as con:

        def count(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        articles = count("SELECT count(*) FROM articles")
        relevant = count("SELECT count(*) FROM articles WHERE relevant")
        assert articles > 0
        assert 0 < relevant <= articles
        assert count("SELECT count(*) FROM quotes") > 0
        assert count("SELECT count(*) FROM entity_mentions") > 0
        assert count("SELECT count(*) FROM fetch_log") > 0
        assert count("SELECT count(DISTINCT source) FROM articles") >= 2
        assert count("SELECT count(*) - count(DISTINCT article_id) FROM articles") == 0
        # dag.test() makes a manual run; its row is written by the load.
        assert count("SELECT count(*) FROM pipeline_runs WHERE trigger = 'manual'") == 1

    # Staging files live in one directory per run, named after Airflow's run_id.
    run_dirs = [p for p in (db.parent / "runs").iterdir() if p.is_dir()]
    assert len(run_dirs) == 1, run_dirs
    assert run_dirs[0].name.startswith("manual__")
    assert not set(run_dirs[0].name) & set(":+/ "), run_dirs[0].name


def test_reprocess_run_rescores_an_ingested_archive(
    tmp_path: Path, sources_file: Path, fresh_airflow_home: Callable[..., dict[str, str]]
) -> None:
    """Ingest with the CLI at 0.99, then dag.test() tradewatch_reprocess at 0.5."""
    data = tmp_path / "data"
    db = data / "tradewatch.duckdb"
    cli = [sys.executable, "-m", "tradewatch", "ingest", "--sources", str(sources_file)]
    cli += ["--db", str(db), "--data-dir", str(data), "--relevance-threshold", "0.99"]
    proc = subprocess.run(cli, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with duckdb.connect(str(db), read_only=True) as con:
        first, last = con.execute(
            "SELECT min(fetched_at)::DATE, max(fetched_at)::DATE FROM articles"
        ).fetchone()
        quotes_before = con.execute("SELECT count(*) FROM quotes").fetchone()[0]

    env = fresh_airflow_home(TRADEWATCH_DATA_DIR=data, TRADEWATCH_DB=db)
    conf = {
        "start_date": first.isoformat(),
        "end_date": last.isoformat(),
        "relevance_threshold": 0.5,
    }
    log = tmp_path / "dag_test.log"
    result = run_dag_test(env, conf, log, dag_id="tradewatch_reprocess")
    assert result["state"] == "success", f"{result}\n{log.read_text(encoding='utf-8')[-6000:]}"
    assert set(result["tasks"]) == {"collect", "extract", "analyze", "load"}

    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quotes").fetchone()[0] > quotes_before
        runs = con.execute(
            "SELECT trigger, status, counts->>'$.collect.archived' FROM pipeline_runs "
            "ORDER BY finished_at"
        ).fetchall()
    assert [r[:2] for r in runs] == [("cli", "ok"), ("reprocess", "ok")]
    assert int(runs[1][2]) > 0


def test_report_run_writes_the_brief_from_the_snapshot(
    tmp_path: Path, sources_file: Path, fresh_airflow_home: Callable[..., dict[str, str]]
) -> None:
    """Ingest with the CLI, then dag.test() tradewatch_report: the brief shows the quotes."""
    data = tmp_path / "data"
    db = data / "tradewatch.duckdb"
    cli = [sys.executable, "-m", "tradewatch", "ingest", "--sources", str(sources_file)]
    proc = subprocess.run(
        [*cli, "--db", str(db), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with duckdb.connect(str(db.with_name("tradewatch_read.duckdb")), read_only=True) as con:
        day, speaker = con.execute(
            "SELECT day, speaker FROM report_quotes WHERE identified "
            "ORDER BY published_at DESC, seq LIMIT 1"
        ).fetchone()

    env = fresh_airflow_home(TRADEWATCH_DATA_DIR=data, TRADEWATCH_DB=db)
    log = tmp_path / "dag_test.log"
    result = run_dag_test(env, {}, log, dag_id="tradewatch_report")
    assert result["state"] == "success", f"{result}\n{log.read_text(encoding='utf-8')[-6000:]}"
    assert result["tasks"] == {"write_brief": "success"}
    brief = (data / "reports" / f"{day}.html").read_text(encoding="utf-8")
    assert speaker in brief and "<svg" in brief
    assert (data / "reports" / "latest.html").read_text(encoding="utf-8") == brief
