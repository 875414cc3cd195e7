"""The reporting views: the contract every report and analyst builds on."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from reportdb import AHN, DAY, HOSTILE_ENTITY, METI, build_report_db
from tradewatch.report.facts import REPORT_VIEWS
from tradewatch.store import publish_snapshot

QUERIES = Path(__file__).resolve().parents[2] / "include" / "sql" / "queries"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report_db(tmp_path_factory.mktemp("views") / "tw.duckdb")


@pytest.fixture
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def test_every_report_view_is_listed_by_show_tables(con: duckdb.DuckDBPyConnection) -> None:
    listed = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert set(REPORT_VIEWS) <= listed
    assert all(name.startswith("report_") for name in REPORT_VIEWS)


def test_every_view_and_view_column_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    views = con.execute(
        "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
    ).fetchall()
    assert {name for name, _ in views} >= {*REPORT_VIEWS, "entity_aliases"}
    assert all(comment for _, comment in views), views
    missing = con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c "
        "JOIN duckdb_views() v ON v.view_name = c.table_name AND v.schema_name = c.schema_name "
        "WHERE NOT v.internal AND (c.comment IS NULL OR c.comment = '')"
    ).fetchall()
    assert missing == []


def test_articles_are_relevant_originals_by_utc_day(con: duckdb.DuckDBPyConnection) -> None:
    rows = dict(con.execute("SELECT article_id, day FROM report_articles").fetchall())
    assert "a3-copy" not in rows  # the syndicated copy
    assert "a4-sports" not in rows  # not relevant
    assert rows["a1-day"] == DAY and rows["a6-old"] == DAY - timedelta(days=40)


def test_daily_topics_count_an_article_once_per_topic(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT topic, source, articles FROM report_daily_topics WHERE day = ? ORDER BY ALL", [DAY]
    ).fetchall()
    assert rows == [
        ("export_controls", "wire", 1),
        ("semiconductor_materials", "wire", 1),
        ("white_list", "herald", 1),
    ]


def test_quotes_carry_article_and_who_counts_as_a_speaker(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT speaker, speaker_kind, identified, title, url FROM report_quotes ORDER BY ALL"
    ).fetchall()
    by_speaker = {speaker: (kind, identified) for speaker, kind, identified, _, _ in rows}
    assert by_speaker[AHN] == ("named", True)
    assert by_speaker[METI] == ("organisation", True)
    assert by_speaker["senior official"] == ("descriptor", False)
    assert all(title and url for *_, title, url in rows)
    daily = con.execute(
        "SELECT speaker, quotes FROM report_daily_speakers WHERE day = ? ORDER BY speaker", [DAY]
    ).fetchall()
    assert daily == [(AHN, 1), ("Yasutoshi Nishimura", 1)]


def test_entity_first_seen_and_daily_mentions(con: duckdb.DuckDBPyConnection) -> None:
    first = {
        name: (first_day, last_day)
        for name, first_day, last_day in con.execute(
            "SELECT canonical, first_day, last_day FROM report_entity_first_seen"
        ).fetchall()
    }
    assert first["photoresist"] == (DAY - timedelta(days=40), DAY + timedelta(days=2))
    assert first[HOSTILE_ENTITY] == (DAY, DAY)
    day = con.execute(
        "SELECT canonical, articles FROM report_daily_mentions WHERE day = ? AND label = 'MATERIAL'"
        " ORDER BY canonical",
        [DAY],
    ).fetchall()
    assert day == [("hydrogen fluoride", 1), ("photoresist", 1)]  # the copy is not counted


def test_failures_health_and_pending(con: duckdb.DuckDBPyConnection) -> None:
    failures = con.execute(
        "SELECT source, kind, outcome, reason FROM report_fetch_failures ORDER BY ALL"
    ).fetchall()
    assert failures == [
        ("herald", "poll", "failed", "HTTP 503 after 3 tries"),
        ("wire", "article", "http_error", "404 Not Found"),
    ]  # ok, no_history and from_archive are not failures
    runs = con.execute(
        "SELECT run_id, status, sources_polled, sources_failed, sources_no_history, failures "
        "FROM report_runs ORDER BY finished_at"
    ).fetchall()
    assert runs == [("r-old", "ok", 0, 0, 0, 0), ("r-latest", "partial", 3, 1, 1, 2)]
    polls = con.execute(
        "SELECT source, outcome FROM report_source_polls WHERE run_id = 'r-latest' ORDER BY 1"
    ).fetchall()
    assert polls == [("herald", "failed"), ("partner", "no_history"), ("wire", "ok")]
    pending = con.execute(
        "SELECT state, title, last_reason FROM report_pending_fetches ORDER BY 1"
    ).fetchall()
    assert pending == [
        ("failed", "Removed story", "410 Gone"),
        ("pending", "Chipmakers brace for new rules", "read timed out after 20 s"),
    ]


def test_the_snapshot_keeps_the_views_and_their_comments(db: Path, tmp_path: Path) -> None:
    snapshot = publish_snapshot(db, tmp_path / "tw.duckdb")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM report_articles").fetchone()[0] == 5
        comments = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'report_quotes' "
            "AND column_name = 'identified'"
        ).fetchone()
        assert comments[0] and "ranked" in comments[0]


def test_the_bundled_queries_run_on_the_views(db: Path) -> None:
    """Every include/sql/queries file runs read-only in the analysts' CLI, as the README says."""
    duckdb_cli = Path(sys.executable).with_name("duckdb")
    for query in sorted(QUERIES.glob("*.sql")):
        done = subprocess.run(
            [str(duckdb_cli), "-readonly", str(db), "-c", query.read_text(encoding="utf-8")],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0 and not done.stderr, (query.name, done.stderr)
