"""Errors as a client sees them: a status and one message naming the problem, never a trace."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from graph_service.web.negotiation import best_media_type

log = logging.getLogger(__name__)


def problem(status: int, message: str, title: str | None = None,
            fields: dict[str, object] | None = None) -> Response:
    """An error response in the form the client reads best: HTML for browsers, else JSON or text;
    `fields` add to the JSON (a syntax error's line and column)."""
    title = title or _title(status)
    best = best_media_type(["text/plain", "application/json", "text/html"])
    if best == "text/html":
        resp = Response(render_template("error.html", status=status, title=title, message=message),
                        status=status, mimetype="text/html")
    elif best == "application/json":
        resp = jsonify({"status": status, "title": title, "message": message, **(fields or {})})
        resp.status_code = status
    else:
        resp = Response(f"{status} {title}: {message}\n", status=status, mimetype="text/plain")
    return resp


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        resp = problem(exc.code or 500, exc.description or _title(exc.code or 500))
        # Keep headers such as Allow (405) that werkzeug computed.
        for key, value in exc.get_headers():
            if key.lower() != "content-type":
                resp.headers[key] = value
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, InternalServerError.description)
