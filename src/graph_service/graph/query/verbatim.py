"""The dataset's quads as written, on disk: what descriptions and dumps read when the data is
too large to index in every serving process's memory (`quad_index` does it for small data).

A second pyoxigraph store on disk, opened read-only by every process that needs it, so the data
stays in the kernel's page cache, which they share. pyoxigraph's store canonicalises literals of
the datatypes it knows (`quad_index` lists what it changes); this one cannot, because every typed
literal is kept under a datatype of this module's own (`wrap`), which no engine knows:
`"022"^^xsd:integer` is stored as
`"022"^^<urn:x-graph-service:verbatim:http://www.w3.org/2001/XMLSchema#integer>`. Reading unwraps,
so a reader sees the terms as written. (Strings and language-tagged strings need no wrapping: the
parser already lower-cases language tags, as the store would.) The store answers lookups by
pattern, never users' SPARQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.store import Store

from graph_service.graph.query.quad_index import GraphName, Object, QuadSource, Subject
from graph_service.graph.rdf import from_rdflib, to_rdflib

if TYPE_CHECKING:
    from rdflib.graph import _TriplePatternType, _TripleType

PREFIX = "urn:x-graph-service:verbatim:"
_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
_LANG_STRING = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
_DIR_LANG_STRING = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString")
_UNWRAPPED = frozenset((_XSD_STRING, _LANG_STRING, _DIR_LANG_STRING))


def wrap(term: Object) -> Object:
    """`term` as this store keeps it (see the module's description)."""
    if isinstance(term, ox.Literal):
        if term.datatype in _UNWRAPPED:
            return term
        return ox.Literal(term.value, datatype=ox.NamedNode(PREFIX + term.datatype.value))
    if isinstance(term, ox.Triple):
        return ox.Triple(term.subject, term.predicate, wrap(term.object))
    return term


def unwrap(term: Object) -> Object:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if not datatype.startswith(PREFIX):
            return term
        return ox.Literal(term.value, datatype=ox.NamedNode(datatype[len(PREFIX):]))
    if isinstance(term, ox.Triple):
        return ox.Triple(term.subject, term.predicate, unwrap(term.object))
    return term


def wrap_quad(q: ox.Quad) -> ox.Quad:
    if isinstance(q.object, (ox.Literal, ox.Triple)):
        return ox.Quad(q.subject, q.predicate, wrap(q.object), q.graph_name)
    return q


def _unwrap_quad(q: ox.Quad) -> ox.Quad:
    if isinstance(q.object, (ox.Literal, ox.Triple)):
        return ox.Quad(q.subject, q.predicate, unwrap(q.object), q.graph_name)
    return q


# N-Triples and N-Quads, read term by term so that a quote inside an IRI, a comment or another
# literal is never taken for the start of one: an IRI, a literal with its datatype, or a comment.
_TERM = re.compile(rb'<[^>\r\n]*>|"((?:[^"\\\r\n]|\\.)*)"(?:\^\^<([^>\r\n]*)>)?|#[^\r\n]*')
_PLAIN = {t.value.encode() for t in _UNWRAPPED}


def _wrap_match(m: re.Match[bytes]) -> bytes:
    datatype = m.group(2)
    if datatype is None or datatype in _PLAIN:
        return m.group(0)
    return b'"' + m.group(1) + b'"^^<' + PREFIX.encode() + datatype + b">"


def wrap_lines(data: bytes) -> bytes:
    """N-Triples or N-Quads with every literal wrapped as `wrap` does it."""
    return _TERM.sub(_wrap_match, data)


class VerbatimStore:
    """The quads of a store built from `wrap`ped data (see the module's description), read-only:
    the lookups of `quad_index.QuadIndex`, in the store's order rather than the input's."""

    def __init__(self, path: Path, quads: int) -> None:
        self._store = ox.Store.read_only(str(path))
        self._len = quads

    def __iter__(self) -> Iterator[ox.Quad]:
        return map(_unwrap_quad, self._store)

    def __len__(self) -> int:
        return self._len

    def quads_for_pattern(self, subject: Subject | None = None, predicate: ox.NamedNode | None = None,
                          object: Object | None = None, graph_name: GraphName | None = None,
                          ) -> Iterator[ox.Quad]:
        """Like `pyoxigraph.Store.quads_for_pattern`: None matches anything."""
        if isinstance(subject, ox.Triple):
            subject = ox.Triple(subject.subject, subject.predicate, wrap(subject.object))
        found: Iterable[ox.Quad] = self._store.quads_for_pattern(
            subject, predicate, wrap(object) if object is not None else None, graph_name)
        return map(_unwrap_quad, found)

    def contains_named_graph(self, graph_name: ox.NamedNode | ox.BlankNode) -> bool:
        return self._store.contains_named_graph(graph_name)

    # Each found by the store: a million quads through Python would take seconds.
    def subjects(self) -> Iterator[Subject]:
        return (row["s"] for row in self.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o }"))

    def predicates(self) -> Iterator[ox.NamedNode]:
        return (row["p"] for row in self.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }"))

    def select(self, sparql: str) -> Iterator[ox.QuerySolution]:
        """The project's own SELECT queries over all the graphs at once, for what a pass through
        Python would take seconds to count. Typed literals come back wrapped (`wrap`)."""
        answer = self._store.query(sparql, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        return iter(answer)


class _View(Store):
    """rdflib's reading of a `QuadSource`'s triples (all graphs merged), looked up in place."""

    def __init__(self, source: QuadSource) -> None:
        super().__init__()
        self._source = source

    def triples(self, triple_pattern: _TriplePatternType, context: Graph | None = None,
                ) -> Iterator[tuple[_TripleType, Iterator[Graph | None]]]:
        s, p, o = triple_pattern
        if any(isinstance(t, Variable) or t is not None and not isinstance(t, (URIRef, BNode, Literal))
               for t in triple_pattern):
            return  # a path or a variable: rdflib's graph asks again term by term
        for q in self._source.quads_for_pattern(
                from_rdflib(s) if s is not None else None,  # type: ignore[arg-type]
                from_rdflib(p) if p is not None else None,  # type: ignore[arg-type]
                from_rdflib(o) if o is not None else None):  # type: ignore[arg-type]
            yield (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)), iter((None,))

    def __len__(self, context: Graph | None = None) -> int:
        return len(self._source)


def graph_view(source: QuadSource) -> Graph:
    """An rdflib graph of `source`'s triples (all graphs merged) that copies nothing: for data too
    large to copy into rdflib (a triple in several graphs is seen once per graph)."""
    return Graph(store=_View(source))
