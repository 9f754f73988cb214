"""Errors as a client sees them: a status and one message naming the problem, never a trace."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, Response, current_app, jsonify, render_template, request
from gunicorn.http.errors import NoMoreData
from gunicorn.http.errors import ParseException as UnreadableRequest
from werkzeug.exceptions import ClientDisconnected, HTTPException, InternalServerError, RequestEntityTooLarge

from graph_service.web.negotiation import best_media_type

log = logging.getLogger(__name__)


def problem(status: int, message: str, title: str | None = None,
            fields: dict[str, object] | None = None) -> Response:
    """An error response in the form the client reads best: HTML for browsers, else JSON or text;
    `fields` add to the JSON (a syntax error's line and column)."""
    title = title or _title(status)
    best = best_media_type(["text/plain", "application/json", "text/html"])
    if best == "text/html":
        try:
            page = render_template("error.html", status=status, title=title, message=message)
            resp = Response(page, status=status, mimetype="text/html")
        except Exception:  # what every page shows failed too: the error in plain text instead
            log.exception("the error page for %s %s could not be made", request.method, request.path)
            best = "text/plain"
    if best == "application/json":
        resp = jsonify({"status": status, "title": title, "message": message, **(fields or {})})
        resp.status_code = status
    elif best != "text/html":
        resp = Response(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    # The form was chosen by Accept: a shared cache must not give it to a client asking otherwise.
    resp.vary.add("Accept")
    return resp


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


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        message = exc.description or _title(exc.code or 500)
        if isinstance(exc, RequestEntityTooLarge) and message == RequestEntityTooLarge.description:
            message = too_large(current_app.config["MAX_CONTENT_LENGTH"])  # werkzeug's names no limit
        resp = problem(exc.code or 500, message)
        # Keep headers such as Allow (405) that werkzeug computed.
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                resp.headers[key] = value
        return resp

    # gunicorn reads the body as the view asks for it: a malformed one (a bad chunk, a body
    # shorter than its Content-Length) surfaces there, and is the client's doing.
    @app.errorhandler(UnreadableRequest)
    @app.errorhandler(NoMoreData)
    def _unreadable(exc: Exception) -> Response:
        return problem(400, f"the request could not be read: {exc}")

    @app.errorhandler(ClientDisconnected)
    def _disconnected(exc: ClientDisconnected) -> Response:
        # werkzeug reports every failed read of the body so; one that ran out of time is a 408.
        if isinstance(exc.__context__, SlowRequest):
            resp = problem(408, str(exc.__context__))
            resp.headers["Connection"] = "close"
            return resp
        return _http(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, InternalServerError.description)
