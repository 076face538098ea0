# Two commands: `make run` serves the demo on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test setup db serve cluster bench translations clean

# The demo tells people as production does: a notify loop beside the server hands each queued
# message to its provider (SMS: `log`, kept on /staff/outbox), and stops with it.
run: setup db
	@$(FLASK) demo urls
	@$(FLASK) notify --loop --interval 5 & notifier=$$!; trap 'kill $$notifier 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --host $(HOST) --port $(PORT)

# Production: the same setup and migrations (no demo data), then gunicorn (gunicorn.conf.py).
serve: setup
	$(FLASK) db upgrade
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# nginx in front of YIMA_NODES gunicorn nodes on PORT (default 8080 here), on the PostgreSQL
# DATABASE_URL and the REDIS_URL given: deploy/cluster.py migrates, starts, and stops it all.
CLUSTER_PORT := $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)
cluster: setup
	PORT=$(CLUSTER_PORT) PUBLIC_BASE_URL=$(if $(filter command line environment,$(origin PUBLIC_BASE_URL)),$(PUBLIC_BASE_URL),http://$(HOST):$(CLUSTER_PORT)) \
	  $(BIN)/python deploy/cluster.py

test: $(VENV)/.dev-installed translations node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core, for the browser tests' accessibility checks (tests/browser/test_axe.py); without
# npm they are skipped (and fail where YIMA_REQUIRE_BROWSER=1, as in CI).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks will not run (apt-get install npm)"; fi

setup: $(VENV)/.installed translations

db: setup
	$(FLASK) db upgrade
	$(FLASK) demo seed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

translations: $(COMPILED)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

clean:
	rm -rf $(VENV) $(COMPILED)
