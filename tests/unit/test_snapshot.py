"""The analysts' snapshot: a full copy replaced atomically, never in the loader's way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tradewatch.models import Analysis, Article, EntityMention, FetchLogEntry, Quote
from tradewatch.store import StoreError, connect, load_batch, migrate, publish_snapshot
from tradewatch.store.db import MIGRATIONS_DIR, fts_extension_path, load_fts
from tradewatch.store.load import RunRecord
from tradewatch.store.snapshot import parquet_dir, snapshot_path, standby_path
from tradewatch.store.term_partitions import PART_ROWS, unsealed

WHEN = datetime(2023, 8, 14, 1, 32, tzinfo=UTC)
FTS = fts_extension_path()
needs_fts = pytest.mark.skipif(FTS is None, reason="duckdb-extension-fts not installed")

# Opens the snapshot read-only and answers "query" with its article count and how many
# articles full-text search finds for "fluoride", until stdin closes.
READER = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
if sys.argv[2]:
    con.execute(f"LOAD '{sys.argv[2]}'")
print("ready", flush=True)
for line in sys.stdin:
    count = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    hits = None
    if sys.argv[2]:
        hits = con.execute(
            "SELECT count(*) FROM (SELECT fts_main_articles.match_bm25(article_id, 'fluoride')"
            " AS s FROM articles) WHERE s IS NOT NULL").fetchone()[0]
    print(json.dumps([count, hits]), flush=True)
"""


def _article(article_id: str, sentence: str) -> Article:
    text = f'{sentence}\n\n"This is a necessary step," Trade Minister Ahn Duk-geun said.'
    start = text.index("This is")
    return Article(
        article_id=article_id,
        url=f"http://wire.example/{article_id}",
        canonical_url=f"http://wire.example/{article_id}",
        source="wire",
        title=sentence,
        text=text,
        fetched_at=WHEN,
        published_at=WHEN,
        content_hash=f"hash-{article_id}",
        analysis=Analysis(
            relevant=True,
            relevance=0.9,
            topics=["export_controls"],
            evidence=["export controls"],
            entities=[EntityMention("Ahn Duk-geun", "PERSON", "Ahn Duk-geun", 0, 12)],
            quotes=[
                Quote(
                    "This is a necessary step,", "Ahn Duk-geun", "named", "said", start, start + 25
                )
            ],
            extraction_version="test-1",
        ),
    )


PHOTORESIST = _article("a1", "Japan eases photoresist export controls on Korea.")
FLUORIDE = _article("a2", "Korea doubles hydrogen fluoride output at home.")


def _load(db: Path, *articles: Article, **publish) -> Path:
    """One load as the pipeline does it: connect (no waiting), load, fts, publish, close."""
    con = connect(db)
    try:
        load_batch(
            con, list(articles), [], log_key=f"run-{'-'.join(a.article_id for a in articles)}"
        )
        return publish_snapshot(con, db, **publish)
    finally:
        con.close()


def _count(path: Path, sql: str = "SELECT count(*) FROM articles") -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        if FTS is not None:
            load_fts(con)
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".wal")))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tradewatch.duckdb"


@pytest.fixture
def reader(tmp_path: Path, db: Path) -> Iterator[subprocess.Popen[str]]:
    """A separate process holding open, read-only, the snapshot of a first load."""
    _load(db, PHOTORESIST)
    script = tmp_path / "snapshot_reader.py"
    script.write_text(READER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(snapshot_path(db)), str(FTS or "")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _ask(proc: subprocess.Popen[str]) -> list[int | None]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("query\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def test_snapshot_path_sits_beside_the_database() -> None:
    assert snapshot_path(Path("data/tradewatch.duckdb")) == Path("data/tradewatch_read.duckdb")
    assert parquet_dir(Path("data/tradewatch.duckdb")) == Path("data/parquet")


@needs_fts
def test_snapshot_is_a_full_copy_with_search_and_comments(db: Path) -> None:
    snap = _load(db, PHOTORESIST, FLUORIDE)
    assert snap == db.parent / "tradewatch_read.duckdb"
    main, copy = (duckdb.connect(str(p), read_only=True) for p in (db, snap))
    try:
        for table in ("articles", "quotes", "entity_mentions", "entities", "schema_migrations"):
            sql = f"SELECT * FROM {table} ORDER BY ALL"
            assert copy.execute(sql).fetchall() == main.execute(sql).fetchall()
        sql = "SELECT table_name, column_name, comment FROM duckdb_columns() ORDER BY ALL"
        assert copy.execute(sql).fetchall() == main.execute(sql).fetchall()
    finally:
        main.close()
        copy.close()
    search = (
        "SELECT title FROM (SELECT *, fts_main_articles.match_bm25(article_id, 'photoresist')"
        " AS s FROM articles) WHERE s IS NOT NULL"
    )
    assert _count(snap, f"SELECT count(*) FROM ({search})") == 1
    assert _leftovers(db.parent) == []


def test_open_reader_keeps_its_view_and_never_blocks_the_loader(
    db: Path, reader: subprocess.Popen[str]
) -> None:
    assert _ask(reader) == [1, 0 if FTS else None]
    fds = Path(f"/proc/{reader.pid}/fd")
    if fds.exists():  # the reader has the snapshot open and the main file not at all
        targets = {os.readlink(fd) for fd in fds.iterdir()}
        assert str(snapshot_path(db)) in targets and str(db) not in targets

    # a real load while the reader is there: connect() without waiting would raise if blocked
    snap = _load(db, FLUORIDE)
    assert _count(snap) == 2  # a new reader sees the new rows...
    if FTS:
        search = (
            "SELECT count(*) FROM (SELECT fts_main_articles.match_bm25(article_id, 'fluoride')"
            " AS s FROM articles) WHERE s IS NOT NULL"
        )
        assert _count(snap, search) == 1  # ...and an index that covers them
    assert _ask(reader) == [1, 0 if FTS else None]  # the old session reads its old copy
    _load(db, _article("a3", "Samsung qualifies a local fluoride supplier."))
    assert _ask(reader) == [1, 0 if FTS else None]
    assert _count(snap) == 3
    assert _leftovers(db.parent) == []


def test_failed_publish_keeps_the_old_snapshot(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snap = _load(db, PHOTORESIST)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tradewatch.store.snapshot.os.replace", broken_replace)
    with pytest.raises(StoreError, match=r"cannot publish snapshot .*No space left"):
        _load(db, FLUORIDE)
    assert _count(snap) == 1  # the old copy, intact
    assert _count(db) == 2  # the load itself committed before the publish
    assert _leftovers(db.parent) == []


def test_publish_from_a_path_with_parquet(db: Path) -> None:
    connect(db).close()
    con = connect(db)
    try:
        load_batch(con, [PHOTORESIST, FLUORIDE], [], log_key="r")
    finally:
        con.close()
    snap = publish_snapshot(db, parquet=True)  # a fresh connection that never loaded fts
    assert snap == snapshot_path(db) and _count(snap) == 2
    if FTS:
        search = (
            "SELECT count(*) FROM (SELECT fts_main_quotes.match_bm25(quote_id, 'step')"
            " AS s FROM quotes) WHERE s IS NOT NULL"
        )
        assert _count(snap, search) == _count(db, search) == 2
    folder = db.parent / "parquet"
    names = sorted(p.name for p in folder.iterdir())
    assert {"articles.parquet", "quotes.parquet", "entity_mentions.parquet"} <= set(names)
    assert not any(n.startswith(("docs", "terms", "dict", ".")) for n in names)  # no fts, no tmp
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT article_id, topics FROM read_parquet(?) ORDER BY 1",
            [str(folder / "articles.parquet")],
        ).fetchall()
    finally:
        con.close()
    assert rows == [("a1", ["export_controls"]), ("a2", ["export_controls"])]
    assert _leftovers(db.parent) == []


def test_in_memory_database_cannot_be_published(tmp_path: Path) -> None:
    con = duckdb.connect()
    try:
        with pytest.raises(StoreError, match="in-memory"):
            publish_snapshot(con, tmp_path / "x.duckdb")
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def _tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of ``path``, fts index tables included; an index's terms
    read through its ``terms`` view, however each file split them into tables."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE NOT regexp_full_match(table_name, 'terms_[0-9]+') UNION ALL "
            "SELECT schema_name, view_name FROM duckdb_views() WHERE view_name = 'terms' "
            "ORDER BY ALL"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(
                f"SELECT * FROM {schema}.{name} ORDER BY ALL"
            ).fetchall()
            for schema, name in names
        }
    finally:
        con.close()


def _quiet_load(db: Path, run_id: str) -> Path:
    """A load that changed no article: one fetch-log row and its run row, then a publish."""
    entry = FetchLogEntry(
        url="http://wire.example/feed.xml",
        kind="poll",
        outcome="not_modified",
        requested_at=WHEN,
        source="wire",
        run_id=run_id,
    )
    con = connect(db)
    try:
        counts = load_batch(
            con,
            [],
            [entry],
            log_key=run_id,
            run=RunRecord(run_id=run_id, trigger="cli", tradewatch_version="t"),
        )
        assert counts.nothing_changed
        return publish_snapshot(con, db)
    finally:
        con.close()


def _how(caplog: pytest.LogCaptureFixture) -> list[str]:
    """How each publish since the last clear made its copy, from its log line."""
    found = [
        r.getMessage().rsplit("(", 1)[1].rstrip(")")
        for r in caplog.records
        if r.getMessage().startswith("published snapshot")
    ]
    caplog.clear()
    return found


def _edited(article: Article, sentence: str) -> Article:
    """The same article rewritten: another text, another quote."""
    edited = _article(article.article_id, sentence)
    assert edited.analysis is not None
    edited.analysis.quotes[0].quote = "This is"
    edited.analysis.quotes[0].end_char = edited.analysis.quotes[0].start_char + 7
    return edited


def _term_tables(path: Path) -> int:
    return _count(
        path,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
        "AND regexp_full_match(table_name, 'terms_[0-9]+')",
    )


@pytest.mark.parametrize("part_rows", [PART_ROWS, 8], ids=["one-terms-table", "many"])
def test_publishes_catch_up_instead_of_copying_the_database(
    db: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, part_rows: int
) -> None:
    """New, rewritten and unchanged articles and a quiet run: after the first, no publish
    copies the database, and the snapshot holds every row the database holds, search
    index included, also when each file starts new terms tables of its own."""
    monkeypatch.setattr("tradewatch.store.term_partitions.PART_ROWS", part_rows)
    caplog.set_level("INFO", logger="tradewatch.store")
    snap = _load(db, PHOTORESIST)
    assert _how(caplog) == ["whole copy"]
    _load(db, FLUORIDE, PHOTORESIST)
    assert _how(caplog) == ["copy of the last snapshot caught up"]
    assert _tables(snap) == _tables(db)
    _load(
        db,
        _edited(PHOTORESIST, "Japan lifts photoresist curbs."),
        _article("a3", "Tokyo ends curbs."),
    )
    assert _how(caplog) == ["standby caught up"]
    assert _tables(snap) == _tables(db)
    _quiet_load(db, "quiet-1")
    assert _how(caplog) == ["standby caught up"]
    assert _tables(snap) == _tables(db)
    assert _count(snap, "SELECT count(*) FROM pipeline_runs WHERE run_id = 'quiet-1'") == 1
    if FTS:
        search = (
            "SELECT count(*) FROM (SELECT fts_main_articles.match_bm25(article_id, '{}')"
            " AS s FROM articles) WHERE s IS NOT NULL"
        )
        assert _count(snap, search.format("curbs")) == 2
        assert _count(snap, search.format("eases")) == 0
        assert (_term_tables(db) > 2) == (part_rows < PART_ROWS)
        for copy in (snap, standby_path(snap)):  # their full terms tables were sealed
            with duckdb.connect(str(copy), read_only=True) as con:
                assert unsealed(con, copy.stem) == [], copy
    assert standby_path(snap).exists()
    assert _leftovers(db.parent) == []


def test_a_reader_on_the_old_snapshot_is_never_written_under(
    db: Path, reader: subprocess.Popen[str], caplog: pytest.LogCaptureFixture
) -> None:
    """The reader's snapshot becomes the standby; while it holds it open, publishes copy
    the current snapshot instead of writing into the file it reads."""
    caplog.set_level("INFO", logger="tradewatch.store")
    snap = _load(db, FLUORIDE)  # the reader's file is now the standby
    assert "left for the next publish (IO Error: Could not set lock" in caplog.text
    _load(db, _article("a3", "Samsung qualifies a local fluoride supplier."))
    assert "Conflicting lock" in caplog.text
    assert _how(caplog)[-1] == "copy of the last snapshot caught up"
    assert _ask(reader) == [1, 0 if FTS else None]
    assert _tables(snap) == _tables(db)
    assert _leftovers(db.parent) == []


def _seq(path: Path) -> int:
    return _count(path, "SELECT max(load_seq) FROM load_changes")


def test_a_load_of_articles_leaves_the_standby_up_to_date(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """After the swap the retired snapshot is caught up on the load's articles, so the next
    publish applies only its own rows; a load without articles leaves it one load behind,
    which the next publish applies."""
    caplog.set_level("INFO", logger="tradewatch.store")
    _load(db, PHOTORESIST)
    snap = _load(db, FLUORIDE)
    standby = standby_path(snap)
    assert _seq(standby) == _seq(snap) == _seq(db)
    assert _tables(standby) == _tables(db)
    _quiet_load(db, "quiet-5")
    assert "standby caught up" in _how(caplog)
    assert _seq(snap) == _seq(db) == _seq(standby) + 1
    caplog.clear()
    _quiet_load(db, "quiet-6")
    assert "snapshot caught up on 2 loads: 0 articles" in caplog.text
    assert _tables(snap) == _tables(db)
    assert _leftovers(db.parent) == []


def test_a_stale_snapshot_catches_up_on_every_load_it_missed(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The previous publish failed after its load committed: the next one, even for a run
    that changed no article, brings in the article that publish missed."""
    snap = _load(db, PHOTORESIST)
    with monkeypatch.context() as patch:
        patch.setattr("tradewatch.store.snapshot.os.replace", _no_space)
        with pytest.raises(StoreError):
            _load(db, FLUORIDE)
    assert _count(snap) == 1
    _quiet_load(db, "quiet-2")
    assert _count(snap) == 2
    assert _tables(snap) == _tables(db)
    assert _leftovers(db.parent) == []


def test_a_migration_makes_the_next_publish_a_whole_copy(
    db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A migration writes rows no load names: the copies cannot catch up on it."""
    caplog.set_level("INFO", logger="tradewatch.store")
    _load(db, PHOTORESIST)
    _load(db, FLUORIDE)
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    for file in MIGRATIONS_DIR.glob("*.sql"):
        (migrations / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    (migrations / "900_retitle.sql").write_text(
        "UPDATE articles SET title = upper(title);", encoding="utf-8"
    )
    con = connect(db)
    try:
        assert migrate(con, migrations) == [900]
    finally:
        con.close()
    caplog.clear()
    snap = _quiet_load(db, "quiet-3")
    assert _how(caplog) == ["whole copy"]
    assert _tables(snap) == _tables(db)


def test_a_copy_older_than_the_kept_changes_is_replaced(
    db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Changes are kept for the last KEEP_LOADS loads only; a standby further behind (a
    quiet load leaves it behind) is not caught up from what is left, the current snapshot
    is."""
    monkeypatch.setattr("tradewatch.store.snapshot.KEEP_LOADS", 1)
    caplog.set_level("INFO", logger="tradewatch.store")
    _load(db, PHOTORESIST)
    _quiet_load(db, "quiet-4")
    snap = _load(db, FLUORIDE)
    assert "changes since the copy's last load were pruned" in caplog.text
    assert _how(caplog)[-1] == "copy of the last snapshot caught up"
    assert _tables(snap) == _tables(db)
    assert _count(db, "SELECT count(DISTINCT load_seq) FROM load_changes") == 2


def _no_space(src: object, dst: object) -> None:
    raise OSError(28, "No space left on device")
