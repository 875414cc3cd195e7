"""Fetch memory between runs, against a real DuckDB file."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tradewatch.models import Analysis, Article, Candidate, PendingFetch, Validators
from tradewatch.store import FetchOutcomes, connect, load_batch, publish_snapshot
from tradewatch.store.fetch_state import (
    MAX_FETCH_ATTEMPTS,
    normalize_title,
    read_fetch_memory,
    read_validators,
)

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def _failure(url: str, run: str, *, permanent=False, retry_after=None, outcome="timeout"):
    return PendingFetch(
        canonical_url=url,
        candidate=Candidate(url=url, source="wire", title="Tokyo lifts curbs"),
        outcome=outcome,
        reason=f"{outcome} in {run}",
        attempted_at=NOW,
        permanent=permanent,
        retry_after=retry_after,
        run_id=run,
    )


def _load(path: Path, run: str, **outcomes) -> None:
    con = connect(path)
    try:
        load_batch(con, [], [], log_key=run, outcomes=FetchOutcomes(**outcomes))
    finally:
        con.close()


def _pending(path: Path) -> list[tuple]:
    con = connect(path, read_only=True)
    try:
        return con.execute(
            "SELECT canonical_url, state, attempts, last_outcome FROM pending_fetches ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def test_transient_failures_retried_until_limit(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    url = "http://wire.example/a"
    _load(db, "run1", failures=[_failure(url, "run1")])
    _load(db, "run1", failures=[_failure(url, "run1")])
    assert _pending(db) == [(url, "pending", 1, "timeout")]
    memory = read_fetch_memory(db, now=NOW)
    assert [c.url for c in memory.pending] == [url]
    assert memory.pending[0].title == "Tokyo lifts curbs"
    for n in range(2, MAX_FETCH_ATTEMPTS + 1):
        _load(db, f"run{n}", failures=[_failure(url, f"run{n}")])
    assert _pending(db) == [(url, "failed", MAX_FETCH_ATTEMPTS, "timeout")]
    assert read_fetch_memory(db, now=NOW).pending == []


def test_permanent_failure_not_retried_and_success_resolves(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _load(
        db,
        "r1",
        failures=[
            _failure("http://w/gone", "r1", permanent=True, outcome="http_error"),
            _failure("http://w/slow", "r1"),
        ],
    )
    assert _pending(db) == [
        ("http://w/gone", "failed", 1, "http_error"),
        ("http://w/slow", "pending", 1, "timeout"),
    ]
    _load(db, "r2", resolved=["http://w/slow"])
    assert _pending(db) == [("http://w/gone", "failed", 1, "http_error")]


def test_retry_after_in_the_future_waits(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    later = NOW + timedelta(hours=2)
    _load(db, "r1", failures=[_failure("http://w/a", "r1", retry_after=later, outcome="deferred")])
    assert read_fetch_memory(db, now=NOW).pending == []
    assert [c.url for c in read_fetch_memory(db, now=later).pending] == ["http://w/a"]


def test_validators_kept_per_url(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _load(db, "r1", validators=[Validators("http://w/feed", '"v1"', None, "wire")])
    _load(db, "r2", validators=[Validators("http://w/feed", '"v2"', "Mon, 14 Aug 2023", "wire")])
    memory = read_fetch_memory(db, now=NOW)
    assert memory.validators["http://w/feed"] == Validators(
        "http://w/feed", '"v2"', "Mon, 14 Aug 2023", "wire"
    )
    assert read_validators(db, "http://w/feed") == memory.validators["http://w/feed"]
    assert read_validators(db, "http://w/other") is None
    assert read_validators(tmp_path / "none.duckdb", "http://w/feed") is None


def test_validators_read_again_after_the_database_changes(tmp_path: Path) -> None:
    """Reads are kept per state of the file; a load in between must not leave them stale."""
    db = tmp_path / "t.duckdb"
    _load(db, "r1", validators=[Validators("http://w/feed", '"v1"', None, "wire")])
    assert read_validators(db, "http://w/feed").etag == '"v1"'
    assert read_validators(db, "http://w/late") is None
    _load(
        db,
        "r2",
        validators=[
            Validators("http://w/feed", '"v2"', None, "wire"),
            Validators("http://w/late", '"l1"', None, "wire"),
        ],
    )
    assert read_validators(db, "http://w/feed").etag == '"v2"'
    assert read_validators(db, "http://w/late").etag == '"l1"'


def _store_article(db: Path, url: str, title: str) -> None:
    """One article ``a1`` fetched a day before ``NOW``, canonical URL ``http://w/a``."""
    article = Article(
        article_id="a1",
        url=url,
        canonical_url="http://w/a",
        source="wire",
        title=title,
        text="text",
        fetched_at=NOW - timedelta(days=1),
        content_hash="h",
        analysis=Analysis(relevant=False, relevance=0.0, extraction_version="v"),
    )
    con = connect(db)
    load_batch(con, [article], [], log_key="r")
    con.close()


def test_known_urls_and_recent_titles(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _store_article(db, "http://w/a?utm_source=rss", "Japan, S. Korea restore 'white list' status!")
    memory = read_fetch_memory(db, now=NOW)
    assert memory.known_urls == {"http://w/a"}
    key = ("wire", normalize_title("JAPAN, S. KOREA RESTORE WHITE LIST STATUS"))
    assert memory.recent_titles == {key: "a1"}
    assert read_fetch_memory(db, now=NOW + timedelta(days=30)).recent_titles == {}


def test_nothing_discovered_skips_the_stored_urls_unless_a_fetch_is_due(tmp_path: Path) -> None:
    """A run that found nothing new reads no article rows, and still sees due retries;
    a due retry is matched against the stored URLs like any candidate."""
    db = tmp_path / "t.duckdb"
    _store_article(db, "http://w/a", "Seoul and Tokyo resume export-control talks")
    quiet = read_fetch_memory(db, now=NOW, discovered=False)
    assert (quiet.known_urls, quiet.recent_titles, quiet.pending) == (set(), {}, [])
    _load(db, "r2", failures=[_failure("http://w/b", "r2")])
    due = read_fetch_memory(db, now=NOW, discovered=False)
    assert [c.url for c in due.pending] == ["http://w/b"]
    assert due.known_urls == {"http://w/a"}


def test_missing_or_locked_database_means_nothing_known(tmp_path: Path) -> None:
    assert read_fetch_memory(tmp_path / "none.duckdb").known_urls == set()
    db = tmp_path / "locked.duckdb"
    _load(db, "r1", failures=[_failure("http://w/a", "r1")])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert read_fetch_memory(db).pending == []
    finally:
        holder.kill()
        holder.wait()


def test_locked_database_is_read_from_its_snapshot(tmp_path: Path) -> None:
    """Another run's loader holds the file: the last published snapshot still answers."""
    db = tmp_path / "locked.duckdb"
    _load(db, "r1", failures=[_failure("http://w/a", "r1")])
    publish_snapshot(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(30)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert [c.url for c in read_fetch_memory(db).pending] == ["http://w/a"]
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Seoul, Tokyo agree!", "seoul tokyo agree"),
        ("“White list” restored", '"white list" restored'),
    ],
)
def test_normalize_title(a: str, b: str) -> None:
    assert normalize_title(a) == normalize_title(b)
