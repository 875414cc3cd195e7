"""End to end on the CeleryExecutor, as ``make run-celery`` starts it on one machine.

Redis as the broker, the embedded PostgreSQL, Airflow's components one by one and two
Celery workers: ``duckdb``, which also serves the ``duckdb`` queue, and ``worker2``. The
daily DAG over a 300-page site on 3 loopback hosts goes green, its tasks ran on both
workers, every task that opens the DuckDB file (the load, the brief that follows it) ran
on ``duckdb``, and no host ever had two requests in flight, as the hosts' servers saw it,
though both workers polled and fetched: they take turns through the per-host rows of the
coordination database (``TRADEWATCH_COORDINATION_URL``, a database on the embedded
PostgreSQL), which hold the three hosts afterwards, and no lock file was written. The
stages hand each other their files, and keep the raw archive, on storage both workers
reach by URL (``TRADEWATCH_STORAGE_URL=file://…``), not in the data folder. The
rows equal those of the CLI over the same site, on one process, which
tests/e2e/test_airflow_workers.py shows equal to a LocalExecutor run. Ctrl-C leaves no
Airflow, Celery, Redis or PostgreSQL process.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psutil
import psycopg2
import pytest

from airflowtest import Airflow, failure_report, standalone
from servers.wire_site import build_site, page_urls, serve_hosts, write_sources
from tradewatch.devserver import Served
from tradewatch.fetching import host_key

pytestmark = pytest.mark.e2e

PAGES, HOSTS, FEEDS = 300, 3, 6
USER, PASSWORD = "admin", "e2e-celery-password"
DAILY, REPORT = "tradewatch_daily", "tradewatch_report"
RUN_TIMEOUT = 900
WORKERS = {"duckdb", "worker2"}
# What the analysts compare: every content column but when the page was fetched.
ROWS = {
    "articles": "SELECT * EXCLUDE (fetched_at, raw_path) FROM articles ORDER BY article_id",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "entity_mentions": "SELECT * FROM entity_mentions ORDER BY ALL",
}


def _rows(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(sql).fetchall() for table, sql in ROWS.items()}


def _finished(airflow: Airflow, dag_id: str, run_id: str, peaks: Peaks) -> str:
    def ended() -> str | None:
        peaks.sample()
        state = airflow.api.ok("GET", f"/dags/{dag_id}/dagRuns/{run_id}")["state"]
        return state if state in ("success", "failed") else None

    return airflow.wait(f"{dag_id} run {run_id}", ended, RUN_TIMEOUT)


def _task_hosts(airflow: Airflow, dag_id: str, run_id: str) -> dict[str, str]:
    """``task_id[map_index]`` → the host name the task ran under (``<worker>@<machine>``)."""
    path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances"
    tis = airflow.api.ok("GET", path, params={"limit": 100})["task_instances"]
    return {f"{ti['task_id']}[{ti['map_index']}]": ti["hostname"] for ti in tis}


def _report_run(airflow: Airflow) -> dict[str, Any] | None:
    runs = airflow.api.ok("GET", f"/dags/{REPORT}/dagRuns")["dag_runs"]
    return next((r for r in runs if r["state"] in ("success", "failed")), None)


class Peaks:
    """Peak RSS of each component with everything it started (a worker's task processes
    and their analysis workers included), sampled while the test waits."""

    def __init__(self, airflow: Airflow) -> None:
        self.airflow = airflow
        self.mb: dict[str, float] = {}

    def sample(self) -> None:
        with contextlib.suppress(psutil.Error):
            for component in psutil.Process(self.airflow.started.proc.pid).children():
                tree = [component, *component.children(recursive=True)]
                rss = sum(_rss(p) for p in tree) / 2**20
                name = _component(" ".join(component.cmdline()))
                self.mb[name] = max(self.mb.get(name, 0.0), rss)


def _component(command: str) -> str:
    """A component's name from its command line (Celery and uvicorn rewrite theirs)."""
    words = (
        "api_server",
        "scheduler",
        "dag-processor",
        "triggerer",
        "duckdb@",
        "worker2@",
        "redis",
    )
    for word in words:
        if word in command:
            return word.strip("@")
    return "redis" if "redis-server" in command else command


def _rss(p: psutil.Process) -> int:
    try:
        return p.memory_info().rss
    except psutil.Error:
        return 0


def _leased_hosts(airflow: Airflow) -> list[str]:
    con = psycopg2.connect(airflow.env["TRADEWATCH_COORDINATION_URL"])
    try:
        with con.cursor() as cur:
            cur.execute("SELECT host FROM tradewatch_host_pace ORDER BY host")
            return [row[0] for row in cur.fetchall()]
    finally:
        con.close()


def _overlaps(served: list[Served]) -> list[tuple[Served, Served]]:
    """Pairs of requests to one server where the second arrived before the first ended."""
    ordered = sorted(served, key=lambda hit: hit.arrived)
    return [(a, b) for a, b in itertools.pairwise(ordered) if b.arrived < a.finished]


def test_the_daily_run_on_two_celery_workers(tmp_path: Path) -> None:
    site = build_site(
        tmp_path / "site",
        PAGES,
        hosts=HOSTS,
        feeds=FEEDS,
        relevant_share=1 / 3,
        languages=("en", "ko"),
    )
    with serve_hosts(site) as servers:
        bases = [server.base_url for server in servers]
        sources = write_sources(tmp_path / "sources.yaml", site, bases)
        shared = tmp_path / "shared"
        with standalone(
            tmp_path,
            USER,
            PASSWORD,
            celery=True,
            TRADEWATCH_SOURCES=str(sources),
            TRADEWATCH_STORAGE_URL=shared.as_uri(),
        ) as airflow:
            airflow.wait(
                "the daily DAG to be parsed",
                lambda: airflow.api.get(f"/dags/{DAILY}").status_code == 200,
                120,
            )
            today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            yesterday = (today - timedelta(days=1)).isoformat()
            body = {
                "conf": {"sources_file": str(sources)},
                "logical_date": yesterday,
                "data_interval_start": yesterday,
                "data_interval_end": today.isoformat(),
            }
            run_id = airflow.api.ok("POST", f"/dags/{DAILY}/dagRuns", json=body)["dag_run_id"]
            airflow.api.ok("PATCH", f"/dags/{DAILY}", json={"is_paused": False})
            started, peaks = time.monotonic(), Peaks(airflow)
            state = _finished(airflow, DAILY, run_id, peaks)
            print(f"daily run green in {time.monotonic() - started:.0f} s")
            assert state == "success", failure_report(airflow.api, DAILY, run_id)
            daily_hosts = _task_hosts(airflow, DAILY, run_id)
            report = airflow.wait("the brief after the load", lambda: _report_run(airflow), 300)
            assert report["state"] == "success", failure_report(
                airflow.api, REPORT, report["dag_run_id"]
            )
            report_hosts = _task_hosts(airflow, REPORT, report["dag_run_id"])
            snapshot = airflow.data / "tradewatch_read.duckdb"
            with duckdb.connect(str(snapshot), read_only=True) as con:
                stored = dict(con.execute("SELECT url, relevant FROM articles").fetchall())
                (counts,) = con.execute("SELECT counts FROM pipeline_runs").fetchone()
            airflow_rows = _rows(snapshot)
            leased = _leased_hosts(airflow)
        served = [server.served for server in servers]

        workers = {name: host.split("@")[0] for name, host in daily_hosts.items()}
        assert set(workers.values()) == WORKERS, daily_hosts
        assert workers["load[-1]"] == "duckdb", daily_hosts
        assert {host.split("@")[0] for host in report_hosts.values()} == {"duckdb"}, report_hosts
        discovering = {w for name, w in workers.items() if name.startswith("discover[")}
        print(f"tasks per worker: {sorted(workers.items())}")
        print("peak RSS, MB:", {name: round(mb) for name, mb in sorted(peaks.mb.items())})

        urls = page_urls(site, bases)
        assert sorted(stored) == sorted(urls), "every page lands"
        assert [stored[url] for url in urls] == site.relevant
        stages = json.loads(counts)
        assert stages["extract"]["processes"] > 1 and stages["analyze"]["processes"] > 1, stages

        assert leased == sorted(host_key(base) for base in bases)
        assert not (airflow.data / "hosts").exists() and not (airflow.data / "robots").exists()
        assert not (airflow.data / "runs").exists() and not (airflow.data / "raw").exists()
        [run_folder] = (shared / "runs").iterdir()
        assert (run_folder / "analyzed.jsonl").is_file()
        assert len(list((shared / "raw").rglob("*.gz"))) >= PAGES
        for host, hits in zip(bases, served, strict=True):
            assert len(hits) > PAGES // HOSTS, host  # its pages and feeds, robots.txt
            assert not _overlaps(hits), f"{host}: two requests in flight at once"
        requesting = discovering | {workers["fetch[-1]"]}
        assert requesting == WORKERS, f"only {requesting} sent requests to the hosts"

        env = {**os.environ, "TRADEWATCH_PROCESSES": "1", "TRADEWATCH_NLP_PROCESSES": "1"}
        db = tmp_path / "cli.duckdb"
        cli = [sys.executable, "-m", "tradewatch", "--quiet", "ingest"]
        cli += ["--sources", str(sources), "--db", str(db), "--data-dir", str(tmp_path / "cli")]
        done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, done.stderr[-3000:]
    assert _rows(db) == airflow_rows
