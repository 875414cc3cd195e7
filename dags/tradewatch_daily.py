"""
# tradewatch_daily

Collects Korea–Japan trade news into DuckDB, one run per UTC day.

Each run covers the previous day's data interval (`00:00`–`24:00` UTC) and walks the
stages of `tradewatch.pipeline`:

| task | does | returns (XCom) |
|---|---|---|
| `plan` | validates the sources file, creates the run directory | source names |
| `discover` | one mapped task per source: polls the feed | candidates file |
| `fetch` | downloads every new candidate page into the raw archive | fetched-list file |
| `extract` | trafilatura: text and metadata | articles file |
| `analyze` | spaCy: relevance, entities, quotes | analysed-articles file |
| `load` | upserts into DuckDB (pool `duckdb_writer`, 1 slot) | row counts |

Stages hand each other JSONL files under `<storage>/runs/<run_id>/` (`$TRADEWATCH_STORAGE_URL`,
by default the data folder); only paths and
counts go through XCom. The DuckDB file is `$TRADEWATCH_DB` (default
`$TRADEWATCH_HOME/data/tradewatch.duckdb`) and is published as the Asset
`tradewatch_duckdb`, on which `tradewatch_report` is scheduled: every successful load is
followed by the daily brief (**Trade brief** in the navigation).

**Ad-hoc runs:** *Trigger* → set `sources_file` (absolute, or relative to
`$TRADEWATCH_HOME`, e.g. `include/samples/sources.yaml` while `make serve-samples` runs),
`relevance_threshold` or `force_refetch`. A manual run polls the live sources ("look now").

**Re-runs and backfills** (Clear, or *Backfill* in the UI / `airflow backfill create`)
produce the rows the scheduled run of that interval produced: sources polled by an earlier
run of the interval are replayed from the raw archive, pages already archived are reused,
GDELT and sitemaps are asked about the interval itself, and an RSS/Atom feed of a past
day with nothing archived is logged as `no_history` (nothing to read, not a failure).
See `tradewatch.history`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from airflow.sdk import CronDataIntervalTimetable, Param, dag, get_current_context, task

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD, default_sources_file
from tradewatch_dag_policy import DEFAULT_ARGS, LOAD_TASK, announce_load

if TYPE_CHECKING:
    from tradewatch.pipeline import RunContext

# Heavy libraries (spaCy, DuckDB, trafilatura) are imported inside the tasks only, so the
# dag-processor parses this file quickly.


def _run_context() -> RunContext:
    """Build the stage context from this task's params and data interval."""
    from tradewatch.pipeline import RunContext

    context = get_current_context()
    return RunContext.from_params(
        run_id=context["run_id"],
        params=context["params"],
        start=context.get("data_interval_start"),
        end=context.get("data_interval_end"),
        run_type=context["dag_run"].run_type,
    )


@dag(
    dag_id="tradewatch_daily",
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewatch"],
    default_args={
        **DEFAULT_ARGS,
        "execution_timeout": timedelta(hours=1),
    },
    params={
        "sources_file": Param(
            str(default_sources_file()),
            type="string",
            minLength=1,
            title="Sources file",
            description="YAML sources file (absolute, or relative to TRADEWATCH_HOME).",
        ),
        "relevance_threshold": Param(
            DEFAULT_RELEVANCE_THRESHOLD,
            type="number",
            minimum=0,
            maximum=1,
            title="Relevance threshold",
            description="Articles scoring at least this (0..1) count as relevant.",
        ),
        "force_refetch": Param(
            False,
            type="boolean",
            title="Force refetch",
            description=(
                "Poll and fetch again, ignoring what is stored and what this interval "
                "already archived."
            ),
        ),
    },
)
def tradewatch_daily() -> None:
    @task
    def plan() -> list[str]:
        from tradewatch import pipeline

        return pipeline.plan(_run_context())

    @task(max_active_tis_per_dagrun=4)
    def discover(source_name: str) -> str:
        from tradewatch import pipeline

        return pipeline.discover(_run_context(), source_name)

    @task
    def fetch(candidate_files: list[str]) -> str:
        from tradewatch import pipeline

        return pipeline.fetch(_run_context(), list(candidate_files))

    @task
    def extract(fetched_file: str) -> str:
        from tradewatch import pipeline

        return pipeline.extract(_run_context(), fetched_file)

    @task
    def analyze(articles_file: str) -> str:
        from tradewatch import pipeline

        return pipeline.analyze(_run_context(), articles_file)

    @task(**LOAD_TASK)
    def load(analyzed_file: str) -> dict[str, int]:
        from tradewatch import pipeline

        counts = pipeline.load(_run_context(), analyzed_file)
        announce_load(counts)
        return counts

    candidates = discover.expand(source_name=plan())
    load(analyze(extract(fetch(candidates))))


tradewatch_daily()
