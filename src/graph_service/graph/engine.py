"""Query engines behind one interface: pyoxigraph serves, rdflib is the reference.

Both see the same dataset: the named graphs of the store, with their union as the default graph.
Safety (no SERVICE, no FROM that loads documents, time limits) is enforced around the engines,
not inside them; see `graph.safety` and the executor used by the web layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Identifier

from . import formats
from .terms import from_rdflib, to_rdflib

Form = Literal["select", "ask", "graph"]


@dataclass
class QueryResult:
    """An engine-neutral answer: rows of rdflib terms, a boolean, or triples."""

    form: Form
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Identifier]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Identifier, Identifier, Identifier]] = field(default_factory=list)
    #: True when the result limit cut the answer.
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows) if self.form == "select" else len(self.triples)

    def serialize(self, fmt: formats.Format) -> bytes:
        """The answer in a results format (SELECT/ASK) or an RDF format (CONSTRUCT/DESCRIBE)."""
        if self.form == "graph":
            if not isinstance(fmt.oxigraph, ox.RdfFormat) or fmt.kind == "dataset":
                raise ValueError(f"{fmt.label} cannot hold the triples of a CONSTRUCT or DESCRIBE")
            from ..namespace import PREFIXES

            triples = [ox.Triple(*(from_rdflib(t) for t in tr)) for tr in self.triples]
            prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
            if fmt.oxigraph in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
                return ox.serialize(triples, format=fmt.oxigraph)
            return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes)
        if not isinstance(fmt.oxigraph, ox.QueryResultsFormat):
            raise ValueError(f"{fmt.label} cannot hold SELECT or ASK results")
        if self.form == "ask":
            return ox.QueryBoolean(bool(self.boolean)).serialize(format=fmt.oxigraph)
        # Serialise through a transient store-free path: pyoxigraph builds solutions from a query,
        # so we rebuild them as VALUES and let pyoxigraph write every results format the same way.
        return _solutions_bytes(self.variables, self.rows, fmt.oxigraph)


def _solutions_bytes(variables: list[str], rows: list[dict[str, Identifier]],
                     fmt: ox.QueryResultsFormat) -> bytes:
    from .results import write_solutions

    return write_solutions(variables, rows, fmt)


class Engine(Protocol):
    name: str

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, limit: int | None = None) -> QueryResult: ...


class OxigraphEngine:
    """pyoxigraph over an in-memory store; the union of named graphs is the default graph."""

    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, limit: int | None = None) -> QueryResult:
        kwargs: dict[str, object] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        answer = self.store.query(sparql, **kwargs)
        return from_oxigraph(answer, limit)


def from_oxigraph(answer: object, limit: int | None = None) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[dict[str, Identifier]] = []
        truncated = False
        for sol in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append({v: to_rdflib(sol[v]) for v in variables if sol[v] is not None})
        return QueryResult("select", variables=variables, rows=rows, truncated=truncated)
    triples = []
    truncated = False
    for t in answer:  # QueryTriples
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return QueryResult("graph", triples=triples, truncated=truncated)


class RdflibEngine:
    """rdflib's own SPARQL engine over the same quads: slow, but the reference."""

    name = "rdflib"

    def __init__(self, store: ox.Store) -> None:
        self.dataset = Dataset(default_union=True)
        for q in store:
            g = to_rdflib(q.graph_name)
            ctx = self.dataset.graph(g) if g is not None else self.dataset.default_context
            ctx.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, limit: int | None = None) -> QueryResult:
        target: Graph | Dataset = self.dataset
        if default_graphs:
            from rdflib import URIRef

            merged = Graph()
            for g in default_graphs:
                merged += self.dataset.graph(URIRef(g))
            target = merged
        res = target.query(sparql)
        if res.type == "ASK":
            return QueryResult("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars]
            rows = [{str(k): v for k, v in row.asdict().items() if v is not None} for row in res]
            truncated = limit is not None and len(rows) > limit
            return QueryResult("select", variables=variables, rows=rows[:limit] if limit else rows,
                               truncated=truncated)
        triples = list(res.graph) if res.graph is not None else []
        truncated = limit is not None and len(triples) > limit
        return QueryResult("graph", triples=triples[:limit] if limit else triples, truncated=truncated)


ENGINES: dict[str, type] = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}


def make_engine(name: str, store: ox.Store) -> Engine:
    try:
        return ENGINES[name](store)
    except KeyError:
        raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}") from None


def iter_rows(result: QueryResult) -> Iterator[list[Identifier | None]]:
    for row in result.rows:
        yield [row.get(v) for v in result.variables]
