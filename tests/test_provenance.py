"""Per-statement provenance (graph/provenance.py): compact annotations in, rdf:Statement nodes out."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph_service.graph import provenance
from graph_service.namespace import PROVENANCE_GRAPH

HEAD = b"""@prefix lib: <https://liberation.example.org/ontology#> .
@prefix quote: <https://liberation.example.org/id/quote/> .
@prefix city: <https://liberation.example.org/id/city/> .
@prefix event: <https://liberation.example.org/id/event/> .
quote:a a lib:Quote ; lib:text "The liberation of Paris" .
quote:b a lib:Quote ; lib:text "in Paris" .
"""
LIB = "https://liberation.example.org/ontology#"
STATEMENT = ox.Triple(ox.NamedNode("https://liberation.example.org/id/event/x"),
                      ox.NamedNode(LIB + "hasPlace"), ox.NamedNode("https://liberation.example.org/id/city/paris"))


def parse(body: bytes) -> list[ox.Quad]:
    return list(ox.parse(HEAD + body, format=ox.RdfFormat.TURTLE))


def test_an_annotation_becomes_a_reified_statement_in_the_provenance_graph():
    e = provenance.expand(parse(b"""event:x a lib:Event ;
        lib:hasPlace city:paris {| lib:evidence quote:a |} {| lib:evidence quote:b |} ."""))
    node = provenance.statement_iri(STATEMENT)
    assert node.value.startswith("https://liberation.example.org/id/statement/")
    graph = ox.NamedNode(str(PROVENANCE_GRAPH))
    got = {(q.predicate.value.rsplit("#", 1)[-1], q.object) for q in e.provenance if q.subject == node}
    assert got == {("type", provenance.STATEMENT), ("subject", STATEMENT.subject),
                   ("predicate", STATEMENT.predicate), ("object", STATEMENT.object),
                   ("evidence", ox.NamedNode("https://liberation.example.org/id/quote/a")),
                   ("evidence", ox.NamedNode("https://liberation.example.org/id/quote/b"))}
    assert all(q.graph_name == graph for q in e.provenance)
    # the facts keep the statement and lose the reifiers; both annotations are one statement
    assert ox.Quad(STATEMENT.subject, STATEMENT.predicate, STATEMENT.object) in e.facts
    assert not any(q.predicate == provenance.REIFIES for q in e.facts)
    assert e.statements == 1
    assert provenance.missing_evidence(e) == []


def test_the_statement_iri_is_stable():
    assert provenance.statement_iri(STATEMENT) == provenance.statement_iri(
        ox.Triple(STATEMENT.subject, STATEMENT.predicate, STATEMENT.object))


def test_a_fact_statement_without_a_quote_is_reported_once_any_is_annotated():
    e = provenance.expand(parse(b"""event:x a lib:Event ; lib:hasPlace city:paris {| lib:evidence quote:a |} ;
        lib:precedes event:y ."""))
    problems = provenance.missing_evidence(e)
    assert len(problems) == 1 and "precedes" in problems[0]
    with pytest.raises(provenance.ProvenanceError):
        provenance.check(e)


def test_evidence_must_be_a_quote():
    e = provenance.expand(parse(b"""event:x lib:hasPlace city:paris {| lib:evidence city:paris |} ."""))
    assert any("not a lib:Quote" in p for p in provenance.missing_evidence(e))


def test_sources_without_annotations_are_not_held_to_the_rule():
    e = provenance.expand(parse(b"""event:x lib:hasPlace city:paris ."""))
    assert not e.annotated and e.provenance == [] and provenance.missing_evidence(e) == []


def test_a_reifier_of_an_unasserted_triple_is_an_error():
    with pytest.raises(provenance.ProvenanceError):
        provenance.expand(parse(b"""<< event:x lib:hasPlace city:paris >> lib:evidence quote:a ."""))


def test_the_resource_page_shows_the_quote_beside_each_statement():
    """A resource page shows, beside each statement, the article's sentence behind it."""
    from graph_service.config import Settings
    from graph_service.web import create_app

    client = create_app(Settings.from_env()).test_client()
    page = client.get("/doc/timespan/liberation-of-paris-1944-08-25.html").get_data(as_text=True)
    row = page[page.index(">on date<"):]
    row = row[:row.index("</tr>")]
    assert "1944-08-25" in row
    assert '<q class="source"' in row and "following the city’s liberation on August 25, 1944" in row


def test_the_build_refuses_a_fact_statement_without_its_quote(tmp_path):
    """The build's check (sources.load_provenance): an unannotated statement in annotated sources
    is an error naming the statement."""
    from graph_service.config import Settings
    from graph_service.graph import sources

    settings = Settings.from_env()
    data = tmp_path / "facts.ttl"
    data.write_bytes(settings.data_path.read_bytes()
                     + b"\nevent:liberation-of-paris lib:precedes event:liberation-of-brussels .\n")
    assert len(sources.load_provenance(settings)) > 6000
    with pytest.raises(sources.RdfSyntaxError, match="liberation-of-brussels"):
        sources.load_provenance(settings.with_(data_path=data))
