# The verbs a newcomer needs. `make run` serves the site, `make test` checks it.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The first Python 3.12+ found, unless PYTHON is given.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 python; do \
	if command -v $$candidate >/dev/null 2>&1 && \
	   $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	   echo $$candidate; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run worker test lint format demo migrate static messages clean check-python

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found. Install Python 3.12+ (python3.13 preferred) or run: make PYTHON=/path/to/python3.12 run" >&2; \
		exit 1; \
	fi

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-local: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e . --group local
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e . --group dev
	@touch $@

migrate: $(VENV)/.installed
	@mkdir -p var
	$(MANAGE) migrate --no-input

demo: migrate ## Load the demo catalogue (safe to repeat)
	@fixtures=$$(ls fixtures/*.json 2>/dev/null | sort); \
	if [ -n "$$fixtures" ]; then $(MANAGE) loaddata $$fixtures; else echo "No demo fixtures yet."; fi

static: $(VENV)/.installed
	$(MANAGE) collectstatic --no-input --verbosity 0

# The site, its task worker (e-mails, payments) and, without Stripe keys, localstripe
# (the payment provider's local stand-in) together; Ctrl+C stops them all.
run: demo static $(VENV)/.installed-local ## Set up everything, serve the site on http://127.0.0.1:8000 with its task worker and local payment server
	@echo "Serving on http://$(HOST):$(PORT)/ with a task worker (Ctrl+C stops all)"
	@trap 'kill $$worker $$payments 2>/dev/null; wait $$worker $$payments 2>/dev/null' EXIT; \
	if [ -z "$$STRIPE_SECRET_KEY" ]; then \
		SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(MANAGE) localstripe & payments=$$!; \
	fi; \
	$(MANAGE) db_worker --no-reload --interval 1 & worker=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

worker: migrate ## Run only the task worker (sends the e-mails)
	$(MANAGE) db_worker --no-reload --interval 1

test: $(VENV)/.installed-dev ## Lint, check the layers and migrations, run the whole suite
	@mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev ## Lint only
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(VENV)/.installed ## Refresh and compile the French message catalogue
	$(MANAGE) makemessages --locale fr --no-location --ignore '.venv/*' --ignore 'staticfiles/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

clean: ## Remove the virtualenv, database and collected files
	rm -rf $(VENV) var staticfiles
