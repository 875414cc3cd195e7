"""XML sitemaps: news sitemaps, plain ``<urlset>`` sitemaps and sitemap indexes.

Outlets without usable feeds still publish sitemaps for search engines, and those can look
back, so entries are bounded to the run's window by ``news:publication_date`` (else
``lastmod``); an unbounded window means the last 48 hours. Index children whose
``lastmod`` predates the window are skipped (nothing in them can be newer); the rest are
read newest first, at most ``max_sitemaps`` documents and ``max_depth`` index levels, and
whatever those limits leave unread is reported as a warning. With ``from_robots`` the
``Sitemap:`` lines of the site's robots.txt are the starting points. Undated entries are
kept (a warning counts them). XML is parsed by lxml without entities, DTDs or network.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

from lxml import etree

from tradewatch.archive import RawArchive
from tradewatch.dates import ParsedDate, parse_datetime
from tradewatch.fetching import HttpClient
from tradewatch.models import Candidate, SourceSpec
from tradewatch.sources.base import Discovery, Window
from tradewatch.sources.common import failure, fetch_snapshot, lookback_window

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SITEMAPS",
    "UNBOUNDED_LOOKBACK",
    "Sitemap",
    "SitemapEntry",
    "discover_sitemap",
    "parse_sitemap",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_DEPTH = 3
DEFAULT_MAX_SITEMAPS = 50
UNBOUNDED_LOOKBACK = timedelta(hours=48)
# The sitemap protocol caps a sitemap at 50 MB uncompressed; more is a gzip bomb or junk.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_HTML_START = re.compile(rb"\s*(?:<!doctype\s+html|<html)", re.IGNORECASE)


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` or ``<sitemap>`` element."""

    loc: str
    date: ParsedDate | None = None
    raw_date: str | None = None
    title: str | None = None


@dataclass
class Sitemap:
    """A parsed document: ``urlset`` entries are articles, ``sitemapindex`` ones sitemaps."""

    kind: str
    entries: list[SitemapEntry] = field(default_factory=list)
    warning: str | None = None


def discover_sitemap(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window
) -> Discovery:
    """Walk the sitemap (or robots.txt's sitemaps) and return the entries in the window."""
    crawl = _Crawl(
        spec=spec,
        client=client,
        archive=archive,
        window=lookback_window(window, UNBOUNDED_LOOKBACK),
        max_depth=int(spec.options.get("max_depth", DEFAULT_MAX_DEPTH)),
        max_sitemaps=int(spec.options.get("max_sitemaps", DEFAULT_MAX_SITEMAPS)),
    )
    if spec.options.get("from_robots"):
        roots = crawl.robots_sitemaps()
        if roots is None:
            return crawl.finish()
    else:
        roots = [spec.url]
    crawl.walk(roots)
    return crawl.finish()


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse sitemap XML (gzip'd or not); raise ``ValueError`` when it is not a sitemap.

    A malformed document is recovered as far as lxml can and flagged in ``warning``.
    """
    xml = _gunzip(body)
    if _HTML_START.match(xml):
        raise ValueError("not a sitemap (an HTML page)")
    warning = None
    try:
        root = etree.fromstring(xml, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        root = etree.fromstring(xml, _parser(recover=True)) if xml.strip() else None
        if root is None:
            raise ValueError(f"not valid XML: {_first_line(str(exc))}") from None
        warning = f"malformed sitemap XML, kept what parsed: {_first_line(str(exc))}"
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element <{kind}>)")
    child = "url" if kind == "urlset" else "sitemap"
    entries = [_entry(el) for el in _children(root, child)]
    return Sitemap(kind, [e for e in entries if e is not None], warning)


@dataclass
class _Crawl:
    """One poll's walk over sitemap documents, with its limits and what went wrong."""

    spec: SourceSpec
    client: HttpClient
    archive: RawArchive
    window: Window
    max_depth: int
    max_sitemaps: int
    found: Discovery = field(default_factory=Discovery)
    failures: list[str] = field(default_factory=list)
    read: int = 0
    undated: int = 0
    _seen: set[str] = field(default_factory=set)

    def robots_sitemaps(self) -> list[str] | None:
        """The ``Sitemap:`` URLs of the site's robots.txt; None (with the error) if none.

        The client reads robots.txt anyway to obey it, so its cached copy is used.
        """
        rules = self.client.robots_rules(self.spec.url, source=self.spec.name)
        if rules.unavailable:
            self.failures.append(f"robots.txt fetch failed: {rules.url} {rules.unavailable}")
            return None
        if not rules.sitemaps:
            self.failures.append(f"{rules.url} announces no Sitemap: lines")
            return None
        return [urljoin(rules.url, url) for url in rules.sitemaps]

    def walk(self, roots: list[str]) -> None:
        pending = deque((url, 0) for url in roots)
        visited: set[str] = set()
        while pending:
            url, depth = pending.popleft()
            if url in visited:
                continue
            if len(visited) >= self.max_sitemaps:
                unread = len({u for u, _ in pending} - visited) + 1
                self.found.warnings.append(
                    f"stopped after max_sitemaps={self.max_sitemaps}; {unread} sitemaps unread"
                )
                return
            visited.add(url)
            sitemap = self._read(url)
            if sitemap is None:
                continue
            if sitemap.kind == "urlset":
                self._keep(sitemap.entries)
            elif depth >= self.max_depth:
                self.found.warnings.append(
                    f"sitemap index {url} is deeper than max_depth={self.max_depth}; not read"
                )
            else:
                pending.extend((loc, depth + 1) for loc in self._children_to_read(sitemap))

    def finish(self) -> Discovery:
        if self.failures and not self.read:
            self.found.error = self.failures[0]
            self.found.warnings.extend(self.failures[1:])
        else:
            self.found.warnings.extend(self.failures)
        if self.undated:
            self.found.warnings.append(
                f"{self.undated} sitemap entries have no date; kept regardless of the window"
            )
        return self.found

    def _read(self, url: str) -> Sitemap | None:
        result, snapshot = fetch_snapshot(self.spec, self.client, self.archive, url)
        if not result.ok:
            self.failures.append(f"{failure('sitemap', result)} ({url})")
            return None
        self.found.snapshot_path = self.found.snapshot_path or snapshot
        try:
            sitemap = parse_sitemap(result.body)
        except ValueError as exc:
            self.failures.append(f"sitemap {url}: {exc}")
            return None
        self.read += 1
        if sitemap.warning:
            self.found.warnings.append(f"{url}: {sitemap.warning}")
        return sitemap

    def _children_to_read(self, index: Sitemap) -> list[str]:
        """Child sitemaps that can hold entries in the window, newest first."""
        start = self.window.start
        fresh = [e for e in index.entries if not (e.date and start and e.date.utc < start)]
        skipped = len(index.entries) - len(fresh)
        if skipped:
            logger.debug("%s: %d child sitemaps predate the window", self.spec.name, skipped)
        oldest = datetime.min.replace(tzinfo=UTC)
        fresh.sort(key=lambda e: e.date.utc if e.date else oldest, reverse=True)
        return [e.loc for e in fresh]

    def _keep(self, entries: list[SitemapEntry]) -> None:
        for entry in entries:
            published = entry.date.utc if entry.date else None
            if entry.loc in self._seen or not self.window.contains(published):
                continue
            self._seen.add(entry.loc)
            self.undated += published is None
            self.found.candidates.append(
                Candidate(
                    url=entry.loc,
                    source=self.spec.name,
                    title=entry.title,
                    published_at=published,
                    published_raw=entry.raw_date,
                )
            )


def _parser(*, recover: bool) -> etree.XMLParser:
    """A parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=recover)


def _gunzip(body: bytes) -> bytes:
    """Undo a ``.xml.gz`` body (served as a file, not as Content-Encoding), size-capped."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        xml = inflater.decompress(body, MAX_UNCOMPRESSED + 1)
    except zlib.error as exc:
        raise ValueError(f"corrupt gzip data: {exc}") from None
    if len(xml) > MAX_UNCOMPRESSED:
        raise ValueError(f"gzip'd sitemap exceeds {MAX_UNCOMPRESSED} bytes uncompressed")
    return xml


def _entry(element: etree._Element) -> SitemapEntry | None:
    loc = _text(element, "loc")
    if not loc or not loc.startswith(("http://", "https://")):
        return None
    news = next(_children(element, "news"), None)
    raw_date = (_text(news, "publication_date") if news is not None else None) or _text(
        element, "lastmod"
    )
    title = _text(news, "title") if news is not None else None
    return SitemapEntry(loc=loc, date=parse_datetime(raw_date), raw_date=raw_date, title=title)


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Children named ``name`` in any namespace (outlets get the namespace URI wrong)."""
    return (
        child
        for child in element
        if isinstance(child.tag, str) and etree.QName(child).localname == name
    )


def _text(element: etree._Element, name: str) -> str | None:
    child = next(_children(element, name), None)
    text = (child.text or "").strip() if child is not None else ""
    return text or None


def _first_line(text: str) -> str:
    return text.splitlines()[0][:200] if text else "unknown error"
