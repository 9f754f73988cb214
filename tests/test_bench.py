"""The benchmark's machinery: synthetic graphs the build accepts."""

from __future__ import annotations

from pathlib import Path

from graph_service.bench.synthetic import generate
from graph_service.config import Settings
from graph_service.graph import LIB, load_sources, validate


def test_a_small_synthetic_graph_is_part_of_the_article_and_conforms(tmp_path: Path) -> None:
    graph = generate(tmp_path / "small.ttl", 1_000)
    sources = load_sources(Settings.from_env(data_path=graph.path))  # every statement has its quote
    assert 500 < len(sources.facts) + len(sources.provenance) < 2_000
    outcome = validate(sources.facts, sources.shapes, ontology=sources.ontology)
    assert "Violation" not in outcome.counts(), outcome.text()
    assert any(str(s) == graph.lookup for s in sources.facts.subjects())


def test_copies_are_further_resources_each_with_its_own_photograph_numbers(tmp_path: Path) -> None:
    one = load_sources(Settings.from_env(data_path=generate(tmp_path / "1.ttl", 10_000).path))
    two = load_sources(Settings.from_env(data_path=generate(tmp_path / "2.ttl", 20_000).path))
    assert len(set(two.facts.subjects())) == 2 * len(set(one.facts.subjects()))
    assert len(two.provenance) == 2 * len(one.provenance)
    numbers = list(two.facts.objects(None, LIB.sequenceNumber))
    assert len(numbers) == len(set(numbers)) == 2 * len(list(one.facts.objects(None, LIB.sequenceNumber)))
