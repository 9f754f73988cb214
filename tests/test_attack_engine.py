"""Legal (and almost legal) queries the engine cannot take: every one answers a status and a
message naming the cause, never a bare 500; a query process that dies is replaced unnoticed.

The queries come from `attacks.corner_queries()`, generated from the grammar's corners; its
docstring records what they found. The default run takes a sample of the builtins' arguments
(~200 queries); `-m slow` runs every one (~2,500).
"""

from __future__ import annotations

import collections
import json
import time
from pathlib import Path

import pytest
from attacks import corner_queries
from inprocess import InProcess, Reply

from graph_service.config import Settings
from graph_service.graph import check_cost
from graph_service.web import create_app

SPARQL_DATASET = Path(__file__).parent / "sparql_data" / "dataset.trig"
TIMEOUT = 0.5
ACCEPT = {"Accept": "application/sparql-results+json, application/n-triples;q=0.9"}
#: What werkzeug says when nobody said anything better.
GENERIC = "The server encountered an internal error"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=tmp_path_factory.mktemp("build"),
                                 query_timeout=TIMEOUT, query_memory_mb=128)
    return InProcess(create_app(settings))


@pytest.fixture(scope="module")
def roomy(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    """The same with a limit no busy machine reaches on a query that takes milliseconds: for the
    tests that a query is answered (under load the 0.5 s limit stopped one, a flaky 503)."""
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=tmp_path_factory.mktemp("roomy"),
                                 query_timeout=10, query_memory_mb=128)
    return InProcess(create_app(settings))


def message(resp: Reply) -> str:
    assert resp.headers["Content-Type"].startswith("application/json"), resp.text[:200]
    return resp.json()["message"]


def healthy(app: InProcess) -> None:
    resp = app.get(app.sparql, params={"query": "ASK { ?s ?p ?o }"}, headers=ACCEPT)
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def answer_all(app: InProcess, queries: list[tuple[str, str]]) -> collections.Counter:
    outcomes: collections.Counter = collections.Counter()
    for kind, query in queries:
        resp = app.post(app.sparql, data={"query": query}, headers=ACCEPT)
        outcomes[(kind, resp.status_code)] += 1
        if resp.status_code == 200:
            continue
        text = message(resp)
        assert resp.status_code in (400, 503), (kind, query[:200], resp.status_code, text)
        assert GENERIC not in text and len(text) > 20, (kind, query[:200], text)
        if resp.status_code == 503:
            assert f"time limit of {TIMEOUT:g} s" in text
        else:
            assert text.startswith(("malformed query", "the query is well-formed but", "SERVICE")), text
    healthy(app)
    return outcomes


def test_grammar_corners_answer_with_a_cause(app: InProcess) -> None:
    outcomes = answer_all(app, list(corner_queries(sample=True)))
    # The sample is broad: most kinds answer, the ill-formed ones are refused with the parser's word.
    assert sum(n for (kind, status), n in outcomes.items() if status == 200) > 100
    assert sum(n for (kind, status), n in outcomes.items() if status == 400) > 25
    assert {kind for kind, _ in outcomes} >= {"builtin", "aggregate", "path", "combination", "long",
                                              "deep-concat", "deep-groups", "chain-and"}


@pytest.mark.slow
def test_every_grammar_corner_answers_with_a_cause(app: InProcess) -> None:
    outcomes = answer_all(app, list(corner_queries()))
    assert sum(outcomes.values()) > 2000


@pytest.mark.parametrize("route", ["get", "post", "page"])
def test_an_extension_function_the_engine_lacks_is_a_400_naming_it(app: InProcess, route: str) -> None:
    query = "SELECT (<http://example.org/fn#shout>(?o) AS ?x) WHERE { ?s ?p ?o } LIMIT 1"
    if route == "get":
        resp = app.get(app.sparql, params={"query": query}, headers=ACCEPT)
    elif route == "post":
        resp = app.post(app.sparql, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    else:
        resp = app.get(app.sparql, params={"query": query}, headers={"Accept": "text/html"})
    assert resp.status_code == 400
    text = resp.text.replace("&lt;", "<").replace("&gt;", ">")
    assert "<http://example.org/fn#shout> is not supported" in text
    healthy(app)


@pytest.mark.parametrize("kind", ["deep-concat", "deep-groups", "deep-exists", "chain-union"])
def test_deeply_nested_queries_are_answered_not_crashed(app: InProcess, roomy: InProcess, kind: str) -> None:
    # Under the usual 8 MiB stack each of these killed the query process (SIGSEGV).
    query = next(q for k, q in corner_queries() if k == kind)
    asked = app if kind == "chain-union" else roomy
    resp = asked.post(asked.sparql, data={"query": query}, headers=ACCEPT)
    # 5,000 UNIONs take the optimiser past the time limit: stopped, not crashed.
    assert resp.status_code == (503 if kind == "chain-union" else 200), resp.text[:300]


def test_a_property_path_nested_10_000_deep_is_answered_and_estimated_in_linear_time(
        roomy: InProcess) -> None:
    # The engine answers it in milliseconds; the cost estimate before it once took time quadratic
    # in the depth (1.6 s here), so the query was stopped at its limit (503) before it ran. Held
    # to linear time by a ratio (1,000 against 10,000 levels), which a busy machine does not
    # change as it changes a duration: the module's 0.5 s limit once stopped it under load.
    shallow, query = [q for k, q in corner_queries() if k == "deep-paths"]
    assert shallow.count("(") >= 1_000 and query.count("(") >= 10_000

    def fastest(text: str) -> float:
        times = []
        for _ in range(3):
            started = time.process_time()
            check_cost(text)
            times.append(time.process_time() - started)
        return min(times)

    assert fastest(query) < 30 * fastest(shallow) + 0.05
    resp = roomy.post(roomy.sparql, data={"query": query}, headers=ACCEPT)
    assert resp.status_code == 200, resp.text[:300]
    assert resp.json()["head"]["vars"] == ["s", "o"]


def test_a_query_over_its_memory_limit_is_stopped_as_one_over_its_time_and_replaced(tmp_path: Path) -> None:
    """A limit of the query's, as its time is: 503 with how to narrow it down, where it was a 500,
    which clients (SPARQLWrapper's EndPointInternalError) report as the service broken."""
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=tmp_path, query_memory_mb=128)
    app = InProcess(create_app(settings))
    # Doubling 10,000 characters 20 times wants 10 GiB: the engine aborts at the 128 MiB cap.
    names = [f"?v{i}" for i in range(21)]
    doubling = " ".join(f"BIND(CONCAT({a}, {a}) AS {b})" for a, b in zip(names, names[1:], strict=False))
    query = f"SELECT (STRLEN(?v20) AS ?n) {{ BIND('{'ab' * 5000}' AS ?v0) {doubling} }}"
    resp = app.post(app.sparql, data={"query": query}, headers=ACCEPT)
    assert resp.status_code == 503
    text = message(resp)
    assert text.startswith("the query was stopped: ") and "memory limit of 128 MiB; narrow it down" in text
    assert GENERIC not in text
    healthy(app)  # the next query gets a fresh process, at once


def test_a_crash_message_is_json_for_scripts_and_a_page_for_people(app: InProcess) -> None:
    query = "SELECT (<urn:no-such-function>() AS ?x) {}"
    page = app.get(app.sparql, params={"query": query}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and page.headers["Content-Type"].startswith("text/html")
    assert "not supported" in page.text
    data = app.get(app.sparql, params={"query": query}, headers={"Accept": "application/json"})
    assert json.loads(data.content)["status"] == 400
