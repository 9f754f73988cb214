# Two entry points for a fresh machine: `make serve` and `make test`. Each creates .venv itself.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: serve test install install-test build lint bench clean yasgui shacl-engine

serve: install yasgui
	$(BIN)/graph-service serve

test: install-test yasgui shacl-engine
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

# The query editor at /sparql: YASGUI from npm, copied into the package's static files (no CDN).
YASGUI_VERSION ?= 4.6.2
YASGUI_STATIC  := src/graph_service/web/static/yasgui
YASGUI_NPM     := build/npm-yasgui

yasgui: $(YASGUI_STATIC)/yasgui.min.js

$(YASGUI_STATIC)/yasgui.min.js:
	rm -rf $(YASGUI_NPM) && mkdir -p $(YASGUI_NPM) $(YASGUI_STATIC)
	cd $(YASGUI_NPM) && npm install --no-audit --no-fund --loglevel=error @zazuko/yasgui@$(YASGUI_VERSION)
	cp $(YASGUI_NPM)/node_modules/@zazuko/yasgui/build/yasgui.min.css $(YASGUI_STATIC)/
	cp $(YASGUI_NPM)/node_modules/@zazuko/yasgui/package.json $(YASGUI_STATIC)/
	cp $(YASGUI_NPM)/node_modules/@zazuko/yasgui/build/yasgui.min.js $(YASGUI_STATIC)/

# A second SHACL engine for tests/test_shacl_engine.py: shacl-engine from npm (Node 18+), which the
# test runs on the project's shapes and data and compares with pySHACL.
SHACL_ENGINE_VERSION ?= 1.1.2
SHACL_ENGINE_NPM     := build/npm-shacl-engine

shacl-engine: $(SHACL_ENGINE_NPM)/node_modules/shacl-engine/package.json

$(SHACL_ENGINE_NPM)/node_modules/shacl-engine/package.json:
	mkdir -p $(SHACL_ENGINE_NPM)
	cd $(SHACL_ENGINE_NPM) && npm install --no-audit --no-fund --loglevel=error \
		shacl-engine@$(SHACL_ENGINE_VERSION) rdf-ext@2.6.0 n3@2.13.12

build: install
	$(BIN)/graph-service build

bench: install
	$(BIN)/graph-service bench

lint: install-test
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build
