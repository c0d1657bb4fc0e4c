# make run  — the marketplace with demo data on http://127.0.0.1:$(PORT) (web, Celery worker, beat)
# make test — the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL point at them)
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test install lint format migrations check-deploy bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)." % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_marketplace --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

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
