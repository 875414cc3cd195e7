"""How each source is polled for an interval: live, replayed from the archive, or no history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pendulum
import pytest

from tradewatch.archive import RawArchive
from tradewatch.history import ReplayClient, archive_scope, live_grace, plan_poll
from tradewatch.models import SourceSpec
from tradewatch.pipeline import RunContext

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
RSS = SourceSpec(name="yonhap", type="rss", url="https://en.wire-seoul.example/rss.xml")
GDELT = SourceSpec(name="gdelt", type="gdelt", url="https://api.gdelt.example/doc")


def day(offset: int) -> tuple[datetime, datetime]:
    start = datetime(2026, 11, 27, tzinfo=UTC) + timedelta(days=offset)
    return start, start + timedelta(days=1)


def scoped(tmp_path: Path, start: datetime, end: datetime, trigger="scheduled") -> RawArchive:
    return RawArchive(tmp_path, scope=archive_scope("run-1", start, end, trigger))


def test_current_interval_polls_live_and_a_past_one_has_no_history(tmp_path: Path) -> None:
    start, end = day(-1)
    assert plan_poll(RSS, scoped(tmp_path, start, end), start, end, now=NOW).mode == "live"
    old_start, old_end = day(-3)
    plan = plan_poll(RSS, scoped(tmp_path, old_start, old_end), old_start, old_end, now=NOW)
    assert plan.mode == "no_history"
    assert "20261124T0000Z..20261125T0000Z" in (plan.reason or "")
    gdelt = plan_poll(GDELT, scoped(tmp_path, old_start, old_end), old_start, old_end, now=NOW)
    assert gdelt.mode == "live"
    assert plan_poll(RSS, RawArchive(tmp_path, scope="run_x"), None, None, now=NOW).mode == "live"


def test_grace_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start, end = day(-3)
    monkeypatch.setenv("TRADEWATCH_LIVE_GRACE_HOURS", "72")
    assert live_grace() == timedelta(hours=72)
    assert plan_poll(RSS, scoped(tmp_path, start, end), start, end, now=NOW).mode == "live"
    monkeypatch.setenv("TRADEWATCH_LIVE_GRACE_HOURS", "a day")
    with pytest.raises(ValueError, match="TRADEWATCH_LIVE_GRACE_HOURS"):
        live_grace()


def test_archived_responses_of_the_same_scope_are_replayed(tmp_path: Path) -> None:
    start, end = day(-5)
    archive = scoped(tmp_path, start, end)
    meta = {"url": RSS.url, "final_url": RSS.url, "status": 200, "source": "yonhap"}
    meta["headers"] = {"content-type": "application/rss+xml"}
    meta["fetched_at"] = end.isoformat()
    path = archive.write("feeds", "yonhap-1", b"<rss/>", meta, end)
    other = {**meta, "source": "herald", "url": "https://herald.example/rss"}
    archive.write("feeds", "herald-1", b"<rss/>", other, end)

    assert archive.read(path).meta["scope"] == "20261122T0000Z_20261123T0000Z"
    plan = plan_poll(RSS, archive, start, end, now=NOW)
    assert (plan.mode, plan.snapshots, plan.fill_live) == ("replay", {RSS.url: path}, False)
    assert plan_poll(RSS, archive, start, end, force=True, now=NOW).mode == "no_history"
    manual = scoped(tmp_path, start, end, trigger="manual")  # "look now": its own scope
    assert plan_poll(RSS, manual, start, end, now=NOW).mode == "no_history"

    with ReplayClient(archive, plan.snapshots, live=False) as client:
        replayed = client.get(RSS.url, kind="feed", source="yonhap")
        missing = client.get("https://en.wire-seoul.example/other.xml", kind="feed")
    assert (replayed.outcome, replayed.body, replayed.archived_path) == ("ok", b"<rss/>", path)
    assert replayed.fetched_at == end and replayed.content_type == "application/rss+xml"
    assert missing.outcome == "no_history" and not client.log


def test_a_304_is_archived_and_replayed_as_a_304(tmp_path: Path) -> None:
    start, end = day(-5)
    archive = scoped(tmp_path, start, end)
    meta = {"url": RSS.url, "status": 304, "source": "yonhap", "fetched_at": end.isoformat()}
    path = archive.write("feeds", "yonhap-304", b"", meta, end)
    with ReplayClient(archive, {RSS.url: path}, live=False) as client:
        assert client.get(RSS.url, kind="feed").outcome == "not_modified"


def test_airflow_pendulum_intervals_are_compared_safely(tmp_path: Path) -> None:
    start = pendulum.datetime(2026, 11, 20, tz="UTC")
    ctx = RunContext.from_params(
        run_id="backfill__2026-11-20T00:00:00+00:00",
        params={"sources_file": "x.yaml", "relevance_threshold": 0.5, "force_refetch": False},
        start=start,
        end=start.add(days=1),
        run_type="backfill",
    )
    assert type(ctx.end) is datetime and ctx.end == datetime(2026, 11, 21, tzinfo=UTC)
    assert ctx.archive.scope == "20261120T0000Z_20261121T0000Z"
    plan = plan_poll(RSS, scoped(tmp_path, start, start.add(days=1)), start, start.add(days=1))
    assert plan.mode == "no_history"
