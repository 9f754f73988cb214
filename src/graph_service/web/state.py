"""What every request needs, kept per serving process: the settings and the data it serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from flask import current_app

from graph_service.config import Settings, answered_bases
from graph_service.graph import DiskStore, Loaded, Names, Served, SlotBudget, names


@dataclass
class Service:
    settings: Settings
    #: The data: the prepared store on disk and, when small, its copies in memory.
    loaded: Loaded
    #: The query slots, shared by all serving processes (None: this process's own).
    slot_budget: SlotBudget | None = field(default=None)

    @property
    def served(self) -> Served:
        """What was loaded: the snapshot's hash, size and build time (for /readyz)."""
        return self.loaded.served

    @property
    def store(self) -> DiskStore:
        """The prepared store the query processes open (read-only), and what it holds."""
        return self.loaded.store

    @property
    def names(self) -> Names:
        """The project's namespaces and graph names under the base the graph is served under."""
        return names(self.settings.base_iri)

    @cached_property
    def project_graph(self) -> bool:
        """Whether the data served is the project's graph: its snapshot, or a copy of it (an
        export served as a file, a store `load` filled), told by the project's facts graph, as
        the Turtle dump tells it (`dumps.dump_quads`). A user's own files (`serve FILE`) have
        none: what the service publishes of them claims nothing of the project's (no licence,
        publisher, source or article; dumps and graphs described by what the files hold)."""
        if not self.settings.serve_files and not self.settings.store:
            return True
        bases = answered_bases(self.settings.base_iri)
        return any(str(names(base).facts_graph) in self.store.graphs for base in bases)

    @cached_property
    def has_ontology(self) -> bool:
        """Whether the data served has an ontology graph under the base it is served at (what
        /ontology serves: an export of the project served under another base has none there)."""
        return str(self.names.ontology_graph) in self.store.graphs


def service() -> Service:
    """The service of the running app."""
    extension: Service = current_app.extensions["graph_service"]
    return extension
