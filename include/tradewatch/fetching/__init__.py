"""Everything that goes to the network: the one HTTP client and the rules it keeps.

The modules build on each other in one direction only, so none imports another back:

- :mod:`~tradewatch.fetching.results`: the shared types, :class:`HttpConfig` (limits),
  :data:`OUTCOMES` and :class:`FetchResult`;
- :mod:`~tradewatch.fetching.hosts`: :func:`host_key`, :class:`HostThrottle` (one request
  at a time per host, with a gap), :class:`HostLease` (the same across processes) and
  :func:`flocked` (the file lock both it and the robots store hold);
- :mod:`~tradewatch.fetching.robots_store`: :class:`RobotsStore`, robots.txt answers on
  disk, shared by every process of a run;
- :mod:`~tradewatch.fetching.coordination`: :class:`Coordination`, connections to the
  PostgreSQL database that processes on several machines share, and
  :mod:`~tradewatch.fetching.pg_lease` / :mod:`~tradewatch.fetching.pg_robots_store`:
  :class:`PgHostLease` and :class:`PgRobotsStore`, the lease and the robots.txt store
  kept there;
- :mod:`~tradewatch.fetching.robots`: robots.txt parsing and :class:`RobotsCache`;
- :mod:`~tradewatch.fetching.client`: :class:`HttpClient`, the private-network guard and
  the body decoders;
- :mod:`~tradewatch.fetching.many`: :func:`fetch_many`, hosts in parallel.

Usage::

    from tradewatch.fetching import FetchRequest, HttpClient, HttpConfig, fetch_many

    with HttpClient(HttpConfig(), lease_dir=data_dir / "hosts") as client:
        results = fetch_many(client, [FetchRequest(url, kind="article")])

    # workers on several machines: per-host turns and robots.txt kept in PostgreSQL
    with HttpClient(HttpConfig(), coordination_url="postgresql://tw@db/tradewatch") as client:
        ...
"""

from tradewatch.fetching.client import HttpClient, is_private_host
from tradewatch.fetching.coordination import Coordination, CoordinationError
from tradewatch.fetching.hosts import HostLease, HostPace, HostThrottle, Lease, host_key
from tradewatch.fetching.many import FetchRequest, fetch_many
from tradewatch.fetching.pg_lease import PgHostLease
from tradewatch.fetching.pg_robots_store import PgRobotsStore
from tradewatch.fetching.results import OUTCOMES, USER_AGENT, FetchResult, HttpConfig
from tradewatch.fetching.robots import (
    MAX_ROBOTS_BYTES,
    PRODUCT_TOKEN,
    RobotsCache,
    RobotsRule,
    RobotsRules,
    parse_robots,
    robots_url,
    rules_from_fetch,
)

__all__ = [
    "MAX_ROBOTS_BYTES",
    "OUTCOMES",
    "PRODUCT_TOKEN",
    "USER_AGENT",
    "Coordination",
    "CoordinationError",
    "FetchRequest",
    "FetchResult",
    "HostLease",
    "HostPace",
    "HostThrottle",
    "HttpClient",
    "HttpConfig",
    "Lease",
    "PgHostLease",
    "PgRobotsStore",
    "RobotsCache",
    "RobotsRule",
    "RobotsRules",
    "fetch_many",
    "host_key",
    "is_private_host",
    "parse_robots",
    "robots_url",
    "rules_from_fetch",
]
