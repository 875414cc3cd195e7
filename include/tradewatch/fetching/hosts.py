"""Per-host politeness: one request at a time per host, a minimum gap between them.

News sites rate-limit and ban crawlers that hammer them, and an analyst loses a whole
outlet for a day when that happens. So every request to a host waits for the previous one
to *finish* plus a gap (``HttpConfig.min_host_gap``, raised by ``Crawl-delay`` and held
longer by ``Retry-After``), while different hosts proceed in parallel. A "host" is
hostname plus effective port: two servers on one machine are two hosts.

Threads of one process queue on a lock per host. Airflow runs the mapped ``discover``
tasks and ``fetch`` in separate worker processes, though, so a throttle given a lease
directory (the pipeline uses ``<data_dir>/hosts/``) also takes the host's
:class:`HostLease`: a lock file per host, ``flock``-ed exclusively while a request is in
flight, holding when the host may next be contacted (:class:`HostPace`). Processes on one
machine then queue for a host the way threads do. ``flock`` does not reach other machines:
there a :class:`~tradewatch.fetching.pg_lease.PgHostLease` keeps the same record in a
PostgreSQL row every machine reaches. Any :class:`Lease` does; it names the clock its
times are read on.

Usage::

    throttle = HostThrottle(3.0, lease_dir=Path("data/hosts"))
    with throttle.slot(host_key(url)):
        ...  # the request; the next one to this host starts 3 s after this one ends
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

__all__ = ["HostLease", "HostPace", "HostThrottle", "Lease", "flocked", "host_key"]

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_MAX_LEASE_BYTES = 4096


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
class HostPace:
    """When a host may be contacted next: ``gap`` seconds after the ``end`` of its last
    request, and not before ``hold_until`` (what a hold of ``hold`` seconds asked for).

    Times are readings of the throttle's clock. One that lies further ahead than its
    duration allows (a lease written before a reboot reset ``time.monotonic``) is pulled
    back, so a stale record costs at most one gap or one hold.
    """

    end: float | None = None
    gap: float = 0.0
    hold_until: float = 0.0
    hold: float = 0.0

    def settle(self, now: float) -> None:
        """Pull times that lie impossibly far ahead of ``now`` back to where they can be."""
        if self.end is not None and self.end > now:
            self.end = now
        if self.hold_until - now > self.hold:
            self.hold_until = now + self.hold

    def wait(self, now: float, gap: float) -> float:
        """Seconds from ``now`` until the next request, leaving at least ``gap`` after the last."""
        self.settle(now)
        ready = self.hold_until
        if self.end is not None:
            ready = max(ready, self.end + max(gap, self.gap))
        return max(0.0, ready - now)

    def held_for(self, now: float) -> float:
        """Seconds left of the hold; 0 when none."""
        self.settle(now)
        return max(0.0, self.hold_until - now)

    def add_hold(self, now: float, seconds: float) -> None:
        """No request before ``now + seconds``; a longer hold already there stays."""
        self.settle(now)
        if now + seconds > self.hold_until:
            self.hold_until, self.hold = now + seconds, seconds


class Lease(Protocol):
    """Where a :class:`HostThrottle` keeps its hosts' paces so other processes see them.

    ``locked`` yields ``key``'s pace under a lock that is exclusive unless ``shared`` and
    writes it back when changed; ``clock`` is the clock its times must be read on, one that
    means the same in every process sharing the lease.
    """

    clock: Callable[[], float]

    def locked(self, key: str, *, shared: bool = False) -> AbstractContextManager[HostPace]: ...


class HostLease:
    """Per-host lock files in ``directory``, shared by every process that uses it.

    ``<host>-<port>.lock`` holds the host's :class:`HostPace` as JSON. Whoever reads or
    changes it holds an ``flock`` on the file; :meth:`HostThrottle.slot` keeps it exclusive
    while its request is in flight, so another process's request to the host starts only
    after that one ended (plus the gap). The locks are per open file, so two throttles in
    one process exclude each other too, and a process that dies releases its locks.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.clock = time.monotonic  # only processes of this machine share the files

    def path(self, key: str) -> Path:
        """The lock file of host ``key`` (``hostname:port``); distinct hosts, distinct files."""
        host, _, port = key.rpartition(":")
        name = f"{quote(host, safe='.-')}-{port}"
        if len(name) > 200:
            name = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / f"{name}.lock"

    @contextlib.contextmanager
    def locked(self, key: str, *, shared: bool = False) -> Iterator[HostPace]:
        """``key``'s pace under the file lock, written back when changed.

        Blocks while any other holder (thread or process) has the lock exclusively. A
        ``shared`` lock is for reading alongside other readers; changes are not kept.
        """
        with flocked(self.path(key), shared=shared) as fd:
            pace = _read_pace(fd, key)
            before = dataclasses.replace(pace)
            try:
                yield pace
            finally:
                if not shared and pace != before:
                    data = json.dumps(dataclasses.asdict(pace)).encode()
                    os.pwrite(fd, data, 0)
                    os.ftruncate(fd, len(data))


@contextlib.contextmanager
def flocked(path: Path, *, shared: bool = False) -> Iterator[int]:
    """An open descriptor of ``path`` (created, with its folder, when missing) under an
    ``flock``; leaving the block closes it, which releases the lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _read_pace(fd: int, key: str) -> HostPace:
    raw = os.pread(fd, _MAX_LEASE_BYTES, 0)
    if not raw:
        return HostPace()
    try:
        data = json.loads(raw)
        end = data.get("end")
        pace = HostPace(
            end=None if end is None else float(end),
            gap=float(data.get("gap", 0.0)),
            hold_until=float(data.get("hold_until", 0.0)),
            hold=float(data.get("hold", 0.0)),
        )
        times = (pace.gap, pace.hold_until, pace.hold, pace.end or 0.0)
        if not all(math.isfinite(t) for t in times):
            raise ValueError("not a finite time")
    except (ValueError, TypeError, AttributeError) as exc:
        logger.warning("ignoring unreadable host lease of %s: %s", key, exc)
        return HostPace()
    return pace


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    gap: float | None = None
    pace: HostPace = field(default_factory=HostPace)  # without a lease; else in its file


class HostThrottle:
    """Serializes requests per host and spaces them out; safe to share between threads.

    With a ``lease`` (or ``lease_dir``, for a :class:`HostLease` there) the hosts' slots
    and paces live in it, so the throttles of all processes using it take turns too. The
    ``clock`` defaults to the lease's: ``time.monotonic`` for lock files (one clock per
    machine), ``time.time`` for a lease shared between machines.
    """

    def __init__(
        self,
        min_gap: float = 3.0,
        *,
        lease_dir: Path | None = None,
        lease: Lease | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_gap = min_gap
        if lease is None and lease_dir is not None:
            lease = HostLease(lease_dir)
        self.lease = lease
        self._clock = clock or (lease.clock if lease is not None else time.monotonic)
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, key: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(key, _Host())

    def gap(self, key: str) -> float:
        """This throttle's gap between two requests to ``key``.

        A lease may hold a longer one, from a process that read the host's ``Crawl-delay``;
        the longer of the two is kept.
        """
        host = self._host(key)
        return self.min_gap if host.gap is None else host.gap

    def set_gap(self, key: str, seconds: float) -> None:
        """Use ``seconds`` between requests to ``key`` (e.g. its ``Crawl-delay``)."""
        self._host(key).gap = seconds

    def hold(self, key: str, seconds: float) -> None:
        """Send nothing to ``key`` for ``seconds`` from now (``Retry-After``, backoff).

        With a lease this first waits for a request to ``key`` in flight elsewhere, so it
        must not be called inside :meth:`slot` of the same host.
        """
        with self._pace(key) as pace:
            pace.add_hold(self._clock(), seconds)

    def held_for(self, key: str) -> float:
        """Seconds left of a :meth:`hold` on ``key``; 0 when none."""
        with self._pace(key, shared=True) as pace:
            return pace.held_for(self._clock())

    @contextlib.contextmanager
    def slot(self, key: str) -> Iterator[float]:
        """Hold ``key``'s single request slot; waits for the gap/hold first, yields the wait."""
        host = self._host(key)
        lease = self.lease.locked(key) if self.lease else contextlib.nullcontext(host.pace)
        with host.lock, lease as pace:
            waited = pace.wait(self._clock(), self.gap(key))
            if waited:
                logger.debug("waiting %.2fs for %s", waited, key)
                self._sleep(waited)
            try:
                yield waited
            finally:
                pace.end, pace.gap = self._clock(), self.gap(key)

    @contextlib.contextmanager
    def _pace(self, key: str, *, shared: bool = False) -> Iterator[HostPace]:
        """``key``'s pace, locked for a quick look or change (never across a request)."""
        if self.lease is not None:
            with self.lease.locked(key, shared=shared) as pace:
                yield pace
            return
        host = self._host(key)
        with self._lock:
            yield host.pace
