"""Per-host politeness: serialized with a gap per host, parallel across hosts."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import pytest

from servers.fault import Exchange, FaultServer, Handler, ok
from tradewatch.fetching import FetchRequest, HostThrottle, fetch_many, host_key

GAP = 0.2
TOLERANCE = 0.02  # monotonic clocks of client and server threads, same process


def _slow(seconds: float, body: bytes) -> Handler:
    def handle(ex: Exchange) -> None:
        ex.wait(seconds)
        ex.send(200, body, {"Content-Type": "text/html"})

    return handle


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://Example.com/a", "example.com:80"),
        ("https://example.com/a", "example.com:443"),
        ("http://example.com:8080/a", "example.com:8080"),
        ("http://[::1]:81/", "::1:81"),
        ("not a url", ""),
        ("http://h:99999/", ""),
    ],
)
def test_host_key(url: str, key: str) -> None:
    assert host_key(url) == key


def test_throttle_waits_for_gap_and_holds() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    throttle = HostThrottle(3.0, clock=lambda: now[0], sleep=sleep)
    with throttle.slot("a:80"):
        now[0] += 1.0
    with throttle.slot("b:80"):  # another host: no wait
        pass
    now[0] += 0.5
    with throttle.slot("a:80") as waited:  # 3 s after the first one *finished*
        assert waited == pytest.approx(2.5)
    throttle.set_gap("a:80", 10.0)
    throttle.hold("a:80", 60.0)
    assert throttle.held_for("a:80") == pytest.approx(60.0)
    with throttle.slot("a:80"):
        pass
    assert slept == [2.5, 60.0]


@pytest.mark.parametrize("leased", [False, True], ids=["in-process", "lease"])
def test_same_host_is_serialized_with_the_gap(
    server: FaultServer, make_client, tmp_path: Path, leased: bool
) -> None:
    for name in "abcd":
        server.route(f"/{name}", _slow(0.05, name.encode()))
    lease_dir = tmp_path / "hosts" if leased else None
    client = make_client(min_host_gap=GAP, obey_robots=False, lease_dir=lease_dir)
    threads = [
        threading.Thread(target=client.get, args=(server.url(f"/{n}"),), kwargs={"kind": "x"})
        for n in "abcd"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    hits = sorted(server.requests, key=lambda h: h.arrived)
    assert len(hits) == 4 and len(client.log) == 4 and server.max_in_flight == 1
    for before, after in itertools.pairwise(hits):
        assert before.finished is not None
        assert after.arrived - before.finished >= GAP - TOLERANCE


def test_hosts_proceed_concurrently_and_results_keep_input_order(
    server: FaultServer, other_server: FaultServer, make_client
) -> None:
    for srv in (server, other_server):
        for name in ("1", "2"):
            srv.route(f"/{name}", _slow(0.3, f"{srv.port}-{name}".encode()))
    client = make_client(min_host_gap=GAP, obey_robots=False)
    wanted = [server.url("/1"), other_server.url("/1"), server.url("/2"), other_server.url("/2")]
    results = fetch_many(client, [FetchRequest(u, kind="article") for u in wanted], max_workers=4)
    assert [r.url for r in results] == wanted
    assert [r.body for r in results] == [
        f"{srv.port}-{n}".encode()
        for n, srv in zip("1122", [server, other_server] * 2, strict=True)
    ]
    a1, a2 = server.requests_for("/1")[0], server.requests_for("/2")[0]
    b1 = other_server.requests_for("/1")[0]
    assert a1.finished is not None and b1.finished is not None
    assert b1.arrived < a1.finished and a1.arrived < b1.finished  # overlapping: parallel hosts
    assert a2.arrived - a1.finished >= GAP - TOLERANCE  # same host: gap after completion


def test_fetch_many_passes_validators_and_handles_empty_input(
    server: FaultServer, make_client
) -> None:
    server.route("/a", ok(b"a"))
    client = make_client(obey_robots=False)
    assert fetch_many(client, []) == []
    fetch_many(client, [FetchRequest(server.url("/a"), kind="feed", etag='"v1"')])
    assert server.requests[0].headers["if-none-match"] == '"v1"'
