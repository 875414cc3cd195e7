"""Every fault ends as an outcome and a reason in the log, never as an exception."""

from __future__ import annotations

import gzip
import random
import threading
import time
import zlib
from collections.abc import Callable
from email.utils import formatdate

import pytest

from servers.fault import (
    Exchange,
    FaultServer,
    Hit,
    big_body,
    blackhole,
    gzip_bomb,
    gzipped,
    ok,
    redirect,
    reset_mid_body,
    sequence,
    stall_body,
    stall_headers,
    status,
    truncated_gzip,
)
from tradewatch.fetching import OUTCOMES

HUGE = 64 * 1024 * 1024


class _Extreme(random.Random):
    """Jitter pinned to one end of its range, so waits are predictable."""

    def __init__(self, high: bool) -> None:
        super().__init__(0)
        self.high = high

    def uniform(self, a: float, b: float) -> float:
        return b if self.high else a


def _finished(hit: Hit) -> Hit:
    """Wait (bounded) for the server side of ``hit`` to end, so its counters are final."""
    deadline = time.monotonic() + 20
    while hit.finished is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return hit


def _raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib wrapper, as some servers send it."""
    packer = zlib.compressobj(wbits=-15)
    return packer.compress(data) + packer.flush()


def _sleeps() -> tuple[list[float], Callable[[float], None]]:
    slept: list[float] = []
    return slept, slept.append


def test_every_outcome_is_documented() -> None:
    assert all(OUTCOMES.values())
    assert {"deferred", "robots_disallowed", "truncated", "redirect_loop"} <= OUTCOMES.keys()


@pytest.mark.parametrize(("code", "hits"), [(403, 1), (410, 1), (500, 2), (502, 2)])
def test_http_errors_and_which_are_retried(
    server: FaultServer, make_client, code: int, hits: int
) -> None:
    server.route("/a", status(code, b"no"))
    client = make_client(obey_robots=False, retries=1)
    result = client.get(server.url("/a"), kind="article")
    assert (result.outcome, result.status) == ("http_error", code)
    assert str(code) in (result.reason or "") and server.hits["/a"] == hits
    assert [e.outcome for e in client.log] == ["http_error"] * hits


@pytest.mark.parametrize(("high", "waits"), [(True, [0.4, 0.8]), (False, [0.2, 0.4])])
def test_backoff_is_exponential_with_jitter(
    server: FaultServer, make_client, high: bool, waits: list[float]
) -> None:
    server.route("/a", sequence(status(503), status(500), ok(b"back")))
    slept, sleep = _sleeps()
    client = make_client(obey_robots=False, retries=2, backoff=0.4, sleep=sleep, rng=_Extreme(high))
    assert client.get(server.url("/a"), kind="article").body == b"back"
    assert slept == pytest.approx(waits, abs=0.05)


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_seconds_within_cap_is_waited(
    server: FaultServer, make_client, code: int
) -> None:
    server.route("/a", sequence(status(code, retry_after="7"), ok(b"done")))
    slept, sleep = _sleeps()
    client = make_client(obey_robots=False, retries=2, max_retry_after=60, sleep=sleep)
    result = client.get(server.url("/a"), kind="article")
    assert result.ok and slept == pytest.approx([7.0], abs=0.05)


def test_retry_after_http_date_within_cap_is_waited(server: FaultServer, make_client) -> None:
    when = formatdate(time.time() + 30, usegmt=True)
    server.route("/a", sequence(status(429, retry_after=when), ok(b"done")))
    slept, sleep = _sleeps()
    client = make_client(obey_robots=False, retries=1, max_retry_after=60, sleep=sleep)
    assert client.get(server.url("/a"), kind="article").ok
    assert len(slept) == 1 and 28.5 < slept[0] <= 30.0


@pytest.mark.parametrize("as_date", [False, True])
def test_retry_after_over_cap_defers_the_host(
    server: FaultServer, make_client, as_date: bool
) -> None:
    value = formatdate(time.time() + 3600, usegmt=True) if as_date else "3600"
    server.route("/a", status(429, retry_after=value)).route("/b", ok(b"b"))
    slept, sleep = _sleeps()
    client = make_client(obey_robots=False, retries=2, max_retry_after=60, sleep=sleep)
    first = client.get(server.url("/a"), kind="article")
    assert first.outcome == "deferred" and first.status == 429
    assert first.retry_after == pytest.approx(3600, abs=2)
    assert "exceeds cap 60s" in (first.reason or "")
    later = client.get(server.url("/b"), kind="article")
    assert later.outcome == "deferred" and (later.retry_after or 0) > 3500
    assert server.hits == {"/a": 1} and slept == []
    assert [e.outcome for e in client.log] == ["deferred", "deferred"]


def test_connect_timeout(make_client) -> None:
    with blackhole() as base:
        client = make_client(obey_robots=False, connect_timeout=0.3)
        result = client.get(f"{base}/a", kind="article")
    assert result.outcome == "timeout" and "connect timeout" in (result.reason or "")


def test_read_timeout_waiting_for_headers(server: FaultServer, make_client) -> None:
    server.route("/a", stall_headers(10))
    result = make_client(obey_robots=False, read_timeout=0.3).get(server.url("/a"), kind="x")
    assert result.outcome == "timeout" and "read timeout: no response" in (result.reason or "")


def test_read_timeout_mid_body(server: FaultServer, make_client) -> None:
    server.route("/a", stall_body(10))
    result = make_client(obey_robots=False, read_timeout=0.3).get(server.url("/a"), kind="x")
    assert result.outcome == "timeout" and "body stalled" in (result.reason or "")
    assert result.status == 200 and result.body == b""


@pytest.mark.parametrize("length", [100_000, None])
def test_connection_reset_mid_body_is_truncated_and_retried(
    server: FaultServer, make_client, length: int | None
) -> None:
    server.route("/a", reset_mid_body(length=length))
    client = make_client(obey_robots=False, retries=1)
    result = client.get(server.url("/a"), kind="article")
    assert result.outcome == "truncated" and "connection broke" in (result.reason or "")
    assert result.body == b"" and server.hits["/a"] == 2


def test_body_shorter_than_content_length_is_truncated(server: FaultServer, make_client) -> None:
    def short(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": "text/html"}, 1000)
        ex.write(b"<html>only this")
        ex.handler.close_connection = True

    server.route("/a", short)
    result = make_client(obey_robots=False).get(server.url("/a"), kind="article")
    assert result.outcome == "truncated" and "of 1000 bytes" in (result.reason or "")


@pytest.mark.parametrize(
    ("payload", "encoding"),
    [
        (gzip.compress(b"<p>ok</p>" * 50), "gzip"),
        (gzip.compress(b"<p>ok</p>" * 25) + gzip.compress(b"<p>ok</p>" * 25) + b"\0\0", "gzip"),
        (zlib.compress(b"<p>ok</p>" * 50), "deflate"),
        (_raw_deflate(b"<p>ok</p>" * 50), "deflate"),
    ],
)
def test_compressed_bodies_are_decoded(
    server: FaultServer, make_client, payload: bytes, encoding: str
) -> None:
    server.route("/a", ok(payload, content_encoding=encoding))
    result = make_client(obey_robots=False).get(server.url("/a"), kind="article")
    assert result.ok and result.body == b"<p>ok</p>" * 50


def test_truncated_gzip(server: FaultServer, make_client) -> None:
    server.route("/a", truncated_gzip(b"<p>story</p>" * 500))
    result = make_client(obey_robots=False).get(server.url("/a"), kind="article")
    assert result.outcome == "truncated" and "end marker" in (result.reason or "")
    assert result.body == b""


@pytest.mark.parametrize(
    ("handler", "needle"),
    [
        (ok(b"\x1f\x8b\x08\x00not really gzip", content_encoding="gzip"), "cannot decode"),
        (ok(b"whatever", content_encoding="br"), "unsupported Content-Encoding 'br'"),
    ],
)
def test_undecodable_bodies(server: FaultServer, make_client, handler, needle: str) -> None:
    server.route("/a", handler)
    result = make_client(obey_robots=False).get(server.url("/a"), kind="article")
    assert result.outcome == "bad_encoding" and needle in (result.reason or "")


@pytest.mark.parametrize(
    ("declare", "needle"), [(True, "Content-Length"), (False, "stopped reading")]
)
def test_body_over_cap_stops_reading(
    server: FaultServer, make_client, declare: bool, needle: str
) -> None:
    server.route("/a", big_body(HUGE, declare_length=declare))
    client = make_client(obey_robots=False, max_bytes=100_000)
    result = client.get(server.url("/a"), kind="article")
    assert result.outcome == "too_large" and needle in (result.reason or "")
    assert result.body == b"" and client.log[0].bytes == 0
    assert _finished(server.requests[0]).bytes_sent < HUGE // 2


def test_decompression_bomb_is_capped_on_inflated_bytes(server: FaultServer, make_client) -> None:
    server.route("/a", gzip_bomb(20_000_000))
    result = make_client(obey_robots=False, max_bytes=1_000_000).get(
        server.url("/a"), kind="article"
    )
    assert result.outcome == "too_large" and "inflates past 1000000" in (result.reason or "")


def test_small_gzip_under_cap_is_fine(server: FaultServer, make_client) -> None:
    server.route("/a", gzipped(b"a" * 900_000))
    result = make_client(obey_robots=False, max_bytes=1_000_000).get(server.url("/a"), kind="x")
    assert result.ok and len(result.body) == 900_000


def test_redirect_loop_and_long_chain(server: FaultServer, make_client) -> None:
    server.route("/a", redirect("/b")).route("/b", redirect("/a#again"))
    for n in range(6):
        server.route(f"/c{n}", redirect(f"/c{n + 1}"))
    client = make_client(obey_robots=False, max_redirects=3)
    looped = client.get(server.url("/a"), kind="article")
    assert looped.outcome == "redirect_loop" and server.hits == {"/a": 1, "/b": 1}
    chained = client.get(server.url("/c0"), kind="article")
    assert chained.outcome == "too_many_redirects" and chained.final_url == server.url("/c4")
    assert sum(server.hits[f"/c{n}"] for n in range(6)) == 4


@pytest.mark.parametrize(
    ("handler", "needle"),
    [
        (redirect("ftp://files.example.com/a"), "unsupported scheme 'ftp'"),
        (redirect("javascript:alert(1)"), "unsupported scheme 'javascript'"),
        (redirect("http://[broken/"), "unparseable"),
        (status(302), "without Location"),
    ],
)
def test_bad_redirects(server: FaultServer, make_client, handler, needle: str) -> None:
    server.route("/a", handler)
    result = make_client(obey_robots=False).get(server.url("/a"), kind="article")
    assert result.outcome == "bad_redirect" and needle in (result.reason or "")


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "http://",
        "http://[::1",
        "http://h:99999/",
        "http://exa mple.com/",
        "mailto:x@y",
    ],
)
def test_invalid_urls(make_client, url: str) -> None:
    client = make_client()
    result = client.get(url, kind="article")
    assert result.outcome == "invalid" and result.reason
    assert [(e.url, e.outcome) for e in client.log] == [(url, "invalid")]


def test_a_bug_in_a_hook_is_logged_not_raised(make_client) -> None:
    def broken(host: str) -> bool:
        raise RuntimeError("policy exploded")

    client = make_client(allow_private_network=False, private_host_check=broken)
    result = client.get("http://example.invalid/a", kind="article")
    assert result.outcome == "internal_error" and "policy exploded" in (result.reason or "")
    assert client.log[0].outcome == "internal_error"


def test_log_is_complete_under_concurrency(server: FaultServer, make_client) -> None:
    server.route("/a", ok(b"a")).route("/gone", status(404))
    client = make_client(obey_robots=False)
    urls = [server.url("/a"), server.url("/gone")] * 10
    threads = [
        threading.Thread(target=client.get, args=(u,), kwargs={"kind": "article"}) for u in urls
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(e.outcome for e in client.log) == ["http_error"] * 10 + ["ok"] * 10


def test_redirect_body_is_never_read(server: FaultServer, make_client) -> None:
    def heavy_redirect(ex: Exchange) -> None:
        ex.send_head(302, {"Location": "/b", "Content-Encoding": "gzip"}, None)
        chunk = b"\0" * 65536
        for _ in range(HUGE // len(chunk)):
            ex.write(chunk)

    server.route("/a", heavy_redirect).route("/b", ok(b"landed"))
    result = make_client(obey_robots=False).get(server.url("/a"), kind="article")
    assert result.ok and result.body == b"landed"
    assert _finished(server.requests_for("/a")[0]).bytes_sent < HUGE // 2
