"""The project's shapes (shapes/liberation.ttl): the project's data conforms, every constraint is
broken by a fixture of its own, and the shapes themselves are well-formed SHACL.

The fixtures (tests/fixtures/shapes/) are SPARQL Updates on one small conforming graph, base.ttl;
manifest.ttl says which results each must produce. Validation runs as the build runs it: the
shapes with the project's ontology mixed into the data, no inference.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, SKOS
from rdflib.term import Identifier

from graph_service.graph.rdf import documents
from graph_service.graph.rdf.namespace import LIB, SH, SHAPES
from graph_service.graph.shacl.validation import ValidationOutcome, path_text, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES_FILE = ROOT / "shapes" / "liberation.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "liberation.ttl"
DATA_FILE = ROOT / "data" / "liberation.ttl"
TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "shapes"
#: The W3C's SHACL shapes for SHACL shapes graphs (vendored with the W3C test suite).
SHACL_SHACL = TESTS / "conformance" / "shacl" / "core" / "complex" / "shacl-shacl-data-shapes.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")

#: Parameters whose shapes are part of the constraint that uses them (a failure inside them is
#: reported as that constraint's), not constraints of their own.
NESTING = (SH.node, SH["or"], SH["and"], SH.xone, SH["not"], SH.qualifiedValueShape)


@cache
def shapes() -> Graph:
    return documents.read_graph(SHAPES_FILE)


@cache
def ontology() -> Graph:
    """What the build mixes into the data it validates: the ontology."""
    return documents.read_graph(ONTOLOGY_FILE)


@cache
def project_data() -> Graph:
    return documents.read_graph(DATA_FILE)


@cache
def project_data_outcome() -> ValidationOutcome:
    """The project's data validated as the build validates it (two tests read the report)."""
    return validate(project_data(), shapes(), ontology=ontology())


@cache
def shacl_shacl() -> Graph:
    return documents.read_graph(SHACL_SHACL)


# --- the fixtures and what they must break ---------------------------------------------------


@dataclass(frozen=True, order=True)
class Result:
    """A validation result as the fixtures state it: the focus node ("[]" for any blank node),
    the path as SPARQL writes it, the source shape, the component, and for a SPARQL constraint
    the constraint itself."""

    focus: str
    path: str
    shape: str
    component: str
    constraint: str

    def describe(self) -> str:
        what = self.constraint or f"{self.shape} {self.component}"
        return " ".join(part for part in (self.focus, self.path, f"[{what}]") if part)


def result_of(graph: Graph, focus: Identifier | None, path: Identifier | None, shape: Identifier | None,
              component: Identifier | None, constraint: Identifier | None) -> Result:
    return Result(focus="[]" if isinstance(focus, BNode) or focus is None else str(focus),
                  path=path_text(graph, path) if path is not None else "",
                  shape=str(shape or ""), component=str(component or ""), constraint=str(constraint or ""))


@dataclass(frozen=True)
class Fixture:
    name: str
    comment: str
    update: Path
    expected: frozenset[Result]


@cache
def manifest() -> dict[str, Fixture]:
    graph = Graph().parse(FIXTURES / "manifest.ttl")
    fixtures = {}
    for entry in set(graph.subjects(MF.result, None)):
        update = Path(unquote(urlparse(str(entry)).path))
        expected = frozenset(
            result_of(graph, graph.value(r, SH.focusNode), graph.value(r, SH.resultPath),
                      graph.value(r, SH.sourceShape), graph.value(r, SH.sourceConstraintComponent),
                      graph.value(r, SH.sourceConstraint))
            for r in graph.objects(entry, MF.result))
        fixtures[update.stem] = Fixture(update.stem, str(graph.value(entry, RDFS.comment)), update, expected)
    return dict(sorted(fixtures.items()))


@dataclass(frozen=True)
class Observed:
    result: Result
    severity: str


@cache
def _prologue() -> str:
    prefixes: dict[str, str] = {}
    documents.read_quads(FIXTURES / "base.ttl", prefixes)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


BASE = FIXTURES / "base.ttl"
#: Fixtures validated together in one graph at most (see `reports`).
BATCH = 8

Triples = frozenset[tuple[Identifier, Identifier, Identifier]]


def observe(data: Graph) -> list[Observed]:
    """`data` validated as the build validates the data: its report's results."""
    report = validate(data, shapes(), ontology=ontology()).report
    observed = []
    # The report's own results; those nested under them by sh:detail (pySHACL explains a failed
    # sh:node or sh:or that way) belong to the constraint that nests them.
    for node in report.objects(None, SH.result):
        observed.append(Observed(
            result_of(report, report.value(node, SH.focusNode), report.value(node, SH.resultPath),
                      report.value(node, SH.sourceShape), report.value(node, SH.sourceConstraintComponent),
                      report.value(node, SH.sourceConstraint)),
            str(report.value(node, SH.resultSeverity))))
    return observed


def run_fixture(update: Path | None) -> list[Observed]:
    """Validate base.ttl changed by `update` (None: unchanged)."""
    data = documents.read_graph(BASE)
    if update is not None:
        data.update(_prologue() + update.read_text(encoding="utf-8"))
    return observe(data)


def changes(update: Path) -> tuple[Triples, Triples]:
    """The triples `update` removes from base.ttl, and those it adds."""
    data = documents.read_graph(BASE)
    before = set(data)
    data.update(_prologue() + update.read_text(encoding="utf-8"))
    after = set(data)
    return frozenset(before - after), frozenset(after - before)


def run_together(changed: list[tuple[Triples, Triples]]) -> list[Observed]:
    """Validate base.ttl with every change of `changed` made."""
    data = documents.read_graph(BASE)
    for removed, _ in changed:
        for triple in removed:
            data.remove(triple)
    for _, added in changed:
        for triple in added:
            data.add(triple)
    return observe(data)


def batches(fixtures: list[Fixture], changed: dict[str, tuple[Triples, Triples]]) -> list[list[Fixture]]:
    """The fixtures in groups of up to BATCH that keep out of each other's way: none changes a
    node (a subject or object of a triple it removes or adds) that another in its group changes
    or expects a result on. A fixture that adds or removes a blank node, or expects a result on
    one ("[]", which cannot be told from another's), is a group of its own."""
    groups: list[tuple[list[Fixture], set[Identifier], set[Identifier]]] = []
    alone: list[list[Fixture]] = []
    for fixture in fixtures:
        removed, added = changed[fixture.name]
        touched = {n for s, _, o in removed | added for n in (s, o) if not isinstance(n, Literal)}
        focus = {URIRef(r.focus) for r in fixture.expected if r.focus != "[]"}
        if any(isinstance(n, BNode) for n in touched) or any(r.focus == "[]" for r in fixture.expected):
            alone.append([fixture])
            continue
        for members, their_touched, their_focus in groups:
            if len(members) < BATCH and not touched & (their_touched | their_focus) \
                    and not focus & their_touched:
                members.append(fixture)
                their_touched |= touched
                their_focus |= focus
                break
        else:
            groups.append(([fixture], touched, focus))
    return [members for members, _, _ in groups] + alone


def _pool(jobs: int) -> ProcessPoolExecutor:
    # One validation here first: the forked workers then start with what every validation of
    # these shapes reuses (pySHACL imported, the prepared shapes, the SPARQL constraints parsed).
    base_report()
    workers = max(1, min(jobs, os.cpu_count() or 1))
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))


@pytest.fixture(scope="module")
def reports(request: pytest.FixtureRequest) -> dict[str, list[Observed]]:
    """The reports of the fixtures this session runs (one validation costs about a quarter of a
    second, the same for one change to base.ttl as for eight).

    Fixtures that change different nodes are validated together, as one graph with all their
    changes (`batches`): where its report has exactly the results they expect between them, each
    fixture's test reads those it expects. Where it has any other result, or lacks one, every
    fixture of the group is validated alone, and its test reports what it alone breaks. A group
    passes wrongly only if a change breaks another node than its own exactly as a fellow member
    should have and did not; `make test-slow` validates every fixture alone as well
    (`test_each_fixture_alone_breaks_exactly_its_constraint`)."""
    wanted = sorted({item.callspec.params["name"] for item in request.session.items
                     if getattr(item, "callspec", None) and "name" in item.callspec.params
                     and item.module is request.module})
    with _pool(len(wanted)) as pool:
        return observe_fixtures([manifest()[name] for name in wanted], pool.map)


Map = Callable[..., Iterable[Any]]


def observe_fixtures(fixtures: list[Fixture], map_: Map = map,
                     group: Callable[..., list[list[Fixture]]] | None = None) -> dict[str, list[Observed]]:
    """Each fixture's results, validated in `group`s (`batches`) by `map_`, alone where its group's
    report is not exactly what the group expects."""
    changed = dict(zip((f.name for f in fixtures), map_(changes, [f.update for f in fixtures]), strict=True))
    groups = (group or batches)(fixtures, changed)
    out: dict[str, list[Observed]] = {}
    alone: list[Fixture] = []
    for members, observed in zip(groups, map_(run_together, [[changed[f.name] for f in g] for g in groups]),
                                 strict=True):
        if sorted({o.result for o in observed}) == sorted(r for f in members for r in f.expected):
            out.update((f.name, [o for o in observed if o.result in f.expected]) for f in members)
        else:
            alone += members
    out.update(zip((f.name for f in alone), map_(run_fixture, [f.update for f in alone]), strict=True))
    return out


@cache
def base_report() -> list[Observed]:
    return run_fixture(None)


def declared_severity(result: Result) -> str:
    severity = shapes().value(URIRef(result.shape), SH.severity)
    return str(severity or SH.Violation)


def mismatch(fixture: Fixture, observed: list[Observed]) -> str | None:
    """What `observed` gets wrong for `fixture`, or None."""
    found = {o.result for o in observed}
    if found != fixture.expected:
        return (f"{fixture.name} ({fixture.comment})"
                f"\n  expected: {sorted(r.describe() for r in fixture.expected)}"
                f"\n  reported: {sorted(r.describe() for r in found)}")
    wrong = [f"{o.result.describe()} is a {o.severity}" for o in observed
             if o.severity != declared_severity(o.result)]
    return f"{fixture.name}: " + "; ".join(wrong) if wrong else None


@pytest.mark.parametrize("name", list(manifest()))
def test_fixture_breaks_exactly_its_constraint(name: str, reports: dict[str, list[Observed]]) -> None:
    problem = mismatch(manifest()[name], reports[name])
    assert problem is None, problem


@pytest.mark.slow
def test_each_fixture_alone_breaks_exactly_its_constraint() -> None:
    fixtures = list(manifest().values())
    with _pool(len(fixtures)) as pool:
        outcomes = pool.map(run_fixture, [f.update for f in fixtures], chunksize=4)
        problems = [p for f, observed in zip(fixtures, outcomes, strict=True) if (p := mismatch(f, observed))]
    assert not problems, "\n".join(problems)


def test_fixtures_that_interfere_are_validated_apart() -> None:
    """Two fixtures that change the same node are never grouped; forced into one group, whose
    joint report is not what they expect between them, each is validated alone."""
    fixtures = [manifest()[n] for n in ("Coordinates-datatypes", "Coordinates-lat-missing-long-twice")]
    changed = {f.name: changes(f.update) for f in fixtures}
    assert batches(fixtures, changed) == [[fixtures[0]], [fixtures[1]]]
    joint = {o.result for o in run_together(list(changed.values()))}
    assert joint != fixtures[0].expected | fixtures[1].expected
    observed = observe_fixtures(fixtures, group=lambda fs, _: [fs])
    assert all(mismatch(f, observed[f.name]) is None for f in fixtures)
    assert {n: set(o) for n, o in observed.items()} == {f.name: set(run_fixture(f.update)) for f in fixtures}


def test_the_base_graph_conforms_without_any_result() -> None:
    # Else a fixture's results could come from the base rather than from its one change.
    assert base_report() == []
    # Nor has it blank nodes, which each reading names afresh: the fixtures' changes, replayed
    # together (`run_together`), could not remove a triple holding one.
    assert not any(isinstance(n, BNode) for triple in documents.read_graph(BASE) for n in triple)


# --- every constraint has its fixture ---------------------------------------------------------


def checked_shapes(graph: Graph) -> set[Identifier]:
    """The shapes whose constraints a report names: targeted shapes and their property shapes.
    (Shapes nested in sh:node, sh:or, sh:xone ... are reported as the nesting constraint.)"""
    targeted = {s for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                for s in graph.subjects(p, None)}
    return targeted | {p for s in targeted for p in graph.objects(s, SH.property)}


def constraints(graph: Graph) -> set[tuple[str, str, str]]:
    """Every constraint as (shape, component, SPARQL constraint or "")."""
    from graph_service.graph.shacl.shapes import CONSTRAINT_PARAMETERS

    found = set()
    for shape in checked_shapes(graph):
        for parameter in CONSTRAINT_PARAMETERS:
            if parameter == SH.sparql:
                found |= {(str(shape), str(SH.SPARQLConstraintComponent), str(c))
                          for c in graph.objects(shape, SH.sparql)}
            elif (shape, parameter, None) in graph:
                name = str(parameter)[len(str(SH)):]
                found.add((str(shape), f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent", ""))
    return found


def test_every_constraint_is_broken_by_a_fixture() -> None:
    declared = constraints(shapes())
    tested = {(r.shape, r.component, r.constraint) for f in manifest().values() for r in f.expected}
    untested = sorted(declared - tested)
    assert not untested, "constraints no fixture breaks (untested):\n" + "\n".join(map(str, untested))
    unknown = sorted(tested - declared)
    assert not unknown, "fixtures expect constraints the shapes do not have:\n" + "\n".join(map(str, unknown))


def test_the_constraint_count_can_fail() -> None:
    # The check above must notice a constraint added without a fixture.
    extended = Graph() + shapes()
    extended.add((SHAPES["Photograph-caption"], SH.minLength, Literal(1)))
    tested = {(r.shape, r.component, r.constraint) for f in manifest().values() for r in f.expected}
    assert (str(SHAPES["Photograph-caption"]), str(SH.MinLengthConstraintComponent), "") \
        in constraints(extended) - tested


def test_every_fixture_file_is_in_the_manifest() -> None:
    files = {p.stem for p in FIXTURES.glob("*.ru")}
    assert files == set(manifest()), f"not in manifest.ttl: {sorted(files - set(manifest()))}; " \
                                     f"missing files: {sorted(set(manifest()) - files)}"


# --- the project's data -----------------------------------------------------------------------


def test_the_project_data_has_no_violations() -> None:
    outcome = project_data_outcome()
    violations = [r for r in outcome.results if r.severity == SH.Violation]
    assert not violations, outcome.text()


def test_every_class_the_data_uses_has_a_shape() -> None:
    data, onto = project_data(), ontology()
    targeted = set(shapes().objects(None, SH.targetClass))
    unshaped = sorted(str(c) for c in set(data.objects(None, RDF.type))
                      if not targeted & set(onto.transitive_objects(c, RDFS.subClassOf)))
    assert not unshaped, f"classes with no shape of their own or of a superclass: {unshaped}"


# --- the shapes as SHACL ----------------------------------------------------------------------


#: A malformed copy of a shape, planted beside the project's shapes (its own IRI, the same
#: triples, sh:minCount "two"): the project's shapes and the control are validated against the
#: SHACL shapes for SHACL in one run (over a second each), and each test reads its part.
MALFORMED = SHAPES["ContestedFact-claim-malformed"]


@cache
def shacl_for_shacl_outcome() -> ValidationOutcome:
    planted = Graph() + shapes()
    for predicate, value in shapes().predicate_objects(SHAPES["ContestedFact-claim"]):
        planted.add((MALFORMED, predicate, value))
    planted.set((MALFORMED, SH.minCount, Literal("two")))
    return validate(planted, shacl_shacl())


def test_the_shapes_conform_to_shacl_for_shacl() -> None:
    outcome = shacl_for_shacl_outcome()
    assert all(r.focus_node == MALFORMED for r in outcome.results), outcome.text()


def test_shacl_for_shacl_finds_a_malformed_shape() -> None:
    outcome = shacl_for_shacl_outcome()
    assert [r.focus_node for r in outcome.results] == [MALFORMED]


def named_shapes(graph: Graph) -> set[Identifier]:
    return checked_shapes(graph) | {s for t in (SH.NodeShape, SH.PropertyShape)
                                    for s in graph.subjects(RDF.type, t)}


def english(graph: Graph, node: Identifier, *predicates: URIRef) -> bool:
    return any(isinstance(o, Literal) and o.language == "en" and str(o).strip()
               for p in predicates for o in graph.objects(node, p))


def test_every_shape_is_named_and_documented_in_english() -> None:
    graph = shapes()
    for shape in named_shapes(graph):
        named = isinstance(shape, URIRef) and str(shape).startswith(str(SHAPES))
        assert named, f"a shape without an IRI under shapes:, {shape}"
        assert english(graph, shape, RDFS.label), f"{shape} has no English rdfs:label"
        assert english(graph, shape, RDFS.comment, SH.description), f"{shape} has no English comment"
    for constraint in graph.objects(None, SH.sparql):
        assert isinstance(constraint, URIRef), "a SPARQL constraint without an IRI"
        assert english(graph, constraint, RDFS.label) and english(graph, constraint, RDFS.comment), constraint


def test_every_constraint_has_a_message_in_english() -> None:
    graph = shapes()
    for shape, _, constraint in constraints(graph):
        owner = URIRef(constraint or shape)
        assert english(graph, owner, SH.message), f"{owner} has no English sh:message"


def test_soft_rules_are_warnings() -> None:
    # A missing external link or licence, an uncited quote, an unplaceable photograph are for an
    # editor to look at; they do not fail the build.
    graph = shapes()
    for soft in ("CapitalCity-wikidata", "CreditedPhotograph-license", "Quote-citedBy",
                 "LocatedPhotographShape"):
        assert graph.value(SHAPES[soft], SH.severity) == SH.Warning, soft


@pytest.mark.parametrize("shape, scheme", [("Participation-role", "RoleScheme"),
                                           ("Reception-receptionKind", "ReceptionScheme"),
                                           ("Casualties-casualtyKind", "CasualtyKindScheme"),
                                           ("EquipmentKind", "EquipmentScheme")])
def test_lists_of_concepts_match_the_ontology(shape: str, scheme: str) -> None:
    # The shapes list the concepts because validation does not see the ontology's individuals.
    graph = shapes()
    listed = set(in_list(graph, SHAPES[shape]))
    assert listed == set(ontology().subjects(SKOS.inScheme, LIB[scheme]))


def in_list(graph: Graph, shape: Identifier) -> Iterable[Identifier]:
    """The members of the sh:in of a shape, or of the shapes of its sh:or."""
    for members in graph.objects(shape, SH["in"]):
        yield from Collection(graph, members)
    for alternatives in graph.objects(shape, SH["or"]):
        for alternative in Collection(graph, alternatives):
            yield from in_list(graph, alternative)


# --- validating again with the same shapes (graph/shacl/validation.py prepares them once) ---------

SMALL = ("@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
         "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n")


def small(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_shapes_changed_in_place_are_validated_as_they_now_are() -> None:
    data = small("@prefix ex: <http://example.org/> . ex:a ex:p 1 .")
    shapes_graph = small(SMALL)
    before = len(shapes_graph)
    assert validate(data, shapes_graph).conforms
    assert validate(data, shapes_graph).conforms  # the prepared shapes, used again
    assert len(shapes_graph) == before  # the caller's graph gets nothing of pySHACL's
    shape = shapes_graph.value(URIRef("http://example.org/S"), SH.property)
    shapes_graph.set((shape, SH.minCount, Literal(2)))
    outcome = validate(data, shapes_graph)
    assert [(r.focus_node, str(r.component)) for r in outcome.results] == [
        (URIRef("http://example.org/a"), str(SH.MinCountConstraintComponent))]


def test_validations_side_by_side_with_the_same_shapes_agree() -> None:
    shapes_graph = small(SMALL)
    graphs = [small(f"@prefix ex: <http://example.org/> . ex:a ex:q {i} .") for i in range(6)]
    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(lambda g: validate(g, shapes_graph), graphs))
    assert [len(o.results) for o in outcomes] == [1] * 6
    assert {o.text() for o in outcomes} == {outcomes[0].text()}


def test_the_shapes_name_the_ontology_version_they_are_written_against() -> None:
    """A validator holding a copy of the shapes can tell which ontology they read: the version
    the project serves (a release of the ontology is a release of the shapes that require it)."""
    onto = URIRef("https://w3id.org/liberation-kg/ontology")
    version = Graph().parse(ONTOLOGY_FILE).value(onto, OWL.versionIRI)
    shapes = Graph().parse(SHAPES_FILE)
    assert version is not None
    assert list(shapes.objects(URIRef(str(SHAPES)), DCTERMS.requires)) == [version]
