"""Conditional GET: validators go out, a 304 comes back as ``not_modified``."""

from __future__ import annotations

from servers.fault import FaultServer, conditional

ETAG = '"feed-v7"'
LAST_MODIFIED = "Wed, 01 Mar 2023 09:00:00 GMT"


def test_validators_round_trip(server: FaultServer, make_client) -> None:
    server.route("/feed.xml", conditional(b"<rss/>", ETAG, LAST_MODIFIED))
    client = make_client(obey_robots=False)
    first = client.get(server.url("/feed.xml"), kind="feed")
    assert first.ok and (first.etag, first.last_modified) == (ETAG, LAST_MODIFIED)
    again = client.get(server.url("/feed.xml"), kind="feed", etag=first.etag)
    by_date = client.get(server.url("/feed.xml"), kind="feed", last_modified=first.last_modified)
    for result in (again, by_date):
        assert (result.outcome, result.status, result.body) == ("not_modified", 304, b"")
    sent = [h.headers for h in server.requests]
    assert "if-none-match" not in sent[0] and "if-modified-since" not in sent[0]
    assert sent[1]["if-none-match"] == ETAG and sent[2]["if-modified-since"] == LAST_MODIFIED
    assert [(e.outcome, e.bytes) for e in client.log] == [
        ("ok", 6),
        ("not_modified", 0),
        ("not_modified", 0),
    ]


def test_stale_validator_gets_the_new_body(server: FaultServer, make_client) -> None:
    server.route("/feed.xml", conditional(b"<rss>new</rss>", ETAG, LAST_MODIFIED))
    result = make_client(obey_robots=False).get(
        server.url("/feed.xml"), kind="feed", etag='"feed-v6"'
    )
    assert result.ok and result.body == b"<rss>new</rss>"
