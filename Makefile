# One front door for everything. `make run` and `make test` do all the set-up they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
MANAGE  := $(PY) manage.py
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST_ARGS ?= -n 2 --dist loadgroup  # both cores (a module marked xdist_group stays on one); `make test PYTEST_ARGS=` runs serially

.PHONY: help install run test lint format worker messages schema bench clean-data

help:
	@echo "make run       set everything up and serve the portal on http://$(HOST):$(PORT) with a worker"
	@echo "make test      install, lint and run the whole test suite on PostgreSQL (and Chromium)"
	@echo "make install   create the virtualenv and install pinned dependencies"
	@echo "make lint      ruff, mypy, manage.py check, makemigrations --check, the OpenAPI schema"
	@echo "make worker    run a Celery worker (with beat) in the foreground"
	@echo "make messages  extract and compile the Vietnamese and English translations"
	@echo "make schema    write the OpenAPI schema to docs/openapi.yaml (check it in)"
	@echo "make bench     benchmark the country at three fractions (SCALE=small for a quick run; BENCHMARKS.md)"

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
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf || { echo "Installing fonts-dejavu-core (the PDF reports' font)"; \
		(apt-get update -qq && apt-get install -y -qq fonts-dejavu-core) >/dev/null; }
	touch $(STAMP)

# Front-end packages (htmx, Leaflet, Chart.js) from the npm registry, reinstalled only when the
# lock file changes; Django serves their dist/ folders (STATICFILES_DIRS), never a CDN.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required (Node.js 18 or later)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)
	$(MANAGE) compilemessages --ignore=.venv --ignore=.data --ignore=node_modules -v0

run: install
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) load_territory
	$(MANAGE) load_demo
	$(MANAGE) collectstatic --no-input -v0
	HOST=$(HOST) PORT=$(PORT) scripts/run.sh

# Only the browser tests need Chromium: it is installed here, never for `make run`.
test: install lint
	@scripts/install-chromium
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/openapi-spec-validator docs/openapi.yaml

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# One worker on every queue (settings CELERY_TASK_ROUTES); a child that grew past
# WORKER_MAX_MEMORY_KB is replaced after its task (docs/deployment.md).
WORKER_MAX_MEMORY_KB ?= 524288
worker: install
	$(VENV)/bin/celery -A wardsecurity worker --beat --loglevel INFO --concurrency 2 \
		--queues statistics,imports,documents,celery --max-memory-per-child $(WORKER_MAX_MEMORY_KB)

# The API contract integrators generate clients from (docs/api.md, "Schema"): the same schema as
# /api/v1/schema/, texts in Vietnamese (the portal's default language). No database is needed.
# A test fails when the file is stale.
schema: install
	$(MANAGE) spectacular --lang vi --validate --fail-on-warn --file docs/openapi.yaml

# SPEC §12: generates the country at two fractions (national shape: 100,000 and 300,000
# households, about 40 minutes on 2 cores; SCALE=small: 20,000 and 40,000) in its own database
# (BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/bench) and measures each
# figure interleaved with its limit; a full run writes the multi-size table, the slopes and the
# projection to 27 M households into BENCHMARKS.md. BENCH_ARGS adds options (bench/run.py).
SCALE ?= full
BENCH_ARGS ?=
bench: $(STAMP)
	$(PY) -m bench.run $(if $(filter small,$(SCALE)),--small,) $(BENCH_ARGS)

messages: install
	$(MANAGE) makemessages -l vi -l en --ignore=.venv --ignore=.data --ignore=node_modules --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv --ignore=.data

# Stops the embedded PostgreSQL (as the user that runs it, also under root) and removes its data;
# refuses to delete anything while the server still runs. The next `make run` reloads the demo.
clean-data:
	scripts/clean-data
