"""DuckDB storage against a real database file."""

from __future__ import annotations

import copy
import hashlib
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import get_args

import duckdb
import pytest

from tradewatch.models import Analysis, Article, EntityMention, FetchLogEntry, Quote, SpeakerKind
from tradewatch.store import StoreError, connect, load_batch, migrate
from tradewatch.store.db import MIGRATIONS_DIR
from tradewatch.store.load import entity_id

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
    recorded = con.execute("SELECT version, name FROM schema_migrations ORDER BY 1").fetchall()
    assert recorded[:8] == [
        (1, "init"),
        (2, "fetch_state"),
        (3, "entities"),
        (4, "pipeline_runs"),
        (5, "history_outcomes"),
        (6, "quote_attribution"),
        (7, "reporting_views"),
        (8, "quote_relays"),
    ]
    files = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    assert recorded == [(int(f.name[:3]), f.stem[4:]) for f in files]
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


def _cjk_article(article_id: str, lang: str, title: str, text: str, quote: str) -> Article:
    article = _article(article_id, text, title=title, lang=lang)
    start = text.index(quote)
    assert article.analysis is not None
    article.analysis.quotes = [
        Quote(quote, "Ahn Duk-geun", "named", "말했다", start, start + len(quote))
    ]
    return article


def _search(con: duckdb.DuckDBPyConnection, table: str, key: str, query: str) -> list[tuple]:
    return con.execute(
        f"SELECT {key} FROM (SELECT *, fts_main_{table}.match_bm25({key}, tw_search_terms(?))"
        " AS score FROM " + table + ") WHERE score IS NOT NULL ORDER BY score DESC",
        [query],
    ).fetchall()


def test_full_text_search_in_korean_and_japanese(con: duckdb.DuckDBPyConnection) -> None:
    """Words glued to particles (수출규제를) or written without spaces (輸出管理を) are
    found, voicing marks are kept (述べた), English still works."""
    load_batch(
        con,
        [
            _article("en1"),
            _cjk_article(
                "ko1",
                "ko",
                "일본 수출규제 해제",
                '산업부는 일본의 수출규제를 비판했다.\n\n안 장관은 "공급망을 지키겠다"고 말했다.',
                "공급망을 지키겠다",
            ),
            _cjk_article(
                "ja1",
                "ja",
                "輸出管理の見直し",
                "経済産業省は韓国向けの輸出管理を見直した。\n\n大臣は「対話を続ける」と述べた。",
                "対話を続ける",
            ),
        ],
        [],
        log_key="r",
    )
    assert _search(con, "articles", "article_id", "수출규제") == [("ko1",)]
    assert _search(con, "articles", "article_id", "輸出管理") == [("ja1",)]
    assert _search(con, "articles", "article_id", "述べた") == [("ja1",)]
    assert _search(con, "articles", "article_id", "white list") == [("en1",)]
    assert (
        _search(con, "quotes", "quote_id", "공급망")[0]
        == _search(con, "quotes", "quote_id", "공급망을 지키겠다")[0]
    )
    assert len(_search(con, "quotes", "quote_id", "対話")) == 1
    assert con.execute(
        "SELECT count(*) FROM articles WHERE search_terms IS NOT NULL"
    ).fetchone() == (2,)


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


@pytest.mark.parametrize(("days_later", "linked"), [(10, True), (20, False)])
def test_an_edited_copy_is_looked_for_among_originals_of_the_same_fortnight(
    con: duckdb.DuckDBPyConnection, days_later: int, linked: bool
) -> None:
    """A partner's edited copy weeks later is stored as its own story: comparing it with
    the whole archive would make every run cost more as the archive grows."""
    load_batch(con, [_story("s01_yonhap_photoresist_licensing", "orig", 1)], [], log_key="r1")
    late = _story("v01_mainichi_copy_of_s01", "copy", 1)
    assert late.published_at is not None
    late.published_at += timedelta(days=days_later)
    load_batch(con, [late], [], log_key="r2")
    assert con.execute(
        "SELECT duplicate_of FROM articles WHERE article_id = 'copy'"
    ).fetchone() == ("orig" if linked else None,)


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


ATTRIBUTIONS = (
    "cue",
    "colon",
    "transcript",
    "previous_sentence",
    "narrative",
    "remark",
    "dash",
    "inherited",
)


def _column_comments(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str | None]:
    rows = con.execute(
        "SELECT column_name, comment FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name = ?",
        [table],
    ).fetchall()
    return dict(rows)


def test_quote_attribution_round_trips(con: duckdb.DuckDBPyConnection) -> None:
    text = (
        'Japan restored South Korea to its "white list" on Monday.\n\n'
        'Trade Minister Ahn Duk-geun met reporters. "This is a necessary step," he said. '
        '"We expect the same from Tokyo," he added. "Nobody knows who says this one at all."'
    )
    starts = [text.index(w) for w in ("This is", "We expect", "Nobody")]
    article = _article("a1", text)
    assert article.analysis is not None
    article.analysis.quotes = [
        Quote(
            "This is a necessary step,",
            "Ahn Duk-geun",
            "pronoun",
            "said",
            starts[0],
            starts[0] + 25,
            speaker_canonical="Ahn Duk-geun",
            speaker_text="he",
            attribution="cue",
            reported_by="Yonhap",
        ),
        Quote(
            "We expect the same from Tokyo,",
            None,
            "pronoun",
            "added",
            starts[1],
            starts[1] + 30,
            speaker_text="he",
            attribution="inherited",
        ),
        Quote(
            "Nobody knows who says this one at all.",
            None,
            "unknown",
            None,
            starts[2],
            starts[2] + 38,
        ),
    ]
    counts = load_batch(con, [article], [], log_key="r")
    assert counts.quotes == 3
    rows = con.execute(
        "SELECT quote_id, start_char, end_char, speaker, speaker_kind, speaker_canonical, "
        "speaker_text, attribution, reported_by FROM quotes ORDER BY seq"
    ).fetchall()
    assert [r[3:] for r in rows] == [
        ("Ahn Duk-geun", "pronoun", "Ahn Duk-geun", "he", "cue", "Yonhap"),
        (None, "pronoun", None, "he", "inherited", None),
        (None, "unknown", None, None, None, None),
    ]
    shown = con.execute("SELECT reported_by FROM report_quotes ORDER BY seq").fetchall()
    assert shown == [("Yonhap",), (None,), (None,)]
    # quote_id still hashes article, offsets and extraction version only
    for quote_id, start, end, *_ in rows:
        key = f"a1:{start}:{end}:test-1"
        assert quote_id == hashlib.sha256(key.encode()).hexdigest()[:16]


def test_changed_attribution_is_written_on_reanalysis(con: duckdb.DuckDBPyConnection) -> None:
    load_batch(con, [_article("a1")], [], log_key="r1")
    assert con.execute("SELECT speaker_text, attribution FROM quotes").fetchall() == [(None, None)]
    newer = _article("a1")
    assert newer.analysis is not None
    newer.analysis.extraction_version = "test-2"
    newer.analysis.quotes[0].speaker_text = "Trade Minister Ahn Duk-geun"
    newer.analysis.quotes[0].attribution = "cue"
    load_batch(con, [newer], [], log_key="r2")
    assert con.execute("SELECT speaker_text, attribution FROM quotes").fetchall() == [
        ("Trade Minister Ahn Duk-geun", "cue")
    ]


def test_attribution_columns_are_commented(con: duckdb.DuckDBPyConnection) -> None:
    comments = _column_comments(con, "quotes")
    assert {"speaker_text", "attribution", "reported_by"} <= comments.keys()
    assert comments["speaker_text"] and comments["attribution"]
    assert "according to" in comments["reported_by"]
    for value in ATTRIBUTIONS:
        assert value in comments["attribution"], value
    kinds = get_args(SpeakerKind)
    assert len(kinds) == 7
    for kind in kinds:
        assert kind in comments["speaker_kind"], kind
    # the old four-kind comment from 001 is replaced, not kept
    assert comments["speaker_kind"] != "named, descriptor, pronoun (resolved to a name) or unknown."
    assert "pronoun" in comments["speaker"] and "organisation" in comments["speaker"]


def test_database_from_older_migrations_is_upgraded(tmp_path: Path) -> None:
    old = tmp_path / "migrations-005"
    old.mkdir()
    for file in sorted(MIGRATIONS_DIR.glob("00[1-5]_*.sql")):
        shutil.copy(file, old / file.name)
    assert len(list(old.glob("*.sql"))) == 5
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    assert migrate(raw, old) == [1, 2, 3, 4, 5]
    assert "attribution" not in _column_comments(raw, "quotes")
    raw.execute(
        "INSERT INTO articles (article_id, url, canonical_url, source, title, published_from, "
        "fetched_at, relevant, relevance, topics, relevance_evidence, text, content_hash, "
        "extraction_version) VALUES ('old', 'http://wire.example/old', "
        "'http://wire.example/old', 'wire', 'Old', 'feed', TIMESTAMPTZ '2019-07-01 00:00:00+00', "
        "true, 0.8, ['export_controls'], ['export controls'], ?, 'hash-old', 'v0')",
        [TEXT],
    )
    raw.execute(
        "INSERT INTO quotes (quote_id, article_id, seq, quote, speaker, speaker_kind, cue, "
        "start_char, end_char, extraction_version) VALUES "
        "('q-old', 'old', 0, 'This is a necessary step,', 'Ahn Duk-geun', 'named', 'told', "
        "60, 85, 'v0')"
    )
    raw.execute(  # a mention from before entities were kept: no entity_id
        "INSERT INTO entity_mentions (article_id, seq, text, label, canonical, start_char, "
        "end_char, extraction_version) VALUES ('old', 0, 'METI', 'ORG', 'METI', 0, 4, 'v0')"
    )
    before = raw.execute("SELECT * FROM quotes").fetchall()
    raw.close()

    con = connect(path)  # the loader's way in: applies what is missing
    try:
        versions = con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        files = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
        assert versions == [(int(f.name[:3]),) for f in files] and len(versions) >= 7
        comments = _column_comments(con, "quotes")
        assert comments["speaker_text"] and comments["attribution"]
        assert "organisation" in comments["speaker_kind"]
        old_cols = (
            "quote_id, article_id, seq, quote, speaker, speaker_kind, speaker_canonical, cue, "
            "start_char, end_char, extraction_version, speaker_entity_id"
        )
        assert con.execute(f"SELECT {old_cols} FROM quotes").fetchall() == before
        assert con.execute("SELECT speaker_text, attribution FROM quotes").fetchall() == [
            (None, None)
        ]
        article = _article("new")
        assert article.analysis is not None
        article.analysis.quotes[0].speaker_text = "Trade Minister Ahn Duk-geun"
        article.analysis.quotes[0].attribution = "cue"
        counts = load_batch(con, [article], [], log_key="r")
        assert counts.articles_new == 1 and counts.quotes == 1
        rows = con.execute(
            "SELECT article_id, speaker_text, attribution FROM quotes ORDER BY article_id"
        ).fetchall()
        assert rows == [("new", "Trade Minister Ahn Duk-geun", "cue"), ("old", None, None)]
        assert con.execute("SELECT article_id FROM articles ORDER BY 1").fetchall() == [
            ("new",),
            ("old",),
        ]
        old_day = date(2019, 7, 1)  # undated: the day it was fetched
        days = "SELECT article_id, day FROM {} ORDER BY 1"
        for table in ("articles", "quotes", "entity_mentions"):
            assert con.execute(days.format(table)).fetchall() == [
                ("new", WHEN.date()),
                ("old", old_day),
            ], table
        assert con.execute(
            "SELECT e.entity_id, e.first_day FROM entities e JOIN entity_mentions m "
            "USING (entity_id) WHERE m.article_id = 'old'"
        ).fetchall() == [(entity_id("ORG", "METI"), old_day)]
        assert con.execute("SELECT article_id, day FROM report_quotes ORDER BY 1").fetchall() == [
            ("new", WHEN.date()),
            ("old", old_day),
        ]
    finally:
        con.close()


def test_the_utc_day_is_stored_with_the_article_its_quotes_and_mentions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Published at 07:00 in Seoul is the day before in UTC: the reports' day, stored on
    every row of the article, and replaced with it when the article is rewritten."""
    seoul = timezone(timedelta(hours=9))
    load_batch(
        con,
        [_article("a", published_at=datetime(2023, 8, 14, 7, 0, tzinfo=seoul))],
        [],
        log_key="r1",
    )
    rows = "SELECT DISTINCT day FROM {} WHERE article_id = 'a'"
    for table in ("articles", "quotes", "entity_mentions", "report_articles", "report_quotes"):
        assert con.execute(rows.format(table)).fetchall() == [(date(2023, 8, 13),)], table
    load_batch(
        con,
        [_article("a", "Updated. " + TEXT, published_at=datetime(2023, 8, 15, 12, tzinfo=UTC))],
        [],
        log_key="r2",
    )
    for table in ("articles", "quotes", "entity_mentions"):
        assert con.execute(rows.format(table)).fetchall() == [(date(2023, 8, 15),)], table


QUERIES = Path(__file__).resolve().parents[2] / "include" / "sql" / "queries"


def _q(quote: str, speaker: str | None, kind: SpeakerKind, canonical: str | None = None, **kw):
    return Quote(quote, speaker, kind, "said", 0, len(quote), canonical, **kw)


def test_report_queries_rank_people_and_organisations(con: duckdb.DuckDBPyConnection) -> None:
    first, second = _article("a1"), _article("a2", TEXT + " More.")
    assert first.analysis is not None and second.analysis is not None
    first.analysis.quotes = [
        _q("one", "Ahn Duk-geun", "named", "Ahn Duk-geun", speaker_text="Ahn", attribution="cue"),
        _q("two", "Ahn Duk-geun", "pronoun", "Ahn Duk-geun", speaker_text="he", attribution="cue"),
        _q("three", None, "pronoun", speaker_text="he", attribution="cue"),
        _q("four", "senior official", "descriptor", speaker_text="a senior official"),
        _q("five", "the ministry", "organisation", "Ministry of Economy, Trade and Industry"),
        _q("six", "the company", "organisation", speaker_text="the company"),
        _q("seven", "statement", "document", speaker_text="a statement"),
        _q("eight", "Yonhap", "media", "Yonhap News Agency", speaker_text="Yonhap"),
        _q("nine", None, "unknown"),
    ]
    second.analysis.quotes = [
        _q("ten", "Ahn", "named", "Ahn Duk-geun", speaker_text="Ahn", attribution="cue"),
        _q("eleven", "METI", "organisation", "Ministry of Economy, Trade and Industry"),
        _q("twelve", "senior official", "descriptor", speaker_text="a senior official"),
    ]
    load_batch(con, [first, second], [], log_key="r")
    top = con.sql((QUERIES / "02_top_speakers.sql").read_text(encoding="utf-8")).fetchall()
    assert top == [
        ("Ahn Duk-geun", "named/pronoun", 3, 2),
        ("Ministry of Economy, Trade and Industry", "organisation", 2, 2),
    ]
    latest = con.sql((QUERIES / "04_latest_quotes.sql").read_text(encoding="utf-8"))
    assert "kind" in latest.columns
    by_quote = {row[-1]: row[2:4] for row in latest.fetchall()}
    assert by_quote["three"] == ("he", "pronoun")
    assert by_quote["two"] == ("Ahn Duk-geun", "pronoun")
    assert by_quote["four"] == ("senior official", "descriptor")


def test_loads_append_in_small_row_groups_and_whole_copies_are_large(tmp_path: Path) -> None:
    """A checkpoint rewrites each row group a load appended to: the main file, and what
    each publish appends to a copy, are written in groups of ROW_GROUP_SIZE rows, not
    DuckDB's 122,880; a whole copy, which later loads append to in groups of their own,
    is written in large ones (fewer groups for the first checkpoint to read)."""
    from tradewatch.store import publish_snapshot
    from tradewatch.store.db import ROW_GROUP_SIZE
    from tradewatch.store.snapshot import snapshot_path

    db, rows = tmp_path / "tw.duckdb", 40_000
    for run in ("r1", "r2"):
        entries = [
            FetchLogEntry(f"http://wire.example/{run}/{i}", "article", "ok", WHEN, run_id=run)
            for i in range(rows)
        ]
        con = connect(db)
        try:
            load_batch(con, [], entries, log_key=run)
            publish_snapshot(con, db)  # r1: a whole copy; r2: the snapshot caught up
        finally:
            con.close()
    sizes = (
        "SELECT list(n ORDER BY row_group_id) FROM (SELECT row_group_id, sum(count) AS n "
        "FROM pragma_storage_info('fetch_log') WHERE column_name = 'log_id' "
        "AND segment_type = 'VARCHAR' GROUP BY row_group_id)"
    )
    with duckdb.connect(str(db), read_only=True) as reader:
        main = reader.execute(sizes).fetchone()[0]
    with duckdb.connect(str(snapshot_path(db)), read_only=True) as reader:
        whole, *appended = reader.execute(sizes).fetchone()[0]
    assert sum(main) == 2 * rows and max(main) == ROW_GROUP_SIZE
    assert len(main) == -(-2 * rows // ROW_GROUP_SIZE)
    assert whole == rows and sum(appended) == rows and max(appended) == ROW_GROUP_SIZE


def _mentioning(article_id: str, day: int, *names: str, relevant: bool = True) -> Article:
    """An article of 2023-08-<day> mentioning these organisations."""
    article = _article(
        article_id,
        f"{article_id} on {', '.join(names)}. " + TEXT,
        relevant=relevant,
        published_at=datetime(2023, 8, day, 12, tzinfo=UTC),
    )
    assert article.analysis is not None
    article.analysis.entities = [EntityMention(n, "ORG", n, 0, len(n)) for n in names]
    return article


def test_entities_are_dated_as_report_entity_first_seen_dates_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Loads keep entities.first_day the first day of a stored mention, which the brief
    reads instead of aggregating every mention: earlier articles move it back, a rewrite
    that drops the earliest mention moves it on, and an entity no article mentions any
    more has none; each load records the entities it dated for the snapshot."""
    load_batch(
        con,
        [_mentioning("a10", 10, "JSR"), _mentioning("a12", 12, "JSR", "METI")],
        [],
        log_key="r1",
    )
    load_batch(
        con,
        [_mentioning("a5", 5, "METI"), _mentioning("a20", 20, "Stella Chemifa")],
        [],
        log_key="r2",
    )
    load_batch(
        con,
        [_mentioning("a10", 10, "Samsung"), _mentioning("a20", 20, "X", relevant=False)],
        [],
        log_key="r3",
    )

    dated = dict(
        con.execute("SELECT canonical, first_day FROM entities WHERE label = 'ORG'").fetchall()
    )
    assert dated == {
        "JSR": date(2023, 8, 12),  # a10, its first mention, no longer names it
        "METI": date(2023, 8, 5),
        "Stella Chemifa": None,  # a20 is no longer relevant: no mention left
        "Samsung": date(2023, 8, 10),
    }
    view = dict(
        con.execute(
            "SELECT canonical, first_day FROM report_entity_first_seen WHERE label = 'ORG'"
        ).fetchall()
    )
    assert view == {name: day for name, day in dated.items() if day is not None}
    recorded = {
        row[0]
        for row in con.execute(
            "SELECT e.canonical FROM load_changes c JOIN entities e ON e.entity_id = c.key "
            "WHERE c.tbl = 'entities' AND c.load_seq = (SELECT max(load_seq) FROM load_changes)"
        ).fetchall()
    }
    assert {"JSR", "Stella Chemifa", "Samsung"} <= recorded
