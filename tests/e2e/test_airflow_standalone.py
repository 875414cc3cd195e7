"""End to end: a real ``airflow standalone`` on the embedded Postgres, driven by the REST API.

The test starts scripts/airflow_standalone.py (what ``make run`` starts) with its own
AIRFLOW_HOME under tmp, its own Postgres data directory, a free port and a known login, so
it never disturbs a developer's ``make run``. It migrates through
scripts/embedded_postgres.py as ``make airflow-init`` does, triggers the run for
yesterday's data interval with the fixture news site and a GDELT replica as sources, waits
for success, then backfills a past week three times, each on the first call: with
``airflow backfill create`` for the missing runs, again for all runs, and through
``POST /api/v2/backfills`` (the UI's Backfill dialog) with at most 3 runs at a time. For
each day the RSS feeds have no history and GDELT lists that day's pages of a second site
(the bundled samples). It checks each day on the read-only snapshot after the first pass,
and after each "all runs" pass (Airflow clears each day's run and runs it again, as the
UI's Clear does) that the content tables did not change. Then Ctrl-C: no Airflow or
Postgres process may be left. Postgres is then killed with -9, leaving a stale
``postmaster.pid``, and a second start must come up on the same data, with every run and
backfill still there, and stop as cleanly.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from airflowtest import (
    BIN,
    REPO,
    STARTUP_TIMEOUT,
    Api,
    Standalone,
    airflow_env,
    airflow_init,
    failure_report,
    free_port,
    healthy,
)
from dbstate import content_hashes
from embedded_postgres import EmbeddedPostgres
from pgtest import scratch_dir
from servers.gdelt import GdeltReplica
from servers.site import SITE_FEEDS, write_sources
from tradewatch.devserver import serve_directory
from tradewatch.store.db import load_fts
from tradewatch.store.term_partitions import unsealed

pytestmark = pytest.mark.e2e

DAG_ID = "tradewatch_daily"
USER, PASSWORD = "admin", "e2e-admin-password"
RUN_TIMEOUT = 360
BACKFILL_TIMEOUT = 900
# Search-index terms per table: small enough that the week's loads start new tables, and
# seal the full ones, in the main file and in the snapshot's copies, in task processes.
TERMS_TABLE_ROWS = 500
MAX_ACTIVE_RUNS = 3
SAMPLES = REPO / "include" / "samples"
# Sample-site pages GDELT "saw" on each day of the backfilled week (day index -> paths).
WEEK = {
    0: ["koreatimes/2023/03/16/japan-lifts-export-curbs.html", "nhk/news/20230323_25.html"],
    1: ["kyodo/news/2023/03/5c71e09a3d22-textbooks-takeshima-protest.html"],
    2: [],
    3: [
        "koreatimes/2023/04/03/ira-critical-minerals.html",
        "koreatimes/2023/04/24/korea-restores-japan-white-list.html",
    ],
    4: ["kyodo/news/2023/05/3f9a1c7e2b40-japan-moves-to-restore-s-korea-trade-status.html"],
    5: ["kyodo/news/2023/06/8d2e44b0c1a9-jsr-buyout-korean-chipmakers.html"],
    6: ["nhk/news/20230721_12.html"],
}


def gdelt_records(samples_base: str, first_day: datetime) -> list[dict[str, str]]:
    """GDELT artlist records for :data:`WEEK`, seen at 01:00, 09:00... UTC on their day."""
    return [
        {
            "url": f"{samples_base}/{path}",
            "title": Path(path).stem.replace("-", " "),
            "seendate": f"{first_day + timedelta(days=day, hours=1 + 8 * i):%Y%m%dT%H%M%SZ}",
            "language": "English",
            "domain": "127.0.0.1",
        }
        for day, paths in WEEK.items()
        for i, path in enumerate(paths)
    ]


def test_standalone_runs_the_daily_dag_and_backfills(tmp_path: Path, site_url: str):
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=10)
    with (
        serve_directory(SAMPLES) as samples_base,
        GdeltReplica(gdelt_records(samples_base, first_day)) as gdelt,
        scratch_dir() as scratch,
    ):
        gdelt_source = gdelt.source("gdelt-kj", "(Korea OR Seoul) (Japan OR Tokyo) export")
        sources_file = write_sources(tmp_path / "sources.yaml", site_url, extra=[gdelt_source])
        run_standalone(tmp_path, scratch / "pgdata", sources_file, today, first_day, samples_base)


def run_standalone(
    tmp_path: Path,
    pgdata: Path,
    sources_file: Path,
    today: datetime,
    first_day: datetime,
    samples_base: str,
) -> None:
    """Start Airflow, run yesterday's interval, backfill the week, Ctrl-C, restart over a
    stale ``postmaster.pid``, Ctrl-C again, check DuckDB."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "data"
    db = data / "tradewatch.duckdb"
    # TRADEWATCH_SOURCES: also the sources_file default, should the scheduler start a run.
    env = airflow_env(
        tmp_path,
        pgdata,
        port,
        USER,
        TRADEWATCH_SOURCES=str(sources_file),
        TRADEWATCH_TERMS_TABLE_ROWS=str(TERMS_TABLE_ROWS),
    )
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"{base}/execution/"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == (
        f"postgresql+psycopg2://airflow@/airflow?host={pgdata}"
    )
    Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).write_text(
        json.dumps({USER: PASSWORD}), encoding="utf-8"
    )
    airflow_init(env, pgdata)

    first = Standalone(env, tmp_path / "standalone.log")
    try:
        history = exercise(first, base, env, sources_file, today, first_day, samples_base, db)
    except BaseException:
        print(f"---- tail of {first.log_path} ----\n{first.output()[-8000:]}")
        raise
    finally:
        left = first.ctrl_c()
    assert left == ([], []), f"Airflow and Postgres processes left after Ctrl-C: {left}"
    assert len(first.postgres_seen) > 1, "Postgres was never seen running"
    output = first.output()
    assert f"Airflow UI: {base}/" in output and f"{USER} / {PASSWORD}" in output
    assert "all Airflow processes stopped" in output
    assert f"Postgres stopped ({pgdata})" in output

    # Postgres killed with -9 last time: its postmaster.pid stays behind.
    server = EmbeddedPostgres(pgdata)
    server.start()
    master = server.postmaster()
    assert master is not None
    master.kill()
    master.wait(10)
    assert (pgdata / "postmaster.pid").exists()

    second = Standalone(env, tmp_path / "standalone-2.log")
    try:
        second.wait_for("a healthy Airflow again", lambda: healthy(base), STARTUP_TIMEOUT)
        api = Api(base)
        api.login(USER, PASSWORD)
        runs = api.ok("GET", f"/dags/{DAG_ID}/dagRuns", params={"limit": 100})
        assert sorted(r["dag_run_id"] for r in runs["dag_runs"]) == history["runs"]
        backfills = api.ok("GET", "/backfills", params={"dag_id": DAG_ID})
        assert backfills["total_entries"] == history["backfills"]
    except BaseException:
        print(f"---- tail of {second.log_path} ----\n{second.output()[-8000:]}")
        raise
    finally:
        left = second.ctrl_c()
    assert left == ([], []), f"processes left after the second Ctrl-C: {left}"
    assert f"Postgres stopped ({pgdata})" in second.output()

    with duckdb.connect(str(db), read_only=True) as con:

        def count(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        assert count("SELECT count(*) FROM articles") > 0
        assert count("SELECT count(*) FROM articles WHERE relevant") > 0
        assert count("SELECT count(*) FROM quotes") > 0
        assert count("SELECT count(*) FROM fetch_log") > 0
    for path in (db, data / "tradewatch_read.duckdb"):
        check_sealed_terms(path)


def check_sealed_terms(path: Path) -> None:
    """The articles index of ``path`` spread over several terms tables, all but the last
    sealed, holding each document's words, and searchable."""
    with duckdb.connect(str(path), read_only=True) as con:
        assert load_fts(con)
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = "
            "'fts_main_articles' AND regexp_full_match(table_name, 'terms_[0-9]+')"
        ).fetchall()
        assert len(tables) > 2 and unsealed(con, path.stem) == [], tables
        words, lengths = con.execute(
            "SELECT (SELECT count(*) FROM fts_main_articles.terms), "
            "(SELECT sum(len) FROM fts_main_articles.docs)"
        ).fetchone()
        assert words == lengths, path
        (hits,) = con.execute(
            "SELECT count(*) FROM (SELECT fts_main_articles.match_bm25(article_id, 'export') "
            "AS s FROM articles) WHERE s IS NOT NULL"
        ).fetchone()
        assert hits > 0, path


def exercise(
    airflow: Standalone,
    base: str,
    env: dict[str, str],
    sources_file: Path,
    today: datetime,
    first_day: datetime,
    samples_base: str,
    db: Path,
) -> dict[str, Any]:
    """Everything a user does with a running Airflow; returns the run ids and the number of
    backfills, which a restart must keep."""
    api = Api(base)
    airflow.wait_for("a healthy Airflow", lambda: healthy(base), STARTUP_TIMEOUT)
    api.login(USER, PASSWORD)
    airflow.wait_for(
        f"DAG {DAG_ID} to be parsed", lambda: api.get(f"/dags/{DAG_ID}").status_code == 200, 120
    )
    errors = api.ok("GET", "/importErrors")
    assert errors["total_entries"] == 0, errors

    # The run the scheduler would start for yesterday; triggering it first (while the
    # DAG is paused) means the scheduler skips creating it when the DAG is unpaused.
    start, end = today - timedelta(days=1), today
    run_id = f"e2e__{start:%Y-%m-%d}"
    conf = {"sources_file": str(sources_file), "relevance_threshold": 0.5}
    run = api.ok(
        "POST",
        f"/dags/{DAG_ID}/dagRuns",
        json={
            "dag_run_id": run_id,
            "logical_date": start.isoformat(),
            "data_interval_start": start.isoformat(),
            "data_interval_end": end.isoformat(),
            "conf": conf,
        },
    )
    assert run["state"] == "queued", run
    api.ok("PATCH", f"/dags/{DAG_ID}", json={"is_paused": False})

    def finished() -> str | None:
        state = api.ok("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}")["state"]
        return state if state in ("success", "failed") else None

    state = airflow.wait_for(f"run {run_id} to finish", finished, RUN_TIMEOUT)
    assert state == "success", failure_report(api, DAG_ID, run_id)

    tis = api.ok("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")["task_instances"]
    assert {ti["state"] for ti in tis} == {"success"}, tis
    assert sum(ti["task_id"] == "discover" for ti in tis) >= 2

    events = api.ok(
        "GET", "/assets/events", params={"source_dag_id": DAG_ID, "source_run_id": run_id}
    )
    assert events["total_entries"] == 1, events
    assert events["asset_events"][0]["extra"], events

    def backfills() -> list[dict[str, Any]]:
        return api.ok("GET", "/backfills", params={"dag_id": DAG_ID})["backfills"]

    def week_runs_now() -> list[dict[str, Any]]:
        runs = api.ok("GET", f"/dags/{DAG_ID}/dagRuns", params={"limit": 100})
        return [r for r in runs["dag_runs"] if r["run_type"] == "backfill"]

    most_running = 0

    def week_ran_since(since: datetime) -> list[dict[str, Any]] | None:
        """The week's runs once every day has finished (again) after ``since``."""
        nonlocal most_running
        week = week_runs_now()
        most_running = max(most_running, sum(r["state"] == "running" for r in week))
        if not all(b["completed_at"] for b in backfills()):
            return None
        ran = all(
            r["state"] in ("success", "failed")
            and r["end_date"]
            and datetime.fromisoformat(r["end_date"]) > since
            for r in week
        )
        return week if ran and len(week) == len(WEEK) else None

    def wait_for_week(what: str, since: datetime) -> list[dict[str, Any]]:
        runs = airflow.wait_for(what, lambda: week_ran_since(since), BACKFILL_TIMEOUT)
        failed = [r["dag_run_id"] for r in runs if r["state"] != "success"]
        assert not failed, "\n".join(failure_report(api, DAG_ID, run_id) for run_id in failed)
        starts = sorted(datetime.fromisoformat(r["data_interval_start"]) for r in runs)
        assert starts == [first_day + timedelta(days=d) for d in WEEK]
        return runs

    last_day = first_day + timedelta(days=len(WEEK) - 1)
    snapshot = db.with_name(f"{db.stem}_read.duckdb")
    # The UI's "Missing Runs" and "All Runs" backfills, from the command line: each
    # succeeds on its first call (SQLite used to refuse it with "database is locked").
    first_pass: dict[str, str] = {}
    for behavior in ("none", "completed"):
        since = datetime.now(UTC)
        command = [str(BIN / "airflow"), "backfill", "create", "--dag-id", DAG_ID]
        command += ["--from-date", first_day.date().isoformat()]
        command += ["--to-date", last_day.date().isoformat()]
        command += ["--max-active-runs", str(MAX_ACTIVE_RUNS), "--reprocess-behavior", behavior]
        command += ["--dag-run-conf", json.dumps(conf)]
        done = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"backfill {behavior}:\n{done.stdout}\n{done.stderr}"
        wait_for_week(f"the week backfilled ({behavior})", since)
        # Analysts read the snapshot, which never blocks the loader: check it between runs.
        if behavior == "none":
            first_pass = check_backfilled_week(snapshot, samples_base, first_day)
        else:
            check_rerun_week(snapshot, first_day, first_pass)

    # The UI's Backfill dialog: "All Runs", at most 3 runs at a time.
    since = datetime.now(UTC)
    most_running = 0
    created = api.ok(
        "POST",
        "/backfills",
        json={
            "dag_id": DAG_ID,
            "from_date": first_day.isoformat(),
            "to_date": last_day.isoformat(),
            "reprocess_behavior": "completed",
            "max_active_runs": MAX_ACTIVE_RUNS,
            "dag_run_conf": conf,
        },
    )
    assert created["max_active_runs"] == MAX_ACTIVE_RUNS, created
    week = wait_for_week("the week backfilled through the REST API", since)
    assert {r["state"] for r in week} == {"success"}
    assert 0 < most_running <= MAX_ACTIVE_RUNS, most_running
    done_backfill = api.ok("GET", f"/backfills/{created['id']}")
    assert done_backfill["completed_at"], done_backfill
    check_rerun_week(snapshot, first_day, first_pass)

    # Nothing else may still be writing DuckDB when the test reads it.
    def no_active_runs() -> bool:
        active = api.ok("GET", f"/dags/{DAG_ID}/dagRuns", params={"state": ["queued", "running"]})
        return active["total_entries"] == 0

    airflow.wait_for("no other active runs", no_active_runs, 120)
    runs = api.ok("GET", f"/dags/{DAG_ID}/dagRuns", params={"limit": 100})["dag_runs"]
    return {"runs": sorted(r["dag_run_id"] for r in runs), "backfills": len(backfills())}


def week_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, datetime, str, dict]]:
    rows = con.execute(
        "SELECT run_id, interval_start, status, counts FROM pipeline_runs "
        "WHERE trigger = 'backfill' ORDER BY interval_start"
    ).fetchall()
    return [(run_id, start, status, json.loads(raw)) for run_id, start, status, raw in rows]


def check_backfilled_week(snapshot: Path, samples_base: str, first_day: datetime) -> dict[str, str]:
    """Each backfilled day: its GDELT pages loaded, RSS "no history", nothing failed.
    Returns the content tables' hashes."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        runs = week_runs(con)
        assert [r[1] for r in runs] == [first_day + timedelta(days=d) for d in WEEK]
        for (run_id, _, status, counts), (day, paths) in zip(runs, WEEK.items(), strict=True):
            assert status == "ok", (day, counts)
            assert counts["discover"]["sources_no_history"] == len(SITE_FEEDS), (day, counts)
            assert counts["discover"]["sources_failed"] == 0, (day, counts)
            assert counts["fetch"]["fetched"] == len(paths), (day, counts)
            assert counts["load"]["articles_new"] == len(paths), (day, counts)
            polls = dict(
                con.execute(
                    "SELECT source, outcome FROM fetch_log WHERE run_id = ? AND kind = 'poll'",
                    [run_id],
                ).fetchall()
            )
            feeds = dict.fromkeys((name for name, _, _ in SITE_FEEDS), "no_history")
            assert polls == {**feeds, "gdelt-kj": "ok"}, (day, polls)
            stored = {
                row[0]
                for row in con.execute(
                    "SELECT a.url FROM articles a JOIN fetch_log f ON f.url = a.url "
                    "WHERE f.run_id = ? AND f.kind = 'article'",
                    [run_id],
                ).fetchall()
            }
            assert stored == {f"{samples_base}/{p}" for p in paths}, (day, stored)
        return content_hashes(con)


def check_rerun_week(snapshot: Path, first_day: datetime, first_pass: dict[str, str]) -> None:
    """The cleared week replayed GDELT's archived answers and changed no content."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert content_hashes(con) == first_pass
        runs = week_runs(con)
        assert [r[1] for r in runs] == [first_day + timedelta(days=d) for d in WEEK]
        for (run_id, _, status, counts), (day, paths) in zip(runs, WEEK.items(), strict=True):
            assert status == "ok", (day, counts)
            assert counts["discover"]["sources_replayed"] == 1, (day, counts)
            assert counts["discover"]["sources_no_history"] == len(SITE_FEEDS), (day, counts)
            assert counts["fetch"]["fetched"] == 0, (day, counts)
            assert counts["fetch"]["skipped_known"] == len(paths), (day, counts)
            polls = con.execute(
                "SELECT outcome, count(*) FROM fetch_log WHERE run_id = ? AND kind = 'poll' "
                "AND source = 'gdelt-kj' GROUP BY ALL",
                [run_id],
            ).fetchall()
            # the first pass asked GDELT; every later run of the day replayed its answer
            outcomes = dict(polls)
            assert outcomes.pop("ok") == 1 and outcomes.pop("replayed") >= 1, (day, polls)
            assert not outcomes, (day, polls)
