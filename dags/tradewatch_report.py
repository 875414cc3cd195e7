"""
# tradewatch_report

Writes the **daily trade brief** after every successful load: it is scheduled on the
`tradewatch_duckdb` Asset, which the `load` task of `tradewatch_daily` (scheduled runs,
manual runs, backfills, clears) and of `tradewatch_reprocess` updates.

**Where the files are:** `$TRADEWATCH_REPORTS_DIR`, by default `$TRADEWATCH_DATA_DIR/reports`:
`data/reports/` in a checkout (`make run`), `/opt/airflow/data/reports/` in the compose
stack. One self-contained HTML file per day, `YYYY-MM-DD.html`, and `latest.html` (the
newest day). They open from disk, offline, with no JavaScript; in this UI, click
**Trade brief** in the navigation.

One task, `write_brief`: reads the reporting views (`report_*`) of the read-only snapshot
`<db>_read.duckdb`, renders the charts and the page, writes the day's file and refreshes
`latest.html`; it returns the paths written.

The brief covers the latest UTC day with relevant news up to the loaded interval's last day
(today for manual and reprocess loads), with trends over `days` days. It reads only the
snapshot, never the loader's file, so it cannot hold up a load. Trigger it by hand to
rewrite the newest brief, e.g. with another `days`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, get_current_context, task

from tradewatch_dag_policy import DEFAULT_ARGS, DUCKDB_QUEUE, TRADEWATCH_DB


@dag(
    dag_id="tradewatch_report",
    schedule=[TRADEWATCH_DB],
    start_date=datetime(2026, 11, 1),
    catchup=False,
    # Nothing to decide: it only follows loads, so it is on from the start.
    is_paused_upon_creation=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["tradewatch"],
    default_args={**DEFAULT_ARGS, "execution_timeout": timedelta(minutes=10)},
    params={
        "days": Param(
            30,
            type="integer",
            minimum=1,
            maximum=366,
            title="Days",
            description=(
                "Days of the trend window; the headline numbers compare it with the one before."
            ),
        ),
    },
)
def tradewatch_report() -> None:
    @task(queue=DUCKDB_QUEUE)
    def write_brief() -> list[str]:
        from tradewatch.config import default_db_path, default_reports_dir
        from tradewatch.report import write_briefs_after_loads
        from tradewatch.store import snapshot_path

        context = get_current_context()
        events = context["triggering_asset_events"].get(TRADEWATCH_DB, [])
        written = write_briefs_after_loads(
            snapshot_path(default_db_path()),
            default_reports_dir(),
            [(event.extra or {}).get("interval_end") for event in events],
            days=int(context["params"]["days"]),
        )
        return [str(result.path) for result in written]

    write_brief()


tradewatch_report()
