"""The project's shapes: GET /shapes in every format, the HTML listing, and the census."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDFS
from rdflib.compare import isomorphic

from graph_service.config import Settings
from graph_service.graph.build.shapes import census
from graph_service.graph.build.shapes import describe_shapes as describe
from graph_service.graph.rdf import documents as sources
from graph_service.graph.rdf import formats
from graph_service.graph.rdf.namespace import LIB, SH, SHAPES
from graph_service.web import create_app

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def client_for(tmp_path: Path, shapes: Path):
    settings = Settings.from_env(shapes_path=shapes, ontology_path=FIXTURES / "ontology.ttl",
                                 serve_files=(FIXTURES / "valid.ttl",), snapshot_dir=tmp_path)
    return create_app(settings).test_client()


@pytest.fixture(scope="module")
def client(snapshots: Path):
    """One app for the module: GET /shapes keeps nothing between requests."""
    return client_for(snapshots, FIXTURES / "shapes.ttl")


def test_census_counts_shapes_and_constraints() -> None:
    counted = census(sources.read_graph(FIXTURES / "shapes.ttl"))
    # 2 node shapes; 4 property shapes; constraints: label minCount+datatype, place class,
    # evidence minCount, text minCount+maxCount+minLength, one SPARQL constraint.
    assert (counted.node_shapes, counted.property_shapes, counted.shapes) == (2, 4, 6)
    assert (counted.constraints, counted.sparql_constraints) == (8, 1)


def test_describe_lists_targets_properties_and_messages() -> None:
    shapes = sources.read_graph(FIXTURES / "shapes.ttl")
    event, quote = describe(shapes)
    assert (event.node, event.label) == (SHAPES.EventShape, "Event")
    assert event.targets == [(SH.targetClass, LIB.Event)]
    assert [p.path for p in event.properties] == [LIB.evidence, LIB.place, RDFS.label]
    evidence = event.properties[0]
    assert evidence.severity == SH.Warning
    assert evidence.messages == ["An event cites the sentence it comes from."]
    (sparql,) = [c for c in quote.constraints if c.parameter == SH.sparql]
    assert "FILTER NOT EXISTS" in sparql.query
    assert sparql.messages == ["A quote is the evidence of something."]


@pytest.mark.parametrize("accept, fmt", [(None, "turtle"), ("text/turtle", "turtle"),
                                         ("application/ld+json", "jsonld"),
                                         ("application/n-triples", "ntriples"),
                                         ("application/rdf+xml", "rdfxml")])
def test_the_shapes_graph_in_each_format(client, accept: str | None, fmt: str) -> None:
    resp = client.get("/shapes", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert resp.mimetype == formats.by_name(fmt).media_type
    assert "Accept" in resp.headers["Vary"]
    served = sources.quads_to_graph(sources.parse_quads(resp.get_data(), formats.by_name(fmt), "shapes"))
    assert isomorphic(served, sources.read_graph(FIXTURES / "shapes.ttl"))


@pytest.mark.parametrize("ext", ["ttl", "jsonld", "nt", "rdf", "html"])
def test_one_url_per_format(client, ext: str) -> None:
    resp = client.get(f"/shapes.{ext}")
    assert resp.status_code == 200
    assert resp.mimetype == formats.by_extension(ext).media_type


def test_unknown_extension_is_404(client) -> None:
    assert client.get("/shapes.yaml").status_code == 404


def test_conditional_get(client) -> None:
    first = client.get("/shapes")
    again = client.get("/shapes", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_html_listing(client) -> None:
    resp = client.get("/shapes", headers={"Accept": BROWSER})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    # Shape IRIs <base>shapes#Name are dereferenced to anchors of this page.
    assert set(re.findall(r'<section class="shape" id="([^"]+)"', page)) == {"EventShape", "QuoteShape"}
    assert '<a href="#EventShape">Event</a>' in page
    assert "2 node shapes" in page and "4 property shapes" in page and "8 constraints" in page
    assert 'sh:targetClass <a href="/ontology#Event">lib:Event</a>' in page
    assert "An event cites the sentence it comes from." in page
    assert "Warning" in page and "sh:minCount 1" in page
    assert "FILTER NOT EXISTS" in page


def test_the_listing_escapes_the_shapes_text(tmp_path: Path, snapshots: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                      "<https://w3id.org/liberation-kg/shapes#S> a sh:NodeShape ;\n"
                      '  rdfs:comment "<script>alert(1)</script>" .\n', encoding="utf-8")
    page = client_for(snapshots, shapes).get("/shapes.html").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


def test_without_a_shapes_file_the_listing_is_empty(tmp_path: Path, snapshots: Path) -> None:
    client = client_for(snapshots, tmp_path / "missing.ttl")
    page = client.get("/shapes", headers={"Accept": BROWSER})
    assert page.status_code == 200 and "no shapes yet" in page.get_data(as_text=True)
    turtle = client.get("/shapes")
    assert turtle.status_code == 200
    assert len(sources.parse_quads(turtle.get_data(), formats.by_name("turtle"))) == 0
