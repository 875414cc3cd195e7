"""``TRADEWATCH_COORDINATION_URL`` moves the pipeline's politeness records into PostgreSQL.

Set, the discover and fetch stages keep per-host leases and robots.txt answers in that
database, and nothing under the data directory; unset, the lock files stay as they were.
A database that cannot be reached fails the stage with one line naming it (never its
password): fetching on without per-host politeness is not an option.
"""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from clirun import run_cli
from politeness import worker_env
from servers.fault import FaultServer, ok, robots
from tradewatch.config import SourcesConfig
from tradewatch.fetching import CoordinationError
from tradewatch.pipeline import RunContext, _client

UNREACHABLE = "postgresql://tw:s3cret@127.0.0.1:1/coordination"


def _context(tmp_path: Path) -> RunContext:
    return RunContext(
        run_id="r",
        sources_file=tmp_path / "s.yaml",
        db_path=tmp_path / "tw.duckdb",
        data_dir=tmp_path / "data",
    )


def _fetch_one(tmp_path: Path, server: FaultServer) -> None:
    config = SourcesConfig(sources=(), allow_private_network=True, min_host_gap_seconds=0)
    with _client(_context(tmp_path), config) as client:
        assert client.get(server.url("/a"), kind="article").ok


def _rows(url: str, sql: str) -> list[tuple]:
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        con.close()


def test_set_url_keeps_leases_and_robots_in_the_database(
    server: FaultServer, coordination_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/robots.txt", robots("User-agent: *\nAllow: /\n")).route("/a", ok(b"a"))
    monkeypatch.setenv("TRADEWATCH_COORDINATION_URL", coordination_url)
    _fetch_one(tmp_path, server)
    host = f"127.0.0.1:{server.port}"
    assert _rows(coordination_url, "SELECT host FROM tradewatch_host_pace") == [(host,)]
    origin = server.url("/robots.txt")
    assert _rows(coordination_url, "SELECT origin, status FROM tradewatch_robots") == [
        (origin, 200)
    ]
    assert not (tmp_path / "data" / "hosts").exists()
    assert not (tmp_path / "data" / "robots").exists()


def test_unset_url_keeps_the_lock_files(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/robots.txt", robots("User-agent: *\nAllow: /\n")).route("/a", ok(b"a"))
    monkeypatch.delenv("TRADEWATCH_COORDINATION_URL", raising=False)
    _fetch_one(tmp_path, server)
    lock_files = [p.name for p in (tmp_path / "data" / "hosts").iterdir()]
    assert lock_files == [f"127.0.0.1-{server.port}.lock"]
    assert len(list((tmp_path / "data" / "robots").glob("*.json"))) == 1


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (UNREACHABLE, "cannot reach the coordination database tw@127.0.0.1:1/coordination"),
        ("postgresql+psycopg2://tw:s3cret@db/coordination", "not a PostgreSQL connection URL"),
    ],
)
def test_unusable_url_fails_the_stage_naming_the_database_not_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, says: str
) -> None:
    monkeypatch.setenv("TRADEWATCH_COORDINATION_URL", url)
    config = SourcesConfig(sources=(), allow_private_network=True)
    with pytest.raises(CoordinationError) as caught:
        _client(_context(tmp_path), config)
    message = str(caught.value)
    assert says in message and "TRADEWATCH_COORDINATION_URL" in message
    assert "s3cret" not in message and "\n" not in message
    assert not (tmp_path / "data" / "hosts").exists()


def test_ingest_with_an_unreachable_database_exits_with_one_line(
    sources_file: Path, tmp_path: Path
) -> None:
    env = {**worker_env(), "TRADEWATCH_COORDINATION_URL": UNREACHABLE}
    done = run_cli(
        "ingest",
        "--sources",
        sources_file,
        "--db",
        tmp_path / "tw.duckdb",
        "--data-dir",
        tmp_path / "data",
        env=env,
    )
    assert done.returncode == 2, done.stderr
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert errors == [
        "tradewatch: error: cannot reach the coordination database "
        "tw@127.0.0.1:1/coordination (TRADEWATCH_COORDINATION_URL): connection to server at "
        '"127.0.0.1", port 1 failed: Connection refused'
    ]
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr
