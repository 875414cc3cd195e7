"""RSS and Atom feeds, parsed by feedparser from the raw bytes.

Feeds carry only summaries, so an item becomes a :class:`Candidate` whose page the fetch
stage always downloads. Dates are taken from the item's raw string (see
:mod:`tradewatch.dates`) because feedparser files ``KST``/``JST`` under UTC.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from tradewatch.archive import RawArchive
from tradewatch.dates import parse_datetime
from tradewatch.fetch import HttpClient
from tradewatch.models import Candidate, SourceSpec
from tradewatch.sources.base import Discovery, Window

__all__ = ["discover_feed", "parse_feed"]

logger = logging.getLogger(__name__)

_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]", re.IGNORECASE)
_SAFE_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


def discover_feed(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window
) -> Discovery:
    """Fetch ``spec.url``, archive the snapshot, return its items as candidates.

    ``window`` is ignored: a feed lists what it lists now, whatever the run's interval.
    """
    result = client.get(spec.url, kind="feed", source=spec.name)
    if not result.ok:
        return Discovery(error=f"feed fetch failed: {result.outcome}: {result.reason}")
    digest = hashlib.sha256(result.body).hexdigest()[:12]
    key = f"{_SAFE_KEY.sub('_', spec.name)}-{result.fetched_at:%H%M%S}-{digest}"
    snapshot = archive.write(
        "feeds",
        key,
        result.body,
        {
            "url": spec.url,
            "final_url": result.final_url,
            "status": result.status,
            "headers": result.headers,
            "fetched_at": result.fetched_at.isoformat(),
            "source": spec.name,
        },
        result.fetched_at,
    )
    discovery = parse_feed(result.body, spec.name, content_type=result.content_type)
    discovery.snapshot_path = snapshot
    return discovery


def parse_feed(body: bytes, source: str, *, content_type: str | None = None) -> Discovery:
    """Parse feed bytes; keep whatever parsed and report the rest as warnings."""
    if not _FEED_ROOT.search(body[:4096]):
        return Discovery(error="response is not an RSS/Atom document (no rss/feed root element)")
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers)
    discovery = Discovery()
    if parsed.get("bozo"):
        discovery.warnings.append(f"malformed feed: {_bozo_reason(parsed)}")
    for entry in parsed.entries:
        candidate = _candidate(entry, source)
        if candidate is None:
            discovery.warnings.append(f"item without a link: {entry.get('title', '')[:80]!r}")
            continue
        discovery.candidates.append(candidate)
    if not discovery.candidates and parsed.get("bozo"):
        discovery.error = discovery.warnings[0]
    return discovery


def _candidate(entry: Any, source: str) -> Candidate | None:
    link = entry.get("link") or ""
    if not link.startswith(("http://", "https://")):
        entry_id = entry.get("id") or ""
        link = entry_id if entry_id.startswith(("http://", "https://")) else ""
    if not link:
        return None
    raw_date = entry.get("published") or entry.get("updated")
    published = parse_datetime(raw_date)
    published_at = published.utc if published else _struct_time_utc(entry)
    summary = entry.get("summary")
    return Candidate(
        url=link.strip(),
        source=source,
        title=(entry.get("title") or "").strip() or None,
        summary=_plain_text(summary) if summary else None,
        published_at=published_at,
        published_raw=raw_date,
    )


def _struct_time_utc(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC)


def _plain_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "unknown parse error"
