"""scripts/embedded_redis.py with Debian's real redis-server.

The broker of `make run-celery` must come up on a Unix socket of our choosing (no TCP
port), be found again by a second start, stop leaving no process, and say in one line why
it cannot start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from embedded_redis import EmbeddedRedis, RedisError
from pgtest import scratch_dir

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "embedded_redis.py"


@pytest.fixture
def server() -> Iterator[EmbeddedRedis]:
    with scratch_dir() as scratch:
        redis = EmbeddedRedis(scratch / "redis")
        try:
            yield redis
        finally:
            redis.stop()


def test_start_serves_on_a_socket_only_and_stop_ends_it(server: EmbeddedRedis) -> None:
    assert server.start() is True
    proc = server.server()
    assert proc is not None
    assert not [c for c in proc.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    client = server.client()
    client.set("k", "v")
    assert client.get("k") == b"v"
    assert server.url().startswith(f"redis+socket://{server.socket}")
    assert server.start() is False, "a second start finds the running server"
    assert server.stop() is True
    assert not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    assert not server.socket.exists()
    assert server.stop() is False


def test_a_socket_path_too_long_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RedisError, match="TRADEWATCH_REDIS_DIR"):
        EmbeddedRedis(tmp_path / ("x" * 120)).start()


def test_the_script_starts_reports_and_stops(server: EmbeddedRedis) -> None:
    env = {**os.environ, "TRADEWATCH_REDIS_DIR": str(server.directory)}

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(SCRIPT), command], env=env, capture_output=True, text=True
        )

    assert run("status").returncode == 3
    assert run("start").stdout.startswith("started")
    assert run("status").stdout.startswith("running")
    assert run("stop").stdout.startswith("stopped")
    assert server.server() is None
