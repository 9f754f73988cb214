"""The SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/) as programs use it: a query
in, its answer in a format for programs out. One small WSGI layer in front of the Flask app
(`ProtocolFront`) maps those requests to the query runner and nothing else, as Oxigraph's server
does; what a person asks of `/sparql` (the query editor, an answer as a page, the service's
description) and anything this layer does not take goes on to the app (`sparql`), which reads,
negotiates and answers with the functions defined here too: one protocol, two ways in.

Why a layer of its own: Flask's request context, its hooks and flask-cors cost about 145 µs of a
worker's Python per request, three to five times that under load, where a small query costs the
bare app about 0.9 ms in all (the join of issue #13 at 8 clients: 1,264-1,364 answers/s through
the app, 1,865-2,013 through a bare WSGI function on the same runner and query processes; this
layer, 19 µs a request in one process, is at 0.91x of the bare app: bench/README.md). Nothing
is skipped for it: the same path check, body limits, reading, negotiation, query runner, answer
headers, errors, security headers and CORS headers.

- Queries by GET `?query=`, POST `application/x-www-form-urlencoded` and POST
  `application/sparql-query`; `default-graph-uri` / `named-graph-uri` choose graphs of the store
  (a graph the store lacks is empty, as in Jena Fuseki and Oxigraph; nothing is ever fetched).
- Results in the format a `format=` parameter names, else the best the Accept header allows
  (406 when nothing fits).
- Updates are refused (403), malformed queries are 400 with the parser's position, SERVICE and
  FROM naming no graph of the store are 400, oversized requests 413, a query past its time or
  memory limit 503, and so is a query while a remote store (`--store`) does not answer (with Retry-After).
  When every query slot is busy and the queue for them is full: 503; when the client already
  holds its share of the slots: 429; both at once, with `Retry-After`. When the result limit cuts
  an answer, `X-Result-Truncated: true` says so and `X-Result-Limit` gives the limit.

Queries run in `graph.query.runner.QueryRunner`: vetted, in a child process that cannot reach the
network, stopped at the time limit. A request waiting for a query slot whose client has closed its
connection is dropped without running.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from typing import Any, TypeVar

import pyoxigraph as ox
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import (
    BadRequest,
    Forbidden,
    HTTPException,
    InternalServerError,
    NotAcceptable,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)
from werkzeug.http import unquote_etag
from werkzeug.sansio.utils import get_current_url
from werkzeug.wrappers import Request, Response

from graph_service.config import MIN_SECONDS, Settings
from graph_service.graph import (
    UPDATES_REFUSED,
    Answer,
    Busy,
    ClientGone,
    Format,
    FormatMismatch,
    IsolatedError,
    Kind,
    OverMemory,
    QueryDataset,
    QueryTimeout,
    QueryUnsupported,
    StoreRefused,
    StoreUnavailable,
    SyntaxProblem,
    UnsafeQuery,
    explain_syntax,
    formats,
    slow_shape_advice,
    with_link,
)
from graph_service.web import negotiation
from graph_service.web.documents import make_conditional, readable_body, require_utf8_escapes
from graph_service.web.endpoint import Endpoint, client_gone
from graph_service.web.errors import (
    PROBLEM_TYPES,
    STORE_RETRY_AFTER,
    format_word,
    http_headers,
    http_message,
    plain_problem,
    unreadable_message,
)
from graph_service.web.headers import LIMIT_HEADER, OPEN_ANSWER_HEADERS, SECURITY_HEADERS, TRUNCATED_HEADER
from graph_service.web.host import host_problem, use_target_host
from graph_service.web.negotiation import (
    best_of,
    charset_refusal,
    chosen,
    foreign_charset,
    format_parameter,
    prefers_plain_text,
)

log = logging.getLogger(__name__)
R = TypeVar("R", bound=Response)


_FORM = "application/x-www-form-urlencoded"
#: The parameters of the protocol, whose values must be UTF-8 (SPARQL 1.1 Protocol 2.1.1).
_PROTOCOL_PARAMETERS = frozenset({b"query", b"update", b"default-graph-uri", b"named-graph-uri"})
_QUERY = "application/sparql-query"
#: How a form opens, sent as a query's body.
_FORM_BODY = re.compile(r"\s*query=", re.I)
#: How a query's text opens (what a form mistaken for one has as its only field's name).
_QUERY_START = re.compile(r"\s*(?:PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.I)
_UPDATE = "application/sparql-update"


class QueryMediaType(UnsupportedMediaType):
    """A query POSTed in a type the protocol does not read: 415, with the types it reads in
    `Accept` (RFC 9110 15.5.16), as a client reads them."""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        return [*super().get_headers(*args, **kwargs), ("Accept", f"{_FORM}, {_QUERY}")]


#: What running a query can raise that is the query's or the moment's, not the service's.
QUERY_FAILURES = (UnsafeQuery, SyntaxError, QueryUnsupported, FormatMismatch, QueryTimeout, IsolatedError,
                  StoreUnavailable, StoreRefused, Busy, ClientGone)


@dataclass(frozen=True)
class Operation:
    query: str | None
    dataset: QueryDataset | None
    #: Seconds the client gives its query (`timeout=`, as Jena Fuseki takes it), at most the
    #: service's limit; None: the service's limit.
    timeout: float | None = None


@dataclass(frozen=True)
class Forms:
    """The formats a query's answer is written in: one for SELECT and ASK, one for CONSTRUCT and
    DESCRIBE (the form is the engine's to know), and which of them is a page (HTML)."""

    results: Format | None
    graph: Format | None

    @property
    def results_page(self) -> bool:
        return self.results is not None and self.results.kind == "page"

    @property
    def graph_page(self) -> bool:
        return self.graph is not None and self.graph.kind == "page"

    @property
    def any_page(self) -> bool:
        return self.results_page or self.graph_page


@dataclass(frozen=True)
class Failure:
    """A query that was not answered, as the client is told: status, message, and for a malformed
    query where it went wrong."""

    status: int
    message: str
    syntax: SyntaxProblem | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, object]:
        """What a JSON error adds: a malformed query's line, column and advice."""
        if self.syntax is None:
            return {}
        return {"line": self.syntax.line, "column": self.syntax.column, "advice": self.syntax.advice,
                "parser": self.syntax.parser}


# --- reading the request ------------------------------------------------------------------------

def read_operation(req: Request, settings: Settings) -> Operation:
    """The query and dataset of a request, per the protocol's three ways of sending a query."""
    body_query: str | None = None
    # The protocol's parameters are UTF-8 (2.1.1).
    require_utf8_escapes(req.query_string, "the URL's query string", _PROTOCOL_PARAMETERS)
    mimetype = req.mimetype  # parsed anew at each reading
    if req.method in ("GET", "HEAD"):
        fields: MultiDict = req.args
    elif mimetype == _FORM:
        _require_utf8(req)
        # Read (and kept) before werkzeug parses the form from it.
        require_utf8_escapes(_whole_body(req), "the form", _PROTOCOL_PARAMETERS)
        fields = CombinedMultiDict([req.args, req.form])
    elif mimetype == _QUERY:
        _require_utf8(req)
        fields = req.args
        data = _whole_body(req)
        try:
            body_query = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"the query is not valid UTF-8 (byte {exc.start})") from None
        if "query" in fields:
            raise BadRequest("a query was sent both in the body and as the query parameter; send one")
        if _FORM_BODY.match(body_query):  # curl -H 'Content-Type: application/sparql-query' --data query=
            raise BadRequest(f"the body is a form (query=...), not a query: send it as {_FORM}, or send the "
                             f"query alone as {_QUERY}")
    elif mimetype == _UPDATE:
        raise Forbidden(f"SPARQL Update: {UPDATES_REFUSED}")
    else:
        raise QueryMediaType(
            f"POST a query as {_FORM} (query=...) or as {_QUERY}; "
            + (f"got {mimetype}" if mimetype else "the request has no Content-Type")
        )
    if "update" in fields:
        raise Forbidden(f"SPARQL Update: {UPDATES_REFUSED}")
    queries = fields.getlist("query") if "query" in fields else []
    if len(queries) > 1:
        raise BadRequest(f"the request has {len(queries)} query parameters; send exactly one")
    query = body_query if body_query is not None else (queries[0] if queries else None)
    if query is not None:
        query = query.removeprefix("\ufeff")  # a byte-order mark, which editors on Windows write
    if query is None and req.method == "POST":
        if any(_QUERY_START.match(k) for k in fields):  # `curl --data 'ASK {}'`: a form's only name
            raise BadRequest(f"no query: the body is a query, not a form: send it with Content-Type "
                             f"{_QUERY}, or as query=...")
        raise BadRequest("no query: send query=... or a body of type application/sparql-query")
    # Close to "query" and opening as it does: "qurey", "quey", "querry"; not "user" or "queue".
    others = {k.lower(): k for k in fields if k[:1].lower() == "q" and k != "query"} if query is None else {}
    if others and (misspelt := [others[k] for k in get_close_matches("query", list(others), 1, 0.75)]):
        # A GET with a misspelt query (qurey=) was answered the service description, with a 200.
        # Only a name close to "query": other parameters (a cache-buster's _=) still describe.
        raise BadRequest(f"no query: the request has {misspelt[0]}=, not query=; send query=...")
    if query is None and ("graph" in fields or "default" in fields):
        # A Graph Store Protocol client (Fuseki's ?graph=) was answered the service description,
        # with a 200, as if it were the graph it asked for.
        raise BadRequest("this endpoint answers SPARQL queries and offers no Graph Store Protocol: "
                         "ask CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <...> { ?s ?p ?o } }, or take "
                         "the dumps listed at /void")
    if query is not None:
        if not query.strip():
            raise BadRequest("the query is empty")
        if len(query) > settings.max_query_length:
            raise RequestEntityTooLarge(f"the query has {len(query)} characters; the limit is "
                                        f"{settings.max_query_length}")
    # An empty one names no graph: Virtuoso's form sends `default-graph-uri=` when none is given.
    defaults = tuple(filter(None, fields.getlist("default-graph-uri"))) if "default-graph-uri" in fields \
        else ()
    named = tuple(filter(None, fields.getlist("named-graph-uri"))) if "named-graph-uri" in fields else ()
    try:
        dataset = QueryDataset(defaults, named) if defaults or named else None
    except ValueError as exc:  # default-graph-uri / named-graph-uri that is no IRI
        raise BadRequest(str(exc)) from None
    return Operation(query, dataset, _timeout(fields, settings))


def _timeout(fields: MultiDict, settings: Settings) -> float | None:
    """The seconds of a `timeout=` parameter (Jena Fuseki's: a client lowers its query's time
    limit, so that a query it would give up on is stopped at the service too), between
    `MIN_TIMEOUT` and the service's limit (Fuseki caps it at its maximum). Empty or 0 sets none,
    as Virtuoso reads them (its form and the URLs copied from it send `timeout=0`)."""
    if "timeout" not in fields:
        return None
    values = fields.getlist("timeout")
    if len(values) > 1:
        raise BadRequest(f"the request has {len(values)} timeout parameters; send at most one")
    value = values[0].strip()
    try:
        seconds = float(value) if value else 0.0
    except ValueError:
        seconds = math.nan
    # Infinity ("inf", "1e400") is larger than the limit, as 20 is: the limit (a probe found 20
    # taken and inf refused). NaN and negatives are no time.
    if not seconds >= 0:
        raise BadRequest(f"timeout={values[0][:40]!r} is not a number of seconds (the query's time limit: "
                         f"less than {MIN_TIMEOUT:g} counts as {MIN_TIMEOUT:g}, more than "
                         f"{settings.query_timeout:g} as {settings.query_timeout:g}; 0 for the service's)")
    return None if seconds == 0 else min(max(seconds, MIN_TIMEOUT), settings.query_timeout)


#: The least time a client's `timeout=` gives its query (the least `--query-timeout` allows).
MIN_TIMEOUT = MIN_SECONDS


def _whole_body(req: Request) -> bytes:
    """The body, kept; 400 when it ended short of its Content-Length (the client stopped sending,
    and gunicorn hands over what came: not the query it meant)."""
    data = req.get_data(cache=True)
    if req.content_length is not None and len(data) < req.content_length:
        raise BadRequest(f"the request body ended after {len(data)} of its {req.content_length} "
                         "bytes (Content-Length)")
    return data


def _require_utf8(req: Request) -> None:
    if charset := foreign_charset(req):
        raise UnsupportedMediaType(f"queries must be encoded as UTF-8, not {charset}")


def negotiate_forms(req: Request, word: str | None) -> Forms:
    """The answer's formats for `req`, whose format word (`format_parameter`) is `word`, or 406
    naming what is offered."""
    accept = req.headers.get("Accept")
    results = chosen(("results", "page"), word, accept)
    graph = chosen((*formats.TRIPLES_KINDS, "page"), word, accept)
    if word:
        # A format named for one form of query is asked of the other too: the engine's 406 then
        # names it ("TriG cannot hold the results of a SELECT"), as the client chose it.
        results, graph = results or graph, graph or results
    forms = Forms(results, graph)
    if forms.results is None and forms.graph is None:
        # Which formats fit depends on the query's form, which only the engine's parse knows.
        raise NotAcceptable(
            (f"the format {word!r} is not offered" if word
             else charset_refusal(accept) or "none of the media types in Accept is offered")
            + "; a SELECT or ASK answers as " + _media_types("results")
            + "; a CONSTRUCT or DESCRIBE as " + _media_types(*formats.TRIPLES_KINDS) + "; either as text/html"
        )
    return forms


def _next_forms(req: Request, word: str | None, forms: Forms, exc: FormatMismatch,
                tried: set[str]) -> Forms | None:
    """The forms to answer in after `forms` could not hold this answer (`exc`: RDF/XML and a
    predicate it cannot write, SPARQL XML and a control character): the next format the request
    accepts, as RFC 9110 has a 406 only where none is acceptable. None where the client named
    its one format (`format=`), or accepts no other; `tried` gathers what has failed."""
    graph = exc.form == "graph"
    failed = forms.graph if graph else forms.results
    if word or failed is None or failed.kind == "page":
        return None
    tried.add(failed.name)
    kinds = formats.TRIPLES_KINDS if graph else ("results",)
    other = chosen(kinds, None, req.headers.get("Accept"), frozenset(tried))
    if other is None:
        return None
    return replace(forms, graph=other) if graph else replace(forms, results=other)


def _media_types(*kinds: Kind) -> str:
    return ", ".join(f.media_type for f in formats.of_kinds(kinds))


# --- answering ----------------------------------------------------------------------------------

def run(endpoint: Endpoint, req: Request, operation: Operation, forms: Forms) -> Answer:
    """The answer to the operation's query in `forms` (a page's as SPARQL JSON or N-Triples,
    which it is laid out from); raises one of `QUERY_FAILURES`."""
    assert operation.query is not None
    # For a page, the child writes SPARQL JSON / N-Triples and the page is rendered from them.
    results = formats.by_name("json") if forms.results_page else forms.results
    graph = formats.by_name("ntriples") if forms.graph_page else forms.graph
    answer = endpoint.runner.answer(operation.query, results_format=results, graph_format=graph,
                                    dataset=operation.dataset, base_iri=base_url(req),
                                    client=req.remote_addr or "", gone=client_gone(req.environ),
                                    timeout=operation.timeout)
    if answer.truncated and answer.form == "select":
        # Said in the document too, where a client that reads no header sees it (rdflib's
        # SPARQLStore and SPARQLWrapper took a cut answer for the whole one): its head's link
        # leads to what the endpoint allows.
        fmt = formats.named(answer.format).oxigraph
        if isinstance(fmt, ox.QueryResultsFormat):
            link = base_url(req) + "#about-the-endpoint"
            answer = replace(answer, body=with_link(answer.body, fmt, link))
    return answer


def run_accepted(endpoint: Endpoint, req: Request, operation: Operation, forms: Forms,
                 word: str | None) -> tuple[Answer, Forms]:
    """`run`, and where the answer cannot be written in the format chosen, again in the next one
    the request accepts (`_next_forms`); the answer and the forms it is in. Raises one of
    `QUERY_FAILURES`: a `FormatMismatch` only once no acceptable format holds the answer."""
    tried: set[str] = set()
    while True:
        try:
            return run(endpoint, req, operation, forms), forms
        except FormatMismatch as exc:
            other = _next_forms(req, word, forms, exc, tried)
            if other is None:
                if not tried:
                    raise
                # Its advice names none of the formats that failed before it.
                raise FormatMismatch(exc.form, exc.label, exc.reason, tuple(sorted(tried))) from None
            forms = other


_PLAIN = "text/plain; charset=utf-8"


def answered(endpoint: Endpoint, req: Request, answer: Answer) -> Response:
    """An answer in a format for programs, with its tag (a client may revalidate)."""
    if req.method == "POST" and (refused := _failed_precondition(req, answer)) is not None:
        return refused
    resp = Response(answer.body, headers=answer_headers(endpoint, answer, req.headers.get("Accept")))
    if answer.tag:
        make_conditional(resp, req)
        # werkzeug adds a Date to a GET's answer; the server writes its own (gunicorn always
        # does), and a response has one.
        resp.headers.pop("Date", None)
    return resp


def _failed_precondition(req: Request, answer: Answer) -> Response | None:
    """412 for a POSTed query whose If-Match names no tag of its answer, or whose If-None-Match
    names it (RFC 9110 13.2.2: a method other than GET and HEAD is answered 412, not 304, where
    the client has what it would get); None where the preconditions hold or none is sent. The
    answer carries its tag, so a client could send it back, and it was ignored."""
    environ = req.environ
    if "HTTP_IF_MATCH" not in environ and "HTTP_IF_NONE_MATCH" not in environ:
        return None  # every program's POST comes here: nothing to weigh, nothing read
    tag, weak = unquote_etag(answer.tag) if answer.tag else (None, False)
    # A program's error (no page), in JSON where its format= word names JSON, as its others are.
    problem_type = negotiation.problem_type(format_word(req), PROBLEM_TYPES[:2], req.headers.get("Accept"))
    if "HTTP_IF_MATCH" in environ and not req.if_match.star_tag:
        # A strong comparison (13.1.1): an answer's weak tag never matches.
        if tag is None or weak or not req.if_match.contains(tag):
            return plain_problem(412, "If-Match names no strong tag of this answer", problem_type)
    if "HTTP_IF_NONE_MATCH" in environ:
        if req.if_none_match.star_tag or (tag is not None and req.if_none_match.contains_weak(tag)):
            return plain_problem(412, "If-None-Match names this answer's tag: the client has it",
                                 problem_type)
    return None


def answer_headers(endpoint: Endpoint, answer: Answer, accept: str | None) -> list[tuple[str, str]]:
    """The headers of an answer in a format for programs: its type, its tag, Vary, and the result
    limit's where it cut the answer. Made in one list: werkzeug's setters, one by one, showed in
    the profile. `accept`: the request's Accept header (N-Triples asked for as text/plain is
    labelled so, as the documents are)."""
    plain = answer.format == "ntriples" and prefers_plain_text(accept)
    headers = [("Content-Type", _PLAIN if plain else formats.named(answer.format).content_type)]
    if answer.tag:  # the same query asked again of the same data
        headers.append(("ETag", answer.tag))
    return [*headers, ("Vary", "Accept"), *_limit_headers(endpoint, answer)]


def with_answer_headers(endpoint: Endpoint, resp: R, answer: Answer) -> R:
    """Vary, and the result limit's headers where it cut the answer (a page's answer)."""
    resp.vary.add("Accept")
    for name, value in _limit_headers(endpoint, answer):
        resp.headers[name] = value
    return resp


def _limit_headers(endpoint: Endpoint, answer: Answer) -> list[tuple[str, str]]:
    if not answer.truncated:
        return []
    return [(TRUNCATED_HEADER, "true"), (LIMIT_HEADER, str(endpoint.runner.result_limit))]


def failure(exc: Exception, query: str, settings: Settings, timeout: float | None = None) -> Failure:
    """What the client is told of a query that failed with `exc` (one of `QUERY_FAILURES`);
    `timeout`: the seconds the client gave it, where it lowered the service's limit."""
    status, message = _status_and_message(exc, settings, timeout)
    syntax = explain_syntax(query, str(exc)) if isinstance(exc, SyntaxError) else None
    if syntax is not None:
        message = (f"the query is well-formed but this endpoint cannot evaluate it: {syntax}"
                   if syntax.well_formed else f"malformed query: {syntax}")
    headers = {}
    if isinstance(exc, QueryTimeout) and not settings.store and settings.engine == "oxigraph":
        advice = slow_shape_advice(query)
        if advice is not None:
            message = f"{message}; {advice}"
    if isinstance(exc, StoreUnavailable):
        headers["Retry-After"] = str(STORE_RETRY_AFTER)
    if isinstance(exc, Busy):
        headers["Retry-After"] = str(exc.retry_after)
    return Failure(status, message, syntax, headers)


def _status_and_message(exc: Exception, settings: Settings, timeout: float | None) -> tuple[int, str]:
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
        kinds = formats.TRIPLES_KINDS if exc.form == "graph" else ("results",)
        return 406, f"{exc}; ask for " + ", ".join(
            f.media_type for f in formats.of_kinds(kinds) if f.label != exc.label and f.name not in exc.tried)
    if isinstance(exc, StoreUnavailable):
        return 503, f"{exc}; the query was not answered, try again shortly"
    if isinstance(exc, StoreRefused):
        return 502, str(exc)
    if isinstance(exc, QueryTimeout):
        if timeout is not None and timeout < settings.query_timeout:
            return 503, (f"the query was stopped after {timeout:g} s, the time its timeout parameter gave "
                         f"it (the service allows up to {settings.query_timeout:g} s)")
        return 503, (f"the query was stopped after the time limit of {settings.query_timeout:g} s; "
                     "narrow it down (more specific patterns, LIMIT)")
    if isinstance(exc, OverMemory):  # a limit of the query's, as its time is
        return 503, (f"the query was stopped: {exc}; narrow it down (more specific patterns, fewer rows "
                     "to sort or group)")
    # The engine itself failed (crashed); its process is replaced.
    return 500, f"the query engine failed on this query: {exc}"


def base_url(req: Request) -> str:
    """The endpoint's URL, against which a query's relative IRIs resolve (`request.base_url`)."""
    environ = req.environ
    # Building and IRI-decoding the URL showed in the profile; a service has one or a few.
    key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
           environ.get("SERVER_PORT"), environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))
    url = _URLS.get(key)
    if url is None:
        url = get_current_url(req.scheme, req.host, req.root_path, req.path)
        if len(_URLS) >= 256:  # hosts are the client's to name
            _URLS.clear()
        _URLS[key] = url
    return url


_URLS: dict[tuple[object, ...], str] = {}


# --- the front ----------------------------------------------------------------------------------

_FRONT_HEADERS = SECURITY_HEADERS + OPEN_ANSWER_HEADERS
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_METHODS = frozenset({"GET", "HEAD", "POST"})
#: What makes a GET conditional (werkzeug's `make_conditional` answers these; a POST, `_failed_precondition`).
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


class ProtocolFront:
    """WSGI: answers a program's query to `/sparql` itself, and passes every other request (and a
    query whose answer or error would be a page) on to `app`, its request untouched."""

    def __init__(self, app: WsgiApp, endpoint: Endpoint) -> None:
        self.app = app
        self.endpoint = endpoint
        self.settings = endpoint.settings
        limit = endpoint.settings.max_request_bytes

        class _Request(Request):
            max_content_length = limit  # as the app's MAX_CONTENT_LENGTH: 413 beyond it

        self._request_class = _Request

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        use_target_host(environ)  # for the app's pages too
        outcome = self._respond(environ) if _ours(environ) else None
        if outcome is None:
            return self.app(environ, start_response)
        if isinstance(outcome, Answer):
            # Written straight out where nothing is conditional (werkzeug's response object,
            # which `answered` makes for a revalidation or a HEAD, was a fifth of the front's
            # cost): what the app's hooks add (`headers.secure`, then flask-cors), in their order;
            # the front writes no page, and sets none of them itself.
            start_response("200 OK", [*answer_headers(self.endpoint, outcome, environ.get("HTTP_ACCEPT")),
                                      ("Content-Length", str(len(outcome.body))), *_FRONT_HEADERS])
            return [outcome.body]
        outcome.headers.extend(_FRONT_HEADERS)
        return outcome(environ, start_response)

    def _respond(self, environ: dict[str, Any]) -> Response | Answer | None:
        """The response, the answer to write as it is, or None for the app to answer."""
        accept = environ.get("HTTP_ACCEPT")
        problem_type = best_of(PROBLEM_TYPES, accept)
        if problem_type == "text/html" or host_problem(environ):
            return None  # a browser's: its errors are pages; the app refuses a request with no host
        req = self._request_class(environ)
        try:
            readable_body(req, self.settings.max_request_bytes)
            operation = read_operation(req, self.settings)
            # The format word, of the query string or of the form just read (read_operation checked
            # both are UTF-8), says an error's form too: JSON for format=json, whatever Accept says;
            # a page for format=html.
            word = format_parameter(req)
            if word:
                problem_type = negotiation.problem_type(word, PROBLEM_TYPES, accept)
                if problem_type == "text/html":
                    _restore_body(req)
                    return None
            query = operation.query
            if query is None:  # the service's description, or the app's word on a missing query
                _restore_body(req)
                return None
            forms = negotiate_forms(req, word)
            if forms.any_page:
                _restore_body(req)
                return None
            try:
                answer, forms = run_accepted(self.endpoint, req, operation, forms, word)
            except QUERY_FAILURES as exc:
                failed = failure(exc, query, self.settings, operation.timeout)
                resp = plain_problem(failed.status, failed.message, problem_type, fields=failed.fields)
                resp.headers.update(failed.headers)
                return resp
            if req.method == "POST":
                return _failed_precondition(req, answer) or answer
            if req.method == "GET" and not any(name in environ for name in _CONDITIONAL):
                return answer
            return answered(self.endpoint, req, answer)
        except Exception as exc:
            # A body that could not be read comes first: werkzeug reports a slow one as
            # ClientDisconnected, an HTTPException (400), which the app answers 408 (`errors`).
            unreadable = unreadable_message(exc)
            if unreadable is None:
                if isinstance(exc, HTTPException):
                    # Refused while the request was read, before its format word was: it still
                    # says the error's form (a page is the app's to write, from the same refusal).
                    if word := format_word(req):
                        problem_type = negotiation.problem_type(word, PROBLEM_TYPES, accept)
                    if problem_type == "text/html":
                        _restore_body(req)
                        return None
                    return self._http_problem(exc, problem_type)
                log.exception("unhandled error on %s %s", req.method, req.path)
                return plain_problem(500, InternalServerError.description, problem_type)
            resp = plain_problem(*unreadable, problem_type)
            if unreadable[0] == 408:
                resp.headers["Connection"] = "close"
            return resp

    def _http_problem(self, exc: HTTPException, problem_type: str) -> Response:
        message = http_message(exc, self.settings.max_request_bytes)
        resp = plain_problem(exc.code or 500, message, problem_type)
        for key, value in http_headers(exc):
            resp.headers[key] = value
        return resp


def _ours(environ: dict[str, Any]) -> bool:
    """A request to `/sparql` by a method the protocol has, as sent: a path spelled any other way
    (escaped, doubled slashes) is the app's to check and answer."""
    if environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") not in _METHODS:
        return False
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    return raw.partition("?")[0] == "/sparql"


def _restore_body(req: Request) -> None:
    """Put back what was read of the body, for the app to read again."""
    if req.method == "POST":
        data = req.get_data(cache=True)
        req.environ["wsgi.input"] = io.BytesIO(data)
        req.environ["CONTENT_LENGTH"] = str(len(data))
