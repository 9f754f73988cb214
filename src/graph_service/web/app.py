"""The app factory: the settings, the loaded store, and one blueprint per concern."""

from __future__ import annotations

from re import Pattern
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request
from flask_cors import CORS
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from graph_service.config import Settings
from graph_service.graph import SlotBudget, served, serving_store
from graph_service.web import atlas, dataset, errors, health, resources, search, sparql, urls, validate
from graph_service.web.description import site_title
from graph_service.web.documents import check_path
from graph_service.web.endpoint import LIMIT_HEADER, TRUNCATED_HEADER
from graph_service.web.state import Service, service

#: What the pages need and nothing more: their own scripts, styles and images, no framing, no
#: plugins. YASGUI sets inline styles, hence 'unsafe-inline' for styles (not for scripts).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

#: What a script of any origin may read (flask-cors): the linked data, the dataset's description
#: and dumps, the shapes, the search and the SPARQL endpoint (which alone takes POST). Not the
#: validation service, the health checks or the pictures. No credentials (no cookies are used
#: anyway); preflights answered for a day.
OPEN_TO_SCRIPTS: dict[str | Pattern[str], dict[str, Any]] = {
    r"/sparql/?$": {"methods": ["GET", "POST", "OPTIONS"]},
    r"/(id|doc|graph|ontology|dumps)/.*$": {"methods": ["GET", "HEAD", "OPTIONS"]},
    r"/((ontology|void|shapes)(\.[a-z]+)?|\.well-known/void|search|favicon\.ico)?$": {
        "methods": ["GET", "HEAD", "OPTIONS"]},
}
#: Beyond the safelisted response headers, what a script may read: the answer's ETag (to
#: revalidate it), Retry-After (after a 503 or 429), the result limit's two, the linked data's
#: Link (alternates, the described resource) and Content-Location (the negotiated document).
EXPOSED_HEADERS = [TRUNCATED_HEADER, LIMIT_HEADER, "ETag", "Retry-After", "Link", "Content-Location"]


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
    CORS(app, resources=OPEN_TO_SCRIPTS, origins="*", send_wildcard=True, supports_credentials=False,
         expose_headers=EXPOSED_HEADERS, max_age=86400, vary_header=True)
    errors.register(app)
    for module in (health, sparql, resources, search, validate, dataset, atlas):
        app.register_blueprint(module.bp)
    # Paths no IRI of ours can have (NUL, encoded slashes, dot segments...) are 400 on every route.
    app.before_request(check_path)
    app.before_request(_whole_body_within_limit)
    app.context_processor(_template_globals)
    app.after_request(_security_headers)
    return app


def _template_globals() -> dict[str, object]:
    """What every page's template may use: the one URL builder, the dataset's title, whether the
    data is the project's graph (else a user's files: pages claim nothing of the project's for it)
    and whether it has an ontology (else no /ontology to link to)."""
    if not has_request_context():
        return {}
    serving = service()
    return {"urls": urls.current(), "site_title": site_title(),
            "project_graph": serving.project_graph, "has_ontology": serving.has_ontology}


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
