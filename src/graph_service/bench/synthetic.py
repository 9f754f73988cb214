"""Synthetic graphs shaped like the article's, at any size, for the benchmark's scale runs.

The article's own facts are the template: the same kinds of resources (events, places, people,
units, photographs, quotes), the same properties, the same per-statement quotes (Turtle 1.2
annotations), repeated. Copy k renames every resource under `id/` with the suffix `-k<k>` (the
ontology's terms, the quotes' text and the article itself stay), so each copy is a further
article's worth of facts linked the same way, and the build reads the file as it reads the
project's data (`GRAPH_SERVICE_DATA_PATH`). Below one copy, a fraction of the resources is kept
with all their statements, their quotes and the annotations on them.

    graph = generate(Path("/tmp/g-1e5.ttl"), 100_000)
    graph.triples   # source triples once the build expands the annotations (facts + provenance)
    graph.lookup    # the IRI of a resource that is in the file (for a lookup query)

Sizes count what the build serves from the sources: the facts and the provenance graph (each
annotation becomes an `rdf:Statement` of five triples), not the inferred graph.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_service.config import Settings
from graph_service.graph import ID, LIB, RDF_TYPE, RDFS_LABEL

_REIFIES = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies")
_EVIDENCE = ox.NamedNode(str(LIB) + "evidence")
_SEQUENCE = ox.NamedNode(str(LIB) + "sequenceNumber")
_WIKIDATA = ox.NamedNode(str(LIB) + "wikidata")
_HAS_TIME_SPAN = ox.NamedNode(str(LIB) + "hasTimeSpan")
#: A resource that is this property's value for exactly one other, which the shapes require.
_OWNED_BY = (_HAS_TIME_SPAN, ox.NamedNode(str(LIB) + "hasReception"))
#: A resource of these kinds comes with what it names by this property (see `_fraction`).
_PULLING = {ox.NamedNode(str(LIB) + kind): ox.NamedNode(str(LIB) + link) for kind, link in
            (("Liberation", "liberationOf"), ("Conquest", "conquestOf"), ("ContestedFact", "claim"))}
_ID = str(ID)
#: Served source triples per annotated quad of the article (measured on the project's data:
#: 6,028 quads read, 9,907 facts and provenance triples after the build expands them).
_EXPANSION = 9_907 / 6_028


@dataclass(frozen=True)
class SyntheticGraph:
    path: Path
    #: Quads in the file as read (statements, reifiers and their quotes).
    quads: int
    #: About how many triples the build serves from it (facts + provenance).
    triples: int
    copies: float
    lookup: str


def article_quads(settings: Settings | None = None) -> list[ox.Quad]:
    """The project's data as the parser gives it, annotations kept (`rdf:reifies` triple terms)."""
    path = (settings or Settings.from_env()).data_path
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def generate(path: Path, triples: int, template: list[ox.Quad] | None = None) -> SyntheticGraph:
    """Write a Turtle 1.2 file of about `triples` served triples to `path`."""
    quads = template if template is not None else article_quads()
    per_copy = len(quads) * _EXPANSION
    copies = triples / per_copy
    if copies < 1:
        kept = _fraction(quads, copies)
        out: list[ox.Triple] = [q.triple for q in kept]
        whole = 0
    else:
        whole = max(1, round(copies))
        out = [t for k in range(whole) for t in _copy(quads, k)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        ox.serialize(out, f, format=ox.RdfFormat.TURTLE)
    lookup = _lookup(out)
    return SyntheticGraph(path, len(out), round(len(out) * _EXPANSION), whole or round(copies, 3), lookup)


def _lookup(triples: list[ox.Triple]) -> str:
    """A city of the graph if it has one (what a lookup asks for on the article), else any
    labelled resource."""
    labelled = [t.subject.value for t in triples
                if t.predicate == RDFS_LABEL and isinstance(t.subject, ox.NamedNode)]
    return next((iri for iri in labelled if iri.startswith(_ID + "city/")), labelled[0])


def _copy(quads: Iterable[ox.Quad], k: int) -> Iterator[ox.Triple]:
    if k == 0:
        yield from (q.triple for q in quads)
        return
    blanks: dict[str, ox.BlankNode] = {}
    for q in quads:
        if q.predicate == _WIKIDATA:  # one resource per Wikidata item: the copies are other places
            continue
        yield _renamed(q.triple, k, blanks)


def _renamed(t: ox.Triple, k: int, blanks: dict[str, ox.BlankNode]) -> ox.Triple:
    """Copy k of a triple (and of the triple terms in it, so annotations follow their statement)."""
    def term(x: object) -> object:
        if isinstance(x, ox.NamedNode) and x.value.startswith(_ID):
            return ox.NamedNode(f"{x.value}-k{k}")
        if isinstance(x, ox.BlankNode):
            if x.value not in blanks:
                blanks[x.value] = ox.BlankNode()
            return blanks[x.value]
        if isinstance(x, ox.Triple):
            return _renamed(x, k, blanks)
        return x

    obj = term(t.object)
    if isinstance(obj, ox.Literal) and t.predicate == RDFS_LABEL:
        text = f"{obj.value} ({k})"
        obj = ox.Literal(text, language=obj.language) if obj.language else ox.Literal(text)
    elif isinstance(obj, ox.Literal) and t.predicate == _SEQUENCE:
        # each photograph keeps a place of its own in the (longer) article
        obj = ox.Literal(str(int(obj.value) + 1000 * k), datatype=obj.datatype)
    return ox.Triple(term(t.subject), t.predicate, obj)  # type: ignore[arg-type]


def _fraction(quads: list[ox.Quad], share: float) -> list[ox.Quad]:
    """Whole resources, in a stable order, each with every resource it refers to (so what is kept
    stays linked as the article's is), until `share` of the statements is kept; with the
    annotations on their statements."""
    refers: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and _is_resource(q.object):
            refers[q.subject].add(q.object)  # type: ignore[arg-type]
    # A time-span dates exactly one event or photograph, a reception is of exactly one event (the
    # shapes): each brings its owner, as the owner brings it, so that a seed's neighbourhood is
    # measured with it.
    for q in quads:
        if q.predicate in _OWNED_BY and isinstance(q.subject, ox.NamedNode) and _is_resource(q.object):
            refers[q.object].add(q.subject)  # type: ignore[index]
    statements = Counter(q.subject for q in quads if isinstance(q.subject, ox.NamedNode))
    goal = share * sum(statements.values())

    def reach(seed: ox.NamedNode) -> set[ox.NamedNode]:
        seen, todo = {seed}, [seed]
        while todo:
            for nxt in refers[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    kept: set[ox.NamedNode] = set()
    # A stable order; a resource whose neighbourhood would overshoot the goal is passed over.
    for seed in sorted(statements, key=lambda n: hashlib.sha256(n.value.encode()).digest()):
        size = sum(statements[n] for n in kept)
        if size >= goal:
            break
        more = reach(seed) - kept
        if size + sum(statements[n] for n in more) <= 1.5 * goal:
            kept |= more
    # The shapes hold a capital to its liberation and an event's second time-span to a contested
    # fact: those pointing at what is kept come too, with their statements about what is kept.
    links = {q.subject: _PULLING[q.object] for q in quads
             if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode) and q.object in _PULLING}
    pulled = {q.subject for q in quads if links.get(q.subject) == q.predicate and q.object in kept} - kept

    def wanted(t: ox.Triple) -> bool:
        return t.subject in kept or (t.subject in pulled and (not _is_resource(t.object) or t.object in kept))

    annotated = {str(q.subject) for q in quads
                 if q.predicate == _REIFIES and isinstance(q.object, ox.Triple) and wanted(q.object)}
    for q in quads:  # the quotes those annotations cite
        if str(q.subject) in annotated and q.predicate == _EVIDENCE and isinstance(q.object, ox.NamedNode):
            kept |= reach(q.object)
    return [q for q in quads if wanted(q.triple) or str(q.subject) in annotated]


def _is_resource(term: object) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(_ID)
