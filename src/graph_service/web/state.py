"""What every request needs, kept per serving process: the settings and the loaded store."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import current_app

from graph_service.config import Settings
from graph_service.graph import Names, Served, names


@dataclass
class Service:
    settings: Settings
    store: ox.Store
    #: What was loaded: the snapshot's hash, size and build time (for /readyz).
    served: Served

    @property
    def names(self) -> Names:
        """The project's namespaces and graph names under the base the graph is served under."""
        return names(self.settings.base_iri)


def service() -> Service:
    """The service of the running app."""
    extension: Service = current_app.extensions["graph_service"]
    return extension
