"""A real ``airflow standalone`` for the end-to-end tests and benchmarks, driven by its REST API.

Each start gets its own AIRFLOW_HOME, embedded Postgres data directory, port, data folder
and login, so it never disturbs a developer's ``make run``: :func:`standalone` migrates
(as ``make airflow-init`` does), starts scripts/airflow_standalone.py (what ``make run``
starts), logs in, and on the way out sends Ctrl-C and checks that no Airflow or Postgres
process is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from embedded_postgres import EmbeddedPostgres
from embedded_redis import EmbeddedRedis
from pgtest import scratch_dir

REPO = Path(__file__).resolve().parents[1]
WRAPPER = REPO / "scripts" / "airflow_standalone.py"
WITH_DB = REPO / "scripts" / "embedded_postgres.py"
ENV_FILE = REPO / "scripts" / "airflow.env"
CELERY_ENV_FILE = REPO / "scripts" / "airflow_celery.env"
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 300
STOP_TIMEOUT = 120


def read_env_file(
    overrides: dict[str, str], files: tuple[Path, ...] = (ENV_FILE,)
) -> dict[str, str]:
    """scripts/airflow.env (then any further ``files``) with ``overrides`` (lines using
    ``${KEY}`` follow them)."""
    values = {"TRADEWATCH_HOME": str(REPO)}
    for file in files:
        for raw in file.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                values[key] = overrides.get(key) or re.sub(
                    r"\$\{(\w+)\}", lambda m: values[m.group(1)], value
                )
    return values


def airflow_env(
    tmp_path: Path,
    pgdata: Path,
    port: int,
    user: str,
    *,
    redis_dir: Path | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment ``make run`` gives Airflow, with its own home, Postgres data
    directory, port, data folder and an admin login ``user``, under ``tmp_path``; with a
    ``redis_dir``, the one ``make run-celery`` gives it (its broker's socket there)."""
    home = tmp_path / "airflow_home"
    home.mkdir()
    env = dict(os.environ)
    files = (ENV_FILE, CELERY_ENV_FILE) if redis_dir else (ENV_FILE,)
    env.update(
        read_env_file(
            {
                "AIRFLOW_HOME": str(home),
                "AIRFLOW__API__PORT": str(port),
                "TRADEWATCH_PGDATA": str(pgdata),
                "TRADEWATCH_REDIS_DIR": str(redis_dir or ""),
            },
            files,
        )
    )
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        TRADEWATCH_DATA_DIR=str(tmp_path / "data"),
        TRADEWATCH_DB=str(tmp_path / "data" / "tradewatch.duckdb"),
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{user}:admin",
        **extra,
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    """Server processes of ``pgdata``: the postmaster names it on its command line, and it
    and its backends work in it."""
    data = str(pgdata.resolve())
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            if data in (proc.info["cmdline"] or []) or (
                proc.info["name"] == "postgres" and proc.cwd() == data
            ):
                found.append(proc)
    return [p for p in found if _alive(p)]


class Tree:
    """Every process started under one root, remembered while it runs, stopped by PID."""

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.sids: set[int] = {root_pid}
        self.seen: dict[int, psutil.Process] = {}

    def scan(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.root_pid)
            for p in [root, *root.children(recursive=True)]:
                self.seen.setdefault(p.pid, p)
                self.sids.add(os.getsid(p.pid))
        except (psutil.Error, OSError):
            pass
        for p in psutil.process_iter():
            try:
                if p.pid != os.getpid() and os.getsid(p.pid) in self.sids:
                    self.seen.setdefault(p.pid, p)
            except (psutil.Error, OSError):
                continue
        return [p for p in self.seen.values() if _alive(p)]

    def kill_leftovers(self) -> None:
        """SIGTERM, then SIGKILL, whatever is still alive."""
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            alive = self.scan()
            if not alive:
                return
            for p in alive:
                with contextlib.suppress(psutil.Error):
                    p.send_signal(sig)
            psutil.wait_procs(alive, timeout=wait)


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _cmd(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline()[:4])
    except psutil.Error:
        return "?"


class Standalone:
    """scripts/airflow_standalone.py, as ``make run`` starts it, in a session of its own."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.pgdata = Path(env["TRADEWATCH_PGDATA"])
        self.executor = "celery" if env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor" else "local"
        self.redis = (
            EmbeddedRedis(Path(env["TRADEWATCH_REDIS_DIR"])) if self.executor == "celery" else None
        )
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(WRAPPER), "--executor", self.executor],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.tree = Tree(self.proc.pid)
        self.postgres_seen: dict[int, psutil.Process] = {}

    def scan(self) -> None:
        """Remember every Airflow and Postgres process while they run."""
        self.tree.scan()
        for p in postgres_processes(self.pgdata):
            self.postgres_seen.setdefault(p.pid, p)

    def wait_for(self, what: str, check: Callable[[], Any], timeout: float) -> Any:
        """Poll ``check`` until it returns something truthy; fail if Airflow exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the wrapper exited ({self.proc.returncode}) waiting for {what}")
            self.scan()
            value = check()
            if value:
                return value
            time.sleep(2)
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")

    def ctrl_c(self) -> tuple[list[str], list[str]]:
        """SIGINT to the wrapper's process group, as Ctrl-C in ``make run``'s terminal.
        Returns the Airflow and the Postgres (and Redis) processes still alive once the
        wrapper exited; those are then killed, so a failing test leaves nothing behind."""
        self.scan()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=STOP_TIMEOUT)
        airflow_left = [f"{p.pid} {_cmd(p)}" for p in self.tree.scan()]
        postgres = {p.pid: p for p in postgres_processes(self.pgdata)}
        postgres.update((pid, p) for pid, p in self.postgres_seen.items() if _alive(p))
        postgres_left = [f"{p.pid} {_cmd(p)}" for p in postgres.values()]
        broker = self.redis.server() if self.redis else None
        if broker is not None:
            postgres_left.append(f"{broker.pid} {_cmd(broker)}")
            self.redis.stop()
        self.tree.kill_leftovers()
        EmbeddedPostgres(self.pgdata).stop(timeout=10)
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.log.close()
        return airflow_left, postgres_left

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class Api:
    """The public REST API (v2) with a JWT from ``POST /auth/token``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def login(self, username: str, password: str) -> None:
        resp = self.session.post(
            f"{self.base}/auth/token", json={"username": username, "password": password}, timeout=30
        )
        assert resp.status_code in (200, 201), resp.text
        token = resp.json()["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(f"{self.base}/api/v2{path}", params=params, timeout=30)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self.session.request(method, f"{self.base}/api/v2{path}", timeout=30, **kwargs)
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json()


def healthy(base: str) -> bool:
    try:
        resp = requests.get(f"{base}/api/v2/monitor/health", timeout=5)
    except requests.RequestException:
        return False
    if resp.status_code != 200:
        return False
    health = resp.json()
    parts = ("metadatabase", "scheduler", "dag_processor")
    return all(health.get(part, {}).get("status") == "healthy" for part in parts)


def failure_report(api: Api, dag_id: str, run_id: str) -> str:
    """Task states, and the log of every task that did not succeed."""
    lines = []
    try:
        tis = api.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances").json()["task_instances"]
        for ti in tis:
            lines.append(f"{ti['task_id']}[{ti['map_index']}]: {ti['state']}")
            if ti["state"] != "success" and ti.get("try_number"):
                log = api.get(
                    f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{ti['task_id']}"
                    f"/logs/{ti['try_number']}",
                    map_index=ti["map_index"],
                )
                lines.append(log.text[-4000:])
    except (requests.RequestException, KeyError, ValueError) as exc:
        lines.append(f"(could not fetch task details: {exc})")
    return "\n".join(lines)


def task_log(api: Api, dag_id: str, run_id: str, task_id: str, try_number: int = 1) -> str:
    """The task's log events, one per line, as the UI shows them."""
    resp = api.session.get(
        f"{api.base}/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        f"/logs/{try_number}",
        params={"full_content": "true"},
        headers={"Accept": "application/x-ndjson"},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    events = (json.loads(line) for line in resp.text.splitlines() if line.strip())
    return "\n".join(str(event.get("event", "")) for event in events)


def airflow_init(env: dict[str, str], pgdata: Path) -> None:
    """What ``make airflow-init`` runs: migrate and create the pool, each with the embedded
    Postgres started for the command and stopped after it."""
    for cmd in (
        ["db", "migrate"],
        ["pools", "set", "duckdb_writer", "1", "tradewatch: one DuckDB writer at a time"],
    ):
        done = subprocess.run(
            [sys.executable, str(WITH_DB), "run", "--", str(BIN / "airflow"), *cmd],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"airflow {' '.join(cmd)}:\n{done.stdout}\n{done.stderr}"
        assert not postgres_processes(pgdata), "`embedded_postgres.py run` left Postgres running"
    assert (pgdata / "PG_VERSION").read_text().strip() == "16"


class Airflow:
    """A started ``airflow standalone`` with its own home, Postgres, port, data and login."""

    def __init__(self, base: str, env: dict[str, str], started: Standalone):
        self.base, self.env, self.started = base, env, started
        self.api = Api(base)

    @property
    def data(self) -> Path:
        return Path(self.env["TRADEWATCH_DATA_DIR"])

    def wait(self, what: str, check: Callable[[], Any], timeout: float) -> Any:
        return self.started.wait_for(what, check, timeout)


@contextlib.contextmanager
def standalone(
    tmp_path: Path, user: str, password: str, *, celery: bool = False, **extra_env: str
) -> Iterator[Airflow]:
    """Migrate, start (``make run``, or ``make run-celery`` with ``celery``), log in as
    ``user``; on the way out Ctrl-C, and no process may be left."""
    port = free_port()
    with scratch_dir() as scratch:
        pgdata = scratch / "pgdata"
        redis_dir = scratch / "redis" if celery else None
        env = airflow_env(tmp_path, pgdata, port, user, redis_dir=redis_dir, **extra_env)
        Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).write_text(
            json.dumps({user: password}), encoding="utf-8"
        )
        airflow_init(env, pgdata)
        started = Standalone(env, tmp_path / "standalone.log")
        airflow = Airflow(f"http://127.0.0.1:{port}", env, started)
        try:
            airflow.wait("a healthy Airflow", lambda: healthy(airflow.base), STARTUP_TIMEOUT)
            airflow.api.login(user, password)
            yield airflow
        except BaseException:
            print(f"---- tail of {started.log_path} ----\n{started.output()[-8000:]}")
            raise
        finally:
            left = started.ctrl_c()
        assert left == ([], []), f"Airflow and Postgres processes left after Ctrl-C: {left}"
