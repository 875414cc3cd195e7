"""What a run reads for its interval: the live source, the interval's archive, or nothing.

Airflow re-runs intervals (retries, clears, backfills). For each run to produce the rows a
scheduled run of that interval produced, a source is polled by these rules:

1. The interval's archive has responses from this source (an earlier run of the same
   interval polled it): **replay** them. No request for them goes out, so the run sees
   what the first run saw, even if the live feed has moved on or is down. Sources that
   can look back fill any gap (a GDELT slice the first run never reached) live.
2. Otherwise a source that can look back (:data:`LOOKBACK_TYPES`: GDELT, sitemaps) is
   polled **live**, bounded to the interval.
3. Otherwise (RSS, Atom, listings, JSON endpoints only list what is current) it is polled
   live when the interval is current: unbounded, or ended less than
   ``TRADEWATCH_LIVE_GRACE_HOURS`` (24) ago.
4. Otherwise there is **no history**: the poll is logged with outcome ``no_history`` and
   yields nothing. That is an answer, not a failure: the feed cannot say what it listed
   then.

The archive's *scope* decides which earlier runs count as "the same interval": scheduled
runs, backfills and CLI runs with a window share their interval's scope; a manual Airflow
trigger or a CLI run without a window ("look now") gets a scope of its own, so it never
changes what a backfill of the interval replays, while its own retries still replay it.

Pages follow the same scope: the fetch stage reuses a page this scope already archived
instead of downloading it again (a retried or resumed run, a backfill into a new DB).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tradewatch.archive import RawArchive
from tradewatch.dates import as_utc
from tradewatch.fetching import FetchResult, HttpClient
from tradewatch.models import SourceSpec

__all__ = [
    "LOOKBACK_TYPES",
    "PollPlan",
    "ReplayClient",
    "archive_scope",
    "live_grace",
    "plan_poll",
]

#: Source types that can be asked about any past window.
LOOKBACK_TYPES = frozenset({"gdelt", "sitemap"})
#: Triggers meaning "look now" rather than "produce this interval".
LOOK_NOW_TRIGGERS = frozenset({"manual"})
_DEFAULT_GRACE_HOURS = 24.0


def live_grace() -> timedelta:
    """How long after its end an interval still counts as current for live-only sources."""
    raw = os.environ.get("TRADEWATCH_LIVE_GRACE_HOURS") or _DEFAULT_GRACE_HOURS
    try:
        hours = float(raw)
    except ValueError:
        message = f"TRADEWATCH_LIVE_GRACE_HOURS must be a number of hours: {raw!r}"
        raise ValueError(message) from None
    return timedelta(hours=max(0.0, hours))


def archive_scope(run_id: str, start: datetime | None, end: datetime | None, trigger: str) -> str:
    """The archive scope of a run: its interval, or the run itself (see the module doc)."""
    if start is None or end is None or trigger in LOOK_NOW_TRIGGERS:
        return f"run_{run_id}"
    return f"{_stamp(start)}_{_stamp(end)}"


@dataclass(frozen=True)
class PollPlan:
    """How one source is polled in this run, and why (the reason goes to ``fetch_log``)."""

    mode: str  # "live", "replay" or "no_history"
    reason: str | None = None
    snapshots: dict[str, str] = field(default_factory=dict)
    fill_live: bool = False  # replay: fetch URLs missing from the snapshots live


def plan_poll(
    spec: SourceSpec,
    archive: RawArchive,
    start: datetime | None,
    end: datetime | None,
    *,
    force: bool = False,
    now: datetime | None = None,
) -> PollPlan:
    """Decide how to poll ``spec`` for the interval ``start``..``end`` (module doc rules).

    ``force`` (force_refetch) ignores the archive but never polls a live-only source for a
    past interval: its answer would be today's items filed under that day.
    """
    if not force:
        snapshots: dict[str, str] = {}
        for entry in archive.scoped("feeds"):
            if entry.source == spec.name:
                snapshots[entry.url] = entry.path  # the newest response per URL wins
        if snapshots:
            reason = f"{len(snapshots)} archived response(s) of this interval"
            return PollPlan("replay", reason, snapshots, fill_live=spec.type in LOOKBACK_TYPES)
    if spec.type in LOOKBACK_TYPES or start is None or end is None:
        return PollPlan("live")
    moment = now or datetime.now(UTC)
    if moment < as_utc(end) + live_grace():
        return PollPlan("live")
    return PollPlan(
        "no_history",
        f"no archived poll of this {spec.type} source for {_stamp(start)}..{_stamp(end)}, "
        f"and it only lists current items",
    )


class ReplayClient(HttpClient):
    """An :class:`HttpClient` that answers from archived responses first.

    URLs in ``snapshots`` (url -> archive path) come back as they were archived (a 304
    stays a 304) with ``archived_path`` set, so they are not archived again. Other URLs go
    to the network when ``live`` is true, else end as ``no_history``.
    """

    def __init__(
        self, archive: RawArchive, snapshots: dict[str, str], *, live: bool, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.archive = archive
        self.snapshots = dict(snapshots)
        self.live = live
        self.replayed = 0

    def _get(
        self, url: str, kind: str, source: str | None, validators: dict[str, str], *, robots: bool
    ) -> FetchResult:
        path = self.snapshots.get(url)
        if path is not None:
            self.replayed += 1
            return _replayed(self.archive, path)
        if self.live:
            return super()._get(url, kind, source, validators, robots=robots)
        return FetchResult(
            url=url,
            final_url=url,
            outcome="no_history",
            reason="not in this interval's archive; the source cannot look back",
        )


def _replayed(archive: RawArchive, path: str) -> FetchResult:
    item = archive.read(path)
    return FetchResult.from_archive(item.meta, item.body, path)


def _stamp(when: datetime) -> str:
    return as_utc(when).strftime("%Y%m%dT%H%MZ")
