"""What the tradewatch DAGs share: the DuckDB Asset and the policy of the task that writes it.

``tradewatch_daily`` and ``tradewatch_reprocess`` load with the same pool, retries and
outlet, and ``tradewatch_report`` is scheduled on that outlet, so all three import it from
here. Airflow puts the plugins folder on ``sys.path`` in every component (and the tests
read the same settings), which is why this wiring lives here rather than in ``dags/``,
where the dag-processor would parse it as a DAG file. It imports nothing heavy: it is
imported whenever a DAG file is parsed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import Asset, get_current_context

__all__ = [
    "DEFAULT_ARGS",
    "DUCKDB_QUEUE",
    "LOAD_TASK",
    "TRADEWATCH_DB",
    "announce_load",
    "load_event_extra",
]

TRADEWATCH_DB = Asset(name="tradewatch_duckdb", uri="duckdb://tradewatch/main", group="tradewatch")
"""The DuckDB tables (articles, quotes, entity_mentions, fetch_log...) the load tasks write."""

DUCKDB_QUEUE = "duckdb"
"""The Celery queue of the tasks that open the DuckDB file or its snapshot: the one worker
that owns the file serves it (scripts/airflow_standalone.py, docker-compose.yaml). Other
executors ignore queues."""

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "tradewatch",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
}
"""Task defaults of every tradewatch DAG (each adds its own execution_timeout)."""

LOAD_TASK: dict[str, Any] = {
    "pool": "duckdb_writer",
    "queue": DUCKDB_QUEUE,
    "retries": 3,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(minutes=5),
    "outlets": [TRADEWATCH_DB],
    "multiple_outputs": False,
}
"""``@task(**LOAD_TASK)``: the single DuckDB writer (pool ``duckdb_writer``, 1 slot, on the
worker that owns the file under Celery), retried
with exponential backoff while an analyst holds the file, announcing ``TRADEWATCH_DB``."""

_BOUNDED_RUN_TYPES = ("scheduled", "backfill")


def load_event_extra(
    counts: dict[str, int], run_type: str, interval_end: datetime | None
) -> dict[str, Any]:
    """The Asset event's extra: the load's counts, and for a scheduled or backfill run the
    end of its data interval, which tells ``tradewatch_report`` which day the load was for
    (a manual run means "look now", so the brief is about the latest news)."""
    extra: dict[str, Any] = {key: int(value) for key, value in counts.items()}
    if run_type in _BOUNDED_RUN_TYPES and interval_end is not None:
        extra["interval_end"] = interval_end.isoformat()
    return extra


def announce_load(counts: dict[str, int]) -> None:
    """Attach :func:`load_event_extra` to this load task's ``TRADEWATCH_DB`` event."""
    context = get_current_context()
    extra = load_event_extra(counts, context["dag_run"].run_type, context.get("data_interval_end"))
    outlet_events: Any = context["outlet_events"]
    outlet_events[TRADEWATCH_DB].extra = extra
