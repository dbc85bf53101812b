# The two promises of the README: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PENGADUAN_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test install install-dev browser messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/pengaduan migrate --noinput
	$(BIN)/pengaduan demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/pengaduan runserver 127.0.0.1:8000

browser:
	scripts/install-chromium.sh

# The import layers (pyproject.toml, docs/architecture.md), then the whole suite on SQLite, then again on
# PostgreSQL (DATABASE_URL's server, or a throwaway one on loopback), then on SQLite without the browser a year
# and a month from today (tests/conftest.py): a test that holds a date that is still to come fails now, not then.
test: install-dev browser
	$(BIN)/lint-imports --no-cache
	env -u DATABASE_URL $(BIN)/pytest
	scripts/with-postgres.sh $(BIN)/pytest
	env -u DATABASE_URL PENGADUAN_TEST_CLOCK=+400 $(BIN)/pytest -m "not browser"

# The reports (dashboard, year compliance, periodic report, public statistics) and the similar-case search are
# timed at the same N on SQLite and on PostgreSQL (a throwaway server), after the pages.
BENCH_COMPLAINTS ?= 1000000
REPORT_PHASES := baseline,dashboard,compliance,periodic,public
bench: install-dev
	$(BIN)/python bench/run.py
	env -u DATABASE_URL $(BIN)/python bench/bench_reports.py --complaints $(BENCH_COMPLAINTS) --phases $(REPORT_PHASES)
	scripts/with-postgres.sh sh -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(BIN)/python bench/bench_reports.py --complaints $(BENCH_COMPLAINTS) --phases $(REPORT_PHASES)'
	env -u DATABASE_URL $(BIN)/python bench/bench_similar.py --complaints $(BENCH_COMPLAINTS)
	scripts/with-postgres.sh sh -c 'BENCH_DATABASE_URL=$$DATABASE_URL $(BIN)/python bench/bench_similar.py --complaints $(BENCH_COMPLAINTS)'

messages: install-dev
	cd src/pengaduan && PENGADUAN_DATA_DIR=$(CURDIR)/data ../../$(BIN)/pengaduan makemessages -l id --no-location --ignore 'static/*' && PENGADUAN_DATA_DIR=$(CURDIR)/data ../../$(BIN)/pengaduan compilemessages -l id

clean:
	rm -rf $(VENV) data
