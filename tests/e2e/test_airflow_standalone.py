"""End to end: a real ``airflow standalone`` runs tradewatch_daily, driven by the REST API.

The test starts scripts/airflow_standalone.py (what ``make run`` starts) with its own
AIRFLOW_HOME under tmp, a free port and a known login, so it never disturbs a developer's
``make run``. It triggers the run for yesterday's data interval with the fixture news site
and a GDELT replica as sources, waits for success, then backfills a past week with
``airflow backfill create``: for each day the RSS feeds have no history and GDELT lists
that day's pages of a second site (the bundled samples). It checks each day on the
read-only snapshot, clears the whole week through the REST API so every day runs again,
checks that the content tables did not change, and stops every process it started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest
import requests

from dbstate import content_hashes
from servers.gdelt import GdeltReplica
from servers.site import SITE_FEEDS, write_sources
from tradewatch.devserver import serve_directory

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
WRAPPER = REPO / "scripts" / "airflow_standalone.py"
ENV_FILE = REPO / "scripts" / "airflow.env"
BIN = Path(sys.executable).parent
DAG_ID = "tradewatch_daily"
USER, PASSWORD = "admin", "e2e-admin-password"
STARTUP_TIMEOUT = 300
RUN_TIMEOUT = 360
BACKFILL_TIMEOUT = 900
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


def read_env_file(overrides: dict[str, str]) -> dict[str, str]:
    """scripts/airflow.env with ``overrides`` (lines using ``${KEY}`` follow them)."""
    values = {"TRADEWATCH_HOME": str(REPO)}
    for raw in ENV_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = overrides.get(key) or re.sub(
                r"\$\{(\w+)\}", lambda m: values[m.group(1)], value
            )
    return values


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, check: Callable[[], Any], timeout: float, proc: subprocess.Popen) -> Any:
    """Poll ``check`` until it returns something truthy; fail if Airflow exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"airflow standalone exited ({proc.returncode}) while waiting for {what}")
        with_value = check()
        if with_value:
            return with_value
        time.sleep(2)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


class Tree:
    """Every process started under one root, remembered while it runs, stopped by PID."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.sids: set[int] = {root_pid}
        self.seen: dict[int, psutil.Process] = {}

    def scan(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.root_pid)
            for p in [root, *root.children(recursive=True)]:
                self.seen.setdefault(p.pid, p)
                self.sids.add(os.getsid(p.pid))
        except (psutil.Error, OSError):
            pass
        for p in psutil.process_iter():
            try:
                if p.pid != os.getpid() and os.getsid(p.pid) in self.sids:
                    self.seen.setdefault(p.pid, p)
            except (psutil.Error, OSError):
                continue
        return [p for p in self.seen.values() if _alive(p)]

    def stop(self, proc: subprocess.Popen) -> list[str]:
        """SIGTERM the wrapper (it stops Airflow cleanly), then SIGTERM/SIGKILL leftovers."""
        self.scan()
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=90)
        leftovers: list[str] = []
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            alive = self.scan()
            if not alive:
                break
            leftovers += [f"{p.pid} {_cmd(p)}" for p in alive]
            for p in alive:
                with contextlib.suppress(psutil.Error):
                    p.send_signal(sig)
            psutil.wait_procs(alive, timeout=wait)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        return leftovers


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _cmd(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline()[:4])
    except psutil.Error:
        return "?"


class Api:
    """The public REST API (v2) with a JWT from ``POST /auth/token``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def login(self, username: str, password: str) -> None:
        resp = self.session.post(
            f"{self.base}/auth/token", json={"username": username, "password": password}, timeout=30
        )
        assert resp.status_code in (200, 201), resp.text
        token = resp.json()["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(f"{self.base}/api/v2{path}", params=params, timeout=30)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.session.request(method, f"{self.base}/api/v2{path}", timeout=30, **kwargs)
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json()


def _healthy(base: str) -> bool:
    try:
        resp = requests.get(f"{base}/api/v2/monitor/health", timeout=5)
    except requests.RequestException:
        return False
    if resp.status_code != 200:
        return False
    health = resp.json()
    parts = ("metadatabase", "scheduler", "dag_processor")
    return all(health.get(part, {}).get("status") == "healthy" for part in parts)


def _failure_report(api: Api, run_id: str) -> str:
    """Task states, and the log of every task that did not succeed."""
    lines = []
    try:
        tis = api.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances").json()["task_instances"]
        for ti in tis:
            lines.append(f"{ti['task_id']}[{ti['map_index']}]: {ti['state']}")
            if ti["state"] != "success" and ti.get("try_number"):
                log = api.get(
                    f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{ti['task_id']}"
                    f"/logs/{ti['try_number']}",
                    map_index=ti["map_index"],
                )
                lines.append(log.text[-4000:])
    except (requests.RequestException, KeyError, ValueError) as exc:
        lines.append(f"(could not fetch task details: {exc})")
    return "\n".join(lines)


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


def test_standalone_runs_the_daily_dag_and_a_backfill(tmp_path: Path, site_url: str):
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=10)
    with (
        serve_directory(SAMPLES) as samples_base,
        GdeltReplica(gdelt_records(samples_base, first_day)) as gdelt,
    ):
        gdelt_source = gdelt.source("gdelt-kj", "(Korea OR Seoul) (Japan OR Tokyo) export")
        sources_file = write_sources(tmp_path / "sources.yaml", site_url, extra=[gdelt_source])
        run_standalone(tmp_path, sources_file, today, first_day, samples_base)


def run_standalone(
    tmp_path: Path, sources_file: Path, today: datetime, first_day: datetime, samples_base: str
) -> None:
    """Start Airflow, run yesterday's interval, backfill the week twice, check DuckDB."""
    home = tmp_path / "airflow_home"
    home.mkdir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "data"
    db = data / "tradewatch.duckdb"
    env = dict(os.environ)
    env.update(read_env_file({"AIRFLOW_HOME": str(home), "AIRFLOW__API__PORT": str(port)}))
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        TRADEWATCH_DATA_DIR=str(data),
        TRADEWATCH_DB=str(db),
        # Also the default of the sources_file param, should the scheduler start a run itself.
        TRADEWATCH_SOURCES=str(sources_file),
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{USER}:admin",
    )
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"{base}/execution/"
    Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).write_text(
        json.dumps({USER: PASSWORD}), encoding="utf-8"
    )
    for cmd in (
        ["db", "migrate"],
        ["pools", "set", "duckdb_writer", "1", "tradewatch: one DuckDB writer at a time"],
    ):
        done = subprocess.run(
            [str(BIN / "airflow"), *cmd], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"airflow {' '.join(cmd)}:\n{done.stdout}\n{done.stderr}"

    log_path = tmp_path / "standalone.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(WRAPPER)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    tree = Tree(proc.pid)
    api = Api(base)
    leftovers: list[str] = []
    try:

        def healthy() -> bool:
            tree.scan()  # remember every process while Airflow is up
            return _healthy(base)

        wait_for("a healthy Airflow", healthy, STARTUP_TIMEOUT, proc)
        api.login(USER, PASSWORD)
        wait_for(
            f"DAG {DAG_ID} to be parsed",
            lambda: api.get(f"/dags/{DAG_ID}").status_code == 200,
            120,
            proc,
        )
        errors = api.ok("GET", "/importErrors")
        assert errors["total_entries"] == 0, errors

        # The run the scheduler would start for yesterday; triggering it first (while the
        # DAG is paused) means the scheduler skips creating it when the DAG is unpaused.
        start, end = today - timedelta(days=1), today
        run_id = f"e2e__{start:%Y-%m-%d}"
        run = api.ok(
            "POST",
            f"/dags/{DAG_ID}/dagRuns",
            json={
                "dag_run_id": run_id,
                "logical_date": start.isoformat(),
                "data_interval_start": start.isoformat(),
                "data_interval_end": end.isoformat(),
                "conf": {"sources_file": str(sources_file), "relevance_threshold": 0.5},
            },
        )
        assert run["state"] == "queued", run
        api.ok("PATCH", f"/dags/{DAG_ID}", json={"is_paused": False})

        def finished() -> str | None:
            tree.scan()
            state = api.ok("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}")["state"]
            return state if state in ("success", "failed") else None

        state = wait_for(f"run {run_id} to finish", finished, RUN_TIMEOUT, proc)
        assert state == "success", _failure_report(api, run_id)

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

        def idle() -> bool:
            tree.scan()
            return all(b["completed_at"] for b in backfills())

        def week_ran_since(since: datetime) -> list[dict[str, Any]] | None:
            """The week's runs once every day has finished (again) after ``since``."""
            if not idle():
                return None
            runs = api.ok("GET", f"/dags/{DAG_ID}/dagRuns", params={"limit": 100})
            week = [r for r in runs["dag_runs"] if r["run_type"] == "backfill"]
            ran = all(
                r["state"] in ("success", "failed")
                and r["end_date"]
                and datetime.fromisoformat(r["end_date"]) > since
                for r in week
            )
            return week if ran and len(week) == len(WEEK) else None

        def wait_for_week(what: str, since: datetime) -> list[dict[str, Any]]:
            runs = wait_for(what, lambda: week_ran_since(since), BACKFILL_TIMEOUT, proc)
            failed = [r["dag_run_id"] for r in runs if r["state"] != "success"]
            assert not failed, "\n".join(_failure_report(api, run_id) for run_id in failed)
            starts = sorted(datetime.fromisoformat(r["data_interval_start"]) for r in runs)
            assert starts == [first_day + timedelta(days=d) for d in WEEK]
            return runs

        # The UI's "Missing Runs" backfill, from the command line.
        command = [
            str(BIN / "airflow"),
            "backfill",
            "create",
            "--dag-id",
            DAG_ID,
            "--from-date",
            first_day.date().isoformat(),
            "--to-date",
            (first_day + timedelta(days=len(WEEK) - 1)).date().isoformat(),
            "--max-active-runs",
            "3",
            "--dag-run-conf",
            json.dumps({"sources_file": str(sources_file), "relevance_threshold": 0.5}),
        ]
        since = datetime.now(UTC)
        for _ in range(4):
            wait_for("no running backfill", idle, BACKFILL_TIMEOUT, proc)
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            if done.returncode == 0:
                break
            # SQLite (make run's metadata DB) can refuse the CLI's write when another process
            # writes at the same moment, after some days were created. Running the same
            # command again is safe: it adds only the missing days.
            assert "database is locked" in done.stderr, f"{done.stdout}\n{done.stderr}"
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        week = wait_for_week("the backfilled week", since)

        # Analysts read the snapshot, which never blocks the loader: check it between runs.
        snapshot = db.with_name(f"{db.stem}_read.duckdb")
        first_pass = check_backfilled_week(snapshot, samples_base, first_day)

        # Clear every day and let it run again (the UI's Clear on the selected runs).
        since = datetime.now(UTC)
        body = {"dry_run": False, "dag_runs": [{"dag_run_id": r["dag_run_id"]} for r in week]}
        for _ in range(3):
            try:
                resp = api.session.post(
                    f"{api.base}/api/v2/dags/{DAG_ID}/clearDagRuns", json=body, timeout=180
                )
            except requests.ReadTimeout:
                break  # SQLite made the server wait; the wait below tells whether it cleared
            if resp.status_code < 500:  # a SQLite lock clash is a 5xx; clearing is repeatable
                assert resp.status_code < 300, f"clear: {resp.status_code} {resp.text}"
                break
            time.sleep(2)
        wait_for_week("the cleared week", since)
        check_rerun_week(snapshot, first_day, first_pass)

        # Nothing else may still be writing DuckDB when the test reads it.
        wait_for(
            "no other active runs",
            lambda: (
                api.ok("GET", f"/dags/{DAG_ID}/dagRuns", params={"state": ["queued", "running"]})[
                    "total_entries"
                ]
                == 0
            ),
            120,
            proc,
        )
    except BaseException:
        log.flush()
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-8000:]
        print(f"---- tail of {log_path} ----\n{tail}")
        raise
    finally:
        leftovers = tree.stop(proc)
        log.close()

    assert not tree.scan(), "processes survived the shutdown"
    output = log_path.read_text(encoding="utf-8", errors="replace")
    assert "all Airflow processes stopped" in output
    assert f"Airflow UI: {base}/" in output and f"{USER} / {PASSWORD}" in output
    assert not leftovers, f"the wrapper left processes behind: {leftovers}"

    with duckdb.connect(str(db), read_only=True) as con:

        def count(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        assert count("SELECT count(*) FROM articles") > 0
        assert count("SELECT count(*) FROM articles WHERE relevant") > 0
        assert count("SELECT count(*) FROM quotes") > 0
        assert count("SELECT count(*) FROM fetch_log") > 0


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
