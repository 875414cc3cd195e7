"""The daily DAG in a started Airflow against ``tradewatch ingest``, on the same site.

Usage: ``.venv/bin/python benchmarks/bench_airflow.py [--pages 300] [--hosts 3] [--feeds 6]
[--relevant 0.33] [--repeat 3]``.

Generates a site of wire-length pages on loopback hosts (tests/servers/wire_site.py, from
the project's own dev-set paragraphs) and starts ``airflow standalone``
(tests/airflowtest.py, as ``make run`` starts it, with its own home and Postgres). The
scheduler's own first run (yesterday's interval, on an empty feed) goes first: the first
task after Airflow starts pays a one-off start-up that a long-running deployment does not.
Then, on each of ``--repeat`` sites (each its own draw of pages, so nothing is already
known), both run one after the other: ``tradewatch ingest`` as a subprocess into a fresh
database, and a triggered ``tradewatch_daily``. Prints:

* each pair's wall times and ratio, and the median of each (target: the DAG within 1.3x);
* for the median DAG run, each task's duration and the wait from the end of the task before
  it (scheduling), beside the CLI's seconds per stage;
* the worker processes of extract and analyze in both: how many, start-up ms, peak RSS and
  the modules a worker held when ready (the same under both: workers do not import the
  parent's ``__main__``, which in a task is the ``airflow`` command).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "scripts")]  # the tests' site and Airflow

from airflowtest import Airflow, failure_report, standalone  # noqa: E402
from servers.wire_site import WireSite, build_site, serve_site, write_sources  # noqa: E402

DAG_ID = "tradewatch_daily"
STAGES = ("plan", "discover", "fetch", "extract", "analyze", "load")
WORKER_KEYS = ("processes", "worker_start_ms", "worker_peak_rss_mb", "worker_modules")
EMPTY_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
    "<title>Empty</title><link>__BASE__/</link></channel></rss>"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--feeds", type=int, default=6)
    parser.add_argument("--relevant", type=float, default=1 / 3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tw-bench-airflow-") as tmp:
        work = Path(tmp)
        sites = [
            build_site(
                work / f"site-{i}",
                args.pages,
                hosts=args.hosts,
                feeds=args.feeds,
                relevant_share=args.relevant,
                seed=i + 1,
            )
            for i in range(args.repeat)
        ]
        empty = work / "empty" / "h0"
        empty.mkdir(parents=True)
        (empty / "feed0.xml").write_text(EMPTY_FEED, encoding="utf-8")
        empty_site = WireSite(work / "empty", 1, 1, [], [], [])
        with serve_site(empty_site) as empty_bases:
            warmup = write_sources(work / "warmup.yaml", empty_site, empty_bases)
            pairs = _pairs(work, sites, warmup)
    _report(args.pages, pairs)


def _pairs(work: Path, sites: list[WireSite], warmup: Path) -> list[dict[str, Any]]:
    """Start Airflow (its own first run reads ``warmup``), then a CLI and a DAG run on each
    site (sites of their own, so that no page or headline is already known)."""
    airflow_dir = work / "airflow"
    airflow_dir.mkdir()
    pairs = []
    with standalone(airflow_dir, "admin", "bench-password", TRADEWATCH_SOURCES=str(warmup)) as af:
        af.wait("the DAG", lambda: af.api.get(f"/dags/{DAG_ID}").status_code == 200, 120)
        af.api.ok("PATCH", f"/dags/{DAG_ID}", json={"is_paused": False})
        af.wait("the scheduler's first run", lambda: _finished(af, _first_run(af)), 600)
        for i, site in enumerate(sites):
            with serve_site(site) as bases:
                sources = write_sources(work / f"sources-{i}.yaml", site, bases, f"wire{i}")
                cli = _cli(work / f"cli-{i}", sources)
                dag = _dag(af, sources)
            pairs.append({"cli": cli, "dag": dag, "ratio": dag["wall"] / cli["wall"]})
            print(json.dumps(pairs[-1]), flush=True)
    return pairs


def _first_run(airflow: Airflow) -> str | None:
    runs = airflow.api.ok("GET", f"/dags/{DAG_ID}/dagRuns")["dag_runs"]
    return runs[0]["dag_run_id"] if runs else None


def _finished(airflow: Airflow, run_id: str | None) -> dict[str, Any] | None:
    if run_id is None:
        return None
    run = airflow.api.ok("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}")
    if run["state"] == "failed":
        raise SystemExit(failure_report(airflow.api, DAG_ID, run_id))
    return run if run["state"] == "success" else None


def _cli(work: Path, sources: Path) -> dict[str, Any]:
    """``tradewatch ingest`` as a command: wall seconds, stage seconds, the run's counts."""
    db = work / "tw.duckdb"
    command = [sys.executable, "-m", "tradewatch", "--quiet", "ingest", "--sources", str(sources)]
    command += ["--db", str(db), "--data-dir", str(work / "data")]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"tradewatch ingest failed: {done.stderr[-2000:]}")
    stages: dict[str, float] = {}
    for path in (work / "data" / "runs").glob("*/state/counts-*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        seconds = _seconds(doc["started_at"], doc["finished_at"])
        stages[doc["stage"]] = max(stages.get(doc["stage"], 0.0), seconds)
    return {"wall": wall, "stages": stages, "counts": _counts(db)}


def _dag(airflow: Airflow, sources: Path) -> dict[str, Any]:
    """A triggered run of the daily DAG ("look now", like the trigger form): its wall
    seconds, each task's first start and last end (seconds into the run), its counts."""
    api = airflow.api
    body = {"conf": {"sources_file": str(sources)}, "logical_date": None}
    run_id = api.ok("POST", f"/dags/{DAG_ID}/dagRuns", json=body)["dag_run_id"]
    run = airflow.wait(f"run {run_id}", lambda: _finished(airflow, run_id), 3600)
    tis = api.ok("GET", f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances")["task_instances"]
    tasks: dict[str, dict[str, float]] = {}
    for ti in tis:
        task = tasks.setdefault(ti["task_id"], {"start": 1e9, "end": 0.0})
        task["start"] = min(task["start"], _seconds(run["start_date"], ti["start_date"]))
        task["end"] = max(task["end"], _seconds(run["start_date"], ti["end_date"]))
    counts = _counts(Path(airflow.env["TRADEWATCH_DB"]))
    return {"wall": _seconds(run["start_date"], run["end_date"]), "tasks": tasks, "counts": counts}


def _counts(db: Path) -> dict[str, Any]:
    """The counts of the newest run loaded into ``db`` (read from its snapshot)."""
    with duckdb.connect(str(db.with_name(f"{db.stem}_read.duckdb")), read_only=True) as con:
        (counts,) = con.execute(
            "SELECT counts FROM pipeline_runs ORDER BY finished_at DESC LIMIT 1"
        ).fetchone()
    return json.loads(counts)


def _seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _report(pages: int, pairs: list[dict[str, Any]]) -> None:
    print()
    for i, pair in enumerate(pairs):
        print(
            f"run {i}: DAG {pair['dag']['wall']:.1f} s, CLI {pair['cli']['wall']:.1f} s, "
            f"ratio {pair['ratio']:.2f}"
        )
    dag_wall = statistics.median(p["dag"]["wall"] for p in pairs)
    cli_wall = statistics.median(p["cli"]["wall"] for p in pairs)
    print(
        f"{pages} pages, medians: DAG {dag_wall:.1f} s, CLI {cli_wall:.1f} s, "
        f"ratio {dag_wall / cli_wall:.2f} (target <= 1.3)"
    )
    middle = sorted(pairs, key=lambda p: p["dag"]["wall"])[len(pairs) // 2]
    dag, cli = middle["dag"], middle["cli"]
    print()
    print(f"{'stage':<9} {'CLI s':>7} {'task s':>7} {'wait s':>7}   (the median DAG run)")
    previous_end = 0.0
    for stage in STAGES:
        task = dag["tasks"].get(stage, {"start": 0.0, "end": 0.0})
        cli_s = cli["stages"].get(stage)
        print(
            f"{stage:<9} {'' if cli_s is None else f'{cli_s:.1f}':>7} "
            f"{task['end'] - task['start']:>7.1f} {task['start'] - previous_end:>7.1f}"
        )
        previous_end = task["end"]
    print(f"{'(end)':<9} {'':>7} {'':>7} {dag['wall'] - previous_end:>7.1f}")
    print("(task s: first start to last end of the task's instances; wait: from the end of")
    print(" the task before it; CLI s: the stage's own clock in `tradewatch ingest`)")
    print()
    print(f"{'workers':<9} {'':<4} " + " ".join(f"{k:>18}" for k in WORKER_KEYS))
    for stage in ("extract", "analyze"):
        for name, run in (("CLI", cli), ("DAG", dag)):
            values = [run["counts"][stage].get(k, "") for k in WORKER_KEYS]
            print(f"{stage:<9} {name:<4} " + " ".join(f"{v:>18}" for v in values))


if __name__ == "__main__":
    main()
