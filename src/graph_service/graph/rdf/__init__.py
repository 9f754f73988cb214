"""RDF terms, namespaces, the registry of formats, and reading and writing documents.

The bottom layer of `graph`: it imports nothing else of the project but `config`."""

from graph_service.graph.rdf import documents, formats, namespace, provenance, serialize
from graph_service.graph.rdf.documents import (
    DocumentTooLarge,
    RdfSyntaxError,
    UnsupportedFormat,
    format_for_path,
    keep_apart,
    not_utf8,
    parse_quads,
    quads_to_graph,
    read_graph,
    read_quads,
    text_encoding,
    write_atomically,
)
from graph_service.graph.rdf.formats import Format, Kind
from graph_service.graph.rdf.names import fold, listed, prefixed, short, sortable, spelt_nearly, turtle
from graph_service.graph.rdf.namespace import (
    CANONICAL,
    COORDINATES_GRAPH,
    CRM,
    FACTS_GRAPH,
    ID,
    INFERRED_GRAPH,
    LIB,
    NAMED_GRAPHS,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    RDF_TYPE,
    RDFS_LABEL,
    SD,
    SEM,
    SH,
    SHAPES,
    SHAPES_GRAPH,
    VOID_GRAPH,
    WD,
    Names,
    bind_prefixes,
    is_prefix_name,
    known_bases,
    names,
    sparql_prologue,
)
from graph_service.graph.rdf.rebase import Rebase, rebase_text
from graph_service.graph.rdf.results import (
    TableTooLarge,
    query_prefixes,
    text_table,
    with_link,
    write_boolean,
    write_solutions,
    write_within,
    writes_natively,
)
from graph_service.graph.rdf.serialize import stable, write, write_triples
from graph_service.graph.rdf.terms import (
    from_rdflib,
    quad_from_rdflib,
    rdflib_conversions_kept,
    to_rdflib,
    triple_from_rdflib,
)
from graph_service.graph.rdf.xml import xml_text

__all__ = [
    "CANONICAL", "Names", "names", "Rebase", "rebase_text",
    "fold", "Format", "formats", "from_rdflib", "Kind", "parse_quads", "prefixed", "quad_from_rdflib",
    "listed", "sortable", "spelt_nearly",
    "quads_to_graph", "DocumentTooLarge", "RdfSyntaxError", "format_for_path", "keep_apart", "read_graph",
    "read_quads",
    "rdflib_conversions_kept", "short", "stable", "to_rdflib",
    "triple_from_rdflib", "turtle", "UnsupportedFormat", "write", "write_atomically", "write_triples",
    "not_utf8",
    "text_encoding",
    # modules used as namespaces by the layers above
    "documents", "namespace", "provenance", "serialize",
    # namespaces, named graphs and prefixes
    "COORDINATES_GRAPH", "CRM", "FACTS_GRAPH", "ID", "INFERRED_GRAPH", "LIB", "NAMED_GRAPHS",
    "ONTOLOGY_GRAPH", "PREFIXES", "PROVENANCE_GRAPH", "RDF_TYPE", "RDFS_LABEL", "SD", "SEM", "SH", "SHAPES",
    "SHAPES_GRAPH", "VOID_GRAPH", "WD", "bind_prefixes", "is_prefix_name", "known_bases", "sparql_prologue",
    # writing query results
    "TableTooLarge", "query_prefixes", "text_table", "with_link", "write_boolean", "write_solutions",
    "write_within", "writes_natively",
    "xml_text",
]
