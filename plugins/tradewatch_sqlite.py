"""SQLite connection arguments for the development Airflow (``make run``, the test suite).

SQLite lets one process write at a time, and Python gives up on a busy database after
5 s, so a CLI command such as ``airflow backfill create`` failed half-way with "database is
locked" while the scheduler wrote. Waiting longer avoids most of that (not the case where
both sides had read first: SQLite then refuses one at once).
``scripts/airflow.env`` points ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS`` here; Airflow
puts this folder on ``sys.path`` before it connects. The compose stack uses Postgres and
does not need it.
"""

CONNECT_ARGS = {"timeout": 60}
