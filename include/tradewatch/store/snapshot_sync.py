"""Bringing a copy of the database up to date by applying the loads it has not seen.

Copying the whole database for every publish grows with the archive. Instead each load
records in ``load_changes`` what it wrote (the articles, with their quotes, mentions and
search-index rows; new entities; fetch-log rows), numbered by load; a copy holds the loads
up to the highest number in its own ``load_changes``. Catching up replaces, in the copy,
exactly the rows keyed by what the later loads wrote, and the small bookkeeping tables
whole. Every table has a rule here; a table without one, a layout that differs (a
migration ran), a load that rebuilt an index whole (``*``) or changes pruned before the
copy's load mean the copy cannot catch up, and the caller copies the database whole.
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa

from tradewatch.store.row_ranges import ranged, row_ranges
from tradewatch.store.term_partitions import append_terms, delete_terms, is_part

__all__ = ["catch_up", "database_seq", "misses_articles", "prune_changes"]

logger = logging.getLogger(__name__)

# main tables keyed by what load_changes names, and the column it names
_KEYED = {"articles": "article_id", "entities": "entity_id", "fetch_log": "log_id"}
# main tables whose rows belong to an article: replaced with it
_OF_ARTICLE = ("quotes", "entity_mentions")
# small tables every load may touch: replaced whole
_WHOLE = (
    "pipeline_runs",
    "http_validators",
    "pending_fetches",
    "schema_migrations",
    "load_changes",
)
# full-text index schemas, and the table whose keys name their documents
_INDEXES = {"fts_main_articles": "articles", "fts_main_quotes": "quotes"}
_INDEX_TABLES = {"docs", "terms", "dict", "stats", "fields", "stopwords"}
_INDEX_WHOLE = ("stats", "fields", "stopwords")


def database_seq(con: duckdb.DuckDBPyConnection, db: str) -> int | None:
    """The number of the last load ``db`` holds; None for a file older than migration 013."""
    if not _has_changes_table(con, db):
        return None
    (seq,) = con.execute(
        f"SELECT coalesce(max(load_seq), 0) FROM {_q(db)}.main.load_changes"
    ).fetchone()
    return int(seq)


def misses_articles(con: duckdb.DuckDBPyConnection, source: str, copy: str) -> bool:
    """Whether loads ``copy`` has not seen wrote articles (what makes catching up cost);
    True also when that cannot be told, so the caller tries."""
    since = database_seq(con, copy)
    if since is None or not _has_changes_table(con, source):
        return True
    return bool(
        con.execute(
            f"SELECT count(*) FROM {_q(source)}.main.load_changes "
            "WHERE load_seq > ? AND tbl = 'articles'",
            [since],
        ).fetchone()[0]
    )


def catch_up(con: duckdb.DuckDBPyConnection, source: str, copy: str) -> str | None:
    """Apply to the attached database ``copy`` what ``source`` loaded since the copy's last
    load, in one transaction. Returns None when done, or why it cannot be done (the copy
    is then left as it was)."""
    since, until = database_seq(con, copy), database_seq(con, source)
    if since is None or until is None:
        return "no record of loads"
    reason = _why_not(con, source, copy, since, until)
    if reason:
        return reason
    keys = con.execute(
        f"SELECT DISTINCT tbl, key FROM {_q(source)}.main.load_changes WHERE load_seq > ?", [since]
    ).fetchall()
    by_table: dict[str, list[str]] = {}
    for table, key in keys:
        by_table.setdefault(table, []).append(key)
    if "*" in by_table:
        return "a later load rewrote more than its own rows"
    articles = sorted(set(by_table.get("articles", [])))
    con.execute("BEGIN TRANSACTION")
    try:
        # A daily load's articles are mostly new: the copy has no rows of theirs to
        # remove, and each removal is a scan of a whole key column.
        held = _of_articles(con, copy, "articles", "article_id", articles)
        old_quotes = _of_articles(con, copy, "quotes", "quote_id", held)
        new_quotes = _of_articles(con, source, "quotes", "quote_id", articles)
        docs = {
            "articles": (held, articles),
            "quotes": (old_quotes, sorted(set(old_quotes) | set(new_quotes))),
        }
        for schema, table in _INDEXES.items():
            if _has_schema(con, source, schema):
                _sync_index(con, source, copy, schema, *docs[table])
        _replace_keyed(con, source, copy, "articles", "article_id", articles, held)
        for table in _OF_ARTICLE:
            _replace_keyed(con, source, copy, table, "article_id", articles, held)
        for table in ("entities", "fetch_log"):
            keys = by_table.get(table, [])
            _replace_keyed(con, source, copy, table, _KEYED[table], keys, keys)
        for table in _WHOLE:
            _replace_whole(con, f"{_q(source)}.main.{table}", f"{_q(copy)}.main.{table}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    logger.info(
        "snapshot caught up on %d loads: %d articles, %d quotes",
        until - since,
        len(articles),
        len(docs["quotes"][1]),
    )
    return None


def prune_changes(con: duckdb.DuckDBPyConnection, keep_from: int) -> None:
    """Forget the changes of loads before ``keep_from``, the oldest load a kept copy holds
    (its own row stays, so that copy can still tell it may catch up)."""
    con.execute("DELETE FROM load_changes WHERE load_seq < ?", [keep_from])


def _why_not(
    con: duckdb.DuckDBPyConnection, source: str, copy: str, since: int, until: int
) -> str | None:
    if since > until:
        return "the copy holds loads the database does not"
    if not con.execute(
        f"SELECT count(*) FROM {_q(source)}.main.load_changes WHERE load_seq = ?", [since]
    ).fetchone()[0]:
        return "the changes since the copy's last load were pruned"
    mine, theirs = _layout(con, source), _layout(con, copy)
    if mine != theirs:
        return "the tables differ (a migration ran)"
    for kind, schema, name, _ in mine:
        if kind == "table" and not _has_rule(schema, name):
            return f"no rule to bring {schema}.{name} up to date"
    return None


def _has_rule(schema: str, table: str) -> bool:
    if schema == "main":
        return table in _KEYED or table in _OF_ARTICLE or table in _WHOLE
    return schema in _INDEXES and table in _INDEX_TABLES


def _layout(con: duckdb.DuckDBPyConnection, db: str) -> list[tuple]:
    """Every table and view with its definition, leaving out how an index's ``terms`` is
    split into tables: each file starts its next table when its own last one is full."""
    return [
        row
        for row in con.execute(
            "SELECT 'table', schema_name, table_name, sql FROM duckdb_tables() "
            "WHERE database_name = $db AND NOT temporary UNION ALL "
            "SELECT 'view', schema_name, view_name, sql FROM duckdb_views() "
            "WHERE database_name = $db AND NOT internal ORDER BY ALL",
            {"db": db},
        ).fetchall()
        if not (row[1] in _INDEXES and (is_part(row[2]) or (row[0], row[2]) == ("view", "terms")))
    ]


def _has_changes_table(con: duckdb.DuckDBPyConnection, db: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
            "AND schema_name = 'main' AND table_name = 'load_changes'",
            [db],
        ).fetchone()[0]
    )


def _has_schema(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE database_name = ? AND schema_name = ?",
            [db, schema],
        ).fetchone()[0]
    )


def _of_articles(
    con: duckdb.DuckDBPyConnection, db: str, table: str, column: str, articles: list[str]
) -> list[str]:
    """``column`` of the rows of ``db``'s ``table`` that belong to these articles."""
    if not articles:
        return []
    con.register("sync_articles", pa.table({"key": pa.array(articles, pa.string())}))
    try:
        rows = con.execute(
            f"SELECT {column} FROM {_q(db)}.main.{table} "
            "WHERE article_id IN (SELECT key FROM sync_articles)"
        ).fetchall()
    finally:
        con.unregister("sync_articles")
    return sorted(row[0] for row in rows)


def _replace_keyed(
    con: duckdb.DuckDBPyConnection,
    source: str,
    copy: str,
    table: str,
    column: str,
    keys: list[str],
    held: list[str],
) -> None:
    """Replace the copy's rows of ``keys`` with the source's; only the keys in ``held``
    can have rows in the copy."""
    if not keys:
        return
    if held:
        con.register("sync_held", pa.table({"key": pa.array(sorted(set(held)), pa.string())}))
        try:
            con.execute(
                f"DELETE FROM {_q(copy)}.main.{table} WHERE {column} IN (SELECT key FROM sync_held)"
            )
        finally:
            con.unregister("sync_held")
    con.register("sync_keys", pa.table({"key": pa.array(sorted(set(keys)), pa.string())}))
    try:
        theirs = f"{_q(source)}.main.{table}"
        query = f"SELECT * FROM {theirs} WHERE {{rows}} AND {column} IN (SELECT key FROM sync_keys)"
        for sql in ranged(query, row_ranges(con, theirs, column, "SELECT key FROM sync_keys")):
            con.execute(f"INSERT INTO {_q(copy)}.main.{table} BY NAME {sql}")
    finally:
        con.unregister("sync_keys")


def _replace_whole(con: duckdb.DuckDBPyConnection, source: str, copy: str) -> None:
    con.execute(f"DELETE FROM {copy}")
    con.execute(f"INSERT INTO {copy} BY NAME SELECT * FROM {source}")


def _sync_index(
    con: duckdb.DuckDBPyConnection,
    source: str,
    copy: str,
    schema: str,
    held: list[str],
    names: list[str],
) -> None:
    """Replace the documents named ``names`` (their terms, and the dictionary rows of every
    term they had or have), then the statistics; only those in ``held`` can be in the
    copy already. Document numbers are bounded first so that DuckDB skips the blocks of
    ``terms`` that cannot hold them."""
    ours, theirs = f"{_q(copy)}.{schema}", f"{_q(source)}.{schema}"
    if names:
        con.register("sync_held", pa.table({"name": pa.array(held, pa.string())}))
        con.register("sync_docs", pa.table({"name": pa.array(names, pa.string())}))
        try:
            old = _docids(con, ours, "sync_held") if held else "false"
            new = _docids(con, theirs, "sync_docs")
            con.execute(
                "CREATE OR REPLACE TEMP TABLE sync_terms AS "
                f"SELECT DISTINCT termid FROM {ours}.terms WHERE {old} UNION "
                f"SELECT DISTINCT termid FROM {theirs}.terms WHERE {new}"
            )
            if held:
                delete_terms(con, copy, schema, old)
                con.execute(f"DELETE FROM {ours}.docs WHERE name IN (SELECT name FROM sync_held)")
            con.execute(
                f"INSERT INTO {ours}.docs BY NAME SELECT * FROM {theirs}.docs "
                "WHERE name IN (SELECT name FROM sync_docs)"
            )
            append_terms(con, copy, schema, f"SELECT * FROM {theirs}.terms WHERE {new}")
            con.execute(f"DELETE FROM {ours}.dict WHERE termid IN (SELECT termid FROM sync_terms)")
            con.execute(
                f"INSERT INTO {ours}.dict BY NAME SELECT * FROM {theirs}.dict "
                "WHERE termid IN (SELECT termid FROM sync_terms)"
            )
        finally:
            con.unregister("sync_held")
            con.unregister("sync_docs")
            con.execute("DROP TABLE IF EXISTS sync_terms")
    for table in _INDEX_WHOLE:
        _replace_whole(con, f"{theirs}.{table}", f"{ours}.{table}")


def _docids(con: duckdb.DuckDBPyConnection, index: str, names: str) -> str:
    """A filter on ``docid`` for the documents of ``index`` named in the view ``names``,
    bounded."""
    lo, hi = con.execute(
        f"SELECT min(docid), max(docid) FROM {index}.docs WHERE name IN (SELECT name FROM {names})"
    ).fetchone()
    if lo is None:
        return "false"
    return (
        f"docid BETWEEN {int(lo)} AND {int(hi)} AND docid IN "
        f"(SELECT docid FROM {index}.docs WHERE name IN (SELECT name FROM {names}))"
    )


def _q(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
