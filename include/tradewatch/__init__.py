"""tradewatch: Korea-Japan trade news, fetched, analysed and loaded into DuckDB.

The library never imports Airflow; the DAGs in ``dags/`` only wire its stage functions.
"""

__version__ = "0.1.0"
