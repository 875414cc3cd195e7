"""A static HTTP server for the bundled sample site and the test fixture sites.

Feeds and pages need absolute links, but the port is only known at serve time, so every
served text file has the token ``__BASE__`` replaced by the server's base URL. Responses
carry an ``ETag`` and answer a matching ``If-None-Match`` with 304, like a real news site.
Each server keeps when every request arrived and was answered (``SiteServer.served``), so
a test can check from the server's side that a crawler never had two requests in flight.

Usage::

    with serve_directory(Path("include/samples")) as base:
        requests.get(f"{base}/yonhap/feed.xml")
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["BASE_TOKEN", "Served", "SiteServer", "serve_directory"]

logger = logging.getLogger(__name__)

BASE_TOKEN = "__BASE__"
_TEXT_TYPES = {".xml", ".html", ".htm", ".json", ".txt", ".atom", ".rss"}
_CONTENT_TYPES = {
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Served:
    """One request: its path, and ``time.monotonic()`` when it arrived and was answered."""

    path: str
    arrived: float
    finished: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    served: list[Served]


class _Handler(SimpleHTTPRequestHandler):
    """Serves files with ``__BASE__`` substituted; logs through :mod:`logging`."""

    base_url = ""
    server: _Server

    def handle_one_request(self) -> None:
        # HTTP/1.0: one request per connection, so this starts as the request arrives.
        arrived = time.monotonic()
        super().handle_one_request()
        if self.command:
            self.server.served.append(Served(self.path, arrived, time.monotonic()))

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "Not Found")
            return None
        body = path.read_bytes()
        if path.suffix in _TEXT_TYPES:
            body = body.replace(BASE_TOKEN.encode(), self.base_url.encode())
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        ctype = _CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        self.send_response(200)
        self.send_header("Content-Type", ctype or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        return _BytesReader(body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("devserver: " + format, *args)


class _BytesReader:
    """The file-like object ``SimpleHTTPRequestHandler.copyfile`` expects."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, size: int = -1) -> bytes:
        data, self._data = (
            (self._data, b"")
            if size < 0
            else (
                self._data[:size],
                self._data[size:],
            )
        )
        return data

    def close(self) -> None:
        self._data = b""


class SiteServer:
    """A started server on 127.0.0.1; ``base_url`` is where it listens."""

    def __init__(self, root: Path, port: int = 0) -> None:
        handler = type("SiteHandler", (_Handler,), {})
        self._httpd = _Server(("127.0.0.1", port), partial(handler, directory=str(root)))
        self._httpd.served = []
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        handler.base_url = self.base_url
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    @property
    def served(self) -> list[Served]:
        """The requests answered so far, in the order they finished."""
        return list(self._httpd.served)

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextlib.contextmanager
def serve_directory(root: Path, port: int = 0) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 in a background thread; yield the base URL."""
    server = SiteServer(root, port).start()
    try:
        yield server.base_url
    finally:
        server.stop()
