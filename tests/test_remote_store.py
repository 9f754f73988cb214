"""The service in front of a real triple store: Debian's Virtuoso, started on loopback with its own
configuration and database (`bench.virtuoso`), filled by `graph-service load --into`, and served
by `graph-service serve --store`.

One Virtuoso per test module: about 4 s to start from the prepared empty database, 5 s to load,
3 s for the server over it, 4 s more for the outage: over the default run's budget, so the whole
module runs with `make test-slow`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from graph_service.bench.virtuoso import VirtuosoServer, unavailable, virtuoso_server
from graph_service.config import Settings
from graph_service.graph import FACTS_GRAPH, LIB, NAMED_GRAPHS, load_store
from graph_service.graph.query.engine import OxigraphEngine
from graph_service.graph.query.examples import load_examples
from graph_service.graph.query.remote import RemoteEngine, RemoteStore
from graph_service.web.server import BackgroundServer

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(unavailable() is not None, reason=unavailable() or "")]

SETTINGS = Settings.from_env()
EXAMPLES = load_examples(SETTINGS.queries_dir)
GRAPHS = [str(g) for g in NAMED_GRAPHS]
FACTS = str(FACTS_GRAPH)

def graph_service(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("graph-service")
    command = [str(exe)] if exe.exists() else [sys.executable, "-c",
                                               "from graph_service.cli import main; main()"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[VirtuosoServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module")
def loaded(virtuoso) -> subprocess.CompletedProcess:
    """`graph-service load --into` the store, credentials from the environment."""
    done = graph_service("load", "--into", virtuoso.graph_store_url, "--update", virtuoso.update_url,
                         env=virtuoso.credentials_env)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def remote_server(virtuoso, loaded) -> Iterator[BackgroundServer]:
    server = BackgroundServer(options=("--store", virtuoso.sparql_url, "--result-limit", "50",
                                       "--query-timeout", "2"))
    try:
        yield server
    finally:
        server.stop()
        for mirror in SETTINGS.snapshot_dir.glob("store-*.*"):
            mirror.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def embedded() -> OxigraphEngine:
    return OxigraphEngine(load_store(SETTINGS))


def test_load_fills_the_store_and_checks_it(virtuoso, loaded, embedded):
    assert "switched by one SPARQL Update" in loaded.stdout
    assert "verified: triple counts and content hash" in loaded.stdout
    remote = RemoteEngine(RemoteStore(virtuoso.sparql_url), GRAPHS, timeout=10)
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    counts = {str(r["g"]): int(r["n"]) for r in remote.query(query).rows}
    assert counts == {str(r["g"]): int(r["n"]) for r in embedded.query(query).rows}


def test_load_without_the_right_credentials_is_one_line(virtuoso, loaded):
    done = graph_service("load", "--into", virtuoso.graph_store_url,
                         env={"GRAPH_SERVICE_STORE_USER": "dba", "GRAPH_SERVICE_STORE_PASSWORD": "wrong"})
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("graph-service: the store at") and "refused access as 'dba'" in last
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_gives_the_embedded_answer(virtuoso, loaded, embedded, example):
    from test_engines import _is_ordered, assert_same

    remote = RemoteEngine(RemoteStore(virtuoso.sparql_url), GRAPHS, timeout=10)
    assert_same(embedded.query(example.text), remote.query(example.text), ordered=_is_ordered(example.text))


def test_pages_and_dereferencing_are_unchanged(remote_server, project_client):
    url = remote_server.url
    resp = requests.get(url + "id/city/paris", headers={"Accept": "text/turtle"}, allow_redirects=False,
                        timeout=30)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/doc/city/paris.ttl")
    for path in ("doc/city/paris.ttl", "doc/city/paris.html", "id/city/", "search?q=zoska&format=json",
                 "void.ttl"):
        remote = requests.get(url + path, timeout=30)
        local = project_client.get("/" + path)
        assert remote.status_code == local.status_code == 200, path
        if path.endswith(".html"):
            assert "Paris" in remote.text
        elif path.endswith(".ttl"):
            assert isomorphic(Graph().parse(data=remote.text, format="turtle"),
                              Graph().parse(data=local.data, format="turtle")), path
        else:
            assert remote.content == local.data, path
    ready = requests.get(url + "readyz", timeout=30).json()
    assert ready["status"] == "ready" and ready["engine"] == "remote"
    assert ready["snapshot"]["source"] == "store"


def test_sparql_through_the_store_keeps_the_rules(remote_server):
    endpoint = remote_server.sparql

    def ask(query: str, **params: str) -> requests.Response:
        return requests.post(endpoint, data={"query": query, **params},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)

    resp = ask(f"SELECT ?s WHERE {{ ?s a <{LIB}CapitalCity> }} ORDER BY ?s")
    assert resp.status_code == 200 and len(resp.json()["results"]["bindings"]) == 8
    # Only this dataset's graphs: Virtuoso's own system graphs stay out of the default graph.
    resp = ask("ASK { ?s ?p <http://www.openlinksw.com/schemas/virtrdf#QuadMapFormat> }")
    assert resp.json()["boolean"] is False
    resp = ask("SELECT ?s WHERE { ?s ?p ?o }", **{"default-graph-uri": "http://www.openlinksw.com/schemas/virtrdf#"})
    assert resp.status_code == 200 and resp.json()["results"]["bindings"] == []
    # The result limit applies (50 here), and says so.
    resp = ask(f"SELECT * WHERE {{ GRAPH <{FACTS}> {{ ?s ?p ?o }} }}")
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["results"]["bindings"]) == 50 and resp.headers["X-Result-Truncated"] == "true"
    refused = {
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }": "SERVICE",
        "SELECT * FROM <http://www.openlinksw.com/schemas/virtrdf#> WHERE { ?s ?p ?o }": "names no graph",
        "PREFIX bif: <bif:> SELECT (bif:sleep(5) AS ?x) WHERE {}": "bif:sleep",
        'DEFINE get:soft "replace" SELECT * WHERE { ?s ?p ?o }': "malformed query",
    }
    for query, reason in refused.items():
        resp = ask(query)
        assert resp.status_code == 400 and reason in resp.json()["message"], query
    resp = requests.post(endpoint, data={"update": f"CLEAR GRAPH <{FACTS}>"}, timeout=30)
    assert resp.status_code == 403
    # Past the time limit (2 s here): stopped by the store or here, a 503 either way.
    started = time.monotonic()
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    resp = ask(runaway)
    assert resp.status_code == 503 and "time limit" in resp.json()["message"]
    assert time.monotonic() - started < 10
    assert ask("ASK { ?s ?p ?o }").json()["boolean"] is True


def test_a_store_outage_is_a_503_and_the_service_recovers(virtuoso, remote_server):
    url = remote_server.url
    query = {"query": "ASK { ?s ?p ?o }"}
    accept = {"Accept": "application/sparql-results+json"}
    assert requests.get(url + "sparql", params=query, headers=accept, timeout=30).status_code == 200
    virtuoso.stop()
    try:
        resp = requests.get(url + "sparql", params={"query": "ASK { ?s ?p 1 }"}, headers=accept, timeout=30)
        assert resp.status_code == 503 and resp.headers["Retry-After"]
        assert f"the store at {virtuoso.sparql_url} does not answer" in resp.json()["message"]
        ready = requests.get(url + "readyz", timeout=30)
        assert ready.status_code == 503 and ready.json()["status"] == "unavailable"
        assert "does not answer" in ready.json()["reason"]
        # Pages come from the process's copy: they stay up.
        assert requests.get(url + "doc/city/paris.html", timeout=30).status_code == 200
    finally:
        virtuoso.start()
    assert requests.get(url + "readyz", timeout=30).status_code == 200
    resp = requests.get(url + "sparql", params={"query": "ASK { ?s ?p 2 }"}, headers=accept, timeout=30)
    assert resp.status_code == 200
