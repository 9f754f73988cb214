"""owlrl, the reference OWL 2 RL engine, and reasonable (Rust, tens of times faster) behind the
`reasoner` setting: reasonable is used only where it gives owlrl's closure, and the build says
when it falls back to owlrl."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL

from graph_service.config import Settings
from graph_service.graph import infer, load_sources
from graph_service.graph.build import reasoning

FIXTURES = Path(__file__).parent / "fixtures" / "reasoning"


def _read(path: Path) -> Graph:
    g = Graph()
    g.parse(path, format="turtle")
    return g


def _without_chains(ontology: Graph) -> Graph:
    g = Graph()
    for t in ontology:
        if t[1] != OWL.propertyChainAxiom:
            g.add(t)
    return g


def test_reasonable_gives_owlrls_inferred_graph_on_an_ontology_without_property_chains() -> None:
    ontology, facts = _without_chains(_read(FIXTURES / "ontology.ttl")), _read(FIXTURES / "facts.ttl")
    fast = infer(ontology, facts, reasoner="reasonable")
    assert (fast.engine, fast.fallback) == ("reasonable", None)
    reference = infer(ontology, facts)
    assert len(reference.inferred) > 0
    assert set(fast.inferred) == set(reference.inferred)


def test_on_the_project_ontology_the_build_uses_owlrl_and_says_why() -> None:
    ontology = load_sources(Settings.from_env()).ontology
    problem = reasoning.reasonable_problem(ontology)
    assert problem is not None
    assert "owl:propertyChainAxiom" in problem and "lib:hasPlace" in problem and "lib:reception" in problem
    assert reasoning.reasonable_problem(_without_chains(ontology)) is None


def test_an_unknown_reasoner_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown reasoner 'hermit'"):
        infer(Graph(), Graph(), reasoner="hermit")


@pytest.mark.slow
def test_reasonable_gives_owlrls_closure_on_the_project_graph_without_its_property_chains() -> None:
    sources = load_sources(Settings.from_env())
    ontology = _without_chains(sources.ontology)
    fast = infer(ontology, sources.facts, reasoner="reasonable")
    reference = infer(ontology, sources.facts)
    assert fast.engine == "reasonable"
    assert set(fast.inferred) == set(reference.inferred)
