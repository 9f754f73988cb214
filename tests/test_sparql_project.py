"""The project's own graph through the real endpoint, as `make serve` serves it."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from graph_service.config import PROJECT_ROOT, Settings
from graph_service.graph import graph_counts, load_store
from graph_service.graph.query.examples import load_examples
from graph_service.graph.rdf.namespace import SD

SETTINGS = Settings.from_env()
EXAMPLES = load_examples(SETTINGS.queries_dir, PROJECT_ROOT / "bench" / "queries")
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


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_every_example_query_answers_through_http(live_server, example):
    resp = requests.post(live_server.sparql, data=example.text.encode(), timeout=60, headers={
        "Content-Type": "application/sparql-query",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"})
    assert resp.status_code == 200, resp.text
    if resp.headers["Content-Type"].startswith("text/turtle"):
        Graph().parse(data=resp.text, format="turtle")
    else:
        assert "head" in resp.json()


def test_the_editor_offers_the_example_queries(live_server):
    page = requests.get(live_server.sparql, headers={"Accept": "text/html"}, timeout=30).text
    for example in load_examples(SETTINGS.queries_dir):
        assert f'data-name="{example.name}"' in page
