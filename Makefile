# kzwatch: `make run` serves the article's data on http://127.0.0.1:8000/; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST_PORT ?= 127.0.0.1:8000
# The quickstart is a local development server; production sets DEBUG off and a SECRET_KEY.
RUN_ENV := DEBUG=$${DEBUG:-1}
FIXTURES := $(sort $(wildcard fixtures/*.json))

.PHONY: run install migrate load test lint format migrations-check pytest browser bench ci clean

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
load: migrate
	$(if $(FIXTURES),$(RUN_ENV) $(BIN)/python manage.py loaddata $(FIXTURES),@echo "no fixtures to load")

run: load
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST_PORT)

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

pytest: $(VENV)/.installed-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint migrations-check pytest

# Speed as a ratio against raw SQL measured in the same run, on PostgreSQL (DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/kzwatch_bench); SIZE=S (20,000 events) or M (200,000).
SIZE ?= S
bench: $(VENV)/.installed-dev
	$(BIN)/python -m tests.benchmarks.run --size $(SIZE) $(BENCH_ARGS)

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache .ruff_cache
