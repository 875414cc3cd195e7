"""The one HTTP client every source and article fetch goes through.

It exists so that politeness and safety rules live in one place: a real User-Agent with a
contact URL, connect/read timeouts, redirects followed by hand (each hop checked against the
private-network guard and counted), a response size cap enforced while streaming, retries
with exponential backoff, and one :class:`FetchLogEntry` per request, success or not.

Usage::

    client = HttpClient(HttpConfig(), allow_private_network=True)
    result = client.get("http://127.0.0.1:8765/yonhap/feed.xml", kind="feed", source="demo")
    if result.ok:
        print(len(result.body))
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import requests

from tradewatch import __version__
from tradewatch.models import FetchLogEntry

__all__ = ["FetchResult", "HttpClient", "HttpConfig", "is_private_host"]

logger = logging.getLogger(__name__)

USER_AGENT = (
    f"tradewatch/{__version__} (+https://github.com/tradewatch/tradewatch; news monitoring bot)"
)
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_RETRY_CODES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class HttpConfig:
    """Limits for one client; tests shrink the backoff, production keeps the defaults."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 60.0
    user_agent: str = USER_AGENT


@dataclass
class FetchResult:
    """What a GET produced: the body when ``ok``, else the outcome and reason."""

    url: str
    final_url: str
    outcome: str
    status: int | None = None
    reason: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def encoding(self) -> str | None:
        """The charset the server declared, if any."""
        ctype = self.content_type or ""
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ").lower()
        return None


class _Refused(Exception):
    def __init__(self, outcome: str, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason
        self.status = status


def is_private_host(host: str) -> bool:
    """True when ``host`` resolves to a loopback, private, link-local or multicast address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if (
            addr.is_private
            or addr.is_loopback
            or addr.is_link_local
            or addr.is_multicast
            or addr.is_reserved
            or addr.is_unspecified
        ):
            return True
    return False


class HttpClient:
    """A ``requests`` session with tradewatch's rules; collects a fetch log as it goes."""

    def __init__(
        self,
        config: HttpConfig | None = None,
        *,
        allow_private_network: bool = False,
        run_id: str | None = None,
    ) -> None:
        self.config = config or HttpConfig()
        self.allow_private_network = allow_private_network
        self.run_id = run_id
        self.log: list[FetchLogEntry] = []
        self._session = requests.Session()
        self._session.headers["User-Agent"] = self.config.user_agent
        self._session.headers["Accept-Encoding"] = "gzip, deflate"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, kind: str, source: str | None = None) -> FetchResult:
        """GET ``url`` with retries; never raises for network or HTTP trouble."""
        attempt = 0
        while True:
            result = self._get_once(url, kind=kind, source=source)
            retryable = result.outcome in ("timeout", "connection_error") or (
                result.status in _RETRY_CODES
            )
            if not retryable or attempt >= self.config.retries:
                return result
            attempt += 1
            delay = self._retry_delay(result, attempt)
            logger.info("retrying %s in %.1fs (%s)", url, delay, result.reason)
            time.sleep(delay)

    def _retry_delay(self, result: FetchResult, attempt: int) -> float:
        retry_after = result.headers.get("retry-after", "")
        if retry_after.isdigit():
            return min(float(retry_after), self.config.max_retry_after)
        return self.config.backoff * 2 ** (attempt - 1)

    def _get_once(self, url: str, *, kind: str, source: str | None) -> FetchResult:
        started = time.monotonic()
        requested_at = datetime.now(UTC)
        current = url
        result: FetchResult
        try:
            for _hop in range(self.config.max_redirects + 1):
                self._check_url(current)
                response = self._session.get(
                    current,
                    timeout=(self.config.connect_timeout, self.config.read_timeout),
                    allow_redirects=False,
                    stream=True,
                )
                with response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECT_CODES and location:
                        current = urljoin(current, location)
                        continue
                    result = self._read(url, current, response)
                break
            else:
                raise _Refused(
                    "too_many_redirects", f"more than {self.config.max_redirects} redirects"
                )
        except _Refused as exc:
            result = FetchResult(url, current, exc.outcome, exc.status, exc.reason)
        except requests.Timeout as exc:
            result = FetchResult(url, current, "timeout", reason=_one_line(exc))
        except requests.ConnectionError as exc:
            result = FetchResult(url, current, "connection_error", reason=_one_line(exc))
        except requests.RequestException as exc:
            result = FetchResult(url, current, "invalid", reason=_one_line(exc))
        self.log.append(
            FetchLogEntry(
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
        )
        return result

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise _Refused("invalid", f"unsupported scheme {parts.scheme!r}")
        if not parts.hostname:
            raise _Refused("invalid", "URL has no host")
        if not self.allow_private_network and is_private_host(parts.hostname):
            raise _Refused("blocked", f"{parts.hostname} is a private-network address")

    def _read(self, url: str, final_url: str, response: requests.Response) -> FetchResult:
        headers = {k.lower(): v for k, v in response.headers.items()}
        declared = headers.get("content-length", "")
        cap = self.config.max_bytes
        if declared.isdigit() and int(declared) > cap:
            raise _Refused("too_large", f"Content-Length {declared} exceeds {cap} bytes")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > cap:
                raise _Refused("too_large", f"body exceeds {cap} bytes", response.status_code)
            chunks.append(chunk)
        body = b"".join(chunks)
        status = response.status_code
        if status == 304:
            return FetchResult(url, final_url, "not_modified", status, None, headers)
        if status >= 400:
            reason = f"HTTP {status} {response.reason or ''}".strip()
            return FetchResult(url, final_url, "http_error", status, reason, headers, b"")
        return FetchResult(url, final_url, "ok", status, None, headers, body)


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text.splitlines()[0][:300]}"
