"""robots.txt answers in PostgreSQL, so processes on several machines read a host's
robots.txt once a day between them.

:class:`PgRobotsStore` is :class:`~tradewatch.fetching.robots_store.RobotsStore` with the
files replaced by the rows of ``tradewatch_robots``: one origin's last readable answer
with when it was fetched. A transaction-scoped advisory lock per origin stands in for the
``flock``, so concurrent callers wait for one fetch; an unreadable answer (5xx, 429,
timeout) is not kept. Unlike the files, database errors are not shrugged off: the host
leases live in the same database, and a fetch stage without them must stop rather than go
on without per-host politeness.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from psycopg2.extensions import cursor

from tradewatch.fetching.coordination import LOCK_SPACE, Coordination
from tradewatch.fetching.results import MAX_ROBOTS_BYTES, FetchResult
from tradewatch.fetching.robots_store import worth_keeping

__all__ = ["PgRobotsStore"]

TABLE = """
CREATE TABLE IF NOT EXISTS tradewatch_robots (
    origin text PRIMARY KEY,
    fetched_at timestamptz NOT NULL,
    final_url text NOT NULL,
    outcome text NOT NULL,
    status integer NOT NULL,
    reason text,
    body bytea NOT NULL
);
COMMENT ON TABLE tradewatch_robots IS
    'The last readable robots.txt answer per origin (the robots.txt URL), shared by the
     fetch processes of every machine; refreshed once older than HttpConfig.robots_ttl.'
"""

_SELECT = """
SELECT extract(epoch FROM fetched_at)::float8, final_url, outcome, status, reason, body
FROM tradewatch_robots WHERE origin = %s
"""
_UPSERT = """
INSERT INTO tradewatch_robots (origin, fetched_at, final_url, outcome, status, reason, body)
VALUES (%s, to_timestamp(%s), %s, %s, %s, %s, %s)
ON CONFLICT (origin) DO UPDATE SET
    fetched_at = EXCLUDED.fetched_at, final_url = EXCLUDED.final_url,
    outcome = EXCLUDED.outcome, status = EXCLUDED.status, reason = EXCLUDED.reason,
    body = EXCLUDED.body
"""


class PgRobotsStore:
    """Readable robots.txt answers per origin in ``tradewatch_robots`` (created if
    missing), fresh for ``ttl`` seconds of wall-clock time (``clock``)."""

    def __init__(
        self, coordination: Coordination, *, ttl: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.coordination = coordination
        self.ttl = ttl
        self._clock = clock
        coordination.ensure(TABLE)

    def fetch_through(
        self, origin: str, fetch: Callable[[], FetchResult]
    ) -> tuple[FetchResult, float]:
        """The stored answer for ``origin`` while fresh, else ``fetch()``'s (kept when
        readable); with the answer's age in seconds."""
        with self.coordination.connection() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_SPACE, origin])
            stored = self._read(cur, origin)
            if stored is not None:
                return stored
            result = fetch()
            if worth_keeping(result):
                body = result.body[:MAX_ROBOTS_BYTES]
                row = [result.final_url, result.outcome, result.status, result.reason, body]
                cur.execute(_UPSERT, [origin, self._clock(), *row])
                conn.commit()
            return result, 0.0

    def _read(self, cur: cursor, origin: str) -> tuple[FetchResult, float] | None:
        cur.execute(_SELECT, [origin])
        row = cur.fetchone()
        if row is None:
            return None
        fetched_at, final_url, outcome, status, reason, body = row
        age = self._clock() - fetched_at
        if not 0 <= age < self.ttl:
            return None
        return FetchResult(origin, final_url, outcome, status, reason, body=bytes(body)), age
