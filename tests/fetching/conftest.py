"""Fixtures for the HTTP client tests: fault servers, fast clients and a coordination
database (an embedded PostgreSQL 16, started once for all the tests that ask for it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from embedded_postgres import EmbeddedPostgres
from pgtest import scratch_dir
from politeness import Shared
from servers.fault import FaultServer
from tradewatch.fetching import (
    Coordination,
    HostLease,
    HttpClient,
    HttpConfig,
    PgHostLease,
    PgRobotsStore,
)
from tradewatch.fetching.robots_store import RobotsStore

# No gap, no retries, short timeouts: tests switch on what they examine.
FAST = HttpConfig(
    connect_timeout=1.0,
    read_timeout=1.0,
    retries=0,
    backoff=0.01,
    max_bytes=1_000_000,
    min_host_gap=0.0,
)
_CONFIG_FIELDS = {f.name for f in dataclasses.fields(HttpConfig)}

MakeClient = Callable[..., HttpClient]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def other_server() -> Iterator[FaultServer]:
    """A second host (same address, another port)."""
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """``make_client(**options)``: HttpConfig fields override :data:`FAST`, the rest go to
    :class:`HttpClient` (private network allowed unless said otherwise)."""
    clients: list[HttpClient] = []

    def make(**options: object) -> HttpClient:
        config = {k: v for k, v in options.items() if k in _CONFIG_FIELDS}
        kwargs = {k: v for k, v in options.items() if k not in _CONFIG_FIELDS}
        kwargs.setdefault("allow_private_network", True)
        kwargs.setdefault("run_id", "test")
        client = HttpClient(dataclasses.replace(FAST, **config), **kwargs)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[EmbeddedPostgres]:
    """One PostgreSQL server for the session: starting one takes seconds."""
    with scratch_dir() as scratch:
        server = EmbeddedPostgres(scratch / "pgdata")
        server.start()
        try:
            yield server
        finally:
            server.stop(timeout=10)


@pytest.fixture
def coordination_url(postgres: EmbeddedPostgres) -> str:
    """The libpq URL of a coordination database without tradewatch's tables yet."""
    postgres.ensure_database("coordination")
    con = postgres.connect("coordination")
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS tradewatch_host_pace, tradewatch_robots")
    finally:
        con.close()
    return postgres.url("coordination", driver="postgresql")


@pytest.fixture
def coordination(coordination_url: str) -> Iterator[Callable[[], Coordination]]:
    """``coordination()``: a new connection pool to the coordination database, as another
    process would have; all closed after the test."""
    made: list[Coordination] = []

    def make() -> Coordination:
        made.append(Coordination(coordination_url))
        return made[-1]

    yield make
    for pool in made:
        pool.close()


@pytest.fixture(params=["files", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Shared:
    """The same behaviour on both stores: lock files in a folder one machine shares, and
    the coordination database machines share."""
    if request.param == "files":
        hosts, robots = tmp_path / "hosts", tmp_path / "robots"
        return Shared(
            {"lease_dir": hosts, "robots_dir": robots},
            lambda: HostLease(hosts),
            lambda **kw: RobotsStore(robots, **kw),
        )
    url = request.getfixturevalue("coordination_url")
    coordination = request.getfixturevalue("coordination")
    return Shared(
        {"coordination_url": url},
        lambda: PgHostLease(coordination()),
        lambda **kw: PgRobotsStore(coordination(), **kw),
    )
