"""Helpers for the politeness tests that must hold across processes (lock files) and
machines (the coordination database): worker processes fetching at the same moment, the
check that their requests never overlapped, a slow page and a fake clock."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tradewatch
from servers.fault import Exchange, FaultServer, Handler
from tradewatch.fetching import Lease, PgRobotsStore
from tradewatch.fetching.robots_store import RobotsStore

TOLERANCE = 0.02  # server-side times, one clock: only scheduling noise
INCLUDE = Path(tradewatch.__file__).resolve().parents[1]

# A worker process: builds its own client, says "ready", waits for "go" on stdin so that
# all workers start together, fetches its URLs and prints their outcomes as JSON.
WORKER = """
import json, sys
from pathlib import Path
from tradewatch.fetching import FetchRequest, HttpClient, HttpConfig, fetch_many

job = json.loads(sys.argv[1])
config = HttpConfig(
    connect_timeout=5.0,
    read_timeout=5.0,
    retries=0,
    min_host_gap=job["gap"],
    obey_robots=job["obey_robots"],
)
lease_dir = Path(job["lease_dir"]) if job["lease_dir"] else None
with HttpClient(
    config,
    allow_private_network=True,
    lease_dir=lease_dir,
    coordination_url=job["coordination_url"],
) as client:
    print("ready", flush=True)
    sys.stdin.readline()
    results = fetch_many(client, [FetchRequest(url, kind="article") for url in job["urls"]])
print(json.dumps([r.outcome for r in results]), flush=True)
"""


def worker_env() -> dict[str, str]:
    """This environment with the library importable, for child interpreters."""
    path = os.pathsep.join(p for p in (str(INCLUDE), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def run_workers(
    jobs: list[list[str]],
    *,
    gap: float,
    lease_dir: Path | None = None,
    coordination_url: str | None = None,
    obey_robots: bool = False,
) -> None:
    """Run one worker process per job at the same moment; every fetch must succeed."""
    options = {
        "gap": gap,
        "lease_dir": lease_dir and str(lease_dir),
        "coordination_url": coordination_url,
        "obey_robots": obey_robots,
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps({"urls": urls, **options})],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=worker_env(),
        )
        for urls in jobs
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready", worker.communicate()[1]
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        for worker, urls in zip(workers, jobs, strict=True):
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err
            assert json.loads(out.strip().splitlines()[-1]) == ["ok"] * len(urls), err
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


def assert_one_at_a_time_with_gap(server: FaultServer, count: int, gap: float) -> None:
    """``count`` requests reached ``server``, never two at once, ``gap`` apart."""
    hits = sorted(server.requests, key=lambda h: h.arrived)
    assert len(hits) == count
    assert server.max_in_flight == 1
    for before, after in itertools.pairwise(hits):
        assert before.finished is not None
        assert after.arrived - before.finished >= gap - TOLERANCE


def slow(seconds: float) -> Handler:
    """A page that takes ``seconds`` to answer, so overlapping requests would show."""

    def handle(ex: Exchange) -> None:
        ex.wait(seconds)
        ex.send(200, b"page", {"Content-Type": "text/html"})

    return handle


class FakeTime:
    """A clock and a sleep that only move when slept on (or set)."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@dataclass(frozen=True)
class Shared:
    """Where the clients of several processes keep host paces and robots.txt answers:
    ``options`` give an :class:`HttpClient` that uses it; ``lease()`` and
    ``robots_store(ttl=..., clock=...)`` open it as another process would."""

    options: dict[str, object]
    lease: Callable[[], Lease]
    robots_store: Callable[..., RobotsStore | PgRobotsStore]
