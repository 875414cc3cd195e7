"""Every DAG file imports cleanly; tradewatch_daily is wired the way the project promises."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import Asset, CronDataIntervalTimetable

DAGS = Path(__file__).resolve().parents[2] / "dags"
DAG_FILES = sorted(p for p in DAGS.glob("*.py") if not p.name.startswith("_"))
HEAVY_MODULES = ("spacy", "duckdb", "trafilatura", "feedparser", "pyarrow")


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def daily(dagbag: DagBag):
    return dagbag.dags["tradewatch_daily"]


def test_there_are_dag_files() -> None:
    assert DAG_FILES, f"no DAG files in {DAGS}"


@pytest.mark.parametrize("path", DAG_FILES, ids=[p.name for p in DAG_FILES])
def test_dag_file_imports_without_errors(path: Path) -> None:
    bag = DagBag(dag_folder=str(path))
    assert not bag.import_errors, bag.import_errors
    assert bag.dags, f"{path.name} defines no DAG"


@pytest.mark.parametrize("path", DAG_FILES, ids=[p.name for p in DAG_FILES])
def test_dag_file_does_not_import_heavy_libraries(path: Path) -> None:
    """The dag-processor parses DAG files often: spaCy, DuckDB and co. load inside tasks only."""
    code = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('dagfile', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert loaded == [], f"{path.name} imports {loaded} at module level"


def test_daily_schedule(daily) -> None:
    timetable = daily.timetable
    assert isinstance(timetable, CronDataIntervalTimetable)
    assert timetable.expression == "0 0 * * *"
    assert str(timetable.timezone) == "UTC"
    assert daily.catchup is False
    assert daily.max_active_runs == 1
    assert daily.start_date is not None


def test_daily_documents_itself(daily) -> None:
    assert daily.doc_md and "tradewatch_daily" in daily.doc_md
    assert daily.default_args.get("retries", 0) >= 1


def test_daily_params_have_descriptions_and_types(daily) -> None:
    params = daily.params
    assert set(params) >= {"sources_file", "relevance_threshold", "force_refetch"}
    for name in ("sources_file", "relevance_threshold", "force_refetch"):
        param = params.get_param(name)
        assert param.description, f"param {name} has no description"
    assert params.get_param("sources_file").schema["type"] == "string"
    threshold = params.get_param("relevance_threshold")
    assert threshold.schema["type"] == "number"
    assert threshold.schema["minimum"] == 0 and threshold.schema["maximum"] == 1
    assert 0 <= threshold.value <= 1
    assert params.get_param("force_refetch").schema["type"] == "boolean"
    assert params.get_param("force_refetch").value is False


def test_daily_sources_file_default_follows_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    sources = tmp_path / "mine.yaml"
    monkeypatch.setenv("TRADEWATCH_SOURCES", str(sources))
    bag = DagBag(dag_folder=str(DAGS / "tradewatch_daily.py"))
    assert bag.dags["tradewatch_daily"].params["sources_file"] == str(sources)


def test_daily_task_wiring(daily) -> None:
    tasks = daily.task_dict
    assert set(tasks) == {"plan", "discover", "fetch", "extract", "analyze", "load"}
    chain = ["plan", "discover", "fetch", "extract", "analyze", "load"]
    for upstream, downstream in itertools.pairwise(chain):
        assert tasks[upstream].downstream_task_ids == {downstream}


def test_discover_is_mapped_over_sources(daily) -> None:
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    discover = daily.task_dict["discover"]
    assert isinstance(discover, MappedOperator)
    assert "source_name" in discover._get_specified_expand_input().value


def test_load_is_the_single_duckdb_writer(daily) -> None:
    load = daily.task_dict["load"]
    assert load.pool == "duckdb_writer"
    assert load.retries == 3
    assert load.retry_delay == timedelta(seconds=30)
    assert load.retry_exponential_backoff
    assets = [o for o in load.outlets if isinstance(o, Asset)]
    assert len(assets) == 1 and assets[0].uri.startswith("duckdb://")
    others = [t for t in daily.tasks if t.task_id != "load"]
    assert all(t.pool != "duckdb_writer" for t in others)
    assert all(not t.outlets for t in others)


@pytest.fixture(scope="module")
def reprocess(dagbag: DagBag):
    return dagbag.dags["tradewatch_reprocess"]


def test_reprocess_is_manual_only(reprocess) -> None:
    assert type(reprocess.timetable).__name__ == "NullTimetable"
    assert reprocess.catchup is False
    assert reprocess.doc_md and "tradewatch_reprocess" in reprocess.doc_md
    assert reprocess.default_args.get("retries", 0) >= 1


def test_reprocess_params_have_descriptions_and_types(reprocess) -> None:
    params = reprocess.params
    assert set(params) == {"start_date", "end_date", "stages", "source", "relevance_threshold"}
    for name in params:
        assert params.get_param(name).description, f"param {name} has no description"
    for name in ("start_date", "end_date"):
        schema = params.get_param(name).schema
        assert schema["type"] == "string" and schema["pattern"]
    assert params.get_param("stages").schema["enum"] == ["extract+analyze", "analyze"]
    assert params["stages"] == "extract+analyze"
    assert params["source"] is None
    threshold = params.get_param("relevance_threshold").schema
    assert (threshold["minimum"], threshold["maximum"]) == (0, 1)


def test_reprocess_task_wiring(reprocess) -> None:
    tasks = reprocess.task_dict
    chain = ["collect", "extract", "analyze", "load"]
    assert set(tasks) == set(chain)
    for upstream, downstream in itertools.pairwise(chain):
        assert tasks[upstream].downstream_task_ids == {downstream}


def test_reprocess_load_is_the_single_duckdb_writer(reprocess, daily) -> None:
    load = reprocess.task_dict["load"]
    assert load.pool == "duckdb_writer"
    assert load.retries == 3 and load.retry_exponential_backoff
    assert load.outlets == daily.task_dict["load"].outlets
    others = [t for t in reprocess.tasks if t.task_id != "load"]
    assert all(t.pool != "duckdb_writer" and not t.outlets for t in others)


@pytest.fixture(scope="module")
def report(dagbag: DagBag):
    return dagbag.dags["tradewatch_report"]


def test_report_runs_after_every_load_of_either_dag(report, daily, reprocess) -> None:
    """Data-aware: scheduled on the very Asset both load tasks announce."""
    outlets = daily.task_dict["load"].outlets
    assert outlets == reprocess.task_dict["load"].outlets and len(outlets) == 1
    assert report.timetable.asset_condition.objects == (outlets[0],)
    assert report.catchup is False and report.max_active_runs == 1


def test_report_is_one_reading_task_that_documents_where_the_files_are(report) -> None:
    assert set(report.task_dict) == {"write_brief"}
    task = report.task_dict["write_brief"]
    assert task.pool != "duckdb_writer" and not task.outlets
    assert report.doc_md and "data/reports" in report.doc_md and "latest.html" in report.doc_md
    assert "Trade brief" in report.doc_md and "read-only snapshot" in report.doc_md
    days = report.params.get_param("days")
    assert days.value == 30 and days.schema["minimum"] == 1 and days.description


def test_tasks_that_open_the_duckdb_file_run_on_its_owners_queue(daily, reprocess, report) -> None:
    import airflow_standalone
    from tradewatch_dag_policy import DUCKDB_QUEUE

    assert airflow_standalone.DUCKDB_QUEUE == DUCKDB_QUEUE, "make run-celery serves it"
    owners = {
        (dag.dag_id, task_id)
        for dag in (daily, reprocess, report)
        for task_id, task in dag.task_dict.items()
        if task.queue == DUCKDB_QUEUE
    }
    assert owners == {
        ("tradewatch_daily", "load"),
        ("tradewatch_reprocess", "collect"),
        ("tradewatch_reprocess", "load"),
        ("tradewatch_report", "write_brief"),
    }


def test_the_load_policy_is_shared_by_both_loading_dags(daily, reprocess) -> None:
    from tradewatch_dag_policy import LOAD_TASK

    for dag in (daily, reprocess):
        load = dag.task_dict["load"]
        assert load.pool == LOAD_TASK["pool"] == "duckdb_writer"
        assert load.retries == LOAD_TASK["retries"]
        assert load.retry_delay == LOAD_TASK["retry_delay"]
        assert load.max_retry_delay == LOAD_TASK["max_retry_delay"]


def test_a_load_of_an_interval_tells_the_report_its_day() -> None:
    from datetime import UTC, datetime

    from airflow.utils.types import DagRunType

    from tradewatch_dag_policy import load_event_extra

    end = datetime(2026, 11, 20, tzinfo=UTC)
    for run_type in (DagRunType.SCHEDULED, DagRunType.BACKFILL_JOB):
        extra = load_event_extra({"articles_new": 3}, run_type, end)
        assert extra == {"articles_new": 3, "interval_end": "2026-11-20T00:00:00+00:00"}
    assert load_event_extra({"quotes": 1}, DagRunType.MANUAL, end) == {"quotes": 1}
    assert load_event_extra({}, DagRunType.SCHEDULED, None) == {}
