"""scripts/embedded_postgres.py with the real PostgreSQL 16 of the pgserver wheel.

The server must come up on a data directory of our choosing with only a Unix socket, keep
its data across restarts, start over what a ``kill -9`` left behind, stop leaving no
process, and say in one line why a data directory cannot be used.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from embedded_postgres import PG_MAJOR, SYSTEM_USER, EmbeddedPostgres, PostgresError
from pgtest import scratch_dir

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "embedded_postgres.py"
WRAPPER = REPO / "scripts" / "airflow_standalone.py"
BIN = Path(sys.executable).parent


@pytest.fixture
def pgdata() -> Iterator[Path]:
    with scratch_dir() as scratch:
        path = scratch / "pgdata"
        try:
            yield path
        finally:
            EmbeddedPostgres(path).stop(timeout=10)


def query(server: EmbeddedPostgres, sql: str, database: str = "airflow") -> list[tuple]:
    con = server.connect(database)
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else []
    finally:
        con.close()


def run_script(pgdata: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRADEWATCH_PGDATA": str(pgdata)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_start_makes_a_socket_only_server_and_stop_ends_it(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)
    assert server.start() is True
    assert (pgdata / "PG_VERSION").read_text().strip() == PG_MAJOR
    assert server.socket.is_socket()
    master = server.postmaster()
    assert master is not None
    assert not master.net_connections(kind="inet"), "must not listen on TCP"
    # Postgres refuses root: as root it runs as an unprivileged user owning the data.
    owner = pwd.getpwnam(SYSTEM_USER).pw_uid if os.geteuid() == 0 else os.geteuid()
    assert master.uids().effective == owner != 0
    assert pgdata.stat().st_uid == owner
    assert query(server, "SELECT current_user, current_database()") == [("airflow", "airflow")]
    assert server.url() == f"postgresql+psycopg2://airflow@/airflow?host={pgdata}"

    assert server.start() is False, "a running server is reused, not started twice"
    procs = server.processes()
    assert master in procs and len(procs) > 1  # the postmaster and its helpers

    assert server.stop() is True
    assert not [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert server.processes() == [] and server.postmaster() is None
    assert not (pgdata / "postmaster.pid").exists()
    assert server.stop() is False


def test_data_survives_a_restart(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)
    server.start()
    query(server, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
    server.stop()
    assert server.start() is True
    assert query(server, "SELECT n FROM kept") == [(42,)]


def test_starts_after_a_kill_9_left_postmaster_pid_behind(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)
    server.start()
    query(server, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")
    con = server.connect("airflow")  # a backend that outlives its postmaster for a moment
    master = server.postmaster()
    assert master is not None
    master.kill()
    master.wait(10)
    assert (pgdata / "postmaster.pid").exists()
    assert server.postmaster() is None
    try:
        assert server.start() is True
    finally:
        con.close()
    assert query(server, "SELECT n FROM kept") == [(7,)]


def test_starts_when_postmaster_pid_names_a_live_process_of_another_kind(pgdata: Path) -> None:
    """After a reboot or a kill -9, the old PID may belong to some other process by now,
    which Postgres alone takes for a running server."""
    server = EmbeddedPostgres(pgdata)
    server.start()
    server.stop()
    stale = f"{os.getpid()}\n{pgdata}\n1700000000\n5432\n{pgdata}\n\n  0 0\nready\n"
    (pgdata / "postmaster.pid").write_text(stale)
    (pgdata / ".s.PGSQL.5432.lock").write_text(stale)
    assert server.postmaster() is None
    assert server.start() is True
    assert query(server, "SELECT 1") == [(1,)]


def _file(pgdata: Path) -> None:
    pgdata.write_text("not a directory")


def _foreign_files(pgdata: Path) -> None:
    pgdata.mkdir()
    (pgdata / "notes.txt").write_text("someone else's")


def _older_postgres(pgdata: Path) -> None:
    pgdata.mkdir()
    (pgdata / "PG_VERSION").write_text("15\n")
    (pgdata / "base").mkdir()


def _damaged(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)
    server.start()
    server.stop()
    (pgdata / "global" / "pg_control").unlink()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_file, "is not a directory"),
        (_foreign_files, "is not a PostgreSQL data directory"),
        (_older_postgres, "was made by PostgreSQL 15"),
        (_damaged, "did not start"),
    ],
    ids=["file", "foreign-files", "older-postgres", "damaged"],
)
def test_an_unusable_data_directory_is_one_line(pgdata: Path, make, says: str) -> None:
    make(pgdata)
    with pytest.raises(PostgresError) as raised:
        EmbeddedPostgres(pgdata).start()
    message = str(raised.value)
    assert says in message and str(pgdata) in message
    assert "\n" not in message
    assert EmbeddedPostgres(pgdata).processes() == []

    done = run_script(pgdata, "run", "--", "true")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"[tradewatch] {message}"]


def test_a_socket_path_too_long_for_unix_is_refused_before_starting(pgdata: Path) -> None:
    deep = pgdata / ("d" * 120)
    with pytest.raises(PostgresError, match="longer than the 107 Unix allows"):
        EmbeddedPostgres(deep).start()
    assert not deep.exists()


def test_make_run_says_in_one_line_why_it_cannot_start(pgdata: Path) -> None:
    """scripts/airflow_standalone.py stops before Airflow when Postgres cannot start."""
    _foreign_files(pgdata)
    env = {**os.environ, "TRADEWATCH_PGDATA": str(pgdata), "AIRFLOW__API__PORT": "1"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        [sys.executable, str(WRAPPER)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert len(errors) == 1 and "is not a PostgreSQL data directory" in errors[0], done.stderr
    assert "airflow standalone" not in done.stdout


def test_run_keeps_the_server_up_for_the_command_only(pgdata: Path) -> None:
    probe = (
        "import sys, psycopg2; "
        f"psycopg2.connect(host={str(pgdata)!r}, user='airflow', dbname='airflow').close(); "
        "sys.exit(7)"
    )
    done = run_script(pgdata, "run", "--", sys.executable, "-c", probe)
    assert done.returncode == 7, done.stderr
    assert EmbeddedPostgres(pgdata).processes() == []


def test_run_leaves_a_server_it_did_not_start_running(pgdata: Path) -> None:
    server = EmbeddedPostgres(pgdata)
    server.start()
    done = run_script(pgdata, "run", "--", "true")
    assert done.returncode == 0, done.stderr
    assert server.postmaster() is not None
    done = run_script(pgdata, "stop")
    assert done.returncode == 0 and "stopped the embedded Postgres" in done.stdout
    assert server.processes() == []


def test_without_pgdata_run_only_runs_the_command(pgdata: Path) -> None:
    """AIRFLOW_DB=sqlite empties TRADEWATCH_PGDATA: no server at all."""
    done = run_script("", "run", "--", sys.executable, "-c", "raise SystemExit(3)")
    assert done.returncode == 3
    assert not pgdata.exists()
