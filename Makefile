# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run run-sso test lint format bench bench-import load clean

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
	APP_ENV=$${APP_ENV:-development} PORT=$(PORT) $(FLASK) demo load --if-empty
	APP_ENV=$${APP_ENV:-development} PORT=$(PORT) $(FLASK) run --host 127.0.0.1 --port $(PORT)

## make run-sso: like make run, with single sign-on against a local test provider (oidc-provider-mock) on
## 127.0.0.1:$(SSO_PORT); its page offers demo people for the coach, financien and beheer groups and one without
SSO_PORT ?= 9400
SSO_DEMO_PEOPLE := \
  --user-claims '{"sub":"demo-coach","preferred_username":"coach@hengelo.test","name":"Demo Coach","groups":["demo-coach"]}' \
  --user-claims '{"sub":"demo-financien","preferred_username":"financien@hengelo.test","name":"Demo Financien","groups":["demo-financien"]}' \
  --user-claims '{"sub":"demo-beheer","preferred_username":"beheer@hengelo.test","name":"Demo Beheer","groups":["demo-beheer"]}' \
  --user-claims '{"sub":"demo-zonder-groep","preferred_username":"nieuw@hengelo.test","name":"Zonder Groep","groups":[]}'
run-sso: $(VENV)/.dev-installed
	APP_ENV=$${APP_ENV:-development} $(FLASK) db upgrade
	APP_ENV=$${APP_ENV:-development} PORT=$(PORT) $(FLASK) demo load --if-empty
	$(BIN)/python -m oidc_provider_mock --host 127.0.0.1 --port $(SSO_PORT) --require-nonce $(SSO_DEMO_PEOPLE) & \
	trap "kill $$!" EXIT INT TERM; \
	APP_ENV=$${APP_ENV:-development} OIDC_ISSUER=http://127.0.0.1:$(SSO_PORT) OIDC_CLIENT_ID=perspectiefjaar-demo \
	OIDC_CLIENT_SECRET=demo OIDC_ROLE_GROUPS=coach=demo-coach,financien=demo-financien,beheer=demo-beheer \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

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

## make bench-import: dry run and import of a 5,000-row referral list (see bench/README.md)
bench-import: $(VENV)/.dev-installed
	$(BIN)/python -m bench.import_bench

## make load: 100 simulated users for $(LOAD_SECONDS) s at 100x against two gunicorn app servers behind nginx,
## one PostgreSQL and Redis, all on 127.0.0.1; one server is killed and restarted halfway (see bench/README.md)
LOAD_SECONDS ?= 300
load: $(VENV)/.dev-installed
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || (apt-get update -qq && apt-get install -y -qq nginx)
	LOAD_SECONDS=$(LOAD_SECONDS) $(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
