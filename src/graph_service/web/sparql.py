"""`/sparql` for people, and for whatever the protocol's front (`protocol`) passes on: the query
editor (GET without a query, in a browser), an answer as a page (its results as a table), the
Service Description (RDF), and a program's query whose error would be a page. It reads, negotiates,
runs and answers with `protocol`'s functions, so that both ways in answer alike.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request, url_for
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response as WsgiResponse

from graph_service.graph import (
    RDF_TYPE,
    IsolatedError,
    QueryTimeout,
    dataset_iri,
    describe_service,
    formats,
    triple_from_rdflib,
    write_triples,
)
from graph_service.web.answer_table import TableTooLarge
from graph_service.web.description import site_title
from graph_service.web.documents import moved, respond
from graph_service.web.endpoint import Endpoint, current_endpoint, setup
from graph_service.web.errors import PROBLEM_TYPES, problem
from graph_service.web.negotiation import acceptable, best_media_type, format_parameter, negotiate, prefers
from graph_service.web.protocol import (
    QUERY_FAILURES,
    Forms,
    Operation,
    answered,
    failure,
    negotiate_forms,
    read_operation,
    run_accepted,
    with_answer_headers,
)
from graph_service.web.state import service
from graph_service.web.workbench import page

bp = Blueprint("sparql", __name__)


# Once per app, when the blueprint is registered: the runner forks its query processes from here.
bp.record_once(lambda state: setup(state.app))


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> WsgiResponse:
    endpoint = current_endpoint()
    operation = read_operation(request, endpoint.settings)
    if operation.query is None:
        described = acceptable(_DESCRIPTION_KINDS)
        results = acceptable(("results",))
        # text/plain names the results' text table and N-Triples alike (format=text here is
        # N-Triples, as on /void): no sign of a query sent under another name.
        if results is not None and results.media_type == "text/plain" and described is not None:
            results = None
        # A GET with no parameters at all is the endpoint dereferenced, which answers with its
        # description wherever an RDF format is acceptable (Service Description 2.1), even to a
        # client that ranks results higher; with parameters, results ranked higher mean a query
        # sent under another name.
        bare = request.method in ("GET", "HEAD") and not request.args
        if results is not None and (described is None
                                    or (not bare and prefers(("results",), _DESCRIPTION_KINDS))):
            # Results asked for, not a description: a query sent under another name, or none.
            offered = ", ".join(f.media_type for f in formats.of_kinds(_DESCRIPTION_KINDS))
            raise BadRequest(f"no query: send it as query=... (without one, this URL describes the "
                             f"service, as {offered})")
        return _service_description(endpoint)
    return _answer(endpoint, operation)


@bp.route("/sparql/", methods=["GET", "POST"])
def sparql_with_slash() -> Response:
    """An endpoint URL configured with a trailing slash: 308, which a client follows with the same
    method and body."""
    return moved(url_for("sparql.sparql"))


def _answer(endpoint: Endpoint, operation: Operation) -> WsgiResponse:
    assert operation.query is not None
    req = request._get_current_object()  # type: ignore[attr-defined]  # one lookup, not one per use
    word = format_parameter(req)
    forms = negotiate_forms(req, word)
    try:
        answer, forms = run_accepted(endpoint, req, operation, forms, word)
    except QUERY_FAILURES as exc:
        return _failed(endpoint, operation, forms, exc)
    if not (forms.graph_page if answer.form == "graph" else forms.results_page):
        return answered(endpoint, req, answer)
    try:
        resp = page(endpoint, operation.query, answer=answer)
    except TableTooLarge as exc:
        resp = page(endpoint, operation.query, error=str(exc), status=400)
    except (QueryTimeout, IsolatedError) as exc:  # the table's own process, stopped or failed
        resp = page(endpoint, operation.query, status=503,
                    error=f"the answer's table could not be laid out ({exc}): ask for it as JSON, CSV "
                          "or TSV (format=json, csv or tsv)")
    return with_answer_headers(endpoint, resp, answer)


def _failed(endpoint: Endpoint, operation: Operation, forms: Forms, exc: Exception) -> WsgiResponse:
    query = operation.query
    assert query is not None
    failed = failure(exc, query, endpoint.settings, operation.timeout)
    # A browser's error is the editor holding its query, whatever format its form asked for
    # (CSV chosen for a CONSTRUCT: the query stays, to be mended, with the reason beside it).
    as_page = forms.any_page or best_media_type(PROBLEM_TYPES) == "text/html"
    resp = (page(endpoint, query, error=failed.message, syntax=failed.syntax, status=failed.status)
            if as_page else problem(failed.status, failed.message, fields=failed.fields))
    resp.headers.update(failed.headers)
    resp.vary.add("Accept")  # a page or a problem document, by what the client takes
    return resp


#: The service description is offered as a CONSTRUCT's answer is, and as a page.
_DESCRIPTION_KINDS: tuple[formats.Kind, ...] = (*formats.TRIPLES_KINDS, "page")


def _service_description(endpoint: Endpoint) -> Response:
    fmt = negotiate(_DESCRIPTION_KINDS)
    if fmt.kind == "page":
        resp = page(endpoint, None)
    else:
        # Named as /void and every page name the dataset (the project's graph: "The Liberation
        # Knowledge Graph"; a user's files: their own title, else their names).
        graph = describe_service(url_for("sparql.sparql", _external=True), endpoint.summary,
                                 f"{site_title()}: SPARQL endpoint",
                                 str(dataset_iri(service().settings.base_iri)))
        # The service first, then its parts by their labels (the named graphs in their order),
        # each node's type first.
        triples = sorted((triple_from_rdflib(*triple) for triple in graph), key=lambda t: (
            isinstance(t.subject, ox.BlankNode), str(t.subject), t.predicate != RDF_TYPE, str(t.predicate),
            str(t.object)))
        prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
        # With validators, as every other document: a client revalidates rather than fetches.
        return respond(write_triples(triples, fmt, prefixes), fmt, negotiated=True)
    resp.vary.add("Accept")
    return resp
