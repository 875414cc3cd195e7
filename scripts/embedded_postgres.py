"""An embedded PostgreSQL 16 for Airflow's metadata database: no Docker, no root, no TCP port.

SQLite takes one writer at a time, so ``airflow backfill create`` failed with "database is
locked" while the scheduler wrote; the compose stack runs Postgres, and so does ``make run``
now. The server is the one the ``pgserver`` wheel bundles. Its Python wrapper is not used:
it chooses the socket directory itself, gives a start 10 s, trusts any live PID in a stale
``postmaster.pid`` and keeps a lock and a handle list outside the data directory. Here:

- the data directory is ``TRADEWATCH_PGDATA`` (``airflow_home/postgres`` by default);
- the server listens on no TCP address, only on a Unix socket in that same directory, so
  the connection URL is known before it starts and nothing else on the machine collides;
- whoever starts it stops it (``run`` below, ``scripts/airflow_standalone.py``);
- a ``postmaster.pid`` whose process is not this directory's postmaster (one killed with
  -9, or its PID reused since) is removed before starting;
- Postgres refuses to run as root, so as root the server runs as the system user
  ``tradewatch-pg`` (created on first use), which owns the data directory.

Usage: ``python scripts/embedded_postgres.py run -- CMD...`` starts the server unless it
is running, runs CMD (scripts/airflow.env points ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` at
the socket) and stops the server again if it started it; ``stop`` stops it. With
``TRADEWATCH_PGDATA`` empty (the SQLite fallback) ``run`` only runs CMD. Errors are one line
on stderr, with status 1.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shlex
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg2

PG_MAJOR = "16"
PORT = 5432
DATABASE = "airflow"
DB_USER = "airflow"
SYSTEM_USER = "tradewatch-pg"
START_TIMEOUT = 120
STOP_TIMEOUT = 60.0
# sun_path holds 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107
LOG_NAME = "postgres.log"


class PostgresError(Exception):
    """The embedded server cannot be used; the message is one line saying what to do."""


def bin_dir() -> Path:
    """The wheel's PostgreSQL binaries, found without importing ``pgserver`` (its import
    sets up a lock file and warns when XDG_RUNTIME_DIR is unset)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise PostgresError("the pgserver package is not installed (run `make venv`)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _system_user() -> pwd.struct_passwd:
    """The unprivileged user the server runs as when we are root; created if missing."""
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(SYSTEM_USER)
    useradd = ["useradd", "--system", "--user-group", "--no-create-home", "--shell"]
    done = subprocess.run(
        [*useradd, "/usr/sbin/nologin", SYSTEM_USER],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return pwd.getpwnam(SYSTEM_USER)  # another process may have created it meanwhile
    except KeyError:
        raise PostgresError(
            f"Postgres cannot run as root and creating user {SYSTEM_USER} failed: "
            f"{done.stderr.strip() or done.returncode}"
        ) from None


def _last_error(log: Path) -> str:
    """The last FATAL/PANIC/ERROR line of the server log, or its last line."""
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    except OSError:
        return "no server log"
    lines = [line for line in lines if line]
    for line in reversed(lines):
        if any(level in line for level in ("FATAL:", "PANIC:", "ERROR:")):
            return line
    return lines[-1] if lines else "empty server log"


@dataclass(frozen=True)
class EmbeddedPostgres:
    """The server whose data directory, and Unix socket, is ``pgdata``."""

    pgdata: Path

    @property
    def socket(self) -> Path:
        return self.pgdata / f".s.PGSQL.{PORT}"

    @property
    def log(self) -> Path:
        return self.pgdata / LOG_NAME

    def url(self, database: str = DATABASE, driver: str = "postgresql+psycopg2") -> str:
        """The SQLAlchemy URL Airflow connects with (trust auth on the socket, no password)."""
        return f"{driver}://{DB_USER}@/{database}?host={self.pgdata}"

    def connect(self, database: str = "postgres") -> psycopg2.extensions.connection:
        return psycopg2.connect(host=str(self.pgdata), port=PORT, user=DB_USER, dbname=database)

    def postmaster(self) -> psutil.Process | None:
        """The running postmaster of this directory, by ``postmaster.pid``; None if there is
        none (no file, or its PID is gone or belongs to another process now)."""
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
            proc = psutil.Process(pid)
            cmd = proc.cmdline()
            alive = proc.status() != psutil.STATUS_ZOMBIE
        except (OSError, ValueError, psutil.Error):
            return None
        # pg_ctl starts it as `<bin>/postgres -D <pgdata> ...`
        ours = alive and len(cmd) > 2 and Path(cmd[0]).name == "postgres" and cmd[1] == "-D"
        return proc if ours and Path(cmd[2]).resolve() == self.pgdata.resolve() else None

    def processes(self) -> list[psutil.Process]:
        """Every server process of this directory, the postmaster's orphans included: they
        are the processes named ``postgres`` working in it."""
        data = str(self.pgdata.resolve())
        found = []
        for proc in psutil.process_iter(["name"]):
            with contextlib.suppress(psutil.Error):
                if proc.info["name"] == "postgres" and proc.cwd() == data:
                    found.append(proc)
        return found

    def start(self, timeout: int = START_TIMEOUT) -> bool:
        """Start the server unless it runs; create the data directory and the ``airflow``
        database if missing. Returns whether this call started it."""
        started = False
        if self.postmaster() is None:
            self._check_socket_path()
            owner = self._prepare()
            self._clear_leftovers()
            self._pg_ctl_start(owner, timeout)
            started = True
        try:
            self.ensure_database()
        except Exception:
            if started:
                self.stop()
            raise
        return started

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Fast shutdown (SIGINT: disconnect clients, checkpoint), then SIGQUIT; SIGKILL for
        whatever is left. Returns whether any server process was running."""
        master = self.postmaster()
        if master is not None:
            for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 5.0)):
                with contextlib.suppress(psutil.Error):
                    master.send_signal(sig)
                with contextlib.suppress(psutil.TimeoutExpired):
                    master.wait(wait)
                    break
        leftovers = self.processes()
        for proc in leftovers:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(leftovers, timeout=5)
        return master is not None or bool(leftovers)

    def _check_socket_path(self) -> None:
        length = len(os.fsencode(self.socket))
        if length > MAX_SOCKET_PATH:
            raise PostgresError(
                f"the socket path {self.socket} is {length} bytes, longer than the "
                f"{MAX_SOCKET_PATH} Unix allows: set TRADEWATCH_PGDATA to a shorter directory"
            )

    def _prepare(self) -> pwd.struct_passwd | None:
        """Check the data directory, or make it with initdb. Returns the user to run as."""
        owner = _system_user() if os.geteuid() == 0 else None
        data = self.pgdata
        if data.exists() and not data.is_dir():
            raise PostgresError(f"{data} is not a directory: remove it or set TRADEWATCH_PGDATA")
        version_file = data / "PG_VERSION"
        if data.is_dir() and any(data.iterdir()) and not version_file.exists():
            raise PostgresError(
                f"{data} is not a PostgreSQL data directory (no PG_VERSION): move it away, "
                "or set TRADEWATCH_PGDATA to an empty or new directory"
            )
        if version_file.exists():
            version = version_file.read_text().strip()
            if version != PG_MAJOR:
                raise PostgresError(
                    f"{data} was made by PostgreSQL {version}, the embedded server is "
                    f"{PG_MAJOR}: dump what you need and remove it (`make clean` does)"
                )
            if owner is not None:
                self._grant_traversal(owner)
            return owner
        data.parent.mkdir(parents=True, exist_ok=True)
        if owner is not None:
            data.mkdir(mode=0o700, exist_ok=True)
            os.chown(data, owner.pw_uid, owner.pw_gid)
            self._grant_traversal(owner)
        cmd = [str(bin_dir() / "initdb"), "-D", str(data), "-U", DB_USER]
        cmd += ["--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, **_as(owner))
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
            raise PostgresError(f"initdb failed for {data}: {lines[0]}")
        return owner

    def _grant_traversal(self, owner: pwd.struct_passwd) -> None:
        """Let the server's user reach its data directory and the binaries (search only)."""
        for path in [*self.pgdata.resolve().parents, *bin_dir().resolve().parents]:
            mode = path.stat().st_mode
            if not mode & stat.S_IXOTH and path.stat().st_uid != owner.pw_uid:
                path.chmod(mode | stat.S_IXOTH)

    def _clear_leftovers(self) -> None:
        """No postmaster of ours runs: end its orphaned backends (they would keep its shared
        memory in use) and remove its lock files. Postgres removes a lock file whose PID is
        gone itself, but refuses one whose PID belongs to another process by now."""
        orphans = self.processes()
        for proc in orphans:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(orphans, timeout=5)
        for name in ("postmaster.pid", f"{self.socket.name}.lock"):
            (self.pgdata / name).unlink(missing_ok=True)

    def _pg_ctl_start(self, owner: pwd.struct_passwd | None, timeout: int) -> None:
        options = f"-h '' -p {PORT} -k {shlex.quote(str(self.pgdata))}"
        cmd = [str(bin_dir() / "pg_ctl"), "start", "-D", str(self.pgdata), "-w"]
        cmd += ["-t", str(timeout), "-l", str(self.log), "-o", options]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, check=False, **_as(owner)
        )
        if done.returncode != 0 or self.postmaster() is None:
            self.stop()
            raise PostgresError(
                f"the embedded Postgres in {self.pgdata} did not start: "
                f"{_last_error(self.log)} (log: {self.log})"
            )

    def ensure_database(self, name: str = DATABASE, template: str | None = None) -> None:
        """Create database ``name`` (as a copy of ``template``) unless it exists."""
        try:
            con = self.connect()
        except psycopg2.Error as exc:
            first = str(exc).strip().splitlines()[0]
            raise PostgresError(f"cannot connect to the embedded Postgres: {first}") from exc
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cur.fetchone() is None:
                    copy = f' TEMPLATE "{template}"' if template else ""
                    cur.execute(f'CREATE DATABASE "{name}"{copy}')
        finally:
            con.close()


def _as(owner: pwd.struct_passwd | None) -> dict[str, Any]:
    """subprocess arguments that run a command as ``owner`` (and none of root's groups)."""
    if owner is None:
        return {}
    return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}


def from_env() -> EmbeddedPostgres | None:
    """The server ``TRADEWATCH_PGDATA`` names; None when it is empty (the SQLite fallback)."""
    pgdata = os.environ.get("TRADEWATCH_PGDATA", "").strip()
    return EmbeddedPostgres(Path(pgdata).absolute()) if pgdata else None


@contextlib.contextmanager
def running(server: EmbeddedPostgres | None) -> Iterator[bool]:
    """Keep ``server`` up for the block; stop it after only if this started it."""
    started = server.start() if server is not None else False
    try:
        yield started
    finally:
        if started and server is not None:
            server.stop()


def main(argv: list[str]) -> int:
    server = from_env()
    try:
        if argv[:1] == ["stop"]:
            if server is not None and server.stop():
                print(f"[tradewatch] stopped the embedded Postgres in {server.pgdata}")
            return 0
        if argv[:2] == ["run", "--"] and len(argv) > 2:
            with running(server):
                return subprocess.call(argv[2:])
    except PostgresError as exc:
        print(f"[tradewatch] {exc}", file=sys.stderr)
        return 1
    print(__doc__.split("Usage: ", 1)[1].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
