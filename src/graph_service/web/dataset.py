"""The dataset as a whole: the home page, its VoID + DCAT description and its dumps.

    GET /                    HTML for people; 303 to /void for RDF clients
    GET /void[.<ext>]        the description (Turtle by default, HTML for browsers, any RDF format)
    GET /.well-known/void    the same description (RFC 5785 well-known location, VoID section 7)
    GET /dumps/liberation.<ext>   nq, trig, jsonld: every named graph; ttl: the asserted facts
    GET /graph/<name>        303 to /void, which describes each named graph

Data that is not the project's graph (a user's files, `serve FILE`) is described by what it holds:
its title, graphs, sizes, vocabularies and dumps, none of the project's description, licence,
publisher or article (see `Service.project_graph`).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template, url_for
from markupsafe import Markup
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID
from rdflib.term import Node
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as WerkzeugResponse

from graph_service.graph import (
    SD,
    Liberation,
    VerbatimStore,
    bind_prefixes,
    capital_cities,
    dataset_iri,
    dumps,
    exists,
    formats,
    labels_of,
    layout,
    prefixed,
    write,
)
from graph_service.web import atlas
from graph_service.web.description import description, description_quads, sources, terms_of_use, value
from graph_service.web.documents import (
    DUMP_MAX_AGE,
    alternates,
    cached,
    link,
    not_found,
    quads,
    respond,
    see_document,
    see_other,
    suffix_format,
)
from graph_service.web.endpoint import examples
from graph_service.web.negotiation import negotiate
from graph_service.web.resources import kind_counts
from graph_service.web.state import service
from graph_service.web.urls import DOCUMENT_FORMATS, NEGOTIATED_KINDS, current

bp = Blueprint("dataset", __name__)

_HTML = formats.by_name("html")
_URL = ox.NamedNode("https://schema.org/url")


@bp.get("/" + layout.RESOURCE)
@bp.get("/" + layout.DOCUMENT)
def kinds() -> Response:
    """`/id/` (and `/doc/`): the kinds of resource, each linking to its list, as on the home page:
    a URL cut back from a resource's finds them. As data, the dataset's description (VoID: its
    classes, with how many of each), as the home page's."""
    fmt = negotiate(NEGOTIATED_KINDS)
    if fmt != _HTML:
        return see_other(current().void(fmt))
    body = render_template("kinds.html", kinds=kind_counts())
    return respond(body, fmt, negotiated=True)


@bp.get("/")
def home() -> Response:
    fmt = negotiate(NEGOTIATED_KINDS)
    urls = current()
    if fmt != _HTML:
        return see_other(urls.void(fmt))
    void = description()
    ds = dataset_iri(service().settings.base_iri)
    capitals = [(label, urls.href(iri)) for label, iri in cached("capitals", _capitals)]
    page = render_template("home.html", title=value(void, ds, DCTERMS.title),
                           description=value(void, ds, DCTERMS.description), capitals=capitals,
                           figures=cached("figures", _figures), kinds=kind_counts(),
                           # The example questions are the article's: not for a user's files.
                           dumps=urls.dumps(project=service().project_graph),
                           examples=examples(),
                           timeline=Markup(atlas.timeline_inline()) if atlas.has_liberations() else None,
                           map=Markup(atlas.map_inline()) if atlas.has_liberations() else None,
                           # The drawings in words: their type is small on a phone, and a screen
                           # reader reads a list more readily than a drawing's links.
                           liberations=_with_liberations(capitals), readings_note=atlas.readings_note(),
                           articles=[(title, urls.href(iri), url) for title, iri, url in
                                     cached("articles", lambda: _articles(void, ds))])
    return respond(page, fmt, negotiated=True)


def _with_liberations(capitals: list[tuple[str, str | None]]
                      ) -> list[tuple[str, str | None, Liberation | None]]:
    """Each capital with its liberation, in the timeline's order; the capitals without one after,
    by name."""
    urls = current()
    rows: list[tuple[str, str | None, Liberation | None]] = [
        (lib.capital_label, urls.href(lib.capital), lib) for lib in atlas.liberations_in_order()]
    freed = {href for _, href, _ in rows}
    return rows + [(name, href, None) for name, href in capitals if href not in freed]


def _articles(void: Graph, ds: URIRef) -> list[tuple[str, str, str | None]]:
    """(title, IRI, web address) of each document the facts are quoted from: the dataset
    description's sources, with the address the facts give (schema:url), where they give one."""
    found = []
    for source in sorted(void.objects(ds, DCTERMS.source), key=str):
        addresses = quads().quads_for_pattern(ox.NamedNode(str(source)), _URL, None, None)
        url = next((q.object.value for q in addresses if isinstance(q.object, ox.NamedNode)), None)
        found.append((_labelled([source])[0][1], str(source), url))
    return found


def _figures() -> dict[str, int]:
    """What the home page counts, each figure as the dataset description and the SPARQL service
    description state it: the triples of all named graphs together (VoID's void:triples), how
    many graphs, and the distinct triples of their union (the default graph a query sees); and
    how many quads are in no named graph (a user's files may have some; the project's has none)."""
    index = quads()
    if isinstance(index, VerbatimStore):  # as the store counted them when it was built
        store = service().store
        return {"triples": store.quads, "graphs": len(store.graph_names), "distinct": store.triples,
                "default": store.graphs.get("", 0)}
    graphs = {q.graph_name for q in index if not isinstance(q.graph_name, ox.DefaultGraph)}
    return {"triples": len(index), "graphs": len(graphs),
            "distinct": len({(q.subject, q.predicate, q.object) for q in index}),
            "default": sum(isinstance(q.graph_name, ox.DefaultGraph) for q in index)}


def _capitals() -> list[tuple[str, str]]:
    """(label, IRI) of each capital the data has."""
    index = quads()
    cities = capital_cities(sources(index))
    labels = labels_of(index, [ox.NamedNode(str(c)) for c in cities])
    return [(labels.get(ox.NamedNode(str(c)), str(c)), str(c)) for c in cities]


@bp.get("/favicon.ico")
def favicon() -> WerkzeugResponse:
    """Browsers ask for /favicon.ico whatever the page says; the icon is an SVG."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


# --- VoID -----------------------------------------------------------------------------------


@bp.get("/" + layout.VOID)
@bp.get("/" + layout.VOID + ".<ext>")
@bp.get("/" + layout.WELL_KNOWN_VOID)
def void(ext: str | None = None) -> Response:
    urls = current()
    if ext is None:
        fmt = negotiate(NEGOTIATED_KINDS, default=formats.by_name("turtle"))
    else:
        fmt = suffix_format(ext)
    docs = [(f, urls.void(f)) for f in DOCUMENT_FORMATS]
    if fmt == _HTML:
        body: str | bytes = render_template("void.html", **_void_page(description()), documents=docs)
    else:
        body = cached(f"void.{fmt.name}", lambda: write(description_quads(), fmt))
    headers = {"Content-Location": urls.void(fmt)} if ext is None else None
    return respond(body, fmt, negotiated=ext is None, links=alternates(docs, fmt), headers=headers)


def _void_page(g: Graph) -> dict[str, object]:
    bind_prefixes(g)
    ds = next((s for s in g.subjects(RDF.type, VOID.Dataset) if (None, VOID.subset, s) not in g), None)
    if ds is None:
        raise NotFound("this store has no dataset description")
    subsets = sorted(g.objects(ds, VOID.subset), key=str)
    dists = sorted(g.objects(ds, DCAT.distribution), key=str)
    publisher = g.value(ds, DCTERMS.publisher)
    return {
        "iri": str(ds),
        "title": value(g, ds, DCTERMS.title),
        "description": value(g, ds, DCTERMS.description),
        "license": value(g, ds, DCTERMS.license),
        "rights": value(g, ds, DCTERMS.rights),
        "publisher": (value(g, publisher, FOAF.name) or str(publisher)) if publisher is not None else None,
        # The hash IRIs of the description's other nodes land on their rows too.
        "publisher_id": _fragment(publisher),
        "service_id": _fragment(g.value(ds, DCAT.accessService)),
        "sources": _labelled(sorted(g.objects(ds, DCTERMS.source), key=str)),
        "endpoint": value(g, ds, VOID.sparqlEndpoint),
        "uri_space": value(g, ds, VOID.uriSpace),
        "triples": value(g, ds, VOID.triples),
        "examples": _labelled(sorted(g.objects(ds, VOID.exampleResource), key=str)),
        "vocabularies": [str(v) for v in sorted(g.objects(ds, VOID.vocabulary), key=str)],
        "subsets": [_subset(g, s) for s in subsets],
        "classes": sorted(({"id": _fragment(p), "class": prefixed(str(g.value(p, VOID["class"]))),
                            "entities": value(g, p, VOID.entities)}
                           for p in g.objects(ds, VOID.classPartition)), key=lambda c: str(c["class"])),
        "distributions": [{"iri": str(d), "url": value(g, d, DCAT.downloadURL),
                           "title": value(g, d, DCTERMS.title),
                           "description": value(g, d, DCTERMS.description),
                           "media_type": (value(g, d, DCAT.mediaType) or "").rsplit("media-types/", 1)[-1]}
                          for d in dists],
    }


def _subset(g: Graph, subset: Node) -> dict[str, object]:
    """A named graph of the dataset, or a link set (its links' predicates and target dataset)."""
    target = g.value(subset, VOID.objectsTarget)
    return {"iri": str(subset), "name": value(g, subset, SD.name), "title": value(g, subset, DCTERMS.title),
            "triples": value(g, subset, VOID.triples), "linkset": (subset, RDF.type, VOID.Linkset) in g,
            "predicates": [prefixed(str(p)) for p in sorted(g.objects(subset, VOID.linkPredicate), key=str)],
            "target": value(g, target, DCTERMS.title) if target is not None else None,
            "target_id": _fragment(target)}


def _fragment(node: Node | None) -> str | None:
    """The fragment of a hash IRI (`void#publisher`), the id of its place on the page."""
    return str(node).split("#", 1)[1] if isinstance(node, URIRef) and "#" in str(node) else None


def _labelled(iris: list[Node]) -> list[tuple[str, str]]:
    labels = labels_of(quads(), [ox.NamedNode(str(i)) for i in iris])
    return [(str(i), labels.get(ox.NamedNode(str(i)), str(i))) for i in iris]


# --- Dumps ----------------------------------------------------------------------------------


@bp.get("/" + layout.DUMPS + "<filename>")
def dump(filename: str) -> Response:
    stem = dumps.dataset_stem(service().settings)
    found = dumps.by_filename(filename, stem)
    if found is None:
        raise NotFound(f"no dump called {filename!r}; the dumps are "
                       + ", ".join(d.filename for d in dumps.dumps_for(stem)))
    body = cached(f"dump.{found.filename}", lambda: dumps.dump_bytes(quads(), found))
    # Its description and licence by the response too: the facts-only Turtle holds neither (they
    # are the description's), and a file downloaded alone carried no word of its terms.
    licences = [link(o.value, "license") for p, o in terms_of_use()
                if p.value == str(DCTERMS.license) and isinstance(o, ox.NamedNode)]
    described = link(current().void(formats.named("turtle")), "describedby", "text/turtle")
    return respond(body, found.fmt, max_age=DUMP_MAX_AGE, compress=f"dump.{found.filename}",
                   links=[described, *licences],
                   headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})


@bp.get("/" + layout.GRAPH + "<path:name>")
def named_graph(name: str) -> Response:
    """A named graph's IRI: the dataset description says what it holds and how big it is."""
    urls = current()
    for base in urls.bases:
        try:
            graph = ox.NamedNode(f"{base}{layout.GRAPH}{name}")
        except ValueError:  # not an IRI: no graph has that name
            break
        # A graph of the store, or one the description names (an empty graph is still named).
        if quads().contains_named_graph(graph) or exists(quads(), graph.value):
            # To the description in the format chosen, as a resource's IRI leads to its document:
            # the negotiable /void made a client negotiate twice.
            fmt = negotiate(NEGOTIATED_KINDS, default=formats.by_name("turtle"))
            return see_document(urls.void(fmt), fmt)
    return not_found(f"no named graph <{urls.bases[0]}{layout.GRAPH}{name}>", negotiate(NEGOTIATED_KINDS))
