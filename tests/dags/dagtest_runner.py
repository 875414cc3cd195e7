"""Run one ``dag.test()`` in this process and print its outcome as a JSON line.

``test_dag_run.py`` starts this in a fresh interpreter: Airflow reads its settings
(AIRFLOW_HOME, the metadata DB, dags_folder) once at import, so each run gets its own
environment, as a real Airflow worker would.

Usage: ``python dagtest_runner.py DAG_ID LOGICAL_DATE CONF_JSON``; the last stdout line is
``RESULT {"state": ..., "run_id": ..., "tasks": {"task_id[map_index]": state}}``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime


def main(dag_id: str, logical_date: str, conf_json: str) -> int:
    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils.session import create_session

    bag = DagBag(dag_folder=conf.get("core", "dags_folder"))
    if bag.import_errors:
        print("RESULT " + json.dumps({"import_errors": bag.import_errors}))
        return 1
    dag = bag.dags[dag_id]
    when = datetime.fromisoformat(logical_date)
    run = dag.test(logical_date=when, run_conf=json.loads(conf_json))
    with create_session() as session:
        tis = run.get_task_instances(session=session)
        tasks = {
            f"{ti.task_id}[{ti.map_index}]" if ti.map_index >= 0 else ti.task_id: str(ti.state)
            for ti in tis
        }
    result = {"state": str(run.state), "run_id": run.run_id, "tasks": tasks}
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
