"""Conversions between pyoxigraph terms (the serving engine) and rdflib terms (reasoning,
validation, the reference engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import overload

import pyoxigraph as ox
import rdflib.term
from rdflib import BNode, Literal, URIRef
from rdflib.term import IdentifiedNode, Identifier, Node

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@overload
def to_rdflib(term: ox.NamedNode) -> URIRef: ...
@overload
def to_rdflib(term: ox.DefaultGraph) -> None: ...
@overload
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Identifier: ...
def to_rdflib(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph,
) -> Identifier | None:
    """An rdflib term for a pyoxigraph term; None for the default graph. A triple term (RDF 1.2),
    which pyoxigraph's quads may hold, has no rdflib counterpart: TypeError."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # normalize=False keeps the document's lexical form ("01", "1"^^xsd:boolean): SHACL
        # (sh:pattern, sh:hasValue, sh:in) and RDF term equality depend on it.
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else datatype,
                       normalize=False)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unsupported term {term!r}")


@overload
def from_rdflib(term: URIRef) -> ox.NamedNode: ...
@overload
def from_rdflib(term: IdentifiedNode) -> ox.NamedNode | ox.BlankNode: ...
@overload
def from_rdflib(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal: ...
@overload
def from_rdflib(term: ox.Triple) -> ox.Triple: ...
@overload
def from_rdflib(term: None) -> ox.DefaultGraph: ...
@overload
def from_rdflib(term: Node | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph: ...
def from_rdflib(term: Node | ox.Triple | None
                ) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph:
    """A pyoxigraph term for an rdflib term; None means the default graph. A triple term (RDF 1.2),
    which rdflib cannot hold, is pyoxigraph's already (in a `QueryResult`) and comes back as it is."""
    if term is None:
        return ox.DefaultGraph()
    if isinstance(term, ox.Triple):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    identifier = getattr(term, "identifier", None)
    if identifier is not None:  # an rdflib Graph used as a graph name
        return from_rdflib(identifier)
    raise TypeError(f"unsupported term {term!r}")


def triple_from_rdflib(s: Node, p: Node, o: Node | ox.Triple) -> ox.Triple:
    """A pyoxigraph triple for rdflib terms."""
    return ox.Triple(*_triple_terms(s, p, o))


def quad_from_rdflib(s: Node, p: Node, o: Node,
                     graph_name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> ox.Quad:
    """A pyoxigraph quad for rdflib terms, in a graph already converted (`from_rdflib`)."""
    return ox.Quad(*_triple_terms(s, p, o), graph_name)


def _triple_terms(s: Node, p: Node, o: Node | ox.Triple
                  ) -> tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode,
                             ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
    # rdflib types every position as a Node; a term pyoxigraph does not allow in its position (a
    # literal subject, a blank-node predicate) raises TypeError, as pyoxigraph itself would.
    subject, predicate, obj = from_rdflib(s), from_rdflib(p), from_rdflib(o)
    if (not isinstance(subject, ox.NamedNode | ox.BlankNode) or not isinstance(predicate, ox.NamedNode)
            or isinstance(obj, ox.DefaultGraph)):
        raise TypeError(f"not an RDF triple: {s!r} {p!r} {o!r}")
    return subject, predicate, obj


@contextmanager
def rdflib_conversions_kept() -> Iterator[None]:
    """rdflib's table of lexical conversions (how a literal's form becomes its value, and whether
    it is ill-typed) as it was before the work inside, whatever that work installed.

    owlrl installs its own for the XSD datatypes while it reasons, and switching back restores
    only those rdflib has: its conversions for xsd:gYear, gMonth, gDay, gYearMonth and gMonthDay
    stayed, and from then on every literal made in the process with a valid form such as
    "-0044"^^xsd:gYear, "--02"^^xsd:gMonth or "1944-08Z"^^xsd:gYearMonth was ill-typed, so
    `sh:datatype` refused it."""
    mapping = rdflib.term._toPythonMapping  # rdflib's own table; owlrl changes it in place too
    saved = dict(mapping)
    try:
        yield
    finally:
        # Entry by entry, never emptied: another thread may be making a literal meanwhile.
        for added in [key for key in mapping if key not in saved]:
            del mapping[added]
        mapping.update(saved)
