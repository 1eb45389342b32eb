# The two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
APT_PACKAGES := chromium fonts-noto-cjk libreoffice-writer-nogui poppler-utils
BENCH_APT_PACKAGES := wrk

.PHONY: run test test-fast lint test-sqlite test-postgres install translations system-deps bench-deps apt-install db bench extract-messages
AXE := node_modules/axe-core/axe.min.js

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d translations

db: install
	$(FLASK) planner migrate
	$(FLASK) planner content import
	$(FLASK) planner calendar import --if-empty
	$(FLASK) planner instruments
	$(FLASK) planner demo

# Development serves on this address; production sets its own (README: configuration).
run db bench: export PLANNER_BASE_URL ?= http://127.0.0.1:5000

run: db
	@echo "Serving on http://127.0.0.1:5000"
	$(FLASK) run --host 127.0.0.1 --port 5000

# Debian packages the tests need: Chromium and CJK fonts for the browser tests,
# LibreOffice and poppler to open every Word export and read it back as a PDF.
system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

# wrk, the second process of the throughput and load figures.
bench-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BENCH_APT_PACKAGES)"

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# axe-core (npm, pinned in package.json / package-lock.json) for the accessibility test.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The whole suite: lint, then the SQLite and PostgreSQL runs side by side, each spread over
# $(WORKERS) pytest-xdist processes (every process migrates a database or schema of its own).
# --output-sync prints each run's output whole, when it ends.
WORKERS ?= 2
XDIST = -n $(WORKERS) --dist loadfile

test: install system-deps $(AXE) lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The inner loop: lint and the SQLite run without browser, load, LibreOffice and sweep tests.
test-fast: install lint
	$(PY) -m pytest $(XDIST) -m "not browser and not load and not office and not slow"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .

test-sqlite:
	@echo "== test suite on SQLite (apsw) =="
	$(PY) -m pytest $(XDIST)

# The browser journeys drive the pages through Chromium; they run once, in the SQLite run
# (the embedded database `make run` serves the demo on). Everything under the pages, the
# HTTP sweeps and the load tests run on both databases.
test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_TEST_URL)), browser journeys in the SQLite run =="
	@if ! $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=5).close()" 2>/dev/null; then \
	  if [ -n "$$CI" ]; then echo "PostgreSQL at $(PG_TEST_URL) is unreachable; CI requires it"; exit 1; fi; \
	  echo "PostgreSQL at $(PG_TEST_URL) is unreachable: skipped outside CI"; exit 0; \
	fi; \
	PLANNER_TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(XDIST) -m "not browser"

extract-messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations

# Every figure of ../shared/BENCHMARKS.md, on SQLite and (when it answers) PostgreSQL; the
# datasets are generated once into bench/.data/ and PostgreSQL schemas bench_small/bench_city.
bench: install bench-deps
	$(PY) bench/pages.py
	$(PY) bench/serve.py
	$(PY) bench/scheduling.py
	$(PY) bench/taps.py
	$(PY) bench/word.py
