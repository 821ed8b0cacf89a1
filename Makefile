# Commonplace: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

WORKERS ?= 4
THREADS ?= 4
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install install-dev run serve test test-js test-postgres fuzz lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamps make a second `make install` instant; editing pyproject.toml reinstalls.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: export DJANGO_DEBUG = 1
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ingest corpus/
	$(BIN)/python manage.py update_index
	$(BIN)/python manage.py demo_user
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-style: gunicorn workers, static files through WhiteNoise, debug off, and the
# index worker and the upload worker (started by gunicorn's master,
# commonplace/gunicorn_conf.py) applying index updates and reading uploads so that no
# request waits for them. Needs SECRET_KEY; set HTTPS=0 to try it over
# plain http on your own machine.
serve: export INDEX_UPDATES = worker
serve: export UPLOAD_JOBS = worker
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn -c python:commonplace.gunicorn_conf commonplace.wsgi \
		--workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) \
		--access-logfile - --graceful-timeout 30

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint test-js
	$(BIN)/pytest

# The reader's JavaScript, its pure parts, by Node's own test runner: no packages to install.
test-js:
	node --test tests/js/*.test.js

# The whole suite again on PostgreSQL (CI has a server on 127.0.0.1:5432).
test-postgres: install-dev
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest

# More examples than the suite's bounded runs of the API fuzzer and the privacy property.
fuzz: install-dev
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} PRIVACY_EXAMPLES=$${PRIVACY_EXAMPLES:-100} \
		$(BIN)/pytest tests/commonplace/test_api_fuzz.py tests/commonplace/test_privacy_property.py tests/annotations/test_export_containment.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
