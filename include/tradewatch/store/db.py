"""Opening the DuckDB file and keeping its schema current.

The schema is a numbered series of SQL files in ``include/sql/migrations``; a writable
connection applies the ones not yet recorded in ``schema_migrations``, each in its own
transaction, so an old file is brought up to date simply by opening it.
"""

from __future__ import annotations

import logging
import re
from importlib.util import find_spec
from pathlib import Path

import duckdb

__all__ = [
    "MIGRATIONS_DIR",
    "StoreError",
    "connect",
    "fts_extension_path",
    "load_fts",
    "migrate",
]

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "sql" / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([\w-]+)\.sql$")


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says why in one line."""


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open ``path`` (creating its folder and schema when writable) with UTC as time zone."""
    path = Path(path)
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create database folder {path.parent}: {exc}") from None
    elif not path.exists():
        raise StoreError(f"database {path} does not exist")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise StoreError(f"cannot open {path}: {str(exc).splitlines()[0]}") from None
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection, migrations_dir: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply pending migrations in order; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    con.execute("COMMENT ON TABLE schema_migrations IS 'Schema migrations applied to this file.'")
    for column, text in (
        ("version", "Migration number (file prefix)."),
        ("name", "Migration file name without number and extension."),
        ("applied_at", "When it was applied (UTC)."),
    ):
        con.execute(f"COMMENT ON COLUMN schema_migrations.{column} IS '{text}'")
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied: list[int] = []
    for file in sorted(migrations_dir.glob("*.sql")):
        match = _MIGRATION_NAME.match(file.name)
        if not match:
            raise StoreError(f"migration file name must look like 001_name.sql: {file.name}")
        version = int(match.group(1))
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now())", [version, match.group(2)]
            )
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
            raise
        logger.info("applied migration %s", file.name)
        applied.append(version)
    return applied


def fts_extension_path() -> Path | None:
    """Path of the fts extension shipped by the ``duckdb-extension-fts`` wheel, if installed."""
    spec = find_spec("duckdb_extension_fts")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(root.glob(f"extensions/v{duckdb.__version__}/fts.duckdb_extension"))
    return found[0] if found else None


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the full-text-search extension offline; False when it is not available."""
    path = fts_extension_path()
    if path is None:
        logger.warning("fts extension not installed; full-text indexes are not built")
        return False
    con.execute(f"LOAD '{path}'")
    return True
