# Verbatim: two commands to know.
#   make run    virtualenv + requirements, migrate, demo data (first time only),
#               serve on http://127.0.0.1:5000 (docs at /docs)
#   make test   the whole test suite; also against PostgreSQL when
#               TEST_DATABASE_URL is set (see .ci/run)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?= -q -n 2

.DEFAULT_GOAL := help
.PHONY: help run serve test bench db demo gazetteer

help:
	@echo "make run    set up .venv, migrate the database, load the demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   run the test suite (PostgreSQL too when TEST_DATABASE_URL is set)"
	@echo "make bench  run the benchmarks (python -m bench.run)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files: pip runs again only when a requirements file changes.
$(VENV)/.requirements.stamp: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev.stamp: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.requirements.stamp

db: $(VENV)/.requirements.stamp
	$(FLASK) db upgrade

# --if-empty: the demo quotes go into a new store once, never again after
# that (a retracted or edited demo quote stays as you left it).
demo: db
	$(FLASK) demo load --if-empty

# The gazetteer's index of 235,000 towns, built once per machine (~30 s) and
# memory-mapped by every process afterwards; built here so that the first
# verify after `make run` does not wait for it.
gazetteer: $(VENV)/.requirements.stamp
	$(BIN)/python -m verification.places >/dev/null

run: demo gazetteer
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.requirements-dev.stamp
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.requirements-dev.stamp
	$(BIN)/python -m bench.run
