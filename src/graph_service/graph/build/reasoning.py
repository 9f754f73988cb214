"""OWL 2 RL reasoning: what the ontology and the facts imply, kept apart from what they assert.

    closure = compute_closure(ontology, facts)   # one owlrl run over ontology + facts
    check_consistency(closure)                   # raises Inconsistency naming the triples
    inferred, dropped = select_inferred(closure) # derived triples worth serving

The closure is owlrl's OWL 2 RL rule set (no axiomatic triples, no datatype axioms), computed
once; everything else reads that one result, because owlrl is the slow part of a build.

Noise filter (`NOISE_RULES`, version `FILTER_VERSION`)
------------------------------------------------------
A derived triple is served in the inferred graph unless one of these rules drops it (the first
rule that matches names the reason; the build records how many each rule dropped):

``literal-subject``
    A literal as subject (owlrl's ``"Paris" owl:sameAs "Paris"``, ``"1944-08-25"^^xsd:date a
    xsd:date``). Not RDF 1.1 at all, and no N-Quads file can hold it.
``reasoner-report``
    owlrl's own error-message nodes (``[] a err:ErrorMessage``); inconsistencies are reported by
    `check_consistency` instead, and an inconsistent closure is never served.
``reflexive``
    ``x owl:sameAs x``, ``C rdfs:subClassOf C``, ``C owl:equivalentClass C``,
    ``p rdfs:subPropertyOf p``, ``p owl:equivalentProperty p``: true of everything.
``built-in-vocabulary``
    Anything said about a term of RDF, RDFS, OWL or XSD themselves (``xsd:date a rdfs:Datatype``,
    ``rdfs:label a owl:AnnotationProperty``, ``owl:Nothing rdfs:subClassOf lib:Event``): axioms of
    the languages, the same in every dataset.
``owl-thing``
    ``x a owl:Thing``, ``C rdfs:subClassOf owl:Thing``, ``p rdfs:domain owl:Thing``,
    ``p rdfs:range owl:Thing``: every individual is a thing.
``anonymous-class``
    Class and property axioms with a blank node on either side, and ``x a _:b``: anonymous class
    expressions (restrictions, lists) are the ontology's machinery, not something to query.
``derived-domain-range``
    ``rdfs:domain`` and ``rdfs:range`` widened to superclasses or inherited from super-properties
    (``lib:caption rdfs:domain prov:Entity``): the ontology states each exactly once, and the
    types they give individuals are served anyway.

What stays: every new type of an individual (``id:event/liberation-of-paris a crm:E5_Event``),
every new property value (inverses, transitive ``lib:partOf``, property chains, super-properties
such as ``dcterms:spatial``), and the closure of the class and property hierarchies
(``lib:Liberation rdfs:subClassOf sem:Event``), so a query can walk it without property paths.

Two kinds of noise are never materialised at all: reflexive ``owl:sameAs`` and literal-subject
triples are over a quarter of what owlrl adds and feed no rule whose conclusion is kept, so the
closure skips them, which about halves its time on the project's graph. The filter still names
them, so the rules hold for any closure.

Consistency (`check_consistency`)
---------------------------------
The build stops with `Inconsistency`, whose message names each offending triple, says whether it
is asserted or inferred and, for an inferred one, the asserted triple it follows from:

``nothing``
    A member of ``owl:Nothing``.
``disjoint-classes``
    An individual in two classes declared disjoint (``owl:disjointWith``,
    ``owl:AllDisjointClasses``, ``owl:complementOf``): a person that is a unit, an event that is
    a place.
``functional``
    A functional property with two different values for one subject (two different literal
    values, or two different IRIs); an inverse-functional property with one value for two
    different subjects.
``distinct-merged``
    Any other rule (``owl:hasKey``, a max-cardinality restriction) concluding that two different
    IRIs are ``owl:sameAs`` (the closure declines the merge; see below).
``ill-typed-literal``
    A literal whose text is not a value of its datatype (``"1944-13-45"^^xsd:date``).
``owlrl``
    Whatever else owlrl reports (irreflexive, asymmetric or disjoint properties,
    ``owl:sameAs`` together with ``owl:differentFrom`` ...), in owlrl's words.

Unique name assumption: OWL itself lets two IRIs name the same thing, so for it a functional
property with two IRI values merely means the two are ``owl:sameAs``. This project names each
thing by exactly one IRI under ``id/`` (and links out with ``lib:wikidata``, not ``owl:sameAs``),
so two different IRIs are two different things unless the sources state ``owl:sameAs`` between
them. The closure therefore never merges two IRIs the sources do not merge, and such a merge is
reported as an inconsistency. Blank nodes have no names, so a blank node may still be merged.
"""

from __future__ import annotations

import calendar
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations, count

from owlrl import DatatypeHandling, DeductiveClosure, OWLRL_Semantics
from owlrl.Namespaces import ERRNS
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from graph_service.graph.rdf import (
    CRM,
    INFERRED_GRAPH,
    LIB,
    SEM,
    bind_prefixes,
    provenance,
    rdflib_conversions_kept,
    triple_from_rdflib,
    turtle,
)

#: Part of the snapshot's cache key: change it when the rules below change what is served
#: (2: liberators from a liberation's parts; the shortcuts' statements in graph/provenance;
#: 3: the statements of the links OWL 2 RL draws, `closure_statements`; 4: of every derived
#: link and value, in the aligned vocabularies and the build's own derivations too; sem:hasTime
#: of events only; 5: crm:P4_has_time-span of events; 6: crm:P4_has_time-span only of an event
#: of one time-span, lib:partOf in CIDOC CRM by the kinds of place, crm:P7_took_place_at to an
#: E53 place only).
FILTER_VERSION = "6"

Triple = tuple[Node, Node, Node]

# ----------------------------------------------------------------------------------------------
# The closure
# ----------------------------------------------------------------------------------------------


@dataclass
class Closure:
    """One owlrl run: the asserted triples (ontology and facts) and everything they imply."""

    asserted: frozenset[Triple]
    #: The asserted triples and the derived ones together.
    graph: Graph
    #: owlrl's own inconsistency messages.
    reasoner_errors: tuple[str, ...] = ()
    #: Pairs of IRIs some rule would have made owl:sameAs, kept apart (unique name assumption).
    blocked_merges: frozenset[frozenset[Node]] = frozenset()
    seconds: float = 0.0
    #: The derived triples, where the engine kept them apart as it went (walking an rdflib graph
    #: of 10^5 triples to find them again takes seconds).
    derived_triples: frozenset[Triple] | None = None

    def derived(self) -> Iterator[Triple]:
        """The triples of the closure that are not asserted."""
        if self.derived_triples is not None:
            return iter(self.derived_triples)
        return (t for t in self.graph if t not in self.asserted)

    def is_asserted(self, triple: Triple) -> bool:
        return triple in self.asserted


class _Sameness:
    """Which IRIs the sources say are owl:sameAs (directly or through a chain): a union-find."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self._parent: dict[Node, Node] = {}
        for a, p, b in triples:
            if p == OWL.sameAs and isinstance(a, URIRef) and isinstance(b, URIRef):
                self._parent[self.find(a)] = self.find(b)

    def find(self, x: Node) -> Node:
        root = x
        while self._parent.get(root, root) != root:
            root = self._parent[root]
        self._parent[x] = root
        return root

    def same(self, a: Node, b: Node) -> bool:
        return a == b or self.find(a) == self.find(b)


_SAME_AS = OWL.sameAs


class _Rules(OWLRL_Semantics):
    """owlrl's OWL 2 RL rules with the unique name assumption, minus conclusions that are pure cost.

    `store_triple` is owlrl's single entry point for every conclusion, so this is where a
    conclusion can be declined: literal-subject and reflexive owl:sameAs triples (noise, see the
    module docstring), and owl:sameAs between two IRIs the sources keep apart (recorded, then
    reported as an inconsistency).
    """

    def __init__(self, graph: Graph, sameness: _Sameness,
                 on_cycle: Callable[[int, int], None] | None) -> None:
        super().__init__(graph, False, False)  # no axiomatic triples, no datatype axioms
        self._sameness = sameness
        self._on_cycle = on_cycle
        self._cycle = 0
        self.blocked: set[frozenset[Node]] = set()

    def store_triple(self, t: Triple) -> None:
        s, p, o = t
        if isinstance(s, Literal):
            return
        if p == _SAME_AS:  # (rdflib's OWL.sameAs is a slow attribute lookup; this runs 10^5 times)
            if s == o:
                return
            if isinstance(s, URIRef) and isinstance(o, URIRef) and not self._sameness.same(s, o):
                self.blocked.add(frozenset((s, o)))
                return
        super().store_triple(t)

    def rules(self, t: Triple, cycle_num: int) -> None:
        if cycle_num != self._cycle:
            self._cycle = cycle_num
            if self._on_cycle is not None:
                self._on_cycle(cycle_num, len(self.graph))
        super().rules(t, cycle_num)


@dataclass(frozen=True)
class Shortcut:
    """A shortcut property OWL 2 RL cannot derive (a property chain cannot look at a
    participation's role), derived from the qualified statements it summarises before the OWL 2
    RL rules run; the ontology's rdfs:comment on each names the qualified statement as primary.

    `where` (SPARQL, `lib:` declared) binds ?s and ?o of each derived triple ?s `predicate` ?o;
    `rests_on` names, by their variables' names (or IRIs), the stated triples of a match the
    derived one rests on: its provenance (`shortcut_statements`) is theirs."""

    predicate: URIRef
    where: str
    rests_on: tuple[tuple[str | URIRef, str | URIRef, str | URIRef], ...]


#: The notes on a statement that what is derived from it keeps, where every way of deriving it
#: rests on a statement with one: why a reading of the project's is made (`lib:editorialNote`), and
#: what other accounts say of the article's claim (`lib:otherAccounts`).
CARRIED_NOTES: tuple[URIRef, ...] = (LIB.editorialNote, LIB.otherAccounts)

_PARTICIPANT = (("part", LIB.hasParticipation, "p"), ("p", LIB.participant, "o"), ("p", LIB.role, "role"))

#: (lib:reception is derived by OWL 2 RL itself, from its property chain.)
SHORTCUTS: tuple[Shortcut, ...] = (
    # lib:liberatedBy: a liberating or supporting force of the place's liberation, or of a part of
    # it (Paris's Allied forces are the liberating force of the advance that forced the surrender)
    Shortcut(LIB.liberatedBy, """
        ?event a lib:Liberation ; lib:liberationOf ?s ; lib:hasSubEvent? ?part .
        ?part lib:hasParticipation ?p . ?p lib:participant ?o ; lib:role ?role .
        VALUES ?role { lib:role-liberating-force lib:role-supporting-force }""",
             (("event", LIB.liberationOf, "s"), ("event", LIB.hasSubEvent, "part"), *_PARTICIPANT)),
    # lib:capturedBy: the captor of an item, the conquering force of a place
    Shortcut(LIB.capturedBy, """
        { ?part a lib:Capture ; lib:capturedItem ?s . BIND(lib:capturedItem AS ?link) }
        UNION { ?part a lib:Conquest ; lib:conquestOf ?s . BIND(lib:conquestOf AS ?link) }
        ?part lib:hasParticipation ?p . ?p lib:participant ?o ; lib:role ?role .
        VALUES ?role { lib:role-captor lib:role-conquering-force }""",
             (("part", "link", "s"), *_PARTICIPANT)),
    # lib:commandedBy (of an event): its participant in the role of commander
    Shortcut(LIB.commandedBy, """
        ?s lib:hasParticipation ?p . ?p lib:participant ?o ; lib:role lib:role-commander .
        BIND(?s AS ?part) BIND(lib:role-commander AS ?role)""", _PARTICIPANT),
)


def shortcut_derivations(graph: Graph) -> dict[Triple, list[frozenset[Triple]]]:
    """Each triple the `SHORTCUTS` derive from `graph`, with the stated triples it rests on: one
    set for each way it is derived (Paris's Free French forces, from the liberation's own
    participation and from its parts')."""
    found: dict[Triple, list[frozenset[Triple]]] = defaultdict(list)
    for rule in SHORTCUTS:
        for row in graph.query(f"SELECT * WHERE {{ {rule.where} }}", initNs={"lib": LIB}):
            bound = row.asdict()  # type: ignore[union-attr]  # a SELECT's rows are ResultRows
            support = set()
            for pattern in rule.rests_on:
                s, p, o = (t if isinstance(t, URIRef) else bound.get(t) for t in pattern)
                # A liberation's own force has no sub-event between: that triple is not there.
                if s is not None and p is not None and o is not None and (s, p, o) in graph:
                    support.add((s, p, o))
            found[(bound["s"], rule.predicate, bound["o"])].append(frozenset(support))
    return found


def shortcut_statements(ontology: Graph, facts: Graph, provenance: Graph, inferred: Graph) -> Graph:
    """The provenance of the shortcuts `inferred` holds, and of what follows from them (their
    inverses and super-properties): for each, an
    rdf:Statement derived (prov:wasDerivedFrom) from the statements of the stated triples it rests
    on, with their quotes. A derived triple is no more the article's word than what it comes from:
    where every way of deriving it rests on a reading, it carries those readings' editorial notes
    (and likewise what other accounts say, `lib:otherAccounts`)
    ("Rome liberated by the American forces" keeps the note on the reading of Rome's liberators);
    where one way rests on what the quotes say, it needs none."""
    inverses: dict[Node, list[Node]] = defaultdict(list)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverses[p].append(q)
        inverses[q].append(p)

    def also(s: Node, p: Node, o: Node) -> list[Triple]:
        """What OWL 2 RL derives in turn: the triple under p's super-properties ("led by" for
        "commanded by") and their inverses."""
        kinds = [p, *(q for q in ontology.transitive_objects(p, RDFS.subPropertyOf) if q not in (p, None))]
        return [(s, q, o) for q in kinds] + [(o, r, s) for q in kinds for r in inverses.get(q, ())]

    def notes(statements: Iterable[URIRef], kind: URIRef) -> set[Node]:
        return {note for st in statements for note in provenance.objects(st, kind)}

    out = Graph()
    for (s, p, o), ways in shortcut_derivations(facts).items():
        stated = [[st for st in map(_statement, sorted(way)) if (st, RDF.type, RDF.Statement) in provenance]
                  for way in ways]
        sources = sorted({st for way in stated for st in way})
        kept = {(kind, note) for kind in CARRIED_NOTES if all(notes(way, kind) for way in stated)
                for way in stated for note in notes(way, kind)}
        for triple in (t for t in also(s, p, o) if t in inferred):
            st = _statement(triple)
            out += [(st, RDF.type, RDF.Statement), (st, RDF.subject, triple[0]),
                    (st, RDF.predicate, triple[1]), (st, RDF.object, triple[2])]
            out += [(st, PROV.wasDerivedFrom, source) for source in sources]
            out += [(st, LIB.evidence, q)
                    for source in sources for q in provenance.objects(source, LIB.evidence)]
            out += [(st, kind, note) for kind, note in kept]
    return out


def _statement(triple: Triple) -> URIRef:
    return URIRef(provenance.statement_iri(triple_from_rdflib(*triple)).value)


def _with_shortcuts(ontology: Graph, facts: Graph) -> tuple[Graph, frozenset[Triple]]:
    """Ontology + facts in one graph, with the `SHORTCUTS`' conclusions and the time-spans'
    day bounds added (derived, so they land in the inferred graph, never in the facts), and the
    asserted triples."""
    graph = Graph()
    bind_prefixes(graph)
    graph += ontology
    graph += facts
    asserted = frozenset(graph)
    for triple in shortcut_derivations(graph):
        graph.add(triple)
    for triple in (day_bounds(graph) + event_places(graph) + place_links(graph) + event_times(graph)
                   + role_values(graph)):
        graph.add(triple)
    return graph, asserted


def event_places(graph: Graph) -> list[Triple]:
    """sem:hasPlace and crm:P7_took_place_at of every event: its places (lib:hasPlace and its
    subproperties) and the places they lie in (lib:partOf). Not by making lib:hasPlace their
    subproperty: it places photographs too, and either vocabulary would make a photograph an
    event. (Walked here: as a SPARQL rule, rdflib took seconds over the article's graph.)
    crm:P7_took_place_at only to a crm:E53_Place: a building or a monument is an object that
    stands in a place, not one (an event at Notre Dame took place in Paris and France)."""
    placing = set(graph.transitive_subjects(RDFS.subPropertyOf, LIB.hasPlace))
    events = _instances(graph, LIB.Event)
    spaces = _instances(graph, CRM.E53_Place)
    out: set[Triple] = set()
    for event in events:
        for at in (o for p in placing for o in graph.objects(event, p)):
            for place in graph.transitive_objects(at, LIB.partOf):
                if place is not None:
                    out.add((event, SEM.hasPlace, place))
                    if place in spaces:
                        out.add((event, CRM.P7_took_place_at, place))
    return sorted(out)


def place_links(graph: Graph) -> list[Triple]:
    """lib:partOf in CIDOC CRM's terms: crm:P89_falls_within (and crm:P89i_contains) between two
    crm:E53_Place, crm:P53_has_former_or_current_location (and its inverse) from a building or a
    monument (a crm:E22_Human-Made_Object, or a cemetery, a crm:E27_Site) to the places it lies
    in. Not by making lib:partOf a subproperty of either: each holds between its own kinds only,
    and lib:partOf relates places of both kinds (Notre Dame lib:partOf Paris)."""
    spaces = _instances(graph, CRM.E53_Place)
    things = _instances(graph, CRM["E22_Human-Made_Object"]) | _instances(graph, CRM.E27_Site)
    out: list[Triple] = []
    for part in spaces | things:
        for whole in graph.transitive_objects(part, LIB.partOf):
            if whole == part or whole not in spaces:
                continue
            if part in spaces:
                out += [(part, CRM.P89_falls_within, whole), (whole, CRM.P89i_contains, part)]
            else:
                out += [(part, CRM.P53_has_former_or_current_location, whole),
                        (whole, CRM.P53i_is_former_or_current_location_of, part)]
    return sorted(set(out))


def _instances(graph: Graph, cls: URIRef) -> set[Node]:
    """The resources of `graph` typed with `cls` or a subclass of it (by the ontology in `graph`)."""
    return {r for kind in graph.transitive_subjects(RDFS.subClassOf, cls)
            for r in graph.subjects(RDF.type, kind)}


def event_times(graph: Graph) -> list[Triple]:
    """sem:hasTime and crm:P4_has_time-span of every event: its time-spans. Not by making
    lib:hasTimeSpan their subproperty: it dates photographs too, and SEM's and CIDOC CRM's
    properties say when an event (a crm:E2_Temporal_Entity) took place.

    crm:P4_has_time-span only where the event has one time-span: CIDOC CRM gives a temporal
    entity exactly one, so Paris's two dates (the article gives both) made the two time-spans,
    to a CRM reasoner, one, whose two days contradict each other. sem:hasTime may be many."""
    events = _instances(graph, LIB.Event)
    out: list[Triple] = []
    for event in events:
        spans = list(graph.objects(event, LIB.hasTimeSpan))
        times = _EVENT_TIMES if len(spans) == 1 else _EVENT_TIMES[:1]
        out += [(event, p, span) for span in spans for p in times]
    return sorted(out)


_EVENT_TIMES = (SEM.hasTime, CRM["P4_has_time-span"])


def role_values(graph: Graph) -> list[Triple]:
    """rdf:value of every participation: its actor, as SEM's role pattern has it (the event
    sem:hasActor the sem:Role, whose rdf:value is the actor). Not by making lib:participant a
    sub-property of rdf:value: that is reserved vocabulary, outside OWL 2 RL."""
    return sorted((part, RDF.value, actor) for part, actor in graph.subject_objects(LIB.participant))


def month_bounds(month: Node) -> list[tuple[URIRef, Literal]]:
    """lib:earliestDay and lib:latestDay of a time-span known to the month `month`: its first and
    last days; none for a value that is not a month (the shapes say so; no bound is made up)."""
    try:
        year, number = (int(part) for part in str(month).split("-")[:2])
        last = calendar.monthrange(year, number)[1]
    except ValueError:
        return []
    return [(LIB.earliestDay, Literal(date(year, number, 1))),
            (LIB.latestDay, Literal(date(year, number, last)))]


def day_bounds(graph: Graph) -> list[Triple]:
    """lib:earliestDay and lib:latestDay (xsd:date) of every time-span of `graph`: its day, the
    first and last days of its month, or its interval's bounds (an open end has none).

    SPARQL compares an xsd:date with an xsd:date only: a filter on days silently drops the
    time-spans known to the month. The bounds let dates of every precision be compared, and say
    what a comparison can decide: a span certainly before a day has its latest day before it."""
    out: list[Triple] = []
    for span, _, day in graph.triples((None, LIB.onDate, None)):
        out += [(span, LIB.earliestDay, day), (span, LIB.latestDay, day)]
    for span, _, month in graph.triples((None, LIB.inMonth, None)):
        out += [(span, bound, day) for bound, day in month_bounds(month)]
    out += [(span, LIB.earliestDay, day) for span, _, day in graph.triples((None, LIB.notBefore, None))]
    out += [(span, LIB.latestDay, day) for span, _, day in graph.triples((None, LIB.notAfter, None))]
    return out


def compute_closure(ontology: Graph, facts: Graph, *,
                    on_cycle: Callable[[int, int], None] | None = None) -> Closure:
    """The OWL 2 RL closure of ontology + facts (one owlrl run; seconds, not milliseconds).

    `on_cycle(cycle, triples)` is called as each round of rule applications starts.
    """
    graph, asserted = _with_shortcuts(ontology, facts)
    rules = _Rules(graph, _Sameness(asserted), on_cycle)
    started = time.perf_counter()
    # owlrl checks literals against their datatypes with its own lexical conversions, switched on
    # around the run as its DeductiveClosure.expand does (they are process-wide), and off again
    # exactly (`rdflib_conversions_kept`: owlrl's own switch back leaves some of its own).
    with rdflib_conversions_kept():
        if not DeductiveClosure.improved_datatype_generic:
            DatatypeHandling.use_Alt_lexical_conversions()
        rules.closure()
    return Closure(asserted=asserted, graph=graph, reasoner_errors=tuple(rules.error_messages),
                   blocked_merges=frozenset(rules.blocked),
                   seconds=time.perf_counter() - started)


# ----------------------------------------------------------------------------------------------
# A second engine: reasonable (Rust), where it computes owlrl's closure
# ----------------------------------------------------------------------------------------------

#: The OWL 2 RL engines a build can use (`Settings.reasoner`); owlrl is the reference.
REASONERS = ("owlrl", "reasonable")

#: What reasonable 0.4 leaves out of OWL 2 RL (its README's rule table) and this module does not
#: complete, by the vocabulary that calls for it: where the ontology or the facts use any of these,
#: its closure (or its consistency check) would not be owlrl's, so the build uses owlrl. Left out on
#: purpose: owl:propertyChainAxiom (prp-spo2, completed below), rdfs:subPropertyOf transitivity
#: (scm-spo, completed below), reflexive owl:sameAs (eq-ref, noise either way), and the clashes
#: `check_consistency` finds in any closure (owl:Nothing, disjoint classes, functional properties).
REASONABLE_GAPS: dict[Node, str] = {
    OWL.hasKey: "owl:hasKey",
    OWL.maxCardinality: "owl:maxCardinality",
    OWL.maxQualifiedCardinality: "owl:maxQualifiedCardinality",
    OWL.oneOf: "owl:oneOf",
    OWL.differentFrom: "owl:differentFrom",
    OWL.distinctMembers: "owl:AllDifferent",
    OWL.propertyDisjointWith: "owl:propertyDisjointWith",
    OWL.sourceIndividual: "owl:NegativePropertyAssertion",
    OWL.AllDisjointProperties: "owl:AllDisjointProperties",
    OWL.IrreflexiveProperty: "owl:IrreflexiveProperty",
    OWL.AsymmetricProperty: "owl:AsymmetricProperty",
}


def reasonable_gaps(*graphs: Graph) -> list[str]:
    """What in `graphs` (the ontology, the facts) reasonable would not apply as owlrl does, each
    with the terms that use it."""
    users: dict[str, set[str]] = defaultdict(set)
    for graph in graphs:
        for term, name in REASONABLE_GAPS.items():
            # A gap is a predicate (owl:hasKey ...) or a class (owl:IrreflexiveProperty ...).
            for s in graph.subjects(term, None):
                users[name].add(show(s))
            for s in graph.subjects(RDF.type, term):
                users[name].add(show(s))
    return [f"{name} ({', '.join(sorted(users[name]))})" for name in REASONABLE_GAPS.values() if users[name]]


def reasonable_problem(ontology: Graph, facts: Graph | None = None) -> str | None:
    """Why reasonable cannot stand in for owlrl on `ontology` (and `facts`), or None when it can."""
    try:
        import reasonable  # noqa: F401  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return "reasonable is not installed (pip install reasonable)"
    gaps = reasonable_gaps(ontology, *(() if facts is None else (facts,)))
    if gaps:
        return "reasonable does not apply " + "; ".join(gaps) + ", so its closure would not be owlrl's"
    return None


Chain = tuple[Node, tuple[Node, ...]]


def property_chains(graph: Graph) -> list[Chain]:
    """Each `p owl:propertyChainAxiom (p1 ... pn)` of `graph`, as (p, (p1, ..., pn))."""
    chains = []
    for prop, head in graph.subject_objects(OWL.propertyChainAxiom):
        steps = tuple(graph.items(head))
        if steps:
            chains.append((prop, steps))
    return sorted(chains, key=lambda c: tuple(map(str, (c[0], *c[1]))))


def chain_conclusions(graph: Graph, chains: Iterable[Chain]) -> set[Triple]:
    """OWL 2 RL prp-spo2 applied once to `graph`: `x p y` wherever x p1 ... pn y walks the chain
    of p, and `graph` does not hold it yet. Joins over an index per step, so it is linear in the
    triples of the chain's properties (plus the pairs it walks)."""
    new: set[Triple] = set()
    for prop, steps in chains:
        pairs = set(graph.subject_objects(steps[0]))
        for step in steps[1:]:
            following: dict[Node, list[Node]] = defaultdict(list)
            for s, o in graph.subject_objects(step):
                following[s].append(o)
            pairs = {(x, z) for x, y in pairs for z in following.get(y, ())}
        new.update((x, prop, z) for x, z in pairs if not isinstance(x, Literal) and (x, prop, z) not in graph)
    return new


def _reasonable_run(graph: Graph) -> list[Triple]:
    """One run of reasonable over `graph`: its input and everything it derives.

    The reasoner is made, used and dropped in this frame and nowhere else: reasonable's reasoner
    may only be dropped on the thread that made it (on any other it raises, as an "exception
    ignored"), and a frame of the caller can outlive its call (rdflib's SPARQL evaluation leaves
    reference cycles holding its callers' frames), to be freed by the garbage collector on
    whichever thread happens to run it.
    """
    import reasonable  # type: ignore[import-not-found,import-untyped,unused-ignore]

    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    triples: list[Triple] = reasoner.reason()
    return triples


def compute_closure_reasonable(ontology: Graph, facts: Graph, *,
                               on_cycle: Callable[[int, int], None] | None = None) -> Closure:
    """The closure by reasonable, completed with the two rules it lacks that owlrl applies here
    (prp-spo2 property chains, scm-spo), read as owlrl's would be (check `reasonable_problem` first).

    reasonable runs to its fixpoint, the chains add what they imply, and reasonable runs again
    while they add anything: a chain's conclusion feeds every other rule (its super-properties,
    inverses, domains), and those may feed a chain again.
    """
    graph, asserted = _with_shortcuts(ontology, facts)
    sameness = _Sameness(asserted)
    blocked: set[frozenset[Node]] = set()
    chains = property_chains(graph)
    started = time.perf_counter()
    known = set(graph)  # reasonable returns its input too: adding to an rdflib graph is the slow part
    for cycle in count(1):
        if on_cycle is not None:
            on_cycle(cycle, len(graph))
        for s, p, o in _reasonable_run(graph):
            # reasonable writes a plain string as xsd:string: the same RDF 1.1 literal, another rdflib term
            if isinstance(o, Literal) and o.datatype == XSD.string and o.language is None:
                o = Literal(str(o))
            if (s, p, o) in known or isinstance(s, Literal):
                continue  # the noise owlrl's run never materialises either (see _Rules)
            if p == _SAME_AS:
                if s == o:
                    continue
                if isinstance(s, URIRef) and isinstance(o, URIRef) and not sameness.same(s, o):
                    blocked.add(frozenset((s, o)))  # reported as owlrl's run would (unique names)
                    continue
            known.add((s, p, o))
            graph.add((s, p, o))
        new = chain_conclusions(graph, chains)
        if not new:
            break
        known.update(new)
        graph.addN((*triple, graph) for triple in new)
    # scm-spo (rdfs:subPropertyOf is transitive); what it implies about the data (prp-spo1) is there already.
    for prop in set(graph.subjects(RDFS.subPropertyOf, None)):
        for sup in list(graph.transitive_objects(prop, RDFS.subPropertyOf)):
            if sup is not None and sup != prop:
                known.add((prop, RDFS.subPropertyOf, sup))
                graph.add((prop, RDFS.subPropertyOf, sup))
    return Closure(asserted=asserted, graph=graph, blocked_merges=frozenset(blocked),
                   seconds=time.perf_counter() - started, derived_triples=frozenset(known - asserted))


# ----------------------------------------------------------------------------------------------
# The noise filter
# ----------------------------------------------------------------------------------------------

_W3C_VOCABULARIES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
_REFLEXIVE_PREDICATES = frozenset({OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass,
                                   RDFS.subPropertyOf, OWL.equivalentProperty})
_THING_PREDICATES = frozenset({RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range})
_AXIOM_PREDICATES = frozenset({RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf,
                               OWL.equivalentProperty, RDFS.domain, RDFS.range, OWL.disjointWith,
                               OWL.complementOf, OWL.inverseOf})


@dataclass(frozen=True)
class NoiseRule:
    name: str
    description: str
    matches: Callable[[Node, Node, Node], bool] = field(repr=False)


NOISE_RULES: tuple[NoiseRule, ...] = (
    NoiseRule("literal-subject", "a literal as subject",
              lambda s, p, o: isinstance(s, Literal)),
    NoiseRule("reasoner-report", "owlrl's error-message nodes",
              lambda s, p, o: p == ERRNS.error or (p == RDF.type and o == ERRNS.ErrorMessage)),
    NoiseRule("reflexive", "sameAs, subClassOf, equivalentClass, subPropertyOf, equivalentProperty "
              "of a term with itself",
              lambda s, p, o: s == o and p in _REFLEXIVE_PREDICATES),
    NoiseRule("built-in-vocabulary", "statements about RDF, RDFS, OWL and XSD terms",
              lambda s, p, o: isinstance(s, URIRef) and str(s).startswith(_W3C_VOCABULARIES)),
    NoiseRule("owl-thing", "type, subclass, domain or range owl:Thing",
              lambda s, p, o: o == OWL.Thing and p in _THING_PREDICATES),
    NoiseRule("anonymous-class", "axioms about blank-node class expressions",
              lambda s, p, o: (p in _AXIOM_PREDICATES and (isinstance(s, BNode) or isinstance(o, BNode)))
              or (p == RDF.type and isinstance(o, BNode))),
    NoiseRule("derived-domain-range", "rdfs:domain or rdfs:range not stated by the ontology",
              lambda s, p, o: p in (RDFS.domain, RDFS.range)),
)


def noise_rule(triple: Triple) -> str | None:
    """The name of the first noise rule that drops `triple` (a derived one: the rules judge what
    the reasoner adds, not what the sources say), or None when it is worth serving."""
    s, p, o = triple
    for rule in NOISE_RULES:
        if rule.matches(s, p, o):
            return rule.name
    return None


def select_inferred(closure: Closure) -> tuple[Graph, Counter[str]]:
    """The inferred graph (derived triples minus noise) and how many each noise rule dropped."""
    inferred = Graph(identifier=INFERRED_GRAPH)
    bind_prefixes(inferred)
    dropped: Counter[str] = Counter()
    for triple in closure.derived():
        rule = noise_rule(triple)
        if rule is None:
            inferred.add(triple)
        else:
            dropped[rule] += 1
    return inferred, dropped


# ----------------------------------------------------------------------------------------------
# Consistency
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One reason the sources are inconsistent."""

    kind: str
    message: str
    triples: tuple[Triple, ...] = ()


class Inconsistency(ValueError):
    """The ontology and the facts contradict each other. `str()` names every offending triple."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        n = len(findings)
        lines = [f"the ontology and the facts are inconsistent ({n} problem{'s' if n != 1 else ''}):"]
        lines += [f"- {f.message}" for f in findings]
        super().__init__("\n".join(lines))

    def summary(self) -> str:
        """One line: the count and the first problem."""
        n = len(self.findings)
        more = f" (and {n - 1} more)" if n > 1 else ""
        return f"inconsistent sources: {self.findings[0].message}{more}"


# owlrl messages for the clashes reported here with the triples named (its wording, as of 7.6).
_COVERED_OWLRL_MESSAGES = ("Disjoint classes ", "Violation of complementarity ",
                           "Lexical value of the literal ")
_COVERED_OWLRL_SUFFIXES = ("is defined of type 'Nothing'",)


def check_consistency(closure: Closure) -> None:
    """Raise `Inconsistency` when the closure contains a contradiction (see the module docstring)."""
    findings = find_inconsistencies(closure)
    if findings:
        raise Inconsistency(findings)


def find_inconsistencies(closure: Closure) -> list[Finding]:
    g = closure.graph
    findings: list[Finding] = []

    nothing = sorted(set(g.subjects(RDF.type, OWL.Nothing)), key=str)
    for x in nothing:
        t: Triple = (x, RDF.type, OWL.Nothing)
        findings.append(Finding("nothing", f"{show(x)} is a member of owl:Nothing, which has no members: "
                                f"{_account(closure, t)}", (t,)))

    # The owl:sameAs merges the closure declined (see _Rules) are reported as the clash that asked
    # for them where there is one; since they were never made, nothing follows from them.
    explained: set[frozenset[Node]] = set()
    for finding, values in _functional_clashes(closure):
        findings.append(finding)
        explained.update(frozenset(pair) for pair in combinations(values, 2))

    for pair in sorted(closure.blocked_merges - explained, key=lambda p: sorted(map(str, p))):
        a, b = sorted(pair, key=str)
        findings.append(Finding(
            "distinct-merged", f"the OWL rules would make {show(a)} and {show(b)} the same (owl:sameAs), "
            "but distinct IRIs name distinct things here; state owl:sameAs in the sources if they are one",
            ((a, OWL.sameAs, b),)))

    # A member of owl:Nothing is a member of every class (owl:Nothing is a subclass of each): its
    # disjointness clashes follow from the one reported above.
    for c1, c2, axiom in _disjoint_pairs(g):
        for x in sorted(set(g.subjects(RDF.type, c1)) & set(g.subjects(RDF.type, c2)), key=str):
            if x in nothing:
                continue
            t1, t2 = (x, RDF.type, c1), (x, RDF.type, c2)
            findings.append(Finding(
                "disjoint-classes", f"{show(x)} is both {show(c1)} and {show(c2)}, which are disjoint "
                f"({axiom}): {_account(closure, t1)}; {_account(closure, t2)}", (t1, t2)))

    for t in sorted((t for t in closure.asserted if isinstance(t[2], Literal) and t[2].ill_typed),
                    key=lambda t: tuple(map(str, t))):
        lit = t[2]
        # Chosen so above (an isinstance in the generator does not narrow `t`); only a typed
        # literal can be ill-typed.
        assert isinstance(lit, Literal) and lit.datatype is not None
        findings.append(Finding("ill-typed-literal", f"{show(lit)} is not a valid {show(lit.datatype)}: "
                                f"{show_triple(t)}", (t,)))

    for message in closure.reasoner_errors:
        if message.startswith(_COVERED_OWLRL_MESSAGES) or message.endswith(_COVERED_OWLRL_SUFFIXES):
            continue
        findings.append(Finding("owlrl", f"owlrl reports: {message}"))
    return findings


def _functional_clashes(closure: Closure) -> Iterator[tuple[Finding, list[Node]]]:
    """Two different values of a functional property for one subject, or two different subjects
    sharing one value of an inverse-functional property: the same check, read in two directions."""
    g = closure.graph
    sameness = _Sameness(closure.asserted)
    for kind, inverse in ((OWL.FunctionalProperty, False), (OWL.InverseFunctionalProperty, True)):
        for p in sorted(set(g.subjects(RDF.type, kind)), key=str):
            groups: dict[Node, list[Node]] = defaultdict(list)
            for x, y in g.subject_objects(p):
                key, other = (y, x) if inverse else (x, y)
                groups[key].append(other)
            for key, others in sorted(groups.items(), key=lambda kv: str(kv[0])):
                distinct = _distinct_values(others, sameness)
                if len(distinct) < 2:
                    continue
                triples = tuple((o, p, key) if inverse else (key, p, o) for o in distinct)
                if inverse:
                    what = (f"{show(p)} is inverse-functional, but {len(distinct)} different "
                            f"subjects have the value {show(key)}: ")
                else:
                    what = f"{show(p)} is functional, but {show(key)} has {len(distinct)} different values: "
                yield Finding("functional", what + "; ".join(_account(closure, t) for t in triples),
                              triples), distinct


def _distinct_values(values: list[Node], sameness: _Sameness) -> list[Node]:
    """One representative of each value that is certainly different from the others.

    Literals differ when their values differ (so "1"^^xsd:integer is "01"^^xsd:integer); IRIs
    differ unless the sources say owl:sameAs; a blank node may be anything, so it never clashes.
    """
    kept: list[Node] = []
    for v in sorted(set(values), key=str):
        if isinstance(v, BNode):
            continue
        if isinstance(v, Literal):
            if any(isinstance(k, Literal) and _same_literal(k, v) for k in kept):
                continue
        elif any(isinstance(k, URIRef) and sameness.same(k, v) for k in kept):
            continue
        kept.append(v)
    return kept


def _same_literal(a: Literal, b: Literal) -> bool:
    try:
        return bool(a.eq(b))
    except (TypeError, ValueError):  # values rdflib cannot compare: compare the terms
        return a == b


def _disjoint_pairs(g: Graph) -> list[tuple[Node, Node, str]]:
    pairs: dict[frozenset[Node], str] = {}
    for c1, c2 in g.subject_objects(OWL.disjointWith):
        pairs.setdefault(frozenset((c1, c2)), f"{show(c1)} owl:disjointWith {show(c2)}")
    for c1, c2 in g.subject_objects(OWL.complementOf):
        pairs.setdefault(frozenset((c1, c2)), f"{show(c1)} owl:complementOf {show(c2)}")
    for axiom in g.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in g.objects(axiom, OWL.members):
            for c1, c2 in combinations(list(g.items(members)), 2):
                pairs.setdefault(frozenset((c1, c2)), "owl:AllDisjointClasses")
    ordered = [tuple(sorted(pair, key=str)) for pair in pairs]
    return sorted(((c1, c2, pairs[frozenset((c1, c2))]) for c1, c2 in ordered if c1 != c2),
                  key=lambda x: (str(x[0]), str(x[1])))


# ----------------------------------------------------------------------------------------------
# Explaining a triple: asserted, or inferred from which asserted triple
# ----------------------------------------------------------------------------------------------


def _account(closure: Closure, t: Triple) -> str:
    if closure.is_asserted(t):
        return f"{show_triple(t)} [asserted]"
    origin = _origin(closure, t)
    if origin is None:
        return f"{show_triple(t)} [inferred]"
    return f"{show_triple(t)} [inferred from {show_triple(origin)}]"


def _origin(closure: Closure, t: Triple, depth: int = 4) -> Triple | None:
    """An asserted triple `t` follows from by class, domain, range, inverse or sub-property axioms.

    A breadth-first walk back through those rules; None when `t` needs more than one premise
    (transitivity, property chains) or more than `depth` steps.
    """
    frontier, seen = [t], {t}
    for _ in range(depth):
        nxt: list[Triple] = []
        for u in frontier:
            for premise in _premises(closure.graph, u):
                if premise in seen:
                    continue
                if closure.is_asserted(premise):
                    return premise
                seen.add(premise)
                nxt.append(premise)
        frontier = nxt
    return None


def _premises(g: Graph, t: Triple) -> Iterator[Triple]:
    s, p, o = t
    if p == RDF.type:
        for c in g.objects(s, RDF.type):
            if c != o and ((c, RDFS.subClassOf, o) in g or (c, OWL.equivalentClass, o) in g
                           or (o, OWL.equivalentClass, c) in g):
                yield (s, RDF.type, c)
        for q, v in g.predicate_objects(s):
            if (q, RDFS.domain, o) in g:
                yield (s, q, v)
        for v, q in g.subject_predicates(s):
            if (q, RDFS.range, o) in g:
                yield (v, q, s)
        return
    for q in set(g.objects(p, OWL.inverseOf)) | set(g.subjects(OWL.inverseOf, p)):
        if (o, q, s) in g:
            yield (o, q, s)
    for q in set(g.subjects(RDFS.subPropertyOf, p)) | set(g.objects(p, OWL.equivalentProperty)):
        if q != p and (s, q, o) in g:
            yield (s, q, o)


# ----------------------------------------------------------------------------------------------
# Showing terms to people
# ----------------------------------------------------------------------------------------------

def show(term: Node) -> str:
    """A term as a person reads it in a message: prefixed names where a prefix fits."""
    return turtle(term)


def show_triple(t: Triple) -> str:
    return " ".join(show(x) for x in t)


@dataclass
class _Support:
    """How an inferred triple stands: the statements its derivations rest on and, for each kind of
    `CARRIED_NOTES`, the notes every derivation rests on one of (None where some rests on none)."""

    sources: frozenset[URIRef]
    notes: tuple[frozenset[Node] | None, ...]

    def merged(self, other: _Support) -> _Support:
        """Another way of deriving the same triple: a note is kept only where both ways carry one."""
        return _Support(_few(self.sources | other.sources),
                        tuple(None if a is None or b is None else a | b
                              for a, b in zip(self.notes, other.notes, strict=True)))

    @staticmethod
    def joined(parts: list[_Support]) -> _Support:
        """One derivation from several premises: it carries every note any of them carries."""
        notes = tuple(None if all(n is None for n in kind) else frozenset().union(*(n for n in kind if n))
                      for kind in zip(*(x.notes for x in parts), strict=True))
        return _Support(_few(frozenset().union(*(x.sources for x in parts))), notes)


#: Statements a derived one names as its sources at most (the first by IRI): along a transitive
#: chain of n links each conclusion rests on up to n of them, and all of them made the work and
#: the output grow as n cubed (80 links: 6 s and 280,000 triples). A reading's note is never
#: dropped.
MAX_SOURCES = 20


def _few(sources: frozenset[URIRef]) -> frozenset[URIRef]:
    return sources if len(sources) <= MAX_SOURCES else frozenset(sorted(sources)[:MAX_SOURCES])


def closure_statements(ontology: Graph, provenance: Graph, inferred: Graph) -> Graph:
    """The provenance of the inferred triples, links and values, in the project's vocabulary and
    in those it aligns to (CIDOC CRM, SEM, Dublin Core, schema.org, FOAF), that OWL 2 RL derives
    by the ontology's property axioms (sub-properties, inverses, symmetric and transitive
    properties, two-step property chains) or the build by its own (an event's places and times,
    a time-span's day bounds), and that have none yet: each an rdf:Statement derived
    from the statements its derivations rest on, with their quotes, and, where every derivation
    rests on a reading, the readings' notes. ("The British arrival on the Dam is part of the
    campaign in the Netherlands" rests on two readings; it said so nowhere.) `provenance` holds
    the stated triples' statements and the shortcuts' (`shortcut_statements`)."""
    supers: dict[Node, set[Node]] = defaultdict(set)
    for p, q in ontology.subject_objects(RDFS.subPropertyOf):
        supers[p].add(q)
    inverses: dict[Node, set[Node]] = defaultdict(set)
    for p, q in ontology.subject_objects(OWL.inverseOf):
        inverses[p].add(q)
        inverses[q].add(p)
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
    chains: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)  # first step -> (second, conclusion)
    for p, head in ontology.subject_objects(OWL.propertyChainAxiom):
        steps = list(Collection(ontology, head))
        if len(steps) == 2:
            chains[steps[0]].append((steps[1], p))
    # The build's own derivations, read as the axioms they amount to, so that what they derive has
    # its statement too: an event's places and times in SEM and CIDOC CRM (`event_places`,
    # `event_times`: the inferred graph holds them for events only, and only what it holds is
    # given a statement), the places a place lies in, in CIDOC CRM (`place_links`: likewise, by
    # its kind), a time-span's day bounds (`day_bounds`; a month's in the loop), and a
    # participation's actor as SEM's rdf:value (`role_values`).
    supers[LIB.hasPlace] |= {SEM.hasPlace, CRM.P7_took_place_at}
    supers[LIB.partOf] |= {CRM.P89_falls_within, CRM.P53_has_former_or_current_location}
    supers[LIB.hasPart] |= {CRM.P89i_contains, CRM.P53i_is_former_or_current_location_of}
    supers[LIB.participant].add(RDF.value)
    supers[LIB.hasTimeSpan].update(_EVENT_TIMES)
    supers[LIB.onDate] |= {LIB.earliestDay, LIB.latestDay}
    supers[LIB.notBefore].add(LIB.earliestDay)
    supers[LIB.notAfter].add(LIB.latestDay)
    seconds: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)  # second step -> (first, conclusion)
    for first, links in chains.items():
        for second, p in links:
            seconds[second].append((first, p))

    known: dict[Triple, _Support] = {}
    stated: set[Triple] = set()
    for st in provenance.subjects(RDF.type, RDF.Statement):
        parts = (provenance.value(st, RDF.subject), provenance.value(st, RDF.predicate),
                 provenance.value(st, RDF.object))
        if parts[0] is None or parts[1] is None or parts[2] is None:
            continue
        triple = (parts[0], parts[1], parts[2])
        stated.add(triple)
        if not isinstance(st, URIRef):
            continue
        derived = frozenset(o for o in provenance.objects(st, PROV.wasDerivedFrom) if isinstance(o, URIRef))
        known[triple] = _Support(derived or frozenset({st}), tuple(
            frozenset(provenance.objects(st, kind)) or None for kind in CARRIED_NOTES))
    by_subject: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    by_object: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for s, p, o in known:
        by_subject[(p, s)].add(o)
        by_object[(p, o)].add(s)

    def joined(*premises: Triple) -> _Support:
        return _Support.joined([known[t] for t in premises])

    changed = set(known)
    while changed:
        found: list[tuple[Triple, _Support]] = []
        for t in changed:
            s, p, o = t
            found += [((s, q, o), known[t]) for q in supers.get(p, ())]
            if p == LIB.inMonth:
                found += [((s, bound, day), known[t]) for bound, day in month_bounds(o)]
            found += [((o, q, s), known[t]) for q in inverses.get(p, ())]
            if p in symmetric:
                found.append(((o, p, s), known[t]))
            if p in transitive:
                found += [((s, p, x), joined(t, (o, p, x))) for x in by_subject[(p, o)]]
                found += [((x, p, o), joined((x, p, s), t)) for x in by_object[(p, s)]]
            for second, conclusion in chains.get(p, ()):
                found += [((s, conclusion, x), joined(t, (o, second, x))) for x in by_subject[(second, o)]]
            for first, conclusion in seconds.get(p, ()):
                found += [((x, conclusion, o), joined((x, first, s), t)) for x in by_object[(first, s)]]
        changed = set()
        for triple, support in found:
            if triple not in known and triple not in inferred:
                continue  # not concluded (dropped as noise, or not OWL 2 RL's)
            before = known.get(triple)
            after = support if before is None else before.merged(support)
            if after != before:
                known[triple] = after
                if before is None:
                    by_subject[(triple[1], triple[0])].add(triple[2])
                    by_object[(triple[1], triple[2])].add(triple[0])
                changed.add(triple)

    out = Graph()
    for triple, support in known.items():
        if triple in stated or triple not in inferred:
            continue
        st = _statement(triple)
        out += [(st, RDF.type, RDF.Statement), (st, RDF.subject, triple[0]),
                (st, RDF.predicate, triple[1]), (st, RDF.object, triple[2])]
        for source in sorted(support.sources):
            out.add((st, PROV.wasDerivedFrom, source))
            out += [(st, LIB.evidence, q) for q in provenance.objects(source, LIB.evidence)]
        out += [(st, kind, note) for kind, notes in zip(CARRIED_NOTES, support.notes, strict=True)
                for note in notes or ()]
    return out
