"""Property-based fuzzing (hypothesis) of SPARQL text and HTTP requests against the app in process:
whatever comes in, no 5xx but the documented timeout (503 naming the time limit), and the service
healthy after.

SPARQL comes grammar-shaped (forms, group patterns nested a few levels, expressions over every
builtin of `attacks.BUILTINS`, modifiers), as mutations of such queries, and as random text.
Requests come with random methods, paths, parameters, Content-Types, Accept headers and bodies.

The default run is deterministic (`derandomize`), 100 cases of each kind, a few seconds;
`-m slow` runs the `thorough` tests (3,000 of each, random seeds); `FUZZ_EXAMPLES=N`
sets the number of cases of each default test (and twenty times that for the thorough ones).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from attacks import AGGREGATES, BUILTINS, VALUES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inprocess import InProcess, Reply

from graph_service.config import Settings
from graph_service.web import create_app

SPARQL_DATASET = Path(__file__).parent / "sparql_data" / "dataset.trig"
FIXTURES = Path(__file__).parent / "fixtures" / "validation"
QUERY_TIMEOUT = 1.0
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or None
# A malformed query costs ~10 ms (its error is explained with rdflib's parser too), and a request
# through the app up to 60 ms: the default run is the same 60 cases of each every time (derandomized),
# the thorough one (`make test-slow`) thousands of new ones.
DEFAULT = settings(max_examples=EXAMPLES or 60, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))
THOROUGH = settings(max_examples=(EXAMPLES or 150) * 20, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))

APP: InProcess | None = None


def app() -> InProcess:
    # One app for the module, made on first use (hypothesis' @given does not take pytest fixtures'
    # function scope well, and the app must outlive each example).
    global APP
    if APP is None:
        import tempfile
        # Small shapes, so that data the fuzzer posts validates in milliseconds.
        settings_ = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=Path(tempfile.mkdtemp()),
                                      query_timeout=QUERY_TIMEOUT, validation_timeout=5.0,
                                      shapes_path=FIXTURES / "shapes.ttl",
                                      ontology_path=FIXTURES / "ontology.ttl")
        APP = InProcess(create_app(settings_))
    return APP


# --- SPARQL strategies ----------------------------------------------------------------------------

IRIS = ["<https://w3id.org/liberation-kg/id/city/paris>", "<http://www.w3.org/2000/01/rdf-schema#label>",
        "<https://w3id.org/liberation-kg/ontology#place>", "<urn:x>", "<>", "a", "rdfs:label", "lib:City"]
variables = st.sampled_from(["?s", "?p", "?o", "?x", "?y", "$z", "?_", "?é"])
literals = st.one_of(st.sampled_from(VALUES), st.text(max_size=12).map(lambda t: '"' + t.replace("\\", "")
                                                                        .replace('"', "") + '"'),
                     st.integers().map(str), st.floats(allow_nan=False).map(repr))
terms = st.one_of(variables, st.sampled_from(IRIS), literals)


def calls(args: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def call(name: str, arguments: list[str]) -> str:
        return f"{name}({', '.join(arguments)})"
    return st.builds(call, st.sampled_from(sorted(BUILTINS)), st.lists(args, max_size=4))


expressions = st.recursive(
    terms,
    lambda inner: st.one_of(
        calls(inner),
        st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from(
            ["+", "-", "*", "/", "=", "!=", "<", ">=", "&&", "||", "IN", "NOT IN"]), inner),
        st.builds(lambda a: f"!{a}", inner),
        st.builds(lambda agg, a: f"{agg}({a})", st.sampled_from(AGGREGATES), inner),
    ),
    max_leaves=6,
)
paths = st.recursive(st.sampled_from(IRIS[:4] + ["a"]), lambda p: st.one_of(
    st.builds(lambda a, op: f"({a}){op}", p, st.sampled_from(["*", "+", "?", ""])),
    st.builds(lambda a, b, op: f"{a}{op}{b}", p, p, st.sampled_from(["/", "|"])),
    st.builds(lambda a: f"^{a}", p), st.builds(lambda a: f"!{a}", st.sampled_from(IRIS[:4]))), max_leaves=4)
triples = st.builds(lambda s, p, o: f"{s} {p} {o} .", terms, st.one_of(variables, paths), terms)
groups = st.recursive(
    st.lists(triples, max_size=3).map(" ".join),
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} OPTIONAL {{ {b} }}", inner, inner),
        st.builds(lambda a, b: f"{{ {a} }} UNION {{ {b} }}", inner, inner),
        st.builds(lambda a, b: f"{a} MINUS {{ {b} }}", inner, inner),
        st.builds(lambda a, e: f"{a} FILTER({e})", inner, expressions),
        st.builds(lambda a, e, v: f"{a} BIND({e} AS {v})", inner, expressions, variables),
        st.builds(lambda a, v, vals: f"{a} VALUES {v} {{ {' '.join(vals)} }}", inner, variables,
                  st.lists(literals, max_size=3)),
        st.builds(lambda a, g: f"GRAPH {g} {{ {a} }}", inner,
                  st.one_of(variables, st.sampled_from(IRIS[:1]))),
        st.builds(lambda a: f"{{ SELECT * WHERE {{ {a} }} LIMIT 3 }}", inner),
        st.builds(lambda a, b: f"{a} FILTER NOT EXISTS {{ {b} }}", inner, inner),
    ),
    max_leaves=5,
)
MODIFIERS = ["GROUP BY ?s", "ORDER BY ?o", "ORDER BY DESC(?s)", "LIMIT 5", "OFFSET 2", "HAVING(COUNT(*) > 1)",
             "LIMIT 0"]
modifiers = st.lists(st.sampled_from(MODIFIERS), max_size=3).map(" ".join)
PROLOGUE = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX lib: <https://w3id.org/liberation-kg/ontology#>\n"
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n")
forms = st.one_of(
    st.builds(lambda d, vs: f"SELECT {d}{' '.join(vs) or '*'}",
              st.sampled_from(["", "DISTINCT ", "REDUCED "]),
              st.lists(st.one_of(variables, st.builds(lambda e, v: f"({e} AS {v})", expressions, variables)),
                       max_size=3)),
    st.just("ASK"), st.builds(lambda t: f"CONSTRUCT {{ {t} }}", triples), st.just("DESCRIBE ?s"),
)
queries = st.builds(lambda form, group, mods: f"{PROLOGUE}{form} WHERE {{ {group} }} {mods} LIMIT 20",
                    forms, groups, modifiers)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A grammar-shaped query with a few characters deleted, doubled or replaced."""
    text = draw(queries)
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        how = draw(st.sampled_from(["delete", "double", "replace"]))
        char = draw(st.sampled_from(list("{}()<>\"'?.;,\\#@^*|!$") + ["\x00", "\u202e", "\ufffd"]))
        text = {"delete": text[:at] + text[at + 1:], "double": text[:at] + text[at] + text[at:],
                "replace": text[:at] + char + text[at + 1:]}[how]
    return text


sparql_text = st.one_of(queries, mutated(), st.text(max_size=200), st.binary(max_size=100).map(
    lambda b: b.decode("latin-1")))


def acceptable(resp: Reply, what: object) -> None:
    if resp.status_code >= 500:
        assert resp.status_code == 503 and f"time limit of {QUERY_TIMEOUT:g} s" in resp.text, \
            (what, resp.status_code, resp.text[:300])
    if resp.status_code >= 400 and getattr(what, "get", lambda _: None)("method") != "HEAD":
        assert resp.text.strip(), what


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[InProcess]:
    """The app the fuzz tests send to. When they are done (whichever of them ran, in whatever
    order), it must still answer a query."""
    a = app()
    yield a
    resp = a.get(a.sparql, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert resp.status_code == 200 and resp.json()["boolean"] is True


def ask(a: InProcess, query: str, method: str) -> Reply:
    if method == "GET":
        return a.get(a.sparql, params={"query": query})
    if method == "form":
        return a.post(a.sparql, data={"query": query})
    return a.post(a.sparql, data=query.encode("utf-8", "surrogatepass"),
                  headers={"Content-Type": "application/sparql-query"})


def check_sparql(a: InProcess, query: str, method: str) -> None:
    acceptable(ask(a, query, method), query)


@given(query=sparql_text, method=st.sampled_from(["GET", "form", "body"]))
@DEFAULT
def test_sparql_text(fuzzed: InProcess, query: str, method: str) -> None:
    check_sparql(fuzzed, query, method)


@pytest.mark.slow
@given(query=sparql_text, method=st.sampled_from(["GET", "form", "body"]))
@THOROUGH
def test_sparql_text_thoroughly(fuzzed: InProcess, query: str, method: str) -> None:
    check_sparql(fuzzed, query, method)


# --- HTTP requests --------------------------------------------------------------------------------

PATHS = ["/sparql", "/validate", "/search", "/id/city/paris", "/doc/city/paris", "/doc/city/paris.ttl",
         "/id/city/", "/ontology", "/void", "/shapes", "/dumps/liberation.nq", "/readyz", "/", "/id/",
         "/static/site.css"]
PARAMETERS = ["query", "update", "format", "default-graph-uri", "named-graph-uri", "q", "page", "inference",
              "data", "shapes", "data-format", "shapes-format"]
CONTENT_TYPES = ["application/sparql-query", "application/x-www-form-urlencoded", "multipart/form-data",
                 "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
                 "application/sparql-update", "text/plain", "", "application/json; charset=latin-1"]
ACCEPTS = ["*/*", "text/html", "application/json", "text/csv", "application/sparql-results+xml", "",
           "text/turtle;q=0.5, */*;q=0.1", "*/*;q=abc", "image/png"]
values = st.one_of(st.text(max_size=40), st.sampled_from(
    ["ASK {}", "SELECT * { ?s ?p ?o } LIMIT 2", "json", "xml", "csv", "turtle", "html", "http://127.0.0.1:9/",
     "file:///etc/passwd", "urn:x", "rdfs", "owlrl", "none", "-1", "99999999999999999999", "paris",
     "<urn:a> <urn:b> <urn:c> .", "@prefix : <urn:> . :a :b :c ."]))


@st.composite
def requests_(draw: st.DrawFn) -> dict:
    segment = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
    made_up = st.builds(lambda a, b: f"/{a or 'x'}/{b}", segment, segment)
    path = draw(st.one_of(st.sampled_from(PATHS), made_up))
    return {
        "method": draw(st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE"])),
        "path": path,
        "params": draw(st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=4)),
        "content_type": draw(st.sampled_from(CONTENT_TYPES)),
        "accept": draw(st.sampled_from(ACCEPTS)),
        "body": draw(st.one_of(st.binary(max_size=200), values.map(lambda v: v.encode()))),
        "in_body": draw(st.booleans()),
    }


def check_request(a: InProcess, req: dict) -> None:
    headers = {"Accept": req["accept"]}
    if req["method"] in ("POST", "PUT"):
        headers["Content-Type"] = req["content_type"]
    data = req["body"]
    params = req["params"]
    if req["in_body"] and req["content_type"] == "application/x-www-form-urlencoded":
        data, params = dict(params), None
    try:
        resp = a.request(req["method"], "http://localhost" + req["path"], params=params, data=data,
                         headers=headers)
    except UnicodeError:  # the test client cannot send this path; a real client could not either
        return
    acceptable(resp, req)


@given(req=requests_())
@DEFAULT
def test_http_requests(fuzzed: InProcess, req: dict) -> None:
    check_request(fuzzed, req)


@pytest.mark.slow
@given(req=requests_())
@THOROUGH
def test_http_requests_thoroughly(fuzzed: InProcess, req: dict) -> None:
    check_request(fuzzed, req)
