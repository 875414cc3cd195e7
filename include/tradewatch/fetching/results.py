"""What every fetch shares: the client's limits, its outcomes and what a GET produced.

The client, the robots.txt cache, the per-host throttle and the parallel fetcher all speak
in these types, so they live here, below all of them: :class:`HttpConfig` (limits, gaps,
timeouts), :data:`OUTCOMES` (the vocabulary of ``FetchResult.outcome`` and of the
``fetch_log.outcome`` column) and :class:`FetchResult` (a response, or why there is none).

Usage::

    config = dataclasses.replace(HttpConfig(), min_host_gap=0.5)
    result = FetchResult.from_archive(meta, body)
    if result.ok:
        print(result.encoding, len(result.body))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tradewatch import __version__

__all__ = ["MAX_ROBOTS_BYTES", "OUTCOMES", "USER_AGENT", "FetchResult", "HttpConfig"]

USER_AGENT = (
    f"tradewatch/{__version__} (+https://github.com/tradewatch/tradewatch; news monitoring bot)"
)

MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 §2.5: parse at least the first 500 KiB

#: Every outcome :meth:`HttpClient.get` can log, with what it means.
OUTCOMES: dict[str, str] = {
    "ok": "2xx; the whole body arrived within the size cap",
    "not_modified": "304 to a conditional GET: unchanged since the sent ETag/Last-Modified",
    "http_error": "4xx, 5xx or unexpected 3xx (5xx and 429 only after retries); reason has it",
    "deferred": "Retry-After (429/503) longer than max_retry_after; retry_after says when",
    "robots_disallowed": "robots.txt forbids this URL or a redirect hop; reason names the rule",
    "robots_absent": "robots.txt answered 4xx: the host has no rules, everything allowed",
    "timeout": "connect timeout or read timeout (reason says which); retried",
    "connection_error": "refused, reset or DNS failure before a response arrived; retried",
    "truncated": "body cut short: connection broke mid-body or compressed stream unfinished",
    "bad_encoding": "compressed body that cannot be decoded, or an unsupported encoding",
    "too_large": "body over max_bytes (decompressed); reading stopped, nothing kept",
    "redirect_loop": "a redirect pointed back to a URL already in the chain",
    "too_many_redirects": "more than max_redirects redirects",
    "bad_redirect": "redirect without usable Location, or to a non-http(s) scheme",
    "blocked": "the URL or a redirect hop is on a private network and that is not allowed",
    "invalid": "the URL itself is unusable: bad scheme, no host, bad port or syntax",
    "internal_error": "a bug in tradewatch while fetching; traceback in the task log",
    "no_history": "replaying an interval whose archive lacks this URL, and the source cannot "
    "look back (see tradewatch.history)",
}


@dataclass(frozen=True)
class HttpConfig:
    """Limits for one client; tests shrink gaps and backoff, production keeps the defaults.

    ``min_host_gap``: seconds between the end of one request to a host and the start of
    the next (a robots.txt ``Crawl-delay`` raises it, up to ``max_crawl_delay``).
    ``max_retry_after``: longest ``Retry-After`` we wait for; longer ones are ``deferred``.
    ``robots_ttl``: how long a robots.txt is trusted (RFC 9309 §2.4: at most 24 h).
    """

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 60.0
    user_agent: str = USER_AGENT
    min_host_gap: float = 3.0
    obey_robots: bool = True
    robots_ttl: float = 24 * 3600.0
    max_crawl_delay: float = 60.0


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
    retry_after: float | None = None
    archived_path: str | None = None

    def archive_meta(self, url: str, source: str) -> dict[str, Any]:
        """The HTTP facts the raw archive keeps beside a body, so it can be replayed."""
        return {
            "url": url,
            "final_url": self.final_url,
            "status": self.status,
            "headers": self.headers,
            "fetched_at": self.fetched_at.isoformat(),
            "source": source,
        }

    @classmethod
    def from_archive(
        cls, meta: dict[str, Any], body: bytes = b"", path: str | None = None
    ) -> FetchResult:
        """The response :meth:`archive_meta` described, read back from the raw archive."""
        status = meta.get("status")
        return cls(
            url=meta["url"],
            final_url=meta.get("final_url") or meta["url"],
            outcome="not_modified" if status == 304 else "ok",
            status=status,
            headers=meta.get("headers") or {},
            body=body,
            fetched_at=datetime.fromisoformat(meta["fetched_at"]),
            archived_path=path,
        )

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        """Validator to send back as ``etag=`` next time."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """Validator to send back as ``last_modified=`` next time."""
        return self.headers.get("last-modified")

    @property
    def encoding(self) -> str | None:
        """The charset the server declared, if any."""
        ctype = self.content_type or ""
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ").lower()
        return None
