"""A fault-injecting HTTP/1.1 server on 127.0.0.1, for testing clients against real sockets.

Routes map a path (query ignored) to a handler; every request is recorded as a :class:`Hit`
with its headers and server-side arrival/finish times, so tests can assert what the client
sent and how requests to one host were spaced; ``max_in_flight`` is the most requests the
server was ever handling at once (1 for a polite client, however many processes it runs).
The module-level factories are the named faults (``status``, ``redirect``, ``stall_body``,
``reset_mid_body``, ``gzip_bomb``, ...); write your own handler for anything else — it
receives an :class:`Exchange`.

Usage::

    from servers.fault import FaultServer, ok, status

    with FaultServer({"/a": ok(b"hello"), "/robots.txt": status(404)}) as srv:
        requests.get(srv.url("/a"))
        assert srv.hits["/a"] == 1 and srv.requests[0].headers["user-agent"]

``blackhole()`` gives a URL whose TCP connect never completes (for connect timeouts).
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = [
    "Exchange",
    "FaultServer",
    "Handler",
    "Hit",
    "big_body",
    "blackhole",
    "conditional",
    "gzip_bomb",
    "gzipped",
    "ok",
    "redirect",
    "reset_mid_body",
    "robots",
    "sequence",
    "stall_body",
    "stall_headers",
    "status",
    "truncated_gzip",
]

Handler = Callable[["Exchange"], None]
_CHUNK = 64 * 1024


@dataclass
class Hit:
    """One request as the server saw it; times are ``time.monotonic()`` seconds."""

    method: str
    path: str
    headers: dict[str, str]
    arrived: float
    finished: float | None = None
    bytes_sent: int = 0


@dataclass
class Exchange:
    """What a handler gets: the request, and ways to answer or misbehave."""

    handler: BaseHTTPRequestHandler
    hit: Hit
    stopping: threading.Event = field(repr=False)

    @property
    def path(self) -> str:
        return self.hit.path.split("?", 1)[0]

    @property
    def headers(self) -> dict[str, str]:
        """Request headers, names lower-cased."""
        return self.hit.headers

    def send_head(
        self, status: int, headers: Mapping[str, str] | None = None, length: int | None = None
    ) -> None:
        """Status line and headers; ``length=None`` means no Content-Length (close-delimited)."""
        self.handler.send_response(status)
        for key, value in (headers or {}).items():
            self.handler.send_header(key, value)
        if length is None:
            self.handler.send_header("Connection", "close")
            self.handler.close_connection = True
        else:
            self.handler.send_header("Content-Length", str(length))
        self.handler.end_headers()
        self.handler.wfile.flush()

    def write(self, data: bytes) -> None:
        self.handler.wfile.write(data)
        self.handler.wfile.flush()
        self.hit.bytes_sent += len(data)

    def send(
        self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        """A complete, well-formed response with Content-Length."""
        self.send_head(status, headers, len(body))
        self.write(body)

    def wait(self, seconds: float) -> None:
        """Stall, but give up as soon as the server stops."""
        self.stopping.wait(seconds)

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashed server would."""
        sock = self.handler.connection
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.handler.close_connection = True
        sock.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hang up mid-response in these tests; that is the point, not an error."""


class FaultServer:
    """A started-on-enter HTTP server; ``base`` is ``http://127.0.0.1:PORT``."""

    def __init__(self, routes: Mapping[str, Handler] | None = None) -> None:
        self.routes: dict[str, Handler] = dict(routes or {})
        self.hits: Counter[str] = Counter()
        self.requests: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self.port: int = self._httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def route(self, path: str, handler: Handler) -> FaultServer:
        """Answer ``path`` with ``handler`` from now on; returns the server for chaining."""
        self.routes[path] = handler
        return self

    def requests_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.requests if h.path.split("?", 1)[0] == path]

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                hit = Hit(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    arrived=time.monotonic(),
                )
                exchange = Exchange(self, hit, server._stopping)
                with server._lock:
                    server.requests.append(hit)
                    server.hits[exchange.path] += 1
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    route = server.routes.get(exchange.path, status(404, b"no route"))
                try:
                    route(exchange)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    with server._lock:
                        hit.finished = time.monotonic()
                        server.in_flight -= 1

            def log_message(self, format: str, *args: object) -> None:
                """Silent: the hits list is the log."""

        return _Handler


def ok(
    body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers: str
) -> Handler:
    """200 with ``body``; extra headers as keyword arguments (``_`` becomes ``-``)."""
    return status(200, body, content_type=content_type, **headers)


def status(code: int, body: bytes = b"", **headers: str) -> Handler:
    """Any status with ``body``; e.g. ``status(429, retry_after="3600")``."""
    wire = {k.replace("_", "-").title(): v for k, v in headers.items()}
    return lambda ex: ex.send(code, body, wire)


def robots(text: str) -> Handler:
    """A robots.txt served as text/plain."""
    return ok(text.encode(), content_type="text/plain; charset=utf-8")


def redirect(location: str, code: int = 302) -> Handler:
    return status(code, location=location)


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one answers every request after."""
    count = 0
    lock = threading.Lock()

    def handle(ex: Exchange) -> None:
        nonlocal count
        with lock:
            index = min(count, len(handlers) - 1)
            count += 1
        handlers[index](ex)

    return handle


def conditional(body: bytes, etag: str, last_modified: str) -> Handler:
    """200 with validators, or 304 when the request carries a matching one."""

    def handle(ex: Exchange) -> None:
        validators = {"ETag": etag, "Last-Modified": last_modified}
        if (
            ex.headers.get("if-none-match") == etag
            or ex.headers.get("if-modified-since") == last_modified
        ):
            ex.send_head(304, validators, 0)
        else:
            ex.send(200, body, {"Content-Type": "text/html", **validators})

    return handle


def stall_headers(seconds: float) -> Handler:
    """Accept the request, then say nothing for ``seconds`` (a read timeout)."""
    return lambda ex: ex.wait(seconds)


def stall_body(seconds: float, sent: bytes = b"<html>partial", length: int = 10_000) -> Handler:
    """Headers and the start of the body, then silence (a read timeout mid-body)."""

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": "text/html"}, length)
        ex.write(sent)
        ex.wait(seconds)

    return handle


def reset_mid_body(sent: bytes = b"x" * 5000, length: int | None = 100_000) -> Handler:
    """Headers and part of the body, then a TCP reset."""

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": "text/html"}, length)
        ex.write(sent)
        time.sleep(0.05)  # let the bytes leave before the RST overtakes them
        ex.reset()

    return handle


def gzipped(body: bytes, **headers: str) -> Handler:
    """``body`` with Content-Encoding: gzip."""
    return ok(gzip.compress(body), content_encoding="gzip", **headers)


def truncated_gzip(body: bytes) -> Handler:
    """A gzip stream cut in half, delivered completely (Content-Length of the cut stream)."""
    data = gzip.compress(body)
    return ok(data[: len(data) // 2], content_encoding="gzip")


def gzip_bomb(inflated: int) -> Handler:
    """A small gzip body that inflates to ``inflated`` zero bytes."""
    return ok(gzip.compress(b"\0" * inflated, compresslevel=9), content_encoding="gzip")


def big_body(size: int, *, declare_length: bool) -> Handler:
    """``size`` bytes streamed in chunks; ``Hit.bytes_sent`` shows how far it got."""

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": "text/html"}, size if declare_length else None)
        chunk = b"a" * _CHUNK
        for _ in range(size // _CHUNK):
            ex.write(chunk)

    return handle


@contextlib.contextmanager
def blackhole() -> Iterator[str]:
    """Yield ``http://127.0.0.1:PORT`` whose connects hang: a listener with a full backlog."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(16):
            filler = socket.socket()
            filler.settimeout(0.2)
            try:
                filler.connect(("127.0.0.1", port))
            except OSError:
                filler.close()
                break
            fillers.append(filler)
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
