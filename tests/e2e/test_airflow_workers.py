"""End to end: extraction and analysis use worker processes inside Airflow's task processes.

A started ``airflow standalone`` (tests/airflowtest.py) and a generated site of 300
wire-length pages on 3 loopback hosts (tests/servers/wire_site.py), a third each in
English, Korean and Japanese: enough pages that the extract task and each language's
analysis start their worker processes, which they do inside a task
process, where ``__main__`` is the ``airflow`` command and Airflow withholds its metadata
database. The daily DAG loads every page, with the rows one process gives; the reprocess
DAG re-runs both stages over the archive on several processes too; a task marked failed
through the REST API in the middle of its analysis leaves no worker process behind.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest

from airflowtest import Airflow, failure_report, standalone, task_log
from servers.wire_site import WireSite, build_site, page_urls, serve_site, write_sources
from tradewatch.workers import WorkerPool

pytestmark = pytest.mark.e2e

PAGES, HOSTS, FEEDS = 300, 3, 6
USER, PASSWORD = "admin", "e2e-workers-password"
DAILY, REPROCESS = "tradewatch_daily", "tradewatch_reprocess"
RUN_TIMEOUT = 900
# What the analysts compare: every content column but when the page was fetched.
ROWS = {
    "articles": "SELECT * EXCLUDE (fetched_at, raw_path) FROM articles ORDER BY article_id",
    "quotes": "SELECT * FROM quotes ORDER BY ALL",
    "entity_mentions": "SELECT * FROM entity_mentions ORDER BY ALL",
}


class Stack:
    """The site, its sources file and the started Airflow, shared by the module's tests."""

    def __init__(self, site: WireSite, bases: list[str], sources: Path, airflow: Airflow):
        self.site, self.bases, self.sources, self.airflow = site, bases, sources, airflow

    @property
    def snapshot(self) -> Path:
        return self.airflow.data / "tradewatch_read.duckdb"

    def trigger(self, dag_id: str, conf: dict[str, Any], **interval: str) -> str:
        body = {"conf": conf, "logical_date": None, **interval}
        return self.airflow.api.ok("POST", f"/dags/{dag_id}/dagRuns", json=body)["dag_run_id"]

    def state(self, dag_id: str, run_id: str) -> str:
        return self.airflow.api.ok("GET", f"/dags/{dag_id}/dagRuns/{run_id}")["state"]

    def finish(self, dag_id: str, run_id: str) -> str:
        """Wait for the run to end; its final state."""

        def ended() -> str | None:
            state = self.state(dag_id, run_id)
            return state if state in ("success", "failed") else None

        return self.airflow.wait(f"{dag_id} run {run_id}", ended, RUN_TIMEOUT)

    def task_state(self, dag_id: str, run_id: str, task_id: str) -> str | None:
        path = f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        return self.airflow.api.ok("GET", path)["state"]

    def workers(self) -> list[psutil.Process]:
        """Worker processes of this Airflow's tasks, alive now."""
        return [p for p in self.airflow.started.tree.scan() if _is_worker(p)]


def _is_worker(p: psutil.Process) -> bool:
    try:
        return "tradewatch.workers" in " ".join(p.cmdline())
    except psutil.Error:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("workers")
    site = build_site(
        tmp / "site",
        PAGES,
        hosts=HOSTS,
        feeds=FEEDS,
        relevant_share=1 / 3,
        languages=("en", "ko", "ja"),
    )
    with serve_site(site) as bases:
        sources = write_sources(tmp / "sources.yaml", site, bases)
        with standalone(tmp, USER, PASSWORD, TRADEWATCH_SOURCES=str(sources)) as airflow:
            airflow.wait(
                "the DAGs to be parsed",
                lambda: all(
                    airflow.api.get(f"/dags/{d}").status_code == 200 for d in (DAILY, REPROCESS)
                ),
                120,
            )
            yield Stack(site, bases, sources, airflow)


def _runs(snapshot: Path) -> list[tuple[str, str, dict]]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        rows = con.execute(
            "SELECT trigger, status, counts FROM pipeline_runs ORDER BY finished_at"
        ).fetchall()
    return [(trigger, status, json.loads(counts)) for trigger, status, counts in rows]


def _rows(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(sql).fetchall() for table, sql in ROWS.items()}


def _modules_of_a_plain_worker() -> int:
    """Modules a worker holds when ready, started from this (pytest) process."""
    with WorkerPool(2, "probe") as pool:
        assert list(pool.map(abs, [-1, -2, -3])) == [1, 2, 3]
    assert pool.stats.processes == 2
    return pool.stats.modules


def test_the_daily_run_extracts_and_analyses_on_several_processes(
    stack: Stack, tmp_path: Path
) -> None:
    # Yesterday's interval, the one the scheduler would run: triggered before the DAG is
    # unpaused, the scheduler does not start a run of its own for it.
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = today - timedelta(days=1)
    run_id = stack.trigger(
        DAILY,
        {"sources_file": str(stack.sources)},
        logical_date=yesterday.isoformat(),
        data_interval_start=yesterday.isoformat(),
        data_interval_end=today.isoformat(),
    )
    for dag_id in (DAILY, REPROCESS):
        stack.airflow.api.ok("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
    state = stack.finish(DAILY, run_id)
    assert state == "success", failure_report(stack.airflow.api, DAILY, run_id)

    with duckdb.connect(str(stack.snapshot), read_only=True) as con:
        stored = dict(con.execute("SELECT url, relevant FROM articles").fetchall())
    urls = page_urls(stack.site, stack.bases)
    assert sorted(stored) == sorted(urls), "every page lands"
    assert [stored[u] for u in urls] == stack.site.relevant

    [(trigger, status, counts)] = _runs(stack.snapshot)
    assert (trigger, status) == ("manual", "ok"), counts
    plain_worker_modules = _modules_of_a_plain_worker()
    for stage in ("extract", "analyze"):
        assert counts[stage]["processes"] > 1, counts[stage]
        assert counts[stage]["worker_failures"] == 0, counts[stage]
        # A worker started by an Airflow task holds what one started from here holds: it
        # did not re-run the task's __main__ (the airflow command) nor import Airflow.
        assert counts[stage]["worker_modules"] == plain_worker_modules, counts[stage]
    assert counts["analyze"]["relevant"] == sum(stack.site.relevant)
    for lang in ("en", "ko", "ja"):
        assert counts["analyze"][f"lang_{lang}"] == stack.site.langs.count(lang)
    with duckdb.connect(str(stack.snapshot), read_only=True) as con:
        quoted = dict(
            con.execute(
                "SELECT a.lang, count(*) FROM quotes q JOIN articles a USING (article_id) "
                "GROUP BY ALL"
            ).fetchall()
        )
    assert all(quoted.get(lang, 0) > 0 for lang in ("en", "ko", "ja")), quoted
    logs = {s: task_log(stack.airflow.api, DAILY, run_id, s) for s in ("extract", "analyze")}
    pools = ["extract", "analyze-en", "analyze-ko", "analyze-ja"]
    for pool in pools:  # every pool started its workers in the task process
        stage = pool.split("-")[0]
        assert re.search(rf"{pool}: [2-9] worker processes ready", logs[stage]), pool
    for stage in ("extract", "analyze"):
        assert f"{stage}: {PAGES} items in " in logs[stage]  # progress reaches the task log
        assert "Traceback" not in logs[stage] and "could not start" not in logs[stage]

    # The same site through the CLI on one process gives the same rows.
    env = {**os.environ, "TRADEWATCH_PROCESSES": "1", "TRADEWATCH_NLP_PROCESSES": "1"}
    db = tmp_path / "one.duckdb"
    cli = [sys.executable, "-m", "tradewatch", "--quiet", "ingest", "--sources", str(stack.sources)]
    cli += ["--db", str(db), "--data-dir", str(tmp_path / "data")]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    [(_, _, one)] = _runs(db.with_name("one_read.duckdb"))
    assert one["extract"]["processes"] == one["analyze"]["processes"] == 1, one
    assert _rows(db) == _rows(stack.snapshot)


def _fetch_days(snapshot: Path) -> dict[str, str]:
    """The reprocess window covering every stored article's fetch day."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        first, last = con.execute(
            "SELECT min(fetched_at)::DATE, max(fetched_at)::DATE FROM articles"
        ).fetchone()
    return {"start_date": date.isoformat(first), "end_date": date.isoformat(last)}


def test_reprocess_extracts_and_analyses_on_several_processes(stack: Stack) -> None:
    before = _rows(stack.snapshot)
    conf = {**_fetch_days(stack.snapshot), "stages": "extract+analyze"}
    run_id = stack.trigger(REPROCESS, conf)
    state = stack.finish(REPROCESS, run_id)
    assert state == "success", failure_report(stack.airflow.api, REPROCESS, run_id)

    trigger, status, counts = _runs(stack.snapshot)[-1]
    assert (trigger, status) == ("reprocess", "ok"), counts
    assert counts["collect"]["archived"] == PAGES, counts
    for stage in ("extract", "analyze"):
        assert counts[stage]["processes"] > 1, counts[stage]
        assert counts[stage]["worker_failures"] == 0, counts[stage]
    assert _rows(stack.snapshot) == before


def test_a_task_marked_failed_mid_analysis_leaves_no_worker(stack: Stack) -> None:
    before = _rows(stack.snapshot)
    # Every page through spaCy: the analysis runs long enough to be caught in the middle.
    conf = {**_fetch_days(stack.snapshot), "stages": "analyze", "relevance_threshold": 0.0}
    run_id = stack.trigger(REPROCESS, conf)
    api = stack.airflow.api

    def analysing() -> list[psutil.Process] | None:
        if stack.task_state(REPROCESS, run_id, "analyze") != "running":
            return None
        return stack.workers() or None

    workers = stack.airflow.wait("the analyze task's workers", analysing, RUN_TIMEOUT)
    assert len(workers) > 1
    api.ok(
        "PATCH",
        f"/dags/{REPROCESS}/dagRuns/{run_id}/taskInstances/analyze",
        json={"new_state": "failed"},
    )
    assert stack.finish(REPROCESS, run_id) == "failed"
    _, alive = psutil.wait_procs(workers, timeout=60)
    assert not alive, [f"{p.pid} {p.cmdline()}" for p in alive]
    stack.airflow.wait("no worker process left", lambda: not stack.workers(), 60)
    assert stack.task_state(REPROCESS, run_id, "load") != "success"
    assert _rows(stack.snapshot) == before
