"""RDF terms, namespaces, the registry of formats, and reading and writing documents.

The bottom layer of `graph`: it imports nothing else of the project but `config`."""

from graph_service.graph.rdf import formats
from graph_service.graph.rdf.documents import (
    RdfSyntaxError,
    UnsupportedFormat,
    format_for_path,
    keep_apart,
    parse_quads,
    quads_to_graph,
    read_graph,
    read_quads,
    write_atomically,
)
from graph_service.graph.rdf.formats import Format, Kind
from graph_service.graph.rdf.names import fold, prefixed, short, turtle
from graph_service.graph.rdf.namespace import CANONICAL, Names, names
from graph_service.graph.rdf.rebase import Rebase, rebase_quads, rebase_text
from graph_service.graph.rdf.serialize import stable, write, write_triples
from graph_service.graph.rdf.terms import from_rdflib, quad_from_rdflib, to_rdflib, triple_from_rdflib

__all__ = [
    "CANONICAL", "Names", "names", "Rebase", "rebase_quads", "rebase_text",
    "fold", "Format", "formats", "from_rdflib", "Kind", "parse_quads", "prefixed", "quad_from_rdflib",
    "quads_to_graph", "RdfSyntaxError", "format_for_path", "keep_apart", "read_graph", "read_quads",
    "short", "stable", "to_rdflib",
    "triple_from_rdflib", "turtle", "UnsupportedFormat", "write", "write_atomically", "write_triples",
]
