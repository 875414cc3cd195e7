"""Opening the DuckDB file and keeping its schema current.

The schema is a numbered series of SQL files in ``include/sql/migrations``; a writable
connection applies the ones not yet recorded in ``schema_migrations``, each in its own
transaction, so an old file is brought up to date simply by opening it.

DuckDB lets one process write a file, and any other process that has it open (even
read-only) keeps the writer out. The loader therefore passes ``wait_seconds`` (see
:func:`lock_wait_seconds`) and waits with exponential backoff for an analyst's session to
end, logging who holds the lock; other callers fail at once, because a CLI or notebook user
is better served by an immediate "locked by PID ..." than by a silent hang.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import random
import re
import time
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import duckdb

from tradewatch.config import ConfigError

__all__ = [
    "DEFAULT_LOCK_WAIT_SECONDS",
    "DEFAULT_MEMORY_LIMIT",
    "LOCK_WAIT_ENV",
    "MEMORY_ENV",
    "MIGRATIONS_DIR",
    "ROW_GROUP_SIZE",
    "StoreError",
    "attach_options",
    "connect",
    "fts_extension_path",
    "load_fts",
    "lock_wait_seconds",
    "memory_limit",
    "migrate",
    "uncapped",
]

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "sql" / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([\w-]+)\.sql$")

LOCK_WAIT_ENV = "TRADEWATCH_DB_LOCK_WAIT"
DEFAULT_LOCK_WAIT_SECONDS = 120.0
MEMORY_ENV = "TRADEWATCH_DB_MEMORY"
# DuckDB keeps what it read cached up to its memory limit, 80 % of RAM by default, so a
# writer's footprint grew with the archive (1 GB and more at a million articles) though a
# daily load reads only the rows it changes. Writers get this cap; building the search
# index whole lifts it (:func:`uncapped`).
DEFAULT_MEMORY_LIMIT = "256MB"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
_FIRST_DELAY = 0.25  # seconds before the first retry; doubled each time
_MAX_DELAY = 10.0  # an analyst's query may end any moment: never sleep longer than this
_LOCK_ERROR = "Could not set lock on file"
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.*?) \(PID (?P<pid>\d+)\)")
_MAX_CMDLINE = 160
# Rows per row group in the files tradewatch writes. A checkpoint rewrites every row group
# a transaction appended to, and at DuckDB's default (122,880 rows, some 600 MB of article
# text) a load of 200 articles rewrote and held in memory up to the whole last group of
# articles, in the main file and again in the snapshot: its cost grew with the archive
# until the group filled. At 16,384 it is bounded by about 80 MB. DuckDB does not store
# the size in the file, so every writer opens with it (a writer without it merges groups
# back to the default at its next checkpoint).
ROW_GROUP_SIZE = 16_384
# Rows per row group of what no load appends to again: the search index's full terms
# tables (:mod:`.term_partitions`) and the snapshot's whole copy. DuckDB's first checkpoint
# in a process reads the metadata of every row group of the file, and at 16,384 rows the
# terms alone made 28,000 of the 31,000 groups of a million-article file.
LARGE_ROW_GROUP_SIZE = 122_880
_RESERVED_CATALOGS = {"memory", "system", "temp", "main"}


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says why in one line."""


class PublishError(StoreError):
    """The load committed, but the full-text index or the read-only snapshot could not be
    rebuilt afterwards; the message says the data is stored (the next load republishes)."""


def connect(
    path: str | Path,
    *,
    read_only: bool = False,
    wait_seconds: float | None = None,
    large_row_groups: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` (creating its folder and schema when writable) with UTC as time zone;
    a writer writes row groups of :data:`ROW_GROUP_SIZE` rows, or of
    :data:`LARGE_ROW_GROUP_SIZE` with ``large_row_groups``.

    When another process holds the file, ``wait_seconds=None`` (the default) fails at once;
    a number retries with exponential backoff and jitter for up to that many seconds. Both
    raise :class:`StoreError` naming the PID (and command line) of the holder.
    """
    path = Path(path)
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create database folder {path.parent}: {exc}") from None
    elif not path.exists():
        raise StoreError(f"database {path} does not exist")
    con = _open(path, read_only, wait_seconds, large_row_groups)
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)  # before the cap: a migration may rewrite every row
        con.execute(f"SET memory_limit = '{memory_limit()}'")
    return con


def memory_limit() -> str:
    """The cap on a writer's DuckDB memory: ``$TRADEWATCH_DB_MEMORY`` (e.g. ``1GB``) or 256MB."""
    raw = os.environ.get(MEMORY_ENV, "").strip()
    if not raw:
        return DEFAULT_MEMORY_LIMIT
    if not _MEMORY.fullmatch(raw):
        raise ConfigError(f"{MEMORY_ENV} must be a size such as 512MB or 2GB, got {raw!r}")
    return raw


@contextlib.contextmanager
def uncapped(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's own memory limit for the block, then the writer's cap again: work over the
    whole archive (building the search index whole) would spill to disk, slowly, under it,
    or fail. ``RESET`` alone changes only the setting shown, not the limit the buffer
    manager enforces, so the default it shows is set back explicitly."""
    con.execute("RESET memory_limit")
    (default,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.execute(f"SET memory_limit = '{default}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{memory_limit()}'")


def lock_wait_seconds() -> float:
    """How long the loader waits for a locked database: ``$TRADEWATCH_DB_LOCK_WAIT`` or 120."""
    raw = os.environ.get(LOCK_WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOCK_WAIT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{LOCK_WAIT_ENV} must be a number of seconds >= 0, got {raw!r}")
    return value


def attach_options(large_row_groups: bool = False) -> str:
    """The ``ATTACH`` options of a file tradewatch writes (see :data:`ROW_GROUP_SIZE` and
    :data:`LARGE_ROW_GROUP_SIZE`)."""
    rows = LARGE_ROW_GROUP_SIZE if large_row_groups else ROW_GROUP_SIZE
    return f"(READ_WRITE, ROW_GROUP_SIZE {rows})"


def _connect(path: Path, read_only: bool, large_row_groups: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose current database is ``path``, named after its stem as
    ``duckdb.connect(path)`` names it; writable ones attach with :func:`attach_options`."""
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    name = path.stem if path.stem not in _RESERVED_CATALOGS else f"{path.stem}_db"
    con = duckdb.connect()
    try:
        literal = "'" + str(path).replace("'", "''") + "'"
        ident = '"' + name.replace('"', '""') + '"'
        con.execute(f"ATTACH {literal} AS {ident} {attach_options(large_row_groups)}")
        con.execute(f"USE {ident}")
        # where DuckDB spills what exceeds the cap: beside the file, as it does for a file
        # it opens itself (an in-memory connection would spill into the working directory)
        spill = "'" + f"{path}.tmp".replace("'", "''") + "'"
        con.execute(f"SET temp_directory = {spill}")
    except BaseException:
        con.close()
        raise
    return con


def _open(
    path: Path, read_only: bool, wait_seconds: float | None, large_row_groups: bool
) -> duckdb.DuckDBPyConnection:
    """:func:`_connect` that retries lock conflicts (only those) until ``wait_seconds``."""
    start = time.monotonic()
    delay = _FIRST_DELAY
    while True:
        try:
            return _connect(path, read_only, large_row_groups)
        except duckdb.IOException as exc:
            message = str(exc)
            if _LOCK_ERROR not in message:
                raise StoreError(f"cannot open {path}: {message.splitlines()[0]}") from None
            holder = _lock_holder(message)
        if wait_seconds is None:
            raise StoreError(f"cannot open {path}: it is locked by {holder}")
        waited = time.monotonic() - start
        left = wait_seconds - waited
        if left <= 0:
            raise StoreError(
                f"database {path} is locked by {holder} for {waited:.1f} s; giving up"
                f" (close it, open it read-only elsewhere, or raise {LOCK_WAIT_ENV})"
            )
        pause = min(left, delay / 2 + random.uniform(0, delay / 2))
        logger.warning(
            "database %s is locked by %s; retrying in %.1f s (waited %.0f of %.0f s)",
            path,
            holder,
            pause,
            waited,
            wait_seconds,
        )
        time.sleep(pause)
        delay = min(delay * 2, _MAX_DELAY)


def _lock_holder(message: str) -> str:
    """'PID 1234 (command line)' from DuckDB's lock error, or what of it can be found."""
    match = _LOCK_HOLDER.search(message)
    if not match:
        return "another process"
    pid, exe = match.group("pid"), match.group("exe").strip()
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # not Linux, gone already, or another user's process
        raw = b""
    # NULs separate the arguments; newlines in a ``python -c`` script would break the one line
    command = " ".join(raw.decode(errors="replace").replace("\0", " ").split()) or exe
    if len(command) > _MAX_CMDLINE:
        command = command[: _MAX_CMDLINE - 3] + "..."
    return f"PID {pid} ({command})" if command else f"PID {pid}"


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
    if applied:
        _record_rewrite(con, f"migrations {applied[0]:03d}-{applied[-1]:03d}")
    return applied


def _record_rewrite(con: duckdb.DuckDBPyConnection, why: str) -> None:
    """Tell the snapshot that rows changed which no load names (``load_changes``, from
    migration 013 on): the next publish copies the database whole."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = 'load_changes'"
    ).fetchone()[0]
    if exists:
        con.execute(
            "INSERT INTO load_changes SELECT coalesce(max(load_seq), 0) + 1, '*', ? "
            "FROM load_changes",
            [why],
        )


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
