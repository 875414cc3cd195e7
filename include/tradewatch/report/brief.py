"""Write the daily brief: read the views of a read-only database, draw, render, publish.

The brief reads the analysts' snapshot (``<db>_read.duckdb``), never the loader's file, so
writing it can neither wait for nor block a load. Which day: ``day`` if given, else the
latest UTC day with a relevant article on or before ``not_after`` (default today), so a
brief is about the freshest news there is; a day with nothing gives a page that says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tradewatch.report.charts import entity_bars_svg, topic_trend_svg
from tradewatch.report.facts import (
    NEEDS_MIGRATION,
    Period,
    latest_news_day,
    read_facts,
    schema_version,
)
from tradewatch.report.files import brief_days, brief_path, refresh_latest, write_atomic
from tradewatch.report.render import render_brief
from tradewatch.store.db import StoreError, connect

__all__ = ["DEFAULT_DAYS", "BriefResult", "write_brief", "write_briefs_after_loads"]

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class BriefResult:
    day: date
    path: Path
    latest: Path
    seconds: float


def write_brief(
    db_path: Path,
    out_dir: Path,
    *,
    day: date | None = None,
    days: int = DEFAULT_DAYS,
    not_after: date | None = None,
) -> BriefResult:
    """Write ``<out_dir>/<day>.html`` and refresh ``latest.html``; raises StoreError when
    the database is missing or older than the reporting views."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    started = time.perf_counter()
    con = connect(db_path, read_only=True)
    try:
        version = schema_version(con)
        if version < NEEDS_MIGRATION:
            raise StoreError(
                f"{db_path} was written before migration {NEEDS_MIGRATION:03d} (it has "
                f"{version:03d}), which the brief reads; the next load (or `tradewatch "
                "ingest`) brings it up to date"
            )
        limit = not_after or datetime.now(UTC).date()
        day = day or latest_news_day(con, limit) or limit
        facts = read_facts(con, Period(day, days))
    finally:
        con.close()
    queried = time.perf_counter()
    charts = {
        "topics": topic_trend_svg(facts.topic_days, facts.topics, facts.period),
        "materials": entity_bars_svg(facts.materials, "Materials"),
        "organisations": entity_bars_svg(facts.organisations, "Companies and organisations"),
    }
    drawn = time.perf_counter()
    target = brief_path(out_dir, day)
    listed = sorted({*brief_days(out_dir), day}, reverse=True)
    html = render_brief(
        facts,
        charts=charts,
        days=listed,
        built_at=datetime.now(UTC),
        database=Path(db_path).name,
    )
    write_atomic(target, html)
    latest = refresh_latest(out_dir)
    assert latest is not None  # the brief just written is there
    seconds = time.perf_counter() - started
    logger.info(
        "brief for %s written to %s in %.2f s (queries %.2f s, charts %.2f s, page %.2f s)",
        day,
        target,
        seconds,
        queried - started,
        drawn - queried,
        seconds - (drawn - started),
    )
    return BriefResult(day=day, path=target, latest=latest, seconds=seconds)


def write_briefs_after_loads(
    db_path: Path, out_dir: Path, interval_ends: Iterable[str | None], *, days: int = DEFAULT_DAYS
) -> list[BriefResult]:
    """The briefs a batch of loads calls for: one per distinct limit day, oldest first.

    A load of a data interval (a scheduled run, a backfill) ending at ``interval_end`` (ISO
    instant) gets the brief of the latest news day up to the interval's last day, so a
    backfilled week refreshes its own days; a load without one (manual, CLI, reprocess)
    gets the latest news up to today.
    """
    today = datetime.now(UTC).date()
    limits = {_last_day(end) if end else today for end in interval_ends} or {today}
    ordered = sorted(limits)
    return [write_brief(db_path, out_dir, days=days, not_after=limit) for limit in ordered]


def _last_day(interval_end: str) -> date:
    """The UTC day of the last instant before ``interval_end`` (exclusive)."""
    end = datetime.fromisoformat(interval_end)
    end = end.replace(tzinfo=UTC) if end.tzinfo is None else end.astimezone(UTC)
    return (end - timedelta(microseconds=1)).date()
