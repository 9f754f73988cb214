"""What every request needs, kept per serving process: the settings and the store on disk."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from graph_service.config import Settings
from graph_service.graph import DiskStore, Names, Served, SlotBudget, names


@dataclass
class Service:
    settings: Settings
    #: The prepared store the query processes open (read-only), and what it holds.
    store: DiskStore
    #: What was loaded: the snapshot's hash, size and build time (for /readyz).
    served: Served
    #: The query slots, shared by all serving processes (None: this process's own).
    slot_budget: SlotBudget | None = field(default=None)

    @property
    def names(self) -> Names:
        """The project's namespaces and graph names under the base the graph is served under."""
        return names(self.settings.base_iri)


def service() -> Service:
    """The service of the running app."""
    extension: Service = current_app.extensions["graph_service"]
    return extension
