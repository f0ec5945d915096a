# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test lint format bench load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# Test-only assets (htmx as the CDN serves it, axe-core). Without npm the browser tests say why they skip.
node_modules/.package-lock.json: package.json package-lock.json
	-npm ci --no-audit --no-fund --loglevel=error

## make run: install, migrate, load demo data into an empty database, serve on http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime-installed
	APP_ENV=$${APP_ENV:-development} $(FLASK) db upgrade
	APP_ENV=$${APP_ENV:-development} $(FLASK) demo load --if-empty
	APP_ENV=$${APP_ENV:-development} $(FLASK) run --host 127.0.0.1 --port $(PORT)

## make test: the whole suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set; browser tests need Chromium)
test: $(VENV)/.dev-installed node_modules/.package-lock.json
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make bench: seed 100x the pilot and measure the key pages (see bench/README.md)
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.run

## make load: 50 simulated users for 60 s against gunicorn on 127.0.0.1, with writes (see bench/README.md)
load: $(VENV)/.dev-installed
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
