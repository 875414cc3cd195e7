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

Writing that copy whole costs as much as the archive is large, so a publish normally
brings an older copy up to date instead (:mod:`.snapshot_sync`: the loads it has not seen,
applied by key). The copy used is the standby, ``.<stem>_read.standby.duckdb``, a hidden
name for the snapshot the last publish replaced: caught up, it is renamed over the
current snapshot, and the current one becomes the next standby (a hard link kept before
the rename). When the load wrote articles, that next standby is caught up on them right
away: otherwise the next publish would apply them too, and the next run is often one that
brought nothing new. A reader that still has the old snapshot open holds a lock on it, so
it is never written under that reader: the publish then copies the current snapshot's
bytes (a reader only reads it) and catches that up. Only when neither can catch up (a
migration, an index rebuilt whole, no snapshot yet) is the database copied whole.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

import duckdb

from tradewatch.store.db import StoreError, attach_options, connect
from tradewatch.store.snapshot_sync import catch_up, database_seq, misses_articles, prune_changes
from tradewatch.store.term_partitions import seal, unsealed

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
# Loads whose changes are kept for a copy to catch up on; an older copy is replaced.
KEEP_LOADS = 100


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
) -> Path:
    """Bring the snapshot up to date with the database and atomically replace the old one.

    ``source`` is the loader's open connection (call this after its transaction committed:
    the snapshot is one consistent read of it) or the path of a database file, which is
    then opened read-only, waiting up to ``wait_seconds`` for the lock. Do not pass a path
    this process already has open read-write; pass that connection. ``db_path`` names the
    snapshot (default: the source's file). With ``parquet`` every main table is also
    exported to ``parquet/<table>.parquet``, each file replaced atomically. Returns the
    snapshot path; raises :class:`StoreError` on failure, leaving the old snapshot in place.
    """
    if isinstance(source, duckdb.DuckDBPyConnection):
        return _publish(source, db_path, parquet, writable=True)
    con = connect(source, read_only=True, wait_seconds=wait_seconds)
    try:
        return _publish(con, db_path or source, parquet, writable=False)
    finally:
        con.close()


def standby_path(snapshot: Path) -> Path:
    """The hidden file a publish catches up and swaps in: ``.<stem>_read.standby.duckdb``."""
    return snapshot.with_name(f".{snapshot.stem}.standby.duckdb")


def _publish(
    con: duckdb.DuckDBPyConnection, db_path: str | Path | None, parquet: bool, writable: bool
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
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        _remove(leftover)  # of a publish killed midway (none runs now: the main file is held)
    try:
        seq = database_seq(con, catalog)
        if writable and seq is not None:
            prune_changes(con, seq - KEEP_LOADS)
        fresh, how = _fresh_copy(con, catalog, target)
        _swap(fresh, target)
        _settle_standby(con, catalog, target)
        exported = _export_parquet(con, catalog, parquet_dir(db_path)) if parquet else []
    except (duckdb.Error, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"cannot publish snapshot {target}: {reason}") from None
    logger.info(
        "published snapshot %s%s in %.2f s (%s)",
        target,
        f" and {len(exported)} Parquet files" if parquet else "",
        time.perf_counter() - started,
        how,
    )
    return target


def _fresh_copy(con: duckdb.DuckDBPyConnection, catalog: str, target: Path) -> tuple[Path, str]:
    """An up-to-date copy of ``catalog`` not yet visible to readers, and how it was made:
    the standby caught up, else a byte copy of the current snapshot caught up, else a
    whole copy."""
    standby = standby_path(target)
    if database_seq(con, catalog) is not None:
        if standby.exists():
            reason = _caught_up(con, catalog, standby)
            if reason is None:
                return standby, "standby caught up"
            logger.info("standby %s cannot catch up (%s)", standby, reason)
        if target.exists():
            tmp, _ = _staging(target)
            try:
                shutil.copyfile(target, tmp)
                reason = _caught_up(con, catalog, tmp)
            except BaseException:
                _remove(tmp)
                raise
            if reason is None:
                return tmp, "copy of the last snapshot caught up"
            _remove(tmp)
            logger.info("snapshot %s cannot catch up (%s); copying whole", target, reason)
    tmp, _ = _staging(target)
    try:
        _write_whole(con, catalog, tmp)
    except BaseException:
        _remove(tmp)
        raise
    return tmp, "whole copy"


def _caught_up(con: duckdb.DuckDBPyConnection, catalog: str, copy: Path) -> str | None:
    """Attach ``copy`` and bring it up to date; None when done, else why not (a reader's
    lock on it, or what :func:`catch_up` says)."""
    return _bring_up(con, catalog, copy, only_articles=False)


def _bring_up(
    con: duckdb.DuckDBPyConnection, catalog: str, copy: Path, only_articles: bool
) -> str | None:
    """:func:`_caught_up`; with ``only_articles`` only when ``copy`` misses loads that
    wrote articles. A copy whose catching up filled a terms table is sealed after
    (:mod:`.term_partitions`), attached again in large row groups."""
    _, alias = _staging(copy)
    try:
        # READ_WRITE: a read-only source connection would otherwise attach read-only too
        con.execute(f"ATTACH {_literal(copy)} AS {alias} {attach_options()}")
    except duckdb.Error as exc:
        return (str(exc).splitlines() or [type(exc).__name__])[0]
    try:
        if only_articles and not misses_articles(con, catalog, alias):
            return "it misses no articles"
        reason = catch_up(con, catalog, alias)
        sealing = reason is None and bool(unsealed(con, alias))
    finally:
        con.execute(f"DETACH {alias}")  # checkpoints and closes the copy: no WAL left
    if sealing:
        con.execute(f"ATTACH {_literal(copy)} AS {alias} {attach_options(large_row_groups=True)}")
        try:
            for schema, number in unsealed(con, alias):
                seal(con, alias, schema, number)
        finally:
            con.execute(f"DETACH {alias}")
    return reason


def _settle_standby(con: duckdb.DuckDBPyConnection, catalog: str, target: Path) -> None:
    """Catch the copy a swap just retired up on the articles it misses. Left behind, it
    would make the next publish apply this load's articles as well as its own, and that
    next run is often one that brought nothing. Its loads without articles cost little to
    apply then. A reader's lock, or any failure, only leaves it for the next publish."""
    standby = standby_path(target)
    if not standby.exists():
        return
    started = time.perf_counter()
    try:
        reason = _bring_up(con, catalog, standby, only_articles=True)
    except duckdb.Error as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
    if reason is None:
        logger.info("standby %s up to date in %.2f s", standby, time.perf_counter() - started)
    else:
        logger.info("standby %s left for the next publish (%s)", standby, reason)


def _write_whole(con: duckdb.DuckDBPyConnection, catalog: str, tmp: Path) -> None:
    """Copy every schema, table, view and macro of ``catalog`` into a new file, in large
    row groups: later publishes only append to it, in small ones."""
    _, alias = _staging(tmp)
    con.execute(f"ATTACH {_literal(tmp)} AS {alias} {attach_options(large_row_groups=True)}")
    try:
        con.execute(f"COPY FROM DATABASE {_ident(catalog)} TO {alias}")
    finally:
        con.execute(f"DETACH {alias}")


def _swap(fresh: Path, target: Path) -> None:
    """Rename ``fresh`` over ``target``; the replaced snapshot becomes the standby."""
    standby = standby_path(target)
    _fsync(fresh)
    # a WAL left by someone who opened the old snapshot read-write would be replayed onto
    # the new file by the next reader
    Path(f"{target}.wal").unlink(missing_ok=True)
    previous, _ = _staging(target)
    try:
        os.link(target, previous)
    except OSError:  # no snapshot yet, or a file system without hard links
        previous = None
    try:
        os.replace(fresh, target)
        if previous is not None:
            os.replace(previous, standby)
    finally:
        if previous is not None:
            _remove(previous)
        if fresh != standby:
            _remove(fresh)
    _fsync_dir(target.parent)


def _staging(target: Path) -> tuple[Path, str]:
    """A temp file beside ``target`` and the alias to attach it under."""
    token = uuid.uuid4().hex[:12]
    return target.with_name(f".{target.name}.{token}.tmp"), f"tradewatch_snapshot_{token}"


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
