"""The ontology as a reference for people: every class, property and concept with its label,
definition, place in the hierarchy, domain and range, alignments and how much the data uses it.

Generated from the ontology graph itself, so the reference never drifts from the ontology.
Usage counts come from the facts and the inferred graph: a class counts its instances (a
superclass counts those of its subclasses through the inferred types), a property the distinct
resources that use it as subject. A property of statements (its domain rdf:Statement: the notes on
readings and disputed claims) counts the statements of the provenance graph that carry it. A term
the facts do not use is counted where it is used, and the count says where: a quote's place in the
article in the provenance graph, a place's GeoNames feature in the coordinates graph, the roles
(instances of lib:Role) in the ontology itself; "used by 0" had said of them that nothing did.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from graph_service.graph.query import QuadSource
from graph_service.graph.rdf import CANONICAL, Names, quads_to_graph, short

if TYPE_CHECKING:  # for the type checker only: typing_extensions is no dependency of the project
    from typing_extensions import TypeIs

#: Property characteristics shown, in this order.
CHARACTERISTICS: tuple[tuple[URIRef, str], ...] = (
    (OWL.TransitiveProperty, "transitive"),
    (OWL.SymmetricProperty, "symmetric"),
    (OWL.FunctionalProperty, "functional"),
    (OWL.InverseFunctionalProperty, "inverse functional"),
    (OWL.AsymmetricProperty, "asymmetric"),
    (OWL.IrreflexiveProperty, "irreflexive"),
)
_PROPERTY_KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.ObjectProperty, "object property"),
    (OWL.DatatypeProperty, "datatype property"),
    (OWL.AnnotationProperty, "annotation property"),
    (RDF.Property, "property"),
)


@dataclass
class TermDoc:
    iri: URIRef
    #: The fragment of the term's IRI: the HTML anchor, so `/ontology#Term` lands on it.
    anchor: str
    kind: str
    label: str
    definition: str | None = None
    comment: str | None = None
    #: Named super-terms in the ontology's namespace, and aligned ones outside it.
    parents: list[URIRef] = field(default_factory=list)
    alignments: list[URIRef] = field(default_factory=list)
    children: list[URIRef] = field(default_factory=list)
    equivalents: list[URIRef] = field(default_factory=list)
    disjoint: list[URIRef] = field(default_factory=list)
    domain: list[URIRef] = field(default_factory=list)
    range: list[URIRef] = field(default_factory=list)
    inverse: list[URIRef] = field(default_factory=list)
    chains: list[list[URIRef]] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    #: Concepts: their scheme and broader concepts; schemes: their concepts.
    schemes: list[URIRef] = field(default_factory=list)
    members: list[URIRef] = field(default_factory=list)
    #: Resources that use the term (instances of a class, subjects of a property, users of a concept).
    usage: int = 0
    #: The graphs `usage` counts them in: the facts and the inferred, or for a property of
    #: statements the provenance graph, or for a term the facts do not use the graph that does.
    usage_graphs: tuple[str, ...] = ()

    @property
    def usage_where(self) -> str:
        """Where the count was made, where that is not the facts: "in the provenance graph"."""
        if len(self.usage_graphs) != 1:
            return ""
        return f"in the {self.usage_graphs[0].rstrip('/').rsplit('/', 1)[-1]} graph"

    @property
    def users_query(self) -> str:
        """A SPARQL query listing the resources `usage` counts, by label: a reader of a concept
        ("jubilant") wants the liberations it describes, not their number."""
        term = f"<{self.iri}>"
        # As `_usage` counts them: what links to the term (the schema's own links between terms
        # left out: a subclass is no use of its class), and for a property what it is said of.
        pattern = (f"{{ ?resource ?property {term} FILTER(!STRSTARTS(STR(?property), STR(rdfs:)) "
                   f"&& !STRSTARTS(STR(?property), \"{OWL}\")) }}")
        if self.kind in {kind for _, kind in _PROPERTY_KINDS}:
            pattern = f"{{ ?resource {term} ?value }} UNION {pattern}"
        graphs = " ".join(f"<{g}>" for g in self.usage_graphs)
        label = " ".join(self.label.split())  # a line break would end the comment it stands in
        return ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                f"# The resources that use {label}\n"
                f"SELECT DISTINCT ?resource ?label WHERE {{\n  VALUES ?graph {{ {graphs} }}\n"
                f"  GRAPH ?graph {{ {pattern} }}\n"
                '  OPTIONAL { ?resource rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }\n'
                "}\nORDER BY ?label ?resource")

    @property
    def hierarchy(self) -> tuple[str, str]:
        """What the term's parents and children are called."""
        if self.kind == "class":
            return "Subclass of", "Subclasses"
        if self.kind.startswith("concept"):
            return "Broader", "Narrower"
        return "Subproperty of", "Subproperties"


@dataclass(frozen=True)
class PriorVersion:
    """An earlier version the ontology names (`owl:priorVersion`), and whether it says it is
    `owl:backwardCompatibleWith` it (True), `owl:incompatibleWith` it (False), or neither (None)."""

    iri: URIRef
    version: str
    compatible: bool | None


@dataclass
class OntologyDoc:
    iri: URIRef | None
    title: str
    description: str | None
    version: str | None
    license: URIRef | None
    namespace: str
    classes: list[TermDoc]
    properties: list[TermDoc]
    schemes: list[TermDoc]
    concepts: list[TermDoc]
    #: Any other term of the namespace (individuals), so every ontology IRI has an anchor.
    others: list[TermDoc]
    labels: dict[URIRef, str]
    version_iri: URIRef | None = None
    #: Newest first.
    prior_versions: list[PriorVersion] = field(default_factory=list)

    @property
    def terms(self) -> list[TermDoc]:
        return self.classes + self.properties + self.schemes + self.concepts + self.others

    def label(self, iri: URIRef) -> str:
        return self.labels.get(iri) or short(iri)


def ontology_graph(store: QuadSource, project: Names = CANONICAL) -> Graph:
    graph = project.ontology_graph
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))
    return quads_to_graph(quads, identifier=graph)


def build_reference(store: QuadSource, project: Names = CANONICAL) -> OntologyDoc:
    """The reference of the ontology in the store's ontology graph, the project's names under
    the base the store is served under."""
    namespace = str(project.lib)
    g = ontology_graph(store, project)
    facts = (project.facts_graph, project.inferred_graph)
    usage = _usage(store, facts)
    of_statements = set(_subjects(g, RDFS.domain, RDF.Statement))
    usage.update(_statement_usage(store, project, of_statements))
    elsewhere = [(str(graph), _usage(store, (graph,)))
                 for graph in (project.provenance_graph, project.coordinates_graph, project.ontology_graph)]
    labels = {s: str(o) for s, o in _best_labels(g).items()}

    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    title = _first(g, onto, DCTERMS.title, RDFS.label) if onto is not None else None

    def own(iri: Node) -> TypeIs[URIRef]:
        return isinstance(iri, URIRef) and str(iri).startswith(namespace) and str(iri) != namespace

    def term(iri: URIRef, kind: str) -> TermDoc:
        count = usage.get(iri, 0)
        graphs = (str(project.provenance_graph),) if iri in of_statements else tuple(str(f) for f in facts)
        if not count:  # counted where it is used instead, and said so
            graphs, count = next((((name,), found[iri]) for name, found in elsewhere if found.get(iri)),
                                 (graphs, 0))
        t = TermDoc(iri=iri, anchor=str(iri)[len(namespace):], kind=kind, label=labels.get(iri, short(iri)),
                    definition=_first(g, iri, SKOS.definition), comment=_first(g, iri, RDFS.comment),
                    usage=count, usage_graphs=graphs)
        t.equivalents = _sorted(_objects(g, iri, OWL.equivalentClass, OWL.equivalentProperty))
        t.disjoint = _sorted(_objects(g, iri, OWL.disjointWith) + _subjects(g, OWL.disjointWith, iri))
        return t

    classes: list[TermDoc] = []
    class_iris = {c for c in g.subjects(RDF.type, OWL.Class) if own(c)} | {
        c for c in g.subjects(RDF.type, RDFS.Class) if own(c)}
    for c in class_iris:
        t = term(c, "class")
        supers = _named(g.objects(c, RDFS.subClassOf))
        t.parents = _sorted(s for s in supers if own(s))
        t.alignments = _sorted(s for s in supers if not own(s))
        t.children = _sorted(s for s in _named(g.subjects(RDFS.subClassOf, c)) if own(s))
        t.disjoint = _sorted(set(t.disjoint) | _all_disjoint(g, c))
        classes.append(t)

    properties: list[TermDoc] = []
    seen: set[URIRef] = set()
    for kind_iri, kind in _PROPERTY_KINDS:
        for p in g.subjects(RDF.type, kind_iri):
            if not own(p) or p in seen:
                continue
            seen.add(p)
            t = term(p, kind)
            supers = _named(g.objects(p, RDFS.subPropertyOf))
            t.parents = _sorted(s for s in supers if own(s))
            t.alignments = _sorted(s for s in supers if not own(s))
            t.children = _sorted(s for s in _named(g.subjects(RDFS.subPropertyOf, p)) if own(s))
            t.domain = _sorted(_named(g.objects(p, RDFS.domain)))
            t.range = _sorted(_named(g.objects(p, RDFS.range)))
            t.inverse = _sorted(_objects(g, p, OWL.inverseOf) + _subjects(g, OWL.inverseOf, p))
            t.characteristics = [name for c, name in CHARACTERISTICS if (p, RDF.type, c) in g]
            t.chains = [_list(g, chain) for chain in g.objects(p, OWL.propertyChainAxiom)]
            properties.append(t)

    schemes: list[TermDoc] = []
    for s in g.subjects(RDF.type, SKOS.ConceptScheme):
        if own(s):
            t = term(s, "concept scheme")
            t.members = _sorted(c for c in _named(g.subjects(SKOS.inScheme, s)) if own(c))
            schemes.append(t)
    concepts: list[TermDoc] = []
    for c in set(_named(g.subjects(RDF.type, SKOS.Concept))):
        if own(c) and c not in class_iris:
            t = term(c, "concept")
            t.schemes = _sorted(_named(g.objects(c, SKOS.inScheme)))
            t.parents = _sorted(_named(g.objects(c, SKOS.broader)))
            t.children = _sorted(_named(g.subjects(SKOS.broader, c)))
            t.alignments = _sorted(_objects(g, c, SKOS.exactMatch, SKOS.closeMatch))
            types = [x for x in _named(g.objects(c, RDF.type)) if own(x)]
            if types:
                t.kind = "concept (" + ", ".join(labels.get(x, short(x)) for x in sorted(types)) + ")"
            concepts.append(t)

    listed = {t.iri for t in classes + properties + schemes + concepts}
    others = [term(s, "individual") for s in {s for s in g.subjects() if own(s)} - listed]

    by_label = lambda t: (t.label.lower(), str(t.iri))  # noqa: E731
    return OntologyDoc(
        iri=onto if isinstance(onto, URIRef) else None,
        title=title or "Ontology",
        description=_first(g, onto, DCTERMS.description, SKOS.definition, RDFS.comment) if onto else None,
        version=_first(g, onto, OWL.versionInfo) if onto else None,
        license=next(_named(g.objects(onto, DCTERMS.license)).__iter__(), None) if onto else None,
        namespace=namespace,
        classes=sorted(classes, key=by_label),
        properties=sorted(properties, key=by_label),
        schemes=sorted(schemes, key=by_label),
        concepts=sorted(concepts, key=lambda t: ([str(s) for s in t.schemes], by_label(t))),
        others=sorted(others, key=by_label),
        labels=labels,
        version_iri=next(_named(g.objects(onto, OWL.versionIRI)).__iter__(), None) if onto else None,
        prior_versions=_prior_versions(g, onto) if onto else [],
    )


def _prior_versions(g: Graph, onto: Node) -> list[PriorVersion]:
    compatible = set(g.objects(onto, OWL.backwardCompatibleWith))
    incompatible = set(g.objects(onto, OWL.incompatibleWith))
    found = [PriorVersion(iri, str(iri).rstrip("/").rsplit("/", 1)[-1],
                          True if iri in compatible else False if iri in incompatible else None)
             for iri in _named(g.objects(onto, OWL.priorVersion))]
    # By the numbers of the version, so 1.10.0 comes after 1.9.0.
    number = lambda p: [int(x) if x.isdigit() else -1 for x in p.version.split(".")]  # noqa: E731
    return sorted(found, key=number, reverse=True)


#: Namespaces of the schema's own links between terms (rdfs:subClassOf, owl:equivalentClass...).
_SCHEMA = (str(RDFS), str(OWL))


#: The provenance graph's reification: a statement whose rdf:predicate is lib:hasPlace is no
#: resource that uses lib:hasPlace.
_REIFICATION = frozenset(str(p) for p in (RDF.subject, RDF.predicate, RDF.object))


def _usage(store: QuadSource, graphs: Iterable[URIRef]) -> Counter[URIRef]:
    """Distinct resources per class (instances), per property (subjects) and per concept (users)."""
    users: dict[URIRef, set[str]] = defaultdict(set)
    for graph in graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            if q.predicate.value in _REIFICATION:
                continue
            subject = str(q.subject)
            users[URIRef(q.predicate.value)].add(subject)
            if isinstance(q.object, ox.NamedNode) and not q.predicate.value.startswith(_SCHEMA):
                # For rdf:type the object is a class; otherwise it may be a concept (a role, a kind).
                # The schema's own links (a subclass's rdfs:subClassOf, in the inferred graph) are
                # no use of it: lib:Event was "used by 87", its instances 65.
                users[URIRef(q.object.value)].add(subject)
    return Counter({iri: len(s) for iri, s in users.items()})


def _statement_usage(store: QuadSource, project: Names, properties: Iterable[URIRef]) -> Counter[URIRef]:
    """Statements of the provenance graph per property of statements."""
    graph = ox.NamedNode(str(project.provenance_graph))
    counts: Counter[URIRef] = Counter()
    for p in properties:
        counts[p] = len({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(str(p)), None, graph)})
    return counts


def _best_labels(g: Graph) -> dict[URIRef, Literal]:
    labels: dict[URIRef, Literal] = {}
    for p in (SKOS.prefLabel, RDFS.label):
        for s, o in g.subject_objects(p):
            if isinstance(s, URIRef) and isinstance(o, Literal) and o.language in (None, "en"):
                labels[s] = o
    return labels


def _first(g: Graph, s: Node, *predicates: URIRef) -> str | None:
    for p in predicates:
        values = sorted(g.objects(s, p), key=lambda o: (getattr(o, "language", None) not in (None, "en"),
                                                        str(o)))
        if values:
            return str(values[0])
    return None


def _objects(g: Graph, s: URIRef, *predicates: URIRef) -> list[URIRef]:
    return [o for p in predicates for o in g.objects(s, p) if isinstance(o, URIRef)]


def _subjects(g: Graph, p: URIRef, o: URIRef) -> list[URIRef]:
    return [s for s in g.subjects(p, o) if isinstance(s, URIRef)]


def _named(values: Iterable[Node]) -> list[URIRef]:
    return [v for v in values if isinstance(v, URIRef)]


def _sorted(values: Iterable[URIRef]) -> list[URIRef]:
    return sorted(set(values))


def _list(g: Graph, head: Node) -> list[URIRef]:
    return [v for v in Collection(g, head) if isinstance(v, URIRef)]


def _all_disjoint(g: Graph, cls: URIRef) -> set[URIRef]:
    """Classes declared disjoint with `cls` through an owl:AllDisjointClasses axiom."""
    found: set[URIRef] = set()
    for axiom in g.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in g.objects(axiom, OWL.members):
            names = _list(g, members)
            if cls in names:
                found |= set(names) - {cls}
    return found
