"""Namespaces, named graphs and prefixes: the project's IRIs, defined once."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, VOID, XSD

from graph_service.config import DEFAULT_BASE

LIB = Namespace(DEFAULT_BASE + "ontology#")
SHAPES = Namespace(DEFAULT_BASE + "shapes#")
ID = Namespace(DEFAULT_BASE + "id/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")

CRM = Namespace("http://www.cidoc-crm.org/cidoc-crm/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
WD = Namespace("http://www.wikidata.org/entity/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")

#: The named graphs of the store; the default graph a query sees is their union.
ONTOLOGY_GRAPH = URIRef(GRAPH["ontology"])
FACTS_GRAPH = URIRef(GRAPH["facts"])
INFERRED_GRAPH = URIRef(GRAPH["inferred"])
SHAPES_GRAPH = URIRef(GRAPH["shapes"])
VOID_GRAPH = URIRef(GRAPH["void"])
#: Per-statement sources: one rdf:Statement per fact statement, with its quotes (lib:evidence).
PROVENANCE_GRAPH = URIRef(GRAPH["provenance"])
#: Coordinates of places, from a named source with its licence (not the article): kept apart
#: from the facts, which all rest on the article's sentences.
COORDINATES_GRAPH = URIRef(GRAPH["coordinates"])
NAMED_GRAPHS = (ONTOLOGY_GRAPH, FACTS_GRAPH, INFERRED_GRAPH, SHAPES_GRAPH, VOID_GRAPH, PROVENANCE_GRAPH,
                COORDINATES_GRAPH)

#: Prefixes declared in every serialisation, the query editor and query prologues.
PREFIXES: dict[str, Namespace] = {
    "lib": LIB,
    "id": ID,
    "shapes": SHAPES,
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
}


def bind_prefixes(graph: Graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (replacing rdflib's defaults)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, URIRef(str(ns)), override=True, replace=True)


def sparql_prologue() -> str:
    """The PREFIX lines for every project prefix, for queries written by hand."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
