"""robots.txt: RFC 9309 parsing and matching, and the client obeying it over real HTTP."""

from __future__ import annotations

import pytest

from servers.fault import FaultServer, ok, redirect, robots, sequence, status
from tradewatch.fetching import RobotsCache, parse_robots, robots_url

ROBOTS = """\
# rules before any user-agent line belong to no group
Disallow: /everything

User-agent: googlebot
Disallow: /

User-agent: *
Disallow: /private
Crawl-delay: 7

User-agent: TradeWatch
User-agent: otherbot
Disallow: /news/draft
Allow: /news/draft/public
Disallow: /*.pdf$
Disallow: /search?q=
Crawl-delay: 0.3

Sitemap: https://example.com/sitemap.xml
user-agent: tradewatch
disallow: /archive*/old
Sitemap: https://example.com/news-sitemap.xml
"""


def _verdict(text: str, path: str) -> str | None:
    return parse_robots(text, url="http://h/robots.txt").disallowed_by(f"http://h{path}")


def test_our_groups_are_merged_and_star_is_ignored_when_we_are_named() -> None:
    rules = parse_robots(ROBOTS, url="u")
    assert rules.group == "tradewatch"
    assert [r.line for r in rules.rules] == [
        "Disallow: /news/draft",
        "Allow: /news/draft/public",
        "Disallow: /*.pdf$",
        "Disallow: /search?q=",
        "Disallow: /archive*/old",
    ]
    assert rules.crawl_delay == 0.3
    assert rules.sitemaps == (
        "https://example.com/sitemap.xml",
        "https://example.com/news-sitemap.xml",
    )


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/private/x", None),  # only the * group says so
        ("/everything", None),
        ("/news/draft/1", "Disallow: /news/draft"),
        ("/news/draft/public/1", None),  # longer Allow wins
        ("/files/report.pdf", "Disallow: /*.pdf$"),
        ("/files/report.pdf?x=1", None),  # $ anchors the end
        ("/search?q=hf", "Disallow: /search?q="),
        ("/search", None),
        ("/archive-2019/old/page", "Disallow: /archive*/old"),
        ("/robots.txt", None),
    ],
)
def test_longest_match_with_wildcards(path: str, rule: str | None) -> None:
    why = _verdict(ROBOTS, path)
    if rule is None:
        assert why is None
    else:
        assert why is not None and repr(rule) in why and "user-agent tradewatch" in why


def test_star_group_applies_when_we_are_not_named() -> None:
    text = (
        "User-agent: *\nDisallow: /private\nCrawl-delay: 2\n\n"
        "User-agent: tradewatchbot\nDisallow: /"
    )
    rules = parse_robots(text)
    assert rules.group == "*" and rules.crawl_delay == 2.0
    assert _verdict(text, "/private/a") and _verdict(text, "/public") is None


def test_allow_wins_a_tie_and_empty_disallow_allows() -> None:
    assert _verdict("User-agent: *\nDisallow: /page\nAllow: /page", "/page") is None
    assert _verdict("User-agent: *\nDisallow: /page\nAllow: /pag*", "/page") is None
    assert _verdict("User-agent: *\nDisallow:", "/anything") is None
    assert _verdict("User-agent: other\nDisallow: /", "/anything") is None


def test_percent_encoding_is_normalized_both_ways() -> None:
    text = "User-agent: *\nDisallow: /%7Euser\nDisallow: /ニュース\nDisallow: /a%2fb"
    assert _verdict(text, "/~user/page")
    assert _verdict(text, "/%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9/1")
    assert _verdict(text, "/a%2Fb")
    assert _verdict(text, "/a/b") is None  # an encoded slash is not a slash


def test_robots_url_keeps_scheme_host_and_port() -> None:
    assert robots_url("HTTPS://Example.COM:443/a?b") == "https://example.com/robots.txt"
    assert robots_url("http://example.com:8080/a") == "http://example.com:8080/robots.txt"
    assert robots_url("http://[::1]:81/a") == "http://[::1]:81/robots.txt"


@pytest.mark.parametrize("kind", ["article", "feed"])
def test_disallowed_url_is_not_requested(server: FaultServer, make_client, kind: str) -> None:
    server.route("/robots.txt", robots("User-agent: tradewatch\nDisallow: /secret\n"))
    server.route("/secret/a", ok(b"no")).route("/open", ok(b"yes"))
    client = make_client()
    refused = client.get(server.url("/secret/a"), kind=kind, source="s")
    allowed = client.get(server.url("/open"), kind=kind, source="s")
    assert refused.outcome == "robots_disallowed" and "'Disallow: /secret'" in refused.reason
    assert allowed.ok and server.hits["/secret/a"] == 0
    assert server.hits["/robots.txt"] == 1
    assert [(e.kind, e.outcome, e.source) for e in client.log] == [
        ("robots", "ok", "s"),
        (kind, "robots_disallowed", "s"),
        (kind, "ok", "s"),
    ]


def test_missing_robots_allows_everything(server: FaultServer, make_client) -> None:
    server.route("/a", ok(b"fine"))
    client = make_client()
    assert client.get(server.url("/a"), kind="article").ok
    assert (client.log[0].kind, client.log[0].outcome, client.log[0].status) == (
        "robots",
        "robots_absent",
        404,
    )


@pytest.mark.parametrize("answer", [status(500), status(429)])
def test_server_error_on_robots_disallows_everything(
    server: FaultServer, make_client, answer
) -> None:
    server.route("/robots.txt", answer).route("/a", ok(b"fine"))
    result = make_client().get(server.url("/a"), kind="article")
    assert result.outcome == "robots_disallowed" and "unreachable" in (result.reason or "")
    assert server.hits["/a"] == 0


def test_unreachable_robots_disallows_everything(make_client) -> None:
    result = make_client().get("http://127.0.0.1:9/a", kind="article")
    assert result.outcome == "robots_disallowed" and "connection_error" in (result.reason or "")


def test_robots_redirect_is_followed(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", redirect("/real-robots.txt"))
    server.route("/real-robots.txt", robots("User-agent: *\nDisallow: /a\n"))
    assert make_client().get(server.url("/a"), kind="article").outcome == "robots_disallowed"


def test_cache_expires_after_ttl() -> None:
    now = [0.0]
    fetched: list[str] = []

    class Result:
        ok, status, outcome, reason = True, 200, "ok", None
        body = b"User-agent: *\nDisallow: /x"

    def fetch(url: str, source: str | None) -> Result:
        fetched.append(url)
        return Result()

    cache = RobotsCache(fetch, ttl=3600, clock=lambda: now[0])  # type: ignore[arg-type]
    assert not cache.rules("http://h/x").allowed("http://h/x")
    now[0] = 3599
    cache.rules("http://h/y")
    assert fetched == ["http://h/robots.txt"]
    now[0] = 3601
    cache.rules("http://h/y")
    cache.rules("http://other/y")
    assert fetched == ["http://h/robots.txt"] * 2 + ["http://other/robots.txt"]


def test_client_refetches_robots_after_24_hours(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", robots("User-agent: *\nAllow: /\n")).route("/a", ok(b"a"))
    now = [1000.0]
    client = make_client(clock=lambda: now[0])
    client.get(server.url("/a"), kind="article")
    now[0] += 24 * 3600 - 1
    client.get(server.url("/a"), kind="article")
    assert server.hits["/robots.txt"] == 1
    now[0] += 2
    client.get(server.url("/a"), kind="article")
    assert server.hits["/robots.txt"] == 2


def test_every_redirect_hop_is_checked(
    server: FaultServer, other_server: FaultServer, make_client
) -> None:
    other_server.route("/robots.txt", robots("User-agent: *\nDisallow: /landing\n"))
    other_server.route("/landing", ok(b"should not be fetched"))
    server.route("/go", redirect(other_server.url("/landing")))
    result = make_client().get(server.url("/go"), kind="article")
    assert result.outcome == "robots_disallowed"
    assert result.final_url == other_server.url("/landing")
    assert "Disallow: /landing" in (result.reason or "")
    assert other_server.hits["/robots.txt"] == 1 and other_server.hits["/landing"] == 0


def test_crawl_delay_becomes_the_host_gap(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", robots("User-agent: tradewatch\nCrawl-delay: 0.3\n"))
    server.route("/a", ok(b"a")).route("/b", ok(b"b"))
    client = make_client(min_host_gap=0.0)
    assert client.get(server.url("/a"), kind="article").ok
    assert client.get(server.url("/b"), kind="article").ok
    [a], [b] = server.requests_for("/a"), server.requests_for("/b")
    assert a.finished is not None and b.arrived - a.finished >= 0.25


def test_sitemaps_are_exposed(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", robots(f"Sitemap: {server.url('/sitemap.xml')}\n"))
    client = make_client()
    assert client.robots_sitemaps(server.url("/any")) == [server.url("/sitemap.xml")]
    assert client.log[0].kind == "robots"


def test_switch_off_skips_robots(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", robots("User-agent: *\nDisallow: /\n")).route("/a", ok(b"a"))
    assert make_client(obey_robots=False).get(server.url("/a"), kind="article").ok
    assert server.hits["/robots.txt"] == 0


def test_robots_asking_for_a_long_pause_defers_pages(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", status(429, retry_after="7200")).route("/a", ok(b"a"))
    client = make_client(max_retry_after=60)
    result = client.get(server.url("/a"), kind="article")
    assert result.outcome == "deferred" and (result.retry_after or 0) > 7000
    assert [(e.kind, e.outcome) for e in client.log] == [
        ("robots", "deferred"),
        ("article", "deferred"),
    ]
    assert server.hits == {"/robots.txt": 1}


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1]/a", "ftp://h/a"])
def test_sitemaps_of_refused_urls_are_empty(make_client, url: str) -> None:
    client = make_client(allow_private_network=False)
    rules = client.robots_rules(url)
    assert rules.unavailable and client.robots_sitemaps(url) == [] and client.log == []


def test_deferred_robots_is_fetched_again_after_the_pause(server: FaultServer, make_client) -> None:
    server.route("/robots.txt", sequence(status(503, retry_after="120"), robots("")))
    server.route("/a", ok(b"a"))
    now = [0.0]
    client = make_client(max_retry_after=60, clock=lambda: now[0])
    assert client.get(server.url("/a"), kind="article").outcome == "deferred"
    now[0] = 121.0
    assert client.get(server.url("/a"), kind="article").ok
    assert server.hits == {"/robots.txt": 2, "/a": 1}
