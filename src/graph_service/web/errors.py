"""Errors as a client sees them: a status and one message naming the problem, never a trace."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import cast

from flask import Flask, Response, current_app, render_template, request
from gunicorn.http.errors import NoMoreData
from gunicorn.http.errors import ParseException as UnreadableRequest
from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response as WsgiResponse

from graph_service.graph import Format, StoreRefused, StoreUnavailable
from graph_service.web.documents import not_found
from graph_service.web.negotiation import format_parameter, problem_type
from graph_service.web.urls import DOCUMENT_FORMATS

log = logging.getLogger(__name__)

#: The forms an error is written in, in the order preferred when a client names none.
PROBLEM_TYPES = ("text/plain", "application/json", "text/html")


def problem(status: int, message: str, title: str | None = None,
            fields: dict[str, object] | None = None) -> Response:
    """An error response in the form the client reads best: HTML for browsers, else JSON or text;
    `fields` add to the JSON (a syntax error's line and column)."""
    title = title or _title(status)
    best = problem_type(format_word(request), PROBLEM_TYPES, request.headers.get("Accept"))
    if best == "text/html":
        try:
            page = render_template("error.html", status=status, title=title, message=message)
            resp = Response(page, status=status, mimetype="text/html")
        except Exception:  # what every page shows failed too: the error in plain text instead
            log.exception("the error page for %s %s could not be made", request.method, request.path)
            best = "text/plain"
    if best != "text/html":
        return cast(Response, plain_problem(status, message, best, title=title, fields=fields,
                                            response_class=Response))
    resp.vary.add("Accept")
    return resp


def format_word(req: Request) -> str | None:
    """The `format=` word of `req`, where it can be read without failing as the request may
    have: from a form only once it has been read (reading it here could fail again, a body too
    large, say), and not from a query string that is not UTF-8."""
    try:
        # werkzeug keeps a form it has read in the request's __dict__ (a cached property).
        return format_parameter(req, read_form="form" in req.__dict__)
    except (UnicodeDecodeError, HTTPException):
        return None


def plain_problem(status: int, message: str, media_type: str, *, title: str | None = None,
                  fields: dict[str, object] | None = None,
                  response_class: type[WsgiResponse] = WsgiResponse) -> WsgiResponse:
    """`problem` as JSON (`media_type` application/json) or text, without the app: what the
    SPARQL protocol's front (`protocol`) answers with too."""
    title = title or _title(status)
    if media_type == "application/json":
        # Written as Flask's JSON responses are, compact, one line.
        body = json.dumps({"status": status, "title": title, "message": message, **(fields or {})},
                          separators=(",", ":")) + "\n"
        resp = response_class(body, status=status, mimetype="application/json")
    else:
        resp = response_class(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    # The form was chosen by Accept: a shared cache must not give it to a client asking otherwise.
    resp.vary.add("Accept")
    return resp


def http_message(exc: HTTPException, max_request_bytes: int, method: str = "", path: str = "",
                 root: str = "") -> str:
    """What a werkzeug HTTP error says to the client (of the request by `method` to `path`, the
    service being at `root`, behind a proxy its path prefix), where werkzeug's own words name
    neither."""
    message = exc.description or _title(exc.code or 500)
    if isinstance(exc, RequestEntityTooLarge) and message == RequestEntityTooLarge.description:
        message = too_large(max_request_bytes)  # werkzeug's names no limit
    elif isinstance(exc, MethodNotAllowed) and message == MethodNotAllowed.description and exc.valid_methods:
        allowed = sorted(m for m in exc.valid_methods if m not in ("HEAD", "OPTIONS"))
        message = (f"{method or 'this method'} is not allowed on {root}{path or 'this URL'}; "
                   f"use {' or '.join(allowed)}")
    elif isinstance(exc, NotFound) and message == NotFound.description and path:
        message = f"nothing is at {root}{path} (the home page, {root}/, lists what this service offers)"
    return message


def http_headers(exc: HTTPException) -> list[tuple[str, str]]:
    """The headers werkzeug computed for `exc` (Allow for a 405, in a fixed order: werkzeug's
    comes from a set, and differed from route to route and process to process), but its
    Content-Type: the problem's own is chosen by Accept."""
    return [(key, ", ".join(sorted(m.strip() for m in value.split(","))) if key.lower() == "allow" else value)
            for key, value in exc.get_headers() if key.lower() != "content-type"]


def unreadable_message(exc: Exception) -> tuple[int, str] | None:
    """The status and message for a request body that could not be read (`exc` raised as it was),
    or None where `exc` is not such a failure."""
    # gunicorn reads the body as the view asks for it: a malformed one (a bad chunk, a body
    # shorter than its Content-Length) surfaces there, and is the client's doing.
    if isinstance(exc, UnreadableRequest | NoMoreData):
        return 400, f"the request could not be read: {exc}"
    # werkzeug reports every failed read of the body as a disconnection; one that ran out of
    # time is a 408 (the connection is then closed).
    if isinstance(exc, ClientDisconnected) and isinstance(exc.__context__, SlowRequest):
        return 408, str(exc.__context__)
    return None


class SlowRequest(TimeoutError):
    """The client did not send its request within the time a request may take to arrive (the
    server's socket raises it while the body is read)."""


def too_large(limit: int) -> str:
    return (f"the request is larger than this service accepts ({limit:,} bytes; "
            "GRAPH_SERVICE_MAX_REQUEST_BYTES sets the limit)")


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


#: Seconds a client is asked to wait when the remote store is away.
STORE_RETRY_AFTER = 5


#: The RDF documents' formats by media type: a 404's forms beside a problem's.
_RDF_FORMATS = {f.media_type: f for f in DOCUMENT_FORMATS if f.kind != "page"}
_NOT_FOUND_FORMS = PROBLEM_TYPES + tuple(_RDF_FORMATS)


def _rdf_asked() -> Format | None:
    """The RDF format a request asks for above every form of a problem (an RDF client's Accept,
    `text/turtle`), or None."""
    best = problem_type(format_word(request), _NOT_FOUND_FORMS, request.headers.get("Accept"))
    return _RDF_FORMATS.get(best)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if isinstance(exc, NotFound) and (fmt := _rdf_asked()) is not None:
            # As an unknown resource's 404: an empty document the client's RDF parser reads.
            return not_found(http_message(exc, 0, request.method, request.path, request.script_root), fmt)
        resp = problem(exc.code or 500, http_message(exc, current_app.config["MAX_CONTENT_LENGTH"],
                                                     request.method, request.path, request.script_root))
        for key, value in http_headers(exc):
            resp.headers[key] = value
        return resp

    @app.errorhandler(UnreadableRequest)
    @app.errorhandler(NoMoreData)
    @app.errorhandler(ClientDisconnected)
    def _unreadable(exc: Exception) -> Response:
        unreadable = unreadable_message(exc)
        if unreadable is None:
            assert isinstance(exc, HTTPException)  # a disconnection other than a slow request's
            return _http(exc)
        resp = problem(*unreadable)
        if unreadable[0] == 408:
            resp.headers["Connection"] = "close"
        return resp

    @app.errorhandler(StoreUnavailable)
    @app.errorhandler(StoreRefused)
    def _store(exc: Exception) -> Response:
        # Pages read the copy of the store's graphs made at start-up; whatever still asks the store
        # itself while it is away says so, as the endpoint does, rather than answer a bare 500.
        if isinstance(exc, StoreRefused):
            return problem(502, str(exc))
        resp = problem(503, f"{exc}; try again shortly")
        resp.headers["Retry-After"] = str(STORE_RETRY_AFTER)
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, InternalServerError.description)
