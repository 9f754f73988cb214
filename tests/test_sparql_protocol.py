"""The SPARQL 1.1 Protocol at /sparql: requests to the app in this process, and real clients
(SPARQLWrapper, rdflib's SPARQLStore) against the real server.

Expected answers are not written down here: each query is also run by rdflib directly over the
test dataset file, and the endpoint's answer, read back by rdflib's own parsers for each format,
must equal it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.dom.minidom
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest
from inprocess import InProcess, Reply
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, VOID
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from werkzeug.test import EnvironBuilder, run_wsgi_app

from graph_service.config import Settings
from graph_service.graph.rdf.namespace import LIB, SD, sparql_prologue
from graph_service.web import create_app
from graph_service.web.errors import SlowRequest

SPARQL_DATASET = Path(__file__).parent / "sparql_data" / "dataset.trig"
PROLOGUE = sparql_prologue()
QUERIES = {
    "select": PROLOGUE + "SELECT ?city ?label ?population WHERE {\n"
                         "  ?city a lib:City ; rdfs:label ?label\n"
                         "  OPTIONAL { ?city lib:population ?population }\n}",
    "ask": PROLOGUE + "ASK { ?e a lib:Liberation ; lib:place ?c . ?c rdfs:label \"Paris\"@fr }",
    "construct": PROLOGUE + "CONSTRUCT { ?q lib:text ?t ; rdfs:label ?c } WHERE {\n"
                            "  ?q lib:text ?t OPTIONAL { ?q rdfs:seeAlso ?c } }",
    "describe": PROLOGUE + "DESCRIBE <https://w3id.org/liberation-kg/id/city/paris>",
}
RESULT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples",
               "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
               "trig": "application/trig", "nquads": "application/n-quads"}
RDFLIB_PARSER = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml",
                 "trig": "trig", "nquads": "nquads"}


def triples_of(body: bytes, fmt: str) -> Graph:
    """A CONSTRUCT's answer; in a dataset format (TriG, N-Quads), with every triple in the default
    graph, as Fuseki and Oxigraph's server write it."""
    if fmt not in ("trig", "nquads"):
        return Graph().parse(data=body, format=RDFLIB_PARSER[fmt])
    ds = Dataset()
    ds.parse(data=body, format=RDFLIB_PARSER[fmt])
    assert [g.identifier for g in ds.graphs() if len(g)] == [DATASET_DEFAULT_GRAPH_ID]
    return ds.default_graph


@pytest.fixture(scope="module")
def reference() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(SPARQL_DATASET, format="trig")
    return ds


@pytest.fixture(scope="module")
def small_limit(tmp_path_factory) -> InProcess:
    return InProcess(create_app(Settings.from_env(serve_files=(SPARQL_DATASET,), result_limit=3,
                                                  snapshot_dir=tmp_path_factory.mktemp("build"))))


def rows_of(result: Result, plain: bool = False) -> Counter:
    """Rows as a multiset of tuples (variables sorted); `plain` keeps only the text of each term,
    for CSV, which carries no types."""
    names = sorted(str(v) for v in result.vars)
    out = Counter()
    for row in result.bindings:
        cells = {str(k): v for k, v in row.items()}
        out[tuple(_plain(cells.get(n)) if plain else cells.get(n) for n in names)] += 1
    return out


def _plain(term):
    if term is None or (isinstance(term, Literal) and str(term) == ""):
        return None
    return f"_:{term}" if isinstance(term, BNode) and not str(term).startswith("_:") else str(term)


def ask(server: InProcess, query: str, accept: str | None = None, method: str = "GET", **params) -> Reply:
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return server.get(server.sparql, params={"query": query, **params}, headers=headers)
    if method == "POST-form":
        return server.post(server.sparql, data={"query": query, **params}, headers=headers)
    return server.post(server.sparql, params=params, data=query.encode(),
                       headers={**headers, "Content-Type": "application/sparql-query"})


# --- every format for every query form ----------------------------------------------------------

@pytest.mark.parametrize("form", ["select", "ask"])
@pytest.mark.parametrize("fmt", list(RESULT_TYPES))
@pytest.mark.parametrize("how", ["accept", "format"])
def test_select_and_ask_in_every_results_format(sparql_app, reference, form, fmt, how):
    query = QUERIES[form]
    resp = ask(sparql_app, query, accept=RESULT_TYPES[fmt]) if how == "accept" else \
        ask(sparql_app, query, accept="application/sparql-results+xml", format=fmt)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].split(";")[0] == RESULT_TYPES[fmt]
    expected = reference.query(query)
    if form == "ask":
        if fmt in ("csv", "tsv"):  # no boolean form is defined: the bare word, as Jena writes it
            assert resp.text.strip() == str(expected.askAnswer).lower()
        else:
            assert Result.parse(io.BytesIO(resp.content), format=fmt).askAnswer is expected.askAnswer
        return
    got = Result.parse(io.BytesIO(resp.content), format=fmt)
    assert sorted(str(v) for v in got.vars) == sorted(str(v) for v in expected.vars)
    assert rows_of(got, plain=fmt == "csv") == rows_of(expected, plain=fmt == "csv")


@pytest.mark.parametrize("form", ["construct", "describe"])
@pytest.mark.parametrize("fmt", list(GRAPH_TYPES))
@pytest.mark.parametrize("how", ["accept", "format"])
def test_construct_and_describe_in_every_rdf_format(sparql_app, reference, form, fmt, how):
    query = QUERIES[form]
    resp = ask(sparql_app, query, accept=GRAPH_TYPES[fmt]) if how == "accept" else \
        ask(sparql_app, query, accept="text/turtle", format=fmt)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].split(";")[0] == GRAPH_TYPES[fmt]
    got = triples_of(resp.content, fmt)
    if form == "construct":
        expected = reference.query(query).graph
    else:  # DESCRIBE: what the store says about the resource (it has no blank nodes to follow)
        paris = URIRef("https://w3id.org/liberation-kg/id/city/paris")
        expected = Graph()
        for triple in set(reference.triples((paris, None, None))):
            expected.add(triple)
    assert len(got) > 0
    assert isomorphic(got, expected)


@pytest.mark.parametrize("method", ["GET", "POST-form", "POST-direct"])
def test_the_three_ways_of_sending_a_query(sparql_app, reference, method):
    resp = ask(sparql_app, QUERIES["select"], accept="application/sparql-results+json", method=method)
    assert resp.status_code == 200, resp.text
    got = Result.parse(io.BytesIO(resp.content), format="json")
    assert rows_of(got) == rows_of(reference.query(QUERIES["select"]))


def test_awkward_literals_survive_every_results_format(sparql_app, reference):
    query = PROLOGUE + "SELECT ?text WHERE { ?q lib:text ?text }"
    expected = {str(r.text) for r in reference.query(query)}
    for fmt in RESULT_TYPES:
        resp = ask(sparql_app, query, format=fmt)
        got = Result.parse(io.BytesIO(resp.content), format=fmt)
        assert {str(v) for row in got.bindings for v in row.values()} == expected, fmt


def test_union_default_graph_counts_a_triple_in_two_graphs_once(sparql_app, reference):
    query = PROLOGUE + "SELECT ?type WHERE { city:paris a ?type }".replace(
        "city:paris", "<https://w3id.org/liberation-kg/id/city/paris>")
    got = Result.parse(io.BytesIO(ask(sparql_app, query, format="json").content), format="json")
    assert rows_of(got) == rows_of(reference.query(query))
    assert all(n == 1 for n in rows_of(got).values())


# --- protocol datasets --------------------------------------------------------------------------

def test_default_graph_uri_selects_graphs_of_the_store(sparql_app):
    inferred = "https://w3id.org/liberation-kg/graph/inferred"
    query = PROLOGUE + "SELECT DISTINCT ?type WHERE { ?s a ?type }"
    everything = ask(sparql_app, query, format="json").json()["results"]["bindings"]
    only = ask(sparql_app, query, format="json", **{"default-graph-uri": inferred}).json()
    types = {b["type"]["value"] for b in only["results"]["bindings"]}
    assert types == {str(LIB.Place), str(LIB.Event), str(LIB.City)}
    assert len(everything) > len(types)


def test_named_graph_uri_limits_graph_patterns(sparql_app):
    facts = "https://w3id.org/liberation-kg/graph/facts"
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    resp = ask(sparql_app, query, format="json", **{"named-graph-uri": facts})
    assert [b["g"]["value"] for b in resp.json()["results"]["bindings"]] == [facts]


def test_from_names_a_graph_of_the_store(sparql_app):
    query = PROLOGUE + ("SELECT ?label FROM <https://w3id.org/liberation-kg/graph/inferred> "
                        "WHERE { ?s rdfs:label ?label }")
    assert ask(sparql_app, query, format="json").json()["results"]["bindings"] == []


# --- negotiation --------------------------------------------------------------------------------

def test_an_accept_asking_only_for_another_charset_is_406_naming_it(sparql_app):
    resp = ask(sparql_app, QUERIES["select"], accept="text/csv;charset=iso-8859-1")
    assert resp.status_code == 406
    assert "every answer here is UTF-8" in resp.text and "text/csv; charset=iso-8859-1" in resp.text
    # A range at q=0 refuses rather than asks; a quoted parameter's ";" starts no parameter.
    assert ask(sparql_app, QUERIES["select"], accept="text/csv;charset=latin1;q=0").status_code == 200
    quoted = 'application/sparql-results+json; profile="a;charset=latin1"'
    assert ask(sparql_app, QUERIES["select"], accept=quoted).status_code == 200


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/sparql-results+xml;q=0.1, text/tab-separated-values", "text/tab-separated-values"),
    ("text/*", "text/csv"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("text/xml", "application/sparql-results+xml"),
    ("image/png, */*;q=0.1", "application/sparql-results+json"),
    (None, "application/sparql-results+json"),
    # A parameter refines the range; one this service does not act on does not refuse it.
    ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    ("text/csv;charset=UTF-8, */*;q=0.1", "text/csv"),
    ("text/csv;charset=iso-8859-1, text/tab-separated-values;q=0.5", "text/tab-separated-values"),
])
def test_accept_header_for_select(sparql_app, accept, expected):
    resp = ask(sparql_app, QUERIES["select"], accept=accept)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in resp.headers.get("Vary", "")


def test_a_blank_node_labelled_with_no_xml_name_is_written_in_rdf_xml_that_parsers_read(sparql_app):
    """`rdf:nodeID="1abc"` (from BNODE("1abc")): rdflib and pyoxigraph refused the document."""
    query = ('CONSTRUCT { ?b <http://example.org/p> 1 ; <http://example.org/q> ?b } '
             'WHERE { BIND(BNODE("1abc") AS ?b) }')
    resp = ask(sparql_app, query, accept="application/rdf+xml")
    assert resp.status_code == 200, resp.text
    graph = triples_of(resp.content, "rdfxml")
    assert len(graph) == 2 and len(set(graph.subjects())) == 1


def test_an_iri_whose_scheme_is_a_prefix_is_read_back_from_json_ld_as_written(sparql_app):
    """`<geo:48.8566,2.3522>` (RFC 5870) was written bare beside "geo" in the @context, and a
    JSON-LD reader expanded it to wgs84_pos#48.8566,2.3522."""
    query = ("CONSTRUCT { <https://w3id.org/liberation-kg/id/city/paris> <https://schema.org/geo> "
             "<geo:48.8566,2.3522> ; <http://www.w3.org/2003/01/geo/wgs84_pos#lat> 48.85 ; "
             "<https://schema.org/about> <schema:Thing> } WHERE {}")
    resp = ask(sparql_app, query, accept="application/ld+json")
    assert resp.status_code == 200, resp.text
    got = {str(o) for o in triples_of(resp.content, "jsonld").objects()}
    assert got == {"geo:48.8566,2.3522", "48.85", "schema:Thing"}


@pytest.mark.parametrize(("accept", "expected"), [
    ("application/rdf+xml;q=0.5, application/n-triples", "application/n-triples"),
    ("*/*", "text/turtle"),
    ("application/json", "application/ld+json"),
    ("application/xml", "application/rdf+xml"),
    ("text/xml", "application/rdf+xml"),  # what older RDF/XML clients send
    ('application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded", */*;q=0.1',
     "application/ld+json"),
    ("text/turtle; charset=utf-8", "text/turtle"),
])
def test_accept_header_for_construct(sparql_app, accept, expected):
    resp = ask(sparql_app, QUERIES["construct"], accept=accept)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] == expected


def test_format_parameter_wins_over_accept(sparql_app):
    resp = ask(sparql_app, QUERIES["select"], accept="application/sparql-results+xml", format="csv")
    assert resp.headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(("query", "accept", "params"), [
    ("select", "image/png", {}),
    ("construct", "text/csv", {}),
    ("construct", None, {"format": "tsv"}),
    ("select", None, {"format": "no-such-format"}),
    ("ask", "text/turtle", {}),
])
def test_not_acceptable(sparql_app, query, accept, params):
    resp = ask(sparql_app, QUERIES[query], accept=accept, **params)
    assert resp.status_code == 406
    assert "Traceback" not in resp.text


def test_a_406_says_which_formats_fit_which_form(sparql_app):
    # One list of every format sent a CONSTRUCT's client to CSV, which cannot hold triples.
    resp = ask(sparql_app, QUERIES["construct"], accept="image/png")
    message = resp.text
    assert resp.status_code == 406
    assert "a CONSTRUCT or DESCRIBE as text/turtle" in message
    graph_part = message.split("a CONSTRUCT or DESCRIBE as", 1)[1]
    assert "text/csv" not in graph_part and "text/csv" in message.split("a CONSTRUCT", 1)[0]


def test_a_browser_gets_a_table_with_values_escaped(sparql_app):
    query = PROLOGUE + "SELECT ?q ?text ?also WHERE { ?q lib:text ?text OPTIONAL { ?q rdfs:seeAlso ?also } }"
    resp = ask(sparql_app, query, accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    page = resp.text
    assert "<table" in page and "&lt;script&gt;alert(&#39;boom&#39;)&lt;/script&gt;" in page
    assert "<script>alert('boom')" not in page
    assert 'href="javascript:' not in page
    assert "/id/quote/q1" in page  # resource IRIs link to their pages on this server


def test_a_browser_gets_construct_results_as_a_table(sparql_app):
    resp = ask(sparql_app, QUERIES["construct"], accept="text/html")
    assert resp.status_code == 200 and "<table" in resp.text and "subject" in resp.text


# --- service description ------------------------------------------------------------------------

def test_service_description(sparql_app, reference):
    resp = sparql_app.get(sparql_app.sparql, headers={"Accept": "text/turtle"}, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=resp.text, format="turtle")
    service = URIRef(sparql_app.sparql)
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    # The test data keeps a triple in its own default graph, which no GRAPH reaches: the default
    # graph is more than the union of the named graphs (the project's graph is that union).
    assert len(reference.default_graph) and (service, SD.feature, SD.UnionDefaultGraph) not in g
    formats = {str(f).rsplit("/", 1)[1] for f in g.objects(service, SD.resultFormat)}
    assert formats >= {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                       "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
                       "TriG", "N-Quads"}
    dataset = g.value(service, SD.defaultDataset)
    counts = {str(g.value(ng, SD.name)): int(g.value(g.value(ng, SD.graph), VOID.triples))
              for ng in g.objects(dataset, SD.namedGraph)}
    expected = {str(ctx.identifier): len(ctx) for ctx in reference.graphs()
                if isinstance(ctx.identifier, URIRef) and len(ctx) and "rdflib" not in str(ctx.identifier)}
    assert counts == expected
    # Written in the graphs' order, as VoID lists them (they came in no order).
    written = re.findall(r"sd:name <([^>]+)>", resp.text)
    assert written == sorted(expected) and len(written) > 1
    default_count = int(g.value(g.value(dataset, SD.defaultGraph), VOID.triples))
    assert default_count == len(set(reference.triples((None, None, None))))


def test_the_description_claims_a_union_default_graph_only_where_it_is_one(tmp_path):
    """A user's TriG with triples of its own default graph, which no GRAPH reaches: the default
    graph is more than the union of the named graphs, and sd:UnionDefaultGraph said otherwise."""
    data = tmp_path / "mine.trig"
    data.write_text("<urn:x:a> <urn:x:p> 'in the default graph only' .\n"
                    "<urn:x:g> { <urn:x:b> <urn:x:p> 'in a named graph' . }\n", encoding="utf-8")
    named = tmp_path / "named.trig"
    named.write_text("<urn:x:g> { <urn:x:b> <urn:x:p> 'in a named graph' . }\n", encoding="utf-8")
    claims = []
    for served in (data, named):
        app = InProcess(create_app(Settings.from_env(serve_files=(served,),
                                                     snapshot_dir=tmp_path / f"build-{served.stem}")))
        g = Graph().parse(data=app.get(app.sparql, headers={"Accept": "text/turtle"}).text, format="turtle")
        service = URIRef(app.sparql)
        assert (service, RDF.type, SD.Service) in g
        claims.append((service, SD.feature, SD.UnionDefaultGraph) in g)
        dataset = g.value(service, SD.defaultDataset)
        assert int(g.value(g.value(dataset, SD.defaultGraph), VOID.triples)) == (2 if served == data else 1)
    assert claims == [False, True]


def test_the_projects_description_claims_its_union_default_graph(project_client):
    g = Graph().parse(data=project_client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(
        as_text=True), format="turtle")
    assert len(set(g.subjects(SD.feature, SD.UnionDefaultGraph))) == 1


@pytest.mark.parametrize("fmt", ["jsonld", "rdfxml", "ntriples", "trig", "nquads"])
def test_service_description_in_other_formats(sparql_app, fmt):
    # In every format it names as an answer's: it lists TriG and N-Quads, so it is offered in them.
    resp = sparql_app.get(sparql_app.sparql, headers={"Accept": GRAPH_TYPES[fmt]}, timeout=30)
    assert resp.status_code == 200 and resp.headers["Content-Type"].split(";")[0] == GRAPH_TYPES[fmt]
    g = triples_of(resp.content, fmt)
    assert (URIRef(sparql_app.sparql), RDF.type, SD.Service) in g
    again = sparql_app.get(sparql_app.sparql, headers={"Accept": GRAPH_TYPES[fmt]}, timeout=30)
    assert again.content == resp.content  # no fresh blank-node labels each time


@pytest.mark.parametrize("params", [{"graph": "https://w3id.org/liberation-kg/graph/facts"}, {"default": ""}])
def test_a_graph_store_protocol_request_is_told_there_is_none(sparql_app, params):
    """Fuseki's ?graph= (the Graph Store Protocol) was answered 200 with the service description,
    as if it were the graph asked for."""
    resp = sparql_app.get(sparql_app.sparql, params=params, headers={"Accept": "text/turtle"}, timeout=30)
    assert resp.status_code == 400 and "offers no Graph Store Protocol" in resp.text


def test_a_misspelt_query_parameter_is_named_and_a_cache_buster_is_not(sparql_app):
    """GET /sparql?qurey=... was answered 200 with the service description (curl's */* took it)."""
    resp = sparql_app.get(sparql_app.sparql, params={"qurey": "ASK {}"}, timeout=30)
    assert resp.status_code == 400 and "the request has qurey=, not query=" in resp.text
    for other in ({"_": "1733443200"}, {"user": "x"}, {"queue": "x"}):  # a cache-buster, or no query at all
        described = sparql_app.get(sparql_app.sparql, params=other, headers={"Accept": "text/turtle"},
                                   timeout=30)
        assert described.status_code == 200 and "sd:Service" in described.text, other


def test_a_query_posted_as_a_form_without_its_name_is_told_how_to_send_it(sparql_app):
    resp = sparql_app.post(sparql_app.sparql, data=b"ASK {}", timeout=30,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 400
    assert "the body is a query, not a form: send it with Content-Type application/sparql-query" in resp.text
    # And the other way round: a form sent as a query.
    resp = sparql_app.post(sparql_app.sparql, data=b"query=ASK%20%7B%7D", timeout=30,
                           headers={"Content-Type": "application/sparql-query"})
    assert resp.status_code == 400
    assert ("the body is a form (query=...), not a query: send it as application/x-www-form-urlencoded"
            in resp.text)


@pytest.mark.parametrize("alias, fmt", [("application/x-trig", "trig"), ("text/x-nquads", "nquads"),
                                        ("text/nquads", "nquads")])
def test_the_older_names_of_trig_and_nquads_are_read(sparql_app, reference, alias, fmt):
    resp = ask(sparql_app, QUERIES["construct"], accept=alias)
    assert resp.status_code == 200 and resp.headers["Content-Type"].split(";")[0] == GRAPH_TYPES[fmt]
    assert isomorphic(triples_of(resp.content, fmt), reference.query(QUERIES["construct"]).graph)


def test_a_browser_gets_the_query_editor(sparql_app):
    resp = sparql_app.get(sparql_app.sparql, headers={"Accept": "text/html"}, timeout=30)
    assert resp.status_code == 200
    page = resp.text
    assert "yasgui/yasgui.min.js" in page and 'id="yasgui"' in page
    assert '<form id="plain-query"' in page  # works without JavaScript too
    assert "PREFIX lib: &lt;https://w3id.org/liberation-kg/ontology#&gt;" in page
    assert "https://w3id.org/liberation-kg/graph/facts" in page


def test_the_editor_assets_are_served_locally(sparql_app):
    for path in ("static/yasgui/yasgui.min.js", "static/yasgui/yasgui.min.css"):
        resp = sparql_app.get(sparql_app.url + path, timeout=30)
        assert resp.status_code == 200 and len(resp.content) > 10_000, path


# --- errors -------------------------------------------------------------------------------------

def test_malformed_query_is_400_with_position(sparql_app):
    resp = ask(sparql_app, "SELECT * WHERE {\n  ?s ?p\n}")
    assert resp.status_code == 400
    assert "malformed query: line 3, column 1:" in resp.text and "error at" not in resp.text
    assert "Traceback" not in resp.text


def test_an_iri_never_closed_is_said_so_not_taken_for_a_prefix(sparql_app):
    # Its scheme read as a prefixed name: "the prefix http: is not declared", in the parser's field too.
    resp = ask(sparql_app, "SELECT * WHERE { ?s <http://x ?o }", "application/json")
    doc = resp.json()
    assert resp.status_code == 400 and "prefix" not in resp.text
    assert (doc["line"], doc["column"]) == (1, 21) and doc["advice"].startswith("this IRI is not closed")
    assert doc["parser"].startswith('error at 1:35: expected one of ">"')


@pytest.mark.parametrize("query, prefix", [
    ("SELECT * WHERE { ?s ex:p ?o }", "ex"),
    # prefixes rdflib knows undeclared, which its parser therefore could not name
    ("SELECT * { ?s rdfs:label ?o } LIMIT 1", "rdfs"),
    ('SELECT (xsd:integer("1") AS ?v) {}', "xsd"),
    ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
     "SELECT * { ?s rdfs:label ?o ; sh:path ?p }", "sh"),
    ("SELECT * { ?s <http://e/a:b> 'x:y' . ?s :p ?o }", ""),
])
def test_an_undeclared_prefix_is_400_naming_it(sparql_app, query, prefix):
    resp = ask(sparql_app, query)
    assert resp.status_code == 400
    assert f"the prefix {prefix}: is not declared" in resp.text


def test_a_mistake_before_an_undeclared_prefix_is_the_one_reported(sparql_app):
    resp = ask(sparql_app, "SELEC * { ?s rdfs:label ?o }")
    assert resp.status_code == 400 and "not declared" not in resp.text


@pytest.mark.parametrize("param, value", [("default-graph-uri", " "), ("named-graph-uri", "nope")])
def test_a_dataset_parameter_that_is_no_iri_is_400(sparql_app, param, value):
    resp = ask(sparql_app, "ASK { ?s ?p ?o }", format="json", **{param: value})
    assert resp.status_code == 400
    assert resp.json()["message"].startswith(f"{param.split('-')[0]} graph {value!r} is not an absolute IRI")


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_an_empty_dataset_parameter_names_no_graph(sparql_app, param):
    # As Virtuoso's form sends it when no graph is given.
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    given = ask(sparql_app, query, format="json", **{param: ""})
    assert given.status_code == 200 and given.json() == ask(sparql_app, query, format="json").json()


@pytest.mark.parametrize("method", ["GET", "POST-form"])
@pytest.mark.parametrize("params", [{"default-graph-uri": "foo"}, {"query": ""}])
def test_a_request_refused_as_it_is_read_is_answered_in_the_format_word(sparql_app, method, params):
    """Refused before its format word was read (the word comes after the dataset and the query in
    the request): the word still says the error's form, whatever Accept says."""
    query = params.get("query", "ASK {}")
    rest = {k: v for k, v in params.items() if k != "query"}
    as_json = ask(sparql_app, query, "text/plain", method, format="json", **rest)
    assert as_json.status_code == 400 and as_json.headers["Content-Type"] == "application/json"
    assert as_json.json()["status"] == 400
    page = ask(sparql_app, query, "application/json", method, format="html", **rest)
    assert page.status_code == 400 and page.headers["Content-Type"].startswith("text/html")
    assert "400 Bad Request" in page.text and "</html>" in page.text


def test_two_query_parameters_are_refused_in_the_format_word(sparql_app):
    resp = sparql_app.get(sparql_app.sparql + "?query=ASK%7B%7D&query=ASK%7B%7D&format=json")
    assert resp.status_code == 400 and resp.json()["message"].startswith("the request has 2 query parameters")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(sparql_app, method):
    resp = sparql_app.request(method, sparql_app.sparql, data="ASK {}")
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_oversized_body_is_413(sparql_app):
    body = "ASK {} #" + "x" * 2_100_000
    resp = sparql_app.post(sparql_app.sparql, data=body.encode(), timeout=60,
                         headers={"Content-Type": "application/sparql-query"})
    assert resp.status_code == 413


def test_overlong_query_is_413(sparql_app):
    resp = sparql_app.post(sparql_app.sparql, data={"query": "ASK {} #" + "x" * 200_000}, timeout=60)
    assert resp.status_code == 413 and "limit" in resp.text


@pytest.mark.parametrize(("content_type", "status"), [
    ("text/plain", 415), (None, 415), ("application/sparql-query; charset=UTF-16", 415),
    # US-ASCII is a part of UTF-8, and read as it, as /validate reads it (this refused it).
    ("application/sparql-query; charset=US-ASCII", 200),
])
def test_unsupported_request_bodies(sparql_app, content_type, status):
    headers = {"Content-Type": content_type} if content_type else {}
    resp = sparql_app.post(sparql_app.sparql, data=b"ASK {}", headers=headers, timeout=30)
    assert resp.status_code == status
    if status == 415 and "charset" not in (content_type or ""):  # the types it reads (RFC 9110 15.5.16)
        assert resp.headers["Accept"] == "application/x-www-form-urlencoded, application/sparql-query"


def test_head_is_get_without_a_body(sparql_app):
    resp = sparql_app.head(sparql_app.sparql, params={"query": "ASK {}"}, timeout=30)
    assert resp.status_code == 200 and resp.content == b""
    assert resp.headers["Content-Type"].startswith("application/sparql-results+json")


def test_two_queries_are_400(sparql_app):
    resp = sparql_app.get(sparql_app.sparql, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30)
    assert resp.status_code == 400


@pytest.mark.parametrize("how", ["update-param", "update-form", "update-body", "query-param"])
def test_updates_are_refused_and_change_nothing(sparql_app, how):
    count = PROLOGUE + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = ask(sparql_app, count, format="json").json()["results"]["bindings"][0]["n"]["value"]
    update = "DROP ALL ; INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if how == "update-param":
        resp = sparql_app.get(sparql_app.sparql, params={"update": update}, timeout=30)
    elif how == "update-form":
        resp = sparql_app.post(sparql_app.sparql, data={"update": update}, timeout=30)
    elif how == "update-body":
        resp = sparql_app.post(sparql_app.sparql, data=update.encode(), timeout=30,
                             headers={"Content-Type": "application/sparql-update"})
    else:
        resp = ask(sparql_app, update)
    assert 400 <= resp.status_code < 500
    assert "updates are not offered" in resp.text
    after = ask(sparql_app, count, format="json").json()["results"]["bindings"][0]["n"]["value"]
    assert after == before


@pytest.mark.parametrize("query", ["# only a comment", "PREFIX lib: <https://w3id.org/liberation-kg/ontology#>"])
def test_declarations_or_comments_alone_are_no_query_not_an_update(sparql_app, query):
    # The update grammar allows an update of no operation, so these parse as one.
    resp = ask(sparql_app, query, accept="application/json")
    assert resp.status_code == 400
    assert "there is no query here, only declarations or comments" in resp.json()["message"]


def test_fusekis_output_parameter_names_the_format(sparql_app):
    resp = ask(sparql_app, "SELECT ?x WHERE { VALUES ?x { 1 } }", output="csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    assert resp.text.splitlines() == ["x", "1"]
    # A word naming no format is quoted as given, not as a format= the client did not send.
    for query in ("ASK {}", "CONSTRUCT WHERE { ?s ?p ?o }"):
        refused = ask(sparql_app, query, output="foo")
        assert refused.status_code == 406 and "the format 'foo' is not offered" in refused.text
        assert "format=" not in refused.text.split(";")[0]
    page = sparql_app.get(sparql_app.url + "sparql?output=foo")
    assert page.status_code == 406 and "the format 'foo' is not offered" in page.text


def test_a_text_table_for_people_at_a_terminal(sparql_app):
    # Fuseki's output=text: a SELECT's terms in aligned columns; an ASK's answer; a graph in N-Triples.
    query = 'SELECT ?x ?label WHERE { VALUES (?x ?label) { (<http://a.example/long-name> "é") (1 UNDEF) } }'
    resp = ask(sparql_app, query, accept="text/plain")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = resp.text.splitlines()
    assert lines[1].split() == ["|", "x", "|", "label", "|"] and set(lines[2]) == {"="}
    assert lines[3] == '| <http://a.example/long-name> | "é"   |'
    assert lines[4] == "| 1                            |       |"
    assert len({len(line) for line in lines}) == 1 and lines[0] == lines[-1] == "-" * len(lines[0])
    assert ask(sparql_app, "ASK {}", output="text").text == "Ask => Yes\n"
    # No column (one empty solution): the rules as wide as the rows (they were one character).
    assert ask(sparql_app, "SELECT * {}", output="text").text.splitlines() == ["----", "|  |", "====", "|  |",
                                                                               "----"]
    # IRIs under the query's own prefixes shortened, as Jena does.
    prefixed = "PREFIX a: <http://a.example/>\nSELECT ?x WHERE { VALUES ?x { a:long-name <http://b/> } }"
    named = ask(sparql_app, prefixed, accept="text/plain").text
    assert "| a:long-name |" in named and "| <http://b/> |" in named
    # The longest namespace that leaves a valid local name wins, the first name declared for it.
    nested = ("PREFIX a: <http://a.example/>\nPREFIX al: <http://a.example/long->\nPREFIX b: <http://a.example/>\n"
              "SELECT ?x WHERE { VALUES ?x { a:long-name a:other <http://a.example/long-x/y> } }")
    table = ask(sparql_app, nested, output="text").text.splitlines()[3:-1]
    cells = [line.split("|")[1].strip() for line in table]
    assert sorted(cells) == ["<http://a.example/long-x/y>", "a:other", "al:name"]  # no local name "x/y"
    graph = ask(sparql_app, "CONSTRUCT { <http://a/> <http://b/> 1 } WHERE {}", accept="text/plain")
    # Labelled as asked, as the documents are: N-Triples is plain text by its own registration.
    assert graph.headers["Content-Type"] == "text/plain; charset=utf-8"
    # And never with the type a client refused (it was sent as application/n-triples).
    refusing = ask(sparql_app, "CONSTRUCT { <http://a/> <http://b/> 1 } WHERE {}",
                   accept="text/plain, application/n-triples;q=0")
    assert refusing.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert refusing.content == graph.content
    assert ask(sparql_app, "CONSTRUCT { <http://a/> <http://b/> 1 } WHERE {}",
               accept="application/n-triples").headers["Content-Type"].startswith("application/n-triples")
    # And by the word, as Fuseki's users ask (it was a 406: "Text table cannot hold the triples").
    worded = ask(sparql_app, "CONSTRUCT { <http://a/> <http://b/> 1 } WHERE {}", output="text")
    assert worded.status_code == 200 and worded.content == graph.content


def test_errors_are_json_for_json_clients(sparql_app):
    resp = ask(sparql_app, "SELECT * WHERE {", accept="application/json")
    assert resp.status_code == 400
    assert "malformed query" in resp.json()["message"]
    # A client that asked format=json with curl's */* reads JSON best too; format=csv, text.
    resp = ask(sparql_app, "SELECT * WHERE {", accept="*/*", format="json")
    assert resp.status_code == 400 and "malformed query" in resp.json()["message"]
    assert ask(sparql_app, "SELECT * WHERE {", accept="*/*", format="csv").headers["Content-Type"].startswith(
        "text/plain")
    # A JSON dialect preferred to anything else (YASGUI, Comunica): its errors too, not text/plain.
    resp = ask(sparql_app, "SELECT * WHERE {", accept="application/sparql-results+json,*/*;q=0.9")
    assert resp.status_code == 400 and "malformed query" in resp.json()["message"]
    assert ask(sparql_app, "SELECT * WHERE {", accept="text/html,application/sparql-results+json;q=0.9",
               ).headers["Content-Type"].startswith("text/html")
    # The word of a posted form too (Fuseki's output=), as its answer follows it.
    resp = ask(sparql_app, "SELECT * WHERE {", accept="*/*", method="POST-form", output="json")
    assert resp.status_code == 400 and "malformed query" in resp.json()["message"]


def test_an_error_whose_query_string_is_not_utf8_is_said_not_raised(sparql_app):
    # A raw byte (no %-escape) in the query string: werkzeug cannot read it as text, and the
    # error's form, which a format= word may choose, must not fail on it.
    for path, status in (("/sparql", 400), ("/nothing", 404)):
        environ = EnvironBuilder(path=path, headers={"Accept": "*/*"}).get_environ()
        environ["QUERY_STRING"] = "query=ASK\xff&format=\xff"
        body, status_line, _ = run_wsgi_app(sparql_app.app.wsgi_app, environ)
        assert status_line.startswith(str(status)), (path, status_line, b"".join(body)[:200])


# --- result limit, CORS -------------------------------------------------------------------------

def test_result_limit_says_when_it_cut(small_limit):
    resp = ask(small_limit, "SELECT * WHERE { ?s ?p ?o }", format="json")
    assert len(resp.json()["results"]["bindings"]) == 3
    assert resp.headers["X-Result-Truncated"] == "true" and resp.headers["X-Result-Limit"] == "3"
    resp = ask(small_limit, "CONSTRUCT WHERE { ?s ?p ?o }", format="ntriples")
    assert len(resp.text.strip().splitlines()) == 3 and resp.headers["X-Result-Truncated"] == "true"
    resp = ask(small_limit, "SELECT * WHERE { ?s ?p ?o } LIMIT 3", format="json")
    assert "X-Result-Truncated" not in resp.headers and "link" not in resp.json()["head"]


def test_a_cut_answer_says_so_in_the_document_too(small_limit):
    """A client that reads no header (rdflib's SPARQLStore, SPARQLWrapper) took 3 rows for all of
    them: the head's link (Query Results JSON 3.1, XML 2.2) leads to what the endpoint allows."""
    doc = ask(small_limit, "SELECT * WHERE { ?s ?p ?o }", format="json").json()
    assert doc["head"]["link"] == [small_limit.sparql + "#about-the-endpoint"]
    assert doc["head"]["vars"] == ["s", "p", "o"] and len(doc["results"]["bindings"]) == 3
    xml = ask(small_limit, "SELECT * WHERE { ?s ?p ?o }", format="xml").text
    head = ElementTree.fromstring(xml).find("{http://www.w3.org/2005/sparql-results#}head")
    assert [(e.tag.split("}")[1], e.get("name") or e.get("href")) for e in head] == [
        ("variable", "s"), ("variable", "p"), ("variable", "o"),
        ("link", small_limit.sparql + "#about-the-endpoint")]
    page = ask(small_limit, "SELECT * WHERE { ?s ?p ?o }", format="html")  # the page reads it as before
    assert page.status_code == 200 and page.text.count("<tr>") >= 3


def test_the_results_page_says_when_the_limit_cut_the_answer(small_limit):
    resp = ask(small_limit, "SELECT * WHERE { ?s ?p ?o }", format="html")
    assert resp.status_code == 200 and resp.headers["X-Result-Truncated"] == "true"
    assert '<p class="notice truncated" role="status"><strong>Only the first 3 rows are shown:' in resp.text
    resp = ask(small_limit, "SELECT * WHERE { ?s ?p ?o } LIMIT 2", format="html")
    assert "notice truncated" not in resp.text


def test_cors_for_any_origin_without_credentials(sparql_app):
    resp = ask(sparql_app, "ASK {}", **{})
    resp = sparql_app.get(sparql_app.sparql, params={"query": "ASK {}"},
                        headers={"Origin": "https://historian.example"}, timeout=30)
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    assert "X-Result-Truncated" in resp.headers["Access-Control-Expose-Headers"]
    pre = sparql_app.options(sparql_app.sparql, timeout=30, headers={
        "Origin": "https://historian.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"].lower()


# --- real clients -------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_sparqlwrapper_select(sparql_server, reference, method):
    sw = SPARQLWrapper(sparql_server.sparql)
    if method != "GET":
        sw.setMethod(POST)
    if method == "POSTDIRECTLY":
        sw.setRequestMethod(POSTDIRECTLY)
    sw.setQuery(QUERIES["select"])
    sw.setReturnFormat(JSON)
    got = sw.query().convert()
    expected = reference.query(QUERIES["select"])
    assert len(got["results"]["bindings"]) == len(expected)
    labels = {b["label"]["value"] for b in got["results"]["bindings"]}
    assert labels == {str(r.label) for r in expected}


@pytest.mark.parametrize("fmt", [XML, CSV, TSV])
def test_sparqlwrapper_select_formats(sparql_server, reference, fmt):
    sw = SPARQLWrapper(sparql_server.sparql)
    sw.setQuery(QUERIES["select"])
    sw.setReturnFormat(fmt)
    result = sw.query()
    body = result.response.read()
    parsed = Result.parse(io.BytesIO(body), format={XML: "xml", CSV: "csv", TSV: "tsv"}[fmt])
    assert rows_of(parsed, plain=fmt == CSV) == rows_of(reference.query(QUERIES["select"]), plain=fmt == CSV)


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(sparql_server, reference, fmt):
    sw = SPARQLWrapper(sparql_server.sparql)
    sw.setQuery(QUERIES["ask"])
    sw.setReturnFormat(fmt)
    converted = sw.query().convert()
    expected = reference.query(QUERIES["ask"]).askAnswer
    if fmt == JSON:
        assert converted["boolean"] is expected
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == str(expected).lower()


@pytest.mark.parametrize("fmt", [RDFXML, TURTLE, JSONLD, N3, XML])
@pytest.mark.parametrize("form", ["construct", "describe"])
def test_sparqlwrapper_construct_and_describe(sparql_server, reference, fmt, form):
    sw = SPARQLWrapper(sparql_server.sparql)
    sw.setQuery(QUERIES[form])
    sw.setReturnFormat(fmt)
    result = sw.query()
    body = result.response.read()
    content_type = result.info()["content-type"].split(";")[0]
    parser = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/ld+json": "json-ld"}
    got = Graph().parse(data=body, format=parser[content_type])
    if form == "construct":
        assert isomorphic(got, reference.query(QUERIES[form]).graph)
    else:
        assert len(got) == len(set(reference.triples(
            (URIRef("https://w3id.org/liberation-kg/id/city/paris"), None, None))))


def test_rdflib_sparqlstore(sparql_server, reference):
    store = SPARQLStore(sparql_server.sparql)
    graph = Graph(store=store)
    got = graph.query(QUERIES["select"])
    assert rows_of(got) == rows_of(reference.query(QUERIES["select"]))
    assert graph.query(QUERIES["ask"]).askAnswer is reference.query(QUERIES["ask"]).askAnswer
    constructed = graph.query(QUERIES["construct"]).graph
    assert isomorphic(constructed, reference.query(QUERIES["construct"]).graph)
    cities = set(graph.subjects(RDF.type, LIB.City))
    assert cities == set(reference.subjects(RDF.type, LIB.City))
    names = {str(c) for c in store.contexts()}
    assert "https://w3id.org/liberation-kg/graph/facts" in names


def test_rdflib_sparqlstore_post(sparql_server, reference):
    store = SPARQLStore(sparql_server.sparql, method="POST", returnFormat="json")
    got = Graph(store=store).query(QUERIES["select"])
    assert rows_of(got) == rows_of(reference.query(QUERIES["select"]))


def test_no_stack_trace_reaches_a_client(sparql_app):
    bad = ["SELECT * WHERE { ?s ?p ?o } GROUP BY", "SELECT (1/0 AS ?x) (?x AS ?x) {}",
           "\x00\x01", "PREFIX : <" + "x" * 1000, "DESCRIBE"]
    for query in bad:
        for accept in ("text/html", "application/json", "*/*"):
            resp = ask(sparql_app, query, accept=accept)
            assert resp.status_code < 500 or resp.status_code == 503, (query, resp.status_code)
            assert "Traceback" not in resp.text and 'File "' not in resp.text
            if accept == "application/json" and resp.status_code >= 400:
                assert json.loads(resp.text)["status"] == resp.status_code


@pytest.mark.parametrize("query, accept, says", [
    ('CONSTRUCT { <http://a> <http://x/1> "v" } WHERE {}', "application/rdf+xml", "XML name"),
    ("CONSTRUCT { <http://a> <http://x/p> <<( <http://a> <http://b> <http://c> )>> } WHERE {}",
     "application/ld+json", "RDF 1.2"),
])
def test_a_format_that_cannot_hold_the_answer_is_406_never_broken_output(sparql_app, query, accept, says):
    resp = ask(sparql_app, query, accept=accept)
    assert resp.status_code == 406 and says in resp.text
    assert ask(sparql_app, query, accept="application/n-triples").status_code == 200


@pytest.mark.parametrize("query, accept", [
    ('SELECT ?c WHERE { BIND("a\\u0001b" AS ?c) }', "application/sparql-results+xml"),
    ('CONSTRUCT { <http://a> <http://b/p> ?c } WHERE { BIND("a\\u0001b" AS ?c) }', "application/rdf+xml"),
])
def test_a_character_xml_cannot_hold_is_406_in_xml_and_kept_elsewhere(sparql_app, query, accept):
    resp = ask(sparql_app, query, accept=accept)
    assert resp.status_code == 406
    assert "it holds the character U+0001, which XML 1.0 cannot hold" in resp.text
    assert accept not in resp.text.partition("ask for")[2]  # the alternatives are other formats
    other = "application/n-triples" if query.startswith("CONSTRUCT") else "application/sparql-results+json"
    resp = ask(sparql_app, query, accept=other)
    assert resp.status_code == 200 and "\\u0001" in resp.text


@pytest.mark.parametrize("query, accept, answered_as", [
    ('CONSTRUCT { <http://a> <http://x/1> "v" } WHERE {}', "application/rdf+xml, text/turtle;q=0.5",
     "text/turtle"),
    ('CONSTRUCT { <http://a> <http://x/1> "v" } WHERE {}', "application/rdf+xml, */*;q=0.1", "text/turtle"),
    ('SELECT ?c WHERE { BIND("a\\u0001b" AS ?c) }',
     "application/sparql-results+xml, application/sparql-results+json;q=0.5",
     "application/sparql-results+json"),
])
@pytest.mark.parametrize("client", ["a program", "the editor's page"])
def test_an_answer_the_preferred_format_cannot_hold_comes_in_the_next_one_accepted(
        sparql_app, query, accept, answered_as, client):
    """RFC 9110 (15.5.7) has a 406 only where no format the client accepts will do."""
    if client == "the editor's page":  # errors as pages: the app's own view, not the protocol's front
        accept = "text/html;q=0.01, " + accept
    resp = ask(sparql_app, query, accept=accept)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(answered_as)


def test_a_format_that_failed_is_refused_again_without_running_the_query(sparql_app, monkeypatch):
    """The next request with the same Accept is answered from what the first learnt: the refusal
    of RDF/XML is kept, the Turtle answer cached (each had cost a run of the query)."""
    slots = sparql_app.app.extensions["sparql"].runner.slots
    runs = []
    original = slots.call
    monkeypatch.setattr(slots, "call", lambda *a, **k: runs.append(a[1:3]) or original(*a, **k))
    query, accept = ('CONSTRUCT { <http://a> <http://x/1> "once" } WHERE {}',
                     "application/rdf+xml, text/turtle;q=0.5")
    first = ask(sparql_app, query, accept=accept)
    assert first.status_code == 200 and runs == [(None, "rdfxml"), (None, "turtle")]
    again = ask(sparql_app, query, accept=accept)
    assert again.content == first.content and len(runs) == 2


def test_the_406_after_every_accepted_format_failed_names_none_of_them(sparql_app):
    # JSON-LD cannot hold the triple term, nor RDF/XML the property with no XML name.
    query = ("CONSTRUCT { <http://a> <http://x/1> <<( <http://a> <http://b/p> <http://c> )>> } WHERE {} "
             "# tried")
    resp = ask(sparql_app, query, accept="application/ld+json, application/rdf+xml;q=0.5")
    assert resp.status_code == 406 and "RDF/XML cannot hold" in resp.text
    offered = resp.text.partition("ask for")[2]
    assert "text/turtle" in offered and "application/ld+json" not in offered
    assert "application/rdf+xml" not in offered


@pytest.mark.parametrize("query, accept", [
    ('SELECT ?c WHERE { BIND("cr\\rhere" AS ?c) }', "application/sparql-results+xml"),
    ('CONSTRUCT { <http://a> <http://b/p> ?c } WHERE { BIND("cr\\rhere" AS ?c) }', "application/rdf+xml"),
])
def test_a_carriage_return_survives_xml(sparql_app, query, accept):
    """An XML parser reads a raw carriage return back as a line feed: it is written as &#13;."""
    resp = ask(sparql_app, query, accept=accept)
    assert resp.status_code == 200 and b"\r" not in resp.content
    if accept == "application/rdf+xml":
        graph = Graph().parse(data=resp.content, format="xml")
        assert {str(o) for o in graph.objects()} == {"cr\rhere"}
    else:
        literal = xml.dom.minidom.parseString(resp.content).getElementsByTagName("literal")[0]
        assert literal.firstChild.data == "cr\rhere"


def test_an_iri_holding_a_comma_is_one_csv_field(sparql_app):
    # pyoxigraph's own CSV writer leaves it unquoted: three fields under a two-column header.
    resp = ask(sparql_app, "SELECT ?iri ?n WHERE { VALUES (?iri ?n) { (<http://example.org/a,b> 1) } }",
               accept="text/csv")
    assert resp.status_code == 200
    assert list(csv.reader(io.StringIO(resp.text))) == [["iri", "n"], ["http://example.org/a,b", "1"]]


#: The same literal with a base direction, answered whole by pyoxigraph and, cut at the result
#: limit (3 rows), by the service's own writers.
_DIRECTED = 'SELECT ?l ?s WHERE { ?s ?p ?o BIND("x"@en--rtl AS ?l) }'


@pytest.mark.parametrize("query, cut", [(_DIRECTED + " LIMIT 1", False), (_DIRECTED, True)])
def test_a_literals_base_direction_is_kept_by_every_writer(small_limit, query, cut):
    resp = ask(small_limit, query, accept="application/sparql-results+json")
    assert (resp.headers.get("X-Result-Truncated") == "true") == cut
    got = resp.json()
    assert got["results"]["bindings"][0]["l"] == {"type": "literal", "value": "x", "xml:lang": "en",
                                                    "its:dir": "rtl"}
    xml_answer = ask(small_limit, query, accept="application/sparql-results+xml")
    doc = xml.dom.minidom.parseString(xml_answer.content)
    binding = next(b for b in doc.getElementsByTagName("binding") if b.getAttribute("name") == "l")
    literal = binding.getElementsByTagName("literal")[0]
    its = "http://www.w3.org/2005/11/its"
    assert (literal.getAttribute("xml:lang"), literal.getAttributeNS(its, "dir")) == ("en", "rtl")
    assert '"x"@en--rtl' in ask(small_limit, query, accept="text/tab-separated-values").text


def test_a_repeated_query_is_answered_from_the_cache_and_can_be_revalidated(sparql_app):
    runner = sparql_app.app.extensions["sparql"].runner
    query = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 2 # cached"
    first = ask(sparql_app, query, accept="application/sparql-results+json")
    kept = len(runner.cache)
    again = ask(sparql_app, query, accept="application/sparql-results+json")
    assert again.content == first.content and len(runner.cache) == kept
    assert first.headers["ETag"] == again.headers["ETag"]
    unchanged = sparql_app.get(sparql_app.sparql, params={"query": query},
                               headers={"Accept": "application/sparql-results+json",
                                        "If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    # If-Match: * holds for the answer there is (werkzeug failed it as a tag: 412).
    starred = sparql_app.get(sparql_app.sparql, params={"query": query},
                             headers={"Accept": "application/sparql-results+json", "If-Match": "*"})
    assert starred.status_code == 200 and starred.content == first.content
    # A POSTed query is held to its preconditions too: 412 where the client has the answer, or where
    # If-Match names no strong tag of it (the answer's is weak); the answer where they hold.
    for headers, status in (({"If-None-Match": first.headers["ETag"]}, 412),
                            ({"If-None-Match": '"other"'}, 200), ({"If-Match": '"nope"'}, 412),
                            ({"If-Match": "*"}, 200),
                            # its own tag too: the answer's is weak, and If-Match compares strongly
                            ({"If-Match": first.headers["ETag"]}, 412)):
        posted = sparql_app.post(sparql_app.sparql, data={"query": query},
                                 headers={"Accept": "application/sparql-results+json", **headers})
        assert posted.status_code == status, headers
        assert (posted.content == first.content) == (status == 200), headers
        if status == 412:
            assert "If-" in posted.text, posted.text
    # In JSON where its format= word names JSON, as the request's other errors are.
    named = sparql_app.post(sparql_app.sparql, data={"query": query, "format": "json"},
                            headers={"Accept": "*/*", "If-None-Match": first.headers["ETag"]})
    assert named.status_code == 412 and named.headers["Content-Type"].startswith("application/json")
    # One tag for one answer, however its format was asked for: the same JSON bytes had three
    # (the format a CONSTRUCT would have been written in was part of the tag).
    asked = [ask(sparql_app, "ASK { ?s ?p ?o }", **how) for how in (
        {}, {"accept": "application/sparql-results+json"}, {"format": "json"})]
    assert len({a.content for a in asked}) == len({a.headers["ETag"] for a in asked}) == 1
    assert ask(sparql_app, "ASK { ?s ?p ?o }", format="xml").headers["ETag"] != asked[0].headers["ETag"]
    for volatile in ("SELECT (RAND() AS ?r) WHERE {}", "SELECT (RAND#a comment\n() AS ?r) WHERE {}"):
        draws = {ask(sparql_app, volatile, format="json").content for _ in range(3)}
        assert len(draws) > 1, volatile  # run each time, never kept


# --- the protocol's front and the app: one protocol, two ways in --------------------------------

#: Requests a program sends (method, query string, body, headers): answers, and every kind of refusal
#: the front writes itself.
PROGRAMS_ASK = {
    "select": ("GET", {"query": QUERIES["select"]}, None, {"Accept": "application/sparql-results+json"}),
    "construct": ("GET", {"query": QUERIES["construct"]}, None, {"Accept": "text/turtle"}),
    "head": ("HEAD", {"query": QUERIES["ask"]}, None, {"Accept": "application/sparql-results+xml"}),
    "post-body": ("POST", {"format": "csv"}, QUERIES["select"].encode(),
                  {"Content-Type": "application/sparql-query"}),
    "post-form": ("POST", None, {"query": QUERIES["describe"], "format": "ntriples"}, {}),
    "text-table": ("GET", {"query": QUERIES["select"]}, None, {"Accept": "text/plain"}),
    "dataset": ("GET", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2",
                        "default-graph-uri": "https://w3id.org/liberation-kg/graph/none"}, None, {}),
    "malformed": ("GET", {"query": "SELECT ?s WHERE { ?s ?p }"}, None, {"Accept": "application/json"}),
    "malformed-text": ("GET", {"query": "SELECT ?s WHERE { ?s ?p }"}, None, {"Accept": "text/plain"}),
    "form-mismatch": ("GET", {"query": QUERIES["construct"]}, None,
                      {"Accept": "application/sparql-results+json"}),
    "not-acceptable": ("GET", {"query": QUERIES["ask"]}, None, {"Accept": "image/png"}),
    "unknown-format": ("GET", {"query": QUERIES["ask"], "format": "yaml"}, None, {}),
    "two-queries": ("GET", [("query", "ASK {}"), ("query", "ASK {}")], None, {}),
    "not-utf8": ("GET", "query=ASK%20%7B%FF%7D", None, {}),
    "empty": ("GET", {"query": " "}, None, {}),
    "no-iri": ("GET", {"query": "ASK {}", "named-graph-uri": "not an iri"}, None, {}),
    "update-body": ("POST", None, b"CLEAR ALL", {"Content-Type": "application/sparql-update"}),
    "update-form": ("POST", None, {"update": "CLEAR ALL"}, {}),
    "update-text": ("GET", {"query": "DROP ALL"}, None, {}),
    "latin-1": ("POST", None, b"ASK {}", {"Content-Type": "application/sparql-query; charset=latin-1"}),
    "wrong-type": ("POST", None, b"ASK {}", {"Content-Type": "text/plain"}),
    "no-type": ("POST", None, b"ASK {}", {}),
    "too-large": ("POST", None, b"#" * (2**21 + 10), {"Content-Type": "application/sparql-query"}),
    "service": ("GET", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None, {}),
}


def _asked(client: InProcess, name: str, extra: dict[str, str] | None = None) -> Reply:
    method, params, data, headers = PROGRAMS_ASK[name]
    return client.request(method, client.sparql, params=params, data=data,
                          headers={**headers, **(extra or {})})


def _seen(reply: Reply) -> tuple:
    return reply.status_code, sorted(reply.headers.items()), reply.content


def _both_ways(client: InProcess, name: str, extra: dict[str, str] | None = None) -> tuple[Reply, Reply]:
    """The reply through the front, and through the app alone (the front taken away)."""
    front = _asked(client, name, extra)
    app = client.app
    wsgi = app.wsgi_app
    app.wsgi_app = wsgi.app
    try:
        return front, _asked(client, name, extra)
    finally:
        app.wsgi_app = wsgi


@pytest.mark.parametrize("name", list(PROGRAMS_ASK))
def test_the_front_and_the_app_answer_a_program_alike(sparql_app, name):
    _asked(sparql_app, name)  # so that both see the answer cached, and its tag
    front, alone = _both_ways(sparql_app, name)
    assert front.status_code < 500, front.text
    assert _seen(front) == _seen(alone)
    assert front.headers["Access-Control-Allow-Origin"] == "*"
    assert front.headers["X-Content-Type-Options"] == "nosniff"
    if "ETag" in front.headers:  # revalidated: 304 to a GET or HEAD, 412 to a POST (RFC 9110 13.2.2)
        front, alone = _both_ways(sparql_app, name, {"If-None-Match": front.headers["ETag"]})
        assert front.status_code == (304 if PROGRAMS_ASK[name][0] != "POST" else 412)
        assert _seen(front) == _seen(alone)


def test_the_front_answers_programs_without_the_app(sparql_app, monkeypatch):
    def broken(environ, start_response):
        raise AssertionError("the app was asked")

    monkeypatch.setattr(sparql_app.app.wsgi_app, "app", broken)
    for name in ("select", "construct", "post-form", "malformed", "two-queries", "update-body"):
        assert _asked(sparql_app, name).status_code in (200, 400, 403), name
    with pytest.raises(AssertionError, match="the app was asked"):  # a browser's page is the app's
        ask(sparql_app, QUERIES["ask"], accept="text/html")


@pytest.mark.parametrize("how", ["POST-form", "POST"])
def test_a_page_asked_in_a_posted_body_gets_the_body_the_front_read(sparql_app, how):
    # The front reads the body before it knows that a page is wanted (format=html may be in it).
    query = 'SELECT ?label WHERE { ?c rdfs:label ?label FILTER(?label = "Paris"@fr) }'
    resp = ask(sparql_app, PROLOGUE + query, accept="application/sparql-results+json", method=how,
               format="html")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    assert "<td" in resp.text and "Paris" in resp.text and "FILTER(?label" in resp.text


def _environ_both_ways(client: InProcess, environ) -> tuple[tuple, tuple]:
    """(status, sorted headers, body) for a request made by `environ()` (a WSGI environ the test
    client cannot make), through the front and through the app alone."""
    front = client.app.wsgi_app
    replies = []
    for wsgi in (front, front.app):
        body, status, headers = run_wsgi_app(wsgi, environ(), buffered=True)
        replies.append((status, sorted(headers.items()), b"".join(body)))
    return replies[0], replies[1]


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_too_slow_to_arrive_is_408_by_the_front_as_by_the_app(sparql_app, chunked):
    # werkzeug reports the failed read as ClientDisconnected, an HTTPException: the front caught
    # it as one (400, the connection kept) where the app answers 408 and closes.
    class Slow(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            raise SlowRequest("the request did not arrive within 60 s")

    def environ():
        env = EnvironBuilder(path="/sparql", method="POST", content_type="application/sparql-query",
                             headers={"Accept": "application/sparql-results+json"}).get_environ()
        env.update({"wsgi.input": Slow(), "wsgi.input_terminated": True, "CONTENT_LENGTH": "100"})
        if chunked:
            del env["CONTENT_LENGTH"]
            env["HTTP_TRANSFER_ENCODING"] = "chunked"
        return env

    front, alone = _environ_both_ways(sparql_app, environ)
    assert front == alone
    assert front[0].startswith("408") and ("Connection", "close") in front[1]


@pytest.mark.parametrize("content_type, body", [("application/x-www-form-urlencoded", b"query=ASK%7B%7D"),
                                                ("application/sparql-query", b"ASK {}")])
def test_a_body_short_of_its_length_is_400_by_the_front_as_by_the_app(sparql_app, content_type, body):
    # What came of a body whose client stopped sending is not the query it meant, form or not.
    def environ():
        env = EnvironBuilder(path="/sparql", method="POST", data=body, content_type=content_type,
                             headers={"Accept": "application/json"}).get_environ()
        env.update({"CONTENT_LENGTH": "100", "wsgi.input_terminated": True})
        return env

    front, alone = _environ_both_ways(sparql_app, environ)
    assert front == alone
    assert front[0].startswith("400") and b"ended after" in front[2]
