"""What the newer source types share: archived fetches and the window in UTC.

Every response a source reads is archived before anything parses it, the same way for
every type, so a parse bug never loses what the server said.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from tradewatch.archive import RawArchive
from tradewatch.dates import as_utc
from tradewatch.fetching import FetchResult, HttpClient
from tradewatch.models import SourceSpec
from tradewatch.sources.base import Window

__all__ = ["failure", "fetch_snapshot", "lookback_window"]

_SAFE_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


def fetch_snapshot(
    spec: SourceSpec, client: HttpClient, archive: RawArchive, url: str
) -> tuple[FetchResult, str | None]:
    """GET ``url`` for ``spec``; archive the body under ``feeds/`` when the fetch succeeded.

    A 304 is archived too, as an empty body with status 304, so a replay of the interval
    knows the source answered "nothing new" rather than nothing. A response replayed from
    the archive is not stored again. Returns the fetch result and the archive path
    (``None`` when nothing was fetched).
    """
    result = client.get(url, kind="feed", source=spec.name)
    if result.archived_path is not None:
        return result, result.archived_path
    if not (result.ok or result.outcome == "not_modified"):
        return result, None
    digest = hashlib.sha256(url.encode() + b"\0" + result.body).hexdigest()[:12]
    key = f"{_SAFE_KEY.sub('_', spec.name)}-{result.fetched_at:%H%M%S}-{digest}"
    meta = result.archive_meta(url, spec.name)
    return result, archive.write("feeds", key, result.body, meta, result.fetched_at)


def failure(what: str, result: FetchResult) -> str:
    """One-line reason for a failed fetch, with the client's outcome and reason."""
    return f"{what} fetch failed: {result.outcome}: {result.reason}"


def lookback_window(window: Window, lookback: timedelta) -> Window:
    """``window`` in UTC with a start: an open start means ``lookback`` before the end (or now).

    For sources that can look back indefinitely, where "unbounded" must not mean "everything".
    """
    end = as_utc(window.end) if window.end else None
    start = as_utc(window.start) if window.start else (end or datetime.now(UTC)) - lookback
    return Window(start.replace(microsecond=0), end)
