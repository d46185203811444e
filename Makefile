# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address the demo's emails and calendar files link to: where it serves.
BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup demo test lint bench drill clean cluster cluster-reload cluster-status cluster-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	$(BIN)/python scripts/compile_translations.py

demo: setup
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	BASE_URL=$(BASE_URL) $(BIN)/python manage.py seed_demo
	@echo "Serving on $(BASE_URL)/"
	BASE_URL=$(BASE_URL) $(BIN)/python -m roadshow.server -b $(HOST) -p $(PORT) roadshow.asgi:application

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	DJANGO_SETTINGS_MODULE=roadshow.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=roadshow.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	@echo "== pass 1: embedded default (SQLite, in-memory channel layer) =="
	$(BIN)/python -m pytest
	@echo "== pass 2: PostgreSQL and Redis =="
	@$(BIN)/python scripts/services.py; status=$$?; \
	if [ $$status -eq 0 ]; then \
		DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/python -m pytest -m "(not browser or redis) and not drill"; \
	elif [ $$status -eq 2 ]; then echo "(service-backed pass skipped)"; \
	else exit 1; fi

# The production topology on this machine (deploy/): HAProxy, WORKERS web
# workers (2), TASK_WORKERS task workers (1), the local PostgreSQL and Redis.
cluster: setup
	$(BIN)/python scripts/cluster.py up

cluster-reload:
	$(BIN)/python scripts/cluster.py reload

cluster-status:
	$(BIN)/python scripts/cluster.py status

cluster-stop:
	$(BIN)/python scripts/cluster.py down

bench: setup
	$(BIN)/python -m bench $(B)

# Fault drills against the production topology on throwaway PostgreSQL and
# Redis of their own (bench/drill.py); needs Debian's haproxy, redis-server and
# postgresql. DRILL_SHORT=1 for the suite's short form; DRILL_ONLY=smtp,surge.
drill: setup
	$(BIN)/python -m bench.drill

clean:
	rm -rf $(VENV) staticfiles
