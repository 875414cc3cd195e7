"""The HTTP client against a real server on 127.0.0.1 with scripted misbehaviour."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tradewatch.fetching import HttpClient, HttpConfig

Route = Callable[[BaseHTTPRequestHandler], None]


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class _Server:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.user_agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.user_agents.append(self.headers.get("User-Agent", ""))
                route = server.routes.get(self.path)
                if route is None:
                    _send(self, 404, b"not here")
                else:
                    route(self)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                """Clients that time out hang up mid-response; that is the point here."""

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


FAST = HttpConfig(
    retries=2,
    backoff=0.01,
    read_timeout=0.5,
    connect_timeout=0.5,
    max_bytes=1000,
    min_host_gap=0.0,
    obey_robots=False,
)


def _client(**kwargs: object) -> HttpClient:
    return HttpClient(FAST, allow_private_network=True, run_id="t", **kwargs)  # type: ignore[arg-type]


def test_ok_sends_user_agent_with_contact_and_logs(server: _Server) -> None:
    server.routes["/a"] = lambda h: _send(
        h, 200, b"hello", Content_Type="text/html; charset=EUC-KR"
    )
    client = _client()
    result = client.get(f"{server.base}/a", kind="article", source="s")
    assert result.ok and result.body == b"hello"
    assert result.encoding == "euc-kr"
    assert "tradewatch/" in server.user_agents[0] and "+http" in server.user_agents[0]
    [entry] = client.log
    assert (entry.outcome, entry.status, entry.bytes, entry.source, entry.run_id) == (
        "ok",
        200,
        5,
        "s",
        "t",
    )


def test_404_is_an_error_with_reason_not_retried(server: _Server) -> None:
    client = _client()
    result = client.get(f"{server.base}/missing", kind="article")
    assert result.outcome == "http_error" and result.status == 404
    assert "404" in (result.reason or "")
    assert server.hits["/missing"] == 1
    assert client.log[0].reason == result.reason


def test_500_is_retried_then_reported(server: _Server) -> None:
    server.routes["/flaky"] = lambda h: _send(h, 500, b"oops")
    client = _client()
    result = client.get(f"{server.base}/flaky", kind="feed")
    assert result.outcome == "http_error" and result.status == 500
    assert server.hits["/flaky"] == 3
    assert [e.status for e in client.log] == [500, 500, 500]


def test_retry_recovers_after_transient_503(server: _Server) -> None:
    def flaky(h: BaseHTTPRequestHandler) -> None:
        if server.hits["/once"] == 1:
            _send(h, 503, b"busy", Retry_After="0")
        else:
            _send(h, 200, b"fine")

    server.routes["/once"] = flaky
    result = _client().get(f"{server.base}/once", kind="feed")
    assert result.ok and result.body == b"fine"


def test_redirects_followed_and_loops_stopped(server: _Server) -> None:
    server.routes["/old"] = lambda h: _send(h, 301, Location="/new")
    server.routes["/new"] = lambda h: _send(h, 200, b"moved")
    server.routes["/loop"] = lambda h: _send(h, 302, Location="/loop")
    for n in range(FAST.max_redirects + 2):
        server.routes[f"/chain{n}"] = lambda h, n=n: _send(h, 302, Location=f"/chain{n + 1}")
    client = _client()
    moved = client.get(f"{server.base}/old", kind="article")
    assert moved.ok and moved.final_url == f"{server.base}/new" and moved.url.endswith("/old")
    looped = client.get(f"{server.base}/loop", kind="article")
    assert looped.outcome == "redirect_loop" and server.hits["/loop"] == 1
    chained = client.get(f"{server.base}/chain0", kind="article")
    assert chained.outcome == "too_many_redirects"
    assert sum(server.hits.get(f"/chain{n}", 0) for n in range(10)) == FAST.max_redirects + 1


def test_body_over_cap_is_refused(server: _Server) -> None:
    server.routes["/big"] = lambda h: _send(h, 200, b"x" * 5000)
    result = _client().get(f"{server.base}/big", kind="article")
    assert result.outcome == "too_large" and result.body == b""


def test_read_timeout(server: _Server) -> None:
    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        _send(h, 200, b"late")

    server.routes["/slow"] = slow
    config = HttpConfig(retries=0, read_timeout=0.3, obey_robots=False)
    client = HttpClient(config, allow_private_network=True)
    result = client.get(f"{server.base}/slow", kind="article")
    assert result.outcome == "timeout"


def test_connection_refused() -> None:
    client = HttpClient(HttpConfig(retries=0, obey_robots=False), allow_private_network=True)
    result = client.get("http://127.0.0.1:9/nothing", kind="feed")
    assert result.outcome == "connection_error" and result.reason


def test_private_network_refused_unless_allowed(server: _Server) -> None:
    server.routes["/a"] = lambda h: _send(h, 200, b"x")
    client = HttpClient(FAST)
    result = client.get(f"{server.base}/a", kind="article")
    assert result.outcome == "blocked" and "private" in (result.reason or "")
    assert "/a" not in server.hits
    assert client.log[0].outcome == "blocked"


def test_link_local_metadata_address_refused() -> None:
    client = HttpClient(FAST)
    result = client.get("http://169.254.169.254/latest/meta-data", kind="article")
    assert result.outcome == "blocked"


def test_non_http_scheme_refused() -> None:
    result = HttpClient(FAST).get("file:///etc/passwd", kind="article")
    assert result.outcome == "invalid" and "scheme" in (result.reason or "")
