"""A resource's description: what a linked-data client gets when it looks the resource up.

The description of a resource R holds, from every named graph of the store (graphs kept, so an
inferred triple stays recognisable as inferred):

* R's own triples (R as subject);
* its incoming links (R as object), so "what links here" needs no second query;
* the nodes that only exist to qualify R's facts, one hop away in either direction, and theirs in
  turn: time-spans, participations, receptions, casualties, successions, contested facts and their
  claims (`_PART_CLASSES`), and any blank node;
* the quotes behind the facts of R and of those nodes (`lib:evidence` -> `lib:Quote`), and per
  statement: the reified statements (`rdf:Statement`, from the provenance graph) of each asserted
  triple shown, with their quotes;
* the photographs of R (that depict it, were taken at it or in its context), with their captions;
* a label for every IRI it mentions, so a client can show names without looking each one up.

This is Pubby's and DBpedia's shape of description (a concise bounded description plus incoming
links and labels), extended by the qualified nodes because here a date or a role is a node of its
own and a description without them would lose the facts' meaning.
"""

from __future__ import annotations

import math
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SDO, SKOS

from graph_service.graph.query import Object, QuadSource, Subject
from graph_service.graph.rdf import RDF_TYPE, Format, known_bases, names, prefixed, serialize

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_RDF_SUBJECT = ox.NamedNode(str(RDF.subject))
_RDF_PREDICATE = ox.NamedNode(str(RDF.predicate))
_RDF_OBJECT = ox.NamedNode(str(RDF.object))
_REIFICATION = frozenset({_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT})
#: Classes of the nodes that qualify another resource's facts (the ontology's qualified nodes).
#: Their triples belong in the description of the resource they qualify.
_PART_CLASSES = ("TimeSpan", "Participation", "Reception", "Casualties", "Succession", "ContestedFact")


@dataclass(frozen=True)
class _Terms:
    """The project's terms a description looks for, under every base in use: a store may be
    served under another base than the canonical one (`rdf.rebase`)."""

    inferred: frozenset[ox.NamedNode]
    evidence: frozenset[ox.NamedNode]
    editorial_note: frozenset[ox.NamedNode]
    other_accounts: frozenset[ox.NamedNode]
    text: frozenset[ox.NamedNode]
    quote: frozenset[ox.NamedNode]
    photograph: frozenset[ox.NamedNode]
    depicted_in: frozenset[ox.NamedNode]
    caption: frozenset[ox.NamedNode]
    parts: frozenset[ox.NamedNode]
    resources: tuple[str, ...]
    begin_index: frozenset[ox.NamedNode]
    end_index: frozenset[ox.NamedNode]
    has_place: frozenset[ox.NamedNode]
    in_area: frozenset[ox.NamedNode]
    sequence_number: frozenset[ox.NamedNode]

    @property
    def notes(self) -> frozenset[ox.NamedNode]:
        """The notes a statement may carry: a reading's why, what other accounts say."""
        return self.editorial_note | self.other_accounts


@cache
def _terms_under(bases: tuple[str, ...]) -> _Terms:
    under = [names(b) for b in bases]

    def each(name: str) -> frozenset[ox.NamedNode]:
        return frozenset(ox.NamedNode(str(n.lib[name])) for n in under)

    return _Terms(frozenset(ox.NamedNode(str(n.inferred_graph)) for n in under), each("evidence"),
                  each("editorialNote"), each("otherAccounts"), each("text"), each("Quote"),
                  each("Photograph"), each("depictedIn"), each("caption"),
                  frozenset().union(*(each(c) for c in _PART_CLASSES)), tuple(str(n.id) for n in under),
                  each("beginIndex"), each("endIndex"), each("hasPlace"), each("inArea"),
                  each("sequenceNumber"))


def _terms() -> _Terms:
    return _terms_under(known_bases())


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
    #: The quotes behind each asserted statement of the resource and its qualified nodes.
    evidence: dict[ox.Triple, list[Node]] = field(default_factory=dict)
    #: Why a statement is made, for those that are the project's reading rather than what their
    #: quotes say (`lib:editorialNote`).
    #: A derived statement may rest on several readings: one note each, in a stable order.
    editorial: dict[ox.Triple, tuple[str, ...]] = field(default_factory=dict)
    #: What other accounts say, for statements that are the article's claim where they differ
    #: (`lib:otherAccounts`).
    other_accounts: dict[ox.Triple, tuple[str, ...]] = field(default_factory=dict)
    #: Each described triple's statements (`rdf:Statement` in the provenance graph), on which its
    #: quotes hang: where a page links a value to what it rests on, its quotes, notes and derivation.
    statement_of: dict[ox.Triple, list[Subject]] = field(default_factory=dict)
    #: For a quote: the reified statements that rest on it (`lib:evidence` the quote), each with
    #: its subject, predicate and object: what the passage is the source of.
    resting: list[Node] = field(default_factory=list)
    _by_subject: dict[object, list[ox.Quad]] | None = field(default=None, repr=False, compare=False)
    _indexed: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.quads)

    @property
    def statements(self) -> set[Subject]:
        return {s for statements in self.statement_of.values() for s in statements}

    def outgoing(self, node: Node) -> list[ox.Quad]:
        # By subject, made again only when quads were added: a page asks for each of its nodes and
        # statements in turn (thousands of scans of the whole document for a city).
        if self._by_subject is None or self._indexed != (id(self.quads), len(self.quads)):
            by_subject: dict[object, list[ox.Quad]] = {}
            for q in self.quads:
                by_subject.setdefault(q.subject, []).append(q)
            self._by_subject, self._indexed = by_subject, (id(self.quads), len(self.quads))
        return list(self._by_subject.get(node, ()))

    def incoming(self) -> list[ox.Quad]:
        """Links to the resource from other resources, and from qualified nodes that point at it
        (not from those it points at: a participation's inverse link is not news)."""
        own = ((set(self.parts) - set(self.pointing_parts)) | {self.iri} | self.statements
               | set(self.resting))
        return [q for q in self.quads if q.object == self.iri and q.subject not in own]

    # A triple term (RDF 1.2) is no class, text or caption to show: those lookups pass over it.
    def types(self, node: Node | None = None) -> list[Term]:
        """The node's classes, asserted ones first."""
        node = node or self.iri
        found = [(is_inferred(q), q.object) for q in self.outgoing(node)
                 if q.predicate == RDF_TYPE and isinstance(q.object, Term)]
        return list(dict.fromkeys(t for _, t in sorted(found, key=lambda x: x[0])))

    def asserted_types(self, node: Node | None = None) -> list[Term]:
        node = node or self.iri
        return list(dict.fromkeys(q.object for q in self.outgoing(node) if q.predicate == RDF_TYPE
                                  and isinstance(q.object, Term) and not is_inferred(q)))

    def label(self, term: Term) -> str:
        """A name to show for a term: its label, else a prefixed name (`schema:City`), else its
        IRI's last segment."""
        if isinstance(term, ox.Literal):
            return term.value
        return self.labels.get(term) or short_name(term)

    def quote_text(self, quote: Node) -> str | None:
        return next((q.object.value for q in self.outgoing(quote)
                     if q.predicate in _terms().text and isinstance(q.object, Term)), None)

    def quote_span(self, quote: Node) -> tuple[int, int] | None:
        return quote_span(self.outgoing(quote))

    def caption(self, photo: Node) -> str | None:
        return next((q.object.value for q in self.outgoing(photo)
                     if q.predicate in _terms().caption and isinstance(q.object, Term)), None)

    def serialize(self, fmt: Format) -> bytes:
        return serialize.write(self.quads, fmt)


def _article_order(store: QuadSource, quote: Node) -> tuple[int, str]:
    span = quote_span(store.quads_for_pattern(quote, None, None, None)) \
        if isinstance(quote, ox.NamedNode | ox.BlankNode) else None
    return (span[0] if span else sys.maxsize, str(quote))


def quote_span(quads: Iterable[ox.Quad]) -> tuple[int, int] | None:
    """Where a quote stands in its source, from its quads: its lib:beginIndex and lib:endIndex
    (which the build derives), or None where they are missing or do not make a span."""
    terms = _terms()
    begin = end = None
    for q in quads:
        if isinstance(q.object, ox.Literal) and q.object.value.isdigit():
            if q.predicate in terms.begin_index and begin is None:
                begin = int(q.object.value)
            elif q.predicate in terms.end_index and end is None:
                end = int(q.object.value)
    return (begin, end) if begin is not None and end is not None and begin <= end else None


def _asserted(store: QuadSource, node: Subject, props: frozenset[ox.NamedNode]) -> list[Object]:
    return [q.object for prop in props for q in store.quads_for_pattern(node, prop, None, None)
            if not is_inferred(q)]


def _sequence(store: QuadSource, photo: ox.NamedNode, terms: _Terms) -> float:
    numbers = [o.value for o in _asserted(store, photo, terms.sequence_number) if isinstance(o, ox.Literal)]
    return next((float(n) for n in numbers if n.lstrip("-").isdigit()), math.inf)


def is_inferred(quad: ox.Quad) -> bool:
    return quad.graph_name in _terms().inferred


def has_note(store: QuadSource, subject: Subject, predicate: ox.NamedNode, obj: Object,
               note: ox.NamedNode) -> bool:
    """Whether the statement's `rdf:Statement` (a derived shortcut's too) carries a `note`:
    `lib:editorialNote` (the project's reading) or `lib:otherAccounts` (a claim others dispute),
    under the served base."""
    def has(statement: Subject, p: ox.NamedNode, o: Object | None) -> bool:
        return next(iter(store.quads_for_pattern(statement, p, o, None)), None) is not None

    return any(has(q.subject, _RDF_PREDICATE, predicate) and has(q.subject, _RDF_OBJECT, obj)
               and has(q.subject, note, None)
               for q in store.quads_for_pattern(None, _RDF_SUBJECT, subject, None))


def short_name(term: Node) -> str:
    """`schema:City` for a term of a known vocabulary; the last segment for our own resources,
    whose prefix would say nothing (`paris`, not `id:city/paris`); a Creative Commons licence by
    its usual name (its last segment, "2.0", says nothing either)."""
    if isinstance(term, ox.NamedNode) and not term.value.startswith(_terms().resources):
        name = prefixed(term.value) or _creative_commons(term.value)
        if name is not None:
            return name
    return local_name(term)


# A licence's IRI, or a page of it (`.../by-sa/4.0/deed.en`, `.../legalcode`, a port: `.../by/2.0/fr/`).
_CC = re.compile(r"^https?://creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([0-9.]+)"
                 r"(?:/([a-z]{2}(?:-[a-z]{2})?))?(?:/|$)")


def licence_name(iri: str, label: str | None = None) -> str:
    """A licence's usual name: "CC BY-SA 3.0" for a Creative Commons licence IRI; else its
    `label`, else the IRI."""
    return _creative_commons(iri) or label or iri


def _creative_commons(iri: str) -> str | None:
    m = _CC.match(iri)
    if m is None:
        return None
    code = {"zero": "CC0", "mark": "Public Domain Mark"}.get(m.group(2), "CC " + m.group(2).upper())
    port = f" {m.group(4).upper()}" if m.group(4) else ""
    return f"{code} {m.group(3)}{port}"


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
    # Statements that mention the resource (a reification's rdf:subject or rdf:object) are the
    # provenance of other resources' facts, not links to this one.
    incoming = add(q for q in store.quads_for_pattern(None, None, node, None)
                   if q.predicate not in _REIFICATION)
    if not own and not incoming:
        return d

    terms = _terms()
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
            candidates += [(q.subject, q.predicate, True) for q in incoming if isinstance(q.subject, Node)]
        for target, predicate, pointing in candidates:
            if target in visited or target == node:
                continue
            if pointing and _is_a(store, target, terms.quote):
                continue  # a quote taken from the resource (the article): a plain incoming link
            if predicate in terms.evidence or _is_a(store, target, terms.quote):
                visited.add(target)
                d.quotes.append(target)
                add(store.quads_for_pattern(target, None, None, None))
            elif isinstance(target, ox.BlankNode) or _is_a(store, target, terms.parts):
                visited.add(target)
                frontier.append((target, depth + 1))
                if pointing:
                    d.pointing_parts.append(target)

    # What a quote is the source of: the statements that rest on it, whole (their subject,
    # predicate and object, and the labels of those below), not bare links from opaque IRIs.
    if _is_a(store, node, terms.quote):
        for q in incoming:
            if q.predicate in terms.evidence and isinstance(q.subject, ox.NamedNode | ox.BlankNode) \
                    and q.subject not in d.resting and _any(store.quads_for_pattern(q.subject, _RDF_SUBJECT,
                                                                                     None, None)):
                d.resting.append(q.subject)
                resting = list(store.quads_for_pattern(q.subject, None, None, None))
                add(resting)
                # The other quotes it rests on, with their text: a client had only their labels.
                for e in resting:
                    if e.predicate in terms.evidence and e.object != node \
                            and isinstance(e.object, ox.NamedNode | ox.BlankNode):
                        add(store.quads_for_pattern(e.object, None, None, None))

    # Photographs of it: any photograph linking to it (lib:depicts, lib:hasPlace
    # or whatever the data adds), or that it says it is depicted in.
    photos: list[Subject | Object] = [q.subject for q in incoming
                                      if _is_a(store, q.subject, terms.photograph)]
    photos += [q.object for q in own if q.predicate in terms.depicted_in]
    # And those taken at a place the article puts in its area without making it a part (St
    # Peter's Square, in Rome's), when that is the one area the place lies in: a city in the
    # areas of two states (Prague) does not bring a 2015 photograph to the 1945 state's page.
    for q in incoming:
        if q.predicate in terms.in_area and not is_inferred(q) and isinstance(q.subject, ox.NamedNode) \
                and len(_asserted(store, q.subject, terms.in_area)) == 1:
            placed = [p for prop in terms.has_place
                      for p in store.quads_for_pattern(None, prop, q.subject, None)
                      if _is_a(store, p.subject, terms.photograph)]
            photos += [p.subject for p in placed]
            add(placed)  # and how it is linked: the photograph at the place, in the area
            add([q])
    # In the article's order (its photographs are numbered), then by name.
    d.photos = sorted((p for p in dict.fromkeys(photos) if isinstance(p, ox.NamedNode)),
                      key=lambda p: (_sequence(store, p, terms), p.value))
    for photo in d.photos:
        for caption in terms.caption:
            add(store.quads_for_pattern(photo, caption, None, None))

    # The statements behind the facts shown (per-statement provenance, `rdf:Statement`s in their
    # own graph), each with its quotes: a client gets the sentence behind every asserted triple of
    # the document, the links to the resource and the photographs' captions included, and behind
    # the inferred shortcuts the build derives from them (lib:liberatedBy...), which have statements.
    # A derived statement may rest on several readings, or on several claims others dispute.
    notes: dict[ox.NamedNode, dict[ox.Triple, set[str]]] = {}
    reified: dict[Subject, dict[tuple[ox.NamedNode, Object], list[Subject]]] = {}
    for q in list(seen):
        triple = ox.Triple(q.subject, q.predicate, q.object)
        if q.subject not in reified:
            reified[q.subject] = _statements_about(store, q.subject)
        for statement in reified[q.subject].get((q.predicate, q.object), ()):
            d.statement_of.setdefault(triple, []).append(statement)
            add(store.quads_for_pattern(statement, None, None, None))
            for e in store.quads_for_pattern(statement, None, None, None):
                if e.predicate in terms.evidence and isinstance(e.object, ox.NamedNode | ox.BlankNode):
                    d.evidence.setdefault(triple, []).append(e.object)
                    if e.object not in d.quotes:
                        add(store.quads_for_pattern(e.object, None, None, None))
                elif isinstance(e.object, ox.Literal) and e.predicate in terms.notes:
                    notes.setdefault(e.predicate, {}).setdefault(triple, set()).add(e.object.value)
    # In the article's order, whatever order the store gave them in: the page compares a value's
    # quotes with those of the value above, and its bytes (and ETag) are every process's alike.
    order: dict[Node, tuple[int, str]] = {}  # a quote behind many statements is looked up once
    for quotes in d.evidence.values():
        for quote in quotes:
            if quote not in order:
                order[quote] = _article_order(store, quote)
        quotes.sort(key=order.__getitem__)
    for statements in d.statement_of.values():
        statements.sort(key=lambda statement: str(statement))
    for kind, kept in ((terms.editorial_note, d.editorial), (terms.other_accounts, d.other_accounts)):
        for p in kind:
            kept.update({triple: tuple(sorted(texts)) for triple, texts in notes.get(p, {}).items()})

    # A label for everything mentioned: predicates, classes, linked resources.
    body = list(seen)
    mentioned = dict.fromkeys(t for q in body for t in (q.subject, q.predicate, q.object)
                              if isinstance(t, ox.NamedNode))
    # Each term's label looked up once: a statement's name repeats its subject's and predicate's
    # (a resource's forty statements all name it).
    looked_up: dict[Node, list[ox.Quad]] = {}

    def label_quads(term: Node) -> list[ox.Quad]:
        if term not in looked_up:
            looked_up[term] = _label_quads(store, term)
        return looked_up[term]

    for term in mentioned:
        labelled = label_quads(term)
        if labelled:
            add(labelled)
            d.labels[term] = _label(labelled[0]).value
        elif (said := _statement_label(store, term, label_quads)) is not None:
            d.labels[term] = said
    d.quads = list(seen)
    return d


def _statements_about(store: QuadSource, subject: Subject,
                      ) -> dict[tuple[ox.NamedNode, Object], list[Subject]]:
    """The reified statements (`rdf:Statement`) whose rdf:subject is `subject`, by their predicate
    and object: read once for all of a subject's triples (looked up triple by triple, a resource
    with hundreds of statements had them all read again for each of its triples)."""
    found: dict[tuple[ox.NamedNode, Object], list[Subject]] = defaultdict(list)
    # Each once, though a statement may be in several graphs.
    statements = dict.fromkeys(q.subject for q in store.quads_for_pattern(None, _RDF_SUBJECT, subject, None))
    for statement in statements:
        predicates = dict.fromkeys(q.object for q in store.quads_for_pattern(statement, _RDF_PREDICATE, None)
                                   if isinstance(q.object, ox.NamedNode))
        objects = dict.fromkeys(q.object for q in store.quads_for_pattern(statement, _RDF_OBJECT, None))
        for predicate in predicates:
            for obj in objects:
                found[(predicate, obj)].append(statement)
    return found


def labels_of(store: QuadSource, terms: Iterable[Node]) -> dict[Node, str]:
    """Labels of several terms, for pages that list resources (home page, ontology reference, a
    kind's list); a reified statement named by what it says, as its page is titled (the list of
    statements showed 4,023 digests)."""
    found: dict[Node, str] = {}
    looked_up: dict[Node, list[ox.Quad]] = {}

    def label_quads(term: Node) -> list[ox.Quad]:
        if term not in looked_up:
            looked_up[term] = _label_quads(store, term)
        return looked_up[term]

    for term in terms:
        quads = label_quads(term)
        if quads:
            found[term] = _label(quads[0]).value
        elif isinstance(term, ox.NamedNode) and (said := _statement_label(store, term, label_quads)):
            found[term] = said
    return found


def _label_quads(store: QuadSource, term: Node) -> list[ox.Quad]:
    """The quads giving the term's label under the most preferred label property, English first."""
    for predicate in LABEL_PREDICATES:
        quads = [q for q in store.quads_for_pattern(term, predicate, None, None)
                 if isinstance(q.object, ox.Literal)]
        if quads:
            quads.sort(key=lambda q: (_label(q).language not in ("en", None), is_inferred(q)))
            best = quads[0].object
            return [q for q in quads if q.object == best]
    return []


def _statement_label(store: QuadSource, term: ox.NamedNode,
                     label_quads: Callable[[Node], list[ox.Quad]]) -> str | None:
    """A reified statement (which has no label of its own) named by what it says: "Statement:
    Rome → liberated by → American forces" (a derived statement's sources are listed so). The
    parts apart by arrows: by commas, a label's own commas ("Photograph rome-10: Entry of Allied
    troops into Rome: ..., 5 June 1944, depicts, ...") left no telling where one part ended."""
    parts = [next((q.object for q in store.quads_for_pattern(term, p, None, None)), None)
             for p in (_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT)]
    if any(p is None or isinstance(p, ox.Triple) for p in parts):
        return None
    names = []
    for part in parts:
        found = label_quads(part) if isinstance(part, ox.NamedNode) else []
        # A term of another vocabulary (sem:hasActor) by its prefixed name, as pages title it.
        # A value in quotes: a description's own commas ran on into the title's.
        names.append(_label(found[0]).value if found else f"“{part.value}”" if isinstance(part, ox.Literal)
                     else short_name(part) if isinstance(part, ox.NamedNode) else str(part))
    return "Statement: " + " → ".join(names)


def _label(quad: ox.Quad) -> ox.Literal:
    """The object of a quad `_label_quads` chose: a literal."""
    assert isinstance(quad.object, ox.Literal)
    return quad.object


def _is_a(store: QuadSource, node: Subject, classes: AbstractSet[ox.NamedNode]) -> bool:
    return any(q.object in classes for q in store.quads_for_pattern(node, RDF_TYPE, None, None))


def _any(quads: Iterator[ox.Quad]) -> bool:
    return next(iter(quads), None) is not None
