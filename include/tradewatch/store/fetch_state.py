"""What the fetch layer remembers between runs: validators, pending fetches, known items.

Only the loader writes these tables (inside its transaction); the discover and fetch
stages read them through :func:`read_fetch_memory` with a short read-only connection.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import duckdb
import pyarrow as pa

from tradewatch.models import Candidate, PendingFetch, Validators, from_dict, to_dict
from tradewatch.store.db import StoreError, connect
from tradewatch.store.snapshot import snapshot_path
from tradewatch.urls import canonicalize_url

__all__ = [
    "MAX_FETCH_ATTEMPTS",
    "TITLE_DEDUP_WINDOW",
    "FetchMemory",
    "normalize_title",
    "read_fetch_memory",
    "read_validators",
    "record_pending",
    "resolve_pending",
    "title_key",
    "upsert_validators",
    "url_key",
]

logger = logging.getLogger(__name__)

MAX_FETCH_ATTEMPTS = 5
TITLE_DEDUP_WINDOW = timedelta(days=7)
_NOT_WORD = re.compile(r"[\W_]+")
_TS = pa.timestamp("us", tz="UTC")
_T = TypeVar("_T")


def normalize_title(title: str | None) -> str:
    """Headline folded for comparison: case, punctuation and spacing do not count."""
    return _NOT_WORD.sub(" ", (title or "").casefold()).strip()


def title_key(title: str | None) -> str | None:
    """The stored ``articles.title_key``: the folded headline, None without one."""
    return None if title is None else normalize_title(title)


def url_key(url: str | None) -> str | None:
    """The stored ``articles.url_key`` / ``canonical_key``: the URL as candidates are
    compared with it (canonical), None when it is not an absolute URL."""
    try:
        return canonicalize_url(url) if url else None
    except ValueError:
        return None


@dataclass
class FetchMemory:
    """What earlier runs stored, as the fetch stage needs it: of the stored URLs and
    headlines, only those some candidate of the run has."""

    known_urls: set[str] = field(default_factory=set)
    recent_titles: dict[tuple[str, str], str] = field(default_factory=dict)
    validators: dict[str, Validators] = field(default_factory=dict)
    pending: list[Candidate] = field(default_factory=list)


def read_fetch_memory(
    db_path: Path, candidates: Sequence[Candidate] = (), *, now: datetime | None = None
) -> FetchMemory:
    """Read validators, due pending fetches, and what is stored of the run's candidates.

    ``known_urls`` and ``recent_titles`` hold only keys that some candidate (discovered
    or due) has, found through the articles' stored dedup keys: the cost follows what the
    run brings, not the size of the archive. With no candidates and no fetch due they are
    not read at all."""
    moment = now or datetime.now(UTC)
    return _read_only(db_path, lambda con: _read(con, moment, candidates), FetchMemory())


# DuckDB's file header and its two alternating database headers.
_HEADERS_SIZE = 3 * 4096


def read_validators(db_path: Path, url: str) -> Validators | None:
    """The validators stored for one polled URL (what a source poll needs, nothing more).

    All of them are read at once and kept while the database file is unchanged: a run
    that polls its sources in one process (``tradewatch ingest``) opens the file once,
    not once per source."""
    return _all_validators(db_path, _file_state(db_path)).get(url)


@lru_cache(maxsize=4)
def _all_validators(db_path: Path, state: tuple[bytes, int, int]) -> dict[str, Validators]:
    def query(con: duckdb.DuckDBPyConnection) -> dict[str, Validators]:
        rows = con.execute("SELECT url, etag, last_modified, source FROM http_validators")
        return {row[0]: Validators(*row) for row in rows.fetchall()}

    return _read_only(db_path, query, {})


def _file_state(db_path: Path) -> tuple[bytes, int, int]:
    """What changes whenever the database does: the file's headers (DuckDB counts its
    checkpoints there) and the size and time of its WAL (commits not yet checkpointed)."""
    try:
        with db_path.open("rb") as handle:
            headers = handle.read(_HEADERS_SIZE)
    except OSError:
        headers = b""
    try:
        wal = Path(f"{db_path}.wal").stat()
    except OSError:
        return headers, 0, 0
    return headers, wal.st_size, wal.st_mtime_ns


def _read_only(db_path: Path, query: Callable[[duckdb.DuckDBPyConnection], _T], default: _T) -> _T:
    """Run ``query`` on a short read-only connection; ``default`` when there is nothing to read.

    A missing database means a first run. While a loader (another run's) holds the
    database, the read-only snapshot it last published is read instead: it lacks only the
    load in flight. Without a readable snapshot this run cannot skip anything; the loader's
    upserts still make the result identical, so the run goes on (fetching more) rather
    than failing.
    """
    if not db_path.exists():
        return default
    try:
        con = connect(db_path, read_only=True)
    except StoreError as exc:
        snapshot = snapshot_path(db_path)
        try:
            con = connect(snapshot, read_only=True) if snapshot.exists() else None
        except StoreError:
            con = None
        if con is None:
            logger.warning("cannot read fetch memory (%s); treating every item as new", exc)
            return default
        logger.info("database busy (%s); reading fetch memory from %s", exc, snapshot)
    try:
        return query(con)
    except duckdb.CatalogException as exc:
        logger.warning("database has an older schema (%s); treating every item as new", exc)
        return default
    finally:
        con.close()


def _read(
    con: duckdb.DuckDBPyConnection, now: datetime, candidates: Sequence[Candidate]
) -> FetchMemory:
    memory = FetchMemory()
    for url, source, etag, last_modified in con.execute(
        "SELECT url, source, etag, last_modified FROM http_validators"
    ).fetchall():
        memory.validators[url] = Validators(url, etag, last_modified, source)
    for (candidate,) in con.execute(
        "SELECT candidate FROM pending_fetches WHERE state = 'pending' "
        "AND (retry_after IS NULL OR retry_after <= ?) ORDER BY first_seen_at, canonical_url",
        [now],
    ).fetchall():
        memory.pending.append(from_dict(Candidate, json.loads(candidate)))
    wanted = [*candidates, *memory.pending]
    if not wanted:
        return memory
    articles = _keyed_articles(con)
    urls = {key for key in (url_key(c.url) for c in wanted) if key}
    titles = {(c.source, normalize_title(c.title)) for c in wanted if c.title}
    memory.known_urls = _known_urls(con, articles, urls)
    memory.recent_titles = _recent_titles(con, articles, titles, now - TITLE_DEDUP_WINDOW)
    return memory


# Stands in for the table in a database not yet migrated to 012 (read-only connections
# do not migrate; the next load does): every row is one whose keys are missing.
_ARTICLES_BEFORE_KEYS = (
    "(SELECT *, NULL::VARCHAR AS url_key, NULL::VARCHAR AS canonical_key, "
    "NULL::VARCHAR AS title_key FROM articles)"
)


def _keyed_articles(con: duckdb.DuckDBPyConnection) -> str:
    """What to read the articles' dedup keys from: the table, or its stand-in."""
    found = con.execute(
        "SELECT 1 FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = 'articles' AND column_name = 'url_key'"
    ).fetchone()
    return "articles" if found else _ARTICLES_BEFORE_KEYS


def _known_urls(con: duckdb.DuckDBPyConnection, articles: str, keys: set[str]) -> set[str]:
    """The candidate URL ``keys`` that a stored article has as URL or canonical URL.

    Rows without stored keys come back as URLs and are canonicalized here."""
    con.register("candidate_urls", pa.table({"url_key": pa.array(sorted(keys), pa.string())}))
    try:
        rows = con.execute(
            f"SELECT url_key, NULL FROM {articles} "
            "WHERE url_key IN (SELECT url_key FROM candidate_urls) "
            f"UNION SELECT canonical_key, NULL FROM {articles} "
            "WHERE canonical_key IN (SELECT url_key FROM candidate_urls) "
            f"UNION ALL SELECT NULL, url FROM {articles} WHERE url_key IS NULL "
            f"UNION ALL SELECT NULL, canonical_url FROM {articles} WHERE canonical_key IS NULL"
        ).fetchall()
    finally:
        con.unregister("candidate_urls")
    known = {key for key, _ in rows if key is not None}
    unkeyed = [url for key, url in rows if key is None]
    if unkeyed:
        _log_unkeyed(len(unkeyed), "URLs")
        known.update(keys.intersection(url_key(url) for url in unkeyed))
    return known


def _recent_titles(
    con: duckdb.DuckDBPyConnection, articles: str, keys: set[tuple[str, str]], since: datetime
) -> dict[tuple[str, str], str]:
    """The candidate (source, headline) ``keys`` of articles fetched ``since``, each with
    the first such article; rows without a stored key are folded here."""
    if not keys:
        return {}
    sources, folded = zip(*sorted(keys), strict=True)
    con.register("candidate_titles", pa.table({"source": sources, "title_key": folded}))
    try:
        rows = con.execute(
            f"SELECT source, title_key, title, article_id FROM {articles} "
            "WHERE fetched_at >= ? AND title IS NOT NULL AND (title_key IS NULL "
            "OR (source, title_key) IN (SELECT source, title_key FROM candidate_titles)) "
            "ORDER BY fetched_at, article_id",
            [since],
        ).fetchall()
    finally:
        con.unregister("candidate_titles")
    found: dict[tuple[str, str], str] = {}
    for source, key, title, article_id in rows:
        pair = (source, normalize_title(title) if key is None else key)
        if pair in keys:
            found.setdefault(pair, article_id)
    unkeyed = sum(1 for row in rows if row[1] is None)
    if unkeyed:
        _log_unkeyed(unkeyed, "headlines")
    return found


def _log_unkeyed(count: int, what: str) -> None:
    logger.warning(
        "%d stored %s have no dedup key (loaded before migration 012): computing them in "
        "Python; `tradewatch reprocess` over their fetch days stores them",
        count,
        what,
    )


def upsert_validators(
    con: duckdb.DuckDBPyConnection, validators: Sequence[Validators], now: datetime
) -> None:
    """Store the latest validators per URL (inside the caller's transaction)."""
    if not validators:
        return
    latest = {v.url: v for v in validators}
    table = pa.table(
        {
            "url": list(latest),
            "source": [v.source for v in latest.values()],
            "etag": [v.etag for v in latest.values()],
            "last_modified": [v.last_modified for v in latest.values()],
            "updated_at": pa.array([now] * len(latest), type=_TS),
        }
    )
    con.register("staged_validators", table)
    try:
        con.execute(
            "INSERT INTO http_validators BY NAME SELECT * FROM staged_validators "
            "ON CONFLICT (url) DO UPDATE SET source = excluded.source, etag = excluded.etag, "
            "last_modified = excluded.last_modified, updated_at = excluded.updated_at "
            "WHERE http_validators.etag IS DISTINCT FROM excluded.etag "
            "OR http_validators.last_modified IS DISTINCT FROM excluded.last_modified"
        )
    finally:
        con.unregister("staged_validators")


def record_pending(con: duckdb.DuckDBPyConnection, failures: Sequence[PendingFetch]) -> None:
    """Add or update failed fetches; a transient one stays ``pending`` for the next run.

    A failure reported twice by the same run (a retried load) counts as one attempt.
    After ``MAX_FETCH_ATTEMPTS`` runs, or on a permanent error, the state is ``failed``.
    """
    if not failures:
        return
    latest = {f.canonical_url: f for f in failures}
    rows = [
        {
            "canonical_url": f.canonical_url,
            "url": f.candidate.url,
            "source": f.candidate.source,
            "candidate": json.dumps(to_dict(f.candidate), ensure_ascii=False),
            "permanent": f.permanent,
            "last_outcome": f.outcome,
            "last_reason": f.reason,
            "attempted_at": f.attempted_at,
            "retry_after": f.retry_after,
            "run_id": f.run_id,
        }
        for f in latest.values()
    ]
    schema = pa.schema(
        [
            ("canonical_url", pa.string()),
            ("url", pa.string()),
            ("source", pa.string()),
            ("candidate", pa.string()),
            ("permanent", pa.bool_()),
            ("last_outcome", pa.string()),
            ("last_reason", pa.string()),
            ("attempted_at", _TS),
            ("retry_after", _TS),
            ("run_id", pa.string()),
        ]
    )
    con.register("staged_failures", pa.Table.from_pylist(rows, schema=schema))
    try:
        con.execute(
            f"""
            INSERT INTO pending_fetches BY NAME
            SELECT f.canonical_url, f.url, f.source, f.candidate::JSON AS candidate,
                   CASE WHEN f.permanent OR coalesce(p.attempts, 0) + 1 >= {MAX_FETCH_ATTEMPTS}
                        THEN 'failed' ELSE 'pending' END AS state,
                   CASE WHEN p.last_run_id IS NOT DISTINCT FROM f.run_id
                        THEN coalesce(p.attempts, 1) ELSE coalesce(p.attempts, 0) + 1 END
                        AS attempts,
                   f.last_outcome, f.last_reason,
                   coalesce(p.first_seen_at, f.attempted_at) AS first_seen_at,
                   f.attempted_at AS last_attempt_at, f.retry_after, f.run_id AS last_run_id
            FROM staged_failures f LEFT JOIN pending_fetches p USING (canonical_url)
            ON CONFLICT (canonical_url) DO UPDATE SET
                url = excluded.url, source = excluded.source, candidate = excluded.candidate,
                state = excluded.state, attempts = excluded.attempts,
                last_outcome = excluded.last_outcome, last_reason = excluded.last_reason,
                last_attempt_at = excluded.last_attempt_at, retry_after = excluded.retry_after,
                last_run_id = excluded.last_run_id
            """
        )
    finally:
        con.unregister("staged_failures")


def resolve_pending(con: duckdb.DuckDBPyConnection, canonical_urls: Sequence[str]) -> None:
    """Forget pending fetches that have now succeeded."""
    if not canonical_urls:
        return
    con.register("resolved_urls", pa.table({"canonical_url": sorted(set(canonical_urls))}))
    try:
        con.execute(
            "DELETE FROM pending_fetches WHERE canonical_url IN "
            "(SELECT canonical_url FROM resolved_urls)"
        )
    finally:
        con.unregister("resolved_urls")
