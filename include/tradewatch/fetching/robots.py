"""robots.txt as RFC 9309 says, so tradewatch only fetches what outlets allow.

Outlets publish crawl rules per product token; honouring them is what keeps a news monitor
welcome. Rules come from the group naming ``tradewatch`` (else ``*``), the longest
matching ``Allow``/``Disallow`` pattern wins (``Allow`` on a tie), ``*`` matches any run
of characters and a trailing ``$`` anchors the end. A 4xx robots.txt means "no rules"; a
5xx or unreachable one means "stay away" until it can be read. ``Crawl-delay`` and
``Sitemap`` are not in the RFC but are widely published, so they are kept too. This module
only parses and caches; :class:`~tradewatch.fetching.client.HttpClient` does the fetching.

Usage::

    cache = RobotsCache(lambda url, source: client_get(url, source))
    why = cache.rules("https://example.com/a").disallowed_by("https://example.com/a")
"""

from __future__ import annotations

import logging
import re
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from tradewatch.fetching.pg_robots_store import PgRobotsStore
from tradewatch.fetching.results import MAX_ROBOTS_BYTES, FetchResult
from tradewatch.fetching.robots_store import RobotsStore

__all__ = [
    "MAX_ROBOTS_BYTES",
    "PRODUCT_TOKEN",
    "RobotsCache",
    "RobotsRule",
    "RobotsRules",
    "parse_robots",
    "robots_url",
    "rules_from_fetch",
]

logger = logging.getLogger(__name__)

PRODUCT_TOKEN = "tradewatch"

_LINE = re.compile(r"^\s*([A-Za-z_ -]+?)\s*:\s*(.*?)\s*$")
_KEY_NOISE = re.compile(r"[\s_-]")
_TOKEN = re.compile(r"[A-Za-z_-]+")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _normalize(path: str) -> str:
    """Percent-encode what must be, decode what need not be (RFC 9309 §2.2.2)."""
    encoded = quote(path, safe=string.punctuation)

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match[1], 16))
        return char if char in _UNRESERVED else f"%{match[1].upper()}"

    return _PERCENT.sub(fix, encoded)


def _wildcard_match(pattern: str, text: str) -> bool:
    """Whole-string match where ``*`` is any run; linear backtracking, so no regex blowup."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif p < len(pattern) and pattern[p] == text[t]:
            p += 1
            t += 1
        elif star >= 0:
            mark += 1
            p, t = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


@dataclass(frozen=True)
class RobotsRule:
    """One ``Allow``/``Disallow`` line; ``line`` is how it was written, for reasons."""

    allow: bool
    pattern: str
    line: str

    def matches(self, path: str) -> bool:
        """Does this rule cover ``path`` (normalized path plus ``?query``)?"""
        if self.pattern.endswith("$"):
            return _wildcard_match(self.pattern[:-1], path)
        return _wildcard_match(self.pattern + "*", path)


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one robots.txt that apply to tradewatch.

    ``unavailable`` is set when the file could not be read (5xx, timeout, ...): then every
    path is disallowed and the text says why.
    """

    url: str
    rules: tuple[RobotsRule, ...] = ()
    group: str | None = None
    crawl_delay: float | None = None
    sitemaps: tuple[str, ...] = ()
    unavailable: str | None = None

    def disallowed_by(self, url: str) -> str | None:
        """``None`` when ``url`` may be fetched, else a one-line reason naming the rule."""
        parts = urlsplit(url)
        path = _normalize((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if path == "/robots.txt":
            return None
        if self.unavailable:
            return f"{self.url} {self.unavailable}: every path treated as disallowed"
        best: RobotsRule | None = None
        for rule in self.rules:
            if not rule.matches(path):
                continue
            longer = best is None or len(rule.pattern) > len(best.pattern)
            if longer or (len(rule.pattern) == len(best.pattern) and rule.allow):
                best = rule
        if best is None or best.allow:
            return None
        return f"{self.url} rule {best.line!r} (user-agent {self.group}) disallows {path}"

    def allowed(self, url: str) -> bool:
        return self.disallowed_by(url) is None


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[RobotsRule] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)
    closed: bool = False  # a rule line ends the run of User-agent lines


def _agent_token(value: str) -> str:
    if value.startswith("*"):
        return "*"
    match = _TOKEN.match(value)
    return match[0].lower() if match else ""


def parse_robots(text: str, *, url: str = "", agent: str = PRODUCT_TOKEN) -> RobotsRules:
    """Parse robots.txt ``text`` into the rules for product token ``agent``."""
    groups: list[_Group] = []
    sitemaps: list[str] = []
    current: _Group | None = None
    for raw in text.lstrip("\ufeff").splitlines():
        match = _LINE.match(raw.split("#", 1)[0])
        if not match:
            continue
        key, value = _KEY_NOISE.sub("", match[1].lower()), match[2]
        if key == "sitemap":
            if value:
                sitemaps.append(value)
        elif key == "useragent":
            if current is None or current.closed:
                current = _Group()
                groups.append(current)
            current.agents.append(_agent_token(value))
        elif current is not None and key in ("allow", "disallow"):
            current.closed = True
            if value:
                pattern = _normalize(value if value.startswith(("/", "*")) else f"/{value}")
                label = "Allow" if key == "allow" else "Disallow"
                current.rules.append(RobotsRule(key == "allow", pattern, f"{label}: {value}"))
        elif current is not None and key == "crawldelay":
            current.closed = True
            try:
                current.delays.append(max(0.0, float(value)))
            except ValueError:
                logger.debug("ignoring Crawl-delay %r in %s", value, url)
    token = agent.lower()
    matched = [g for g in groups if token in g.agents]
    if not matched:
        token = "*"
        matched = [g for g in groups if "*" in g.agents]
    delays = [d for g in matched for d in g.delays]
    return RobotsRules(
        url=url,
        rules=tuple(rule for g in matched for rule in g.rules),
        group=token if matched else None,
        crawl_delay=max(delays) if delays else None,
        sitemaps=tuple(sitemaps),
    )


def robots_url(url: str) -> str:
    """The robots.txt governing ``url``: same scheme, host and port (RFC 9309 §2.3)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return f"{scheme}://{netloc}/robots.txt"


def rules_from_fetch(url: str, result: FetchResult, *, agent: str = PRODUCT_TOKEN) -> RobotsRules:
    """Rules from a robots.txt fetch: parsed on 2xx, none on 4xx, disallow-all otherwise.

    429 counts as "unreachable", not "no rules": the site is asking us to slow down.
    """
    if result.ok:
        text = result.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        return parse_robots(text, url=url, agent=agent)
    status = result.status
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(url=url)
    why = f"HTTP {status}" if status is not None else result.outcome
    return RobotsRules(url=url, unavailable=f"unreachable ({why}: {result.reason})")


class RobotsCache:
    """robots.txt rules per scheme+host+port, fetched once and kept for ``ttl`` seconds.

    ``fetch(robots_url, source)`` does the HTTP; the cache only decides when. A fetch the
    client deferred (the host asked for a long pause) is not cached, so the real file is
    read once the pause is over. Thread-safe: callers for one origin wait for one fetch.
    With a ``store`` the readable answers are shared with every other process using it.
    """

    def __init__(
        self,
        fetch: Callable[[str, str | None], FetchResult],
        *,
        ttl: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
        agent: str = PRODUCT_TOKEN,
        store: RobotsStore | PgRobotsStore | None = None,
    ) -> None:
        self._fetch = fetch
        self._store = store
        self.ttl = ttl
        self._clock = clock
        self._agent = agent
        self._entries: dict[str, tuple[float, RobotsRules]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules(self, url: str, *, source: str | None = None) -> RobotsRules:
        """The rules governing ``url``, fetching robots.txt when not cached or stale."""
        origin = robots_url(url)
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:
            entry = self._entries.get(origin)
            if entry is not None and entry[0] > self._clock():
                return entry[1]
            if self._store is None:
                result, age = self._fetch(origin, source), 0.0
            else:
                result, age = self._store.fetch_through(origin, lambda: self._fetch(origin, source))
            rules = rules_from_fetch(origin, result, agent=self._agent)
            if result.outcome != "deferred":
                self._entries[origin] = (self._clock() + self.ttl - age, rules)
            return rules
