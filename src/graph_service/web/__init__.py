"""The web layer: a Flask app factory and one blueprint per concern. It depends on `graph`,
never the other way round."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Flask, current_app

from ..config import Settings
from ..graph.store import load_store


@dataclass
class Service:
    """What every request needs: the settings and the loaded store."""

    settings: Settings
    store: ox.Store


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False
    app.extensions["graph_service"] = Service(settings=settings, store=load_store(settings))

    from . import dataset, errors, resources, sparql, validate

    errors.register(app)
    for module in (sparql, resources, validate, dataset):
        app.register_blueprint(module.bp)
    return app


def service() -> Service:
    return current_app.extensions["graph_service"]
