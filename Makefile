# Two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps demo test lint typecheck unit bench clean catalogs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Byte-compiled once here: start-up time counts (`report` answers in under a second),
# and PYTHONDONTWRITEBYTECODE, set on some machines, stops Python from caching it.
install: $(STAMP)
	@$(BIN)/python -m compileall -q isamail >/dev/null

# Debian packages the tests use: a PostgreSQL server, Chromium for the browser tests,
# Postfix's smtp-sink/smtp-source for the benchmarks. Installed only where missing.
# The message catalogs: isamail/i18n/po/*.po compiled to the .mo files next to the code
# (committed; a test holds them to their sources).
catalogs: install
	$(BIN)/python -m isamail.i18n.build

system-deps:
	@scripts/system-deps.sh

demo: install
	@scripts/demo.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install system-deps
	@url=$$(scripts/postgres.sh start) && \
	ISAMAIL_TEST_PG_URL=$$url $(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck unit

bench: install system-deps
	@bench/run-all.sh

clean:
	rm -rf $(VENV) demo/ .mypy_cache .ruff_cache .pytest_cache
