"""Reasoning: each entailment the issue asks for, each kind of inconsistency, and the noise filter.

The machinery is tested on a miniature ontology (tests/fixtures/reasoning/ontology.ttl); the same
facts are then reasoned over with the project's own ontology, so the real axioms are tested too.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from graph_service.config import Settings
from graph_service.graph import ensure_snapshot, quads_to_graph, read_quads
from graph_service.graph.build.pipeline import infer
from graph_service.graph.build.reasoning import (
    NOISE_RULES,
    Inconsistency,
    check_consistency,
    compute_closure,
    day_bounds,
    event_places,
    event_times,
    find_inconsistencies,
    noise_rule,
    place_links,
    select_inferred,
)
from graph_service.graph.rdf import documents
from graph_service.graph.rdf.namespace import (
    CRM,
    FACTS_GRAPH,
    ID,
    INFERRED_GRAPH,
    LIB,
    ONTOLOGY_GRAPH,
    PREFIXES,
    SEM,
)

# rdflib's closed namespaces warn when pytest inspects them as module attributes; these are open.
XSD, SDO = PREFIXES["xsd"], PREFIXES["schema"]

FIXTURES = Path(__file__).parent / "fixtures" / "reasoning"
PROJECT_ONTOLOGY = Settings().ontology_path
ONTOLOGIES = {"fixture": FIXTURES / "ontology.ttl", "project": PROJECT_ONTOLOGY}

PARIS, FRANCE = ID["city/paris"], ID["country/france"]
DISTRICT, STREET = ID["district/1er-arrondissement"], ID["street/rue-de-rivoli"]
EVENT, FORCE = ID["event/liberation-of-paris"], ID["force/2e-db"]
LECLERC, PATTON, PHOTO = ID["person/leclerc"], ID["person/patton"], ID["photo/paris-01"]


def _read(path: Path) -> Graph:
    return documents.read_graph(path)


def _turtle(text: str) -> Graph:
    prologue = f"@base <{ID}> .\n" + "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in (
        ("lib", LIB), ("owl", OWL), ("rdfs", RDFS), ("xsd", XSD)))
    return Graph().parse(data=prologue + text, format="turtle")


@cache
def _reasoned(name: str) -> tuple:
    """(facts, closure, inferred graph, dropped counts) for the fixture facts under an ontology:
    one owlrl run each for the module (the project's ontology costs a second)."""
    ontology = _read(ONTOLOGIES[name])
    facts = _read(FIXTURES / "facts.ttl")
    closure = compute_closure(ontology, facts)
    check_consistency(closure)
    inferred, dropped = select_inferred(closure)
    return facts, closure, inferred, dropped


@pytest.fixture(scope="module", params=list(ONTOLOGIES))
def reasoned(request):
    return _reasoned(request.param)


def _entailed(reasoned, triple) -> None:
    facts, closure, inferred, _ = reasoned
    assert triple in inferred, f"not inferred: {triple}"
    assert triple not in facts and triple not in closure.asserted, f"asserted, not inferred: {triple}"


# --------------------------------------------------------------------------------------------
# Entailments
# --------------------------------------------------------------------------------------------


def test_inverse_property(reasoned):
    # asserted: Paris lib:liberatedBy the 2e DB
    _entailed(reasoned, (FORCE, LIB.liberated, PARIS))


@pytest.mark.parametrize("cls", [LIB.Event, LIB.Activity, CRM.E5_Event, CRM.E7_Activity, SEM.Event])
def test_class_hierarchy_and_alignments_make_every_event_an_event(reasoned, cls):
    # asserted: the event is a lib:Liberation
    _entailed(reasoned, (EVENT, RDF.type, cls))


@pytest.mark.parametrize("place", [PARIS, FRANCE, DISTRICT, STREET])
def test_every_place_is_a_crm_and_sem_place(reasoned, place):
    for cls in (LIB.Place, CRM.E53_Place, SEM.Place):
        _entailed(reasoned, (place, RDF.type, cls))


def test_part_of_is_transitive_street_district_city_country(reasoned):
    _entailed(reasoned, (STREET, LIB.partOf, PARIS))
    _entailed(reasoned, (STREET, LIB.partOf, FRANCE))
    _entailed(reasoned, (DISTRICT, LIB.partOf, FRANCE))
    # and its inverse, transitive too
    _entailed(reasoned, (FRANCE, LIB.hasPart, STREET))
    _entailed(reasoned, (PARIS, LIB.hasPart, STREET))


def test_property_chain_photograph_taken_in_a_street_is_taken_in_its_city_and_country(reasoned):
    for place in (DISTRICT, PARIS, FRANCE):
        _entailed(reasoned, (PHOTO, LIB.hasPlace, place))
    # but a photograph is no event: neither SEM's nor CIDOC-CRM's event place is said of it
    inferred = reasoned[2]
    for prop in (SEM.hasPlace, CRM.P7_took_place_at):
        assert not list(inferred.triples((PHOTO, prop, None)))


def test_property_chain_event_in_a_city_is_in_its_country(reasoned):
    # asserted: lib:liberationOf Paris (a sub-property of lib:hasPlace)
    _entailed(reasoned, (EVENT, LIB.hasPlace, PARIS))
    _entailed(reasoned, (EVENT, LIB.hasPlace, FRANCE))
    _entailed(reasoned, (EVENT, SEM.hasPlace, FRANCE))
    _entailed(reasoned, (EVENT, CRM.P7_took_place_at, FRANCE))


def test_property_chain_participation_gives_the_actor(reasoned):
    _entailed(reasoned, (EVENT, LIB.hasActor, LECLERC))
    _entailed(reasoned, (EVENT, SEM.hasActor, LECLERC))


def test_domain_and_range_typing(reasoned):
    _entailed(reasoned, (PHOTO, RDF.type, LIB.Photograph))   # domain of lib:depicts
    _entailed(reasoned, (LECLERC, RDF.type, LIB.Person))     # range of lib:commandedBy
    _entailed(reasoned, (LECLERC, RDF.type, CRM.E21_Person))
    _entailed(reasoned, (FORCE, RDF.type, CRM.E74_Group))


def test_nothing_inferred_is_asserted(reasoned):
    facts, closure, inferred, _ = reasoned
    assert len(inferred) > 0
    assert not set(inferred) & closure.asserted
    assert inferred.identifier == INFERRED_GRAPH


def test_project_ontology_alignments_reach_schema_org_and_dcterms():
    # The fixture facts under the project's ontology: the run `reasoned` makes (infer's own steps).
    inferred = _reasoned("project")[2]
    assert (EVENT, RDF.type, SDO.Event) in inferred
    assert (PHOTO, DCTERMS.spatial, FRANCE) in inferred


def test_an_event_of_two_time_spans_has_no_crm_time_span():
    """CIDOC CRM gives a temporal entity exactly one crm:P4_has_time-span: Paris's two dates (the
    article gives both) made its two time-spans, to a CRM reasoner, one with two days."""
    graph = _turtle("""
        <event/liberation-of-paris> a lib:Liberation ; lib:hasTimeSpan <timespan/a>, <timespan/b> .
        <event/liberation-of-rome> a lib:Liberation ; lib:hasTimeSpan <timespan/c> .""")
    graph += _read(PROJECT_ONTOLOGY)
    times = {(str(e).rsplit("/", 1)[1], p, str(t).rsplit("/", 1)[1]) for e, p, t in event_times(graph)}
    assert times == {("liberation-of-paris", SEM.hasTime, "a"), ("liberation-of-paris", SEM.hasTime, "b"),
                     ("liberation-of-rome", SEM.hasTime, "c"),
                     ("liberation-of-rome", CRM["P4_has_time-span"], "c")}


def test_a_building_is_no_crm_place_but_stands_in_one():
    """Ontology 2.0.0: CIDOC CRM's places are extents in space; Notre Dame was a crm:E53_Place
    within Paris (crm:P89_falls_within), and an event there took place at it (crm:P7)."""
    graph = _turtle("""
        <place/notre-dame> a lib:Church ; lib:partOf <city/paris> .
        <city/paris> a lib:CapitalCity ; lib:partOf <country/france> .
        <country/france> a lib:Country .
        <event/te-deum> a lib:Ceremony ; lib:hasPlace <place/notre-dame> .""") + _read(PROJECT_ONTOLOGY)
    short = {(str(s).rsplit("/", 1)[1], str(p).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1])
             for s, p, o in place_links(graph) + event_places(graph)}
    assert short == {
        ("paris", "P89_falls_within", "france"), ("france", "P89i_contains", "paris"),
        ("notre-dame", "P53_has_former_or_current_location", "paris"),
        ("notre-dame", "P53_has_former_or_current_location", "france"),
        ("paris", "P53i_is_former_or_current_location_of", "notre-dame"),
        ("france", "P53i_is_former_or_current_location_of", "notre-dame"),
        *(("te-deum", "hasPlace", where) for where in ("notre-dame", "paris", "france")),
        ("te-deum", "P7_took_place_at", "paris"), ("te-deum", "P7_took_place_at", "france")}


def test_crm_and_skos_readers_find_participants_parts_and_narrower_concepts():
    """Ontology 2.0.0: lib:hasActor under crm:P11_had_participant, the sub-events under crm:P9,
    and SKOS's inverses (the schemes state only skos:broader and skos:topConceptOf)."""
    inferred = _reasoned("project")[2]
    ontology = _read(PROJECT_ONTOLOGY)
    closure = compute_closure(ontology, _turtle("""
        <event/e> a lib:Liberation ; lib:hasSubEvent <event/part> .""") + ontology).graph
    assert (ID["event/e"], CRM.P9_consists_of, ID["event/part"]) in closure
    assert (ID["event/part"], CRM.P9i_forms_part_of, ID["event/e"]) in closure
    skos = PREFIXES["skos"]
    assert (LIB.RoleScheme, skos.hasTopConcept, LIB["role-commander"]) in closure  # stated the other way
    narrower, broader = next(iter(ontology.subject_objects(skos.broader)))
    assert (broader, skos.narrower, narrower) in closure
    assert (broader, skos.narrower, narrower) not in ontology
    assert any(p == CRM.P11_had_participant for _, p, _ in inferred)


# --------------------------------------------------------------------------------------------
# Inconsistencies
# --------------------------------------------------------------------------------------------

INCONSISTENT = {
    "person-is-unit": ("disjoint-classes", [
        "id:person/patton is both lib:Group and lib:Person",
        "id:person/patton rdf:type lib:Person [asserted]",
        "id:person/patton rdf:type lib:Group [inferred from id:person/patton rdf:type lib:MilitaryUnit]"]),
    "event-is-place": ("disjoint-classes", [
        "id:event/liberation-of-paris is both lib:Event and lib:Place",
        "id:event/liberation-of-paris rdf:type lib:Event [inferred from "
        "id:event/liberation-of-paris rdf:type lib:Liberation]",
        "id:event/liberation-of-paris rdf:type lib:Place [inferred from "
        "id:event/liberation-of-paris lib:partOf id:country/france]"]),
    "nothing": ("nothing", ["id:person/nobody rdf:type owl:Nothing [asserted]"]),
    "functional-individuals": ("functional", [
        "lib:participant is functional",
        "id:participation/paris-commander lib:participant id:person/leclerc [asserted]",
        "id:participation/paris-commander lib:participant id:person/patton [asserted]"]),
    "functional-values": ("functional", [
        "lib:onDate is functional",
        'id:timespan/paris lib:onDate "1944-08-25"^^xsd:date [asserted]',
        'id:timespan/paris lib:onDate "1944-08-26"^^xsd:date [asserted]']),
}


# Each inconsistency under the project's whole ontology costs an OWL 2 RL run of 2 s: the
# default run checks them under the fixture ontology, `make test-slow` under both.
@pytest.mark.parametrize("ontology", ["fixture", pytest.param("project", marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", list(INCONSISTENT))
def test_inconsistency_names_the_triples(name, ontology):
    kind, phrases = INCONSISTENT[name]
    facts = _read(FIXTURES / "facts.ttl") + _read(FIXTURES / "inconsistent" / f"{name}.ttl")
    with pytest.raises(Inconsistency) as caught:
        infer(_read(ONTOLOGIES[ontology]), facts)
    findings = caught.value.findings
    # One problem, one finding: what follows from the clash (a merged individual in two
    # disjoint classes, owl:Nothing's subclasses) is not reported again.
    assert [f.kind for f in findings] == [kind], str(caught.value)
    for phrase in phrases:
        assert phrase in str(caught.value)
    assert caught.value.summary().startswith("inconsistent sources: ")
    assert "\n" not in caught.value.summary()


def test_consistent_facts_pass():
    closure = compute_closure(_read(FIXTURES / "ontology.ttl"), _read(FIXTURES / "facts.ttl"))
    assert find_inconsistencies(closure) == []


def test_functional_values_that_are_the_same_thing_do_not_clash():
    ontology = _read(FIXTURES / "ontology.ttl") + _turtle(
        "lib:count a owl:DatatypeProperty, owl:FunctionalProperty .")
    facts = _turtle("""
        <participation/a> lib:participant <person/leclerc>, [ rdfs:label "a blank node" ] .
        <participation/b> lib:participant <person/leclerc>, <person/philippe-leclerc> .
        <person/leclerc> owl:sameAs <person/philippe-leclerc> .
        <casualties/a> lib:count "1"^^xsd:integer, "1.0"^^xsd:decimal .
    """)
    closure = compute_closure(ontology, facts)
    assert find_inconsistencies(closure) == []
    # the blank node is merged with Leclerc, as OWL says it must be
    inferred, _ = select_inferred(closure)
    assert (ID["person/leclerc"], RDFS.label, Literal("a blank node")) in inferred


def test_two_iris_merged_by_a_cardinality_axiom_are_inconsistent():
    ontology = _turtle("""
        lib:Person rdfs:subClassOf [ a owl:Restriction ; owl:onProperty lib:bornIn ; owl:maxCardinality 1 ] .
    """)
    facts = _turtle("<person/x> a lib:Person ; lib:bornIn <city/paris>, <city/rome> .")
    findings = find_inconsistencies(compute_closure(ontology, facts))
    assert [f.kind for f in findings] == ["distinct-merged"]
    assert "id:city/paris and id:city/rome" in findings[0].message
    # the merge never happened
    assert (ID["city/paris"], OWL.sameAs, ID["city/rome"]) not in compute_closure(ontology, facts).graph


def test_ill_typed_literal_is_named():
    facts = _turtle('<timespan/a> lib:onDate "1944-13-45"^^xsd:date .')
    findings = find_inconsistencies(compute_closure(_read(FIXTURES / "ontology.ttl"), facts))
    assert [f.kind for f in findings] == ["ill-typed-literal"]
    assert 'id:timespan/a lib:onDate "1944-13-45"^^xsd:date' in findings[0].message


def test_other_owlrl_inconsistencies_are_passed_on():
    ontology = _turtle("lib:near a owl:ObjectProperty, owl:IrreflexiveProperty .")
    facts = _turtle("<city/paris> lib:near <city/paris> .")
    findings = find_inconsistencies(compute_closure(ontology, facts))
    assert [f.kind for f in findings] == ["owlrl"]
    assert "Irreflexive" in findings[0].message and str(ID["city/paris"]) in findings[0].message


# --------------------------------------------------------------------------------------------
# The noise filter
# --------------------------------------------------------------------------------------------

NOISE = {
    "literal-subject": [(Literal("Paris"), OWL.sameAs, Literal("Paris")),
                        (Literal("1944-08-25", datatype=XSD.date), RDF.type, XSD.date)],
    "reasoner-report": [(BNode(), RDF.type, ERRNS.ErrorMessage), (BNode(), ERRNS.error, Literal("x"))],
    "reflexive": [(PARIS, OWL.sameAs, PARIS), (LIB.Event, RDFS.subClassOf, LIB.Event),
                  (LIB.Event, OWL.equivalentClass, LIB.Event), (LIB.partOf, RDFS.subPropertyOf, LIB.partOf),
                  (LIB.partOf, OWL.equivalentProperty, LIB.partOf)],
    "built-in-vocabulary": [(XSD.date, RDF.type, RDFS.Datatype),
                            (RDFS.label, RDF.type, OWL.AnnotationProperty),
                            (OWL.Nothing, RDFS.subClassOf, LIB.Event), (OWL.Thing, RDF.type, OWL.Class)],
    "owl-thing": [(PARIS, RDF.type, OWL.Thing), (LIB.Event, RDFS.subClassOf, OWL.Thing)],
    "anonymous-class": [(LIB.Event, RDFS.subClassOf, BNode()), (BNode(), RDFS.subClassOf, LIB.Event),
                        (EVENT, RDF.type, BNode())],
    "derived-domain-range": [(LIB.hasPlace, RDFS.domain, CRM["E22_Human-Made_Object"]),
                             (LIB.hasPlace, RDFS.range, SEM.Place)],
}
KEPT = [(EVENT, RDF.type, CRM.E5_Event), (LIB.Liberation, RDFS.subClassOf, SEM.Event),
        (STREET, LIB.partOf, FRANCE), (BNode(), RDF.type, LIB.TimeSpan), (BNode(), LIB.inEvent, EVENT),
        (PHOTO, DCTERMS.spatial, FRANCE), (LIB.liberationOf, RDFS.subPropertyOf, SEM.hasPlace),
        (LECLERC, RDFS.label, Literal("Leclerc")), (LIB.hasTimeSpan, RDF.type, RDF.Property)]


def test_every_rule_has_examples():
    assert set(NOISE) == {rule.name for rule in NOISE_RULES}


@pytest.mark.parametrize("rule", list(NOISE))
def test_filter_drops_each_kind_of_noise(rule):
    for triple in NOISE[rule]:
        assert noise_rule(triple) == rule, triple


@pytest.mark.parametrize("triple", KEPT, ids=lambda t: " ".join(
    "[]" if isinstance(x, BNode) else str(x).rsplit("/", 1)[-1] for x in t))  # stable ids (xdist)
def test_filter_keeps_what_a_historian_queries(triple):
    assert noise_rule(triple) is None


def test_inferred_graph_holds_no_noise_and_the_filter_had_work(reasoned):
    _, closure, inferred, dropped = reasoned
    assert all(noise_rule(t) is None for t in inferred)
    # owlrl produced these kinds on the way, and the filter took them out
    assert {"built-in-vocabulary", "reflexive", "owl-thing", "derived-domain-range"} <= set(dropped)
    assert sum(dropped.values()) + len(inferred) == sum(1 for _ in closure.derived())


def test_closure_never_materialises_literal_subjects_or_reflexive_same_as(reasoned):
    _, closure, _, _ = reasoned
    assert not any(isinstance(s, Literal) for s in closure.graph.subjects())
    assert not any(s == o for s, o in closure.graph.subject_objects(OWL.sameAs))


def test_reason_returns_the_inferred_graph():
    inferred = infer(_read(FIXTURES / "ontology.ttl"), _read(FIXTURES / "facts.ttl")).inferred
    assert inferred.identifier == INFERRED_GRAPH
    assert (FORCE, LIB.liberated, PARIS) in inferred
    assert all(isinstance(s, (URIRef, BNode)) for s in inferred.subjects())


# --------------------------------------------------------------------------------------------
# The project's own ontology and facts, as the build wrote them (its inferences in their own named
# graph; tests/test_reasoning_engines.py holds the build's reasoner to owlrl's closure of the
# sources): every entailment the axioms promise is in the union of asserted and inferred triples,
# and the ones the issue names are found in the inferred graph.
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project():
    """(ontology, asserted triples (ontology and facts), inferred graph, asserted and inferred
    triples, and those triples' (subject, object) pairs by predicate: the checks below look up one
    property at a time), read from the project's snapshot."""
    graphs: dict = defaultdict(list)
    for quad in read_quads(ensure_snapshot(Settings.from_env())):
        graphs[quad.graph_name.value].append(quad)
    ontology, facts, inferred = (quads_to_graph(graphs[str(g)], g)
                                 for g in (ONTOLOGY_GRAPH, FACTS_GRAPH, INFERRED_GRAPH))
    asserted = set(ontology) | set(facts)
    union = asserted | set(inferred)
    pairs: dict = defaultdict(set)
    for s, p, o in union:
        pairs[p].add((s, o))
    return ontology, asserted, inferred, union, pairs


def _inferred_only(project, triples) -> list:
    _, asserted, inferred, _, _ = project
    return [t for t in triples if t in inferred and t not in asserted]


# The same check as tests/test_data.py::test_data_is_consistent_under_owl2_rl (which also looks
# for blocked merges), on the same owlrl run of the session.
@pytest.mark.slow
def test_project_sources_are_consistent(project_inference):
    assert find_inconsistencies(project_inference.closure) == []


def test_project_every_event_is_a_crm_and_sem_event(project):
    _, _, _, union, pairs = project
    events = {s for s, o in pairs[RDF.type] if o == LIB.Event}
    assert events
    for alignment in (CRM.E5_Event, SEM.Event):
        assert {e for e in events if (e, RDF.type, alignment) not in union} == set()
    assert _inferred_only(project, [(e, RDF.type, CRM.E5_Event) for e in events])


def test_project_inverse_properties(project):
    ontology, _, _, union, pairs = project
    expected = [(y, q, x) for p, q in ontology.subject_objects(OWL.inverseOf) for x, y in pairs[p]]
    assert [t for t in expected if t not in union] == []
    liberated = [t for t in expected if t[1] == LIB.liberated]
    assert _inferred_only(project, liberated), "no 'force lib:liberated city' inferred from lib:liberatedBy"


def test_project_transitive_part_of_reaches_the_country(project):
    ontology, _, inferred, _, pairs = project
    for p in ontology.subjects(RDF.type, OWL.TransitiveProperty):
        linked = pairs[p]
        missing = {(x, z) for x, y in linked for y2, z in linked if y == y2 and (x, z) not in linked}
        assert missing == set(), f"{p} is not closed"
    countries = {s for s, o in pairs[RDF.type] if o == LIB.Country}
    streets = {s for s, o in pairs[RDF.type] if o == LIB.Street}
    assert {(s, c) for s in streets for c in countries if (s, LIB.partOf, c) in inferred}, \
        "no street is inferred to lie in its country"


def test_project_property_chains(project):
    ontology, _, _, union, pairs = project
    chains = [(p, list(ontology.items(chain)))
              for p, chain in ontology.subject_objects(OWL.propertyChainAxiom)]
    assert {p for p, _ in chains} >= {LIB.hasPlace, LIB.reception}
    concluded = []
    for p, (first, second) in chains:
        links = pairs[second]
        for x, y in pairs[first]:
            concluded += [(x, p, z) for y2, z in links if y2 == y]
    assert [t for t in concluded if t not in union] == []
    assert _inferred_only(project, concluded)


def test_project_domain_and_range_typing(project):
    ontology, _, _, union, pairs = project
    expected = []
    for p, cls in ontology.subject_objects(RDFS.domain):
        expected += [(s, RDF.type, cls) for s, _o in pairs[p]]
    for p, cls in ontology.subject_objects(RDFS.range):
        expected += [(o, RDF.type, cls) for _s, o in pairs[p] if not isinstance(o, Literal)]
    assert [t for t in expected if t not in union] == []
    assert _inferred_only(project, expected)


def test_project_inferred_graph_is_apart_from_the_asserted_one(project):
    _, asserted, inferred, _, _ = project
    assert not set(inferred) & asserted
    assert all(noise_rule(t) is None for t in inferred)


def test_day_bounds_span_what_each_precision_allows():
    """A day is its own first and last day, a month runs to its last day (29 February in a leap
    year), an interval's bounds are its own and an open end gets none."""
    g = Graph()
    day, month, leap, interval = (URIRef(f"http://example.org/{n}") for n in ("day", "month", "leap", "open"))
    g.add((day, LIB.onDate, Literal("1944-08-25", datatype=XSD.date)))
    g.add((month, LIB.inMonth, Literal("1944-06", datatype=XSD.gYearMonth)))
    g.add((leap, LIB.inMonth, Literal("1944-02", datatype=XSD.gYearMonth)))
    g.add((interval, LIB.notBefore, Literal("1945-01-01", datatype=XSD.date)))
    bounds = {(s, p, str(o)) for s, p, o in day_bounds(g)}
    assert bounds == {
        (day, LIB.earliestDay, "1944-08-25"), (day, LIB.latestDay, "1944-08-25"),
        (month, LIB.earliestDay, "1944-06-01"), (month, LIB.latestDay, "1944-06-30"),
        (leap, LIB.earliestDay, "1944-02-01"), (leap, LIB.latestDay, "1944-02-29"),
        (interval, LIB.earliestDay, "1945-01-01"),
    }
    assert all(o.datatype == XSD.date for _, _, o in day_bounds(g))


def test_sem_says_when_events_took_place_not_when_photographs_were_taken(project_app):
    # lib:hasTimeSpan dates both; SEM's sem:hasTime is an event's, so only events get it.
    engine = project_app.extensions["sparql"].runner.engine
    rows = engine.query(f"""SELECT ?x WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?x <{SEM.hasTime}> ?span }}
        FILTER(?x IN (<{ID}photo/warsaw-03>, <{ID}event/liberation-of-warsaw>)) }}""").rows
    assert [str(r["x"]) for r in rows] == [f"{ID}event/liberation-of-warsaw"]
    photo_times = engine.query(f"""ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?photo <{SEM.hasTime}> ?span }}
        ?photo a <{LIB.Photograph}> }}""").boolean
    assert photo_times is False


def test_sems_role_pattern_is_whole_every_participation_a_role_with_its_actor_and_type(project_app):
    """SEM qualifies an actor's part in an event by a sem:Role: the event sem:hasActor the role,
    whose rdf:value is the actor and whose sem:roleType its type. A SEM reader finds who took part
    in the liberation of Luxembourg City in which role without knowing the project's terms."""
    engine = project_app.extensions["sparql"].runner.engine
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rows = engine.query(f"""SELECT ?actor ?type WHERE {{
        <{ID}event/liberation-of-luxembourg-city> <{SEM.hasActor}> ?role .
        ?role a <{SEM.Role}> ; <{rdf}value> ?actor ; <{SEM.roleType}> ?type }}""").rows
    found = sorted((str(r["actor"]).removeprefix(str(ID)), str(r["type"]).rsplit("#", 1)[1]) for r in rows)
    assert found == [
        ("person/george-s-patton", "role-commander"), ("person/jean-of-luxembourg", "role-participant"),
        ("person/prince-felix", "role-head-of-state"), ("unit/pattons-army", "role-liberating-force")]
    # Every participation, none left out; each value derived, with its statement and quote.
    missing = engine.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?part <{LIB.participant}> ?actor
        FILTER NOT EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?part <{rdf}value> ?actor }}
                             ?event <{SEM.hasActor}> ?part }} }}""").rows[0]["n"]
    assert int(missing) == 0
    sourced = engine.query(f"""ASK {{ GRAPH <https://w3id.org/liberation-kg/graph/provenance> {{
        ?st <{rdf}subject> <{ID}participation/liberation-of-luxembourg-city--pattons-army> ;
            <{rdf}predicate> <{rdf}value> ; <{rdf}object> <{ID}unit/pattons-army> ; <{LIB.evidence}> ?quote ;
            <{LIB.otherAccounts}> ?disputed }} }}""").boolean
    assert sourced


def test_owlrl_leaves_rdflibs_reading_of_literals_as_it_found_it() -> None:
    # owlrl reads literals with conversions of its own while it reasons, and its switch back left
    # some installed: afterwards "--02"^^xsd:gMonth and "-0044"^^xsd:gYear, made anywhere in the
    # process, were ill-typed (and refused by sh:datatype).
    facts = Graph().parse(data='<http://example.org/a> <http://example.org/b> "1944"^^'
                               '<http://www.w3.org/2001/XMLSchema#gYear> .', format="turtle")
    infer(Graph(), facts, reasoner="owlrl")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert not Literal("--02", datatype=URIRef(xsd + "gMonth")).ill_typed
    assert not Literal("-0044", datatype=URIRef(xsd + "gYear")).ill_typed
