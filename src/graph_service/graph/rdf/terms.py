"""Conversions between pyoxigraph terms (the serving engine) and rdflib terms (reasoning,
validation, the reference engine)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph) -> Identifier | None:
    """An rdflib term for a pyoxigraph term; None for the default graph."""
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


def from_rdflib(term: Identifier | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph:
    """A pyoxigraph term for an rdflib term; None means the default graph."""
    if term is None:
        return ox.DefaultGraph()
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
    if getattr(term, "identifier", None) is not None:  # an rdflib Graph used as a graph name
        return from_rdflib(term.identifier)
    raise TypeError(f"unsupported term {term!r}")
