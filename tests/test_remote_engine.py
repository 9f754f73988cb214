"""The remote engine's rules, without a store: what it refuses before anything leaves, the dataset
it sends, how an absent store reads, and the content hash `load --into` checks with. (Against a
real Virtuoso: tests/test_remote_store.py; over a store without Virtuoso's dialect, the service's
own endpoint, with `make test-slow`.)"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest

from graph_service.graph import (
    FACTS_GRAPH,
    NAMED_GRAPHS,
    OverShare,
    QueryDataset,
    QueryRunner,
    SlotBudget,
    StoreUnavailable,
    UnsafeQuery,
    content_hash,
    formats,
)
from graph_service.graph.query.remote import EMPTY_GRAPH, RemoteEngine, RemoteStore

GRAPHS = [str(g) for g in NAMED_GRAPHS]
FACTS = str(FACTS_GRAPH)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def engine() -> RemoteEngine:
    return RemoteEngine(RemoteStore(f"http://127.0.0.1:{_closed_port()}/sparql", connect_timeout=1),
                        GRAPHS, timeout=2)


@pytest.mark.parametrize(("query", "reason"), [
    ("PREFIX bif: <bif:> SELECT (bif:sleep(5) AS ?x) WHERE {}", "the function <bif:sleep> is refused"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(<http://example.org/f>(?o)) }", "<http://example.org/f> is refused"),
    ("SELECT * FROM <http://www.openlinksw.com/schemas/virtrdf#> WHERE { ?s ?p ?o }", "names no graph"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
    ("INSERT DATA { <a:b> <a:b> <a:b> }", "SPARQL Update"),
])
def test_refused_before_anything_leaves(engine, query, reason):
    with pytest.raises(UnsafeQuery, match=reason):
        engine.prepare(query, None)


def test_a_store_dialect_is_a_syntax_error(engine):
    with pytest.raises(SyntaxError):
        engine.prepare('DEFINE get:soft "replace" SELECT * WHERE { ?s ?p ?o }', None)


def test_xsd_casts_pass(engine):
    query = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT (xsd:integer('1') AS ?n) WHERE {}"
    assert engine.prepare(query, None)[0] == "select"


def test_the_dataset_is_always_explicit_and_only_ours(engine):
    form, dataset = engine.prepare("ASK { ?s ?p ?o }", None)
    assert form == "ask" and set(dataset.default_graphs) == set(dataset.named_graphs) == set(GRAPHS)
    _, dataset = engine.prepare(f"SELECT * FROM NAMED <{FACTS}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", None)
    assert dataset == QueryDataset((), (FACTS,))
    # A protocol dataset naming other graphs of the store: those are empty here.
    _, dataset = engine.prepare("SELECT * WHERE { ?s ?p ?o }",
                                QueryDataset(("http://www.openlinksw.com/schemas/virtrdf#", FACTS), ()))
    assert dataset == QueryDataset((FACTS,), ())
    assert EMPTY_GRAPH.startswith("urn:")


def test_an_absent_store_says_which_and_why(engine):
    with pytest.raises(StoreUnavailable, match=r"the store at http://127\.0\.0\.1:\d+/sparql does not answer "
                                               r"\(connection refused\)"):
        engine.query("ASK { ?s ?p ?o }")
    assert "connection refused" in (engine.store.ping() or "")


def test_the_content_hash_ignores_order_and_blank_node_labels():
    def quads(label: str) -> list[ox.Quad]:
        g = ox.NamedNode(FACTS)
        b = ox.BlankNode(label)
        return [ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), b, g),
                ox.Quad(b, ox.NamedNode("http://ex/q"), ox.Literal("1.50", datatype=ox.NamedNode(
                    "http://www.w3.org/2001/XMLSchema#decimal")), g)]
    assert content_hash(quads("x")) == content_hash(list(reversed(quads("y"))))
    changed = quads("x")[:1] + [ox.Quad(ox.BlankNode("x"), ox.NamedNode("http://ex/q"), ox.Literal("1.5"),
                                        ox.NamedNode(FACTS))]
    assert content_hash(changed) != content_hash(quads("x"))


@pytest.mark.slow  # the default run does the same against a real Virtuoso (test_remote_store.py)
def test_over_any_sparql_endpoint_the_answers_are_the_embedded_ones(live_server):
    """The engine over another SPARQL 1.1 endpoint (here: this service's own, the project's graph)
    answers as the embedded engine does; the result limit cuts while reading; ASK and CONSTRUCT
    come back whole."""
    from test_engines import _is_ordered, assert_same

    from graph_service.config import Settings
    from graph_service.graph import load_examples, load_store
    from graph_service.graph.query.engine import OxigraphEngine

    settings = Settings.from_env()
    embedded = OxigraphEngine(load_store(settings))
    remote = RemoteEngine(RemoteStore(live_server.sparql), GRAPHS, timeout=10)
    for example in load_examples(settings.queries_dir)[:6]:
        assert_same(embedded.query(example.text), remote.query(example.text),
                    ordered=_is_ordered(example.text))
    cut = remote.query(f"SELECT * WHERE {{ GRAPH <{FACTS}> {{ ?s ?p ?o }} }}", limit=7)
    assert len(cut.rows) == 7 and cut.truncated
    assert remote.query("ASK { ?s ?p ?o }").boolean is True
    graph = remote.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{FACTS}> {{ ?s ?p ?o }} }}")
    assert len(graph.triples) == len(embedded.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{FACTS}> {{ ?s ?p ?o }} }}").triples)


class _SlowStore(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint that takes its time over every query, as a loaded store does."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(0.6)
        body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_query_at_the_store_holds_its_slot_and_its_clients_share():
    """The store's time is the query's: one client's second query, while its first is still at the
    store, is over its share of one slot, and answered so at once; another client's is run."""
    store = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowStore)
    threading.Thread(target=store.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{store.server_address[1]}/sparql"
    runner = QueryRunner(RemoteEngine(RemoteStore(url, connect_timeout=1), GRAPHS, timeout=5),
                         timeout=5, result_limit=None, budget=SlotBudget(2, queue=0, per_client=1))
    json_results = formats.named("json")

    def ask(client: str, n: int) -> str:
        try:
            runner.answer(f"SELECT ?x WHERE {{ ?x ?p {n} }}", results_format=json_results,
                          graph_format=None, client=client)
            return "answered"
        except OverShare:
            return "over its share"

    try:
        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(ask, "127.0.0.1", 1)
            time.sleep(0.3)  # at the store by now
            second, other = pool.submit(ask, "127.0.0.1", 2), pool.submit(ask, "127.0.0.2", 3)
            assert second.result() == "over its share"
            assert first.result() == "answered" and other.result() == "answered"
    finally:
        runner.close()
        store.shutdown()
        store.server_close()
