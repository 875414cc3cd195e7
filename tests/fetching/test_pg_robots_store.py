"""robots.txt kept in PostgreSQL: clients on any machine read a host's robots.txt once a
day between them.

Every client here is a separate :class:`HttpClient` with connections of its own, as each
mapped Airflow task has; the worker processes reach the database only through its URL,
as another machine would. The server counts what really reached it.
"""

from __future__ import annotations

from politeness import run_workers
from servers.fault import Exchange, FaultServer, ok, robots, sequence, status
from tradewatch.fetching import FetchResult, PgRobotsStore

RULES = "User-agent: *\nDisallow: /private\nCrawl-delay: 0.1\n"


def test_clients_sharing_the_database_fetch_robots_once(
    server: FaultServer, make_client, coordination_url: str
) -> None:
    server.route("/robots.txt", robots(RULES)).route("/a", ok(b"a")).route("/private", ok(b"p"))
    first = make_client(coordination_url=coordination_url)
    second = make_client(coordination_url=coordination_url)
    assert first.get(server.url("/a"), kind="article").ok
    assert second.get(server.url("/private"), kind="article").outcome == "robots_disallowed"
    assert server.hits["/robots.txt"] == 1
    assert server.hits["/private"] == 0
    assert [e.kind for e in second.log] == ["article"]  # no robots request of its own
    assert second.robots_rules(server.url("/a")).crawl_delay == 0.1


def test_processes_wait_for_one_fetch(server: FaultServer, coordination_url: str) -> None:
    def slow_robots(ex: Exchange) -> None:
        ex.wait(0.3)
        ex.send(200, RULES.encode(), {"Content-Type": "text/plain"})

    server.route("/robots.txt", slow_robots).route("/a", ok(b"a"))
    jobs = [[server.url("/a")] for _ in range(3)]
    run_workers(jobs, gap=0.0, coordination_url=coordination_url, obey_robots=True)
    assert server.hits["/robots.txt"] == 1
    assert server.hits["/a"] == 3


def test_answer_older_than_ttl_is_fetched_again(
    server: FaultServer, make_client, coordination
) -> None:
    server.route("/robots.txt", sequence(robots("Disallow: /x\n"), robots("Disallow: /y\n")))
    now = [1_000_000.0]
    store = PgRobotsStore(coordination(), ttl=3600, clock=lambda: now[0])
    origin = server.url("/robots.txt")
    client = make_client(obey_robots=False)

    def fetch() -> FetchResult:
        return client.get(origin, kind="robots")

    first, age = store.fetch_through(origin, fetch)
    assert (first.body, age) == (b"Disallow: /x\n", 0.0)
    now[0] += 3599
    again, age = store.fetch_through(origin, fetch)
    assert (again.body, again.outcome, again.status, age) == (b"Disallow: /x\n", "ok", 200, 3599)
    now[0] += 2
    fresh, _ = store.fetch_through(origin, fetch)
    assert fresh.body == b"Disallow: /y\n"
    assert server.hits["/robots.txt"] == 2


def test_server_error_is_not_kept(server: FaultServer, make_client, coordination_url: str) -> None:
    """A 5xx robots.txt keeps this client away, but the next process asks again."""
    server.route("/robots.txt", sequence(status(503), robots(RULES))).route("/a", ok(b"a"))
    first = make_client(coordination_url=coordination_url).get(server.url("/a"), kind="article")
    assert first.outcome == "robots_disallowed"
    second = make_client(coordination_url=coordination_url).get(server.url("/a"), kind="article")
    assert second.ok
    assert server.hits["/robots.txt"] == 2


def test_missing_robots_is_kept_as_no_rules(
    server: FaultServer, make_client, coordination_url: str
) -> None:
    server.route("/robots.txt", status(404)).route("/a", ok(b"a"))
    for _ in range(2):
        client = make_client(coordination_url=coordination_url)
        assert client.get(server.url("/a"), kind="article").ok
    assert server.hits["/robots.txt"] == 1
