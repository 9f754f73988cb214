"""The project's own graph through the endpoint, as `make serve` serves it (the example queries' answers
over HTTP are checked in test_queries.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import VOID

from graph_service.config import Settings
from graph_service.graph import graph_counts, load_store
from graph_service.graph.query.examples import load_examples
from graph_service.graph.rdf.namespace import SD

SETTINGS = Settings.from_env()
MISSING = [str(p) for p in (SETTINGS.ontology_path, SETTINGS.data_path, SETTINGS.shapes_path)
           if not Path(p).exists()]
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"project sources not written yet: {MISSING}")


def test_service_description_lists_the_project_graphs(live_server):
    expected = {g: n for g, n in graph_counts(load_store(SETTINGS)).items() if g}
    g = Graph().parse(data=requests.get(live_server.sparql, headers={"Accept": "text/turtle"},
                                        timeout=30).text, format="turtle")
    dataset = g.value(URIRef(live_server.sparql), SD.defaultDataset)
    counts = {str(g.value(ng, SD.name)): int(g.value(g.value(ng, SD.graph), VOID.triples))
              for ng in g.objects(dataset, SD.namedGraph)}
    assert counts == expected
    assert any(name.endswith("graph/facts") for name in counts)
    # The graphs FROM may name (any other is refused): the same ones (SD 3.2, sd:availableGraphs).
    available = g.value(URIRef(live_server.sparql), SD.availableGraphs)
    assert (available, RDF.type, SD.GraphCollection) in g
    assert {str(g.value(ng, SD.name)) for ng in g.objects(available, SD.namedGraph)} == set(expected)


def test_the_service_description_and_the_dataset_description_meet_on_the_dataset(live_server):
    # They named nothing in common (the service a blank-node dataset, VoID its own IRI and the
    # canonical endpoint): a client merging the two had two unrelated services.
    turtle = {"Accept": "text/turtle"}
    sd = requests.get(live_server.sparql, headers=turtle, timeout=30)
    void = requests.get(live_server.url + "void", headers=turtle, timeout=30)
    merged = Graph().parse(data=sd.text, format="turtle").parse(data=void.text, format="turtle")
    dataset = merged.value(URIRef(live_server.sparql), SD.defaultDataset)
    assert dataset == URIRef("https://w3id.org/liberation-kg/void#dataset")
    assert (dataset, RDF.type, VOID.Dataset) in merged and (dataset, RDF.type, SD.Dataset) in merged
    assert merged.value(dataset, VOID.sparqlEndpoint) is not None
    assert int(merged.value(merged.value(dataset, SD.defaultGraph), VOID.triples)) == int(
        merged.value(dataset, VOID.triples))
    # Revalidated like every other document.
    assert sd.headers["ETag"] and "max-age" in sd.headers["Cache-Control"]
    again = requests.get(live_server.sparql, headers={**turtle, "If-None-Match": sd.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304 and again.content == b""


def test_the_editor_offers_the_example_queries(project_client):
    page = project_client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    for example in load_examples(SETTINGS.queries_dir):
        assert f'data-name="{example.name}"' in page


def test_a_described_resource_is_written_once_in_turtle(project_client):
    # Its triples came in four blocks, `a` in each, where a Turtle reader expects one.
    resp = project_client.post("/sparql", headers={"Accept": "text/turtle"},
                               data={"query": "DESCRIBE <https://w3id.org/liberation-kg/id/city/paris>"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    blocks = [line for line in body.splitlines() if line.startswith("<https://w3id.org/liberation-kg/id/city/paris>")]
    assert len(blocks) == 1
    assert len(re.findall(r"(?m)(?:^\s+|^<[^>]*> )a ", body)) == 1  # `a` once, first or after `;`
    graph = Graph().parse(data=body, format="turtle")
    assert len(graph) > 20


def test_a_misspelt_graph_name_is_answered_with_the_graph_meant(project_client):
    def message(iri: str) -> str:
        resp = project_client.get("/sparql", query_string={"query": f"ASK FROM <{iri}> {{ ?s ?p ?o }}"},
                                  headers={"Accept": "application/json"})
        assert resp.status_code == 400
        return resp.get_json()["message"]

    base = "https://w3id.org/liberation-kg/graph/"
    assert f"names no graph of this store (did you mean <{base}facts>?)" in message(base + "fact")
    # Under the same base, but close to none of the names: no guess.
    assert "did you mean" not in message(base + "nothing")
