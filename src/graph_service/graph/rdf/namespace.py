"""Namespaces, named graphs and prefixes: the project's IRIs, defined once.

The sources are written under one canonical base (`config.DEFAULT_BASE`); a deployment may serve
the graph under another (`Settings.base_iri`), and the build then rebases every IRI
(`rdf.rebase`). `names(base)` gives the project's namespaces and graph names under a base; the
module constants below are the canonical ones, which is what the build works in. Code that
reads a served store asks for the served base's `Names`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD

from graph_service.config import DEFAULT_BASE

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

#: rdf:type and rdfs:label as pyoxigraph terms, for code that reads quads.
RDF_TYPE = ox.NamedNode(str(RDF.type))
RDFS_LABEL = ox.NamedNode(str(RDFS.label))

#: Prefixes of vocabularies that are not the project's own, whatever the base.
EXTERNAL_PREFIXES: dict[str, Namespace] = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "time": Namespace(str(TIME)),
    "schema": Namespace(str(SDO)),
    "foaf": Namespace(str(FOAF)),
    "crm": CRM,
    "sem": SEM,
    "wd": WD,
    "geo": GEO,
    "sh": SH,
    "void": Namespace(str(VOID)),
    "dcat": Namespace(str(DCAT)),
    "sd": SD,
    "vann": VANN,
    "nif": NIF,
}


@dataclass(frozen=True)
class Names:
    """The project's namespaces and named graphs under one base IRI."""

    base: str
    lib: Namespace = field(init=False)
    shapes: Namespace = field(init=False)
    id: Namespace = field(init=False)
    graph: Namespace = field(init=False)

    def __post_init__(self) -> None:
        for name, path in (("lib", "ontology#"), ("shapes", "shapes#"), ("id", "id/"), ("graph", "graph/")):
            object.__setattr__(self, name, Namespace(self.base + path))

    @property
    def ontology_graph(self) -> URIRef:
        return URIRef(self.graph["ontology"])

    @property
    def facts_graph(self) -> URIRef:
        return URIRef(self.graph["facts"])

    @property
    def inferred_graph(self) -> URIRef:
        return URIRef(self.graph["inferred"])

    @property
    def shapes_graph(self) -> URIRef:
        return URIRef(self.graph["shapes"])

    @property
    def void_graph(self) -> URIRef:
        return URIRef(self.graph["void"])

    @property
    def provenance_graph(self) -> URIRef:
        return URIRef(self.graph["provenance"])

    @property
    def coordinates_graph(self) -> URIRef:
        """Coordinates of places, from a named source with its licence (not the article): kept
        apart from the facts, which all rest on the article's sentences."""
        return URIRef(self.graph["coordinates"])

    @property
    def named_graphs(self) -> tuple[URIRef, ...]:
        """The named graphs of the store; the default graph a query sees is their union."""
        return (self.ontology_graph, self.facts_graph, self.inferred_graph, self.shapes_graph,
                self.void_graph, self.provenance_graph, self.coordinates_graph)

    @property
    def prefixes(self) -> dict[str, Namespace]:
        """Prefixes declared in serialisations, the query editor and query prologues."""
        return {"lib": self.lib, "id": self.id, "shapes": self.shapes, **EXTERNAL_PREFIXES}

    def sparql_prologue(self) -> str:
        """The PREFIX lines for every project prefix, for queries written by hand."""
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())


#: Every base a `Names` was made for in this process, the canonical first: prefixed names
#: (`rdf.names`) shorten the project's IRIs under any of them.
_BASES: tuple[str, ...] = ()


@cache
def names(base: str = DEFAULT_BASE) -> Names:
    """The project's names under `base` (one object per base, so callers may compare them)."""
    global _BASES
    _BASES = (*_BASES, base)
    return Names(base)


def known_bases() -> tuple[str, ...]:
    return _BASES


CANONICAL = names(DEFAULT_BASE)
LIB = CANONICAL.lib
SHAPES = CANONICAL.shapes
ID = CANONICAL.id
GRAPH = CANONICAL.graph
ONTOLOGY_GRAPH = CANONICAL.ontology_graph
FACTS_GRAPH = CANONICAL.facts_graph
INFERRED_GRAPH = CANONICAL.inferred_graph
SHAPES_GRAPH = CANONICAL.shapes_graph
VOID_GRAPH = CANONICAL.void_graph
#: Per-statement sources: one rdf:Statement per fact statement, with its quotes (lib:evidence).
PROVENANCE_GRAPH = CANONICAL.provenance_graph
COORDINATES_GRAPH = CANONICAL.coordinates_graph
NAMED_GRAPHS = CANONICAL.named_graphs
PREFIXES: dict[str, Namespace] = CANONICAL.prefixes


#: SPARQL's and Turtle's PN_PREFIX, near enough: a letter, then letters, digits, "_", "-", "."
#: (not last); or nothing.
_PN_PREFIX = re.compile(r"(?:[^\W\d_][\w\-.\u00b7]*)?")


def is_prefix_name(name: str) -> bool:
    """Whether `name` can be a prefix in SPARQL and Turtle (a JSON-LD term or an XML namespace
    prefix need not be: rdflib refuses to bind one with a space)."""
    return bool(_PN_PREFIX.fullmatch(name)) and not name.endswith(".")


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (replacing rdflib's defaults)."""
    for prefix, ns in names(base).prefixes.items():
        graph.bind(prefix, URIRef(str(ns)), override=True, replace=True)


def sparql_prologue(base: str = DEFAULT_BASE) -> str:
    """The PREFIX lines for every project prefix, for queries written by hand."""
    return names(base).sparql_prologue()
