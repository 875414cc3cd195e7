"""A Redis server on a Unix socket for `make run-celery` and the Celery end-to-end test.

Celery needs a broker, and Airflow's reference compose file uses Redis. On one machine,
`make run-celery` starts Debian's ``redis-server`` (``apt-get install redis-server``) on a
socket in ``TRADEWATCH_REDIS_DIR`` (default ``$AIRFLOW_HOME/redis``), no TCP port, so it
never clashes with a system Redis or a second checkout. It keeps nothing on disk: a
broker's queue is rebuilt by the scheduler, which re-queues what was never picked up.

Usage: ``python scripts/embedded_redis.py start|stop|status``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import redis

SOCKET_NAME = "redis.sock"
LOG_NAME = "redis.log"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
MAX_SOCKET_PATH = 107


class RedisError(Exception):
    """The server cannot be started (no binary, a bad directory, a socket path too long)."""


@dataclass(frozen=True)
class EmbeddedRedis:
    """The server whose socket, pid file and log are in ``directory``."""

    directory: Path

    @property
    def socket(self) -> Path:
        return self.directory / SOCKET_NAME

    @property
    def log(self) -> Path:
        return self.directory / LOG_NAME

    def url(self, db: int = 0) -> str:
        """The broker URL Celery (kombu) takes for this socket."""
        return f"redis+socket://{self.socket}?virtual_host={db}"

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=2)

    def server(self) -> psutil.Process | None:
        """The running server of this directory, by its pid file; None when there is none."""
        try:
            pid = int((self.directory / "redis.pid").read_text().strip())
            proc = psutil.Process(pid)
            ours = proc.status() != psutil.STATUS_ZOMBIE and "redis-server" in proc.name()
        except (OSError, ValueError, psutil.Error):
            return None
        return proc if ours else None

    def start(self, timeout: float = START_TIMEOUT) -> bool:
        """Start the server unless it runs. Returns whether this call started it."""
        if self.server() is not None and self.answers():
            return False
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisError("redis-server is not installed (Debian: apt-get install redis-server)")
        length = len(os.fsencode(self.socket))
        if length > MAX_SOCKET_PATH:
            raise RedisError(
                f"the socket path {self.socket} is {length} bytes, longer than the "
                f"{MAX_SOCKET_PATH} Unix allows: set TRADEWATCH_REDIS_DIR to a shorter directory"
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        settings = {
            "port": "0",
            "unixsocket": str(self.socket),
            "unixsocketperm": "700",
            "dir": str(self.directory),
            "pidfile": str(self.directory / "redis.pid"),
            "logfile": str(self.log),
            "save": "",
            "appendonly": "no",
            "daemonize": "no",
        }
        argv = [binary]
        for key, value in settings.items():
            argv += [f"--{key}", value]
        # Its output goes to its log; inherited pipes would keep a caller's reader waiting.
        quiet = {
            "stdin": subprocess.DEVNULL,
            "stdout": subprocess.DEVNULL,
            "stderr": subprocess.DEVNULL,
        }
        subprocess.Popen(argv, start_new_session=True, **quiet)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.answers():
                return True
            time.sleep(0.1)
        self.stop()
        raise RedisError(f"redis-server did not answer on {self.socket} (log: {self.log})")

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """SIGTERM (Redis exits cleanly on it), then SIGKILL. Returns whether one ran."""
        proc = self.server()
        if proc is None:
            return False
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)
            with contextlib.suppress(psutil.TimeoutExpired):
                proc.wait(wait)
                break
        self.socket.unlink(missing_ok=True)
        return True

    def answers(self) -> bool:
        """Whether a server answers PING on the socket."""
        try:
            return bool(self.client().ping())
        except (redis.RedisError, OSError):
            return False


def from_env() -> EmbeddedRedis:
    """The server of ``TRADEWATCH_REDIS_DIR``, else of ``$AIRFLOW_HOME/redis``."""
    folder = os.environ.get("TRADEWATCH_REDIS_DIR", "").strip()
    if not folder:
        folder = str(Path(os.environ.get("AIRFLOW_HOME", Path.home() / "airflow")) / "redis")
    return EmbeddedRedis(Path(folder).absolute())


def main(argv: list[str]) -> int:
    server = from_env()
    command = argv[0] if argv else "status"
    try:
        if command == "start":
            print("started" if server.start() else "already running", server.socket)
        elif command == "stop":
            print("stopped" if server.stop() else "not running", server.socket)
        elif command == "status":
            running = server.server() is not None and server.answers()
            print("running" if running else "not running", server.socket)
            return 0 if running else 3
        else:
            print(f"usage: {sys.argv[0]} start|stop|status", file=sys.stderr)
            return 2
    except RedisError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
