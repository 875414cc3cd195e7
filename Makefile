# tradewatch — developer entry points. `make help` lists them.
#
# Everything runs from the project virtualenv (.venv) with the Airflow settings in
# scripts/airflow.env (AIRFLOW_HOME=./airflow_home, LocalExecutor, dags/ + plugins/) and
# Airflow's metadata in an embedded PostgreSQL 16 under airflow_home/postgres
# (scripts/embedded_postgres.py). `AIRFLOW_DB=sqlite make run` uses SQLite instead.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Python 3.11 (the image's and the lock's version); python3 if there is no python3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.stamp-venv

export TRADEWATCH_HOME := $(CURDIR)
include scripts/airflow.env
export $(shell sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' scripts/airflow.env)
# `airflow standalone` starts its components as `airflow ...` from PATH.
export PATH := $(BIN):$(PATH)

# The metadata DB: postgres (embedded, the default) or sqlite (the fallback, one writer at
# a time, with a 60 s busy timeout from plugins/tradewatch_sqlite.py).
AIRFLOW_DB := $(or $(AIRFLOW_DB),postgres)
ifeq ($(AIRFLOW_DB),sqlite)
TRADEWATCH_PGDATA :=
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(AIRFLOW_HOME)/airflow.db
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS := tradewatch_sqlite.CONNECT_ARGS
DB_MARKER := $(AIRFLOW_HOME)/airflow.db
else ifeq ($(AIRFLOW_DB),postgres)
DB_MARKER := $(TRADEWATCH_PGDATA)/PG_VERSION
else
$(error AIRFLOW_DB is postgres (the default) or sqlite, not "$(AIRFLOW_DB)")
endif
# Runs a command with the embedded Postgres up (started and stopped around it if needed).
WITH_DB := $(BIN)/python scripts/embedded_postgres.py run --

INIT_STAMP := $(AIRFLOW_HOME)/.stamp-airflow-init-$(AIRFLOW_DB)
PASSWORDS_FILE := $(AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE)
ADMIN_PASSWORD ?= admin
PYTEST_ARGS ?=

.PHONY: help venv airflow-init run run-celery test test-fast lint demo report serve-samples constraints clean \
	distclean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

# pip byte-compiles what it installs but not an editable tree; compiling it here saves
# ~0.15 s per command where PYTHONDONTWRITEBYTECODE is set (CI, many containers).
venv: $(VENV_STAMP)  ## create .venv with the pinned requirements and tradewatch (editable)

$(VENV_STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c 'import sys; v = sys.version_info[:2]; v == (3, 11) or print(f"warning: .venv uses Python {v[0]}.{v[1]}; the lock is for 3.11")'
	$(BIN)/pip install --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/pip install --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m compileall -q include/tradewatch
	touch $@

airflow-init: venv  ## migrate Airflow's metadata DB, create pool duckdb_writer, set the login
	@test -f $(DB_MARKER) || rm -f $(INIT_STAMP)
	@$(MAKE) --no-print-directory $(INIT_STAMP)

$(INIT_STAMP): $(VENV_STAMP) scripts/airflow.env
	mkdir -p $(AIRFLOW_HOME)
	$(WITH_DB) bash -c 'airflow db migrate && \
		airflow pools set duckdb_writer 1 "tradewatch: one DuckDB writer at a time"'
	test -s $(PASSWORDS_FILE) || echo '{"admin": "$(ADMIN_PASSWORD)"}' > $(PASSWORDS_FILE)
	touch $@

run: venv airflow-init  ## start Postgres and Airflow (standalone) on http://127.0.0.1:8080; Ctrl-C stops it all
	$(BIN)/python scripts/airflow_standalone.py

# scripts/airflow_celery.env on top of scripts/airflow.env: Redis, two Celery workers.
run-celery: venv airflow-init  ## the same on the CeleryExecutor: Postgres, Redis, Airflow's components, two workers
	@test "$(AIRFLOW_DB)" = postgres || { echo "run-celery needs AIRFLOW_DB=postgres"; exit 1; }
	set -a && . scripts/airflow_celery.env && set +a && \
		$(BIN)/python scripts/airflow_standalone.py --executor celery

test: venv airflow-init  ## the whole suite (including the e2e Airflow run) and ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: venv airflow-init  ## the suite without the e2e Airflow run
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

lint: venv  ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

demo: venv  ## offline: serve include/samples, ingest into data/demo.duckdb, print reports, write the brief
	$(BIN)/tradewatch demo

report: venv  ## write the daily brief from data/tradewatch_read.duckdb into data/reports/
	$(BIN)/tradewatch report

serve-samples: venv  ## serve include/samples on 127.0.0.1:8765 for ad-hoc runs under `make run`
	@echo "In the Airflow UI, trigger tradewatch_daily with sources_file = include/samples/sources.yaml"
	$(BIN)/tradewatch serve include/samples --port 8765

constraints: venv  ## re-lock constraints.txt from the current .venv
	$(BIN)/pip freeze --exclude-editable > constraints.txt

clean:  ## stop the embedded Postgres and Redis, remove airflow_home (metadata DB, logs) and caches and test screenshots; keeps .venv and data/
	test ! -x $(BIN)/python || $(BIN)/python scripts/embedded_postgres.py stop
	test ! -x $(BIN)/python || $(BIN)/python scripts/embedded_redis.py stop
	rm -rf $(AIRFLOW_HOME) .pytest_cache .ruff_cache build include/*.egg-info artifacts
	find . \( -path ./.venv -o -path ./.git \) -prune -o -name __pycache__ -type d -print0 \
		| xargs -0 rm -rf

distclean: clean  ## clean, and remove .venv too
	rm -rf $(VENV)
