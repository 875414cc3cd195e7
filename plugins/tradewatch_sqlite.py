"""SQLite connection arguments for the SQLite fallback (``AIRFLOW_DB=sqlite make run``).

The default metadata DB is the embedded PostgreSQL (scripts/embedded_postgres.py), which
does not need this. SQLite lets one process write at a time, and Python gives up on a busy
database after 5 s, so a CLI command such as ``airflow backfill create`` failed half-way
with "database is locked" while the scheduler wrote. Waiting longer avoids most of that
(not the case where both sides had read first: SQLite then refuses one at once).
The Makefile points ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS`` here for the fallback
only; Airflow puts this folder on ``sys.path`` before it connects.
"""

CONNECT_ARGS = {"timeout": 60}
