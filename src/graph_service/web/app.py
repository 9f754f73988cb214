"""The app factory: the settings, the loaded store, and one blueprint per concern."""

from __future__ import annotations

from flask import Flask

from graph_service.config import Settings
from graph_service.graph import load_store
from graph_service.web import dataset, errors, resources, sparql, validate
from graph_service.web.state import Service


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask("graph_service.web")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["graph_service"] = Service(settings=settings, store=load_store(settings))
    errors.register(app)
    for module in (sparql, resources, validate, dataset):
        app.register_blueprint(module.bp)
    return app
