"""The PostgreSQL database through which fetch processes on several machines take turns.

The lock files under the data directory (:class:`~tradewatch.fetching.hosts.HostLease`,
:class:`~tradewatch.fetching.robots_store.RobotsStore`) are ``flock``-ed, and ``flock``
only reaches the processes of one machine. On Airflow's CeleryExecutor the tasks of a run
fetch from several machines, so ``TRADEWATCH_COORDINATION_URL`` names a PostgreSQL
database they all reach, and :class:`~tradewatch.fetching.pg_lease.PgHostLease` and
:class:`~tradewatch.fetching.pg_robots_store.PgRobotsStore` keep the same records there.
PostgreSQL because a row or advisory lock lives exactly as long as the transaction of the
connection holding it: a process that dies closes its connection and frees its hosts.

A :class:`Coordination` gives each locked block a connection of its own for the block's
whole transaction; afterwards the connection waits for the next block of this process.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import psycopg2
from psycopg2.extensions import connection, parse_dsn

__all__ = ["Coordination", "CoordinationError"]

# A lease transaction waits for a host's lock, then stays open, idle, while the request
# runs: server-wide timeouts must not cut it short. TCP keepalives make the server notice
# a machine that vanished without closing its connection within about a minute, instead
# of the kernel's two hours, and so free the hosts it held.
_SESSION_SETTINGS = """
SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET tcp_keepalives_idle = 30;
SET tcp_keepalives_interval = 10;
SET tcp_keepalives_count = 3
"""
# Advisory locks of (this number, a key) are tradewatch's; the two-number key space
# overlaps none of the single-number locks other programs (Airflow) take.
LOCK_SPACE = 0x7477
_SCHEMA_LOCK = 0


class CoordinationError(RuntimeError):
    """The coordination database cannot be used; the message says which one (never with
    its password) and why, in one line."""


class Coordination:
    """Connections to the database ``url`` (a libpq URL or DSN), one per locked block."""

    def __init__(self, url: str, *, connect_timeout: int = 10) -> None:
        try:
            params = parse_dsn(url)
        except psycopg2.ProgrammingError:  # its message would quote the URL, password and all
            raise CoordinationError(
                "TRADEWATCH_COORDINATION_URL is not a PostgreSQL connection URL or DSN "
                "(postgresql://user:password@host:5432/dbname, no +driver)"
            ) from None
        params.setdefault("connect_timeout", str(connect_timeout))
        params.setdefault("application_name", "tradewatch")
        self._params = params
        self.name = _describe(params)
        self._idle: list[connection] = []
        self._lock = threading.Lock()
        self._closed = False

    def connect(self) -> connection:
        """A new connection with the session settings leases need."""
        try:
            conn = psycopg2.connect(**self._params)
        except psycopg2.Error as exc:
            raise CoordinationError(
                f"cannot reach the coordination database {self.name} "
                f"(TRADEWATCH_COORDINATION_URL): {_first_line(exc)}"
            ) from None
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(_SESSION_SETTINGS)
        conn.autocommit = False
        return conn

    @contextlib.contextmanager
    def connection(self) -> Iterator[connection]:
        """A connection for this block alone; whatever it did not commit is rolled back
        after it, which also releases its locks."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self.connect()
        try:
            yield conn
        finally:
            self._release(conn)

    def ensure(self, ddl: str) -> None:
        """Run ``ddl`` (``CREATE ... IF NOT EXISTS``). Processes starting together queue on
        a lock: two concurrent ``CREATE TABLE IF NOT EXISTS`` can still collide."""
        with self.connection() as conn, conn.cursor() as cur:
            try:
                cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, _SCHEMA_LOCK])
                cur.execute(ddl)
                conn.commit()
            except psycopg2.Error as exc:  # e.g. no right to create tables there
                raise CoordinationError(
                    f"cannot set up the coordination database {self.name}: {_first_line(exc)}"
                ) from None

    def close(self) -> None:
        """Close the idle connections, and those in use as their blocks end."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def _release(self, conn: connection) -> None:
        try:
            conn.rollback()
        except psycopg2.Error:
            conn.close()
        with self._lock:
            if not conn.closed and not self._closed:
                self._idle.append(conn)
                return
        conn.close()


def _describe(params: dict[str, str]) -> str:
    """``user@host:port/dbname`` of a parsed DSN, for messages: never the password."""
    user = f"{params['user']}@" if params.get("user") else ""
    host = params.get("host") or params.get("hostaddr") or "localhost"
    dbname = params.get("dbname") or params.get("user") or "?"
    return f"{user}{host}:{params.get('port') or 5432}/{dbname}"


def _first_line(exc: Exception) -> str:
    return next(iter(str(exc).strip().splitlines()), type(exc).__name__)
