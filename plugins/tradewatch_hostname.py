"""The host name Airflow records for a task: the Celery worker's name when one is set.

`make run-celery` starts two workers on one machine; by the machine's name alone their
task instances cannot be told apart in the UI or the metadata. scripts/airflow_standalone.py
gives each worker ``TRADEWATCH_WORKER_NAME`` and points ``[core] hostname_callable`` here.
On separate machines the name is the machine's, as Airflow's default.
"""

from __future__ import annotations

import os
import socket

__all__ = ["worker_hostname"]


def worker_hostname() -> str:
    """``<worker>@<fqdn>`` under a named worker, else the fully qualified domain name."""
    name = os.environ.get("TRADEWATCH_WORKER_NAME", "").strip()
    fqdn = socket.getfqdn()
    return f"{name}@{fqdn}" if name else fqdn
