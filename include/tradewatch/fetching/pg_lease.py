"""Per-host leases in PostgreSQL, so processes on several machines take turns per host.

:class:`PgHostLease` is :class:`~tradewatch.fetching.hosts.HostLease` with the lock files
replaced by the rows of ``tradewatch_host_pace``: the host's row is locked ``FOR UPDATE``
in a transaction that stays open for the whole block, so the request of a
:meth:`~tradewatch.fetching.hosts.HostThrottle.slot` runs under the lock and a request to
that host from any machine waits for it to end. A process that dies loses its connection
and with it the lock.

Times are wall-clock readings (``time.time``): ``time.monotonic`` counts from each
machine's boot, so a reading from another machine means nothing. The machines' clocks
must agree (NTP) to well within the gap; one running ahead only makes the others wait
longer (:meth:`~tradewatch.fetching.hosts.HostPace.settle`), one running behind shortens
the gap after its requests by its lag.

Usage::

    lease = PgHostLease(Coordination("postgresql://tw@db/tradewatch"))
    throttle = HostThrottle(3.0, lease=lease)  # its clock is lease.clock, time.time
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator

from tradewatch.fetching.coordination import Coordination
from tradewatch.fetching.hosts import HostPace

__all__ = ["PgHostLease"]

TABLE = """
CREATE TABLE IF NOT EXISTS tradewatch_host_pace (
    host text PRIMARY KEY,
    request_end timestamptz,
    gap double precision NOT NULL DEFAULT 0,
    hold_until timestamptz NOT NULL DEFAULT 'epoch',
    hold double precision NOT NULL DEFAULT 0
);
COMMENT ON TABLE tradewatch_host_pace IS
    'When each host (hostname:port) may be contacted next: gap seconds after request_end,
     not before hold_until (Retry-After). A fetch holds its host''s row FOR UPDATE while
     its request is in flight.'
"""

_SELECT = """
SELECT extract(epoch FROM request_end)::float8, gap, extract(epoch FROM hold_until)::float8, hold
FROM tradewatch_host_pace WHERE host = %s FOR {mode}
"""
_UPDATE = """
UPDATE tradewatch_host_pace
SET request_end = to_timestamp(%s), gap = %s, hold_until = to_timestamp(%s), hold = %s
WHERE host = %s
"""


class PgHostLease:
    """Hosts' paces in ``tradewatch_host_pace`` (created if missing), shared by every
    process using the same database."""

    def __init__(self, coordination: Coordination) -> None:
        self.coordination = coordination
        self.clock = time.time  # the one clock all machines share
        coordination.ensure(TABLE)

    @contextlib.contextmanager
    def locked(self, key: str, *, shared: bool = False) -> Iterator[HostPace]:
        """``key``'s pace under its row lock, written back when changed.

        Blocks while another holder (thread, process or machine) has the row ``FOR
        UPDATE``. A ``shared`` lock (``FOR SHARE``) is for reading alongside other readers;
        changes are not kept.
        """
        with self.coordination.connection() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO tradewatch_host_pace (host) VALUES (%s) ON CONFLICT DO NOTHING",
                [key],
            )
            cur.execute(_SELECT.format(mode="SHARE" if shared else "UPDATE"), [key])
            end, gap, hold_until, hold = cur.fetchone()
            pace = HostPace(end=end, gap=gap, hold_until=hold_until, hold=hold)
            before = dataclasses.replace(pace)
            try:
                yield pace
            finally:
                if not shared and pace != before:
                    cur.execute(_UPDATE, [pace.end, pace.gap, pace.hold_until, pace.hold, key])
                conn.commit()
