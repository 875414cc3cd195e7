"""``tradewatch ingest`` over a site where half the sources misbehave.

The good outlets are the fixture site; the bad ones live on a fault-injecting server. The
run must exit 0, store every good article, record every failure with its reason, defer
what a server asked to defer, and a second run must fetch nothing new.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from servers.fault import (
    FaultServer,
    conditional,
    gzip_bomb,
    ok,
    redirect,
    reset_mid_body,
    sequence,
    status,
    truncated_gzip,
)

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
GOOD_PAGE = "yonhap/2023/08/16/soulbrain-hydrogen-fluoride.html"
LAST_MODIFIED = "Wed, 16 Aug 2023 01:00:00 GMT"


def _rss(items: list[tuple[str, str]], *, cut: bool = False) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        "<pubDate>Wed, 16 Aug 2023 10:00:00 +0900</pubDate></item>"
        for title, link in items
    )
    doc = (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>{body}'
    )
    doc += "" if cut else "</channel></rss>"
    if cut:
        doc = doc[: doc.rindex("<item>") + 20]
    return doc.encode()


def _page(base: str, path: str) -> bytes:
    return (SITE / path).read_bytes().replace(b"__BASE__", base.encode())


@pytest.fixture(scope="module")
def limiter() -> Iterator[FaultServer]:
    """A host that asks for an hour's pause (it gets all its later requests deferred)."""
    with FaultServer({"/limited.html": status(429, retry_after="3600")}) as srv:
        yield srv


@pytest.fixture(scope="module")
def hostile(site_url: str, limiter: FaultServer) -> Iterator[FaultServer]:
    with FaultServer() as srv:
        b = srv.base
        wire_page = _page(b, GOOD_PAGE).replace(b"Soulbrain", b"Soulbrain Co.")
        srv.route(
            "/wire/feed.xml",
            conditional(
                _rss([("Soulbrain doubles output", f"{b}/wire/story.html")]), '"w1"', LAST_MODIFIED
            ),
        )
        srv.route("/wire/story.html", ok(wire_page))
        srv.route(
            "/flaky/feed.xml",
            sequence(
                status(503),
                conditional(
                    _rss([("Flaky but fine", f"{site_url}/{GOOD_PAGE}")]), '"f1"', LAST_MODIFIED
                ),
            ),
        )
        srv.route("/broken/feed.xml", status(500, b"Internal Server Error"))
        srv.route("/html/feed.xml", ok(b"<!doctype html><html><body>Maintenance</body></html>"))
        srv.route("/loop/feed.xml", redirect("/loop/feed.xml"))
        srv.route(
            "/partial/feed.xml",
            conditional(
                _rss(
                    [
                        ("Kept item", f"{b}/partial/kept.html"),
                        ("Lost item", f"{b}/partial/lost.html"),
                    ],
                    cut=True,
                ),
                '"p1"',
                LAST_MODIFIED,
            ),
        )
        srv.route("/partial/kept.html", ok(_page(b, "herald/view/20230814000512.html")))
        srv.route(
            "/bad/feed.xml",
            conditional(
                _rss(
                    [
                        ("Rate limited", limiter.url("/limited.html")),
                        ("Reset", f"{b}/bad/reset.html"),
                        ("Gzip cut", f"{b}/bad/cut.html"),
                        ("Bomb", f"{b}/bad/bomb.html"),
                        ("Gone", f"{b}/bad/gone.html"),
                    ]
                ),
                '"b1"',
                LAST_MODIFIED,
            ),
        )
        srv.route("/bad/reset.html", reset_mid_body())
        srv.route("/bad/cut.html", truncated_gzip(_page(b, GOOD_PAGE)))
        srv.route("/bad/bomb.html", gzip_bomb(30 * 1024 * 1024))
        srv.route("/bad/gone.html", status(410))
        yield srv


@pytest.fixture(scope="module")
def runs(tmp_path_factory, site_url: str, hostile: FaultServer) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile")
    good = [
        ("yonhap", "rss", "yonhap/feed.xml"),
        ("herald", "rss", "herald/feed.xml"),
        ("japantimes", "atom", "japantimes/feed.atom"),
        ("mainichi", "rss", "mainichi/feed.xml"),
    ]
    sources = [{"name": n, "type": t, "url": f"{site_url}/{p}"} for n, t, p in good]
    for name in ("wire", "flaky", "broken", "html", "loop", "partial", "bad"):
        sources.append({"name": name, "type": "rss", "url": hostile.url(f"/{name}/feed.xml")})
    sources_file = tmp / "sources.yaml"
    sources_file.write_text(
        yaml.safe_dump(
            {"allow_private_network": True, "min_host_gap_seconds": 0, "sources": sources}
        )
    )
    db = tmp / "tw.duckdb"
    out = {}
    for run in ("first", "second"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "tradewatch",
                "ingest",
                "--sources",
                str(sources_file),
                "--db",
                str(db),
                "--data-dir",
                str(tmp / "data"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
        out[run] = json.loads(result.stdout.strip().splitlines()[-1])
    out["db"] = db
    return out


@pytest.fixture(scope="module")
def con(runs):
    connection = duckdb.connect(str(runs["db"]), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str, *args) -> list[tuple]:
    return con.execute(sql, list(args)).fetchall()


def test_every_good_article_stored(con, expected, hostile) -> None:
    urls = {r[0] for r in _rows(con, "SELECT url FROM articles")}
    assert len(urls) == len(expected) + 2
    assert {hostile.url("/wire/story.html"), hostile.url("/partial/kept.html")} <= urls


def test_each_bad_source_poll_failed_with_reason(con, runs) -> None:
    polls = dict(
        (source, (outcome, reason))
        for source, outcome, reason in _rows(
            con,
            "SELECT source, outcome, reason FROM fetch_log WHERE kind = 'poll' AND run_id = ?",
            runs["first"]["run_id"],
        )
    )
    assert polls["broken"][0] == "failed" and "500" in polls["broken"][1]
    assert polls["html"][0] == "failed" and "not an RSS/Atom" in polls["html"][1]
    assert polls["loop"][0] == "failed" and "redirect" in polls["loop"][1]
    assert polls["partial"][0] == "partial" and "malformed" in polls["partial"][1]
    for name in ("yonhap", "herald", "japantimes", "mainichi", "wire", "flaky", "bad"):
        assert polls[name] == ("ok", None), name


def test_each_bad_article_logged_and_kept_for_later(con, hostile, limiter) -> None:
    logged = {
        url: (outcome, reason)
        for url, outcome, reason in _rows(
            con, "SELECT url, outcome, reason FROM fetch_log WHERE kind = 'article'"
        )
    }
    assert logged[limiter.url("/limited.html")][0] == "deferred"
    expect = {
        "/bad/reset.html": "truncated",
        "/bad/cut.html": "truncated",
        "/bad/bomb.html": "too_large",
        "/bad/gone.html": "http_error",
    }
    for path, outcome in expect.items():
        got_outcome, reason = logged[hostile.url(path)]
        assert got_outcome == outcome and reason, (path, got_outcome, reason)
    pending = {
        url: (state, outcome, retry_after is not None)
        for url, state, outcome, retry_after in _rows(
            con, "SELECT canonical_url, state, last_outcome, retry_after FROM pending_fetches"
        )
    }
    assert pending[limiter.url("/limited.html")] == ("pending", "deferred", True)
    assert pending[hostile.url("/bad/gone.html")] == ("failed", "http_error", False)
    assert pending[hostile.url("/bad/bomb.html")] == ("failed", "too_large", False)
    assert pending[hostile.url("/bad/reset.html")][:2] == ("pending", "truncated")


def test_second_run_fetches_nothing_new(con, runs) -> None:
    second = runs["second"]
    assert (second["articles_new"], second["articles_updated"]) == (0, 0)
    rows = _rows(
        con,
        "SELECT kind, outcome, count(*) FROM fetch_log WHERE run_id = ? AND source <> 'html' "
        "GROUP BY ALL",
        second["run_id"],
    )
    by = {(kind, outcome): n for kind, outcome, n in rows}
    assert by.get(("feed", "ok"), 0) == 0
    assert by[("feed", "not_modified")] == 4 + 4
    fetched_again = {k: n for k, n in by.items() if k[0] == "article" and k[1] == "ok"}
    assert fetched_again == {}
