"""JSON endpoints that list articles (e.g. a broadcaster's news-list API), and JSON Feed.

The sources file maps the endpoint's shape with dotted paths: ``items_path`` to the list,
``url_field``/``title_field``/``date_field``/``summary_field`` inside each item (numeric
segments index lists). Every mapping defaults to its JSON Feed 1.1 name (``items``,
``url``, ``title``, ``date_published``, ``summary``), so a JSON Feed needs no mapping.
Relative links are resolved against ``base_url`` or the endpoint. Dates may be text (read by
:func:`parse_datetime`) or Unix epoch seconds/milliseconds. Dated items outside the run's
window are left out; an unbounded window keeps everything listed, like a feed.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from tradewatch.archive import RawArchive
from tradewatch.dates import ParsedDate, parse_datetime
from tradewatch.fetching import HttpClient
from tradewatch.models import Candidate, SourceSpec
from tradewatch.sources.base import Discovery, Window
from tradewatch.sources.common import failure, fetch_snapshot

__all__ = ["JSON_FEED_MAPPING", "discover_json_feed", "parse_json_feed"]

logger = logging.getLogger(__name__)

JSON_FEED_MAPPING = {
    "items_path": "items",
    "url_field": "url",
    "title_field": "title",
    "date_field": "date_published",
    "summary_field": "summary",
}
_EPOCH_DIGITS = re.compile(r"^\d{9,13}$")
# Epoch values above this are milliseconds (1e11 seconds is the year 5138).
_EPOCH_MS_FLOOR = 10**11
_MISSING = object()


def discover_json_feed(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, window: Window
) -> Discovery:
    """Fetch the endpoint, archive the response, return its items in the window."""
    result, snapshot = fetch_snapshot(spec, client, archive, spec.url)
    if not result.ok:
        return Discovery(error=failure("JSON endpoint", result))
    found = parse_json_feed(
        result.body,
        spec.name,
        base_url=str(spec.options.get("base_url") or result.final_url),
        options=spec.options,
        window=window,
    )
    found.snapshot_path = snapshot
    return found


def parse_json_feed(
    body: bytes,
    source: str,
    *,
    base_url: str,
    options: dict[str, Any] | None = None,
    window: Window | None = None,
) -> Discovery:
    """Items of one JSON document, mapped by ``options`` over the JSON Feed defaults."""
    mapping = {**JSON_FEED_MAPPING, **{k: v for k, v in (options or {}).items() if v}}
    window = window or Window()
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return Discovery(error=f"response is not valid JSON: {exc}")
    items = _lookup(doc, mapping["items_path"])
    if not isinstance(items, list):
        return Discovery(error=f"items_path {mapping['items_path']!r} is not a list here")
    found = Discovery()
    seen: set[str] = set()
    unreadable: list[str] = []
    for index, item in enumerate(items):
        link = _text(_lookup(item, mapping["url_field"]))
        if link is None and "url_field" not in (options or {}):
            link = _text(_lookup(item, "external_url"))
        url = urljoin(base_url, link) if link else ""
        if not url.startswith(("http://", "https://")):
            found.warnings.append(f"item {index} has no usable {mapping['url_field']!r}")
            continue
        raw_date = _lookup(item, mapping["date_field"])
        published = _parse_date(raw_date)
        if published is None and _text(raw_date):
            unreadable.append(str(raw_date))
        when = published.utc if published else None
        if url in seen or not window.contains(when):
            continue
        seen.add(url)
        found.candidates.append(
            Candidate(
                url=url,
                source=source,
                title=_text(_lookup(item, mapping["title_field"])),
                summary=_text(_lookup(item, mapping["summary_field"])),
                published_at=when,
                published_raw=_text(raw_date),
            )
        )
    if unreadable:
        found.warnings.append(
            f"{len(unreadable)} item dates could not be read (e.g. {unreadable[0]!r}); kept undated"
        )
    return found


def _lookup(value: Any, path: str) -> Any:
    """Follow a dotted path through objects and (by numeric segment) lists."""
    for key in path.split("."):
        if isinstance(value, dict):
            value = value.get(key, _MISSING)
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            return _MISSING
    return value


def _text(value: Any) -> str | None:
    """Strings and numbers as trimmed text; anything else (objects, lists, null) is None."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value).strip() or None


def _parse_date(value: Any) -> ParsedDate | None:
    text = _text(value)
    if text is None:
        return None
    if isinstance(value, int | float) or _EPOCH_DIGITS.match(text):
        seconds = float(text)
        seconds = seconds / 1000 if seconds >= _EPOCH_MS_FLOOR else seconds
        try:
            return ParsedDate(utc=datetime.fromtimestamp(seconds, UTC), offset=None)
        except (OverflowError, OSError, ValueError):
            return None
    return parse_datetime(text)
