"""A user's own files (`graph-service serve FILE`): published for what they are, with nothing of the
project's claimed for them (its licence, publisher, article, description, graphs or ontology).

In process over a small TriG of the test's own (a default graph and one named graph, no licence,
no ontology); the project's own graph is checked beside it, its description unchanged.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID

from graph_service.config import Settings
from graph_service.graph.publish import dumps
from graph_service.graph.publish.void import DEFAULT_LICENSE, DESCRIPTION, PUBLISHER_NAME, describe_dataset
from graph_service.graph.rdf.namespace import SD
from graph_service.web import create_app

BASE = "https://w3id.org/liberation-kg/"
DATASET = URIRef(BASE + "void#dataset")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MY_DATA = """@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "A" ; ex:knows ex:b .
ex:letters { ex:b rdfs:label "B" ; ex:code "X1" . }
"""
#: What a page or a description of a user's file must not say: the project's claims.
PROJECTS_WORDS = ("Liberation Knowledge Graph project", "creativecommons.org", "1944",
                  "ontology, facts, inferred", "asserted facts")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("own")
    path = folder / "my.trig"
    path.write_text(MY_DATA, encoding="utf-8")
    return create_app(Settings(serve_files=(path,), snapshot_dir=folder / "build")).test_client()


@pytest.fixture(scope="module")
def void(client) -> Graph:
    resp = client.get("/void", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    for words in PROJECTS_WORDS:
        assert words not in resp.get_data(as_text=True), words
    return Graph().parse(data=resp.data, format="turtle")


def test_the_description_of_a_users_file_claims_no_licence_publisher_source_or_description(void):
    assert (DATASET, RDF.type, VOID.Dataset) in void and (DATASET, RDF.type, DCAT.Dataset) in void
    for p in (DCTERMS.license, DCTERMS.publisher, DCTERMS.source, DCTERMS.description):
        assert void.value(DATASET, p) is None, p
    assert not list(void.subjects(RDF.type, FOAF.Organization))
    # What is true of the file is still said: its name, size, graphs, endpoint and dumps.
    assert void.value(DATASET, DCTERMS.title) == Literal("my.trig", lang="en")
    assert void.value(DATASET, VOID.triples).toPython() == 4
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    graphs = {void.value(s, SD.name): void.value(s, VOID.triples).toPython()
              for s in void.objects(DATASET, VOID.subset)}
    assert graphs == {URIRef("http://example.org/letters"): 2}


def test_the_description_page_shows_no_licence_or_publisher(client):
    page = client.get("/void", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1" in page and "my.trig" in page
    for term in ("Licence", "Publisher", "Source"):
        assert f"<dt>{term}</dt>" not in page, term
    for words in PROJECTS_WORDS:
        assert words not in page, words


def test_the_service_description_names_the_file_not_the_project(client):
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    g = Graph().parse(data=resp.data, format="turtle")
    service = next(g.subjects(RDF.type, SD.Service))
    assert g.value(service, DCTERMS.title) == Literal("my.trig: SPARQL endpoint")


def test_dumps_are_described_by_what_they_hold(client, void):
    described = {str(void.value(d, DCAT.downloadURL)).rsplit("/", 1)[-1]:
                 str(void.value(d, DCTERMS.description)) for d in void.objects(DATASET, DCAT.distribution)}
    assert described == {
        "my.nq": "Every graph of the served data: its default graph and each named graph.",
        "my.trig": "Every graph of the served data, in TriG.",
        "my.jsonld": "Every graph of the served data, in JSON-LD (one @graph per named graph).",
        "my.ttl": "The default graph of the served data only (the triples in no named graph).",
    }
    home = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    for dump in dumps.dumps_for("my", project=False):
        assert f'{dump.filename}</a> ({dump.fmt.label}): {dump.description}</li>' in home
    # ... and they hold it: the Turtle dump is the default graph.
    turtle = Graph().parse(data=client.get("/dumps/my.ttl").data, format="turtle")
    assert len(turtle) == 2 and (URIRef("http://example.org/a"), None, None) in turtle


def test_the_home_page_says_only_what_the_file_holds(client):
    home = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "<h1>my.trig</h1>" in home
    assert 'class="lead"' not in home and 'class="article"' not in home
    assert "4 triples in the default graph and 1 named graph;" in home
    assert "VoID and DCAT: vocabularies, graph sizes." in home
    for words in (*PROJECTS_WORDS, "Liberation", "inferred ones apart", "licence"):
        assert words not in home, words


@pytest.mark.parametrize("path", ["/ontology", "/ontology.html", "/ontology.ttl", "/ontology.nq",
                                  "/ontology.jsonld", "/ontology.rdf"])
def test_no_ontology_is_a_404_that_says_so(client, path):
    resp = client.get(path, headers={"Accept": BROWSER})
    assert resp.status_code == 404, path
    # The page says why; an RDF document in a comment (JSON-LD in a key no context maps), its
    # parser still succeeding.
    assert "this dataset has no ontology" in resp.get_data(as_text=True)
    if path.endswith(".jsonld"):
        assert resp.get_json()["@graph"] == []


def test_pages_do_not_link_to_an_ontology_there_is_not(client):
    for path in ("/", "/void", "/sparql", "/validate", "/shapes"):
        page = client.get(path, headers={"Accept": BROWSER}).get_data(as_text=True)
        assert 'href="/ontology"' not in page, path


def test_the_home_page_of_a_users_file_has_no_section_of_capitals(client):
    page = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert 'id="capitals"' not in page and "No capital cities" not in page


def test_the_shapes_are_said_to_be_the_services_not_the_files(client):
    # Still served: /validate applies them when it is sent no shapes, and its reports name them.
    assert client.get("/shapes.ttl").status_code == 200
    page = client.get("/shapes", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "the project's data is validated with" not in page
    assert ("These are this service's own shapes (the Liberation Knowledge Graph project's), which "
            "validation applies to data sent without shapes (and holding none): they are not part of "
            "the data served here (my.trig)") in page
    form = client.get("/validate").get_data(as_text=True)
    assert "shapes this service comes with</a> (not shapes of the data served here)." in form


def test_describe_dataset_of_other_data_says_nothing_of_the_project():
    sources = Graph().parse(data=MY_DATA.replace("ex:letters {", "").replace(". }", "."), format="turtle")
    g = describe_dataset(Settings(), {"": 4}, sources=sources, in_dataset=False, title="my", project=False)
    assert g.value(DATASET, DCTERMS.title) == Literal("my", lang="en")
    for term in (Literal(DESCRIPTION, lang="en"), DEFAULT_LICENSE, Literal(PUBLISHER_NAME, lang="en")):
        assert (None, None, term) not in g, term


# --- the project's own graph, as before ---------------------------------------------------------


def test_the_projects_own_description_keeps_its_licence_publisher_and_article(project_client):
    g = Graph().parse(data=project_client.get("/void.ttl").data, format="turtle")
    assert g.value(DATASET, DCTERMS.license) == DEFAULT_LICENSE
    assert g.value(DATASET, DCTERMS.description) == Literal(DESCRIPTION, lang="en")
    assert g.value(g.value(DATASET, DCTERMS.publisher), FOAF.name) == Literal(PUBLISHER_NAME, lang="en")
    assert g.value(DATASET, DCTERMS.source) is not None
    described = {str(g.value(d, DCTERMS.description)) for d in g.objects(DATASET, DCAT.distribution)}
    assert described == {d.description[:1].upper() + d.description[1:] + "." for d in dumps.DUMPS}
    sd = Graph().parse(data=project_client.get("/sparql", headers={"Accept": "text/turtle"}).data,
                       format="turtle")
    assert (None, DCTERMS.title, Literal("The Liberation Knowledge Graph: SPARQL endpoint")) in sd
    assert project_client.get("/ontology.ttl").status_code == 200
    home = project_client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "(asserted facts and inferred ones apart)" in home and 'href="/ontology"' in home
