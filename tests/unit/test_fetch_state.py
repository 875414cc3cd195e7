"""Fetch memory between runs, against a real DuckDB file."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from tradewatch.models import Analysis, Article, Candidate, PendingFetch, Validators
from tradewatch.selection import select_candidates
from tradewatch.store import FetchOutcomes, connect, load_batch, publish_snapshot
from tradewatch.store.db import MIGRATIONS_DIR, migrate
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


def _article(
    article_id: str = "a1",
    url: str = "http://w/a",
    title: str | None = "Seoul and Tokyo resume export-control talks",
    *,
    canonical_url: str = "http://w/a",
    source: str = "wire",
    age: timedelta = timedelta(days=1),
    text: str = "text",
) -> Article:
    """An article fetched ``age`` before ``NOW``."""
    return Article(
        article_id=article_id,
        url=url,
        canonical_url=canonical_url,
        source=source,
        title=title,
        text=text,
        fetched_at=NOW - age,
        content_hash=text,
        analysis=Analysis(relevant=False, relevance=0.0, extraction_version="v"),
    )


def _store(db: Path, *articles: Article) -> None:
    con = connect(db)
    try:
        load_batch(con, list(articles), [], log_key="r")
    finally:
        con.close()


def _store_article(db: Path, url: str, title: str) -> None:
    """One article ``a1`` fetched a day before ``NOW``, canonical URL ``http://w/a``."""
    _store(db, _article(url=url, title=title))


def _query(db: Path, sql: str) -> list[tuple]:
    con = connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_known_urls_and_recent_titles(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _store_article(db, "http://w/a?utm_source=rss", "Japan, S. Korea restore 'white list' status!")
    found = [
        Candidate("http://W/a?fbclid=x#top", "wire"),
        Candidate("http://w/b", "wire", "JAPAN, S. KOREA RESTORE WHITE LIST STATUS"),
    ]
    memory = read_fetch_memory(db, found, now=NOW)
    assert memory.known_urls == {"http://w/a"}
    key = ("wire", normalize_title("JAPAN, S. KOREA RESTORE WHITE LIST STATUS"))
    assert memory.recent_titles == {key: "a1"}
    assert read_fetch_memory(db, found, now=NOW + timedelta(days=30)).recent_titles == {}


def test_nothing_discovered_skips_the_stored_urls_unless_a_fetch_is_due(tmp_path: Path) -> None:
    """A run that found nothing new reads no article rows, and still sees due retries;
    a due retry is matched against the stored URLs like any candidate."""
    db = tmp_path / "t.duckdb"
    _store_article(db, "http://w/a", "Seoul and Tokyo resume export-control talks")
    quiet = read_fetch_memory(db, now=NOW)
    assert (quiet.known_urls, quiet.recent_titles, quiet.pending) == (set(), {}, [])
    _load(db, "r2", failures=[_failure("http://w/a?utm_medium=email", "r2")])
    due = read_fetch_memory(db, now=NOW)
    assert [c.url for c in due.pending] == ["http://w/a?utm_medium=email"]
    assert due.known_urls == {"http://w/a"}


def test_dedup_keys_stored_on_load(tmp_path: Path) -> None:
    """The loader stores each article's keys as the selection computes them."""
    db = tmp_path / "t.duckdb"
    url = "HTTP://Wire.Example:80/a?utm_source=rss&id=2#top"
    _store(
        db,
        _article("a1", url, "Seoul, Tokyo agree!", canonical_url="http://wire.example/a?id=2"),
        _article("a2", "no-scheme", None, canonical_url="http://wire.example/b"),
    )
    assert _query(
        db, "SELECT article_id, url_key, canonical_key, title_key FROM articles ORDER BY 1"
    ) == [
        ("a1", "http://wire.example/a?id=2", "http://wire.example/a?id=2", "seoul tokyo agree"),
        ("a2", None, "http://wire.example/b", None),
    ]


def test_only_the_candidates_stored_keys_are_read(tmp_path: Path) -> None:
    """A candidate is known by the fetched URL or the canonical URL of a stored article,
    however its tracking parameters, host case and fragment differ; nothing else stored
    is read into the memory."""
    db = tmp_path / "t.duckdb"
    _store(
        db,
        _article("a1", "http://w.example/a?utm_source=rss", canonical_url="http://w.example/a"),
        _article("a2", "http://w.example/amp/b", "Other", canonical_url="http://w.example/b"),
        _article("a3", "http://w.example/c", "Third", canonical_url="http://w.example/c"),
    )
    found = [
        Candidate("http://W.EXAMPLE/a?fbclid=1&utm_campaign=x#top", "wire"),
        Candidate("http://w.example/b?gclid=2", "wire"),
        Candidate("http://w.example/new", "wire"),
        Candidate("no-scheme", "wire"),
    ]
    memory = read_fetch_memory(db, found, now=NOW)
    assert memory.known_urls == {"http://w.example/a", "http://w.example/b"}
    selection = select_candidates(found, memory)
    assert [url for url, _ in selection.to_fetch] == ["http://w.example/new"]
    assert selection.known == 2


def test_recent_headline_of_the_same_source_only(tmp_path: Path) -> None:
    """Within the window the first article with the headline is named; an older one, or
    one from another source, is not."""
    db = tmp_path / "t.duckdb"
    title = "Japan lifts curbs on chip materials"
    _store(
        db,
        _article("old", "http://w/old", title, canonical_url="http://w/old", age=timedelta(days=9)),
        _article("first", "http://w/1", title, canonical_url="http://w/1", age=timedelta(days=3)),
        _article("later", "http://w/2", title, canonical_url="http://w/2"),
        _article("x", "http://x/1", "Other news", canonical_url="http://x/1", source="other"),
    )
    found = [
        Candidate("http://w/new", "wire", "JAPAN LIFTS CURBS ON CHIP MATERIALS!"),
        Candidate("http://x/new", "other", title),
    ]
    memory = read_fetch_memory(db, found, now=NOW)
    assert memory.recent_titles == {("wire", normalize_title(title)): "first"}
    later = read_fetch_memory(db, found, now=NOW + timedelta(days=5))
    assert later.recent_titles == {("wire", normalize_title(title)): "later"}


def test_rows_without_keys_are_found_until_a_reload_fills_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows loaded before migration 012 have NULL keys: their URLs and headlines are
    compared after computing the keys in Python (and the log says so), and loading the
    article again, as ``tradewatch reprocess`` does, stores them."""
    db = tmp_path / "t.duckdb"
    article = _article("a1", "http://w/a?utm_source=rss", "Seoul, Tokyo agree!")
    _store(db, article, _article("a2", "http://w/b", "Other", canonical_url="http://w/b"))
    con = connect(db)
    con.execute("UPDATE articles SET url_key = NULL, canonical_key = NULL, title_key = NULL")
    con.close()
    found = [
        Candidate("http://w/a?fbclid=1", "wire"),
        Candidate("http://w/c", "wire", "SEOUL TOKYO AGREE"),
    ]
    with caplog.at_level(logging.WARNING, logger="tradewatch.store.fetch_state"):
        memory = read_fetch_memory(db, found, now=NOW)
    assert memory.known_urls == {"http://w/a"}
    assert memory.recent_titles == {("wire", "seoul tokyo agree"): "a1"}
    assert "4 stored URLs have no dedup key" in caplog.text
    assert "2 stored headlines have no dedup key" in caplog.text

    con = connect(db)
    counts = load_batch(con, [article], [], log_key="reprocess")
    con.close()
    assert counts.articles_updated == 1
    assert _query(db, "SELECT article_id, url_key, title_key FROM articles ORDER BY 1") == [
        ("a1", "http://w/a", "seoul tokyo agree"),
        ("a2", None, None),
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tradewatch.store.fetch_state"):
        assert read_fetch_memory(db, found, now=NOW) == memory
    assert "2 stored URLs have no dedup key" in caplog.text


def test_database_before_migration_012_is_read(tmp_path: Path) -> None:
    """The fetch stage opens the database read-only, which does not migrate it: a file
    last written by older code has no key columns, and its articles are still known."""
    old = tmp_path / "migrations-011"
    old.mkdir()
    for file in sorted(MIGRATIONS_DIR.glob("*.sql"))[:11]:
        shutil.copy(file, old / file.name)
    db = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(db))
    assert migrate(raw, old)[-1] == 11
    raw.execute(
        "INSERT INTO articles (article_id, url, canonical_url, source, title, published_from, "
        "fetched_at, relevant, relevance, topics, relevance_evidence, text, content_hash, "
        "extraction_version) VALUES ('old', 'http://w/a?utm_source=rss', 'http://w/a', "
        "'wire', 'Old news', 'feed', ?, false, 0.0, [], [], 'text', 'h', 'v0')",
        [NOW - timedelta(days=1)],
    )
    raw.close()
    found = [Candidate("http://w/a", "wire"), Candidate("http://w/b", "wire", "old news")]
    memory = read_fetch_memory(db, found, now=NOW)
    assert memory.known_urls == {"http://w/a"}
    assert memory.recent_titles == {("wire", "old news"): "old"}


def test_article_loaded_again_under_another_url(tmp_path: Path) -> None:
    """A rewritten article takes the keys of its new URL and headline."""
    db = tmp_path / "t.duckdb"
    _store(db, _article("a1", "http://w/a?page=1", "First headline"))
    _store(db, _article("a1", "http://w/a?page=2", "Second headline", text="more text"))
    assert _query(db, "SELECT url_key, canonical_key, title_key FROM articles") == [
        ("http://w/a?page=2", "http://w/a", "second headline")
    ]
    found = [
        Candidate("http://w/a?page=1", "wire"),
        Candidate("http://w/a?page=2", "wire"),
        Candidate("http://w/x", "wire", "First headline"),
        Candidate("http://w/y", "wire", "Second headline"),
    ]
    memory = read_fetch_memory(db, found, now=NOW)
    assert memory.known_urls == {"http://w/a?page=2"}
    assert memory.recent_titles == {("wire", "second headline"): "a1"}


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
