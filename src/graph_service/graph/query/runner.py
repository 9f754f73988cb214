"""Running users' queries for the endpoint: vetted, isolated, and within the service's limits.

Each process that serves queries (a gunicorn worker) owns one `QueryRunner`: the engine over the
loaded store, and one long-lived child forked from it (`sandbox.IsolatedWorker`) in which every
query is vetted and answered. The child cannot open Internet sockets and has a memory cap; a query
past the time limit kills it, and the next query gets a fresh child. The parent never parses or
runs user SPARQL itself, so not even a pathological parse can hold it up.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph_service.config import Settings
from graph_service.graph.query.engine import Answer, Engine, QueryDataset, make_engine
from graph_service.graph.query.sandbox import IsolatedWorker
from graph_service.graph.rdf import formats


class QueryRunner:
    def __init__(self, engine: Engine, *, timeout: float, result_limit: int | None,
                 memory_limit: int | None = None, network_guard: bool = True) -> None:
        self.engine = engine
        self.timeout = timeout
        self.result_limit = result_limit
        self._worker = IsolatedWorker(self._answer, memory_limit=memory_limit,
                                      allow_network=not network_guard)

    @classmethod
    def from_settings(cls, settings: Settings, store: ox.Store) -> QueryRunner:
        return cls(make_engine(settings.engine, store), timeout=settings.query_timeout,
                   result_limit=settings.result_limit or None,
                   memory_limit=settings.query_memory_bytes, network_guard=settings.network_guard)

    def answer(self, sparql: str, *, results_format: formats.Format | None,
               graph_format: formats.Format | None, dataset: QueryDataset | None = None,
               base_iri: str | None = None) -> Answer:
        """The serialised answer; raises `safety.UnsafeQuery`, `SyntaxError`,
        `engine.FormatMismatch`, `sandbox.QueryTimeout` or `sandbox.IsolatedError`."""
        return self._worker.call(sparql, results_format.name if results_format else None,
                                 graph_format.name if graph_format else None, dataset, base_iri,
                                 timeout=self.timeout)

    def close(self) -> None:
        self._worker.close()

    def _answer(self, sparql: str, results_name: str | None, graph_name: str | None,
                dataset: QueryDataset | None, base_iri: str | None) -> Answer:
        # Runs in the child.
        return self.engine.answer(sparql, dataset=dataset, limit=self.result_limit, base_iri=base_iri,
                                  results_format=formats.by_name(results_name) if results_name else None,
                                  graph_format=formats.by_name(graph_name) if graph_name else None)
