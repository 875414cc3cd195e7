"""Section pages without feeds (ministry press-release lists), read with CSS selectors.

The sources file names the selectors: ``item_selector`` finds one element per release,
``link_selector`` (default ``a``) its link inside it, ``title_selector`` its title (default:
the link's text), ``date_selector`` its date (a ``datetime`` attribute wins over the text),
read with ``date_format`` (``strptime``) when given, else :func:`parse_datetime`. Links are
resolved against the page URL (or its ``<base href>``). Dated items outside the run's window
are left out; an unbounded window keeps everything listed, like a feed. A selector that
matches nothing is an error, because it usually means the page was redesigned.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from tradewatch.archive import RawArchive
from tradewatch.dates import ParsedDate, parse_datetime
from tradewatch.fetching import HttpClient
from tradewatch.models import Candidate, SourceSpec
from tradewatch.sources.base import Discovery, Window
from tradewatch.sources.common import failure, fetch_snapshot

if TYPE_CHECKING:
    from bs4 import Tag

__all__ = ["discover_listing", "parse_listing"]

logger = logging.getLogger(__name__)


def discover_listing(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window
) -> Discovery:
    """Fetch the listing page, archive it, return its items in the window."""
    result, snapshot = fetch_snapshot(spec, client, archive, spec.url)
    if not result.ok:
        return Discovery(error=failure("listing page", result))
    found = parse_listing(
        result.body,
        spec.name,
        page_url=result.final_url,
        options=spec.options,
        window=window,
        encoding=result.encoding,
    )
    found.snapshot_path = snapshot
    return found


def parse_listing(
    body: bytes,
    source: str,
    *,
    page_url: str,
    options: dict[str, Any],
    window: Window | None = None,
    encoding: str | None = None,
) -> Discovery:
    """Items of one listing page, selected by ``options`` (validated by the config)."""
    from bs4 import BeautifulSoup, Tag  # heavy; a run that polls only feeds never needs it

    window = window or Window()
    soup = BeautifulSoup(body, "lxml", from_encoding=encoding)
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, str(base["href"])) if isinstance(base, Tag) else page_url
    items = soup.select(str(options["item_selector"]))
    if not items:
        return Discovery(error=f"item_selector {options['item_selector']!r} matched nothing")
    link_selector = str(options.get("link_selector") or "a")
    found = Discovery()
    seen: set[str] = set()
    unreadable: list[str] = []
    for item in items:
        anchor = item.select_one(link_selector) or (item if item.name == "a" else None)
        link = _absolute(anchor, base_url)
        if anchor is None or link is None:
            found.warnings.append(f"item without a usable link: {_snippet(item)!r}")
            continue
        raw_date = _date_text(item, options.get("date_selector"))
        published = _parse_date(raw_date, options.get("date_format"))
        if raw_date and published is None:
            unreadable.append(raw_date)
        when = published.utc if published else None
        if link in seen or not window.contains(when):
            continue
        seen.add(link)
        titled = _select(item, options.get("title_selector"))
        found.candidates.append(
            Candidate(
                url=link,
                source=source,
                title=(titled or anchor).get_text(" ", strip=True) or None,
                published_at=when,
                published_raw=raw_date,
            )
        )
    if unreadable:
        found.warnings.append(
            f"{len(unreadable)} item dates could not be read (e.g. {unreadable[0]!r}); kept undated"
        )
    return found


def _absolute(anchor: Tag | None, base_url: str) -> str | None:
    """The anchor's href resolved against the page, without its fragment; None if unusable."""
    href = str(anchor.get("href") or "").strip() if anchor is not None else ""
    url = urljoin(base_url, href).split("#")[0] if href else ""
    return url if url.startswith(("http://", "https://")) else None


def _select(item: Tag, selector: object) -> Tag | None:
    """The first match of an optional selector inside ``item``."""
    return item.select_one(str(selector)) if selector else None


def _date_text(item: Tag, selector: object) -> str | None:
    element = _select(item, selector)
    if element is None:
        return None
    text = str(element.get("datetime") or "") or element.get_text(" ", strip=True)
    return text.strip() or None


def _parse_date(raw: str | None, date_format: object) -> ParsedDate | None:
    if not raw:
        return None
    if not date_format:
        return parse_datetime(raw)
    try:
        return parse_datetime(datetime.strptime(raw, str(date_format)).isoformat())
    except ValueError:
        return None


def _snippet(item: Tag) -> str:
    return item.get_text(" ", strip=True)[:80]
