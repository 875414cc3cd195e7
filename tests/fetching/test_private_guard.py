"""The private-network guard: first hop, every redirect hop, and address tricks."""

from __future__ import annotations

import pytest

from servers.fault import FaultServer, ok, redirect
from tradewatch.fetching import is_private_host


def _only_loopback_ip_is_public(host: str) -> bool:
    """Pretend 127.0.0.1 is a public server; everything else is judged for real."""
    return host != "127.0.0.1" and is_private_host(host)


@pytest.mark.parametrize(
    "target",
    ["http://localhost:{port}/inside", "http://169.254.169.254/latest/meta-data"],
)
def test_redirect_to_private_address_is_refused(
    server: FaultServer, make_client, target: str
) -> None:
    server.route("/go", redirect(target.format(port=server.port))).route("/inside", ok(b"x"))
    client = make_client(
        allow_private_network=False, private_host_check=_only_loopback_ip_is_public
    )
    result = client.get(server.url("/go"), kind="article")
    assert result.outcome == "blocked" and "redirect to" in (result.reason or "")
    assert server.hits["/go"] == 1 and server.hits["/inside"] == 0
    assert client.log[-1].outcome == "blocked"


def test_public_redirect_is_followed_under_the_same_policy(
    server: FaultServer, make_client
) -> None:
    server.route("/go", redirect("/inside")).route("/inside", ok(b"x"))
    client = make_client(
        allow_private_network=False, private_host_check=_only_loopback_ip_is_public
    )
    assert client.get(server.url("/go"), kind="article").ok


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0177.0.0.1/",  # octal
        "http://[::1]/",
        "http://[fd00::1]/",  # unique local
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
    ],
)
def test_address_tricks_are_blocked(make_client, url: str) -> None:
    result = make_client(allow_private_network=False).get(url, kind="article")
    assert result.outcome == "blocked", result.reason


def test_private_url_is_refused_before_its_robots_txt_is_fetched(make_client) -> None:
    client = make_client(allow_private_network=False, obey_robots=True)
    result = client.get("http://[::1]:9/a", kind="article")
    assert result.outcome == "blocked" and [e.kind for e in client.log] == ["article"]
