"""The dataset as a whole: home page, VoID + DCAT description, dumps.

In-process over our own fixture (tests/fixtures/linked_data/dataset.trig); expectations are read
from the fixture with rdflib.
"""

from __future__ import annotations

import re
from pathlib import Path

import html5rdf
import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from graph_service.config import Settings
from graph_service.graph.publish import dumps
from graph_service.graph.publish.void import describe_dataset
from graph_service.graph.rdf import formats
from graph_service.graph.rdf.namespace import FACTS_GRAPH, INFERRED_GRAPH, LIB, ONTOLOGY_GRAPH, SD, VOID_GRAPH
from graph_service.web import create_app

FIXTURE = Path(__file__).parent / "fixtures" / "linked_data" / "dataset.trig"
BASE = "https://w3id.org/liberation-kg/"
DATASET = URIRef(BASE + "void#dataset")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: A user's file is served with dumps named after it: dataset.trig -> /dumps/dataset.nq.
DUMPS = dumps.dumps_for("dataset")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    return create_app(Settings(serve_files=(FIXTURE,), snapshot_dir=tmp_path_factory.mktemp("build")))


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def expected() -> Dataset:
    ds = Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


def quads(ds: Dataset) -> set[tuple]:
    """Quads without blank nodes (parsers rename them), graph names as IRIs."""
    return {(s, p, o, g.identifier if isinstance(g, Graph) else g) for s, p, o, g in ds.quads()
            if not isinstance(s, BNode) and not isinstance(o, BNode)}


def parse(body: bytes, fmt: formats.Format) -> Dataset:
    ds = Dataset()
    ds.parse(data=body, format=fmt.rdflib_name)
    return ds


# --- Home page ---------------------------------------------------------------------------


def test_home_page_introduces_the_dataset_and_links_everywhere(client, expected):
    resp = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html5rdf.HTMLParser(strict=True).parse(resp.data)
    page = resp.data.decode()
    assert '<html lang="en">' in page
    facts = expected.graph(FACTS_GRAPH)
    capitals = set(facts.subjects(RDF.type, LIB.CapitalCity))
    assert capitals
    for capital in capitals:
        label = facts.value(capital, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        assert f'<a href="/{str(capital)[len(BASE):]}">{label}</a>' in page
    for href in ("/sparql", "/ontology", "/shapes", "/validate", "/void"):
        assert f'href="{href}"' in page
    for dump in DUMPS:
        assert f'href="/dumps/{dump.filename}"' in page


def test_home_sends_rdf_clients_to_the_dataset_description(client):
    resp = client.get("/", headers={"Accept": "text/turtle"})
    assert resp.status_code == 303
    assert resp.headers["Location"] == "http://localhost/void.ttl"
    assert "Accept" in resp.headers["Vary"]


# --- VoID ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def void(app) -> Graph:
    resp = app.test_client().get("/void", headers={"Accept": "*/*"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/turtle"  # the default for data clients
    return Graph().parse(data=resp.data, format="turtle")


def test_void_describes_the_dataset(void):
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.publisher, DCTERMS.source):
        assert void.value(DATASET, p) is not None, p
    assert void.value(DATASET, DCTERMS.source) == URIRef(BASE + "id/source/article")
    # A resource of the dataset, from which links lead on: not the home page
    assert list(void.objects(DATASET, VOID.rootResource)) == [URIRef(BASE + "id/source/article")]
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal(BASE + "id/")
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert examples and examples <= {URIRef(BASE + "id/city/paris"), URIRef(BASE + "id/city/rome")}
    vocabularies = set(void.objects(DATASET, VOID.vocabulary))
    assert URIRef(str(LIB)) in vocabularies
    assert URIRef("http://www.cidoc-crm.org/cidoc-crm/") in vocabularies  # an alignment target


def test_void_counts_the_triples_of_each_named_graph(void, expected):
    subsets = void.objects(DATASET, VOID.subset)
    by_name = {void.value(s, SD.name): void.value(s, VOID.triples) for s in subsets}
    for graph in (ONTOLOGY_GRAPH, FACTS_GRAPH, INFERRED_GRAPH):
        assert by_name[graph].toPython() == len(expected.graph(graph)), graph
    total = sum(len(expected.graph(g)) for g in (ONTOLOGY_GRAPH, FACTS_GRAPH, INFERRED_GRAPH))
    assert void.value(DATASET, VOID.triples).toPython() == total


def test_void_lists_every_dump_with_its_media_type(void):
    # One dump of the whole (VoID loads several together, as parts); the facts-only one is its
    # subset's; every one a distribution.
    assert set(void.objects(DATASET, VOID.dataDump)) == {URIRef(BASE + "dumps/dataset.nq")}
    facts = next(s for s in void.objects(DATASET, VOID.subset) if void.value(s, SD.name) == FACTS_GRAPH)
    assert set(void.objects(facts, VOID.dataDump)) == {URIRef(BASE + "dumps/dataset.ttl")}
    distributed = {void.value(d, DCAT.downloadURL) for d in void.objects(DATASET, DCAT.distribution)}
    assert distributed == {URIRef(BASE + d.path) for d in DUMPS}
    for dist in void.objects(DATASET, DCAT.distribution):
        url = void.value(dist, DCAT.downloadURL)
        dump = dumps.by_filename(str(url).rsplit("/", 1)[-1], "dataset")
        assert dump is not None
        assert str(void.value(dist, DCAT.mediaType)).endswith("/" + dump.fmt.media_type)


def test_void_links_to_wikidata_as_a_linkset(void, expected):
    linkset = next(s for s in void.objects(DATASET, VOID.subset) if (s, RDF.type, VOID.Linkset) in void)
    wikidata = [o for o in expected.graph(FACTS_GRAPH).objects() if str(o).startswith("http://www.wikidata.org/")]
    assert void.value(linkset, VOID.triples).toPython() == len(wikidata)
    # VoID's target is a dataset, not a namespace: described by where its items live
    target = void.value(linkset, VOID.objectsTarget)
    assert (target, RDF.type, VOID.Dataset) in void
    assert void.value(target, VOID.uriSpace) == Literal("http://www.wikidata.org/entity/")


def test_void_counts_the_resources_of_each_class(void, expected, project_client):
    # What a client sent from /id/ to the description learns of what there is (it had no partition).
    stated: dict = {}
    for g in (expected.graph(FACTS_GRAPH), expected.graph(ONTOLOGY_GRAPH)):  # not what is inferred
        for s, o in g.subject_objects(RDF.type):
            if isinstance(s, URIRef):  # VoID's entities have IRIs: no owl:AllDisjointClasses node
                stated.setdefault(o, set()).add(s)
    partitions = {void.value(p, VOID["class"]): void.value(p, VOID.entities).toPython()
                  for p in void.objects(DATASET, VOID.classPartition)}
    assert partitions and partitions == {c: len(members) for c, members in stated.items()}
    project = Graph().parse(data=project_client.get("/void.ttl").data, format="turtle")
    counted = {project.value(p, VOID["class"]): project.value(p, VOID.entities).toPython()
               for p in project.objects(DATASET, VOID.classPartition)}
    lib = "https://w3id.org/liberation-kg/ontology#"
    assert counted[URIRef(lib + "CapitalCity")] == 8 and counted[URIRef(lib + "Photograph")] > 40


def test_well_known_void_serves_the_same_description(client, void):
    resp = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert set(Graph().parse(data=resp.data, format="turtle")) == set(void)


@pytest.mark.parametrize("fmt", [f for f in formats.FORMATS if f.kind in ("graph", "dataset")],
                         ids=lambda f: f.name)
def test_void_in_every_rdf_format(client, void, fmt):
    resp = client.get(f"/void.{fmt.extension}")
    assert resp.status_code == 200 and resp.mimetype == fmt.media_type
    got = parse(resp.data, fmt)
    assert {(s, p, o) for s, p, o, _g in got.quads()} == set(void)


def test_void_page_for_browsers(client):
    resp = client.get("/void", headers={"Accept": BROWSER_ACCEPT})
    assert resp.mimetype == "text/html"
    html5rdf.HTMLParser(strict=True).parse(resp.data)
    page = resp.data.decode()
    assert "https://w3id.org/liberation-kg/graph/facts" in page
    assert '<a href="/id/city/paris">Paris</a>' in page
    assert 'href="/dumps/dataset.nq"' in page


def test_the_void_page_lists_the_wikidata_links_as_a_link_set_not_a_graph(project_client):
    page = project_client.get("/void", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    graphs = page[page.index('<section id="graphs">'):page.index("</section>", page.index('id="graphs"'))]
    assert "Links to Wikidata items" not in graphs and "linkset" not in graphs
    linksets = page[page.index('<section id="linksets">'):]
    assert re.search(r'Links to Wikidata items: \d+ links by <code>lib:wikidata</code> to '
                     r'<span id="wikidata">Wikidata</span>', linksets)


def test_served_description_is_the_snapshots_when_there_is_one(tmp_path):
    own = tmp_path / "with-void.trig"
    own.write_text(FIXTURE.read_text(encoding="utf-8") + f"""
<{VOID_GRAPH}> {{ <{DATASET}> a <{VOID}Dataset> ; <{DCTERMS}title> "From the snapshot" . }}
""", encoding="utf-8")
    client = create_app(Settings(serve_files=(own,), snapshot_dir=tmp_path)).test_client()
    g = Graph().parse(data=client.get("/void.ttl").data, format="turtle")
    assert g.value(DATASET, DCTERMS.title) == Literal("From the snapshot")


def test_describe_dataset_uses_the_configured_base_and_the_given_counts(expected):
    sources = expected.graph(FACTS_GRAPH) + expected.graph(ONTOLOGY_GRAPH)
    settings = Settings(base_iri="http://data.example.test/")
    counts = {str(FACTS_GRAPH): 12, str(INFERRED_GRAPH): 3}
    g = describe_dataset(settings, counts, sources=sources)
    ds = URIRef("http://data.example.test/void#dataset")
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef("http://data.example.test/sparql")
    assert URIRef("http://data.example.test/dumps/liberation.nq") in set(g.objects(ds, VOID.dataDump))
    # The description counts itself: it is one of the dataset's named graphs.
    assert g.value(ds, VOID.triples) == Literal(15 + len(g), datatype=XSD.integer)
    subsets = {g.value(s, SD.name): g.value(s, VOID.triples).toPython() for s in g.objects(ds, VOID.subset)
               if g.value(s, SD.name) is not None}
    assert subsets == {FACTS_GRAPH: 12, INFERRED_GRAPH: 3, VOID_GRAPH: len(g)}
    # No blank nodes, and the same input gives the same triples (the snapshot's hash stays stable).
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
    assert set(describe_dataset(settings, counts, sources=sources)) == set(g)


# --- Dumps -------------------------------------------------------------------------------


@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.filename)
def test_dump_is_a_download_with_its_media_type_and_validators(client, dump):
    resp = client.get(f"/dumps/{dump.filename}")
    assert resp.status_code == 200
    assert resp.mimetype == dump.fmt.media_type
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{dump.filename}"'
    again = client.get(f"/dumps/{dump.filename}", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    assert client.head(f"/dumps/{dump.filename}").headers["Content-Length"] == str(len(resp.data))
    # Where it is described, as every document says.
    described = '<http://localhost/void.ttl>; rel="describedby"; type="text/turtle"'
    assert described in resp.headers.getlist("Link")


def test_a_dump_names_its_licence_and_description(project_client):
    # The facts-only Turtle holds neither its licence nor the rights note (the description's):
    # a file downloaded alone carried no word of its terms.
    for name in ("liberation.ttl", "liberation.nq"):
        links = project_client.head(f"/dumps/{name}").headers.getlist("Link")
        assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in links, name
        assert '<http://localhost/void.ttl>; rel="describedby"; type="text/turtle"' in links, name


@pytest.mark.parametrize("name", ["nquads", "trig", "jsonld"])
def test_dataset_dumps_hold_every_named_graph(client, expected, name):
    dump = dumps.by_format(name, "dataset")
    got = parse(client.get(f"/dumps/{dump.filename}").data, dump.fmt)
    assert quads(got) == quads(expected)
    assert len(list(got.quads())) == len(list(expected.quads()))


def test_turtle_dump_holds_the_asserted_facts_only(client, expected):
    got = Graph().parse(data=client.get("/dumps/dataset.ttl").data, format="turtle")
    facts = expected.graph(FACTS_GRAPH)
    assert len(got) == len(facts)
    assert {t for t in got if not any(isinstance(x, BNode) for x in t)} == {
        t for t in facts if not any(isinstance(x, BNode) for x in t)}


def test_unknown_dump_is_404(client):
    resp = client.get("/dumps/dataset.xml", headers={"Accept": "text/plain"})
    assert resp.status_code == 404
    assert b"dataset.nq" in resp.data  # names the dumps there are


def test_files_served_together_keep_their_blank_nodes_apart(tmp_path):
    """RDF merges documents, it does not unite them: `_:b0` of one export is not `_:b0` of
    another. Both the queries and the dumps see two nodes."""
    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    first.write_bytes(b'_:b0 <http://example.org/name> "first" .\n')
    second.write_bytes(b'_:b0 <http://example.org/name> "second" .\n')
    client = create_app(Settings(serve_files=(first, second), snapshot_dir=tmp_path / "build")).test_client()
    resp = client.post("/sparql", data={"query": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"})
    assert resp.get_json()["results"]["bindings"][0]["n"]["value"] == "2"
    dump = ox.parse(client.get("/dumps/first.nq").data, format=ox.RdfFormat.N_QUADS)
    assert len({q.subject for q in dump}) == 2


def test_a_served_files_dump_is_the_same_in_every_process(tmp_path):
    """The parser names anonymous blank nodes at random; the dumps label them by their place in
    the files, so every serving process writes the same bytes and the same ETag (a 304 holds)."""
    data = tmp_path / "data.ttl"
    data.write_bytes(b"@prefix ex: <http://example.org/> . ex:a ex:p [ ex:q ( 1 2 ) ] .\n")
    settings = Settings(serve_files=(data,), snapshot_dir=tmp_path / "build")
    answers = [create_app(settings).test_client().get("/dumps/data.nq") for _ in range(2)]
    assert answers[0].status_code == 200 and b"_:" in answers[0].data
    assert answers[0].data == answers[1].data
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"]


@pytest.mark.parametrize("name, body", [
    ("data.ttl", b'@prefix ex: <http://example.org/> . ex:a ex:p "x" .\n'),
    ("data.nt", b'<http://example.org/a> <http://example.org/p> "x" .\n'),
    ("data.trig", b'@prefix ex: <http://example.org/> . ex:g { ex:a ex:p "x" . }\n'),
])
def test_serve_file_skips_a_byte_order_mark(tmp_path: Path, name: str, body: bytes) -> None:
    """`graph-service serve FILE` reads a file saved by a Windows editor (a UTF-8 byte-order mark
    before the text), as rdflib and pySHACL do, rather than refusing its first character."""
    data = tmp_path / name
    data.write_bytes(b"\xef\xbb\xbf" + body)
    client = create_app(Settings(serve_files=(data,), snapshot_dir=tmp_path / "build")).test_client()
    # The default graph is the union of the file's graphs.
    resp = client.get("/sparql", query_string={"query": "SELECT ?o WHERE { ?s ?p ?o }"},
                      headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.get_data(as_text=True).splitlines()[1:] == ["x"]


def test_the_home_and_void_pages_name_the_article_by_its_title(project_client):
    """The description names its source by IRI; the title is the facts' (said once, in their
    graph), and both pages find it there."""
    title = "Fascinating Pictures: How Allied Troops Were Welcomed as They Liberated Europe’s Capitals"
    home = project_client.get("/", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert f'<cite><a href="/id/source/article">{title}</a></cite>' in home
    void = project_client.get("/void", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert f'<dt>Source</dt><dd><a href="/id/source/article">{title}</a></dd>' in void


def test_pages_of_a_users_own_files_offer_nothing_of_the_articles(tmp_path):
    own = tmp_path / "cats.ttl"
    own.write_text("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                   "<http://example.org/id/cat/tom> a <http://example.org/Cat> ; rdfs:label \"Tom\" .\n",
                   encoding="utf-8")
    client = create_app(Settings(serve_files=(own,), snapshot_dir=tmp_path / "build",
                                 base_iri="http://example.org/")).test_client()
    editor = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    # The article's example questions and the opening query about liberations are the project's.
    assert "Example questions" not in editor and "liberat" not in editor.lower()
    assert "What kinds of things does the data hold" in editor
    page = client.get("/doc/cat/tom.html").get_data(as_text=True)
    assert "Tom" in page
    assert "quote" not in page.lower(), "a page of a user's data speaks of the article's quotes"
    # Beside it, the project's own graph keeps its examples.
    project = create_app(Settings(serve_files=(FIXTURE,), snapshot_dir=tmp_path / "project")).test_client()
    page = project.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "Example questions" in page


@pytest.mark.parametrize("subject, base, warned", [
    ("http://example.org/id/cat/tom", None, True),
    ("http://example.org/id/cat/tom", "http://example.org/", False),
    # the pages answer for the project's own base too, whatever the base given
    ("https://w3id.org/liberation-kg/id/cat/tom", "http://example.org/", False),
])
def test_serve_warns_when_no_subject_of_the_files_is_under_the_base(tmp_path, subject, base, warned):
    from click.testing import CliRunner

    from graph_service.cli import main

    own = tmp_path / "cats.nt"
    own.write_text(f'<{subject}> <http://www.w3.org/2000/01/rdf-schema#label> "Tom" .\n', encoding="utf-8")
    # An address no host has: serve stops after its checks, before it would listen.
    args = ["serve", str(own), "--host", "256.0.0.1", "--port", "0"]
    args += ["--base-iri", base] if base else []
    result = CliRunner().invoke(main, args, env={"GRAPH_SERVICE_SNAPSHOT_DIR": str(tmp_path / "build")})
    assert result.exit_code == 2 and "cannot listen on 256.0.0.1" in result.stderr
    assert ("warning: no subject in the files is under the base IRI" in result.stderr) is warned
