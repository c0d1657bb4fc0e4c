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

.PHONY: run test install lint format migrations check-deploy bench clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed: none was found on PATH."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=$${DEBUG:-true} STAFF_REQUIRE_MFA=$${STAFF_REQUIRE_MFA:-false} $(PY) manage.py run_marketplace --port $(PORT)

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 8 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations: install
	DEBUG=true $(PY) manage.py makemigrations

bench: install
	$(PY) bench/catalog.py

clean:
	rm -rf $(VENV) var/test
