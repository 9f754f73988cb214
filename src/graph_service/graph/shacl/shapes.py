"""The project's shapes: loaded once per version of the file, and described for people.

`project_shapes` and `project_ontology` are what validation applies when a user brings no shapes
(the shapes are written against the ontology, so the two travel together). `describe_shapes` turns any
shapes graph into the listing `GET /shapes` shows, and `census` counts shapes and constraints.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph_service.config import DEFAULT_BASE, Settings
from graph_service.graph.rdf import SH, Rebase, bind_prefixes, documents, names, quad_from_rdflib, to_rdflib
from graph_service.graph.shacl.validation import path_text, term_name

# Parameters of SHACL Core's constraint components, each named by its component's main parameter
# (sh:qualifiedMinCount belongs to sh:qualifiedValueShape, sh:flags to sh:pattern, ...).
CONSTRAINT_PARAMETERS: tuple[URIRef, ...] = tuple(URIRef(SH[name]) for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang",
    "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node",
    "qualifiedValueShape", "closed", "hasValue", "in", "sparql"))
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)

_cache: dict[tuple[Path, URIRef], tuple[tuple[int, int], Graph]] = {}
_lock = threading.Lock()


def project_shapes(settings: Settings, *, missing_ok: bool = False) -> Graph:
    """The shapes graph of `settings.shapes_path` (an empty graph when it is missing and
    `missing_ok`; else the missing file is an `RdfSyntaxError` naming it)."""
    return _cached(Path(settings.shapes_path), "shapes", missing_ok, settings.base_iri)


def project_ontology(settings: Settings) -> Graph | None:
    """The project's ontology, which a validation with the project's shapes mixes into the data
    (None while there is none)."""
    graph = _cached(Path(settings.ontology_path), "ontology", True, settings.base_iri)
    return graph if len(graph) else None


def file_version(path: Path) -> tuple[int, int] | None:
    """What tells one version of a file from the next (its modification time and size); None
    while it is missing."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


def _cached(path: Path, graph_name: str, missing_ok: bool, base: str) -> Graph:
    """The file as a graph under `base` (the sources are written under the canonical one),
    parsed again only when its modification time or size changed. Callers share the graph: they
    must not change it."""
    identifier = URIRef(names(base).graph[graph_name])
    version = file_version(path)
    if version is None:
        if missing_ok:
            empty = Graph(identifier=identifier)
            bind_prefixes(empty, base)
            return empty
        raise documents.RdfSyntaxError(str(path), "No such file or directory") from None
    with _lock:
        hit = _cache.get((path, identifier))
        if hit is not None and hit[0] == version:
            return hit[1]
    graph = documents.read_graph(path, identifier)
    if base != DEFAULT_BASE:
        moved = Rebase(base)
        rebased = Graph(identifier=identifier)
        bind_prefixes(rebased, base)
        for q in moved.quads(quad_from_rdflib(s, p, o, ox.DefaultGraph()) for s, p, o in graph):
            rebased.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        graph = rebased
    with _lock:
        _cache[(path, identifier)] = (version, graph)
    return graph


@dataclass
class Constraint:
    """One constraint as people read it: its parameter and value(s); a SPARQL-based constraint
    (one per sh:sparql value) also its query and messages."""

    parameter: URIRef
    values: list[Node]
    query: str | None = None
    messages: list[str] = field(default_factory=list)


@dataclass
class PropertyInfo:
    node: Node
    path: Node | None
    name: str | None
    constraints: list[Constraint]
    messages: list[str]
    severity: URIRef | None
    deactivated: bool


@dataclass
class ShapeInfo:
    """A node shape (or a top-level property shape) and what it checks."""

    node: Node
    label: str | None
    comment: str | None
    targets: list[tuple[URIRef, Node]]
    constraints: list[Constraint]
    properties: list[PropertyInfo] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    severity: URIRef | None = None
    deactivated: bool = False
    #: The shape is a property shape itself (it has sh:path).
    path: Node | None = None


@dataclass(frozen=True)
class Census:
    node_shapes: int
    property_shapes: int
    constraints: int
    sparql_constraints: int

    @property
    def shapes(self) -> int:
        return self.node_shapes + self.property_shapes


def describe_shapes(shapes: Graph) -> list[ShapeInfo]:
    """Every named or targeted shape of `shapes`, in IRI order, with its property shapes."""
    infos = []
    for node in sorted(_top_level_shapes(shapes), key=lambda n: (isinstance(n, BNode), str(n))):
        infos.append(ShapeInfo(
            node=node,
            label=_text(shapes.value(node, RDFS.label) or shapes.value(node, SH.name)),
            comment=_text(shapes.value(node, RDFS.comment) or shapes.value(node, SH.description)),
            targets=_targets(shapes, node),
            constraints=_constraints(shapes, node),
            properties=[_property(shapes, p) for p in _ordered_properties(shapes, node)],
            messages=[str(m) for m in shapes.objects(node, SH.message)],
            severity=_iri(shapes.value(node, SH.severity)),
            deactivated=str(shapes.value(node, SH.deactivated)) == "true",
            path=shapes.value(node, SH.path),
        ))
    return infos


def census(shapes: Graph) -> Census:
    """How many shapes and constraints: a constraint is one constraint component used by one
    shape (sh:minCount 1 on one property shape is one constraint; each sh:sparql is one)."""
    all_shapes = _all_shapes(shapes)
    property_shapes = {s for s in all_shapes if (s, SH.path, None) in shapes}
    core = sum(1 for s in all_shapes for p in CONSTRAINT_PARAMETERS
               if p != SH.sparql and (s, p, None) in shapes)
    sparql = sum(1 for s in all_shapes for _ in shapes.objects(s, SH.sparql))
    return Census(node_shapes=len(all_shapes) - len(property_shapes),
                  property_shapes=len(property_shapes), constraints=core + sparql,
                  sparql_constraints=sparql)


def _all_shapes(shapes: Graph) -> set[Node]:
    """Nodes that are shapes: typed as one, targeted, or a value of a shape-expecting parameter."""
    found: set[Node] = set()
    for shape_type in _SHAPE_TYPES:
        found.update(shapes.subjects(RDF.type, shape_type))
    for target in _TARGETS:
        found.update(shapes.subjects(target, None))
    for parameter in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        found.update(shapes.objects(None, parameter))
    for parameter in (SH["and"], SH["or"], SH.xone):
        for members in shapes.objects(None, parameter):
            found.update(Collection(shapes, members))
    return {n for n in found if not isinstance(n, Literal)}


def _top_level_shapes(shapes: Graph) -> set[Node]:
    """Shapes worth their own entry: named ones and targeted ones (nested blank-node shapes are
    shown under the shape that uses them)."""
    top = set()
    for node in _all_shapes(shapes):
        if isinstance(node, URIRef) or any((node, t, None) in shapes for t in _TARGETS):
            top.add(node)
    return top


def _ordered_properties(shapes: Graph, node: Node) -> list[Node]:
    """By sh:order, then by path as people read it (lib:evidence before rdfs:label)."""
    props = list(shapes.objects(node, SH.property))
    return sorted(props, key=lambda p: (_number(shapes.value(p, SH.order)),
                                        path_text(shapes, shapes.value(p, SH.path))))


def _property(shapes: Graph, node: Node) -> PropertyInfo:
    return PropertyInfo(
        node=node,
        path=shapes.value(node, SH.path),
        name=_text(shapes.value(node, SH.name) or shapes.value(node, RDFS.label)),
        constraints=_constraints(shapes, node),
        messages=[str(m) for m in shapes.objects(node, SH.message)],
        severity=_iri(shapes.value(node, SH.severity)),
        deactivated=str(shapes.value(node, SH.deactivated)) == "true",
    )


def _constraints(shapes: Graph, node: Node) -> list[Constraint]:
    found = []
    for parameter in CONSTRAINT_PARAMETERS:
        values = sorted(shapes.objects(node, parameter), key=str)
        if parameter == SH.sparql:
            found += [Constraint(parameter, [v],
                                 query=_text(shapes.value(v, SH.select) or shapes.value(v, SH.ask)),
                                 messages=[str(m) for m in shapes.objects(v, SH.message)])
                      for v in values]
        elif values:
            found.append(Constraint(parameter, values))
    return found


def _targets(shapes: Graph, node: Node) -> list[tuple[URIRef, Node]]:
    targets = [(URIRef(t), v) for t in _TARGETS for v in sorted(shapes.objects(node, t), key=str)]
    if (node, RDF.type, RDFS.Class) in shapes:  # an implicit class target
        targets.insert(0, (URIRef(SH.targetClass), node))
    return targets


def _text(term: Node | None) -> str | None:
    return str(term) if term is not None else None


def _iri(term: Node | None) -> URIRef | None:
    return term if isinstance(term, URIRef) else None


def _number(term: Node | None) -> float:
    try:
        return float(term.toPython()) if isinstance(term, Literal) else float("inf")
    except (TypeError, ValueError):
        return float("inf")


def value_summary(shapes: Graph, term: Node, depth: int = 0) -> str:
    """A constraint's value in brief: a list as ( ... ), a nested blank-node shape as [ ... ]."""
    if not isinstance(term, BNode):
        return term_name(shapes, term)
    if (term, RDF.first, None) in shapes:
        return "( " + " ".join(value_summary(shapes, t, depth + 1) for t in Collection(shapes, term)) + " )"
    if depth > 2:
        return "[ … ]"
    inner = " ; ".join(f"{term_name(shapes, p)} {value_summary(shapes, o, depth + 1)}"
                       for p, o in sorted(shapes.predicate_objects(term), key=lambda po: str(po[0])))
    return f"[ {inner} ]"
