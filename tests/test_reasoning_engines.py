"""owlrl, the reference OWL 2 RL engine, and reasonable (Rust, tens of times faster) behind the
`reasoner` setting: reasonable, completed with property chains (prp-spo2) and scm-spo, is the
build's engine only where it gives owlrl's closure (held to it here on the project's graph), and
the build says when it falls back to owlrl."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL

from graph_service.config import Settings
from graph_service.graph import ID, LIB, Inconsistency, Inference, infer, load_sources
from graph_service.graph.build import reasoning

FIXTURES = Path(__file__).parent / "fixtures" / "reasoning"


def _read(path: Path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def _turtle(text: str) -> Graph:
    g = Graph()
    g.parse(data="@prefix lib: <https://w3id.org/liberation-kg/ontology#> .\n"
                 "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                 "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                 "@prefix id: <https://w3id.org/liberation-kg/id/> .\n" + text, format="turtle")
    return g


def test_on_the_project_graph_reasonable_gives_owlrls_closure(project_inference: Inference) -> None:
    reference = project_inference  # owlrl's run, shared by the test session
    assert reference.engine == "owlrl"
    sources = load_sources(Settings.from_env())
    fast = infer(sources.ontology, sources.facts, reasoner="reasonable")
    assert (fast.engine, fast.fallback) == ("reasonable", None)
    assert len(fast.closure.asserted) == len(reference.closure.asserted)
    # The property chains are the part reasonable leaves out: its closure has them only by the
    # completion (lib:reception comes from a chain and nothing else).
    chained = {t for t in reference.inferred if t[1] == LIB.reception}
    assert chained and chained <= set(fast.inferred)
    # What each derives beyond the assertions, read through the noise filter (the two differ only
    # in the noise they materialise: owlrl's reflexive and widened axioms, for example).
    only_fast = set(fast.inferred) - set(reference.inferred)
    only_owlrl = set(reference.inferred) - set(fast.inferred)
    assert (sorted(only_fast)[:5], sorted(only_owlrl)[:5]) == ([], [])
    assert fast.closure.blocked_merges == reference.closure.blocked_merges == frozenset()


def test_reasonable_completes_the_property_chains_on_the_fixture_ontology() -> None:
    ontology, facts = _read(FIXTURES / "ontology.ttl"), _read(FIXTURES / "facts.ttl")
    assert reasoning.property_chains(ontology)
    fast = infer(ontology, facts, reasoner="reasonable")
    assert (fast.engine, fast.fallback) == ("reasonable", None)
    reference = infer(ontology, facts)
    assert any(t[1] == LIB.hasActor for t in reference.inferred)
    assert set(fast.inferred) == set(reference.inferred)


def test_a_chain_of_three_steps_feeds_the_other_rules_and_back() -> None:
    # p3 follows from a chain whose middle step is only inferred (an inverse); its super-property
    # then feeds a second chain: two rounds of reasonable and the chains.
    ontology = _turtle("""
        lib:a a owl:ObjectProperty . lib:b a owl:ObjectProperty ; owl:inverseOf lib:bInv .
        lib:c a owl:ObjectProperty .
        lib:p3 owl:propertyChainAxiom ( lib:a lib:b lib:c ) ; rdfs:subPropertyOf lib:super .
        lib:q owl:propertyChainAxiom ( lib:super lib:a ) .
    """)
    facts = _turtle("id:x lib:a id:y . id:z lib:bInv id:y . id:z lib:c id:w . id:w lib:a id:v .")
    fast = infer(ontology, facts, reasoner="reasonable")
    assert fast.engine == "reasonable"
    x, w, v = ID.x, ID.w, ID.v
    assert {(x, LIB.p3, w), (x, LIB.super, w), (x, LIB.q, v)} <= set(fast.inferred)
    assert set(fast.inferred) == set(infer(ontology, facts).inferred)


@pytest.mark.parametrize(("axiom", "named"), [
    ("lib:near a owl:ObjectProperty, owl:IrreflexiveProperty .", "owl:IrreflexiveProperty (lib:near)"),
    ("lib:Person owl:hasKey ( lib:name ) .", "owl:hasKey (lib:Person)"),
    ("id:paris owl:differentFrom id:rome .", "owl:differentFrom (id:paris)"),
])
def test_what_reasonable_does_not_apply_makes_the_build_use_owlrl_and_say_why(axiom: str, named: str) -> None:
    ontology = _read(FIXTURES / "ontology.ttl")
    facts = _read(FIXTURES / "facts.ttl")
    extra = _turtle(axiom)
    inference = infer(ontology + extra, facts, reasoner="reasonable") if "id:" not in axiom else \
        infer(ontology, facts + extra, reasoner="reasonable")
    assert inference.engine == "owlrl"
    assert inference.fallback is not None and named in inference.fallback


@pytest.mark.parametrize("name", ["person-is-unit", "functional-individuals"])
def test_inconsistent_sources_are_reported_as_owlrl_reports_them(name: str) -> None:
    ontology = _read(FIXTURES / "ontology.ttl")
    facts = _read(FIXTURES / "facts.ttl") + _read(FIXTURES / "inconsistent" / f"{name}.ttl")
    with pytest.raises(Inconsistency) as fast:
        infer(ontology, facts, reasoner="reasonable")
    with pytest.raises(Inconsistency) as reference:
        infer(ontology, facts, reasoner="owlrl")
    assert str(fast.value) == str(reference.value)


def test_the_build_reasons_with_reasonable_unless_told_otherwise() -> None:
    assert Settings().reasoner == "reasonable"
    assert Settings.from_env(reasoner="owlrl").reasoner == "owlrl"


def test_an_unknown_reasoner_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown reasoner 'hermit'"):
        infer(Graph(), Graph(), reasoner="hermit")


def test_without_the_chains_reasonable_would_miss_what_they_imply() -> None:
    # What the completion is for: reasonable's own closure lacks the chain's conclusions.
    ontology = _turtle("lib:hasPlace owl:propertyChainAxiom ( lib:hasPlace lib:partOf ) .")
    facts = _turtle("id:e lib:hasPlace id:street . id:street lib:partOf id:city .")
    closure = reasoning.compute_closure_reasonable(ontology, facts)
    e, city = ID.e, ID.city
    assert (e, LIB.hasPlace, city) in closure.graph
    chains = reasoning.property_chains(ontology)
    without = Graph()
    for t in closure.graph:
        if t != (e, LIB.hasPlace, city):
            without.add(t)
    assert reasoning.chain_conclusions(without, chains) == {(e, LIB.hasPlace, city)}
    assert OWL.propertyChainAxiom not in reasoning.REASONABLE_GAPS
