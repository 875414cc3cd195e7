"""Per-host politeness across processes: the lock-file lease under a shared directory
(and, where the ``shared`` fixture says so, the same on the coordination database).

Airflow runs mapped ``discover`` tasks and ``fetch`` in separate worker processes; with a
lease directory they still send one request at a time per host, spaced by the gap measured
from the end of the previous request, while different hosts go on in parallel. Throttles
sharing a directory inside one process lock each other out like processes do, which lets
the fake-clock tests below check the bookkeeping without spawning anything.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from politeness import (
    TOLERANCE,
    FakeTime,
    Shared,
    assert_one_at_a_time_with_gap,
    run_workers,
    slow,
)
from servers.fault import FaultServer, Hit, ok, status
from tradewatch.fetching import HostLease, HostThrottle, Lease

GAP = 0.2


def _throttle(lease: Lease, time: FakeTime, gap: float = 3.0) -> HostThrottle:
    return HostThrottle(gap, lease=lease, clock=time.clock, sleep=time.sleep)


def _overlap(a: Hit, b: Hit) -> bool:
    assert a.finished is not None and b.finished is not None
    return a.arrived < b.finished and b.arrived < a.finished


def test_processes_sharing_a_lease_send_one_request_at_a_time_with_the_gap(
    server: FaultServer, tmp_path: Path
) -> None:
    server.route("/page", slow(0.1))
    urls = [server.url(f"/page?n={n}") for n in range(3)]
    run_workers([urls, urls], gap=GAP, lease_dir=tmp_path / "hosts")
    assert_one_at_a_time_with_gap(server, 6, GAP)
    assert [p.name for p in (tmp_path / "hosts").iterdir()] == [f"127.0.0.1-{server.port}.lock"]


def test_without_a_lease_processes_collide(server: FaultServer) -> None:
    """The control: the same two workers with only in-process throttles overlap."""
    server.route("/page", slow(0.5))
    urls = [server.url(f"/page?n={n}") for n in range(3)]
    run_workers([urls, urls], gap=GAP)
    assert server.max_in_flight == 2


def test_processes_fetch_different_hosts_in_parallel(
    server: FaultServer, other_server: FaultServer, tmp_path: Path
) -> None:
    for srv in (server, other_server):
        srv.route("/page", slow(0.3))
    jobs = [[srv.url(f"/page?n={n}") for n in range(3)] for srv in (server, other_server)]
    run_workers(jobs, gap=GAP, lease_dir=tmp_path / "hosts")
    for srv in (server, other_server):
        assert_one_at_a_time_with_gap(srv, 3, GAP)
    assert any(_overlap(a, b) for a in server.requests for b in other_server.requests)


def test_throttles_sharing_a_lease_share_gap_crawl_delay_and_holds(shared: Shared) -> None:
    """Each throttle opens the lease for itself, as two processes do."""
    time = FakeTime()
    a, b = _throttle(shared.lease(), time), _throttle(shared.lease(), time)
    with a.slot("h:80"):
        time.now += 1.0
    time.now += 0.5
    with b.slot("h:80") as waited:  # 3 s after a's request *finished*
        assert waited == pytest.approx(2.5)
    with b.slot("other:80") as waited:  # another host: no wait
        assert waited == 0
    a.set_gap("h:80", 10.0)  # a read a Crawl-delay b has not seen
    with a.slot("h:80") as waited:
        assert waited == pytest.approx(10.0)
    with b.slot("h:80") as waited:  # the lease recorded the longer gap
        assert waited == pytest.approx(10.0)
    a.hold("h:80", 60.0)  # a got a Retry-After
    assert b.held_for("h:80") == pytest.approx(60.0)
    with b.slot("h:80") as waited:
        assert waited == pytest.approx(60.0)
    assert b.held_for("h:80") == 0
    assert time.slept == pytest.approx([2.5, 10.0, 10.0, 60.0])


def test_a_lease_from_another_clock_costs_at_most_one_gap_and_hold(tmp_path: Path) -> None:
    before = FakeTime(1e6)
    writer = _throttle(HostLease(tmp_path), before)
    with writer.slot("h:80"):
        pass
    writer.hold("h:80", 30.0)
    after = FakeTime(5.0)  # a reboot restarted time.monotonic
    reader = _throttle(HostLease(tmp_path), after)
    assert reader.held_for("h:80") == pytest.approx(30.0)
    with reader.slot("h:80") as waited:
        assert waited == pytest.approx(30.0)
    after.now += 3.0
    with reader.slot("h:80") as waited:  # the lease now reads in the new clock
        assert waited == 0


@pytest.mark.parametrize("text", ["{not json", "[]", "null", '{"end": NaN}', '{"gap": "x"}'])
def test_unreadable_lease_is_ignored_and_rewritten(
    tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    time = FakeTime()
    throttle = _throttle(HostLease(tmp_path), time)
    assert throttle.lease is not None
    path = throttle.lease.path("h:80")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    with throttle.slot("h:80") as waited:
        assert waited == 0
    assert "unreadable host lease of h:80" in caplog.text
    assert json.loads(path.read_text()) == {"end": 100.0, "gap": 3.0, "hold_until": 0, "hold": 0}


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("example.com:443", "example.com-443.lock"),
        ("example.com:8443", "example.com-8443.lock"),
        ("::1:81", "%3A%3A1-81.lock"),
        ("bücher.de:80", "b%C3%BCcher.de-80.lock"),
        ("../etc/passwd:80", "..%2Fetc%2Fpasswd-80.lock"),
        (f"{'a' * 250}.com:80", None),
    ],
)
def test_lease_files_are_one_safe_name_per_host(tmp_path: Path, key: str, name: str | None) -> None:
    path = HostLease(tmp_path).path(key)
    assert path.parent == tmp_path
    if name is None:
        assert len(path.name) == len("0" * 64 + ".lock")
    else:
        assert path.name == name


def test_retry_after_to_one_client_holds_another(
    server: FaultServer, make_client, tmp_path: Path
) -> None:
    server.route("/busy", status(429, retry_after="1")).route("/a", ok(b"a"))
    first = make_client(obey_robots=False, lease_dir=tmp_path)
    second = make_client(obey_robots=False, lease_dir=tmp_path)
    assert first.get(server.url("/busy"), kind="article").status == 429
    assert second.get(server.url("/a"), kind="article").ok
    busy, page = server.requests
    assert busy.finished is not None and page.arrived - busy.finished >= 1.0 - TOLERANCE


def test_long_retry_after_to_one_client_defers_another(
    server: FaultServer, make_client, shared: Shared
) -> None:
    server.route("/busy", status(429, retry_after="7200")).route("/a", ok(b"a"))
    options = {"obey_robots": False, "max_retry_after": 60, **shared.options}
    first, second = make_client(**options), make_client(**options)
    assert first.get(server.url("/busy"), kind="article").outcome == "deferred"
    result = second.get(server.url("/a"), kind="article")
    assert result.outcome == "deferred" and (result.retry_after or 0) > 7000
    assert server.hits == {"/busy": 1}
