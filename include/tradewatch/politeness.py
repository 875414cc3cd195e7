"""Per-host politeness: one request at a time per host, a minimum gap between them.

News sites rate-limit and ban crawlers that hammer them, and an analyst loses a whole
outlet for a day when that happens. So every request to a host waits for the previous one
to *finish* plus a gap (``HttpConfig.min_host_gap``, raised by ``Crawl-delay`` and held
longer by ``Retry-After``), while different hosts proceed in parallel. A "host" is
hostname plus effective port: two servers on one machine are two hosts.

Usage::

    results = fetch_many(client, [FetchRequest(url, kind="article", source="yonhap")])
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tradewatch.fetch import FetchResult, HttpClient

__all__ = ["FetchRequest", "HostThrottle", "fetch_many", "host_key"]

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: str) -> str:
    """``hostname:port`` of ``url`` (default port filled in); ``""`` when it has no host."""
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    return f"{host}:{port}" if host else ""


@dataclass
class _Host:
    lock: threading.Lock
    gap: float | None = None
    last_end: float | None = None
    not_before: float = 0.0


class HostThrottle:
    """Serializes requests per host and spaces them out; safe to share between threads."""

    def __init__(
        self,
        min_gap: float = 3.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_gap = min_gap
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, key: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(key, _Host(threading.Lock()))

    def gap(self, key: str) -> float:
        """The gap enforced between two requests to ``key``."""
        host = self._host(key)
        return self.min_gap if host.gap is None else host.gap

    def set_gap(self, key: str, seconds: float) -> None:
        """Use ``seconds`` between requests to ``key`` (e.g. its ``Crawl-delay``)."""
        self._host(key).gap = seconds

    def hold(self, key: str, seconds: float) -> None:
        """Send nothing to ``key`` for ``seconds`` from now (``Retry-After``, backoff)."""
        host = self._host(key)
        with self._lock:
            host.not_before = max(host.not_before, self._clock() + seconds)

    def held_for(self, key: str) -> float:
        """Seconds left of a :meth:`hold` on ``key``; 0 when none."""
        host = self._host(key)
        with self._lock:
            return max(0.0, host.not_before - self._clock())

    @contextlib.contextmanager
    def slot(self, key: str) -> Iterator[float]:
        """Hold ``key``'s single request slot; waits for the gap/hold first, yields the wait."""
        host = self._host(key)
        with host.lock:
            now = self._clock()
            ready = host.not_before
            if host.last_end is not None:
                ready = max(ready, host.last_end + self.gap(key))
            waited = max(0.0, ready - now)
            if waited:
                logger.debug("waiting %.2fs for %s", waited, key)
                self._sleep(waited)
            try:
                yield waited
            finally:
                host.last_end = self._clock()


@dataclass(frozen=True)
class FetchRequest:
    """One GET for :func:`fetch_many`; the fields are :meth:`HttpClient.get`'s arguments."""

    url: str
    kind: str
    source: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def fetch_many(
    client: HttpClient,
    requests: Sequence[FetchRequest],
    *,
    max_workers: int = 8,
    on_result: Callable[[int, FetchResult], None] | None = None,
) -> list[FetchResult]:
    """GET every request, hosts in parallel and each host in input order; results in input order.

    One worker per host keeps the client's per-host slot from tying up threads that could
    be serving other hosts. ``on_result(index, result)`` runs in the worker as each
    response arrives (the fetch stage archives there, so a kill loses only what is in
    flight); an exception from it ends the call.
    """
    groups: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        groups.setdefault(host_key(request.url), []).append(index)
    results: list[FetchResult | None] = [None] * len(requests)

    def run(indexes: list[int]) -> None:
        for index in indexes:
            r = requests[index]
            results[index] = result = client.get(
                r.url, kind=r.kind, source=r.source, etag=r.etag, last_modified=r.last_modified
            )
            if on_result is not None:
                on_result(index, result)

    if groups:
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(groups)))) as pool:
            for future in [pool.submit(run, indexes) for indexes in groups.values()]:
                future.result()
    return cast("list[FetchResult]", results)
