"""Re-running an interval gives the rows its first run gave, whatever the live sources do now.

One interval is run three ways on one DuckDB file: scheduled, then cleared and re-run (same
run id), then backfilled (a new run id). Between them the live feed changes, so a run that
polled it again would add an article. Per-table content hashes must not move. A backfill
into a new DuckDB file with the site down must rebuild the same tables from the archive
alone. A past interval with nothing archived is "no history" for RSS (a success, logged),
while GDELT is asked about that interval.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dbstate import content_hashes
from servers.gdelt import GdeltReplica
from servers.site import SITE, SITE_FEEDS, write_sources
from tradewatch.devserver import serve_directory
from tradewatch.pipeline import RunContext, ingest

HIDDEN = "herald/view/20230817000120.html"  # listed only after the first run


def table_hashes(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return content_hashes(con)
    finally:
        con.close()


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def run_counts(db: Path, run_id: str) -> dict:
    [(counts,)] = query(db, "SELECT counts FROM pipeline_runs WHERE run_id = ?", run_id)
    return json.loads(counts)


def context(tmp: Path, sources: Path, db: Path, run_id: str, trigger: str, day: datetime):
    return RunContext.create(
        sources_file=sources,
        db_path=db,
        data_dir=tmp / "data",
        run_id=run_id,
        start=day,
        end=day + timedelta(days=1),
        trigger=trigger,
    )


@pytest.fixture
def site(tmp_path: Path):
    """A private copy of the fixture site whose herald feed hides one item at first."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    feed = root / "herald" / "feed.xml"
    full = feed.read_text(encoding="utf-8")
    start = full.index("<item>")
    end = full.index("</item>", start) + len("</item>")
    assert HIDDEN in full[start:end]
    feed.write_text(full[:start] + full[end:], encoding="utf-8")
    return root, feed, full


def test_scheduled_rerun_and_backfill_leave_identical_tables(site, tmp_path: Path) -> None:
    root, feed, full = site
    yesterday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday -= timedelta(days=1)
    db = tmp_path / "tw.duckdb"
    with serve_directory(root) as base:
        sources = write_sources(tmp_path / "sources.yaml", base)
        scheduled = context(tmp_path, sources, db, "scheduled__x", "scheduled", yesterday)
        first = ingest(scheduled)
        assert first["articles_new"] == 14
        after_first = table_hashes(db)
        assert run_counts(db, "scheduled__x")["discover"]["sources_replayed"] == 0

        feed.write_text(full, encoding="utf-8")  # the live feed now lists one more item
        ingest(scheduled)  # cleared and re-run: same run id
        assert table_hashes(db) == after_first
        rerun = run_counts(db, "scheduled__x")
        assert rerun["discover"]["sources_replayed"] == 4
        assert rerun["fetch"]["fetched"] == 0 and rerun["fetch"]["skipped_known"] == 14
        outcomes = query(
            db,
            "SELECT outcome, count(*) FROM fetch_log WHERE run_id = 'scheduled__x' "
            "AND kind = 'poll' GROUP BY ALL ORDER BY ALL",
        )
        assert outcomes == [("ok", 4), ("replayed", 4)]  # both attempts are on record

        backfill = context(tmp_path, sources, db, "backfill__x", "backfill", yesterday)
        ingest(backfill)
        assert table_hashes(db) == after_first
        assert run_counts(db, "backfill__x")["discover"]["sources_replayed"] == 4
        hidden = query(db, "SELECT count(*) FROM articles WHERE url LIKE ?", f"%{HIDDEN}")
        assert hidden == [(0,)]
        polls = query(
            db,
            "SELECT outcome, reason FROM fetch_log WHERE run_id = 'backfill__x' AND kind = 'poll'",
        )
        assert {o for o, _ in polls} == {"replayed"}
        assert all("archived response" in r for _, r in polls)

        # A manual trigger means "look now": it polls live and finds the new item, without
        # changing what the interval replays.
        manual = context(tmp_path, sources, db, "manual__x", "manual", yesterday)
        assert ingest(manual)["articles_new"] == 1

    # The site is gone: a backfill into a new DuckDB file reads only the archive.
    fresh = tmp_path / "fresh.duckdb"
    ingest(context(tmp_path, sources, fresh, "backfill__fresh", "backfill", yesterday))
    assert table_hashes(fresh) == after_first
    counts = run_counts(fresh, "backfill__fresh")
    assert counts["fetch"]["from_archive"] == 14 and counts["fetch"]["fetched"] == 0
    assert counts["fetch"]["fetch_failures"] == 0
    page_rows = query(
        fresh,
        "SELECT DISTINCT outcome FROM fetch_log WHERE run_id = 'backfill__fresh' "
        "AND kind = 'article'",
    )
    assert page_rows == [("from_archive",)]


def test_past_interval_without_archive_is_no_history_but_gdelt_looks_back(
    tmp_path: Path, site_url: str
) -> None:
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    day -= timedelta(days=10)
    page = f"{site_url}/yonhap/2023/08/14/semiconductor-materials.html"
    records = [
        {
            "url": page,
            "title": "S. Korea, Japan to resume trade talks",
            "seendate": f"{day + timedelta(hours=3):%Y%m%dT%H%M%SZ}",
            "language": "English",
            "domain": "127.0.0.1",
        },
        {  # seen the next day: outside the interval
            "url": f"{site_url}/herald/view/20230816000418.html",
            "title": "Chipmakers seek waiver",
            "seendate": f"{day + timedelta(days=1, hours=2):%Y%m%dT%H%M%SZ}",
            "language": "English",
            "domain": "127.0.0.1",
        },
    ]
    db = tmp_path / "tw.duckdb"
    with GdeltReplica(records) as gdelt:
        gdelt_source = gdelt.source("gdelt-kj", "(Korea OR Seoul) (Japan OR Tokyo)")
        sources = write_sources(tmp_path / "sources.yaml", site_url, extra=[gdelt_source])
        counts = ingest(context(tmp_path, sources, db, "backfill__old", "backfill", day))
        [params] = gdelt.requests
    assert params["startdatetime"] == f"{day:%Y%m%d%H%M%S}"
    assert params["enddatetime"] == f"{day + timedelta(days=1):%Y%m%d%H%M%S}"
    assert counts["articles_new"] == 1
    assert query(db, "SELECT count(*) FROM articles WHERE url = ?", page) == [(1,)]
    polls = dict(
        (source, (outcome, reason))
        for source, outcome, reason in query(
            db, "SELECT source, outcome, reason FROM fetch_log WHERE kind = 'poll'"
        )
    )
    assert polls["gdelt-kj"] == ("ok", None)
    for name, kind, _ in SITE_FEEDS:
        outcome, reason = polls[name]
        assert outcome == "no_history"
        assert f"no archived poll of this {kind} source" in reason
    run = query(db, "SELECT status, trigger, interval_start FROM pipeline_runs")
    assert run == [("ok", "backfill", day)]
    discover = run_counts(db, "backfill__old")["discover"]
    assert discover["sources_no_history"] == 4 and discover["sources_failed"] == 0
    assert not list((tmp_path / "data" / "raw").glob("*/*/*/feeds/yonhap*"))
