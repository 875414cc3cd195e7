"""The full-text indexes kept up to date by each load rank exactly as a rebuild would."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tradewatch.config import ConfigError
from tradewatch.models import Analysis, Article, Quote
from tradewatch.store import build_search_indexes, connect, load_batch
from tradewatch.store.db import load_fts
from tradewatch.store.search_index import needs_sealing, seal_search_terms
from tradewatch.store.term_partitions import PART_ROWS, ROWS_ENV

WHEN = datetime(2023, 3, 16, 9, 0, tzinfo=UTC)
# Sentences written for this test, each with its quoted words; articles are built from them.
SENTENCES = {
    "en": [
        ('"Export curbs on photoresist will end," the trade minister said.', "Export curbs"),
        ('"Hydrogen fluoride shipments resume next month," a METI official said.', "Hydrogen"),
        ('"The white list is restored," Ahn Duk-geun told reporters in Seoul.', "The white"),
        ('"Samsung keeps a second supplier," an analyst said of the chip maker.', "Samsung"),
        ('"We withdraw the WTO complaint," the ministry said on Thursday.', "We withdraw"),
    ],
    "ko": [
        ('산업부는 "수출규제 해제를 환영한다"고 밝혔다.', "수출규제 해제를"),
        ('안덕근 장관은 "불화수소 공급망을 지키겠다"고 말했다.', "불화수소 공급망을"),
        ('업계 관계자는 "포토레지스트 재고가 충분하다"고 전했다.', "포토레지스트 재고가"),
    ],
    "ja": [
        ("経済産業省は「輸出管理を見直す」と述べた。", "輸出管理を見直す"),
        ("西村大臣は「対話を続ける」と語った。", "対話を続ける"),
        ("関係者は「フッ化水素の出荷が増える」と話した。", "フッ化水素の出荷が増える"),
    ],
}
QUERIES = [
    "export curbs",
    "photoresist",
    "white list",
    "hydrogen fluoride",
    "minister said",
    "수출규제",
    "불화수소 공급망",
    "輸出管理",
    "対話",
    "述べた",
    "フッ化水素",
]


def _article(article_id: str, lang: str, picks: list[int], *, hour: int = 0) -> Article:
    """An article of the chosen sentences of one language, each quote located in it."""
    sentences = [SENTENCES[lang][i % len(SENTENCES[lang])] for i in picks]
    text = "\n\n".join(s for s, _ in sentences)
    quotes = []
    for sentence, opening in sentences:
        start = text.index(sentence) + sentence.index(opening)
        quotes.append(Quote(opening, "Ahn Duk-geun", "named", "said", start, start + len(opening)))
    return Article(
        article_id=article_id,
        url=f"http://wire.example/{article_id}",
        canonical_url=f"http://wire.example/{article_id}",
        source="wire",
        title=f"{sentences[0][1]} {article_id}",
        text=text,
        fetched_at=WHEN,
        published_at=WHEN + timedelta(hours=hour),
        published_offset="+09:00",
        published_from="jsonld",
        content_hash=f"hash-{text}",
        lang=lang,
        analysis=Analysis(
            relevant=True,
            relevance=0.9,
            topics=["export_controls"],
            quotes=quotes,
            extraction_version="test-1",
        ),
    )


def _scores(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """Every query's hits with their BM25 scores, for both indexes."""
    found = {}
    for table, key in (("articles", "article_id"), ("quotes", "quote_id")):
        for query in QUERIES:
            found[table, query] = [
                (name, round(score, 9))
                for name, score in con.execute(
                    f"SELECT {key}, score FROM (SELECT {key}, fts_main_{table}.match_bm25("
                    f"{key}, tw_search_terms(?)) AS score FROM {table}) "
                    "WHERE score IS NOT NULL ORDER BY score DESC, 1",
                    [query],
                ).fetchall()
            ]
    return found


def _index_content(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, list[tuple]]:
    """The index as BM25 reads it, independent of how documents and terms are numbered."""
    schema = f"fts_main_{table}"
    return {
        "docs": con.execute(f"SELECT name, len FROM {schema}.docs ORDER BY ALL").fetchall(),
        "dict": con.execute(f"SELECT term, df FROM {schema}.dict ORDER BY ALL").fetchall(),
        "stats": con.execute(f"SELECT num_docs, avgdl FROM {schema}.stats").fetchall(),
        "terms": con.execute(
            f"SELECT d.name, f.field, w.term FROM {schema}.terms t "
            f"JOIN {schema}.docs d USING (docid) JOIN {schema}.dict w USING (termid) "
            f"JOIN {schema}.fields f USING (fieldid) ORDER BY ALL"
        ).fetchall(),
    }


def _rebuilt(
    con: duckdb.DuckDBPyConnection, path: Path, tmp_path: Path
) -> duckdb.DuckDBPyConnection:
    """A copy of the database with both indexes built whole."""
    con.execute("CHECKPOINT")
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(path, copy)
    con = connect(copy)
    assert build_search_indexes(con)
    return con


@pytest.fixture
def db(tmp_path: Path):
    path = tmp_path / "db" / "t.duckdb"
    con = connect(path)
    yield path, con
    con.close()


def _term_tables(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    """The tables behind an index's ``terms`` view, with their rows."""
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? "
        "AND regexp_full_match(table_name, 'terms_[0-9]+') ORDER BY 1",
        [f"fts_main_{table}"],
    ).fetchall()
    return {
        name: con.execute(f"SELECT count(*) FROM fts_main_{table}.{name}").fetchone()[0]
        for (name,) in names
    }


@pytest.mark.parametrize("part_rows", [PART_ROWS, 10], ids=["one-terms-table", "many"])
def test_incremental_loads_rank_as_a_rebuild(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part_rows: int
) -> None:
    """New, rewritten, shortened, emptied and unchanged articles across four loads: the
    index holds what a rebuild holds and every query scores the same, however many
    tables its terms were spread over."""
    monkeypatch.setattr("tradewatch.store.term_partitions.PART_ROWS", part_rows)
    path, con = db
    load_batch(
        con,
        [_article(f"en{i}", "en", [i, i + 1]) for i in range(4)]
        + [_article("ko0", "ko", [0, 1]), _article("ja0", "ja", [0])],
        [],
        log_key="r1",
    )
    load_batch(
        con,
        [
            _article("en0", "en", [0, 1]),  # unchanged
            _article("en1", "en", [2, 3, 4]),  # rewritten, one quote more
            _article("ko0", "ko", [2]),  # one quote fewer
            _article("ko1", "ko", [1, 2]),
            _article("ja1", "ja", [1, 2], hour=1),
        ],
        [],
        log_key="r2",
    )
    emptied = _article("en2", "en", [3])
    emptied.text = "Markets were calm on Friday."
    emptied.content_hash = "hash-calm"
    assert emptied.analysis is not None
    emptied.analysis.quotes = []
    load_batch(con, [emptied, _article("ja0", "ja", [2, 0])], [], log_key="r3")
    load_batch(con, [_article("en9", "en", [0, 4], hour=2)], [], log_key="r4")

    rebuilt = _rebuilt(con, path, tmp_path)
    try:
        for table in ("articles", "quotes"):
            assert _index_content(con, table) == _index_content(rebuilt, table), table
        incremental, whole = _scores(con), _scores(rebuilt)
    finally:
        rebuilt.close()
    assert incremental == whole
    assert incremental["articles", "export curbs"][0][0] in {"en0", "en9"}
    assert {name for name, _ in incremental["articles", "輸出管理"]} == {"ja0"}
    assert not any(name == "en2" for name, _ in incremental["articles", "hydrogen fluoride"])
    assert con.execute("SELECT num_docs FROM fts_main_quotes.stats").fetchone() == (
        con.execute("SELECT count(*) FROM quotes").fetchone()[0],
    )
    assert (len(_term_tables(con, "articles")) > 2) == (part_rows < PART_ROWS)


def test_a_load_of_new_articles_writes_only_the_last_terms_table(
    db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Full tables are left alone by loads of new articles (their checkpoint would rewrite
    all of their metadata), and a rewritten article's old terms leave the table that
    held them."""
    monkeypatch.setattr("tradewatch.store.term_partitions.PART_ROWS", 5)  # under an article's
    _, con = db
    load_batch(con, [_article(f"en{i}", "en", [i, i + 1]) for i in range(3)], [], log_key="r1")
    load_batch(con, [_article("en3", "en", [3])], [], log_key="r2")
    before = _term_tables(con, "articles")
    load_batch(con, [_article("en4", "en", [4])], [], log_key="r3")
    after = _term_tables(con, "articles")
    assert len(after) == len(before) + 1
    assert {name: after[name] for name in before} == before
    load_batch(con, [_article("en0", "en", [2])], [], log_key="r4")
    rewritten = _term_tables(con, "articles")
    assert rewritten["terms_0"] < after["terms_0"]
    assert {name: rewritten[name] for name in list(after)[1:]} == dict(list(after.items())[1:])


def test_terms_table_rows_come_from_the_environment(db, monkeypatch: pytest.MonkeyPatch) -> None:
    """``TRADEWATCH_TERMS_TABLE_ROWS`` starts new terms tables as PART_ROWS does; a value
    that is not a number of rows stops the load with the variable named."""
    _, con = db
    monkeypatch.setenv(ROWS_ENV, "5")
    load_batch(con, [_article("en0", "en", [0, 1])], [], log_key="r1")
    load_batch(con, [_article("en1", "en", [2])], [], log_key="r2")
    assert list(_term_tables(con, "articles")) == ["terms_0", "terms_1"]
    monkeypatch.setenv(ROWS_ENV, "0")
    with pytest.raises(ConfigError, match=ROWS_ENV):
        load_batch(con, [_article("en2", "en", [3])], [], log_key="r3")


def _row_groups(con: duckdb.DuckDBPyConnection, table: str) -> int:
    (groups,) = con.execute(
        f"SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('{table}')"
    ).fetchone()
    return groups


def test_full_terms_tables_are_sealed_in_large_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a load starts a new terms table, the full one is rewritten in large row groups
    (fewer for every later checkpoint to read) and marked, with nothing it holds changed;
    the next loads neither reseal it nor write to it."""
    monkeypatch.setattr("tradewatch.store.db.ROW_GROUP_SIZE", 2_048)
    monkeypatch.setattr("tradewatch.store.db.LARGE_ROW_GROUP_SIZE", 8_192)
    monkeypatch.setattr("tradewatch.store.term_partitions.PART_ROWS", 6_000)
    path = tmp_path / "t.duckdb"

    def load(run: str, *articles: Article) -> bool:
        con = connect(path)
        try:
            load_batch(con, list(articles), [], log_key=run)
            return needs_sealing(con)
        finally:
            con.close()

    def long(article_id: str) -> Article:  # some 2,800 terms, one quote
        article = _article(article_id, "en", list(range(400)))
        assert article.analysis is not None
        article.analysis.quotes = article.analysis.quotes[:1]
        return article

    assert not load("r1", long("en0"), long("en1"), long("en2"))
    assert load("r2", long("en3"))
    con = connect(path)
    try:
        full = _term_tables(con, "articles")["terms_0"]
        before = _row_groups(con, "fts_main_articles.terms_0")
        content = _index_content(con, "articles")
    finally:
        con.close()
    seal_search_terms(path, 0)
    assert not load("r3", long("en4"))
    con = connect(path)
    try:
        assert load_fts(con)
        assert _term_tables(con, "articles")["terms_0"] == full
        after = _row_groups(con, "fts_main_articles.terms_0")
        assert before >= -(-full // 2_048) > after == -(-full // 8_192)
        assert (
            con.execute(
                "SELECT comment FROM duckdb_tables() WHERE schema_name = 'fts_main_articles' "
                "AND table_name = 'terms_0'"
            )
            .fetchone()[0]
            .startswith("Full")
        )
        rebuilt = _rebuilt(con, path, tmp_path)
        try:
            assert _scores(con) == _scores(rebuilt)
        finally:
            rebuilt.close()
        assert content["terms"] == [
            row for row in _index_content(con, "articles")["terms"] if row[0] != "en4"
        ]
    finally:
        con.close()


def test_an_index_of_one_terms_table_is_split_without_a_rebuild(
    db, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file written before terms were split keeps its index: the next load renames the
    table behind a ``terms`` view and indexes its own articles into it."""
    path, con = db
    load_batch(con, [_article("en0", "en", [0]), _article("ja0", "ja", [0])], [], log_key="r1")
    for table in ("articles", "quotes"):
        con.execute(f"DROP VIEW fts_main_{table}.terms")
        con.execute(f"ALTER TABLE fts_main_{table}.terms_0 RENAME TO terms")
    docids = con.execute("SELECT docid, name FROM fts_main_articles.docs ORDER BY 1").fetchall()
    with caplog.at_level("WARNING", logger="tradewatch.store.search_index"):
        load_batch(con, [_article("en1", "en", [1])], [], log_key="r2")
    assert "not laid out" not in caplog.text
    assert set(_term_tables(con, "articles")) == {"terms_0"}
    assert (
        con.execute(
            "SELECT docid, name FROM fts_main_articles.docs WHERE name <> 'en1' ORDER BY 1"
        ).fetchall()
        == docids
    )
    rebuilt = _rebuilt(con, path, tmp_path)
    try:
        assert _scores(con) == _scores(rebuilt)
    finally:
        rebuilt.close()


def test_an_index_laid_out_otherwise_is_rebuilt(db, caplog: pytest.LogCaptureFixture) -> None:
    """An index from another layout (another fts version) is rebuilt whole by the next load
    rather than patched."""
    _, con = db
    load_batch(con, [_article("en0", "en", [0])], [], log_key="r1")
    con.execute("ALTER TABLE fts_main_articles.docs DROP COLUMN len")
    with caplog.at_level("WARNING", logger="tradewatch.store.search_index"):
        load_batch(con, [_article("en1", "en", [1])], [], log_key="r2")
    assert "not laid out as expected" in caplog.text
    assert con.execute(
        "SELECT article_id FROM (SELECT article_id, fts_main_articles.match_bm25(article_id, "
        "'hydrogen') AS score FROM articles) WHERE score IS NOT NULL"
    ).fetchall() == [("en1",)]


def test_a_failed_load_leaves_the_index_as_it_was(db) -> None:
    """The index is written in the load's transaction: a load that fails keeps both."""
    _, con = db
    load_batch(con, [_article("en0", "en", [0])], [], log_key="r1")
    before = _index_content(con, "articles")
    broken = _article("en1", "en", [1])
    broken.published_at = "not a time"  # type: ignore[assignment]
    with pytest.raises(pa.ArrowTypeError):
        load_batch(con, [_article("en2", "en", [2]), broken], [], log_key="r2", batch_size=1)
    assert _index_content(con, "articles") == before
