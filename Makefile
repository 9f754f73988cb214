# Two entry points for a fresh machine: `make serve` and `make test`. Each creates .venv itself.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: serve test install install-test build lint bench clean

serve: install
	$(BIN)/graph-service serve

test: install-test
	$(BIN)/python -m pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The stamp files make a second `make` fast; they depend on pyproject.toml so a new dependency reinstalls.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

build: install
	$(BIN)/graph-service build

lint: install-test
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build
