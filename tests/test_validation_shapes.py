"""The project's shapes: GET /shapes in every format, the HTML listing, and the census."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from canonical import canonical
from rdflib import RDFS
from rdflib.compare import isomorphic

from graph_service.config import Settings
from graph_service.graph.rdf import documents, formats
from graph_service.graph.rdf.namespace import LIB, SH, SHAPES
from graph_service.graph.shacl.shapes import census
from graph_service.graph.shacl.shapes import describe_shapes as describe
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
    counted = census(documents.read_graph(FIXTURES / "shapes.ttl"))
    # 2 node shapes; 4 property shapes; constraints: label minCount+datatype, place class,
    # evidence minCount, text minCount+maxCount+minLength, one SPARQL constraint.
    assert (counted.node_shapes, counted.property_shapes, counted.shapes) == (2, 4, 6)
    assert (counted.constraints, counted.sparql_constraints) == (8, 1)


def test_describe_lists_targets_properties_and_messages() -> None:
    shapes = documents.read_graph(FIXTURES / "shapes.ttl")
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
    served = documents.quads_to_graph(documents.parse_quads(resp.get_data(), formats.by_name(fmt), "shapes"))
    assert isomorphic(served, documents.read_graph(FIXTURES / "shapes.ttl"))


@pytest.mark.parametrize("ext", ["ttl", "jsonld", "nt", "rdf", "trig", "nq", "html"])
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
    assert len(documents.parse_quads(turtle.get_data(), formats.by_name("turtle"))) == 0


# --- the project's shapes as served --------------------------------------------------------------

PROJECT_SHAPES = Path(__file__).resolve().parent.parent / "shapes" / "liberation.ttl"


def test_the_turtle_is_the_file_as_authored_and_the_same_graph_as_the_other_formats(project_client) -> None:
    # The escaped-base rewrite used to run under the canonical base too, and wrote the IRI pattern
    # `^https://w3id\\.org/liberation-kg/` as `...liberation\\-kg/`: not the graph /shapes.nt served.
    turtle = project_client.get("/shapes.ttl")
    assert turtle.status_code == 200
    authored = PROJECT_SHAPES.read_bytes()
    (pattern,) = re.findall(rb'sh:pattern "\^https://w3id[^"]*"', authored)
    assert pattern in turtle.data
    assert turtle.data == authored
    as_turtle = canonical(documents.parse_quads(turtle.data, formats.by_name("turtle"), "shapes"))
    assert len(as_turtle) > 1000
    for ext in ("nt", "rdf", "jsonld", "trig", "nq"):
        other = project_client.get(f"/shapes.{ext}")
        served = canonical(documents.parse_quads(other.data, formats.by_extension(ext), "shapes"))
        assert as_turtle == served, ext



_DOCUMENTS_IN_A_PROCESS = """
import hashlib, json, sys
from graph_service.config import Settings
from graph_service.web import create_app
client = create_app(Settings.from_env()).test_client()
seen = {}
for path in json.loads(sys.argv[1]):
    resp = client.get(path)
    seen[path] = [resp.status_code, hashlib.sha256(resp.data).hexdigest(), resp.headers.get("ETag")]
print(json.dumps(seen))
"""


def test_every_process_writes_the_same_bytes_and_etag(project_client) -> None:
    # Each gunicorn worker is a process of its own: the shapes' blank nodes (rdflib's, fresh in each
    # process) used to get other labels in each, so a client's If-None-Match hit in half of them.
    paths = [f"/{doc}.{ext}" for doc in ("shapes", "ontology", "void")
             for ext in ("ttl", "nt", "rdf", "jsonld", "trig", "nq")]
    # And a resource's page and description, whose values rest on several quotes each; and an
    # earlier ontology version, whose blank nodes the parser labels afresh in each process.
    paths += ["/doc/city/paris.html", "/doc/city/paris.ttl", "/ontology/1.2.0.nt", "/ontology/1.2.0.trig"]

    # This process and another one (which opens the snapshot `project_client`'s app built).
    first = {}
    for path in paths:
        resp = project_client.get(path)
        first[path] = [resp.status_code, hashlib.sha256(resp.data).hexdigest(), resp.headers.get("ETag")]
    done = subprocess.run([sys.executable, "-c", _DOCUMENTS_IN_A_PROCESS, json.dumps(paths)],
                          capture_output=True, text=True, timeout=300, check=True)
    second = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(first[p][0] == 200 for p in paths), first
    assert all(first[p][2] for p in paths)  # a strong ETag on each
    assert first == second


def test_the_shapes_graph_as_a_dataset(client) -> None:
    # As /ontology and /void are: TriG and N-Quads hold the shapes in their graph of the snapshot.
    for ext, accept in (("trig", "application/trig"), ("nq", "application/n-quads")):
        fmt = formats.by_extension(ext)
        for resp in (client.get(f"/shapes.{ext}"), client.get("/shapes", headers={"Accept": accept})):
            assert resp.status_code == 200 and resp.mimetype == fmt.media_type
            quads = documents.parse_quads(resp.data, fmt, "shapes")
            assert {q.graph_name.value for q in quads} == {"https://w3id.org/liberation-kg/graph/shapes"}
            assert isomorphic(documents.quads_to_graph(quads), documents.read_graph(FIXTURES / "shapes.ttl"))


def test_the_shapes_are_open_to_any_origin(client) -> None:
    for path in ("/shapes", "/shapes.ttl", "/shapes.nt", "/shapes.html", "/shapes.trig"):
        resp = client.get(path, headers={"Origin": "https://reader.example"})
        assert resp.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in resp.headers
        assert "ETag" in resp.headers["Access-Control-Expose-Headers"]
    # The validation service is not: a page of another origin cannot post to it and read the answer.
    posted = client.post("/validate", data=b"<a:b> <a:c> <a:d> .", headers={
        "Origin": "https://reader.example", "Content-Type": "application/n-triples"})
    assert posted.status_code == 200 and "Access-Control-Allow-Origin" not in posted.headers
    preflight = client.options("/validate", headers={"Origin": "https://reader.example",
                                                     "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_the_shapes_page_is_made_once_per_version_of_the_file(tmp_path: Path) -> None:
    """Kept between requests (it cost 60 ms each), made again when the file changes."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text((FIXTURES / "shapes.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    client = client_for(tmp_path, shapes)
    first = client.get("/shapes", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert client.get("/shapes", headers={"Accept": BROWSER}).get_data(as_text=True) == first
    shapes.write_text(shapes.read_text(encoding="utf-8") + """
<http://example.org/shapes#Added> a <http://www.w3.org/ns/shacl#NodeShape> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "A shape added later" .
""", encoding="utf-8")
    again = client.get("/shapes", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "A shape added later" in again and "A shape added later" not in first
    assert "A shape added later" in client.get("/shapes.nt").get_data(as_text=True)
