"""A GDELT DOC 2.0 replica on 127.0.0.1: answers ``mode=artlist`` queries by time slice.

It holds a list of artlist records (``url``, ``title``, ``seendate`` ``YYYYMMDDTHHMMSSZ``,
``language``, ...) and answers each query with the records seen in
``[startdatetime, enddatetime)``, capped at ``maxrecords``, when the query names a
``sourcelang:`` (as tradewatch always does), whatever their language: tradewatch keeps
only the ones it asked for. Scripted answers, queued in
``scripted`` as ``(status, content type, body)``, are served first; every query's
parameters are kept in ``requests``.

Usage::

    with GdeltReplica(records) as gdelt:
        entry = gdelt.source("gdelt-kj", "(Korea OR Seoul) (Japan OR Tokyo)")
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["GdeltReplica"]

PATH = "/api/v2/doc/doc"


class GdeltReplica(ThreadingHTTPServer):
    """The replica server; start it with ``with`` (or :meth:`start`/:meth:`stop`)."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.daemon_threads = True
        self.records = records
        self.url = f"http://127.0.0.1:{self.server_address[1]}{PATH}"
        self.requests: list[dict[str, str]] = []
        self.scripted: list[tuple[int, str, bytes]] = []
        self._thread: threading.Thread | None = None

    def start(self) -> GdeltReplica:
        self._thread = threading.Thread(target=self.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> GdeltReplica:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def source(self, name: str, query: str) -> dict[str, Any]:
        """A sources-file entry for this replica (no pause between queries)."""
        return {
            "name": name,
            "type": "gdelt",
            "url": self.url,
            "query": query,
            "min_interval_seconds": 0,
        }

    def answer(self, params: dict[str, str]) -> bytes:
        start, end = params["startdatetime"], params["enddatetime"]
        hits = [
            r
            for r in self.records
            if start <= r["seendate"].replace("T", "").rstrip("Z") < end
            and "sourcelang:" in params["query"]
        ]
        hits = hits[: int(params["maxrecords"])]
        return json.dumps({"articles": hits} if hits else {}).encode()


class _Handler(BaseHTTPRequestHandler):
    server: GdeltReplica

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path != PATH:
            status, ctype, body = 404, "text/plain", b"not found"
        elif self.server.scripted:
            self.server.requests.append(params)
            status, ctype, body = self.server.scripted.pop(0)
        else:
            self.server.requests.append(params)
            status, ctype, body = 200, "application/json", self.server.answer(params)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass
