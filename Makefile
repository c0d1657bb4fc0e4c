# make run  — the marketplace with demo data on http://127.0.0.1:$(PORT) (web, Celery worker, beat)
# make test — the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL point at them)
# The first Python 3.11+ found (pyenv shims may exist for versions that are not selected).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT
# pytest-xdist workers for `make test`: one per core (at most 8); TEST_WORKERS=0 runs the suite
# in one process. PYTEST_ARGS come last, so they can override these options too.
TEST_WORKERS ?= auto

.PHONY: run test install messages check-messages lint format migrations check-deploy bench clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed: none was found on PATH."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# The compiled catalogues (locale/*/LC_MESSAGES/django.mo), built with Babel: no GNU gettext needed.
messages: install
	$(VENV)/bin/pybabel compile --domain=django --directory=locale

# Refresh the catalogues from the code and fail on any untranslated or fuzzy entry (needs GNU gettext).
check-messages: install
	DEBUG=true $(PY) manage.py check_translations

run: install messages
	DEBUG=$${DEBUG:-true} STAFF_REQUIRE_MFA=$${STAFF_REQUIRE_MFA:-false} $(PY) manage.py run_marketplace --port $(PORT)

# axe-core for the accessibility tests (package-lock.json), from the npm registry.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: install messages node_modules/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 8 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations: install
	DEBUG=true $(PY) manage.py makemigrations

bench: install
	$(PY) bench/catalog.py

clean:
	rm -rf $(VENV) var/test
