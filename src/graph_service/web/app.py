"""The app factory: the settings, the loaded store, and one blueprint per concern."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

from graph_service.config import Settings
from graph_service.graph import Loaded, SlotBudget, load_serving
from graph_service.web import (
    atlas,
    dataset,
    errors,
    health,
    installed,
    ontology,
    resources,
    search,
    sparql,
    urls,
    validate,
)
from graph_service.web.description import page_terms, site_title
from graph_service.web.documents import check_path, readable_body
from graph_service.web.endpoint import endpoint_of
from graph_service.web.headers import EXPOSED_HEADERS, OPEN_TO_SCRIPTS, secure
from graph_service.web.host import check_host
from graph_service.web.protocol import ProtocolFront
from graph_service.web.state import Service, service


def create_app(settings: Settings | None = None, slot_budget: SlotBudget | None = None,
               loaded: Loaded | None = None) -> Flask:
    """The app; `slot_budget`: the query slots it shares with other serving processes (by
    default, its own); `loaded`: the data as a server's main process loaded it for its workers
    (by default, loaded here)."""
    settings = settings or Settings.from_env()
    app = Flask("graph_service.web")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    loaded = loaded or load_serving(settings)
    app.extensions["graph_service"] = Service(settings=settings, loaded=loaded, slot_budget=slot_budget)
    app.url_map.converters["path"] = urls.AnyPath
    CORS(app, resources=OPEN_TO_SCRIPTS, origins="*", send_wildcard=True, supports_credentials=False,
         expose_headers=EXPOSED_HEADERS, max_age=86400, vary_header=True)
    errors.register(app)
    for module in (health, sparql, resources, ontology, search, validate, dataset, atlas):
        app.register_blueprint(module.bp)
    # Before anything reads the host the service names itself by.
    app.before_request(check_host)
    # Paths no IRI of ours can have (NUL, encoded slashes, dot segments...) are 400 on every route.
    app.before_request(check_path)
    app.before_request(_readable_body)
    app.context_processor(_template_globals)
    app.after_request(secure)
    # Programs' queries are answered before the app (see `protocol`: the app's own work per
    # request was half the cost of a small query).
    app.wsgi_app = ProtocolFront(app.wsgi_app, endpoint_of(app))  # type: ignore[method-assign]
    if settings.proxies:
        # Behind a reverse proxy the public scheme, host and path prefix are the proxy's: links,
        # redirects and the service description must name them (the front's answers included).
        n = settings.proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    return app


def _template_globals() -> dict[str, object]:
    """What every page's template may use: the one URL builder, the dataset's title, whether the
    data is the project's graph (else a user's files: pages claim nothing of the project's for it)
    and whether it has an ontology (else no /ontology to link to); the dataset's licence and
    rights, for the footer (a page shows the article's quotes, which the licence does not cover)."""
    if not has_request_context():
        return {}
    serving = service()
    licences, rights = page_terms()
    return {"urls": urls.current(), "site_title": site_title(), "site_licences": licences,
            "site_rights": rights, "project_graph": serving.project_graph,
            "has_ontology": serving.has_ontology, "has_editor": installed.has_editor()}


def _readable_body() -> None:
    # A URL with no route, or a method it does not take, is told so (404, 405) whatever its body.
    if request.routing_exception is None:
        readable_body(request, current_app.config["MAX_CONTENT_LENGTH"])
