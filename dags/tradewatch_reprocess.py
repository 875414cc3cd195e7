"""
# tradewatch_reprocess

Re-runs extraction and analysis with the current code on pages already in the raw
archive, then loads the results into DuckDB. No network. Trigger it by hand after the
extraction or NLP rules changed (a new `EXTRACTION_VERSION`), or to re-score an interval
with another relevance threshold.

| task | does | returns (XCom) |
|---|---|---|
| `collect` | lists the article pages archived on `start_date`..`end_date` | fetched-list file |
| `extract` | trafilatura on the archived HTML | articles file |
| `analyze` | spaCy: relevance, entities, quotes | analysed-articles file |
| `load` | upserts into DuckDB (pool `duckdb_writer`, 1 slot) | row counts |

Days are UTC fetch days (the archive folders), both included. With `stages` = `analyze`,
`collect` reads the text already stored in DuckDB instead and `extract` passes it on: use
it when only the NLP rules changed.

Articles whose text or analysis changed are replaced with their quotes and mentions in the
one load transaction; unchanged ones stay. The run gets a `pipeline_runs` row with trigger
`reprocess`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from airflow.sdk import Param, dag, get_current_context, task

from tradewatch.config import DEFAULT_RELEVANCE_THRESHOLD
from tradewatch_dag_policy import DEFAULT_ARGS, DUCKDB_QUEUE, LOAD_TASK, announce_load

if TYPE_CHECKING:
    from tradewatch.pipeline import RunContext

# Heavy libraries (spaCy, DuckDB, trafilatura) are imported inside the tasks only.

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


def _run_context() -> RunContext:
    """Build the stage context from this task's params."""
    from tradewatch.pipeline import RunContext

    context = get_current_context()
    params = context["params"]
    return RunContext.for_reprocess(
        run_id=context["run_id"],
        start=params["start_date"],
        end=params["end_date"],
        relevance_threshold=float(params["relevance_threshold"]),
    )


@dag(
    dag_id="tradewatch_reprocess",
    schedule=None,
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewatch"],
    default_args={
        **DEFAULT_ARGS,
        "execution_timeout": timedelta(hours=2),
    },
    params={
        "start_date": Param(
            "2026-11-01",
            type="string",
            pattern=DATE_PATTERN,
            title="First day",
            description="First fetch day to reprocess, YYYY-MM-DD (UTC; archive folder date).",
        ),
        "end_date": Param(
            "2026-11-01",
            type="string",
            pattern=DATE_PATTERN,
            title="Last day",
            description="Last fetch day to reprocess, YYYY-MM-DD (UTC, included).",
        ),
        "stages": Param(
            "extract+analyze",
            type="string",
            enum=["extract+analyze", "analyze"],
            title="Stages",
            description=(
                "extract+analyze re-extracts the archived HTML; analyze re-analyses the "
                "article text already stored (faster; enough when only NLP rules changed)."
            ),
        ),
        "source": Param(
            None,
            type=["null", "string"],
            title="Source",
            description="Only this source's pages (a name from the sources file); empty = all.",
        ),
        "relevance_threshold": Param(
            DEFAULT_RELEVANCE_THRESHOLD,
            type="number",
            minimum=0,
            maximum=1,
            title="Relevance threshold",
            description="Articles scoring at least this (0..1) count as relevant.",
        ),
    },
)
def tradewatch_reprocess() -> None:
    @task(queue=DUCKDB_QUEUE)  # reads the stored articles from the DuckDB file
    def collect() -> str:
        from tradewatch import pipeline

        params = get_current_context()["params"]
        return pipeline.collect(
            _run_context(),
            params["start_date"],
            params["end_date"],
            params["source"] or None,
            stages=params["stages"],
        )

    @task
    def extract(collected_file: str) -> str:
        from tradewatch import pipeline

        if get_current_context()["params"]["stages"] == "analyze":
            return collected_file  # already the stored articles
        return pipeline.extract(_run_context(), collected_file)

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

    load(analyze(extract(collect())))


tradewatch_reprocess()
