"""The graph published under a base of the deployer's choosing (`--base-iri`).

The sources are written under the canonical base; served under another, every IRI of every
graph moves there, and nothing else changes: the same triples, the same counts, the same answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from inprocess import InProcess
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, VOID

from graph_service.cli import main
from graph_service.config import DEFAULT_BASE, Settings
from graph_service.graph import rebase_text
from graph_service.web import create_app

BASE = "https://data.example.net/kg/"
QUERIES = Path(__file__).resolve().parent.parent / "queries"
#: Namespaces the graph uses that are not its own: vocabularies and the places it links to.
EXTERNAL = ("http://www.w3.org/", "https://www.w3.org/", "http://www.cidoc-crm.org/", "http://purl.org/",
            "http://semanticweb.cs.vu.nl/", "http://www.wikidata.org/entity/", "https://www.wikidata.org/",
            "https://schema.org/",
            "http://xmlns.com/foaf/", "http://rdfs.org/ns/void#", "https://creativecommons.org/",
            "https://www.iana.org/", "http://www.opengis.net/", "https://www.geonames.org/",
            "https://sws.geonames.org/", "https://www.naturalearthdata.com/", "https://en.wikipedia.org/",
            "https://www.theguardian.com/", "https://time.com/", "https://www.nationalww2museum.org/",
            "https://www.history.com/", "https://www.warhistoryonline.com/",
            "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
            # the sources other accounts are cited from (rdfs:seeAlso on the disputed claims)
            "https://news.mc/", "https://riviera-press.fr/", "https://www.polonianews.com/",
            "https://www.journal.lu/", "https://today.rtl.lu/", "https://luxembourg.public.lu/",
            "http://mobi.naturpark-our.lu/", "https://www.tracesofwar.com/", "https://monarchie.lu/",
            "https://www.liberationroute.com/", "https://www.wantedinrome.com/", "http://www.historycentral.com/",
            "http://warsawid.blogspot.com/")


@pytest.fixture(scope="module")
def rebased() -> InProcess:
    return InProcess(create_app(Settings.from_env(base_iri=BASE)))


@pytest.fixture(scope="module")
def canonical(project_app) -> InProcess:
    return InProcess(project_app)


def _iris(nquads: bytes) -> set[str]:
    return {t.value for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
            for t in (q.subject, q.predicate, q.object, q.graph_name) if isinstance(t, ox.NamedNode)}


def test_every_iri_of_the_full_dump_is_under_the_base_or_external(rebased, canonical):
    dump = rebased.get("/dumps/liberation.nq").content
    iris = _iris(dump)
    stray = sorted(i for i in iris if not i.startswith(BASE) and not i.startswith(EXTERNAL))
    assert not stray, stray[:10]
    assert DEFAULT_BASE.encode() not in dump  # not even in text: shapes' patterns, comments
    # The same triples: one to one, IRI for IRI.
    original = _iris(canonical.get("/dumps/liberation.nq").content)
    assert {i.replace(DEFAULT_BASE, BASE, 1) for i in original} == iris
    assert len(dump.splitlines()) == len(canonical.get("/dumps/liberation.nq").content.splitlines())


def test_void_names_the_base_and_agrees_with_the_data(rebased):
    void = Graph().parse(data=rebased.get("/void", headers={"Accept": "text/turtle"}).content,
                         format="turtle")
    dataset = URIRef(BASE + "id/dataset/liberation") if (URIRef(BASE + "id/dataset/liberation"), None,
                                                          None) in void else next(void.subjects(
        VOID.uriSpace, None))
    assert str(void.value(dataset, VOID.uriSpace)) == BASE + "id/"
    total = int(void.value(dataset, VOID.triples))
    dump = rebased.get("/dumps/liberation.nq").content
    assert total == len(set(dump.splitlines()))
    assert all(str(s).startswith(BASE) for s in void.subjects() if isinstance(s, URIRef))


def test_a_resource_under_the_base_dereferences_to_its_description(rebased):
    resp = rebased.get("/id/city/paris", headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/doc/city/paris.ttl")
    doc = Graph().parse(data=rebased.get("/doc/city/paris.ttl").content, format="turtle")
    paris = URIRef(BASE + "id/city/paris")
    assert (paris, None, None) in doc
    assert not any(str(t).startswith(DEFAULT_BASE) for triple in doc for t in triple)
    # Prefixed names follow the base: `lib:` is the ontology under it.
    assert f"@prefix lib: <{BASE}ontology#>" in rebased.get("/doc/city/paris.ttl").text


def test_pages_link_to_the_local_service_whatever_the_base(rebased):
    page = rebased.get("/doc/city/paris.html").text
    assert BASE + "id/city/paris" in page  # the page says which IRI it describes
    hrefs = re.findall(r'href="([^"]+)"', page)
    own = [h for h in hrefs if h.startswith((BASE, DEFAULT_BASE))]
    assert not own, own[:5]  # links to the graph's resources stay on this service
    assert "/id/event/liberation-of-paris" in hrefs
    # The data's shorthand in its notes (event:..., lib:...) links under the base too.
    note = rebased.get("/doc/event/liberation-of-amsterdam.html").text
    assert 'title="event:dam-square-shooting">German marines fire on civilians in Dam Square</a>' in note
    assert '<a href="/ontology#receptionOf" title="reception of">lib:receptionOf</a>' in note


def test_example_queries_are_shown_and_answered_under_the_base(rebased, canonical):
    page = rebased.get("/sparql", headers={"Accept": "text/html"}).text
    assert DEFAULT_BASE not in page
    text = (QUERIES / "01-capitals-in-order-of-liberation.rq").read_text(encoding="utf-8")
    moved = text.replace(DEFAULT_BASE, BASE)
    got = rebased.post("/sparql", data={"query": moved}, headers={"Accept": "text/csv"}).text
    want = canonical.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"}).text
    assert got == want.replace(DEFAULT_BASE, BASE)
    assert BASE + "id/city/rome" in got


def test_the_projects_shapes_hold_for_data_under_the_base(rebased):
    """A user validating data under the base against the project's shapes: the IRI pattern the
    shapes require is the base's."""
    shapes = rebased.get("/shapes", headers={"Accept": "text/turtle"}).text
    assert re.escape(BASE) in shapes or BASE.replace(".", "\\\\.") in shapes
    data = (f"@prefix lib: <{BASE}ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            f"<{BASE}id/person/someone> a lib:Person ; rdfs:label \"Someone\"@en .\n")
    report = rebased.post("/validate", data=data.encode(), headers={"Content-Type": "text/turtle",
                                                                     "Accept": "application/json"})
    assert "PatternConstraintComponent" not in report.text


def test_an_earlier_ontology_version_is_kept_under_the_base_too(rebased):
    resp = rebased.get("/ontology/1.2.0", headers={"Accept": "application/n-triples"}, allow_redirects=False)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/ontology/1.2.0.nt")
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt")):
        text = rebased.get(f"/ontology/1.2.0.{ext}").text
        assert DEFAULT_BASE not in text, ext
        graph = Graph().parse(data=text, format=fmt)
        assert (URIRef(BASE + "ontology"), OWL.versionIRI, URIRef(BASE + "ontology/1.2.0")) in graph


def test_the_shapes_turtle_under_the_base_is_the_graph_of_the_other_formats(rebased):
    turtle = Graph().parse(data=rebased.get("/shapes.ttl").content, format="turtle")
    triples = Graph().parse(data=rebased.get("/shapes.nt").content, format="nt")
    assert isomorphic(turtle, triples)


def test_a_pattern_keeps_its_spelling_when_it_moves():
    # The pattern as people write it (the dots escaped) and as `re.escape` writes it each become the
    # same spelling of the new base; in a Turtle file or a query the backslashes are doubled.
    base = "https://data.example.net/my-kg/"
    assert rebase_text(r"^https://w3id\.org/liberation-kg/id/", base) == r"^https://data\.example\.net/my-kg/id/"
    assert rebase_text(r"^https://w3id\.org/liberation\-kg/id/", base) == (
        r"^https://data\.example\.net/my\-kg/id/")
    assert rebase_text(r'"^https://w3id\\.org/liberation-kg/"', base) == r'"^https://data\\.example\\.net/my-kg/"'
    # Under the canonical base, nothing moves; under a base below it, everything moves once.
    text = r'"^https://w3id\\.org/liberation-kg/" <https://w3id.org/liberation-kg/id/x>'
    assert rebase_text(text, DEFAULT_BASE) == text
    mirror = DEFAULT_BASE + "mirror/"
    assert rebase_text(text, mirror) == (r'"^https://w3id\\.org/liberation-kg/mirror/" '
                                         "<https://w3id.org/liberation-kg/mirror/id/x>")
    assert rebase_text(r"https://w3id\.org/liberation\-kg/", mirror) == re.escape(mirror)


@pytest.mark.parametrize("bad", ["ftp://example.org/", "https://example.org/kg", "not an iri"])
def test_a_base_that_cannot_name_iris_is_refused_in_one_line(bad):
    result = CliRunner().invoke(main, ["build", "--base-iri", bad])
    assert result.exit_code == 2
    assert "--base-iri" in result.output and result.exception is None or isinstance(
        result.exception, SystemExit)


def test_a_base_from_the_environment_that_cannot_name_iris_is_one_line_too():
    result = CliRunner().invoke(main, ["build"], env={"GRAPH_SERVICE_BASE_IRI": "https://example.org/kg"})
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "must end with '/'" in result.output


def test_export_under_the_base_is_the_served_dump(rebased, tmp_path):
    target = tmp_path / "liberation.nq"
    result = CliRunner().invoke(main, ["export", "--base-iri", BASE, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == rebased.get("/dumps/liberation.nq").content


def test_the_timeline_map_and_photographs_work_under_another_base(rebased):
    timeline = rebased.get("/timeline.svg").text
    drawn = rebased.get("/map.svg").text
    assert timeline.count('<a class="timeline-item') == 8 and drawn.count('<a class="map-marker') == 8
    # The standalone files link by the IRIs, under the base the graph is published under.
    assert f'href="{BASE}id/city/paris"' in drawn and "GeoNames" in drawn
    assert 'href="/id/city/paris"' in rebased.get("/", headers={"Accept": "text/html"}).text
    photo = rebased.get("/doc/photo/luxembourg-02.html").text
    assert "CC BY-SA 3.0" in photo and 'class="depicts-who"' in photo


def test_a_base_whose_path_holds_id_lists_its_kinds():
    # <base>id/<kind>/<slug> is read after the base, not at the first "/id/" of the IRI.
    app = InProcess(create_app(Settings.from_env(base_iri="https://data.example.net/id/kg/")))
    cities = app.get("/id/city/", headers={"Accept": "text/html"})
    assert cities.status_code == 200 and 'href="/id/city/paris"' in cities.text
    assert 'href="/id/city/">city</a> (' in app.get("/", headers={"Accept": "text/html"}).text
