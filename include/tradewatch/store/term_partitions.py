"""A search index's ``terms`` kept as numbered tables behind a view of that name.

``terms`` has a row per word of every indexed document: 460 million rows in 28,000 row
groups at a million articles. A checkpoint writes the metadata of every row group of
each table a transaction changed, so while ``terms`` was one table each load's
checkpoint grew with the archive (0.8–1.5 s at a million articles, against 0.1 s when
the same rows go to a small table). Here the rows live in ``terms_0``, ``terms_1``, …
and ``terms`` is a view of their union, which ``match_bm25`` reads as before. A load
appends to the last table; once that holds :data:`PART_ROWS` rows the next load starts a
new one, so older tables change only when a document they hold is rewritten.

A full table is then *sealed*: rewritten once in row groups of
:data:`~tradewatch.store.db.LARGE_ROW_GROUP_SIZE` rows (by a connection that attached
its file so) and marked by its comment. Every file tradewatch writes is appended to in
groups of 16,384 rows, which kept the first checkpoint of a process reading the metadata
of 28,000 groups of ``terms`` at a million articles: 0.25 s, against 0.07 s sealed.
"""

from __future__ import annotations

import os
import re

import duckdb

from tradewatch.config import ConfigError

__all__ = [
    "PART_ROWS",
    "ROWS_ENV",
    "append_terms",
    "delete_terms",
    "is_part",
    "part_rows",
    "partition",
    "partitioned",
    "seal",
    "unsealed",
]

# Rows per table before the next one is started: some 2,000 row groups, whose
# checkpoint costs about what a table of a few thousand articles does.
PART_ROWS = 1 << 25
ROWS_ENV = "TRADEWATCH_TERMS_TABLE_ROWS"
_PART = re.compile(r"terms_(\d+)")
_SEALED = "Full: no load appends to it; rewritten in large row groups"
_COMMENTS = {
    "docid": "the document (docs.docid) the word is in",
    "fieldid": "the field (fields.fieldid) it is in",
    "termid": "the word, stemmed (dict.termid)",
}


def is_part(table: str) -> bool:
    """Whether ``table`` is one of the numbered tables behind ``terms``."""
    return _PART.fullmatch(table) is not None


def partitioned(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> bool:
    """Whether ``db.schema.terms`` is the view over numbered tables."""
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE database_name = ? "
            "AND schema_name = ? AND view_name = 'terms'",
            [db, schema],
        ).fetchone()[0]
    )


def partition(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> None:
    """Turn the single ``terms`` table the fts extension builds into ``terms_0`` behind
    the view: a rename, no row is copied."""
    con.execute(f"ALTER TABLE {_q(db)}.{schema}.terms RENAME TO terms_0")
    _define_view(con, db, schema, [0])


def append_terms(con: duckdb.DuckDBPyConnection, db: str, schema: str, select: str) -> None:
    """Insert the rows of ``select`` into the last table, first starting a new one when
    the last is full."""
    parts = _parts(con, db, schema)
    last, rows = parts[-1]
    if rows >= part_rows():
        con.execute(
            f"CREATE TABLE {_q(db)}.{schema}.terms_{last + 1} AS "
            f"SELECT * FROM {_q(db)}.{schema}.terms_{last} LIMIT 0"
        )
        last += 1
        _define_view(con, db, schema, [number for number, _ in parts] + [last])
    con.execute(f"INSERT INTO {_q(db)}.{schema}.terms_{last} BY NAME {select}")


def part_rows() -> int:
    """Rows per table: ``$TRADEWATCH_TERMS_TABLE_ROWS`` or :data:`PART_ROWS`."""
    raw = os.environ.get(ROWS_ENV, "").strip()
    if not raw:
        return PART_ROWS
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{ROWS_ENV} must be a whole number of rows >= 1, got {raw!r}")
    return int(raw)


def delete_terms(con: duckdb.DuckDBPyConnection, db: str, schema: str, where: str) -> None:
    """Delete the rows matching ``where`` from the tables that hold any, leaving the
    others unchanged for the checkpoint (``where`` should bound ``docid``, which lets
    DuckDB skip the row groups that cannot match)."""
    for number, _ in _parts(con, db, schema):
        table = f"{_q(db)}.{schema}.terms_{number}"
        if con.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1").fetchone():
            con.execute(f"DELETE FROM {table} WHERE {where}")


def unsealed(con: duckdb.DuckDBPyConnection, db: str) -> list[tuple[str, int]]:
    """(schema, number) of the full tables of ``db``'s indexes not sealed yet: all but
    the last of each index, unless marked."""
    found: dict[str, list[tuple[int, str | None]]] = {}
    for schema, name, comment in con.execute(
        "SELECT schema_name, table_name, comment FROM duckdb_tables() "
        "WHERE database_name = ? AND starts_with(schema_name, 'fts_main_')",
        [db],
    ).fetchall():
        if match := _PART.fullmatch(name):
            found.setdefault(schema, []).append((int(match.group(1)), comment))
    return [
        (schema, number)
        for schema, parts in sorted(found.items())
        for number, comment in sorted(parts)[:-1]
        if comment != _SEALED
    ]


def seal(con: duckdb.DuckDBPyConnection, db: str, schema: str, number: int) -> None:
    """Rewrite the full table ``terms_<number>`` in the row groups ``db`` was attached
    with, and mark it, in one transaction."""
    table, staged = f"terms_{number}", f"terms_{number}_sealing"
    where = f"{_q(db)}.{schema}"
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE TABLE {where}.{staged} AS SELECT * FROM {where}.{table}")
        con.execute(f"DROP TABLE {where}.{table}")
        con.execute(f"ALTER TABLE {where}.{staged} RENAME TO {table}")
        con.execute(f"COMMENT ON TABLE {where}.{table} IS '{_SEALED}'")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _parts(con: duckdb.DuckDBPyConnection, db: str, schema: str) -> list[tuple[int, int]]:
    """The numbered tables, in order, with their row counts."""
    found = [
        (int(match.group(1)), int(rows))
        for name, rows in con.execute(
            "SELECT table_name, estimated_size FROM duckdb_tables() "
            "WHERE database_name = ? AND schema_name = ?",
            [db, schema],
        ).fetchall()
        if (match := _PART.fullmatch(name))
    ]
    if not found:
        raise duckdb.CatalogException(f"{db}.{schema} has no terms tables")
    return sorted(found)


def _define_view(con: duckdb.DuckDBPyConnection, db: str, schema: str, numbers: list[int]) -> None:
    """(Re)define ``terms``; the tables are named without the database, so the view reads
    its own file's tables wherever that file is attached or copied."""
    union = " UNION ALL ".join(f"SELECT * FROM {schema}.terms_{n}" for n in numbers)
    view = f"{_q(db)}.{schema}.terms"
    con.execute(f"CREATE OR REPLACE VIEW {view} AS {union}")
    con.execute(
        f"COMMENT ON VIEW {view} IS 'One row per word of each indexed document, as "
        "match_bm25 reads them; kept in the tables terms_0, terms_1, ... so that a load "
        "writes only the last'"
    )
    for column, comment in _COMMENTS.items():
        con.execute(f"COMMENT ON COLUMN {view}.{column} IS '{comment}'")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
