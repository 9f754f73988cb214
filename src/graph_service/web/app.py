"""The app factory: the settings, the loaded store, and one blueprint per concern."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from graph_service.config import Settings
from graph_service.graph import SlotBudget, served, serving_store
from graph_service.web import atlas, dataset, errors, health, resources, search, sparql, urls, validate
from graph_service.web.state import Service

#: What the pages need and nothing more: their own scripts, styles and images, no framing, no
#: plugins. YASGUI sets inline styles, hence 'unsafe-inline' for styles (not for scripts).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def create_app(settings: Settings | None = None, slot_budget: SlotBudget | None = None) -> Flask:
    """The app; `slot_budget`: the query slots it shares with other serving processes (by
    default, its own)."""
    settings = settings or Settings.from_env()
    app = Flask("graph_service.web")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    store = serving_store(settings)
    app.extensions["graph_service"] = Service(settings=settings, store=store, served=served(settings, store),
                                                  slot_budget=slot_budget)
    if settings.proxies:
        # Behind a reverse proxy the public scheme, host and path prefix are the proxy's: links,
        # redirects and the service description must name them.
        n = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    app.url_map.converters["path"] = urls.AnyPath
    errors.register(app)
    for module in (health, sparql, resources, search, validate, dataset, atlas):
        app.register_blueprint(module.bp)
    app.before_request(_whole_body_within_limit)
    app.after_request(_security_headers)
    return app


def _whole_body_within_limit() -> None:
    """A body of unknown length (sent in chunks) is read here, whole, and refused (413) if it
    goes on past the limit, as one whose declared length is over it is before it is read.

    werkzeug reads such a body up to the limit and stops there without a word: the first 2 MB
    of a longer form or upload were answered as if they were all of it (a dataset parameter
    past the cut dropped, a data file's later lines never validated)."""
    if request.content_length is not None or request.method not in ("POST", "PUT", "PATCH"):
        return
    body = request.get_data(cache=True)  # what the views read afterwards, forms included
    if len(body) >= current_app.config["MAX_CONTENT_LENGTH"] and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp
