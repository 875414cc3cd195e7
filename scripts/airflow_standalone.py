"""Run Airflow on the embedded Postgres; Ctrl-C (or SIGTERM/SIGHUP) stops it all.

With the LocalExecutor (``make run``) that is ``airflow standalone``. With
``--executor celery`` (``make run-celery``, settings from scripts/airflow_celery.env) it is
the embedded Redis (scripts/embedded_redis.py) as the broker, Airflow's components one by
one, and two Celery workers, the first of which owns the DuckDB file (queue ``duckdb``).

``airflow standalone`` starts the scheduler, dag-processor, triggerer and api-server as
children, and those start workers and task processes of their own. Killing the standalone
process alone leaves them running, so this wrapper starts each component in a session of
its own and, on shutdown, signals every process of those sessions and process trees:
SIGINT first (Airflow's components shut down cleanly on it), then SIGTERM, then SIGKILL.

Airflow's metadata is in the embedded PostgreSQL of ``TRADEWATCH_PGDATA``
(scripts/embedded_postgres.py): it starts first, a server already running on that
directory is taken over, and it stops after the last Airflow process (Redis too), so
Ctrl-C leaves no process behind. With ``TRADEWATCH_PGDATA`` empty (``AIRFLOW_DB=sqlite``)
there is none.

It also waits for the API server to answer and then prints the UI address and the login.
The settings come from the environment (``make run`` exports scripts/airflow.env).

Usage: ``python scripts/airflow_standalone.py [--executor local|celery]``; exit status is
that of the first component to exit, or 0 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

import psutil

import embedded_postgres
import embedded_redis

GRACE_SECONDS = 30.0
TERM_SECONDS = 10.0
STARTUP_TIMEOUT = 300.0
# The Celery queue of the tasks that write the DuckDB file (plugins/tradewatch_dag_policy.py).
DUCKDB_QUEUE = "duckdb"
# Where the Celery workers share per-host politeness (TRADEWATCH_COORDINATION_URL).
COORDINATION_DB = "tradewatch"


class _Stop(Exception):
    """Raised by the signal handler to leave the main loop."""


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _login_lines(passwords_file: Path) -> list[str]:
    users = os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin")
    names = [u.split(":")[0] for u in users.split(",") if u.strip()]
    try:
        passwords = json.loads(passwords_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        passwords = {}
    lines = [
        f"  login: {name} / {passwords.get(name, '(see the passwords file)')}" for name in names
    ]
    lines.append(f"  passwords file: {passwords_file}")
    return lines


def _banner(base: str, passwords_file: Path, database: str, started: list[str]) -> str:
    lines = [
        "",
        "=" * 72,
        f"  Airflow UI: {base}/",
        *_login_lines(passwords_file),
        f"  Metadata DB: {database}",
        f"  Started: {', '.join(started)}",
        "  DAG: tradewatch_daily (paused at creation: unpause it, or Trigger with params)",
        "  Offline samples: `make serve-samples` in another terminal, then Trigger",
        "    tradewatch_daily with sources_file = include/samples/sources.yaml",
        "  Ctrl-C stops Airflow, every process it started and the metadata DB.",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)


def _related(root_pid: int, sid: int, known: dict[int, psutil.Process]) -> None:
    """Add ``root_pid``, its descendants and every process of session ``sid`` to ``known``."""
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(root_pid)
        known.setdefault(root.pid, root)
        for child in root.children(recursive=True):
            known.setdefault(child.pid, child)
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if proc.pid != os.getpid() and os.getsid(proc.pid) == sid:
                known.setdefault(proc.pid, proc)


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _name(proc: psutil.Process) -> str:
    try:
        cmd = proc.cmdline()
    except psutil.Error:
        return "?"
    words = [Path(w).name for w in cmd[:3] if not w.endswith(("python", "python3"))]
    return " ".join(words[:2]).strip() or proc.name()


def stop_all(roots: list[int]) -> None:
    """Stop the started components (each the leader of a session of its own) and
    everything they started.

    First only the components get SIGINT, as from Ctrl-C in a terminal: standalone stops
    its children once, the scheduler lets its LocalExecutor workers finish, a Celery worker
    finishes its tasks. (Signalling every process at once makes the scheduler see two
    signals and abandon its workers.) Whatever is left gets SIGTERM, then SIGKILL. Each
    round looks again for the trees and the sessions, so processes started meanwhile or
    re-parented to init are included.
    """
    known: dict[int, psutil.Process] = {}

    def look() -> None:
        for root in roots:
            _related(root, root, known)

    for sig, wait, only_roots in (
        (signal.SIGINT, GRACE_SECONDS, True),
        (signal.SIGTERM, TERM_SECONDS, False),
        (signal.SIGKILL, 5.0, False),
    ):
        look()
        procs = [p for p in known.values() if _alive(p)]
        if not procs:
            return
        targets = [p for p in procs if p.pid in roots] if only_roots else procs
        if not targets:
            continue
        names = ", ".join(sorted({_name(p) for p in targets}))
        print(f"[tradewatch] {sig.name} -> {len(targets)} process(es): {names}", flush=True)
        for proc in targets:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            look()
            if not any(_alive(p) for p in known.values()):
                return
            time.sleep(0.3)


def components(executor: str, airflow: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """What to start: name, command and extra environment of each component.

    The LocalExecutor runs as ``airflow standalone``. Standalone forces a local executor,
    so the CeleryExecutor gets Airflow's components one by one, as the reference compose
    file runs them, and ``TRADEWATCH_CELERY_WORKERS`` (default 2) workers with distinct
    names: the first also serves the ``duckdb`` queue, so it alone writes the DuckDB file.
    They skip serving logs (they would clash on its port; the API server reads the log
    files, which are on this machine) and report their name as the task's host.
    """
    if executor == "local":
        return [("standalone", [airflow, "standalone"], {})]
    started = [
        (name, [airflow, name], {})
        for name in ("api-server", "scheduler", "dag-processor", "triggerer")
    ]
    count = int(os.environ.get("TRADEWATCH_CELERY_WORKERS", "2"))
    for n in range(count):
        name = DUCKDB_QUEUE if n == 0 else f"worker{n + 1}"
        queues = f"default,{DUCKDB_QUEUE}" if n == 0 else "default"
        command = [airflow, "celery", "worker", "--celery-hostname", f"{name}@%h"]
        command += ["--queues", queues, "--skip-serve-logs"]
        env = {
            "TRADEWATCH_WORKER_NAME": name,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tradewatch_hostname.worker_hostname",
        }
        started.append((f"worker {name} ({queues})", command, env))
    return started


def _start(command: list[str], extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    # A session of its own: its PID is the session id every descendant inherits.
    return subprocess.Popen(command, start_new_session=True, env={**os.environ, **extra_env})


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--executor", choices=("local", "celery"), default="local")
    executor = parser.parse_args(argv).executor
    host = "127.0.0.1"
    port = int(os.environ.get("AIRFLOW__API__PORT", "8080"))
    base = f"http://{host}:{port}"
    home = Path(os.environ.get("AIRFLOW_HOME", Path.home() / "airflow"))
    passwords_file = Path(
        os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
        or home / "simple_auth_manager_passwords.json.generated"
    )
    if _port_in_use(host, port):
        print(
            f"[tradewatch] port {port} on {host} is already in use "
            "(another `make run`?). Stop it, or set AIRFLOW__API__PORT and "
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL to another port.",
            file=sys.stderr,
        )
        return 1
    airflow = shutil.which("airflow")
    if airflow is None:
        print("[tradewatch] `airflow` is not on PATH (run `make run`).", file=sys.stderr)
        return 1
    server = embedded_postgres.from_env()
    if executor == "celery" and server is None:
        print("[tradewatch] the CeleryExecutor needs PostgreSQL, not SQLite.", file=sys.stderr)
        return 1
    broker = embedded_redis.from_env() if executor == "celery" else None
    database = (
        f"PostgreSQL {embedded_postgres.PG_MAJOR} (embedded), data and socket in {server.pgdata}"
        if server is not None
        else os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "Airflow's default")
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise _Stop(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    procs: dict[str, subprocess.Popen[bytes]] = {}
    status = 0
    try:
        if server is not None:
            t0 = time.monotonic()
            server.start()
            print(
                f"[tradewatch] Postgres ready in {time.monotonic() - t0:.1f}s ({server.pgdata})",
                flush=True,
            )
        if broker is not None and server is not None:
            server.ensure_database(COORDINATION_DB)
            broker.start()
            print(f"[tradewatch] Redis ready ({broker.socket})", flush=True)
        print(f"[tradewatch] starting Airflow, {executor} executor (AIRFLOW_HOME={home})")
        for name, command, extra_env in components(executor, airflow):
            procs[name] = _start(command, extra_env)
        started = time.monotonic()
        announced = False
        while all(proc.poll() is None for proc in procs.values()):
            if not announced and _healthy(f"{base}/api/v2/monitor/health"):
                print(_banner(base, passwords_file, database, list(procs)), flush=True)
                announced = True
            elif not announced and time.monotonic() - started > STARTUP_TIMEOUT:
                print(f"[tradewatch] API server not healthy after {STARTUP_TIMEOUT:.0f}s")
                announced = True
            time.sleep(1.0)
        name, proc = next((n, p) for n, p in procs.items() if p.poll() is not None)
        status = proc.returncode or 0
        print(f"[tradewatch] airflow {name} exited with status {status}", flush=True)
    except _Stop as stop:
        print(f"\n[tradewatch] {stop}: stopping Airflow ...", flush=True)
    except (embedded_postgres.PostgresError, embedded_redis.RedisError) as exc:
        print(f"[tradewatch] {exc}", file=sys.stderr, flush=True)
        status = 1
    finally:
        # A second Ctrl-C during shutdown must not abort the clean-up.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        t0 = time.monotonic()
        if procs:
            stop_all([proc.pid for proc in procs.values()])
            for proc in procs.values():
                proc.poll()
            print(
                f"[tradewatch] all Airflow processes stopped ({time.monotonic() - t0:.0f}s)",
                flush=True,
            )
        # Last: Airflow's components write their final state on the way out.
        if broker is not None and broker.stop():
            print(f"[tradewatch] Redis stopped ({broker.socket})", flush=True)
        if server is not None and server.stop():
            print(f"[tradewatch] Postgres stopped ({server.pgdata})", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
