"""The one HTTP client every source, article and robots.txt fetch goes through.

It exists so that politeness and safety rules live in one place, and so that analysts can
trust the counts: every request ends as one :class:`FetchLogEntry` with an outcome from
:data:`OUTCOMES` and a reason, never as an exception. The client sends a real User-Agent
with a contact URL, obeys robots.txt (every redirect hop too), sends one request at a time
per host with a gap between them, follows redirects by hand (each hop checked against the
private-network guard, loops caught), caps the *decompressed* body while streaming, sends
conditional GETs, and retries transient failures with jittered exponential backoff or the
server's ``Retry-After``. It is safe to share between threads; given a lease directory,
its per-host politeness also holds across processes (see :mod:`tradewatch.fetching.hosts`),
and given a coordination database, across machines
(see :mod:`tradewatch.fetching.coordination`).
Its limits and results are the types of :mod:`tradewatch.fetching.results`.

Usage::

    client = HttpClient(HttpConfig(), allow_private_network=True)
    result = client.get("http://127.0.0.1:8765/yonhap/feed.xml", kind="feed", source="demo")
    if result.ok:
        print(len(result.body))
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import random
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import requests
import urllib3

from tradewatch.fetching.coordination import Coordination
from tradewatch.fetching.hosts import HostLease, HostThrottle, Lease, host_key
from tradewatch.fetching.pg_lease import PgHostLease
from tradewatch.fetching.pg_robots_store import PgRobotsStore
from tradewatch.fetching.results import FetchResult, HttpConfig
from tradewatch.fetching.robots import RobotsCache, RobotsRules
from tradewatch.fetching.robots_store import RobotsStore
from tradewatch.models import FetchLogEntry, Validators

__all__ = ["HttpClient", "is_private_host"]

logger = logging.getLogger(__name__)

_REDIRECT_CODES = {301, 302, 303, 307, 308}
_RETRY_CODES = {429, 500, 502, 503, 504}
_RETRY_AFTER_CODES = {429, 503}
_RETRY_OUTCOMES = {"timeout", "connection_error", "truncated"}
_CHUNK = 64 * 1024
_BAD_HOST = re.compile(r"[\s\x00-\x1f\x7f]")


class _Refused(Exception):
    def __init__(
        self,
        outcome: str,
        reason: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.final_url: str | None = None


def is_private_host(host: str) -> bool:
    """True when ``host`` resolves to anything but a public unicast address.

    Resolving (rather than parsing) also catches ``2130706433``, ``0177.0.0.1`` and names
    pointing at loopback, link-local (cloud metadata), ULA or carrier-grade NAT ranges.
    """
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
            addr = addr.ipv4_mapped
        if not addr.is_global or addr.is_multicast or addr.is_reserved:
            return True
    return False


class _Decoder:
    """Streams a Content-Encoding out with a cap on the output, so bombs stop early."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if not codings:
            self._wbits: int | None = None
        elif codings in (["gzip"], ["x-gzip"]):
            self._wbits = 47  # gzip, tolerating a zlib header
        elif codings == ["deflate"]:
            self._wbits = 0  # zlib or raw deflate: decided on the first byte
        else:
            raise _Refused("bad_encoding", f"unsupported Content-Encoding {encoding!r}")
        self.name = encoding.strip() or "identity"
        self._inflater: zlib._Decompress | None = None

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; returns more than ``limit`` bytes only to signal "over the cap"."""
        if self._wbits is None:
            return data
        out = b""
        try:
            while data and len(out) <= limit:
                if self._inflater is None or self._inflater.eof:
                    if self._inflater is not None and not data.strip(b"\0"):
                        break  # padding after the last gzip member
                    self._inflater = zlib.decompressobj(self._pick_wbits(data))
                out += self._inflater.decompress(data, limit - len(out) + 1)
                data = self._inflater.unconsumed_tail or (
                    self._inflater.unused_data if self._inflater.eof else b""
                )
        except zlib.error as exc:
            raise _Refused("bad_encoding", f"cannot decode {self.name} body: {exc}") from None
        return out

    def _pick_wbits(self, data: bytes) -> int:
        if self._wbits:
            return self._wbits
        zlib_header = len(data) > 1 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return 15 if zlib_header else -15

    def finish(self, raw_bytes: int) -> None:
        if self._inflater is not None and not self._inflater.eof:
            raise _Refused(
                "truncated",
                f"{self.name} stream ended before its end marker after {raw_bytes} bytes",
            )


class _ManualRedirectSession(requests.Session):
    """A session that never looks at redirects: we follow them hop by hop ourselves.

    Even with ``allow_redirects=False``, ``requests`` reads a redirect's whole body into
    memory (decompressing it) and parses its Location to prepare ``Response.next``; a
    hostile 302 could use that to get around the size cap.
    """

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


class HttpClient:
    """``requests`` with tradewatch's rules; collects a fetch log as it goes.

    ``private_host_check`` decides what counts as a private address (a seam for tests);
    ``throttle`` may be shared between clients of one process; ``lease_dir`` (when no
    ``throttle`` is given) makes the client's throttle keep its per-host slots in lock files
    there, shared with every process using the same directory; ``robots_dir`` keeps the
    readable robots.txt answers there for the same processes (:class:`RobotsStore`);
    ``coordination_url`` (a PostgreSQL libpq URL, instead of both directories) keeps the
    slots and the answers in that database for the processes of every machine using it
    (:class:`PgHostLease`, :class:`PgRobotsStore`), and raises
    :class:`~tradewatch.fetching.coordination.CoordinationError` when it cannot be reached.
    ``clock`` drives the robots.txt cache expiry and the throttle (by default
    ``time.monotonic``, or the wall clock a lease shared between machines needs),
    ``sleep``/``rng`` the waits and their jitter.
    """

    def __init__(
        self,
        config: HttpConfig | None = None,
        *,
        allow_private_network: bool = False,
        run_id: str | None = None,
        private_host_check: Callable[[str], bool] = is_private_host,
        throttle: HostThrottle | None = None,
        lease_dir: Path | None = None,
        robots_dir: Path | None = None,
        coordination_url: str | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config or HttpConfig()
        self.allow_private_network = allow_private_network
        self.run_id = run_id
        self.log: list[FetchLogEntry] = []
        self._is_private = private_host_check
        ttl = self.config.robots_ttl
        lease: Lease | None = None
        store: RobotsStore | PgRobotsStore | None = None
        self._coordination: Coordination | None = None
        if coordination_url:
            if lease_dir or robots_dir:
                raise ValueError("coordination_url replaces lease_dir and robots_dir")
            self._coordination = Coordination(coordination_url)
            lease = PgHostLease(self._coordination)
            store = PgRobotsStore(self._coordination, ttl=ttl)
        else:
            lease = HostLease(lease_dir) if lease_dir else None
            store = RobotsStore(robots_dir, ttl=ttl) if robots_dir else None
        self._throttle = throttle or HostThrottle(
            self.config.min_host_gap, lease=lease, clock=clock, sleep=sleep
        )
        self._robots = RobotsCache(
            self._fetch_robots, ttl=ttl, clock=clock or time.monotonic, store=store
        )
        self._rng = rng or random.Random()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self.conditional: dict[str, Validators] = {}
        self.fresh_validators: list[Validators] = []

    def remember_validators(self, validators: Iterable[Validators]) -> None:
        """Make later GETs of these URLs conditional, e.g. feeds polled by an earlier run.

        Each 200 response to such a URL records its new validators in
        ``fresh_validators``, for the caller to keep for the next run.
        """
        self.conditional.update((v.url, v) for v in validators)

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        if self._coordination is not None:
            self._coordination.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        kind: str,
        source: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url`` with retries; never raises for network, HTTP or URL trouble.

        ``etag``/``last_modified`` (from an earlier :class:`FetchResult`) make it a
        conditional GET: an unchanged page comes back as ``not_modified`` without a body.
        """
        remembered = self.conditional.get(url)
        if remembered and not (etag or last_modified):
            etag, last_modified = remembered.etag, remembered.last_modified
        validators = {}
        if etag:
            validators["If-None-Match"] = etag
        if last_modified:
            validators["If-Modified-Since"] = last_modified
        result = self._get(url, kind, source, validators, robots=self.config.obey_robots)
        if remembered is not None and result.ok and (result.etag or result.last_modified):
            fresh = Validators(url, result.etag, result.last_modified, source)
            with self._lock:
                self.conditional[url] = fresh
                self.fresh_validators.append(fresh)
        return result

    def robots_rules(self, url: str, *, source: str | None = None) -> RobotsRules:
        """The robots.txt rules governing ``url`` (fetched and logged if not cached).

        A URL the client would refuse (invalid, private) gets "unavailable" rules.
        """
        try:
            self._check_url(url, redirected=False)
        except _Refused as exc:
            return RobotsRules(url=url, unavailable=exc.reason)
        return self._robots.rules(url, source=source)

    def robots_sitemaps(self, url: str, *, source: str | None = None) -> list[str]:
        """``Sitemap:`` URLs listed in the robots.txt of ``url``'s host."""
        return list(self.robots_rules(url, source=source).sitemaps)

    def _fetch_robots(self, url: str, source: str | None) -> FetchResult:
        return self._get(url, "robots", source, {}, robots=False)

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = _ManualRedirectSession()
            session.headers["User-Agent"] = self.config.user_agent
            session.headers["Accept-Encoding"] = "gzip, deflate"
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _get(
        self, url: str, kind: str, source: str | None, validators: dict[str, str], *, robots: bool
    ) -> FetchResult:
        attempt = 0
        while True:
            result = self._get_once(url, kind, source, validators, robots=robots)
            retryable = result.outcome in _RETRY_OUTCOMES or (
                result.outcome == "http_error" and result.status in _RETRY_CODES
            )
            if not retryable or attempt >= self.config.retries:
                return result
            attempt += 1
            if result.retry_after is None:
                base = self.config.backoff * 2 ** (attempt - 1)
                delay = base / 2 + self._rng.uniform(0, base / 2)
                self._throttle.hold(host_key(result.final_url), delay)
            logger.info("retry %d of %s (%s)", attempt, url, result.reason)

    def _get_once(
        self,
        url: str,
        kind: str,
        source: str | None,
        validators: dict[str, str],
        *,
        robots: bool,
    ) -> FetchResult:
        started = time.monotonic()
        requested_at = datetime.now(UTC)
        try:
            result = self._follow(url, kind, source, validators, robots=robots)
        except _Refused as exc:
            result = FetchResult(
                url,
                exc.final_url or url,
                exc.outcome,
                exc.status,
                exc.reason,
                retry_after=exc.retry_after,
            )
        except Exception as exc:
            logger.exception("internal error fetching %s", url)
            result = FetchResult(url, url, "internal_error", reason=_one_line(exc))
        if result.retry_after is not None:
            self._throttle.hold(host_key(result.final_url), result.retry_after)
        entry = FetchLogEntry(
            url=url,
            kind=kind,
            outcome=result.outcome,
            requested_at=requested_at,
            source=source,
            status=result.status,
            reason=result.reason,
            bytes=len(result.body),
            elapsed_ms=round((time.monotonic() - started) * 1000, 1),
            run_id=self.run_id,
        )
        with self._lock:
            self.log.append(entry)
        return result

    def _follow(
        self,
        url: str,
        kind: str,
        source: str | None,
        validators: dict[str, str],
        *,
        robots: bool,
    ) -> FetchResult:
        """Follow redirects hop by hop, checking every hop like the first."""
        chain: list[str] = []
        current = url
        try:
            for _hop in range(self.config.max_redirects + 1):
                self._check_url(current, redirected=bool(chain))
                if robots:
                    self._check_robots(current, source)
                self._check_hold(current)
                step = self._request(url, current, kind, validators)
                if isinstance(step, FetchResult):
                    return step
                chain.append(urldefrag(current).url)
                if urldefrag(step).url in chain:
                    raise _Refused("redirect_loop", f"redirect loop: {current} -> {step}")
                current = step
            raise _Refused(
                "too_many_redirects",
                f"more than {self.config.max_redirects} redirects (stopped before {current})",
            )
        except _Refused as exc:
            exc.final_url = current
            raise

    def _check_url(self, url: str, *, redirected: bool) -> None:
        outcome = "bad_redirect" if redirected else "invalid"
        where = f" (redirect to {url})" if redirected else ""
        try:
            parts = urlsplit(url)
            host = parts.hostname
            _ = parts.port
        except ValueError as exc:
            raise _Refused(outcome, f"unparseable URL {url!r}: {exc}") from None
        if parts.scheme.lower() not in ("http", "https"):
            raise _Refused(outcome, f"unsupported scheme {parts.scheme!r}{where}")
        if not host or _BAD_HOST.search(host):
            raise _Refused(outcome, f"URL has no usable host{where}")
        if not self.allow_private_network and self._is_private(host):
            raise _Refused("blocked", f"{host} is a private-network address{where}")

    def _check_hold(self, url: str) -> None:
        """A host that asked for more quiet than we wait for is not contacted at all."""
        key = host_key(url)
        held, cap = self._throttle.held_for(key), self.config.max_retry_after
        if held > cap:
            reason = f"{key} asked for {held:.0f}s without requests, over cap {cap:.0f}s"
            raise _Refused("deferred", reason, retry_after=held)

    def _check_robots(self, url: str, source: str | None) -> None:
        rules = self._robots.rules(url, source=source)
        if rules.crawl_delay is not None:
            delay = min(rules.crawl_delay, self.config.max_crawl_delay)
            self._throttle.set_gap(host_key(url), max(self._throttle.min_gap, delay))
        why = rules.disallowed_by(url)
        if why:
            self._check_hold(url)  # robots.txt itself asked for a pause: defer, not disallow
            raise _Refused("robots_disallowed", why)

    def _request(
        self, url: str, current: str, kind: str, validators: dict[str, str]
    ) -> FetchResult | str:
        """One HTTP exchange under the host's slot: a result, or the next hop's URL."""
        key = host_key(current)
        timeout = (self.config.connect_timeout, self.config.read_timeout)
        try:
            with (
                self._throttle.slot(key),
                self._session().get(
                    current,
                    headers=validators,
                    timeout=timeout,
                    allow_redirects=False,
                    stream=True,
                ) as response,
            ):
                if response.status_code in _REDIRECT_CODES:
                    return _redirect_target(current, response)
                return self._read(url, current, response, kind)
        except requests.ConnectTimeout:
            reason = f"connect timeout: no connection to {key} within {timeout[0]}s"
            raise _Refused("timeout", reason) from None
        except requests.ReadTimeout:
            reason = f"read timeout: no response from {key} within {timeout[1]}s"
            raise _Refused("timeout", reason) from None
        except requests.ConnectionError as exc:
            raise _Refused("connection_error", _one_line(exc)) from None
        except requests.RequestException as exc:
            raise _Refused("invalid", _one_line(exc)) from None

    def _read(
        self, url: str, final_url: str, response: requests.Response, kind: str
    ) -> FetchResult:
        headers = {k.lower(): v for k, v in response.headers.items()}
        status = response.status_code
        if status == 304:
            return FetchResult(url, final_url, "not_modified", status, None, headers)
        if status >= 300:
            retry_after = None
            if status in _RETRY_AFTER_CODES:
                retry_after = _retry_after(headers.get("retry-after"))
            cap = self.config.max_retry_after
            if retry_after is not None and retry_after > cap:
                reason = f"HTTP {status}: Retry-After {retry_after:.0f}s exceeds cap {cap:.0f}s"
                return FetchResult(
                    url, final_url, "deferred", status, reason, headers, retry_after=retry_after
                )
            outcome, reason = "http_error", f"HTTP {status} {response.reason or ''}".strip()
            if kind == "robots" and 400 <= status < 500 and status != 429:
                outcome, reason = "robots_absent", f"{reason}: no rules, everything allowed"
            return FetchResult(
                url, final_url, outcome, status, reason, headers, retry_after=retry_after
            )
        try:
            body = self._read_body(response, headers)
        except _Refused as exc:
            exc.status = status
            raise
        return FetchResult(url, final_url, "ok", status, None, headers, body)

    def _read_body(self, response: requests.Response, headers: dict[str, str]) -> bytes:
        """Stream and decode the body, stopping as soon as either size passes the cap."""
        cap = self.config.max_bytes
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise _Refused("too_large", f"Content-Length {declared} exceeds {cap} bytes")
        decoder = _Decoder(headers.get("content-encoding", ""))
        body = bytearray()
        received = 0
        try:
            for chunk in response.raw.stream(_CHUNK, decode_content=False):
                received += len(chunk)
                if received > cap:
                    raise _Refused("too_large", f"body exceeds {cap} bytes; stopped reading")
                body += decoder.feed(chunk, cap - len(body))
                if len(body) > cap:
                    reason = f"{decoder.name} body inflates past {cap} bytes; stopped decoding"
                    raise _Refused("too_large", reason)
        except (urllib3.exceptions.TimeoutError, TimeoutError):
            reason = (
                f"read timeout: body stalled {self.config.read_timeout}s after {received} bytes"
            )
            raise _Refused("timeout", reason) from None
        except (urllib3.exceptions.ProtocolError, OSError) as exc:
            of = f" of {declared}" if declared else ""
            reason = f"connection broke after {received}{of} bytes: {_one_line(exc)}"
            raise _Refused("truncated", reason) from None
        decoder.finish(received)
        return bytes(body)


def _redirect_target(current: str, response: requests.Response) -> str:
    location = response.headers.get("location", "").strip()
    if not location:
        raise _Refused("bad_redirect", f"HTTP {response.status_code} redirect without Location")
    with contextlib.suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")  # servers send raw UTF-8
    try:
        return urljoin(current, location)
    except ValueError as exc:
        raise _Refused("bad_redirect", f"unparseable Location {location!r}: {exc}") from None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` of delta-seconds or an HTTP-date."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0][:300]}"
