"""robots.txt kept in PostgreSQL: clients on any machine read a host's robots.txt once a
day between them.

Every client here is a separate :class:`HttpClient` with connections of its own, as each
mapped Airflow task has; the worker processes reach the database only through its URL,
as another machine would. The server counts what really reached it. What both stores do
alike (one fetch for many clients, the TTL, 5xx not kept, 404 kept) runs on this one too
in test_robots_store.py.
"""

from __future__ import annotations

from politeness import run_workers
from servers.fault import Exchange, FaultServer, ok

RULES = "User-agent: *\nDisallow: /private\nCrawl-delay: 0.1\n"


def test_processes_wait_for_one_fetch(server: FaultServer, coordination_url: str) -> None:
    def slow_robots(ex: Exchange) -> None:
        ex.wait(0.3)
        ex.send(200, RULES.encode(), {"Content-Type": "text/plain"})

    server.route("/robots.txt", slow_robots).route("/a", ok(b"a"))
    jobs = [[server.url("/a")] for _ in range(3)]
    run_workers(jobs, gap=0.0, coordination_url=coordination_url, obey_robots=True)
    assert server.hits["/robots.txt"] == 1
    assert server.hits["/a"] == 3
