"""Running users' queries for the endpoint: vetted, isolated, and within the service's limits.

Each process that serves queries (a gunicorn worker) owns one `QueryRunner`: the engine over the
store, and its query slots (`slots.QuerySlots`): long-lived children forked from it, in which
every query is vetted and answered, with a bounded, per-client-fair queue in front. A child
cannot open Internet sockets and has a memory cap; a query past the time limit kills it, and the
slot gets a fresh child. The parent never parses or runs user SPARQL itself, so not even a
pathological parse can hold it up; it only estimates the cost of a short query that is still
running after 20 ms (`LATE_ESTIMATE_CHARS`), a single linear pass over its text.

With a remote store (`query.remote`), the child only vets the query (no parse in the parent,
and the child cannot reach the network anyway); the parent then asks the store, within the same
time limit, over its pooled connections.

Answers are kept (`AnswerCache`, least recently used first out, bounded in bytes): the store a
runner serves never changes (a new snapshot means new worker processes), so the same query in the
same formats has the same answer, and asking again costs a dictionary lookup. Queries whose
answer may change from one run to the next (NOW, RAND, UUID, STRUUID, BNODE) are not kept.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox

from graph_service.config import Settings
from graph_service.graph.query import cost
from graph_service.graph.query.engine import (
    Answer,
    Engine,
    FormatMismatch,
    QueryDataset,
    make_engine,
    readable,
)
from graph_service.graph.query.remote import RemoteEngine, RemoteStore
from graph_service.graph.query.safety import UnsafeQuery, expand_escapes, without_plain_comments
from graph_service.graph.query.sandbox import Late
from graph_service.graph.query.slots import QuerySlots, SlotBudget
from graph_service.graph.query.store import DiskStore
from graph_service.graph.rdf import TableTooLarge, formats, query_prefixes, text_table

_VOLATILE = re.compile(r"\b(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def _volatile(sparql: str) -> bool:
    """Whether the query calls a function whose value changes from one run to the next, with
    comments and codepoint escapes read as the parser reads them (`NOW#x⏎()` is NOW() too)."""
    lowered = sparql.lower()
    if not any(word in lowered for word in ("now", "rand", "uuid", "bnode", "\\u")):
        return False  # the common case, without the two passes over the text
    # Only the comments nothing before them could hold go (`strip_comments` took `ex:a\\#b NOW()`
    # for one): a NOW() left in a kept comment only means an answer not cached.
    return _VOLATILE.search(without_plain_comments(expand_escapes(sparql))) is not None


#: Query processes each serving process starts with; the other slots start on first use.
_PRESTART = 2
#: A query at most this long has its cost estimated only if it has not answered after
#: `ESTIMATE_AFTER` seconds, and then by the serving process; a longer one first, by its query
#: process. Most queries answer well within that time, and the estimate would cost them a
#: quarter of their query process's time (example 01: 169 µs, half as long as its engine takes):
#: throughput on 01 at 8 clients went from 0.69x the bare app's to 0.80x. An explosive query is
#: stopped after that time rather than at once, far from its time limit either way. The length
#: bounds what the serving process's request thread spends on the estimate (about 3 ms at most,
#: for the densest text); a longer text is estimated where its time is its own, in its query
#: process. The 20 ms count from when the query process is ready: one forked for the query (the
#: slot's first, or after a query was stopped) first opens its store.
LATE_ESTIMATE_CHARS = 4_000
ESTIMATE_AFTER = 0.02


def late_cost_check(sparql: str, *, max_product: int = cost.MAX_PRODUCT,
                    max_nesting: int = cost.MAX_NESTING) -> Late | None:
    """For a query of at most `LATE_ESTIMATE_CHARS`, the check that stops it as too costly
    (`cost.TooCostly`) if it is still running `ESTIMATE_AFTER` seconds after its query process
    was ready (`IsolatedWorker.call`'s `late`); for a longer one None: estimate it before it runs."""
    if len(sparql) > LATE_ESTIMATE_CHARS:
        return None

    def check(seconds: float) -> None:
        cost.check_cost(sparql, max_product=max_product, max_nesting=max_nesting,
                        verdict=f"stopped after {seconds * 1000:.0f} ms")
    return Late(ESTIMATE_AFTER, check)


CacheKey = tuple[str, str | None, str | None, QueryDataset | None, str | None]


class AnswerCache:
    """Answers by query, formats, dataset and base, least recently used first out, at most
    `max_bytes` of answer bodies in all (an answer larger than a tenth of that is not kept)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[CacheKey, Answer] = OrderedDict()
        self._bytes = 0
        # Request threads share it (gthread workers).
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: CacheKey, answer: Answer) -> None:
        with self._lock:
            if len(answer.body) > self.max_bytes // 10 or key in self._answers:
                return
            self._answers[key] = answer
            self._bytes += len(answer.body)
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)


class AnswerTooLarge(UnsafeQuery):
    """An answer over the service's size in bytes; `str()` says by how much."""


class QueryRunner:
    def __init__(self, engine: Engine, *, timeout: float, result_limit: int | None,
                 max_answer_bytes: int | None = None, memory_limit: int | None = None,
                 network_guard: bool = True,
                 cache_bytes: int = 32 * 2**20, budget: SlotBudget | None = None,
                 prestart: int = 0, snapshot: str = "", max_product: int = cost.MAX_PRODUCT,
                 max_nesting: int = cost.MAX_NESTING) -> None:
        self.engine = engine
        self.max_product = max_product
        self.max_nesting = max_nesting
        #: What identifies the data (a snapshot's hash): part of every answer's tag.
        self.snapshot = snapshot
        self.timeout = timeout
        self.result_limit = result_limit
        self.max_answer_bytes = max_answer_bytes
        self.cache = AnswerCache(cache_bytes)
        #: Formats asked of an answer that could not hold it, by what was asked: refused again at once.
        self._mismatches: OrderedDict[CacheKey, FormatMismatch] = OrderedDict()
        self._lock = threading.Lock()
        handler = self._prepare if isinstance(engine, RemoteEngine) else self._answer
        warm = getattr(engine, "warm", None) if not isinstance(engine, RemoteEngine) else None
        self.slots = QuerySlots(handler, budget or SlotBudget(1, queue=0, per_client=1),
                                timeout=timeout, memory_limit=memory_limit,
                                allow_network=not network_guard, on_start=warm, prestart=prestart)

    @classmethod
    def from_settings(cls, settings: Settings, store: ox.Store | DiskStore,
                      budget: SlotBudget | None = None, snapshot: str = "") -> QueryRunner:
        """The runner of the serving process: over `store`, or over the remote store the settings
        name (`store` then holds its copy, and names the dataset's graphs); drawing on `budget`
        (shared by the serving processes; by default one of its own, sized by the settings);
        `snapshot` identifies the data (its hash)."""
        engine: Engine
        if settings.store:
            remote = RemoteStore(settings.store, connect_timeout=settings.store_connect_timeout)
            names = (store.graph_names if isinstance(store, DiskStore)
                     else frozenset(g.value for g in store.named_graphs()))
            engine = RemoteEngine(remote, names, timeout=settings.query_timeout)
        else:
            engine = make_engine(settings.engine, store)
        return cls(engine, timeout=settings.query_timeout,
                   result_limit=settings.result_limit or None, max_answer_bytes=settings.max_answer_bytes,
                   memory_limit=settings.query_memory_bytes, network_guard=settings.network_guard,
                   budget=budget or slot_budget(settings), prestart=_PRESTART, snapshot=snapshot,
                   max_product=settings.query_max_product, max_nesting=settings.query_max_nesting)

    def answer(self, sparql: str, *, results_format: formats.Format | None,
               graph_format: formats.Format | None, dataset: QueryDataset | None = None,
               base_iri: str | None = None, client: str = "", gone: Callable[[], bool] | None = None,
               timeout: float | None = None) -> Answer:
        """The serialised answer; raises `safety.UnsafeQuery` (`cost.TooCostly` for a query the
        estimate refuses), `SyntaxError`,
        `engine.FormatMismatch`, `sandbox.QueryTimeout`, `sandbox.IsolatedError`, or when no
        slot can be had, `slots.Busy` (`OverShare`, `QueueFull`) or `slots.ClientGone`.
        `client` names who asks (for the per-client share); `gone()` says whether they left;
        `timeout` lowers the time limit for this query (`time_limit`), never raises it."""
        key: CacheKey = (sparql, results_format.name if results_format else None,
                         graph_format.name if graph_format else None, dataset, base_iri)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with self._lock:
            mismatch = self._mismatches.get(key)
        if mismatch is not None:
            raise mismatch
        try:
            answer = self._computed(key, results_format, graph_format, client, gone, timeout)
        except FormatMismatch as exc:
            # Asked again (a client whose Accept takes another format next is answered in it,
            # `web.protocol`), it is refused without running the query once more.
            if not _volatile(sparql):
                with self._lock:
                    self._mismatches[key] = exc
                    while len(self._mismatches) > _MISMATCHES_KEPT:
                        self._mismatches.popitem(last=False)
            raise
        if not _volatile(sparql):
            # Tagged by what was asked of which data, not by hashing the body: the same key on
            # the same snapshot has the same answer (the cache relies on it too). Weak, as two
            # processes may order an unordered answer differently.
            # Of the format written, not of both asked: an ASK answered as JSON has one tag whether
            # the request named a graph format for a CONSTRUCT too or not.
            written = (sparql, answer.format, None, dataset, base_iri)
            answer = replace(answer, tag=f"W/\"{_digest(self.snapshot, written)}\"")
            self.cache.put(key, answer)
        return answer

    def _computed(self, key: CacheKey, results_format: formats.Format | None,
                  graph_format: formats.Format | None, client: str,
                  gone: Callable[[], bool] | None, timeout: float | None) -> Answer:
        sparql, _, _, dataset, base_iri = key
        answer: Answer
        limit = self.time_limit(timeout)
        if isinstance(self.engine, RemoteEngine):
            deadline = time.monotonic() + limit
            # The store's time is the query's: held for the fetch too, or one client's queries
            # would run at the store beyond its share, and beyond the service's slots.
            with self.slots.admitted(client, hold=limit, gone=gone):
                form, chosen = self.slots.run(sparql, dataset, timeout=limit)
                fetched = readable(self.engine.fetch(
                    sparql, form, chosen, results_format=_written_as(results_format),
                    graph_format=graph_format, limit=self.result_limit, base_iri=base_iri,
                    deadline=deadline))
            answer = _laid_out(fetched, results_format, sparql, self.max_answer_bytes)
            self._check_size(answer)
        else:
            late = late_cost_check(sparql, max_product=self.max_product, max_nesting=self.max_nesting)
            answer = self.slots.call(*key, client=client, gone=gone, late=late, timeout=limit)
        return answer

    def time_limit(self, timeout: float | None = None) -> float:
        """Seconds a query may run that asks for `timeout` (None: the service's limit): a client
        may shorten its own query's time, as Jena Fuseki's `timeout` parameter does, not lengthen it."""
        return self.slots.limit(timeout)

    def close(self) -> None:
        self.slots.close()

    def _prepare(self, sparql: str, dataset: QueryDataset | None) -> tuple[str, QueryDataset]:
        # Runs in the child.
        assert isinstance(self.engine, RemoteEngine)
        self._check_cost(sparql)
        return self.engine.prepare(sparql, dataset)

    def _answer(self, sparql: str, results_name: str | None, graph_name: str | None,
                dataset: QueryDataset | None, base_iri: str | None) -> Answer:
        # Runs in the child.
        if len(sparql) > LATE_ESTIMATE_CHARS:
            self._check_cost(sparql)
        results_format = formats.by_name(results_name) if results_name else None
        answered = readable(self.engine.answer(
            sparql, dataset=dataset, limit=self.result_limit, base_iri=base_iri,
            results_format=_written_as(results_format),
            graph_format=formats.by_name(graph_name) if graph_name else None))
        answer = _laid_out(answered, results_format, sparql, self.max_answer_bytes)
        self._check_size(answer)  # here, so that a huge answer never crosses to the serving process
        return answer

    def _check_size(self, answer: Answer) -> None:
        # Rows are bounded, not their length: a 700-byte query made a 140 MB answer of long
        # strings, which a worker then held for as long as its client took to read it.
        if self.max_answer_bytes is not None and len(answer.body) > self.max_answer_bytes:
            raise AnswerTooLarge(
                f"the answer is {len(answer.body):,} bytes; this service sends at most "
                f"{self.max_answer_bytes:,} (GRAPH_SERVICE_MAX_ANSWER_BYTES sets the limit): ask for "
                "fewer rows (LIMIT) or shorter values")

    def _check_cost(self, sparql: str) -> None:
        # In the child, before any parse (the engine's parser is what deep nesting makes explode).
        cost.check_cost(sparql, max_product=self.max_product, max_nesting=self.max_nesting)


#: Refusals kept (`QueryRunner._mismatches`): a few hundred bytes each.
_MISMATCHES_KEPT = 1024


def _digest(snapshot: str, key: CacheKey) -> str:
    # The query's text hashed as it is, after the rest's repr (which ends where it began, so no two
    # keys run together): repr() of the whole key escaped the text first, 14 µs for example 01.
    h = hashlib.blake2b(repr((snapshot, key[1:])).encode(), digest_size=16)
    h.update(key[0].encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _written_as(fmt: formats.Format | None) -> formats.Format | None:
    """The format an engine writes for `fmt`: TSV for the text table, which is laid out from it."""
    return formats.by_name("tsv") if fmt is not None and fmt.table else fmt


def _laid_out(answer: Answer, fmt: formats.Format | None, sparql: str, cap: int | None) -> Answer:
    if fmt is None or not fmt.table or answer.form not in ("select", "ask"):
        return answer
    prefixes = query_prefixes(sparql)
    try:
        return replace(answer, body=text_table(answer.body, prefixes, cap), format=fmt.name)
    except TableTooLarge as exc:
        raise AnswerTooLarge(f"the answer as a text table would be {exc.size:,} bytes; this service sends "
                             f"at most {cap:,} (GRAPH_SERVICE_MAX_ANSWER_BYTES sets the limit): ask for "
                             "fewer rows or shorter values, or another format") from None


def slot_budget(settings: Settings) -> SlotBudget:
    """The service's query slots, queue and per-client share, as the settings size them."""
    return SlotBudget(settings.query_slots, queue=settings.query_queue,
                      per_client=max(1, math.floor(settings.client_share * settings.query_slots)),
                      processes=settings.workers)
