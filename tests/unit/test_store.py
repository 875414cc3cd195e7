"""DuckDB storage against a real database file."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tradewatch.models import Analysis, Article, EntityMention, FetchLogEntry, Quote
from tradewatch.store import StoreError, connect, load_batch, rebuild_fts

WHEN = datetime(2023, 8, 14, 1, 32, tzinfo=UTC)
TEXT = (
    'Japan restored South Korea to its "white list" on Monday.\n\n'
    '"This is a necessary step," Trade Minister Ahn Duk-geun told reporters.'
)


def _article(article_id: str, text: str = TEXT, *, relevant: bool = True, **kw) -> Article:
    start = text.find("This is")
    quotes = (
        [Quote("This is a necessary step,", "Ahn Duk-geun", "named", "told", start, start + 25)]
        if start >= 0
        else []
    )
    return Article(
        article_id=article_id,
        url=f"http://wire.example/{article_id}",
        canonical_url=f"http://wire.example/{article_id}",
        source="wire",
        title=kw.pop("title", "Japan restores Korea to white list"),
        text=text,
        fetched_at=WHEN,
        published_at=kw.pop("published_at", WHEN),
        published_offset="+09:00",
        published_from="jsonld",
        content_hash=kw.pop("content_hash", f"hash-{text}"),
        analysis=Analysis(
            relevant=relevant,
            relevance=0.9 if relevant else 0.1,
            topics=["white_list"],
            evidence=["white list"],
            entities=[EntityMention("Ahn Duk-geun", "PERSON", "Ahn Duk-geun", 100, 112)],
            quotes=quotes,
            extraction_version="test-1",
        ),
        **kw,
    )


def _log(n: int) -> list[FetchLogEntry]:
    return [
        FetchLogEntry(
            url=f"http://wire.example/{i}",
            kind="article",
            outcome="ok",
            requested_at=WHEN,
            status=200,
            bytes=10,
            run_id="r1",
        )
        for i in range(n)
    ]


def _dump(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("articles", "quotes", "entity_mentions", "fetch_log")
    }


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "db" / "t.duckdb")
    yield connection
    connection.close()


def test_every_table_and_column_has_a_comment(con: duckdb.DuckDBPyConnection) -> None:
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'"
    ).fetchall()
    assert {"articles", "quotes", "entity_mentions", "fetch_log", "schema_migrations"} <= {
        t for t, _ in tables
    }
    assert all(comment for _, comment in tables)
    missing = con.execute(
        "SELECT c.table_name, c.column_name FROM duckdb_columns() c "
        "JOIN duckdb_tables() t USING (table_oid) "
        "WHERE t.schema_name = 'main' AND (c.comment IS NULL OR c.comment = '')"
    ).fetchall()
    assert missing == []


def test_migrations_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    connect(path).close()
    con = connect(path)
    assert con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall() == [
        (1, "init"),
        (2, "fetch_state"),
        (3, "entities"),
        (4, "pipeline_runs"),
        (5, "history_outcomes"),
    ]
    con.close()


def test_load_twice_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    batch = [
        _article("a1"),
        _article("a2", TEXT + " More."),
        _article("n1", "Baseball.", relevant=False),
    ]
    first = load_batch(con, batch, _log(3), log_key="r1")
    assert (first.articles_new, first.quotes, first.entity_mentions, first.fetch_log) == (
        3,
        2,
        2,
        3,
    )
    before = _dump(con)
    again = load_batch(con, copy.deepcopy(batch), _log(3), log_key="r1")
    assert (again.articles_new, again.articles_updated, again.articles_unchanged) == (0, 0, 3)
    assert again.fetch_log == 0
    assert _dump(con) == before


def test_irrelevant_articles_kept_without_children(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_article("n1", relevant=False)], [], log_key="r")
    assert con.execute("SELECT relevant FROM articles").fetchall() == [(False,)]
    assert con.execute("SELECT count(*) FROM quotes").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM entity_mentions").fetchone() == (0,)


def test_changed_analysis_replaces_children(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_article("a1")], [], log_key="r")
    newer = _article("a1")
    assert newer.analysis is not None
    newer.analysis.extraction_version = "test-2"
    newer.analysis.quotes = []
    counts = load_batch(con, [newer], [], log_key="r2")
    assert counts.articles_updated == 1
    assert con.execute("SELECT extraction_version FROM articles").fetchall() == [("test-2",)]
    assert con.execute("SELECT count(*) FROM quotes").fetchone() == (0,)
    assert con.execute("SELECT extraction_version FROM entity_mentions").fetchall() == [("test-2",)]


def test_syndicated_copy_linked_and_not_double_counted(con: duckdb.DuckDBPyConnection) -> None:
    original = _article("orig", content_hash="same")
    copy_later = _article("copy", content_hash="same", published_at=WHEN.replace(hour=5))
    counts = load_batch(con, [copy_later, original], [], log_key="r")
    assert counts.duplicates == 1
    rows = con.execute("SELECT article_id, duplicate_of FROM articles ORDER BY 1").fetchall()
    assert rows == [("copy", "orig"), ("orig", None)]
    assert con.execute("SELECT DISTINCT article_id FROM quotes").fetchall() == [("orig",)]
    third = _article("third", content_hash="same")
    load_batch(con, [third], [], log_key="r2")
    assert con.execute(
        "SELECT duplicate_of FROM articles WHERE article_id = 'third'"
    ).fetchone() == ("orig",)


def test_failed_load_rolls_back_everything(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_article("a1")], _log(1), log_key="r1")
    before = _dump(con)
    broken = _article("a2")
    broken.analysis = None
    with pytest.raises(ValueError, match="without an analysis"):
        load_batch(con, [_article("a3"), broken], _log(2), log_key="r2")
    assert _dump(con) == before


def test_timestamps_are_utc(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_article("a1")], [], log_key="r")
    got = con.execute("SELECT strftime(published_at, '%Y-%m-%d %H:%M %z') FROM articles")
    assert got.fetchone() == ("2023-08-14 01:32 +00",)


def test_full_text_search_over_articles_and_quotes(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(
        con,
        [
            _article("a1"),
            _article("n1", "Baseball season opens.", relevant=False, title="Baseball"),
        ],
        [],
        log_key="r",
    )
    assert rebuild_fts(con)
    hits = con.execute(
        "SELECT article_id FROM (SELECT *, fts_main_articles.match_bm25(article_id, 'white list')"
        " AS score FROM articles) WHERE score IS NOT NULL"
    ).fetchall()
    assert hits == [("a1",)]
    quote_hits = con.execute(
        "SELECT speaker FROM (SELECT *, fts_main_quotes.match_bm25(quote_id, 'step')"
        " AS score FROM quotes) WHERE score IS NOT NULL"
    ).fetchall()
    assert quote_hits == [("Ahn Duk-geun",)]


def test_locked_file_gives_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "locked.duckdb"
    connect(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(30)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreError, match="cannot open"):
            connect(path)
    finally:
        holder.kill()
        holder.wait()


def test_read_only_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        connect(tmp_path / "nope.duckdb", read_only=True)


NEARDUP = Path(__file__).resolve().parents[1] / "fixtures" / "neardup"


def _story(name: str, article_id: str, hour: int) -> Article:
    from tradewatch.dedup import near_dup_key
    from tradewatch.urls import content_hash

    text = (NEARDUP / f"{name}.txt").read_text(encoding="utf-8")
    article = _article(
        article_id, text, content_hash=content_hash(text), published_at=WHEN.replace(hour=hour)
    )
    article.near_dup_key = near_dup_key(text)
    return article


def test_edited_copy_linked_to_stored_original(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_story("s01_yonhap_photoresist_licensing", "orig", 1)], [], log_key="r1")
    load_batch(
        con,
        [
            _story("v01_mainichi_copy_of_s01", "copy", 3),
            _story("s02_yonhap_hf_imports_july", "other", 4),
        ],
        [],
        log_key="r2",
    )
    rows = con.execute("SELECT article_id, duplicate_of FROM articles ORDER BY 1").fetchall()
    assert rows == [("copy", "orig"), ("orig", None), ("other", None)]


def test_edited_copies_in_one_batch_link_to_earliest(con: duckdb.DuckDBPyConnection) -> None:
    batch = [
        _story("v03_kbs_trimmed_s03", "kbs", 5),
        _story("s03_herald_ahn_nishimura_call", "herald", 2),
        _story("s04_yonhap_samsung_etching_gas", "yonhap", 3),
    ]
    counts = load_batch(con, batch, [], log_key="r")
    assert counts.duplicates == 1
    rows = con.execute("SELECT article_id, duplicate_of FROM articles ORDER BY 1").fetchall()
    assert rows == [("herald", None), ("kbs", "herald"), ("yonhap", None)]
    assert con.execute("SELECT count(*) FROM quotes WHERE article_id = 'kbs'").fetchone() == (0,)


def test_mentions_and_speakers_reference_canonical_entities(con: duckdb.DuckDBPyConnection) -> None:
    article = _article("a1")
    assert article.analysis is not None
    article.analysis.entities = [
        EntityMention(
            "Trade Minister Ahn Duk-geun", "PERSON", "Ahn Duk-geun", 60, 87, title="Trade Minister"
        ),
        EntityMention("Ahn", "PERSON", "Ahn Duk-geun", 120, 123),
        EntityMention("METI", "ORG", "Ministry of Economy, Trade and Industry", 130, 134),
    ]
    article.analysis.quotes[0].speaker_canonical = "Ahn Duk-geun"
    load_batch(con, [article], [], log_key="r")
    entities = con.execute("SELECT label, canonical FROM entities ORDER BY 1").fetchall()
    assert entities == [
        ("ORG", "Ministry of Economy, Trade and Industry"),
        ("PERSON", "Ahn Duk-geun"),
    ]
    rows = con.execute(
        "SELECT m.text, m.title, e.canonical FROM entity_mentions m JOIN entities e "
        "USING (entity_id) ORDER BY m.seq"
    ).fetchall()
    assert rows[0] == ("Trade Minister Ahn Duk-geun", "Trade Minister", "Ahn Duk-geun")
    assert rows[1] == ("Ahn", None, "Ahn Duk-geun")
    speaker = con.execute(
        "SELECT e.canonical FROM quotes q JOIN entities e ON q.speaker_entity_id = e.entity_id"
    ).fetchall()
    assert speaker == [("Ahn Duk-geun",)]
    aliases = con.execute(
        "SELECT alias, mentions FROM entity_aliases WHERE canonical = 'Ahn Duk-geun' ORDER BY 1"
    ).fetchall()
    assert aliases == [("Ahn", 1), ("Trade Minister Ahn Duk-geun", 1)]
