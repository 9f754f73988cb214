"""The dataset's description, which every view names it by: its VoID + DCAT graph (the
snapshot's own, or one made for a user's files), and its title.

The dataset pages (`dataset`) show and serve it; the SPARQL service description and every page's
heading take the title from it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from graph_service.graph import (
    QuadSource,
    Usage,
    VerbatimStore,
    dataset_iri,
    declared_title,
    describe_dataset,
    graph_view,
    licence_name,
    quad_from_rdflib,
    quads_to_graph,
)
from graph_service.web.documents import cached, quads
from graph_service.web.state import service


def site_title() -> str:
    """What every page names the dataset it shows: the project's, or the files being served."""
    return cached("site title", lambda: value(description(), dataset_iri(service().settings.base_iri),
                                              DCTERMS.title) or "Linked data")


def description_quads() -> list[ox.Quad]:
    """The dataset description: the snapshot's own (its VOID_GRAPH), else one made now (a store
    of a user's files has none)."""
    def compute() -> list[ox.Quad]:
        index = quads()
        graph = ox.NamedNode(str(service().names.void_graph))
        own = list(index.quads_for_pattern(None, None, None, graph))
        if own:  # in a stable order, each subject's triples together (the snapshot's is arbitrary)
            return sorted(own, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
        # As the store counts them (what a query counts), without reading every quad.
        counts = dict(service().store.graphs)  # "": the default graph
        settings = service().settings
        facts = sources(index)
        # A user's files are not this project: they are called what they call themselves.
        title = declared_title(facts) or ", ".join(Path(p).name for p in settings.serve_files)
        usage = Usage.of_store(index.select) if isinstance(index, VerbatimStore) else None
        made = describe_dataset(settings, counts, sources=facts, in_dataset=False, title=title, usage=usage,
                                project=service().project_graph)
        return [quad_from_rdflib(s, p, o, graph) for s, p, o in sorted(made)]

    return cached("void", compute)


#: What a copy of any part of the dataset must carry along: its licence, and what the licence
#: does not cover (the article's text, in the project's graph).
TERMS_OF_USE = (ox.NamedNode(str(DCTERMS.license)), ox.NamedNode(str(DCTERMS.rights)))


def terms_of_use() -> list[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """(dcterms:license or dcterms:rights, value) as the dataset description states them (none
    for a user's files, of which nothing is known); each resource's document repeats them, as
    a harvester may read that document alone."""
    def compute() -> list[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        ds = ox.NamedNode(str(dataset_iri(service().settings.base_iri)))
        return [(q.predicate, q.object) for q in description_quads()
                if q.subject == ds and q.predicate in TERMS_OF_USE and not isinstance(q.object, ox.Triple)]
    return cached("terms of use", compute)


def page_terms() -> tuple[list[tuple[str, str]], list[str]]:
    """The licences (IRI, usual name: "CC BY 4.0") and the rights statements of `terms_of_use`,
    for a page's footer."""
    terms = terms_of_use()
    return ([(v.value, licence_name(v.value)) for p, v in terms
             if p == TERMS_OF_USE[0] and isinstance(v, ox.NamedNode)],
            [v.value for p, v in terms if p == TERMS_OF_USE[1] and isinstance(v, ox.Literal)])


def description() -> Graph:
    return cached("void graph", lambda: quads_to_graph(description_quads(),
                                                       identifier=service().names.void_graph))


def sources(store: QuadSource) -> Graph:
    """What the description is computed from: the asserted facts and the ontology (or, for a
    store of a user's files, everything)."""
    own = service().names
    quads = [q for g in (own.facts_graph, own.ontology_graph)
             for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g)))]
    if quads or not isinstance(store, VerbatimStore):
        return quads_to_graph(quads or store)
    return graph_view(store)  # copied into rdflib, a million quads would take gigabytes per process


def value(g: Graph, s: Node | None, p: URIRef) -> str | None:
    v = g.value(s, p) if s is not None else None
    return None if v is None else str(v)
