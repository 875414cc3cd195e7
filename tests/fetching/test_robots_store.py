"""robots.txt kept on disk: clients sharing a directory read a host's robots.txt once a day.
The behaviour both stores share runs on each (``shared``: the folder, the coordination
database).

Every client here is a separate :class:`HttpClient`, as each mapped Airflow task and each
polling thread has its own; the server counts what really reached it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from politeness import Shared
from servers.fault import Exchange, FaultServer, ok, robots, sequence, status
from tradewatch.fetching import FetchResult
from tradewatch.fetching.robots_store import RobotsStore

RULES = "User-agent: *\nDisallow: /private\nCrawl-delay: 0.1\n"


def test_clients_sharing_a_store_fetch_robots_once(
    server: FaultServer, make_client, shared: Shared
) -> None:
    server.route("/robots.txt", robots(RULES)).route("/a", ok(b"a")).route("/private", ok(b"p"))
    first, second = make_client(**shared.options), make_client(**shared.options)
    assert first.get(server.url("/a"), kind="article").ok
    assert second.get(server.url("/private"), kind="article").outcome == "robots_disallowed"
    assert server.hits["/robots.txt"] == 1
    assert server.hits["/private"] == 0
    assert [e.kind for e in second.log] == ["article"]  # no robots request of its own
    assert second.robots_rules(server.url("/a")).crawl_delay == 0.1


def test_answer_older_than_ttl_is_fetched_again(
    server: FaultServer, make_client, shared: Shared
) -> None:
    server.route("/robots.txt", sequence(robots("Disallow: /x\n"), robots("Disallow: /y\n")))
    now = [1_000_000.0]
    store = shared.robots_store(ttl=3600, clock=lambda: now[0])
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


def test_server_error_is_not_kept(server: FaultServer, make_client, shared: Shared) -> None:
    """A 5xx robots.txt keeps this client away, but the next process asks again."""
    server.route("/robots.txt", sequence(status(503), robots(RULES))).route("/a", ok(b"a"))
    first = make_client(**shared.options).get(server.url("/a"), kind="article")
    assert first.outcome == "robots_disallowed"
    second = make_client(**shared.options).get(server.url("/a"), kind="article")
    assert second.ok
    assert server.hits["/robots.txt"] == 2


def test_missing_robots_is_kept_as_no_rules(
    server: FaultServer, make_client, shared: Shared
) -> None:
    server.route("/robots.txt", status(404)).route("/a", ok(b"a"))
    for _ in range(2):
        assert make_client(**shared.options).get(server.url("/a"), kind="article").ok
    assert server.hits["/robots.txt"] == 1


def test_concurrent_clients_wait_for_one_fetch(
    server: FaultServer, make_client, tmp_path: Path
) -> None:
    def slow_robots(ex: Exchange) -> None:
        ex.wait(0.3)
        ex.send(200, RULES.encode(), {"Content-Type": "text/plain"})

    server.route("/robots.txt", slow_robots).route("/a", ok(b"a"))
    clients = [make_client(robots_dir=tmp_path) for _ in range(4)]
    threads = [
        threading.Thread(target=c.get, args=(server.url("/a"),), kwargs={"kind": "article"})
        for c in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.hits["/robots.txt"] == 1
    assert server.hits["/a"] == 4


def test_corrupt_stored_answer_is_refetched_and_replaced(
    server: FaultServer, make_client, tmp_path: Path
) -> None:
    server.route("/robots.txt", robots(RULES)).route("/private", ok(b"p"))
    url = server.url("/private")
    assert make_client(robots_dir=tmp_path).get(url, kind="article").outcome == (
        "robots_disallowed"
    )
    path = RobotsStore(tmp_path, ttl=3600).path(server.url("/robots.txt"))
    path.write_text('{"origin": "http://', encoding="utf-8")
    result = make_client(robots_dir=tmp_path).get(url, kind="article")
    assert result.outcome == "robots_disallowed"
    assert server.hits["/robots.txt"] == 2
    assert make_client(robots_dir=tmp_path).get(url, kind="article").outcome == (
        "robots_disallowed"
    )
    assert server.hits["/robots.txt"] == 2


def test_unusable_directory_still_obeys_robots(
    server: FaultServer, make_client, tmp_path: Path
) -> None:
    """A robots directory that cannot be created costs the sharing, not the run."""
    server.route("/robots.txt", robots(RULES)).route("/a", ok(b"a")).route("/private", ok(b"p"))
    blocked = tmp_path / "robots"
    blocked.write_text("a file where the directory should be")
    client = make_client(robots_dir=blocked)
    assert client.get(server.url("/a"), kind="article").ok
    assert client.get(server.url("/private"), kind="article").outcome == "robots_disallowed"
    assert server.hits["/robots.txt"] == 1
