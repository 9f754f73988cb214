"""A resource's description: what a linked-data client gets when it looks the resource up.

The description of a resource R holds, from every named graph of the store (graphs kept, so an
inferred triple stays recognisable as inferred):

* R's own triples (R as subject);
* its incoming links (R as object), so "what links here" needs no second query;
* the nodes that only exist to qualify R's facts, one hop away in either direction, and theirs in
  turn: time-spans, participations, receptions, casualties, successions, contested facts and their
  claims (`PART_CLASSES`), and any blank node;
* the quotes behind the facts of R and of those nodes (`lib:evidence` -> `lib:Quote`);
* the photographs of R (that depict it, were taken at it or in its context), with their captions;
* a label for every IRI it mentions, so a client can show names without looking each one up.

This is Pubby's and DBpedia's shape of description (a concise bounded description plus incoming
links and labels), extended by the qualified nodes because here a date or a role is a node of its
own and a description without them would lose the facts' meaning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SDO, SKOS

from ..namespace import ID, INFERRED_GRAPH, LIB, PREFIXES
from . import provenance, serialize
from .formats import Format
from .quad_index import QuadSource

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_TYPE = ox.NamedNode(str(RDF.type))
_INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
_EVIDENCE = ox.NamedNode(str(LIB.evidence))
_TEXT = ox.NamedNode(str(LIB.text))
_QUOTE = ox.NamedNode(str(LIB.Quote))
_PHOTOGRAPH = ox.NamedNode(str(LIB.Photograph))
_DEPICTED_IN = ox.NamedNode(str(LIB.depictedIn))
_CAPTION = ox.NamedNode(str(LIB.caption))

#: Classes of the nodes that qualify another resource's facts (the ontology's qualified nodes).
#: Their triples belong in the description of the resource they qualify.
PART_CLASSES: frozenset[ox.NamedNode] = frozenset(
    ox.NamedNode(str(LIB[name])) for name in
    ("TimeSpan", "Participation", "Reception", "Casualties", "Succession", "ContestedFact")
)
#: Label properties, most preferred first.
LABEL_PREDICATES: tuple[ox.NamedNode, ...] = tuple(
    ox.NamedNode(str(p)) for p in (RDFS.label, SKOS.prefLabel, SDO.name, FOAF.name, DCTERMS.title)
)
#: How far the walk goes into qualified nodes (event -> contested fact -> claim -> time-span).
MAX_DEPTH = 3


@dataclass
class Description:
    """Everything in one resource's description document."""

    iri: ox.NamedNode
    #: The whole document, each quad once, in its named graph.
    quads: list[ox.Quad] = field(default_factory=list)
    #: Qualified nodes (time-spans, participations...), in the order they were reached.
    parts: list[Node] = field(default_factory=list)
    #: The qualified nodes that point at the resource (a contested fact `lib:about` it).
    pointing_parts: list[Node] = field(default_factory=list)
    quotes: list[Node] = field(default_factory=list)
    photos: list[ox.NamedNode] = field(default_factory=list)
    labels: dict[Node, str] = field(default_factory=dict)
    #: The quote texts behind each asserted statement of the document (graph/provenance), for the
    #: page to show beside its row; not part of the document's quads.
    sources: dict[ox.Triple, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.quads)

    def outgoing(self, node: Node) -> list[ox.Quad]:
        return [q for q in self.quads if q.subject == node]

    def incoming(self) -> list[ox.Quad]:
        """Links to the resource from other resources, and from qualified nodes that point at it
        (not from those it points at: a participation's inverse link is not news)."""
        own = (set(self.parts) - set(self.pointing_parts)) | {self.iri}
        return [q for q in self.quads if q.object == self.iri and q.subject not in own]

    def types(self, node: Node | None = None) -> list[ox.NamedNode]:
        """The node's classes, asserted ones first."""
        node = node or self.iri
        found = [(is_inferred(q), q.object) for q in self.outgoing(node) if q.predicate == _TYPE]
        return list(dict.fromkeys(t for _, t in sorted(found, key=lambda x: x[0])))

    def asserted_types(self, node: Node | None = None) -> list[ox.NamedNode]:
        node = node or self.iri
        return list(dict.fromkeys(q.object for q in self.outgoing(node)
                                  if q.predicate == _TYPE and not is_inferred(q)))

    def label(self, term: Term) -> str:
        """A name to show for a term: its label, else a prefixed name (`schema:City`), else its
        IRI's last segment."""
        if isinstance(term, ox.Literal):
            return term.value
        return self.labels.get(term) or short_name(term)

    def quote_text(self, quote: Node) -> str | None:
        return next((q.object.value for q in self.outgoing(quote) if q.predicate == _TEXT), None)

    def caption(self, photo: Node) -> str | None:
        return next((q.object.value for q in self.outgoing(photo) if q.predicate == _CAPTION), None)

    def serialize(self, fmt: Format) -> bytes:
        return serialize.write(self.quads, fmt)


def is_inferred(quad: ox.Quad) -> bool:
    return quad.graph_name == _INFERRED


def short_name(term: Node) -> str:
    """`schema:City` for a term of a known vocabulary; the last segment for our own resources,
    whose prefix would say nothing (`paris`, not `id:city/paris`)."""
    if isinstance(term, ox.NamedNode) and not term.value.startswith(str(ID)):
        best = max((p for p, ns in PREFIXES.items() if term.value.startswith(str(ns))
                    and len(term.value) > len(str(ns))), key=lambda p: len(str(PREFIXES[p])), default=None)
        if best is not None:
            return f"{best}:{term.value[len(str(PREFIXES[best])):]}"
    return local_name(term)


def local_name(term: Node) -> str:
    if isinstance(term, ox.BlankNode):
        return "(unnamed node)"
    iri = term.value
    cut = max(iri.rfind("#"), iri.rfind("/", 0, len(iri) - 1))
    return iri[cut + 1:].rstrip("/") or iri


def exists(store: QuadSource, iri: str) -> bool:
    """True when the IRI is a subject or an object anywhere in the store."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # not an IRI at all (spaces, angle brackets...): nothing can be about it
        return False
    return _any(store.quads_for_pattern(node, None, None, None)) or _any(
        store.quads_for_pattern(None, None, node, None))


def describe(store: QuadSource, iri: str) -> Description:
    """The description of `iri` (empty, and false, when the store knows nothing about it)."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # not an IRI: nothing is about it (the placeholder IRI is never shown)
        return Description(ox.NamedNode("urn:invalid"))
    d = Description(node)
    seen: dict[ox.Quad, None] = {}

    def add(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        new = [q for q in quads if q not in seen]
        seen.update(dict.fromkeys(new))
        return new

    own = add(store.quads_for_pattern(node, None, None, None))
    incoming = add(store.quads_for_pattern(None, None, node, None))
    if not own and not incoming:
        return d

    # Qualified nodes and quotes, breadth first from the resource.
    frontier: list[tuple[Node, int]] = [(node, 0)]
    visited: set[Node] = {node}
    while frontier:
        current, depth = frontier.pop(0)
        quads = own if current == node else add(store.quads_for_pattern(current, None, None, None))
        if current != node:
            d.parts.append(current)
        if depth >= MAX_DEPTH:
            continue
        candidates = [(q.object, q.predicate, False) for q in quads if isinstance(q.object, Node)]
        if current == node:
            candidates += [(q.subject, q.predicate, True) for q in incoming]
        for target, predicate, pointing in candidates:
            if target in visited or target == node:
                continue
            if pointing and _is_a(store, target, {_QUOTE}):
                continue  # a quote taken from the resource (the article): a plain incoming link
            if predicate == _EVIDENCE or _is_a(store, target, {_QUOTE}):
                visited.add(target)
                d.quotes.append(target)
                add(store.quads_for_pattern(target, None, None, None))
            elif isinstance(target, ox.BlankNode) or _is_a(store, target, PART_CLASSES):
                visited.add(target)
                frontier.append((target, depth + 1))
                if pointing:
                    d.pointing_parts.append(target)

    # Photographs of it: any photograph linking to it (lib:depicts, lib:hasPlace
    # or whatever the data adds), or that it says it is depicted in.
    photos = [q.subject for q in incoming if _is_a(store, q.subject, {_PHOTOGRAPH})]
    photos += [q.object for q in own if q.predicate == _DEPICTED_IN]
    d.photos = [p for p in dict.fromkeys(photos) if isinstance(p, ox.NamedNode)]
    for photo in d.photos:
        add(store.quads_for_pattern(photo, _CAPTION, None, None))

    # A label for everything mentioned: predicates, classes, linked resources.
    body = list(seen)
    mentioned = dict.fromkeys(t for q in body for t in (q.subject, q.predicate, q.object)
                              if isinstance(t, ox.NamedNode))
    for term in mentioned:
        label_quads = _label_quads(store, term)
        if label_quads:
            add(label_quads)
            d.labels[term] = label_quads[0].object.value
    d.quads = list(seen)
    d.sources = statement_sources(store, (q for q in d.quads if not is_inferred(q)))
    return d


def statement_sources(store: QuadSource, quads: Iterable[ox.Quad]) -> dict[ox.Triple, list[str]]:
    """The quote texts behind each statement (its rdf:Statement's lib:evidence, graph/provenance)."""
    out: dict[ox.Triple, list[str]] = {}
    for q in quads:
        triple = ox.Triple(q.subject, q.predicate, q.object)
        if triple in out or isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            continue
        texts = []
        for ev in store.quads_for_pattern(provenance.statement_iri(triple), provenance.EVIDENCE, None, None):
            texts += [t.object.value for t in store.quads_for_pattern(ev.object, _TEXT, None, None)][:1]
        if texts:
            out[triple] = sorted(set(texts))
    return out


def labels_of(store: QuadSource, terms: Iterable[Node]) -> dict[Node, str]:
    """Labels of several terms, for pages that list resources (home page, ontology reference)."""
    found: dict[Node, str] = {}
    for term in terms:
        quads = _label_quads(store, term)
        if quads:
            found[term] = quads[0].object.value
    return found


def _label_quads(store: QuadSource, term: Node) -> list[ox.Quad]:
    """The quads giving the term's label under the most preferred label property, English first."""
    for predicate in LABEL_PREDICATES:
        quads = [q for q in store.quads_for_pattern(term, predicate, None, None)
                 if isinstance(q.object, ox.Literal)]
        if quads:
            quads.sort(key=lambda q: (q.object.language not in ("en", None), is_inferred(q)))
            best = quads[0].object
            return [q for q in quads if q.object == best]
    return []


def _is_a(store: QuadSource, node: Node, classes: Iterable[ox.NamedNode]) -> bool:
    return any(q.object in classes for q in store.quads_for_pattern(node, _TYPE, None, None))


def _any(quads: Iterator[ox.Quad]) -> bool:
    return next(iter(quads), None) is not None
