"""``tradewatch ingest`` polls its sources at once, but never two at once on one host.

Two loopback hosts serve three slow feeds each. The run must poll all six, send each host
one request at a time with the sources file's gap between them, read each host's
robots.txt once, and still have the two hosts' polls overlap in time (which a
one-source-after-another loop never does).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import duckdb
import yaml

from clirun import run_cli
from servers.fault import Exchange, FaultServer, Handler, Hit

GAP = 0.2
SLOW = 0.3
TOLERANCE = 0.02
EMPTY_FEED = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<rss version="2.0"><channel><title>Trade wire</title></channel></rss>'
)


def _slow_feed(ex: Exchange) -> None:
    ex.wait(SLOW)
    ex.send(200, EMPTY_FEED, {"Content-Type": "application/rss+xml"})


def _routes() -> dict[str, Handler]:
    routes: dict[str, Handler] = {f"/desk{i}/feed.xml": _slow_feed for i in range(3)}
    routes["/robots.txt"] = lambda ex: ex.send(404, b"", {})
    return routes


def _feed_hits(server: FaultServer) -> list[Hit]:
    return sorted(
        (hit for hit in server.requests if hit.path.endswith("feed.xml")),
        key=lambda hit: hit.arrived,
    )


def test_sources_polled_in_parallel_one_request_per_host(tmp_path: Path) -> None:
    with FaultServer(_routes()) as seoul, FaultServer(_routes()) as tokyo:
        sources = [
            {"name": f"{city}-{i}", "type": "rss", "url": server.url(f"/desk{i}/feed.xml")}
            for city, server in (("seoul", seoul), ("tokyo", tokyo))
            for i in range(3)
        ]
        sources_file = tmp_path / "sources.yaml"
        sources_file.write_text(
            yaml.safe_dump(
                {"allow_private_network": True, "min_host_gap_seconds": GAP, "sources": sources}
            )
        )
        db = tmp_path / "tw.duckdb"
        result = run_cli(
            "--quiet",
            "ingest",
            "--sources",
            sources_file,
            "--db",
            db,
            "--data-dir",
            tmp_path / "data",
        )
        assert result.returncode == 0, result.stderr
        run_id = json.loads(result.stdout.strip().splitlines()[-1])["run_id"]

        for server in (seoul, tokyo):
            hits = _feed_hits(server)
            assert len(hits) == 3
            # the three polling threads share the run's robots.txt of their host
            assert server.hits["/robots.txt"] == 1
            assert server.max_in_flight == 1
            for before, after in itertools.pairwise(hits):
                assert before.finished is not None
                assert after.arrived - before.finished >= GAP - TOLERANCE
        seoul_hits, tokyo_hits = _feed_hits(seoul), _feed_hits(tokyo)
        assert any(
            a.arrived < b.finished and b.arrived < a.finished
            for a in seoul_hits
            for b in tokyo_hits
            if a.finished is not None and b.finished is not None
        )

    with duckdb.connect(str(db), read_only=True) as con:
        polls = con.execute(
            "SELECT source, outcome FROM fetch_log WHERE kind = 'poll' AND run_id = ? "
            "ORDER BY source",
            [run_id],
        ).fetchall()
    assert polls == [(s["name"], "ok") for s in sorted(sources, key=lambda s: s["name"])]
