"""The README's figures about the project's own files are the files' figures: written by hand,
so checked here, where a change to the data, ontology or shapes that alters one fails until the
README says it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH

from graph_service.config import Settings
from graph_service.graph import LIB, PROVENANCE_GRAPH, census, load_store, make_engine

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def readme() -> str:
    return " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())


def figure(readme: str, pattern: str) -> tuple[int, ...]:
    """The numbers (1,238 read as 1238) that `pattern`'s groups find in the README."""
    found = re.search(pattern, readme)
    assert found, f"the README no longer says {pattern!r}"
    return tuple(int(g.replace(",", "")) for g in found.groups())


def test_the_shapes_figures(readme: str) -> None:
    shapes = Graph().parse(ROOT / "shapes" / "liberation.ttl")
    named = tuple(len({s for s in shapes.subjects(RDF.type, kind) if isinstance(s, URIRef)})
                  for kind in (SH.NodeShape, SH.PropertyShape))
    assert figure(readme, r"holds (\d+) named node shapes and (\d+) property shapes") == named
    counted = census(shapes)
    assert figure(readme, r"message: (\d+) constraints, (\d+) of them SHACL-SPARQL") == (
        counted.constraints, counted.sparql_constraints)
    assert figure(readme, r"says (\d+) node shapes and (\d+) property shapes") == (
        counted.node_shapes, counted.property_shapes)


def test_the_ontology_figures(readme: str) -> None:
    ontology = Graph().parse(ROOT / "ontology" / "liberation.ttl")
    assert figure(readme, r"its (\d+) `rdfs:subClassOf` triples") == (
        len(list(ontology.triples((None, RDFS.subClassOf, None)))),)
    assert figure(readme, r"the project.s ontology \(its ([\d,]+) triples\)") == (len(ontology),)


def test_the_graphs_size(readme: str) -> None:
    quads = len(load_store(Settings.from_env()))  # what the home page counts, in its 7 graphs
    assert figure(readme, r"this article's graph \(([\d,]+) triples\)") == (quads,)


def test_the_count_of_editorial_statements(readme: str) -> None:
    rows = make_engine("oxigraph", load_store(Settings.from_env())).query(f"""
        SELECT (COUNT(DISTINCT ?st) AS ?statements) (COUNT(DISTINCT ?note) AS ?notes) WHERE {{
          GRAPH <{PROVENANCE_GRAPH}> {{ ?st <{LIB.editorialNote}> ?note
            FILTER NOT EXISTS {{ ?st <{PROV.wasDerivedFrom}>/<{RDF.subject}> ?from }} }} }}""").rows
    assert figure(readme, r"\((\d+) statements in this version, with (\d+) distinct notes\)") == (
        int(rows[0]["statements"]), int(rows[0]["notes"]))


def test_the_count_of_claims_other_accounts_dispute(readme: str) -> None:
    rows = make_engine("oxigraph", load_store(Settings.from_env())).query(f"""
        SELECT (COUNT(DISTINCT ?st) AS ?all) (COUNT(DISTINCT ?derived) AS ?derivedOnes) WHERE {{
          GRAPH <{PROVENANCE_GRAPH}> {{ ?st <{LIB.otherAccounts}> ?note
            OPTIONAL {{ ?st <{PROV.wasDerivedFrom}> ?from BIND(?st AS ?derived) }} }} }}""").rows
    derived = int(rows[0]["derivedOnes"])
    assert figure(readme, r"`lib:otherAccounts` \((\d+) stated statements in this version\)") == (
        int(rows[0]["all"]) - derived,)
    assert figure(readme, r"\((\d+) derived statements: Luxembourg City") == (derived,)


def test_every_example_query_is_listed_with_its_question(readme: str) -> None:
    listed = dict(re.findall(r"- `(\d\d-[a-z0-9-]+\.rq)`: (.+?)(?= - `\d\d-| ## )", readme))
    for path in sorted((ROOT / "queries").glob("*.rq")):
        question = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# Question:").strip()
        assert listed.get(path.name) == question, path.name
    assert len(listed) == len(list((ROOT / "queries").glob("*.rq")))


def test_every_pattern_of_the_historians_table_finds_what_it_says() -> None:
    # The table is a newcomer's first query: a pattern misspelt there (a property renamed since)
    # would answer nothing without an error.
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("| To ask | Pattern |", 1)[1].split("\n\n", 1)[0]
    patterns = [re.search(r"`([^`]*\?[^`]*)`", row.split("|")[2]) for row in table.splitlines()[2:]]
    found = [p.group(1) for p in patterns if p]
    assert len(found) == 8
    engine = make_engine("oxigraph", load_store(Settings.from_env()))
    prologue = ("PREFIX lib: <https://w3id.org/liberation-kg/ontology#> "
                "PREFIX dcterms: <http://purl.org/dc/terms/> "
                "PREFIX city: <https://w3id.org/liberation-kg/id/city/> ")
    for pattern in found:
        query = pattern if pattern.startswith("SELECT") else f"SELECT * WHERE {{ {pattern} }}"
        assert engine.query(prologue + query).rows, pattern


def test_every_whole_query_of_the_readme_is_answered() -> None:
    """A block a reader pastes into /sparql as it stands: one held two SELECTs, which is a 400
    (an indented block is a pattern to fit into a query, and is left out)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```sparql\n(.*?)```", text, re.S)
              if re.search(r"^(PREFIX|SELECT|ASK|CONSTRUCT|DESCRIBE)\b", b, re.M | re.I)]
    assert len(blocks) >= 2
    engine = make_engine("oxigraph", load_store(Settings.from_env()))
    for block in blocks:
        assert engine.query(block).rows, block
