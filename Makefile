# kzwatch: `make run` serves the article's data on http://127.0.0.1:8000/; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000
# The quickstart is a local development server; production sets DEBUG off and a SECRET_KEY.
RUN_ENV := DEBUG=$${DEBUG:-1}
FIXTURES := $(sort $(wildcard fixtures/*.json))

# `make serve`: production (gunicorn, DEBUG off); `make backup`, `make restore FILE=...`; `make load`: locust.
.PHONY: run superuser curator install migrate fixtures serve backup restore load test lint format migrations-check pytest browser bench ci clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

# Fixtures load in file-name order; loading twice changes nothing.
fixtures: migrate
	$(if $(FIXTURES),$(RUN_ENV) $(BIN)/python manage.py loaddata $(FIXTURES),@echo "no fixtures to load")

# The network's layout is made once here, not by the first reader of /network/.
run: fixtures
	$(RUN_ENV) $(BIN)/python manage.py layout_network
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST_PORT)

# Accounts for the admin, in the quickstart's settings: `make superuser` asks for a name and a
# password; `make curator USER=name` makes (or takes) a staff user in the Curator group and prints
# their API token (events/management/commands/curator.py).
superuser: migrate
	$(RUN_ENV) $(BIN)/python manage.py createsuperuser

curator: migrate
	@test "$(origin USER)" = "command line" || { echo "usage: make curator USER=<username>"; exit 2; }
	$(RUN_ENV) $(BIN)/python manage.py curator "$(USER)"

# Production: the environment as it is (DEBUG off unless set; SECRET_KEY required), static files
# collected for whitenoise, gunicorn with WEB_CONCURRENCY workers (2 by default) on HOST_PORT.
# SERVE_PORTS="8001 8002": one gunicorn per port on SERVE_HOST instead, all stopped together; they
# share the database and CACHE_URL (Redis), and a front (README) makes them one address.
SERVE_HOST ?= 127.0.0.1
GUNICORN := $(BIN)/gunicorn kzwatch.wsgi --workers $${WEB_CONCURRENCY:-2} --access-logfile - \
	--forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py layout_network --if-missing
ifeq ($(strip $(SERVE_PORTS)),)
	$(GUNICORN) --bind $(HOST_PORT)
else
	pids=""; for port in $(SERVE_PORTS); do $(GUNICORN) --bind "$(SERVE_HOST):$$port" & pids="$$pids $$!"; done; \
	trap 'kill $$pids 2>/dev/null' INT TERM EXIT; wait
endif

# Every row, history and tombstones included, to backups/kzwatch-<time>.jsonl.gz (JSON Lines).
backup: install
	$(RUN_ENV) $(BIN)/python manage.py backup

# Into an empty migrated database (of either engine): make restore FILE=backups/kzwatch-....jsonl.gz
restore: migrate
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/kzwatch-<time>.jsonl.gz"; exit 2; }
	$(RUN_ENV) $(BIN)/python manage.py restore "$(FILE)" $(RESTORE_ARGS)

.venv-load/.installed: requirements-load.txt
	$(PYTHON) -m venv .venv-load
	.venv-load/bin/pip install --quiet -r requirements-load.txt
	touch $@

# 50 users for 60 s against `make serve` on 127.0.0.1; prints p50/p95/p99 and errors. LOAD_PORTS="8765 8766"
# serves two app servers and sends requests to each in turn (a line per server); LOAD_CACHE=off keeps
# no page for readers; LOAD_USERS, LOAD_SECONDS, WEB_CONCURRENCY as named.
load: install .venv-load/.installed
	bash tests/load/run.sh

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(VENV)/.installed-dev
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || { echo "Chromium is missing: apt-get install chromium"; exit 1; }

# One pytest worker per core (pytest-xdist; each worker has its own test database).
PYTEST_WORKERS ?= auto
pytest: $(VENV)/.installed-dev browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint migrations-check pytest

# Speed as a ratio against raw SQL measured in the same run, on PostgreSQL; SIZE=S (20,000
# events), M (200,000) or L (1,000,000). Each size keeps its own database on
# postgres://postgres@127.0.0.1:5432/ (kzwatch_bench for S, kzwatch_bench_m, kzwatch_bench_l),
# so measuring one does not remake another; DATABASE_URL names one to use instead.
SIZE ?= S
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run --size $(SIZE) $(BENCH_ARGS)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) .venv-load .load* db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
