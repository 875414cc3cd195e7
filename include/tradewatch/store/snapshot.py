"""A read-only copy of the database for analysts, replaced atomically after each load.

DuckDB lets one process write a file, and a process that has it open, even read-only, keeps
the writer out. So analysts open ``<stem>_read.duckdb`` instead of the main file: after each
load the loader writes a fresh copy to a temp file beside it and renames it over the old
one. A session that has the old copy open keeps reading it (on Linux the renamed-over inode
lives until its last descriptor closes); new sessions see the new rows; and no reader ever
holds the main file.

DuckDB writes the copy itself (``ATTACH`` + ``COPY FROM DATABASE``) from the loader's own
connection. Copying the bytes instead would be unsafe: DuckDB's lock is a POSIX ``fcntl``
lock, which the kernel drops as soon as the owning process closes *any* descriptor of the
file, so a ``shutil.copy`` inside the loader would let a second writer in. The DuckDB copy
is also compact and carries the fts index tables and ``match_bm25`` macros, so full-text
search works on the snapshot as on the main file.

A load that changed no article (a daily run that found nothing new) still has news for the
snapshot: its own ``pipeline_runs`` row, fetch log and fetch state. Copying the whole
database for that grows with the archive, so such a load names the few tables it wrote
(``refresh``): the old snapshot file is copied (it is not the locked main file), every
other table is checked to hold the same rows in both (count and a hash of every row), and
only the named tables are replaced. Any difference, or no old snapshot, means a full copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Collection
from pathlib import Path

import duckdb

from tradewatch.store.db import StoreError, connect

__all__ = [
    "PARQUET_ENV",
    "parquet_dir",
    "parquet_export_enabled",
    "publish_snapshot",
    "snapshot_path",
]

logger = logging.getLogger(__name__)

PARQUET_ENV = "TRADEWATCH_EXPORT_PARQUET"
_TRUE = {"1", "true", "yes", "on"}


def snapshot_path(db_path: str | Path) -> Path:
    """Where the snapshot of ``db_path`` lives: ``<stem>_read.duckdb`` in the same folder."""
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}_read.duckdb")


def parquet_dir(db_path: str | Path) -> Path:
    """Folder of the optional per-table Parquet exports: ``parquet/`` beside the database."""
    return Path(db_path).parent / "parquet"


def parquet_export_enabled() -> bool:
    """Whether loads also export Parquet (``$TRADEWATCH_EXPORT_PARQUET`` = 1/true/yes/on)."""
    return os.environ.get(PARQUET_ENV, "").strip().lower() in _TRUE


def publish_snapshot(
    source: duckdb.DuckDBPyConnection | str | Path,
    db_path: str | Path | None = None,
    *,
    parquet: bool = False,
    wait_seconds: float | None = None,
    refresh: Collection[str] = (),
) -> Path:
    """Write a fresh snapshot of the database and atomically replace the old one.

    ``source`` is the loader's open connection (call this after its transaction committed:
    the snapshot is one consistent read of it) or the path of a database file, which is
    then opened read-only, waiting up to ``wait_seconds`` for the lock. Do not pass a path
    this process already has open read-write; pass that connection. ``db_path`` names the
    snapshot (default: the source's file). With ``parquet`` every main table is also
    exported to ``parquet/<table>.parquet``, each file replaced atomically. Returns the
    snapshot path; raises :class:`StoreError` on failure, leaving the old snapshot in place.
    ``refresh`` names the only ``main`` tables written since the last publish: the old
    snapshot is then reused with just those replaced, if the rest still matches.
    """
    if isinstance(source, duckdb.DuckDBPyConnection):
        return _publish(source, db_path, parquet, refresh)
    con = connect(source, read_only=True, wait_seconds=wait_seconds)
    try:
        return _publish(con, db_path or source, parquet, refresh)
    finally:
        con.close()


def _publish(
    con: duckdb.DuckDBPyConnection,
    db_path: str | Path | None,
    parquet: bool,
    refresh: Collection[str],
) -> Path:
    catalog, file = con.execute(
        "SELECT database_name, path FROM duckdb_databases() "
        "WHERE database_name = current_database()"
    ).fetchone()
    if not file:
        raise StoreError("cannot snapshot an in-memory database")
    db_path = Path(db_path or file)
    target = snapshot_path(db_path)
    if target.resolve() == Path(file).resolve():
        raise StoreError(f"refusing to snapshot {file} onto itself")
    started = time.perf_counter()
    try:
        reused = (
            bool(refresh) and target.exists() and _refresh_snapshot(con, catalog, target, refresh)
        )
        if not reused:
            _write_snapshot(con, catalog, target)
        exported = _export_parquet(con, catalog, parquet_dir(db_path)) if parquet else []
    except (duckdb.Error, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"cannot publish snapshot {target}: {reason}") from None
    logger.info(
        "published snapshot %s%s in %.2f s%s",
        target,
        f" and {len(exported)} Parquet files" if parquet else "",
        time.perf_counter() - started,
        f" (old snapshot reused, {', '.join(sorted(refresh))} replaced)" if reused else "",
    )
    return target


def _write_snapshot(con: duckdb.DuckDBPyConnection, catalog: str, target: Path) -> None:
    """Copy every schema, table, view and macro of ``catalog`` into a new file, then rename."""
    tmp, alias = _staging(target)
    try:
        # READ_WRITE: a read-only source connection would otherwise attach read-only too
        con.execute(f"ATTACH {_literal(tmp)} AS {alias} (READ_WRITE)")
        try:
            con.execute(f"COPY FROM DATABASE {_ident(catalog)} TO {alias}")
        finally:
            con.execute(f"DETACH {alias}")  # checkpoints and closes the copy: no WAL left
        _install(tmp, target)
    finally:
        _remove(tmp)


def _refresh_snapshot(
    con: duckdb.DuckDBPyConnection, catalog: str, target: Path, tables: Collection[str]
) -> bool:
    """Copy the old snapshot and replace ``tables`` in it from ``catalog``, if every other
    table matches; False, leaving the old snapshot as it is, if anything else differs."""
    tmp, alias = _staging(target)
    try:
        shutil.copyfile(target, tmp)
        con.execute(f"ATTACH {_literal(tmp)} AS {alias} (READ_WRITE)")
        try:
            same = _same_except(con, catalog, alias, tables)
            for table in tables if same else ():
                con.execute(f"DELETE FROM {alias}.main.{_ident(table)}")
                con.execute(
                    f"INSERT INTO {alias}.main.{_ident(table)} BY NAME "
                    f"SELECT * FROM {_ident(catalog)}.main.{_ident(table)}"
                )
        finally:
            con.execute(f"DETACH {alias}")
        if same:
            _install(tmp, target)
        return same
    finally:
        _remove(tmp)


def _same_except(
    con: duckdb.DuckDBPyConnection, catalog: str, copy: str, tables: Collection[str]
) -> bool:
    """Whether ``copy`` has ``catalog``'s tables and views, with the same rows in every
    table but ``tables`` (of ``main``): same count and same sum of row hashes."""
    layout = (
        "SELECT 'table', schema_name, table_name, sql FROM duckdb_tables() "
        "WHERE database_name = $db UNION ALL "
        "SELECT 'view', schema_name, view_name, sql FROM duckdb_views() "
        "WHERE database_name = $db AND NOT internal ORDER BY ALL"
    )
    mine = con.execute(layout, {"db": catalog}).fetchall()
    if mine != con.execute(layout, {"db": copy}).fetchall():
        return False
    for kind, schema, name, _ in mine:
        if kind == "view" or (schema == "main" and name in tables):
            continue
        fingerprint = (
            "SELECT count(*), sum(hash(t)) FROM {db}." + f"{_ident(schema)}.{_ident(name)} AS t"
        )
        ours = con.execute(fingerprint.format(db=_ident(catalog))).fetchone()
        if ours != con.execute(fingerprint.format(db=_ident(copy))).fetchone():
            return False
    return True


def _staging(target: Path) -> tuple[Path, str]:
    """A temp file beside ``target`` and the alias to attach it under."""
    token = uuid.uuid4().hex[:12]
    return target.with_name(f".{target.name}.{token}.tmp"), f"tradewatch_snapshot_{token}"


def _install(tmp: Path, target: Path) -> None:
    """Flush the finished copy and rename it over ``target``."""
    _fsync(tmp)
    # a WAL left by someone who opened the old snapshot read-write would be replayed onto
    # the new file by the next reader
    Path(f"{target}.wal").unlink(missing_ok=True)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _remove(tmp: Path) -> None:
    for leftover in (tmp, Path(f"{tmp}.wal")):
        leftover.unlink(missing_ok=True)


def _export_parquet(con: duckdb.DuckDBPyConnection, catalog: str, folder: Path) -> list[Path]:
    """One Parquet file per main table, each written to a temp file and renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = ? AND schema_name = 'main' AND NOT temporary ORDER BY 1",
            [catalog],
        ).fetchall()
    ]
    written: list[Path] = []
    for table in tables:
        target = folder / f"{table}.parquet"
        tmp = folder / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
        try:
            con.execute(
                f"COPY (SELECT * FROM {_ident(catalog)}.main.{_ident(table)}) "
                f"TO {_literal(tmp)} (FORMAT parquet, COMPRESSION zstd)"
            )
            _fsync(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(target)
    _fsync_dir(folder)
    return written


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fsync(path: Path) -> None:
    """Flush a finished temp file before the rename, so a crash never leaves a torn copy."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (not possible on every platform, hence best effort)."""
    with contextlib.suppress(OSError):
        _fsync(folder)
