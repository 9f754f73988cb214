"""The dataset's description in VoID and DCAT: what it is, where to query and download it, and
how big each named graph is.

`describe_dataset` is called by the build (the result becomes the VOID_GRAPH of the snapshot) and
by the web layer when a store has no description of its own (a user's files). Every node is an
IRI under `<base>void#`, never a blank node, so the same inputs give the same triples and the
snapshot's content hash stays stable.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SH, VOID, XSD

from graph_service.config import DEFAULT_BASE, Settings
from graph_service.graph.publish import layout
from graph_service.graph.publish.dumps import dataset_stem, dumps_for
from graph_service.graph.rdf import (
    COORDINATES_GRAPH,
    FACTS_GRAPH,
    INFERRED_GRAPH,
    LIB,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
    SD,
    SHAPES_GRAPH,
    VOID_GRAPH,
    WD,
    bind_prefixes,
    read_graph,
)

TITLE = "The Liberation Knowledge Graph"
DESCRIPTION = (
    "The liberation of Europe's capitals in 1944-1945 as told by one history article, as linked "
    "data: events, places, people, forces, dates with their precision, photographs and their "
    "captions, every fact linked to the verbatim sentence it comes from."
)
#: Used when the sources declare no licence of their own (dcterms:license on the ontology).
DEFAULT_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
PUBLISHER_NAME = "The Liberation Knowledge Graph project"
#: How many capitals the description names as example resources.
EXAMPLES = 3

_GRAPH_TITLES = {
    ONTOLOGY_GRAPH: "The ontology (classes, properties, alignments)",
    FACTS_GRAPH: "The asserted facts, with their sources",
    INFERRED_GRAPH: "Inferred triples: the OWL 2 RL closure minus what is asserted",
    SHAPES_GRAPH: "The SHACL shapes the facts are validated against",
    VOID_GRAPH: "This description of the dataset",
    PROVENANCE_GRAPH: "The quote behind each fact statement, and the notes on the project's readings and on "
                      "the claims other accounts dispute (rdf:Statement, lib:evidence, lib:editorialNote, "
                      "lib:otherAccounts)",
    COORDINATES_GRAPH: "Coordinates of the capitals, from GeoNames (not from the article)",
}
#: What a named graph says of its own origin, repeated on its subset in the description.
_ATTRIBUTION = (DCTERMS.source, DCTERMS.license, DCTERMS.bibliographicCitation)
_IANA = "https://www.iana.org/assignments/media-types/"


def dataset_iri(base_iri: str) -> URIRef:
    return URIRef(f"{base_iri}{layout.VOID}#{layout.DATASET_FRAGMENT}")


def describe_dataset(settings: Settings, counts: dict[str, int], *, sources: Graph | None = None,
                     in_dataset: bool = True, title: str = TITLE, usage: Usage | None = None,
                     project: bool = True) -> Graph:
    """The VoID + DCAT description of the dataset, counting itself: `void:triples` of the dataset
    is every triple of every named graph, this description's own included (the figure the build
    prints as its total and the home page shows), and the description is a subset like the others.

    `counts` are the triples per named-graph IRI ("" for the default graph, counted in the total
    only); the description's own graph is added to them unless it is not `in_dataset` (made for a
    store of a user's files, which does not hold it). `sources` are the asserted facts and the
    ontology (the project's files when omitted), read for the vocabularies used, the example
    resources, the source article and the licence; `usage`, the terms they use, is read from them
    unless given. Not `project`: data that is not the project's graph (a user's files), described
    by what it holds only: none of the project's description, licence, publisher or source article,
    and its dumps by what they hold.
    """
    if sources is None:
        sources = _read_sources(settings)
    if usage is None:
        usage = Usage.of_graph(sources)
    if not in_dataset:
        return _describe(settings, counts, sources, title, usage, project)
    # The description's size does not depend on the figures it states, only on which graphs there
    # are: describe once to count it, then again with its own count.
    counts = {**counts, str(VOID_GRAPH): 0}
    counts[str(VOID_GRAPH)] = len(_describe(settings, counts, sources, title, usage, project))
    return _describe(settings, counts, sources, title, usage, project)


def declared_title(sources: Graph) -> str | None:
    """The title a document gives itself: that of a dataset (VoID, DCAT) it describes, else of
    its ontology, English or untagged first."""
    for cls in (VOID.Dataset, DCAT.Dataset, OWL.Ontology):
        for node in sorted(sources.subjects(RDF.type, cls), key=str):
            titles = [t for p in (DCTERMS.title, RDFS.label) for t in sources.objects(node, p)
                      if isinstance(t, Literal)]
            if titles:
                return str(sorted(titles, key=lambda t: (t.language not in (None, "en"), str(t)))[0])
    return None


def _describe(settings: Settings, counts: dict[str, int], sources: Graph, title: str, usage: Usage,
              project: bool = True) -> Graph:
    base = settings.base_iri
    here = f"{base}{layout.VOID}#"
    ds = dataset_iri(base)
    g = Graph(identifier=VOID_GRAPH)
    bind_prefixes(g)

    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(title, lang="en")))
    g.add((ds, RDFS.label, Literal(title, lang="en")))
    g.add((ds, FOAF.homepage, URIRef(base)))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    if project:
        _describe_project(g, ds, here, base, sources)

    endpoint = URIRef(base + layout.SPARQL)
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    service = URIRef(here + "sparql-service")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, ds))
    g.add((ds, DCAT.accessService, service))  # not in DCAT's domain, but what catalogues read

    g.add((ds, VOID.uriSpace, Literal(base + layout.RESOURCE)))
    for example in capital_cities(sources)[:EXAMPLES]:
        g.add((ds, VOID.exampleResource, example))
    g.add((ds, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer)))
    for name, triples in sorted(counts.items()):
        if not name:
            continue
        subset = URIRef(here + "graph-" + _graph_slug(name))
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, SD.NamedGraph))
        g.add((subset, SD.name, URIRef(name)))
        g.add((subset, VOID.triples, Literal(triples, datatype=XSD.integer)))
        graph_title = _GRAPH_TITLES.get(URIRef(name))
        if graph_title:
            g.add((subset, DCTERMS.title, Literal(graph_title, lang="en")))
        for p in _ATTRIBUTION:  # a graph from another source than the article says which, and its licence
            for value in sources.objects(URIRef(name), p):
                g.add((subset, p, value))

    links = usage.wikidata_links
    if links:
        linkset = URIRef(here + "wikidata-links")
        g.add((ds, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, ds))
        # VoID's target is a dataset, described here by where its items live, not a namespace.
        wikidata = URIRef(here + "wikidata")
        g.add((linkset, VOID.objectsTarget, wikidata))
        g.add((wikidata, RDF.type, VOID.Dataset))
        g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
        g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
        g.add((wikidata, VOID.uriSpace, Literal(str(WD))))
        for predicate in sorted(links):
            g.add((linkset, VOID.linkPredicate, predicate))
        g.add((linkset, VOID.triples, Literal(sum(links.values()), datatype=XSD.integer)))
        g.add((linkset, DCTERMS.title, Literal("Links to Wikidata items", lang="en")))

    # Which classes the dataset's resources are stated to be of, and how many of each (not what
    # the reasoner adds): what a client sent here from /id/ learns of what there is.
    for cls, entities in sorted(usage.classes.items()):
        partition = URIRef(here + "class-" + _class_slug(cls))
        g.add((ds, VOID.classPartition, partition))
        g.add((partition, VOID["class"], cls))
        g.add((partition, VOID.entities, Literal(entities, datatype=XSD.integer)))

    # VoID reads several dumps of a dataset as parts to load together: the whole is named once (in
    # N-Quads, which keeps the graphs apart), the facts-only Turtle as its subset's, and every
    # format is a DCAT distribution. Listing all four, a loader loaded each triple three times.
    facts_subset = here + "graph-" + _graph_slug(str(FACTS_GRAPH)) if str(FACTS_GRAPH) in counts else None
    for dump in dumps_for(dataset_stem(settings), project=project):
        url = URIRef(base + dump.path)
        dist = URIRef(here + "dump-" + dump.fmt.extension)
        if dump.all_graphs and dump.fmt.name == "nquads":
            g.add((ds, VOID.dataDump, url))
        elif not dump.all_graphs and facts_subset:
            g.add((URIRef(facts_subset), VOID.dataDump, url))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(f"{dump.fmt.label} dump", lang="en")))
        g.add((dist, DCTERMS.description, Literal(dump.description[:1].upper() + dump.description[1:] + ".",
                                                  lang="en")))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(_IANA + dump.fmt.media_type)))
    # The vocabularies of every graph of the dataset: the data's, this description's own (VoID,
    # DCAT, SPARQL Service Description) when it is part of the dataset, and SHACL's for the shapes.
    used = set(vocabularies(usage))
    if str(VOID_GRAPH) in counts:
        used |= {_namespace(str(t)) for _, p, o in g for t in (p, o if p == RDF.type else None)
                 if isinstance(t, URIRef)}
    if str(SHAPES_GRAPH) in counts:
        used.add(str(SH))
    for ns in sorted(used - {""}):
        g.add((ds, VOID.vocabulary, URIRef(ns)))
    # A harvester may read a distribution alone: each dump holds the quotes too.
    for download in list(g.objects(ds, DCAT.distribution)):
        for said in (DCTERMS.license, DCTERMS.rights):
            for o in list(g.objects(ds, said)):
                g.add((download, said, o))
    return g


def _describe_project(g: Graph, ds: URIRef, here: str, base: str, sources: Graph) -> None:
    """What is said of the project's graph alone: its description, licence, publisher and the
    article it is quoted from. A user's files say none of it (nor is it true of them)."""
    g.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((ds, DCTERMS.license, _declared(sources, DCTERMS.license) or DEFAULT_LICENSE))

    publisher = _declared(sources, DCTERMS.publisher)
    if publisher is None:
        publisher = URIRef(here + "publisher")
        g.add((publisher, RDF.type, FOAF.Organization))
        g.add((publisher, FOAF.name, Literal(PUBLISHER_NAME, lang="en")))
        g.add((publisher, FOAF.homepage, URIRef(base)))
    g.add((ds, DCTERMS.publisher, publisher))

    # The article's title is the facts' to say: said here again, it would be one triple in two
    # graphs, which keeps queries from pyoxigraph's faster union mode (see `query.engine`).
    for article in source_articles(sources):
        g.add((ds, DCTERMS.source, article))
        # The entry point to follow links from (the home page had been named, which is no resource
        # of the dataset): its description lists the quotes quoted from it, and each quote's the
        # statements resting on it.
        g.add((ds, VOID.rootResource, article))
        # The quotes are one per sentence and caption: together nearly the whole article, whose
        # copyright a harvester reading only dcterms:license would take the dataset's licence to cover.
        g.add((ds, DCTERMS.rights, Literal(_rights(sources, article), lang="en")))


def _rights(sources: Graph, article: URIRef) -> str:
    publisher = sources.value(article, DCTERMS.publisher)
    owner = sources.value(publisher, RDFS.label) if publisher is not None else None
    year = sources.value(article, LIB.copyrightYear)
    held = " ".join(str(x) for x in ("©", year, owner) if x is not None)
    return ("The licence covers the graph's statements, not the article's text: the quotes (lib:text), one "
            "per sentence and caption and together nearly the whole article, and the article's page that "
            f"shows them in place, remain the article's ({held}), quoted as the source of each statement.")


def capital_cities(sources: Graph) -> list[URIRef]:
    """The capitals the dataset is about, by label: instances of the ontology's capital class,
    else of its city class (whatever the ontology calls them), else nothing."""
    for word in ("capital", "city"):
        known = set(sources.objects(None, RDF.type)) | set(sources.subjects(RDF.type, OWL.Class))
        classes = [c for c in known if isinstance(c, URIRef) and str(c).startswith(str(LIB))
                   and word in str(c)[len(str(LIB)):].lower()]
        found = {s for c in classes for s in sources.subjects(RDF.type, c) if isinstance(s, URIRef)}
        if found:
            return sorted(found, key=lambda s: (_label(sources, s), str(s)))
    return []


def source_articles(sources: Graph) -> list[URIRef]:
    """The documents the facts are quoted from: what the quotes (nodes with `lib:text`) point to."""
    cited: Counter[URIRef] = Counter()
    for quote in set(sources.subjects(LIB.text, None)):
        for p, o in sources.predicate_objects(quote):
            if isinstance(o, URIRef) and p != RDF.type and (o, None, None) in sources:
                cited[o] += 1
    # A quote also points to the resources it supports; the source is the node most quotes share.
    if not cited:
        return []
    top = max(cited.values())
    return sorted(o for o, n in cited.items() if n == top)


#: Predicates whose objects name vocabulary terms the data aligns with.
_ALIGNING = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)


@dataclass(frozen=True)
class Usage:
    """What the description says of the terms the data uses: the IRIs of its properties, of its
    classes and of what it aligns them with (`terms`), and its links to Wikidata items per
    predicate. Read by one pass over an rdflib graph (`of_graph`), or asked of a pyoxigraph store
    that has every graph in its default one (`of_store`: data too large to pass through Python)."""

    terms: frozenset[str]
    wikidata_links: dict[URIRef, int]
    #: How many resources are stated to be of each class (VoID's class partitions): those named
    #: by an IRI, as VoID's entities are (a blank node, an owl:AllDisjointClasses, is none).
    classes: dict[URIRef, int]

    @classmethod
    def of_graph(cls, sources: Graph) -> Usage:
        terms: set[str] = set()
        links: Counter[URIRef] = Counter()
        members: dict[URIRef, set[object]] = {}
        for s, p, o in sources:
            terms.add(str(p))
            if isinstance(o, URIRef) and (p == RDF.type or p in _ALIGNING):
                terms.add(str(o))
            if p == RDF.type and isinstance(o, URIRef) and isinstance(s, URIRef):
                members.setdefault(o, set()).add(s)
            # A predicate read from a document is an IRI; the check tells the type checker so.
            if isinstance(o, URIRef) and str(o).startswith(str(WD)) and isinstance(p, URIRef):
                links[p] += 1
        return cls(frozenset(terms), dict(links), {c: len(m) for c, m in members.items()})

    @classmethod
    def of_store(cls, select: Callable[[str], Iterable[ox.QuerySolution]]) -> Usage:
        aligning = " ".join(f"<{p}>" for p in (RDF.type, *_ALIGNING))
        terms = {row["t"].value for row in select(
            "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { VALUES ?p { " + aligning
            + " } ?s ?p ?t FILTER(isIRI(?t)) } }")}
        links = {URIRef(row["p"].value): int(row["n"].value) for row in select(
            f'SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{WD}")) }}'
            " GROUP BY ?p")}
        classes = {URIRef(row["c"].value): int(row["n"].value) for row in select(
            f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF.type}> ?c "
            "FILTER(isIRI(?c) && isIRI(?s)) }"
            " GROUP BY ?c")}
        return cls(frozenset(terms), links, classes)


def vocabularies(usage: Usage) -> list[str]:
    """Namespaces of the properties and classes the data uses (the ontology's own and aligned ones)."""
    used = {_namespace(t) for t in usage.terms}
    own_resources = {DEFAULT_BASE + layout.RESOURCE}
    return sorted(ns for ns in used if ns and ns not in own_resources)


def _namespace(iri: str) -> str:
    best = max((str(ns) for ns in PREFIXES.values() if iri.startswith(str(ns))), key=len, default="")
    if best:
        return best
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1] if cut > 0 else ""


def _declared(sources: Graph, predicate: URIRef) -> URIRef | None:
    """A value the ontology declares for itself (owl:Ontology), such as its licence."""
    for onto in sources.subjects(RDF.type, OWL.Ontology):
        for value in sources.objects(onto, predicate):
            if isinstance(value, URIRef):
                return value
    return None


def _label(g: Graph, node: URIRef) -> str:
    return str(next(iter(g.objects(node, RDFS.label)), "")).lower()


def _class_slug(cls: URIRef) -> str:
    """A class partition's fragment: the class as a prefixed name (`lib-CapitalCity`), else its
    IRI's last part and a digest of the IRI (two classes may end alike)."""
    iri = str(cls)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        local = iri[len(str(namespace)):]
        if iri.startswith(str(namespace)) and local and all(c.isalnum() or c in "-_" for c in local):
            return f"{prefix}-{local}"
    return f"{_graph_slug(iri)}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"


def _graph_slug(graph_iri: str) -> str:
    tail = graph_iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in tail) or "default"


def _read_sources(settings: Settings) -> Graph:
    g = Graph()
    for path in (settings.ontology_path, settings.data_path):
        if path.exists():
            g += read_graph(path)
    return g

