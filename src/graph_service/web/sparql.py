"""The SPARQL 1.1 Protocol at /sparql (https://www.w3.org/TR/sparql11-protocol/), read-only.

- Queries by GET `?query=`, POST `application/x-www-form-urlencoded` and POST
  `application/sparql-query`; `default-graph-uri` / `named-graph-uri` choose graphs of the store
  (a graph the store lacks is empty, as in Jena Fuseki and Oxigraph; nothing is ever fetched).
- Results in the format a `format=` parameter names, else the best the Accept header allows
  (406 when nothing fits); a browser gets an HTML page with the results as a table.
- `GET /sparql` without a query: the Service Description (RDF), or the query editor for a browser.
- Updates are refused (403), malformed queries are 400 with the parser's position, SERVICE and
  FROM naming no graph of the store are 400, oversized requests 413, a query past the time limit
  503, and so is a query while a remote store (`--store`) does not answer (with Retry-After).
  When every query slot is busy and the queue for them is full: 503; when the client already
  holds its share of the slots: 429; both at once, with `Retry-After`. When the result limit cuts
  an answer, `X-Result-Truncated: true` says so and `X-Result-Limit` gives the limit.

Queries run in `graph.query.runner.QueryRunner`: vetted, in a child process that cannot reach the
network, stopped at the time limit. A request waiting for a query slot whose client has closed its
connection is dropped without running.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, request, url_for
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    NotAcceptable,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from werkzeug.sansio.utils import get_current_url

from graph_service.config import Settings
from graph_service.graph import (
    UPDATES_REFUSED,
    Busy,
    ClientGone,
    FormatMismatch,
    IsolatedError,
    Kind,
    QueryDataset,
    QueryTimeout,
    QueryUnsupported,
    StoreRefused,
    StoreUnavailable,
    UnsafeQuery,
    describe_service,
    explain_syntax,
    formats,
)
from graph_service.web.answer_table import TableTooLarge
from graph_service.web.description import site_title
from graph_service.web.documents import moved
from graph_service.web.endpoint import (
    LIMIT_HEADER,
    TRUNCATED_HEADER,
    Endpoint,
    client_gone,
    current_endpoint,
    setup,
)
from graph_service.web.errors import problem
from graph_service.web.negotiation import acceptable, format_parameter, negotiate
from graph_service.web.workbench import page

bp = Blueprint("sparql", __name__)

#: Seconds a client is asked to wait when the remote store is away.
RETRY_AFTER = 5

_FORM = "application/x-www-form-urlencoded"
#: The parameters of the protocol, whose values must be UTF-8 (SPARQL 1.1 Protocol 2.1.1).
_PROTOCOL_PARAMETERS = frozenset({b"query", b"update", b"default-graph-uri", b"named-graph-uri"})
_QUERY = "application/sparql-query"
_UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    query: str | None
    dataset: QueryDataset | None


# Once per app, when the blueprint is registered: the runner forks its query processes from here.
bp.record_once(lambda state: setup(state.app))


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    endpoint = current_endpoint()
    operation = _read_operation(endpoint.settings)
    if operation.query is None:
        described = acceptable(("graph", "page"))
        if described is None and acceptable(("results",)) is not None:
            # Results asked for, not a description: a query sent under another name, or none.
            offered = ", ".join(f.media_type for f in formats.of_kinds(("graph", "page")))
            raise BadRequest(f"no query: send it as query=... (without one, this URL describes the "
                             f"service, as {offered})")
        return _service_description(endpoint)
    return _answer(endpoint, operation.query, operation.dataset)


@bp.route("/sparql/", methods=["GET", "POST"])
def sparql_with_slash() -> Response:
    """An endpoint URL configured with a trailing slash: 308, which a client follows with the same
    method and body."""
    return moved(url_for("sparql.sparql"))


# --- reading the request ------------------------------------------------------------------------

def _read_operation(settings: Settings) -> Operation:
    """The query and dataset of a request, per the protocol's three ways of sending a query."""
    body_query: str | None = None
    # werkzeug keeps a %-escape that is not UTF-8 as its three characters ("%FF"): the query would
    # run, on other text than the client meant. The protocol's parameters are UTF-8 (2.1.1).
    _require_utf8_escapes(request.query_string, "the URL's query string")
    if request.method in ("GET", "HEAD"):
        fields: MultiDict = request.args
    elif request.mimetype == _FORM:
        _require_utf8()
        # Read (and kept) before werkzeug parses the form from it.
        _require_utf8_escapes(request.get_data(cache=True), "the form")
        fields = CombinedMultiDict([request.args, request.form])
    elif request.mimetype == _QUERY:
        _require_utf8()
        fields = request.args
        data = request.get_data(cache=False)
        if request.content_length is not None and len(data) < request.content_length:
            # The client stopped sending (gunicorn hands over what came): not the query it meant.
            raise BadRequest(f"the request body ended after {len(data)} of its {request.content_length} "
                             "bytes (Content-Length)")
        try:
            body_query = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"the query is not valid UTF-8 (byte {exc.start})") from None
        if "query" in fields:
            raise BadRequest("a query was sent both in the body and as the query parameter; send one")
    elif request.mimetype == _UPDATE:
        raise Forbidden(f"SPARQL Update: {UPDATES_REFUSED}")
    else:
        raise UnsupportedMediaType(
            f"POST a query as {_FORM} (query=...) or as {_QUERY}; "
            + (f"got {request.mimetype}" if request.mimetype else "the request has no Content-Type")
        )
    if "update" in fields:
        raise Forbidden(f"SPARQL Update: {UPDATES_REFUSED}")
    queries = fields.getlist("query")
    if len(queries) > 1:
        raise BadRequest(f"the request has {len(queries)} query parameters; send exactly one")
    query = body_query if body_query is not None else (queries[0] if queries else None)
    if query is not None:
        query = query.removeprefix("\ufeff")  # a byte-order mark, which editors on Windows write
    if query is None and request.method == "POST":
        raise BadRequest("no query: send query=... or a body of type application/sparql-query")
    if query is not None:
        if not query.strip():
            raise BadRequest("the query is empty")
        if len(query) > settings.max_query_length:
            raise RequestEntityTooLarge(f"the query has {len(query)} characters; the limit is "
                                        f"{settings.max_query_length}")
    defaults = tuple(fields.getlist("default-graph-uri"))
    named = tuple(fields.getlist("named-graph-uri"))
    try:
        dataset = QueryDataset(defaults, named) if defaults or named else None
    except ValueError as exc:  # default-graph-uri / named-graph-uri that is no IRI
        raise BadRequest(str(exc)) from None
    return Operation(query, dataset)


def _media_types(kind: Kind) -> str:
    return ", ".join(f.media_type for f in formats.of_kinds((kind,)))


def _require_utf8_escapes(encoded: bytes, where: str) -> None:
    """400 when the %-escapes of the protocol's parameters in `encoded` (a query string or a
    form) do not spell UTF-8; other parameters (a tracker's, a form's own) are not ours to judge."""
    if b"%" not in encoded and encoded.isascii():
        return
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        if unquote_to_bytes(name.replace(b"+", b" ")) not in _PROTOCOL_PARAMETERS:
            continue
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"{where}: its {name.decode('ascii', 'replace')}= is not UTF-8 once its "
                             f"%-escapes are decoded (byte 0x{exc.object[exc.start]:02X}); percent-encode "
                             "its UTF-8 bytes, as the protocol requires") from None


def _require_utf8() -> None:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"queries must be encoded as UTF-8, not {charset}")


# --- answering ----------------------------------------------------------------------------------

def _answer(endpoint: Endpoint, query: str, dataset: QueryDataset | None) -> Response:
    results_format = acceptable(("results", "page"))
    graph_format = acceptable(("graph", "page"))
    if results_format is None and graph_format is None:
        word = format_parameter()
        # Which formats fit depends on the query's form, which only the engine's parse knows.
        raise NotAcceptable(
            (f"format={word!r} is not offered" if word else "none of the media types in Accept is offered")
            + "; a SELECT or ASK answers as " + _media_types("results")
            + "; a CONSTRUCT or DESCRIBE as " + _media_types("graph") + "; either as text/html"
        )
    as_page = {"results": results_format is not None and results_format.kind == "page",
               "graph": graph_format is not None and graph_format.kind == "page"}
    # For a page, the child writes SPARQL JSON / N-Triples and the page is rendered from them.
    run_results = formats.by_name("json") if as_page["results"] else results_format
    run_graph = formats.by_name("ntriples") if as_page["graph"] else graph_format
    html = as_page["results"] or as_page["graph"]
    try:
        answer = endpoint.runner.answer(query, results_format=run_results,
                                        graph_format=run_graph, dataset=dataset,
                                        base_iri=_base_url(), client=request.remote_addr or "",
                                        gone=client_gone())
    except (UnsafeQuery, SyntaxError, QueryUnsupported, FormatMismatch, QueryTimeout, IsolatedError,
            StoreUnavailable, StoreRefused, Busy, ClientGone) as exc:
        status, message = _failure(exc, endpoint.settings)
        syntax = explain_syntax(query, str(exc)) if isinstance(exc, SyntaxError) else None
        if syntax is not None:
            message = f"malformed query: {syntax}"
        fields: dict[str, object] = {} if syntax is None else {
            "line": syntax.line, "column": syntax.column, "advice": syntax.advice, "parser": syntax.parser}
        resp = (page(endpoint, query, error=message, syntax=syntax, status=status) if html
                else problem(status, message, fields=fields))
        if isinstance(exc, StoreUnavailable):
            resp.headers["Retry-After"] = str(RETRY_AFTER)
        if isinstance(exc, Busy):
            resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    if as_page["graph" if answer.form == "graph" else "results"]:
        try:
            resp = page(endpoint, query, answer=answer)
        except TableTooLarge as exc:  # the table is laid out here, in the web worker
            resp = page(endpoint, query, error=str(exc), status=400)
    else:
        fmt = formats.named(answer.format)
        resp = Response(answer.body, content_type=fmt.content_type)
        if answer.tag:  # the same query asked again of the same data: a client may revalidate
            resp.headers["ETag"] = answer.tag
            resp.make_conditional(request)
    resp.vary.add("Accept")
    if answer.truncated:
        resp.headers[TRUNCATED_HEADER] = "true"
        resp.headers[LIMIT_HEADER] = str(endpoint.runner.result_limit)
    return resp


def _base_url() -> str:
    """The endpoint's URL, against which a query's relative IRIs resolve (`request.base_url`)."""
    return _url_of(request.scheme, request.host, request.root_path, request.path)


# Building and IRI-decoding the URL showed in the profile; a service has one or a few.
@lru_cache(maxsize=256)
def _url_of(scheme: str, host: str, root: str, path: str) -> str:
    return get_current_url(scheme, host, root, path)


def _failure(exc: Exception, settings: Settings) -> tuple[int, str]:
    if isinstance(exc, Busy):
        return exc.status, str(exc)
    if isinstance(exc, ClientGone):
        return 503, str(exc)
    if isinstance(exc, UnsafeQuery):
        return (403 if UPDATES_REFUSED in str(exc) else 400), str(exc)
    if isinstance(exc, SyntaxError):
        return 400, f"malformed query: {exc}"
    if isinstance(exc, QueryUnsupported):
        return 400, f"the query is well-formed but this endpoint cannot evaluate it: {exc}"
    if isinstance(exc, FormatMismatch):
        return 406, f"{exc}; ask for " + ", ".join(
            f.media_type for f in formats.of_kinds(("graph",) if exc.form == "graph" else ("results",))
            if f.label != exc.label)
    if isinstance(exc, StoreUnavailable):
        return 503, f"{exc}; the query was not answered, try again shortly"
    if isinstance(exc, StoreRefused):
        return 502, str(exc)
    if isinstance(exc, QueryTimeout):
        return 503, (f"the query was stopped after the time limit of {settings.query_timeout:g} s; "
                     "narrow it down (more specific patterns, LIMIT)")
    # The engine itself failed (crashed, or went over its memory limit); its process is replaced.
    return 500, f"the query engine failed on this query: {exc}"


def _service_description(endpoint: Endpoint) -> Response:
    fmt = negotiate(("graph", "page"))
    if fmt.kind == "page":
        resp = page(endpoint, None)
    else:
        # Named as /void and every page name the dataset (the project's graph: "The Liberation
        # Knowledge Graph"; a user's files: their own title, else their names).
        graph = describe_service(url_for("sparql.sparql", _external=True), endpoint.summary,
                                 f"{site_title()}: SPARQL endpoint")
        assert fmt.rdflib_name is not None  # every graph format of the registry has one
        resp = Response(graph.serialize(format=fmt.rdflib_name, encoding="utf-8"),
                        content_type=fmt.content_type)
    resp.vary.add("Accept")
    return resp
