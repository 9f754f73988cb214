"""Request forgery: nothing a user sends makes the service connect anywhere or read a file.

Every way a query, posted data or posted shapes could name a document (SERVICE, FROM, FROM NAMED,
the protocol's graph parameters, JSON-LD contexts, owl:imports, XML entities, SPARQL in shapes)
is tried with an http:// IRI of a local listener that counts connections and a file:// IRI of
a file holding a secret. The listener must count zero; the secret must appear in no answer.
(tests/test_sparql_safety.py covers SERVICE and FROM on the real server with both engines.)
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from attacks import Listener
from inprocess import InProcess, Reply

from graph_service.config import DEFAULT_BASE as BASE
from graph_service.config import Settings
from graph_service.web import create_app

SPARQL_DATASET = Path(__file__).parent / "sparql_data" / "dataset.trig"
SECRET = "s3cr3t-7f1e-must-never-show"
PROLOGUE = ("@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n")
DATA = PROLOGUE + "ex:a ex:p ex:b .\n"
#: The rarer variants run with `-m slow` (each is a validation: a fork or two).
SLOW = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,), snapshot_dir=tmp_path_factory.mktemp("build"),
                                 validation_timeout=10.0)
    return InProcess(create_app(settings))


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A file:// IRI of a readable file (Turtle, JSON-LD and plain text at once, near enough) that
    holds the secret."""
    path = tmp_path_factory.mktemp("secret") / "secret.ttl"
    path.write_text(f'<urn:x:{SECRET}> <urn:x:is> "{SECRET}" .\n', encoding="utf-8")
    return path.as_uri()


def nothing_leaked(resp: Reply, listener: Listener) -> None:
    assert SECRET not in resp.text
    assert listener.connections == 0


def query_routes(app: InProcess, query: str, **params: str) -> list[Reply]:
    """The query sent every way the protocol allows, and for a browser."""
    return [
        app.get(app.sparql, params={"query": query, **params}),
        app.post(app.sparql, data={"query": query, **params}),
        app.post(app.sparql + "?" + "&".join(f"{k}={v}" for k, v in params.items()), data=query.encode(),
                 headers={"Content-Type": "application/sparql-query"}),
        app.get(app.sparql, params={"query": query, **params}, headers={"Accept": "text/html"}),
    ]


def test_service_by_every_route(app: InProcess, listener: Listener) -> None:
    for query in (f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
                  f"ASK {{ FILTER NOT EXISTS {{ SERVICE SILENT <{listener.url}sparql> {{ }} }} }}",
                  # A "#" earlier on the line made rdflib's parser lose the clause: "malformed".
                  f"PREFIX lib: <{BASE}ontology#> SELECT ?w {{ ?c lib:wikidata ?w . "
                  f"SERVICE <{listener.url}> {{ ?w ?p ?o }} }}"):
        for resp in query_routes(app, query):
            assert resp.status_code == 400, resp.text[:200]
            assert f"SERVICE <{listener.url}" in html.unescape(resp.text) and "refused" in resp.text
            nothing_leaked(resp, listener)


@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
@pytest.mark.parametrize("target", ["http", "file"])
def test_from_a_document_by_every_route(app: InProcess, listener: Listener, secret: str,
                                        clause: str, target: str) -> None:
    iri = listener.url + "data.ttl" if target == "http" else secret
    query = f"SELECT * {clause} <{iri}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
    for resp in query_routes(app, query):
        assert resp.status_code == 400
        assert "names no graph of this store" in resp.text
        nothing_leaked(resp, listener)


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("target", ["http", "file"])
def test_dataset_parameters_naming_a_document(app: InProcess, listener: Listener, secret: str,
                                              param: str, target: str) -> None:
    iri = listener.url + "data.ttl" if target == "http" else secret
    query = "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for resp in query_routes(app, query, **{param: iri})[:3]:
        # A graph the store lacks is an empty graph: answered, with nothing in it.
        assert resp.status_code == 200
        assert resp.json()["results"]["bindings"] == []
        nothing_leaked(resp, listener)


@pytest.mark.parametrize("update", ["LOAD <{iri}>", "LOAD SILENT <{iri}> INTO GRAPH <urn:g>"])
@pytest.mark.parametrize("target", ["http", "file"])
def test_load_is_refused(app: InProcess, listener: Listener, secret: str, update: str, target: str) -> None:
    text = update.format(iri=listener.url if target == "http" else secret)
    for resp in (app.post(app.sparql, data={"update": text}),
                 app.post(app.sparql, data=text.encode(),
                          headers={"Content-Type": "application/sparql-update"}),
                 app.get(app.sparql, params={"query": text})):
        assert resp.status_code == 403 and "updates are not offered" in resp.text
        nothing_leaked(resp, listener)


# --- data and shapes posted to /validate -----------------------------------------------------------


def validate(app: InProcess, body: str, content_type: str) -> Reply:
    return app.post(app.url + "validate", data=body.encode(), headers={"Content-Type": content_type,
                                                                        "Accept": "text/turtle"})


@pytest.mark.parametrize("context", ['"{iri}"', '{{"@import": "{iri}"}}',
                                     pytest.param('["{iri}", {{"p": "http://example.org/p"}}]', marks=SLOW),
                                     pytest.param('{{"p": {{"@context": "{iri}"}}}}', marks=SLOW)])
@pytest.mark.parametrize("target", ["http", "file"])
def test_json_ld_contexts_are_not_fetched(app: InProcess, listener: Listener, secret: str,
                                          context: str, target: str) -> None:
    iri = listener.url + "context.jsonld" if target == "http" else secret
    doc = '{"@context": ' + context.format(iri=iri) + ', "@id": "http://example.org/a", ' \
        '"p": {"@id": "urn:b"}}'
    resp = validate(app, doc, "application/ld+json")
    assert resp.status_code == 400, resp.text[:300]
    assert "its @context names a document elsewhere, which is not fetched" in resp.text
    nothing_leaked(resp, listener)
    # The same as a form upload.
    resp = app.post(app.url + "validate", data={"data": doc, "data-format": "jsonld"})
    assert resp.status_code == 400
    nothing_leaked(resp, listener)


@pytest.mark.parametrize("target", ["http", "file"])
def test_owl_imports_in_posted_data_and_shapes_are_not_followed(app: InProcess, listener: Listener,
                                                                secret: str, target: str) -> None:
    iri = listener.url + "ontology.ttl" if target == "http" else secret
    data = PROLOGUE + f"<http://example.org/> a owl:Ontology ; owl:imports <{iri}> .\nex:a ex:p ex:b .\n"
    resp = validate(app, data, "text/turtle")
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "true"
    nothing_leaked(resp, listener)
    shapes = PROLOGUE + f"""<http://example.org/shapes> a owl:Ontology ; owl:imports <{iri}> .
        ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 2 ] ."""
    resp = app.post(app.url + "validate", data={"data": data, "shapes": shapes},
                    headers={"Accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["X-Conforms"] == "false"
    nothing_leaked(resp, listener)


@pytest.mark.parametrize("target", ["http", "file"])
def test_xml_external_entities_are_not_read(app: InProcess, listener: Listener, secret: str,
                                            target: str) -> None:
    iri = listener.url + "entity.txt" if target == "http" else secret
    for doctype in (f'<!ENTITY x SYSTEM "{iri}">', f'<!ENTITY % x SYSTEM "{iri}"> %x;'):
        doc = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{doctype}]>'
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">'
               '<rdf:Description rdf:about="http://a/x"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>')
        resp = validate(app, doc, "application/rdf+xml")
        assert resp.status_code == 400
        nothing_leaked(resp, listener)
        # Said as what it is: the parser's own words were about a quoting mistake.
        assert "an external XML entity (&x; declared SYSTEM or PUBLIC" in resp.text, resp.text


def sparql_shapes(kind: str, query: str) -> str:
    """Shapes running `query` as a SPARQL-based constraint, a validator of a constraint component,
    or a SPARQL-based target."""
    if kind == "constraint":
        return PROLOGUE + f'ex:S sh:targetNode ex:a ; sh:sparql [ sh:select """{query}""" ] .'
    if kind == "component":
        ask = query.replace("SELECT $this", "ASK").replace("$this", "$value")
        return PROLOGUE + f'''ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flag ] ;
            sh:validator [ a sh:SPARQLAskValidator ; sh:ask """{ask}""" ] .
            ex:S sh:targetNode ex:a ; ex:flag true .'''
    return PROLOGUE + f'''ex:S sh:target [ a sh:SPARQLTarget ; sh:select """{query}""" ] ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ] .'''


@pytest.mark.parametrize(("kind", "attack"), [
    (kind, attack) if kind == "constraint" or attack == "service" else pytest.param(kind, attack, marks=SLOW)
    for kind in ("constraint", "component", "target")
    for attack in ("service", "from-http", "from-file", "update")])
def test_sparql_in_posted_shapes_reaches_nothing(app: InProcess, listener: Listener, secret: str,
                                                 kind: str, attack: str) -> None:
    query = {
        "service": f"SELECT $this WHERE {{ SERVICE <{listener.url}sparql> {{ $this ?p ?o }} }}",
        "from-http": f"SELECT $this FROM <{listener.url}data.ttl> WHERE {{ $this ?p ?o }}",
        "from-file": f"SELECT $this FROM <{secret}> WHERE {{ $this ?p ?o }}",
        "update": f"LOAD <{secret}>",
    }[attack]
    resp = app.post(app.url + "validate", data={"data": DATA, "shapes": sparql_shapes(kind, query)},
                    headers={"Accept": "text/plain"})
    assert resp.status_code == 400, resp.text[:300]
    assert "refused" in resp.text or "does not parse" in resp.text or "not offered" in resp.text, resp.text
    nothing_leaked(resp, listener)
