"""Users' shapes run under the SPARQL endpoint's rules: no network, no documents, a time limit.

A local listener stands in for the network: it records every connection, so "refused" means
refused before anything was sent, not merely "failed".
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from attacks import Listener
from click.testing import CliRunner
from rdflib import Dataset, Graph

from graph_service.cli import main
from graph_service.config import Settings
from graph_service.graph.rdf import documents, formats
from graph_service.graph.shacl.validation import (
    UnsafeConstraint,
    ValidationError,
    ValidationTimeout,
    validate,
)
from graph_service.web import BackgroundServer, create_app

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
PROLOGUE = ("@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n")
DATA = PROLOGUE + "ex:a ex:p ex:b .\n"
# A cross product that runs for hours over a few hundred triples.
RUNAWAY = ('ex:S sh:targetNode ex:n0 ; sh:sparql [ sh:select """SELECT $this WHERE { ?a ?b ?c . '
           '?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?q ?r ?s . FILTER(?c = <urn:nothing>) }""" ] .')
BIG_DATA = PROLOGUE + " ".join(f"ex:n{i} ex:p ex:n{i + 1} ." for i in range(200))


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def turtle(text: str) -> Graph:
    return documents.quads_to_graph(documents.parse_quads(text.encode(), formats.by_name("turtle")))


def service_shapes(url: str) -> str:
    return PROLOGUE + f'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select """SELECT $this WHERE {{ ' \
                      f'SERVICE <{url}sparql> {{ $this ?p ?o }} }}""" ] .'


def from_shapes(url: str) -> str:
    return PROLOGUE + f'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select """SELECT $this ' \
                      f'FROM <{url}data.ttl> WHERE {{ $this ?p ?o }}""" ] .'


# --- the library -------------------------------------------------------------------------------


def test_service_in_a_sparql_constraint_is_refused(listener: Listener) -> None:
    with pytest.raises(UnsafeConstraint, match="SERVICE") as refused:
        validate(turtle(DATA), turtle(service_shapes(listener.url)), untrusted=True, timeout=20)
    assert "the SPARQL constraint of <http://example.org/S>" in str(refused.value)
    assert listener.connections == 0


def test_the_words_service_minus_and_values_in_a_string_or_a_comment_are_no_clauses() -> None:
    """pySHACL's own check searched the whole text for the words and refused the constraint; the
    engine's parse (which the vetting reads) knows a string from a clause."""
    query = ('SELECT $this ?value WHERE { $this <http://example.org/p> ?value  # not MINUS, not VALUES\n'
             'FILTER(STR(?value) = "SERVICE <http://example.org/> MINUS { } VALUES ?x { 1 }") }')
    shapes = PROLOGUE + f'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select """{query}""" ] .'
    assert validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20).conforms


def test_service_behind_a_declared_prefix_is_refused(listener: Listener) -> None:
    # The query only names the endpoint through sh:prefixes: it is vetted with pySHACL's prologue
    # (and refused even when the checker cannot tell why).
    shapes = PROLOGUE + f'''
        ex: sh:declare [ sh:prefix "remote" ; sh:namespace "{listener.url}"^^xsd:anyURI ] .
        ex:S sh:targetNode ex:a ; sh:sparql [ sh:prefixes ex: ;
            sh:select "SELECT $this WHERE {{ SERVICE remote:sparql {{ $this ?p ?o }} }}" ] .'''
    with pytest.raises(UnsafeConstraint, match="the SPARQL constraint of <http://example.org/S> refused"):
        validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert listener.connections == 0


def test_service_behind_a_prefix_of_the_data_is_refused(listener: Listener) -> None:
    # The data document's @prefix lines are in scope for SPARQL constraints (as under pySHACL),
    # and vetting reads them as the run will.
    data = (PROLOGUE + f"@prefix remote: <{listener.url}> .\n" + "ex:a ex:p ex:b .\n").encode()
    declared: dict[str, str] = {}
    quads = documents.parse_quads(data, formats.by_name("turtle"), prefixes=declared)
    shapes = PROLOGUE + ('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select '
                         '"SELECT $this WHERE { SERVICE remote:sparql { $this ?p ?o } }" ] .')
    with pytest.raises(UnsafeConstraint, match="the SPARQL constraint of <http://example.org/S> refused"):
        validate(documents.quads_to_graph(quads, prefixes=declared), turtle(shapes), untrusted=True,
                 timeout=20)
    assert listener.connections == 0


@pytest.mark.parametrize("prefix, namespace", [
    # a namespace that closes the prologue's IRI and opens a string swallowing the query's words
    ("zz", 'http://x/> SELECT * WHERE { ?s ?p \\"\\"\\"'),
    ("a b", "http://example.org/"),
])
def test_a_declaration_that_is_no_prefix_and_iri_is_refused(listener: Listener, prefix: str,
                                                           namespace: str) -> None:
    # An unused sh:declare went into the vetting's prologue as it was, where it hid a FROM and a
    # SERVICE from the check (pySHACL runs each query with its shape's declarations only).
    shapes = PROLOGUE + f'''
        ex:unused sh:declare [ sh:prefix "{prefix}" ; sh:namespace "{namespace}" ] .
        ex:S sh:targetNode ex:a ; sh:sparql [ sh:select """SELECT $this WHERE {{
            SERVICE#
            <{listener.url}> {{ $this ?p ?o }} }} # \\"\\"\\" }}""" ] .'''
    with pytest.raises(ValidationError, match="declared for"):
        validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert listener.connections == 0


def test_a_from_that_a_path_written_with_a_hash_would_uncomment_is_refused(listener: Listener) -> None:
    # pySHACL writes the path in place of $PATH as "ex:a#b": the rest of that line becomes a
    # comment, and what the check read as a string runs (plain pySHACL fetched the FROM).
    shapes = PROLOGUE + f'''
        ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path <http://example.org/a#b> ;
            sh:sparql [ sh:prefixes ex:decl ; sh:select """SELECT $this ($PATH AS ?q) WHERE {{ BIND(\\"\\"\\"
 AS ?q) FROM <{listener.url}from> WHERE {{ $this ?p ?o }} # \\"\\"\\" AS ?r) }}""" ] ] .'''
    with pytest.raises(UnsafeConstraint, match=r"the path <http://example.org/a#b> cannot stand for \$PATH"):
        validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert listener.connections == 0


#: Constraints that read, with pySHACL's rdf:value''' (or rdf:value') for $PATH, as other text
#: than the check read: a string, then a FROM or a SERVICE that runs, then a comment.
PATH_REWRITES = [
    ("'''", 'SELECT $this (\'\'\'x $PATH AS ?z) FROM <{url}from> WHERE {{ $this ?p ?q }} '
            '# \'\'\' AS ?y) WHERE {{ $this ?p ?q }}'),
    # SERVICE spelled in escapes, which pySHACL's own check does not see either
    ("'''", 'SELECT $this WHERE {{ $this ?p ?q . FILTER(\'\'\'x $PATH != "") '
            '\\\\u0073\\\\u0065rvice <{url}sparql> {{ ?a ?b ?c }} }} # \'\'\' != "") }}'),
    ("'", "SELECT $this WHERE {{ $this ?p ?q . FILTER('x $PATH = 'x') }}"),
]


@pytest.mark.parametrize(("quotes", "constraint"), PATH_REWRITES)
def test_a_path_whose_name_would_rewrite_the_query_is_refused(listener: Listener, quotes: str,
                                                              constraint: str) -> None:
    shapes = PROLOGUE + (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ;\n"
        f"    sh:path <http://www.w3.org/1999/02/22-rdf-syntax-ns#value{quotes}> ;\n"
        f'    sh:sparql [ sh:select """{constraint.format(url=listener.url)}""" ] .')
    for network_guard in (True, False):
        with pytest.raises(UnsafeConstraint, match=r"rdf-syntax-ns#value'+> cannot stand for \$PATH"):
            validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20, network_guard=network_guard)
    assert listener.connections == 0


def test_a_path_with_a_quote_under_no_namespace_is_refused(listener: Listener) -> None:
    # pySHACL writes a path under none of its namespaces whole: <http://evil.test/p'''>.
    quotes = "'" * 3
    constraint = (f'SELECT $this ({quotes}x $PATH "" AS ?z) FROM <{listener.url}from> '
                  f"WHERE {{ $this ?p ?q }} # {quotes} AS ?y) WHERE {{ $this ?p ?q }}")
    shapes = PROLOGUE + (
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ;\n"
        f"    sh:path <http://evil.test/p{quotes}> ;\n"
        f'    sh:sparql [ sh:select """{constraint}""" ] .')
    for network_guard in (True, False):
        with pytest.raises(UnsafeConstraint, match="it holds a quote"):
            validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20, network_guard=network_guard)
    assert listener.connections == 0


def test_a_path_with_a_plain_name_still_stands_for_path() -> None:
    shapes = PROLOGUE + (
        'ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .\n'
        "ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ;\n"
        '    sh:sparql [ sh:prefixes ex:decl ; sh:select "SELECT $this ?value WHERE { $this $PATH ?value '
        'FILTER(?value = ex:b) }" ] .')
    outcome = validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert [str(r.value) for r in outcome.results] == ["http://example.org/b"]


def test_service_in_a_constraint_component_is_refused(listener: Listener) -> None:
    shapes = PROLOGUE + f'''
        ex:Remote a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:remote ] ;
            sh:validator [ a sh:SPARQLAskValidator ;
                sh:ask "ASK {{ SERVICE <{listener.url}> {{ $value ?p ?o }} }}" ] .
        ex:S sh:targetNode ex:a ; ex:remote true .'''
    with pytest.raises(UnsafeConstraint, match="the validator of ex:Remote|the validator of <"):
        validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert listener.connections == 0


@pytest.mark.parametrize("target", ["http", "file"])
def test_from_is_refused(listener: Listener, target: str) -> None:
    url = listener.url if target == "http" else Path(FIXTURES / "valid.ttl").resolve().as_uri() + "#"
    with pytest.raises(UnsafeConstraint, match="FROM"):
        validate(turtle(DATA), turtle(from_shapes(url)), untrusted=True, timeout=20)
    assert listener.connections == 0


def test_a_constraint_that_does_not_parse_is_the_authors_error() -> None:
    shapes = PROLOGUE + 'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { oops" ] .'
    with pytest.raises(ValidationError, match="does not parse") as error:
        validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    # The position is in the author's one-line query, not after the prefixes put before it.
    assert "error at 1:" in str(error.value), error.value


def test_owl_imports_of_the_shapes_are_not_followed(listener: Listener) -> None:
    shapes = PROLOGUE + f'''
        <http://example.org/shapes> a owl:Ontology ; owl:imports <{listener.url}more-shapes.ttl> .
        ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 2 ] .'''
    outcome = validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert len(outcome.results) == 1
    assert listener.connections == 0


def test_the_child_process_loads_no_documents_even_unvetted(
        listener: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: a FROM that vetting would have refused, run without vetting, still reaches
    nothing in the isolated child, even with rdflib's document loading switched back on. In this
    process rdflib does then fetch it: the control that shows the listener would notice."""
    import rdflib.plugins.sparql

    monkeypatch.setattr(rdflib.plugins.sparql, "SPARQL_LOAD_GRAPHS", True)
    shapes = turtle(from_shapes(listener.url))
    data = Dataset()  # rdflib follows FROM when it queries a dataset
    for triple in turtle(DATA):
        data.add(triple)
    validate(data, shapes, timeout=10)  # isolated, not vetted
    assert listener.connections == 0
    with pytest.raises(ValidationError, match="Could not load"):  # the listener hangs up at once
        validate(data, shapes)
    assert listener.connections >= 1


def test_a_runaway_constraint_is_stopped() -> None:
    # Half a second: the runaway keeps a core busy until it is stopped.
    with pytest.raises(ValidationTimeout, match=r"time limit of 0\.5 s"):
        validate(turtle(BIG_DATA), turtle(PROLOGUE + RUNAWAY), untrusted=True, timeout=0.5)


# --- the command line ---------------------------------------------------------------------------


def _files(tmp_path: Path, data: str, shapes: str) -> list[str]:
    (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(shapes, encoding="utf-8")
    return ["validate", "--data", str(tmp_path / "data.ttl"), "--shapes", str(tmp_path / "shapes.ttl")]


def test_cli_refuses_service_in_users_shapes(tmp_path: Path, listener: Listener) -> None:
    run = CliRunner().invoke(main, _files(tmp_path, DATA, service_shapes(listener.url)))
    assert run.exit_code == 2
    assert run.stderr.startswith("graph-service: the SPARQL constraint of")
    assert "SERVICE" in run.stderr and run.stderr.count("\n") == 1
    assert listener.connections == 0


def test_cli_refuses_service_in_shapes_the_data_holds(tmp_path: Path, listener: Listener) -> None:
    # Without --shapes, the shapes in the data are used: they are a user's, and vetted as such.
    (tmp_path / "data.ttl").write_text(DATA + service_shapes(listener.url).removeprefix(PROLOGUE),
                                       encoding="utf-8")
    run = CliRunner().invoke(main, ["validate", "--data", str(tmp_path / "data.ttl")])
    assert run.exit_code == 2 and "SERVICE" in run.stderr and run.stderr.count("\n") == 1
    assert listener.connections == 0


def test_cli_stops_a_runaway_validation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_SERVICE_VALIDATION_TIMEOUT", "0.5")
    run = CliRunner().invoke(main, _files(tmp_path, BIG_DATA, PROLOGUE + RUNAWAY))
    assert run.exit_code == 2
    assert run.stderr == ("graph-service: validation stopped after its time limit of 0.5 s, reading the "
                          "files included (--validation-timeout sets it)\n")
    # Its own option says the same, over the environment (a large file of one's own may need more
    # time than an upload is given).
    monkeypatch.setenv("GRAPH_SERVICE_VALIDATION_TIMEOUT", "600")
    run = CliRunner().invoke(main, [*_files(tmp_path, BIG_DATA, PROLOGUE + RUNAWAY),
                                    "--validation-timeout", "0.3"])
    assert run.exit_code == 2
    assert run.stderr == ("graph-service: validation stopped after its time limit of 0.3 s, reading the "
                          "files included (--validation-timeout sets it)\n")


# --- HTTP ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    settings = Settings.from_env(shapes_path=FIXTURES / "shapes.ttl", ontology_path=FIXTURES / "ontology.ttl",
                                 data_path=FIXTURES / "valid.ttl", serve_files=(FIXTURES / "valid.ttl",),
                                 snapshot_dir=tmp_path_factory.mktemp("safety"), validation_timeout=1.0)
    return create_app(settings).test_client()


def test_http_refuses_service_with_400(client, listener: Listener) -> None:
    resp = client.post("/validate", data={"data": DATA, "shapes": service_shapes(listener.url)},
                       headers={"Accept": "text/plain"})
    assert resp.status_code == 400
    assert "SERVICE" in resp.get_data(as_text=True)
    assert listener.connections == 0


def test_http_vets_the_shapes_in_the_data_and_the_datas_prefixes(client, listener: Listener) -> None:
    in_data = client.post("/validate", data=DATA + service_shapes(listener.url).removeprefix(PROLOGUE),
                          headers={"Content-Type": "text/turtle", "Accept": "text/plain"})
    assert in_data.status_code == 400 and in_data.headers["X-Shapes"] == "data"
    assert "SERVICE" in in_data.get_data(as_text=True)
    data = f"@prefix remote: <{listener.url}> .\n" + DATA
    shapes = PROLOGUE + ('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select '
                         '"SELECT $this WHERE { SERVICE remote:sparql { $this ?p ?o } }" ] .')
    behind = client.post("/validate", data={"data": data, "shapes": shapes}, headers={"Accept": "text/plain"})
    assert behind.status_code == 400 and "SERVICE" in behind.get_data(as_text=True)
    assert listener.connections == 0


def test_http_stops_a_runaway_validation_and_keeps_serving(client) -> None:
    resp = client.post("/validate", data={"data": BIG_DATA, "shapes": PROLOGUE + RUNAWAY},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 503
    assert "time limit of 1 s" in resp.get_json()["message"]
    after = client.post("/validate", data=(FIXTURES / "valid.ttl").read_bytes(),
                        headers={"Content-Type": "text/turtle"})
    assert after.status_code == 200 and after.headers["X-Conforms"] == "true"


# --- the real server (gunicorn, forked workers, each validation in a child of its worker) ----------


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    env = {"GRAPH_SERVICE_SHAPES_PATH": str(FIXTURES / "shapes.ttl"),
           "GRAPH_SERVICE_ONTOLOGY_PATH": str(FIXTURES / "ontology.ttl"),
           "GRAPH_SERVICE_VALIDATION_TIMEOUT": "1.5"}
    with BackgroundServer((str(FIXTURES / "valid.ttl"),), options=("--workers", "2"), env=env) as running:
        yield running


def test_real_server_refuses_service(server: BackgroundServer, listener: Listener) -> None:
    files = {"data": ("data.ttl", DATA), "shapes": ("shapes.ttl", service_shapes(listener.url))}
    resp = requests.post(server.url + "validate", files=files, headers={"Accept": "text/plain"}, timeout=30)
    assert resp.status_code == 400
    assert "SERVICE" in resp.text and "refused" in resp.text
    assert listener.connections == 0


def test_real_server_stops_a_runaway_validation_while_serving_others(server: BackgroundServer) -> None:
    url = server.url + "validate"
    with ThreadPoolExecutor(2) as pool:
        runaway = pool.submit(requests.post, url, timeout=60, headers={"Accept": "application/json"},
                              data={"data": BIG_DATA, "shapes": PROLOGUE + RUNAWAY})
        meanwhile = pool.submit(requests.post, url, data=(FIXTURES / "valid.ttl").read_bytes(),
                                headers={"Content-Type": "text/turtle"}, timeout=60)
        assert meanwhile.result().status_code == 200
        stopped = runaway.result()
    assert stopped.status_code == 503
    assert "time limit of 1.5 s" in stopped.json()["message"]
    again = requests.post(url, data=(FIXTURES / "valid.ttl").read_bytes(),
                          headers={"Content-Type": "text/turtle"}, timeout=60)
    assert again.status_code == 200 and again.headers["X-Conforms"] == "true"


def test_an_engine_failure_is_said_in_one_line_without_the_engines_parse_tree() -> None:
    shapes = PROLOGUE + ('ex:S sh:targetNode ex:a ; sh:sparql [ sh:select """SELECT $this '
                         '(EXISTS { $this ?p ?q } AS ?z) WHERE { $this ?p ?q }""" ] .')
    with pytest.raises(ValidationError) as failed:
        validate(turtle(DATA), turtle(shapes), untrusted=True, timeout=20)
    assert "cannot evaluate a part of this query" in str(failed.value)
    assert "Variable(" not in str(failed.value) and "\n" not in str(failed.value)
