"""What every request needs, kept per serving process: the settings and the loaded store."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from graph_service.config import Settings


@dataclass
class Service:
    settings: Settings
    store: ox.Store


def service() -> Service:
    """The service of the running app."""
    return current_app.extensions["graph_service"]
