"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

What a client learns from `GET /sparql` without a query: where the endpoint is, that it answers
SPARQL 1.1 queries (and no updates), in which formats, whether the default graph is the union of
the named graphs, and which named graphs there are with their sizes (VoID triple counts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from graph_service.graph.rdf import SD, bind_prefixes, formats

FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

#: The W3C's IRIs for the formats the endpoint writes (https://www.w3.org/ns/formats/).
W3C_FORMAT_IRIS: dict[str, URIRef] = {
    "json": FORMATS_NS.SPARQL_Results_JSON, "xml": FORMATS_NS.SPARQL_Results_XML,
    "csv": FORMATS_NS.SPARQL_Results_CSV, "tsv": FORMATS_NS.SPARQL_Results_TSV,
    "turtle": FORMATS_NS.Turtle, "ntriples": FORMATS_NS["N-Triples"],
    "jsonld": FORMATS_NS["JSON-LD"], "rdfxml": FORMATS_NS.RDF_XML,
    "trig": FORMATS_NS.TriG, "nquads": FORMATS_NS["N-Quads"],
}


@dataclass(frozen=True)
class DatasetSummary:
    """Sizes of what the endpoint serves."""

    #: Distinct triples in the default graph (the union of all graphs).
    default_triples: int
    #: Triples per named graph, by graph IRI.
    named: Mapping[str, int]
    #: Whether the default graph is the union of the named graphs alone (`sd:UnionDefaultGraph`):
    #: not where the data has triples of its own default graph, which no `GRAPH` reaches.
    union_of_named: bool = True


def describe_service(endpoint: str, summary: DatasetSummary, title: str | None = None,
                     dataset_iri: str | None = None) -> Graph:
    """The description; `dataset_iri`: the IRI the dataset description (VoID) gives the dataset,
    which then names the default dataset here too, so that the two descriptions merge on it."""
    g = Graph()
    bind_prefixes(g)
    g.bind("formats", FORMATS_NS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if summary.union_of_named:
        g.add((service, SD.feature, SD.UnionDefaultGraph))
    if title:
        g.add((service, DCTERMS.title, Literal(title)))
    for fmt in formats.of_kinds(("results", *formats.TRIPLES_KINDS)):
        if fmt.name in W3C_FORMAT_IRIS:
            g.add((service, SD.resultFormat, W3C_FORMAT_IRIS[fmt.name]))

    # Labels of its own, not fresh ones: the same document from every worker, each time.
    dataset: URIRef | BNode = URIRef(dataset_iri) if dataset_iri else BNode("dataset")
    default = BNode("default")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(summary.default_triples, datatype=XSD.integer)))
    # `FROM` may name only these graphs (SD 3.2: the service limits the scope of dataset
    # construction), the same as the default dataset's named graphs.
    available = BNode("available")
    g.add((service, SD.availableGraphs, available))
    g.add((available, RDF.type, SD.GraphCollection))
    # Labelled in the graphs' order: sorted by label, they are listed in it.
    for number, (name, count) in enumerate(sorted(summary.named.items())):
        named, graph = BNode(f"named{number:03}"), BNode(f"graph{number:03}")
        g.add((dataset, SD.namedGraph, named))
        g.add((available, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g
