"""The ontology as linked data: its document in every format of the registry, its HTML
reference, and its version IRIs, the current one and those it names as earlier.

    GET /ontology[.<ext>]     the ontology graph, or its HTML reference (terms are /ontology#Term);
                              404 when the data served has no ontology graph (a user's files)
    GET /ontology/<version>   303 to /ontology (the ontology's version IRI), or to an earlier
                              version as published (/ontology/<version>.<ext>, ontology/versions/)
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, render_template

from graph_service.graph import OntologyDoc, archived_version, build_reference, formats, layout, write
from graph_service.web.documents import (
    alternates,
    cached,
    cached_for_root,
    not_found,
    quads,
    respond,
    see_document,
    suffix_format,
)
from graph_service.web.negotiation import negotiate
from graph_service.web.state import service
from graph_service.web.urls import DOCUMENT_FORMATS, NEGOTIATED_KINDS, Urls, current, document_format

bp = Blueprint("ontology", __name__)

_HTML = formats.by_name("html")


def _negotiate() -> formats.Format:
    return negotiate(NEGOTIATED_KINDS)


@bp.get("/" + layout.ONTOLOGY)
@bp.get("/" + layout.ONTOLOGY + ".<ext>")
def ontology(ext: str | None = None) -> Response:
    urls = current()
    fmt = _negotiate() if ext is None else suffix_format(ext, "ontology document")
    docs = [(f, urls.ontology(f)) for f in DOCUMENT_FORMATS]
    links = alternates(docs, fmt)
    headers = {"Content-Location": urls.ontology(fmt)} if ext is None else None
    if not service().has_ontology:
        # A user's files (`serve FILE`) that hold no ontology graph: nothing to serve, and an empty
        # document would read as an ontology with no terms.
        return not_found(f"this dataset has no ontology: the data served holds no graph "
                         f"<{service().names.ontology_graph}>", fmt)
    if fmt == _HTML:
        body: str | bytes = cached_for_root("ontology.html", urls.root, lambda: render_template(
            "ontology.html", doc=reference(), documents=docs))
    else:
        graph = ox.NamedNode(str(service().names.ontology_graph))
        body = cached(f"ontology.{fmt.extension}", lambda: write(
            quads().quads_for_pattern(None, None, None, graph), fmt))
    return respond(body, fmt, negotiated=ext is None, links=links, headers=headers)


def _term_meant(urls: Urls, name: str) -> tuple[str, str] | None:
    """(IRI, link) of the ontology's term `name`, which a path `/ontology/<name>` may have meant:
    the terms are hash IRIs (`ontology#City`)."""
    if not re.fullmatch(r"[A-Za-z_][\w-]*", name) or not service().has_ontology:
        return None
    term = f"{urls.bases[0]}{layout.ONTOLOGY}#{name}"
    graph = ox.NamedNode(str(service().names.ontology_graph))
    if next(iter(quads().quads_for_pattern(ox.NamedNode(term), None, None, graph)), None) is None:
        return None
    return term, urls.href(term) or term


@bp.get("/" + layout.ONTOLOGY + "/<path:version>")
def ontology_version(version: str) -> Response:
    """A version IRI of the ontology. The current one (`owl:versionIRI`) is described by the
    ontology document: 303 there. An earlier one it names (`owl:priorVersion`) answers 303 to that
    version as published and kept (`ontology/versions/`), not to a later version that may
    contradict it; `<version>.<ext>` is that document in one format."""
    urls = current()
    match = re.fullmatch(r"(\d+\.\d+\.\d+)(?:\.(\w+))?", version)
    if match is None or not service().has_ontology:
        # In the format its extension names, as for a version that exists (`9.9.9.ttl`).
        named = document_format(version.rsplit(".", 1)[-1]) if "." in version else None
        return not_found(f"no ontology version <{urls.bases[0]}{layout.ONTOLOGY}/{version}>",
                         named or _negotiate(), see=_term_meant(urls, version))
    number, ext = match.groups()
    fmt = _negotiate() if ext is None else suffix_format(ext, "ontology document")
    doc = reference()
    iri = f"{urls.bases[0]}{layout.ONTOLOGY}/{number}"
    if doc.version_iri is not None and str(doc.version_iri).rsplit("/", 1)[-1] == number:
        # To the document in the format chosen (the negotiable /ontology made a client ask twice).
        return see_document(urls.ontology(fmt), fmt)
    prior = next((p for p in doc.prior_versions if p.version == number), None)
    archived = None if prior is None else cached(f"ontology-{number}", lambda: archived_version(
        service().settings.ontology_path, number, service().settings.base_iri))
    if prior is None or archived is None:
        return not_found(f"no ontology version <{iri}>" + (" is kept" if prior else ""), fmt)
    if ext is None:
        return see_document(urls.ontology_version(number, fmt), fmt)
    docs = [(f, urls.ontology_version(number, f)) for f in DOCUMENT_FORMATS]
    if fmt == _HTML:
        body: str | bytes = cached_for_root(f"ontology-{number}.html", urls.root, lambda: render_template(
            "ontology_version.html", doc=doc, prior=prior, archived=archived, documents=docs))
    elif fmt.name == "turtle":
        body = archived.turtle  # the file as published, its comments kept
    else:
        body = cached(f"ontology-{number}.{fmt.extension}", lambda: write(archived.quads, fmt))
    return respond(body, fmt, links=alternates(docs, fmt))


def reference() -> OntologyDoc:
    return cached("ontology_reference", lambda: build_reference(quads(), service().names))
