"""The full-text indexes on articles and quotes, kept up to date by the rows a load writes.

DuckDB's fts extension keeps an index as ordinary tables in a schema of its own
(``fts_main_<table>``: ``docs``, ``terms``, ``dict``, ``stats``, ``fields``,
``stopwords``) that its ``match_bm25`` macro reads. It can only build one whole
(``create_fts_index``), about 1 s per 1,000 articles, so rebuilding on every load would
make a daily run's cost grow with the archive. Instead the index is built once, and each
load, in the transaction that writes the rows, replaces the index rows of the documents it
wrote, derived the way ``create_fts_index`` derives them: the index's own ``tokenize``
macro, the stopword list and the Porter stemmer; ``docs.len`` the terms of a document,
``dict.df`` the documents holding a term, ``stats`` from ``docs``. BM25 reads nothing
else, so its scores equal a rebuild's (``tests/unit/test_search_index.py`` compares
both). ``terms`` is a view over numbered tables (:mod:`.term_partitions`), so a load's
checkpoint does not rewrite the metadata of all of them. An index whose tables are not
laid out as this expects is rebuilt whole.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from tradewatch.store.db import connect, load_fts, uncapped
from tradewatch.store.row_ranges import ranged, row_ranges
from tradewatch.store.term_partitions import (
    append_terms,
    delete_terms,
    is_part,
    partition,
    partitioned,
    seal,
    unsealed,
)

__all__ = [
    "INDEXES",
    "build_search_indexes",
    "drop_search_indexes",
    "needs_sealing",
    "seal_search_terms",
    "update_search_index",
]

logger = logging.getLogger(__name__)

# Indexed table: its key and the fields searched.
INDEXES = {
    "articles": ("article_id", ("title", "text", "search_terms")),
    "quotes": ("quote_id", ("quote", "speaker", "search_terms")),
}
# What the index drops between terms: anything but letters and digits of any script
# (fts's default keeps only a-z), accents kept (述べた is not 述へた).
_IGNORE = r"(\.|[^\p{L}\p{N}])+"
_STEMMER = "porter"
_LAYOUT = {
    "docs": ["docid", "name", "len"],
    "terms": ["docid", "fieldid", "termid"],
    "dict": ["termid", "term", "df"],
    "stats": ["num_docs", "avgdl"],
    "fields": ["fieldid", "field"],
    "stopwords": ["sw"],
}


def build_search_indexes(con: duckdb.DuckDBPyConnection) -> bool:
    """Build both indexes whole from the tables; False when fts is not installed."""
    if not load_fts(con):
        return False
    for table in INDEXES:
        _build(con, table)
    return True


def drop_search_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Drop both indexes, so the next load that can index builds them whole (a load without
    the fts extension must not leave an index that misses its rows)."""
    for table in INDEXES:
        con.execute(f"DROP SCHEMA IF EXISTS {_schema(table)} CASCADE")


def update_search_index(con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str]) -> bool:
    """Make the index of ``table`` hold the rows with these keys as they are now: rows
    written are (re)indexed, keys no longer in the table leave the index. The fts
    extension must be loaded on ``con``; an index missing or laid out otherwise is rebuilt
    whole instead, and then True is returned."""
    if not keys:
        return False
    (db,) = con.execute("SELECT current_database()").fetchone()
    if not _usable(con, db, table):
        _build(con, table)
        return True
    schema = _schema(table)
    key, fields = INDEXES[table]
    con.register("fts_keys", pa.table({"name": pa.array(sorted(set(keys)), pa.string())}))
    try:
        _remove_docs(con, db, schema)
        fieldids = dict(con.execute(f"SELECT field, fieldid FROM {schema}.fields").fetchall())
        _find_rows(con, table, key, fields)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fts_rows AS SELECT *, "
            f"(SELECT coalesce(max(docid), -1) FROM {schema}.docs) "
            "+ row_number() OVER (ORDER BY name) AS docid FROM fts_found"
        )
        tokens = " UNION ALL ".join(
            f'SELECT unnest({schema}.tokenize(r."{f}")) AS w, r.docid, {fieldids[f]} AS fieldid '
            "FROM fts_rows r"
            for f in fields
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE fts_new AS "
            f"SELECT stem(w, '{_STEMMER}') AS term, docid, fieldid FROM ({tokens}) "
            f"WHERE w IS NOT NULL AND len(w) > 0 AND w NOT IN (SELECT sw FROM {schema}.stopwords)"
        )
        _add_docs(con, db, schema)
        return False
    finally:
        con.unregister("fts_keys")
        con.execute("DROP TABLE IF EXISTS fts_rows")
        con.execute("DROP TABLE IF EXISTS fts_found")
        con.execute("DROP TABLE IF EXISTS fts_new")


def needs_sealing(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the current database has full terms tables to seal (:mod:`.term_partitions`)."""
    (db,) = con.execute("SELECT current_database()").fetchone()
    return bool(unsealed(con, db))


def seal_search_terms(path: str | Path, wait_seconds: float) -> None:
    """Seal the full terms tables of the file at ``path``. A file's row group size is fixed
    by how it is attached, so this opens the file itself: call it once the loader's
    connection is closed, when :func:`needs_sealing` said so."""
    started = time.perf_counter()
    con = connect(path, wait_seconds=wait_seconds, large_row_groups=True)
    try:
        (db,) = con.execute("SELECT current_database()").fetchone()
        parts = unsealed(con, db)
        for schema, number in parts:
            seal(con, db, schema, number)
    finally:
        con.close()
    logger.info(
        "sealed %d full terms tables of %s in %.2f s",
        len(parts),
        path,
        time.perf_counter() - started,
    )


def _find_rows(con: duckdb.DuckDBPyConnection, table: str, key: str, fields: Sequence[str]) -> None:
    """The rows of the keys, into ``fts_found``, read by row-id range (:mod:`.row_ranges`)."""
    columns = ", ".join(f'"{f}"' for f in fields)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE fts_found AS SELECT {key} AS name, {columns} "
        f"FROM {table} WHERE false"
    )
    query = (
        f"SELECT {key} AS name, {columns} FROM {table} "
        f"WHERE {{rows}} AND {key} IN (SELECT name FROM fts_keys)"
    )
    for sql in ranged(query, row_ranges(con, table, key, "SELECT name FROM fts_keys")):
        con.execute(f"INSERT INTO fts_found {sql}")


def _remove_docs(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> None:
    """Take the keys' documents out: their terms, their share of each term's df, their
    rows. Documents are numbered in load order, so bounding ``docid`` lets DuckDB skip
    the blocks of ``terms`` that cannot hold them."""
    lo, hi = con.execute(
        f"SELECT min(docid), max(docid) FROM {schema}.docs "
        "WHERE name IN (SELECT name FROM fts_keys)"
    ).fetchone()
    if lo is None:
        return
    theirs = (
        f"docid BETWEEN {int(lo)} AND {int(hi)} AND docid IN "
        f"(SELECT docid FROM {schema}.docs WHERE name IN (SELECT name FROM fts_keys))"
    )
    con.execute(
        f"UPDATE {schema}.dict SET df = df - gone.n FROM ("
        f"SELECT termid, count(DISTINCT docid) AS n FROM {schema}.terms WHERE {theirs} "
        "GROUP BY termid) AS gone WHERE dict.termid = gone.termid"
    )
    delete_terms(con, db, schema, theirs)
    con.execute(f"DELETE FROM {schema}.docs WHERE name IN (SELECT name FROM fts_keys)")


def _add_docs(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> None:
    """Put the documents of ``fts_rows`` (terms in ``fts_new``) in, then the statistics."""
    con.execute(
        f"INSERT INTO {schema}.docs (docid, name, len) "
        "SELECT r.docid, r.name, count(n.term) FROM fts_rows r "
        "LEFT JOIN fts_new n USING (docid) GROUP BY r.docid, r.name"
    )
    con.execute(
        f"INSERT INTO {schema}.dict (termid, term, df) "
        f"SELECT (SELECT coalesce(max(termid), -1) FROM {schema}.dict) "
        "+ row_number() OVER (ORDER BY term), term, 0 "
        f"FROM (SELECT DISTINCT term FROM fts_new ANTI JOIN {schema}.dict USING (term))"
    )
    con.execute(
        f"UPDATE {schema}.dict SET df = df + added.n FROM ("
        "SELECT term, count(DISTINCT docid) AS n FROM fts_new GROUP BY term) AS added "
        "WHERE dict.term = added.term"
    )
    append_terms(
        con,
        db,
        schema,
        f"SELECT n.docid, n.fieldid, d.termid FROM fts_new n JOIN {schema}.dict d USING (term)",
    )
    con.execute(f"DELETE FROM {schema}.dict WHERE df = 0")
    con.execute(f"DELETE FROM {schema}.stats")
    con.execute(
        f"INSERT INTO {schema}.stats (num_docs, avgdl) "
        f"SELECT count(docid), sum(len) / count(len) FROM {schema}.docs"
    )


def _usable(con: duckdb.DuckDBPyConnection, db: str, table: str) -> bool:
    """Whether ``table``'s index in ``db`` exists with the tables and columns this module
    writes. An index of one ``terms`` table, from a file written before
    :mod:`.term_partitions`, is partitioned here."""
    schema = _schema(table)
    columns: dict[str, list[str]] = {}
    for name, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? ORDER BY table_name, column_index",
        [db, schema],
    ).fetchall():
        columns.setdefault(name, []).append(column)
    found = {name: cols for name, cols in columns.items() if not is_part(name)}
    parts = [cols for name, cols in columns.items() if is_part(name)]
    view = partitioned(con, db, schema)
    laid_out = (
        found == _LAYOUT and all(cols == _LAYOUT["terms"] for cols in parts) and view == bool(parts)
    )
    if found and not laid_out:
        logger.warning("full-text index on %s is not laid out as expected: rebuilding it", table)
        return False
    if laid_out and not view:
        partition(con, db, schema)
    return laid_out


def _build(con: duckdb.DuckDBPyConnection, table: str) -> None:
    key, fields = INDEXES[table]
    columns = ", ".join(f"'{f}'" for f in fields)
    with uncapped(con):
        con.execute(
            f"PRAGMA create_fts_index('{table}', '{key}', {columns}, stemmer = '{_STEMMER}', "
            f"strip_accents = 0, ignore = '{_IGNORE}', overwrite = 1)"
        )
    (db,) = con.execute("SELECT current_database()").fetchone()
    partition(con, db, _schema(table))


def _schema(table: str) -> str:
    return f"fts_main_{table}"
