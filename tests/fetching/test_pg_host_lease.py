"""Per-host politeness across machines: the lease kept in a PostgreSQL database.

Celery workers on several machines cannot share ``flock``s, so with a coordination
database each host's pace lives in a row of ``tradewatch_host_pace``, locked while a
request to the host is in flight. The worker processes here reach the server only through
its URL, as another machine would; they send one request at a time per host, spaced by
the gap, see each other's ``Retry-After`` holds, and a process that dies mid-request
frees its host. The fake-clock bookkeeping and the long Retry-After run on this lease too,
in test_host_leases.py.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time

import pytest

from politeness import (
    TOLERANCE,
    assert_one_at_a_time_with_gap,
    run_workers,
    slow,
    worker_env,
)
from servers.fault import FaultServer, ok, status
from tradewatch.fetching import Coordination, HostPace, HostThrottle, PgHostLease

GAP = 0.2

# Takes h:80 and, under the lock, changes its pace; then waits to be killed.
HOLDER = """
import sys
from tradewatch.fetching import Coordination, PgHostLease

with PgHostLease(Coordination(sys.argv[1])).locked("h:80") as pace:
    pace.hold_until, pace.hold = 4e9, 4e9
    print("locked", flush=True)
    sys.stdin.readline()
"""


def _pace_row(coordination: Coordination, host: str) -> tuple[float | None, float, float, float]:
    with coordination.connection() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT extract(epoch FROM request_end)::float8, gap,"
            " extract(epoch FROM hold_until)::float8, hold"
            " FROM tradewatch_host_pace WHERE host = %s",
            [host],
        )
        return cur.fetchone()


def test_processes_sharing_the_database_send_one_request_at_a_time_with_the_gap(
    server: FaultServer, coordination_url: str
) -> None:
    server.route("/page", slow(0.1))
    urls = [server.url(f"/page?n={n}") for n in range(3)]
    run_workers([urls, urls, urls], gap=GAP, coordination_url=coordination_url)
    assert_one_at_a_time_with_gap(server, 9, GAP)


def test_processes_sharing_the_database_fetch_different_hosts_in_parallel(
    server: FaultServer, other_server: FaultServer, coordination_url: str
) -> None:
    for srv in (server, other_server):
        srv.route("/page", slow(0.3))
    jobs = [[srv.url(f"/page?n={n}") for n in range(3)] for srv in (server, other_server)]
    run_workers(jobs, gap=GAP, coordination_url=coordination_url)
    for srv in (server, other_server):
        assert_one_at_a_time_with_gap(srv, 3, GAP)
    first, second = server.requests, other_server.requests
    assert any(a.arrived < b.finished and b.arrived < a.finished for a in first for b in second)


def test_lease_times_are_wall_clock(
    server: FaultServer, make_client, coordination_url: str, coordination
) -> None:
    """``time.monotonic`` counts from each machine's boot; the rows must mean the same
    on every machine, so throttles on a PostgreSQL lease read ``time.time``."""
    server.route("/busy", status(429, retry_after="30"))
    client = make_client(obey_robots=False, coordination_url=coordination_url)
    assert client.get(server.url("/busy"), kind="article").status == 429
    end, _, hold_until, hold = _pace_row(coordination(), f"127.0.0.1:{server.port}")
    now = time.time()
    assert end is not None and now - 5 < end <= now
    assert hold == 30 and hold_until == pytest.approx(now + 30, abs=5)
    lease = PgHostLease(coordination())
    assert lease.clock is time.time
    assert HostThrottle(lease=lease).held_for(f"127.0.0.1:{server.port}") > 25


def test_retry_after_to_one_process_holds_another(
    server: FaultServer, make_client, coordination_url: str
) -> None:
    server.route("/busy", status(429, retry_after="3")).route("/a", ok(b"a"))
    first = make_client(obey_robots=False, coordination_url=coordination_url)
    assert first.get(server.url("/busy"), kind="article").status == 429
    run_workers([[server.url("/a")]], gap=0.0, coordination_url=coordination_url)
    busy, page = server.requests
    assert busy.finished is not None and page.arrived - busy.finished >= 3.0 - TOLERANCE


def test_a_killed_process_releases_its_host(coordination_url: str, coordination) -> None:
    """Its connection closes with it, which ends its transaction: the lock and the
    changes it had not committed are gone."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, coordination_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=worker_env(),
    )
    lease = PgHostLease(coordination())
    paces: list[HostPace] = []
    taken = threading.Event()

    def take() -> None:
        with lease.locked("h:80") as pace:
            paces.append(dataclasses.replace(pace))
        taken.set()

    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked", holder.communicate()[1]
        threading.Thread(target=take, daemon=True).start()
        assert not taken.wait(0.5), "the host must stay locked while its holder lives"
        holder.kill()
        holder.wait()
        assert taken.wait(10)
        assert paces == [HostPace()]
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
