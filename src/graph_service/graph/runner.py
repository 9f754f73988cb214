"""Running users' queries for the endpoint: vetted, isolated, and within the service's limits.

Each process that serves queries (a gunicorn worker) owns one `QueryRunner`: the engine over the
loaded store, and one long-lived child forked from it (`sandbox.IsolatedWorker`) in which every
query is vetted and answered. The child cannot open Internet sockets and has a memory cap; a query
past the time limit kills it, and the next query gets a fresh child. The parent never parses or
runs user SPARQL itself, so not even a pathological parse can hold it up.
"""

from __future__ import annotations

from ..config import Settings
from . import formats
from .engine import Answer, Engine, QueryDataset, make_engine
from .sandbox import IsolatedWorker


class QueryRunner:
    def __init__(self, engine: Engine, *, timeout: float, result_limit: int | None,
                 memory_limit: int | None = None) -> None:
        self.engine = engine
        self.timeout = timeout
        self.result_limit = result_limit
        self._worker = IsolatedWorker(self._answer, memory_limit=memory_limit)

    @classmethod
    def from_settings(cls, settings: Settings, store) -> QueryRunner:  # noqa: ANN001 - ox.Store
        return cls(make_engine(settings.engine, store), timeout=settings.query_timeout,
                   result_limit=settings.result_limit or None,
                   memory_limit=settings.query_memory_mb * 2**20 if settings.query_memory_mb else None)

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
