"""The dataset's quads exactly as written, indexed for what descriptions and dumps look up.

pyoxigraph's store canonicalises literals as it stores them (measured with 0.5.13):
`"22"^^xsd:nonNegativeInteger` comes back as `"22"^^xsd:integer`, `"022"^^xsd:integer` as
`"22"`, `"1"^^xsd:boolean` as `"true"`, `"1.50"^^xsd:decimal` as `"1.5"`. That is fine for
answering queries but not for documents that claim to hold the asserted triples, nor for dumps
another store loads. So resource descriptions, the ontology reference and the dumps read this
index, built from the same files as the store with pyoxigraph's parser, which keeps every term
as written. A few thousand quads cost a few milliseconds and a few megabytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Protocol

import pyoxigraph as ox

# As pyoxigraph's `Quad` has them: its parser reads RDF 1.2 triple terms too.
Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class QuadSource(Protocol):
    """What descriptions and dumps need of a store: pattern lookups, iteration and size
    (`QuadIndex` in memory, `verbatim.VerbatimStore` on disk; a pyoxigraph store has them too)."""

    def quads_for_pattern(self, subject: Subject | None, predicate: ox.NamedNode | None,
                          object: Object | None, graph_name: GraphName | None = None,
                          ) -> Iterator[ox.Quad]: ...

    def __iter__(self) -> Iterator[ox.Quad]: ...

    def __len__(self) -> int: ...

    def contains_named_graph(self, graph_name: ox.NamedNode | ox.BlankNode) -> bool: ...

    def subjects(self) -> Iterable[Subject]:
        """Each subject once."""
        ...

    def predicates(self) -> Iterable[ox.NamedNode]:
        """Each predicate once."""
        ...


class QuadIndex:
    """Quads in memory, indexed by subject, object and graph, and by subject or object with the
    predicate; the order of the input is kept."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._quads: list[ox.Quad] = list(dict.fromkeys(quads))
        self._by_subject: dict[Subject, list[ox.Quad]] = defaultdict(list)
        self._by_object: dict[Object, list[ox.Quad]] = defaultdict(list)
        self._by_graph: dict[GraphName, list[ox.Quad]] = defaultdict(list)
        # A statement's rdf:subject, a resource's label: looked up by a term and the predicate, a
        # scan of all of the term's quads each (a city is the object of hundreds).
        self._by_subject_predicate: dict[tuple[Subject, ox.NamedNode], list[ox.Quad]] = defaultdict(list)
        self._by_predicate_object: dict[tuple[ox.NamedNode, Object], list[ox.Quad]] = defaultdict(list)
        for q in self._quads:
            self._by_subject[q.subject].append(q)
            self._by_object[q.object].append(q)
            self._by_graph[q.graph_name].append(q)
            self._by_subject_predicate[(q.subject, q.predicate)].append(q)
            self._by_predicate_object[(q.predicate, q.object)].append(q)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._quads)

    def __len__(self) -> int:
        return len(self._quads)

    def quads_for_pattern(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
                          object: Object | None = None, graph_name: GraphName | None = None,
                          ) -> Iterator[ox.Quad]:
        """Like `pyoxigraph.Store.quads_for_pattern`: None matches anything."""
        # The index used has matched its own terms: only the others are compared (a comparison of
        # pyoxigraph terms is a call into Rust, and a description makes some thousands).
        if subject is not None and predicate is not None:
            candidates = self._by_subject_predicate.get((subject, predicate), [])
            subject = predicate = None
        elif predicate is not None and object is not None:
            candidates = self._by_predicate_object.get((predicate, object), [])
            predicate = object = None
        elif subject is not None:
            candidates = self._by_subject.get(subject, [])
            subject = None
        elif object is not None:
            candidates = self._by_object.get(object, [])
            object = None
        elif graph_name is not None:
            candidates = self._by_graph.get(graph_name, [])
            graph_name = None
        else:
            candidates = self._quads
        if subject is None and predicate is None and object is None and graph_name is None:
            return iter(candidates)
        return (q for q in candidates
                if (subject is None or q.subject == subject)
                and (predicate is None or q.predicate == predicate)
                and (object is None or q.object == object)
                and (graph_name is None or q.graph_name == graph_name))

    def contains_named_graph(self, graph_name: ox.NamedNode | ox.BlankNode) -> bool:
        return bool(self._by_graph.get(graph_name))

    def subjects(self) -> Iterable[Subject]:
        return self._by_subject.keys()

    def predicates(self) -> Iterable[ox.NamedNode]:
        return dict.fromkeys(q.predicate for q in self._quads).keys()
