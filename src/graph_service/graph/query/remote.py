"""A SPARQL 1.1 endpoint elsewhere (Virtuoso, Fuseki, QLever, GraphDB, Neptune) behind the
engine interface: the third engine, for a graph that outgrows one process.

The same rules hold as for the embedded engines, before anything leaves:
- every query is parsed in full (`safety.check_for_remote`): no update, no SERVICE, FROM and
  FROM NAMED only naming graphs of this dataset, no extension function (a store's own, such as
  Virtuoso's `bif:`, reaches its SQL engine), and nothing but standard SPARQL (Virtuoso's DEFINE
  pragmas would switch on its web crawler);
- the dataset is always sent explicitly (`default-graph-uri` / `named-graph-uri`): the store may
  hold other graphs (Virtuoso keeps its own system graphs), and a query sees only this dataset's;
- the time limit goes to the store where it takes one (`Dialect`, recognised by the `Server`
  header), and is enforced here in any case: the connection is bounded by the connect time limit,
  each read by what is left of the query's time;
- the answer is parsed as it arrives (pyoxigraph's streaming parsers over the socket) and reading
  stops at the result limit, so a huge answer is never held whole;
- a boolean comes back in its canonical form ("true"/"false"): Virtuoso has no boolean type in
  its SQL engine and writes a stored or cast `xsd:boolean` as "1"/"0" (same value, other term).

Connections are pooled (a `requests.Session` per engine). A store that cannot be reached, or
answers with a server error, is `StoreUnavailable` (the service answers 503); one that refuses a
query it was sent (a client error, or a server error its dialect says is the query's) is
`StoreRefused`.
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter

from graph_service.graph.query import safety
from graph_service.graph.query.engine import (
    Answer,
    QueryDataset,
    QueryResult,
    _graph_answer,
    _results_format,
    _select_answer,
    _take,
    check_format,
    graph_result,
    select_result,
    star_order,
)
from graph_service.graph.query.sandbox import QueryTimeout
from graph_service.graph.rdf import formats, write_boolean

#: A graph name no store holds: sent as the default graph when the query's is empty (FROM NAMED
#: only, or a protocol dataset naming no graph of this dataset), since sending none would mean
#: "the store's default graph", which on most stores is every graph it has.
EMPTY_GRAPH = "urn:graph-service:empty"
_RESULTS_ACCEPT = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples"
_CHUNK = 64 * 1024
_XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL_BOOLEAN = {"1": ox.Literal("true", datatype=_XSD_BOOLEAN),
                      "0": ox.Literal("false", datatype=_XSD_BOOLEAN)}


class StoreUnavailable(ConnectionError):
    """The store cannot be reached or failed (5xx); `str()` says which store and why."""


class StoreRefused(ValueError):
    """The store answered the query with a client error (4xx): its own message."""


class BadStoreAddress(ValueError):
    """The store's address is no http(s) URL: nothing was asked of it."""


@dataclass(frozen=True)
class Dialect:
    """What one kind of store understands beyond the protocol."""

    name: str
    #: Request parameters passing on a time limit of so many seconds.
    timeout_params: Callable[[float], dict[str, str]]
    #: Whether the response headers say the store stopped early and the answer is incomplete.
    cut_short: Callable[[Mapping[str, str]], bool]
    #: Whether a server error's message says the query failed there, not the store: the query
    #: is then refused (502), not the store reported away (503, "try again").
    query_failed: Callable[[str], bool] = lambda message: False


def _never(headers: Mapping[str, str]) -> bool:
    return False


#: Virtuoso answers 500 for a query its SPARQL compiler or SQL engine rejects ("Virtuoso 37000
#: Error SP031: ...", "Virtuoso 22003 Error SR586: ..."). SQLSTATE classes 22 (data exception),
#: 37 and 42 (syntax error or access rule violation) are the query's; others (08 connection,
#: 40 deadlock, HY/S1 resources and time-outs) are the store's.
_VIRTUOSO_QUERY_ERROR = re.compile(r"^Virtuoso (22|37|42)\w{3} Error\b")


#: By the product the `Server` header names. Virtuoso answers a query past its `timeout` (ms)
#: with the rows found so far ("anytime query") and says so only in `X-SQL-State: S1TAT`: that is
#: a timeout here, never a short answer. Fuseki takes `timeout` in seconds.
DIALECTS: dict[str, Dialect] = {
    "virtuoso": Dialect("virtuoso", lambda s: {"timeout": str(max(1, int(s * 1000)))},
                        lambda h: h.get("X-SQL-State", "").strip() == "S1TAT",
                        lambda message: _VIRTUOSO_QUERY_ERROR.match(message) is not None),
    "fuseki": Dialect("fuseki", lambda s: {"timeout": f"{s:g}"}, _never),
}
GENERIC = Dialect("sparql", lambda s: {}, _never)


class RemoteStore:
    """HTTP to one SPARQL endpoint: pooled connections, connect and read time limits."""

    def __init__(self, url: str, *, connect_timeout: float = 3.0, pool_size: int = 8) -> None:
        if not url.startswith(("http://", "https://")):
            raise BadStoreAddress(f"the store {url!r} is not an http(s) URL")
        self.url = url
        self.connect_timeout = connect_timeout
        self.dialect = GENERIC
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy from the environment between us and the store
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._lock = threading.Lock()

    def post(self, sparql: str, *, accept: str, dataset: QueryDataset,
             deadline: float) -> requests.Response:
        """The store's streaming response to `sparql` over `dataset`; raises `StoreUnavailable`,
        `StoreRefused` or `QueryTimeout`."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise QueryTimeout("stopped after the time limit before the store was asked")
        data: list[tuple[str, str]] = [("query", sparql)]
        data += [("default-graph-uri", g) for g in dataset.default_graphs or (EMPTY_GRAPH,)]
        data += [("named-graph-uri", g) for g in dataset.named_graphs]
        data += list(self.dialect.timeout_params(remaining).items())
        try:
            resp = self._session.post(self.url, data=data, headers={"Accept": accept}, stream=True,
                                      timeout=(min(self.connect_timeout, remaining), remaining))
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                raise StoreUnavailable(self._cannot(exc)) from None
            raise QueryTimeout("stopped after the time limit: the store had not answered") from None
        except requests.RequestException as exc:
            raise StoreUnavailable(self._cannot(exc)) from None
        self._learn(resp.headers)
        if resp.status_code >= 400:
            message = _message(resp)
            resp.close()
            if resp.status_code >= 500 and not self.dialect.query_failed(message):
                raise StoreUnavailable(f"the store at {self.url} failed ({resp.status_code}): {message}")
            raise StoreRefused(f"the store refused the query ({resp.status_code}): {message}")
        if self.dialect.cut_short(resp.headers):
            resp.close()
            raise QueryTimeout("stopped after the time limit (the store stopped the query)")
        return resp

    def ping(self, timeout: float = 2.0) -> str | None:
        """None when the store answers a trivial query within `timeout`, else why not."""
        try:
            resp = self._session.get(self.url, params={"query": "ASK {}"},
                                     headers={"Accept": _RESULTS_ACCEPT},
                                     timeout=(min(self.connect_timeout, timeout), timeout))
        except requests.RequestException as exc:
            return self._cannot(exc)
        with resp:
            if resp.status_code != 200:
                return f"the store at {self.url} answers {resp.status_code}: {_message(resp)}"
        self._learn(resp.headers)
        return None

    def close(self) -> None:
        self._session.close()

    def _learn(self, headers: Mapping[str, str]) -> None:
        server = headers.get("Server", "").lower()
        dialect = next((d for key, d in DIALECTS.items() if key in server), None)
        if dialect is not None and dialect is not self.dialect:
            with self._lock:
                self.dialect = dialect

    def _cannot(self, exc: Exception) -> str:
        return unanswered(self.url, exc)


def unanswered(url: str, exc: Exception) -> str:
    """Why a store's request failed, in words (`requests` names only its exception's class)."""
    reason = exc.__class__.__name__
    if isinstance(exc, requests.ConnectionError):
        reason = "connection refused" if "refused" in str(exc).lower() else "cannot connect"
    if isinstance(exc, requests.Timeout):
        reason = "no answer in time"
    return f"the store at {url} does not answer ({reason})"


class RemoteEngine:
    """Queries answered by a remote store, over this dataset's named graphs only."""

    name = "remote"

    def __init__(self, store: RemoteStore, graph_names: Iterable[str], *, timeout: float) -> None:
        self.store = store
        self.graph_names = frozenset(graph_names)
        self.timeout = timeout

    # The two steps `answer` takes, apart: the runner vets in its sandboxed child (a parse that
    # cannot hold up the serving process) and asks the store from the parent (which may connect).

    def prepare(self, sparql: str, dataset: QueryDataset | None) -> tuple[str, QueryDataset]:
        """Vet the query; its form and the dataset to send. Raises `safety.UnsafeQuery` or
        `SyntaxError` like the embedded engines."""
        shape = safety.check_for_remote(sparql, allowed_graphs=self.graph_names)
        if dataset is None:
            if shape.has_dataset:
                dataset = QueryDataset(shape.from_graphs, shape.from_named)
            else:
                everything = tuple(sorted(self.graph_names))
                dataset = QueryDataset(everything, everything)
        # A graph outside this dataset is empty here, whatever the store holds under that name.
        dataset = QueryDataset(tuple(g for g in dataset.default_graphs if g in self.graph_names),
                               tuple(g for g in dataset.named_graphs if g in self.graph_names))
        return shape.form, dataset

    def fetch(self, sparql: str, form: str, dataset: QueryDataset, *,
              results_format: formats.Format | None, graph_format: formats.Format | None,
              limit: int | None, base_iri: str | None, deadline: float | None = None) -> Answer:
        """Ask the store (after `prepare`) and write its answer in the format asked for, by
        `deadline` (`time.monotonic()`; default: the engine's time limit from now)."""
        deadline = deadline if deadline is not None else time.monotonic() + self.timeout
        if form == "ask":
            fmt = check_format("ask", results_format)
            return Answer("ask", write_boolean(self._boolean(sparql, dataset, base_iri, deadline),
                                               _results_format(fmt)), fmt.name, 1)
        if form == "select":
            fmt = check_format("select", results_format)
            with self._solutions(sparql, dataset, base_iri, deadline) as (variables, solutions):
                sols, truncated = _take(solutions, limit)
            return _select_answer(variables, star_order(sparql, variables), sols, truncated, fmt)
        fmt = check_format("graph", graph_format)
        with self._triples(sparql, dataset, base_iri, deadline) as triples_iter:
            triples, truncated = _take(triples_iter, limit)
        return Answer("graph", _graph_answer(triples, fmt), fmt.name, len(triples), truncated)

    def answer(self, sparql: str, *, results_format: formats.Format | None,
               graph_format: formats.Format | None, dataset: QueryDataset | None = None,
               limit: int | None = None, base_iri: str | None = None) -> Answer:
        form, chosen = self.prepare(sparql, dataset)
        return self.fetch(sparql, form, chosen, results_format=results_format, graph_format=graph_format,
                          limit=limit, base_iri=base_iri)

    def query(self, sparql: str, *, dataset: QueryDataset | None = None,
              limit: int | None = None, base_iri: str | None = None) -> QueryResult:
        form, chosen = self.prepare(sparql, dataset)
        deadline = time.monotonic() + self.timeout
        if form == "ask":
            return QueryResult("ask", boolean=self._boolean(sparql, chosen, base_iri, deadline))
        if form == "select":
            with self._solutions(sparql, chosen, base_iri, deadline) as (variables, solutions):
                return select_result(sparql, variables, solutions, limit)
        with self._triples(sparql, chosen, base_iri, deadline) as triples_iter:
            return graph_result(triples_iter, limit)

    # --- asking ----------------------------------------------------------------------------------

    def _send(self, sparql: str, dataset: QueryDataset, base_iri: str | None, accept: str,
              deadline: float) -> tuple[requests.Response, _DeadlineReader]:
        if base_iri:
            # On the query's first line, so the store's line numbers stay the user's; a BASE of
            # the query's own comes later and wins, as the grammar has it.
            sparql = f"BASE <{base_iri}> {sparql}"
        resp = self.store.post(sparql, accept=accept, dataset=dataset, deadline=deadline)
        return resp, _DeadlineReader(resp, deadline, self.store.url)

    def _boolean(self, sparql: str, dataset: QueryDataset, base_iri: str | None, deadline: float) -> bool:
        resp, reader = self._send(sparql, dataset, base_iri, _RESULTS_ACCEPT, deadline)
        with resp, reader.translating():
            parsed = ox.parse_query_results(io.BufferedReader(reader, _CHUNK), ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                return bool(parsed)
            # Virtuoso 7.2 answers ASK in JSON as a one-column table (`__ASK_RETVAL`, 1 or none).
            return any(sol[0] is not None and sol[0].value in ("1", "true") for sol in parsed)

    class _Solutions:
        def __init__(self, engine: RemoteEngine, sparql: str, dataset: QueryDataset,
                     base_iri: str | None, deadline: float) -> None:
            self.resp, self.reader = engine._send(sparql, dataset, base_iri, _RESULTS_ACCEPT, deadline)

        def __enter__(self) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
            self._ctx = self.reader.translating()
            self._ctx.__enter__()
            stream = io.BufferedReader(self.reader, _CHUNK)
            parsed = ox.parse_query_results(stream, ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                raise StoreRefused("the store answered a SELECT with a boolean")
            variables = [v.value for v in parsed.variables]
            return variables, (tuple(_canonical(t) for t in sol) for sol in parsed)

        def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
            self.resp.close()  # stop reading: whatever is left is not wanted
            self._ctx.__exit__(kind, exc, tb)

    def _solutions(self, sparql: str, dataset: QueryDataset, base_iri: str | None,
                   deadline: float) -> RemoteEngine._Solutions:
        return RemoteEngine._Solutions(self, sparql, dataset, base_iri, deadline)

    class _Triples:
        def __init__(self, engine: RemoteEngine, sparql: str, dataset: QueryDataset,
                     base_iri: str | None, deadline: float) -> None:
            self.resp, self.reader = engine._send(sparql, dataset, base_iri, _GRAPH_ACCEPT, deadline)

        def __enter__(self) -> Iterator[ox.Triple]:
            self._ctx = self.reader.translating()
            self._ctx.__enter__()
            quads = ox.parse(io.BufferedReader(self.reader, _CHUNK), format=ox.RdfFormat.N_TRIPLES)
            return (ox.Triple(q.subject, q.predicate, _canonical(q.object)) for q in quads)

        def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
            self.resp.close()
            self._ctx.__exit__(kind, exc, tb)

    def _triples(self, sparql: str, dataset: QueryDataset, base_iri: str | None,
                 deadline: float) -> RemoteEngine._Triples:
        return RemoteEngine._Triples(self, sparql, dataset, base_iri, deadline)


class _DeadlineReader(io.RawIOBase):
    """The response body as a raw stream whose every read is bounded by what is left of the
    query's time: the socket's timeout is set to it before each read."""

    def __init__(self, resp: requests.Response, deadline: float, url: str) -> None:
        self._raw = resp.raw
        self._raw.decode_content = True
        self._deadline = deadline
        self._url = url
        self.timed_out = False
        self.broken: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            self.timed_out = True
            raise OSError("time limit")
        sock = _socket_of(self._raw)
        if sock is not None:
            sock.settimeout(remaining)
        try:
            data = self._raw.read(len(buffer))
        except Exception as exc:  # urllib3's ReadTimeoutError, ProtocolError ...
            if "timed out" in str(exc).lower():
                self.timed_out = True
            else:
                self.broken = str(exc)
            raise OSError(str(exc)) from None
        buffer[:len(data)] = data
        return len(data)

    class _Translating:
        def __init__(self, reader: _DeadlineReader) -> None:
            self.reader = reader

        def __enter__(self) -> None:
            return None

        def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
            if exc is None or not isinstance(exc, OSError | SyntaxError | ValueError):
                return
            if self.reader.timed_out:
                raise QueryTimeout("stopped after the time limit while the store's answer arrived") from None
            if self.reader.broken is not None:
                raise StoreUnavailable(f"the store at {self.reader._url} broke off its answer "
                                       f"({self.reader.broken})") from None
            if isinstance(exc, SyntaxError):
                raise StoreRefused(f"the store's answer could not be read: {exc}") from None

    def translating(self) -> _DeadlineReader._Translating:
        """A context in which a failed read becomes `QueryTimeout` or `StoreUnavailable`."""
        return _DeadlineReader._Translating(self)


def _canonical(term: Any) -> Any:
    """`term`, with an `xsd:boolean` written "1"/"0" in its canonical form."""
    if isinstance(term, ox.Literal) and term.datatype == _XSD_BOOLEAN:
        return _CANONICAL_BOOLEAN.get(term.value, term)
    return term


def _socket_of(raw: Any) -> socket.socket | None:
    """The socket under a urllib3 response, where urllib3 lets it be reached."""
    connection = getattr(raw, "connection", None) or getattr(raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _message(resp: requests.Response) -> str:
    """The first line or so of an error body (stores send a page, a stack or a sentence)."""
    try:
        text = resp.raw.read(2000, decode_content=True).decode("utf-8", "replace")
    except Exception:
        return resp.reason or "no message"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])[:300] or resp.reason or "no message"
