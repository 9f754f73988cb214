"""The dataset in a remote triple store: pushing a build there (`load_into`), and the serving
processes' copy of what is there (`mirror`).

**Loading** goes over the SPARQL 1.1 Graph Store HTTP Protocol. Where the store also offers
SPARQL Update (`update_url`), each graph is first written under a new staging name, checked,
and then all are switched at once by ONE update request of `MOVE <staging> TO <graph>`
operations: Virtuoso runs one request as one transaction, so a reader sees the old dataset or the
new one, never a mix (the graphs' names stay what queries use). Without an update endpoint each
graph is replaced in place, one after the other (each replacement whole, but not all at once).
Afterwards the store's copy of every graph is read back and checked against what was sent: the
triple count and the content hash (`query.store.content_hash`, blank nodes aside).

**The mirror.** Pages, search, the dataset description and validation of the project's data
read the whole dataset; with a remote store, a serving process does that from a copy fetched
once per load (`graph-service serve --store` fetches it at start-up, into the snapshot folder),
while every SPARQL query goes to the store. So a worker starting while the store is down still
starts, and pages stay up when only the store is away.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph_service.config import Settings
from graph_service.graph.query import GraphStore, RemoteEngine, RemoteStore, StoreRefused, content_hash
from graph_service.graph.rdf import documents, formats, names

#: Staging graph names: `<prefix><token>:<graph IRI>`, token from the content hash.
STAGING_PREFIX = "urn:graph-service:load:"


class LoadError(Exception):
    """The store's copy differs from what was sent (after a load); `str()` says how."""


class NotLoadable(ValueError):
    """The data cannot be loaded as it is (triples outside any named graph); nothing was sent."""


@dataclass(frozen=True)
class LoadReport:
    url: str
    #: Triples per graph, as read back from the store.
    graphs: dict[str, int]
    content_sha256: str
    seconds: float
    #: How readers were kept from half a load.
    switch: str

    def summary(self) -> str:
        lines = [f"loaded {sum(self.graphs.values()):,} triples in {len(self.graphs)} graphs into "
                 f"{self.url} in {self.seconds:.2f} s ({self.switch})"]
        width = max((len(g) for g in self.graphs), default=0)
        lines += [f"  {g:<{width}}  {n:>9,} triples" for g, n in self.graphs.items()]
        lines.append(f"verified: triple counts and content hash {self.content_sha256} match the build")
        return "\n".join(lines)


def load_into(quads: list[ox.Quad], url: str, *, update_url: str | None = None, user: str = "",
              password: str = "", progress: Callable[[str], None] = lambda line: None) -> LoadReport:
    """Push `quads` (named graphs) into the Graph Store at `url` and check the store's copy.
    Raises `StoreUnavailable`, `StoreRefused`, `BadStoreAddress`, `LoadError`, and `NotLoadable`
    for quads outside a named graph."""
    started = time.perf_counter()
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            # Bad input, found before the store is asked anything (a LoadError is a failed check).
            raise NotLoadable("the data has triples outside any named graph; only named graphs are loaded")
        by_graph[q.graph_name.value].append(ox.Triple(q.subject, q.predicate, q.object))
    expected = {g: (len(set(ts)), _hash(ts)) for g, ts in by_graph.items()}
    whole = content_hash(quads)
    store = GraphStore(url, user=user, password=password)
    try:
        if update_url:
            staging = {g: f"{STAGING_PREFIX}{whole[:16]}:{g}" for g in by_graph}
            for g, triples in by_graph.items():
                progress(f"writing <{g}> ({len(triples):,} triples) as <{staging[g]}>")
                store.put(staging[g], triples)
            try:
                _verify(store, {staging[g]: expected[g] for g in by_graph})
            except LoadError:
                for name in staging.values():
                    store.delete(name)
                raise
            progress(f"switching {len(staging)} graphs in one update")
            store.update(update_url, " ;\n".join(f"MOVE <{staging[g]}> TO <{g}>" for g in by_graph))
            switch = "staged, then switched by one SPARQL Update (MOVE)"
        else:
            for g, triples in by_graph.items():
                progress(f"replacing <{g}> ({len(triples):,} triples)")
                store.put(g, triples)
            switch = "each graph replaced in place; readers may have seen old and new graphs side by side"
        counts = _verify(store, expected)
    finally:
        store.close()
    return LoadReport(url, counts, whole, time.perf_counter() - started, switch)


def _verify(store: GraphStore, expected: dict[str, tuple[int, str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for graph, (count, digest) in expected.items():
        got = store.get(graph)
        if len(set(got)) != count:
            raise LoadError(f"the store holds {len(set(got)):,} triples in <{graph}>, not the {count:,} sent")
        if _hash(got) != digest:
            raise LoadError(f"the store's copy of <{graph}> differs from what was sent (same count, "
                            "other content: the store changed some terms)")
        counts[graph] = count
    return counts


def _hash(triples: list[ox.Triple]) -> str:
    default = ox.DefaultGraph()
    return content_hash(ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)


# --- the serving processes' copy ----------------------------------------------------------------

def mirror_path(settings: Settings) -> Path:
    key = hashlib.sha256(f"{settings.store} {settings.base_iri}".encode()).hexdigest()[:12]
    return settings.snapshot_dir / f"store-{key}.nq"


def mirror_record_path(settings: Settings) -> Path:
    return mirror_path(settings).with_suffix(".json")


def refresh_mirror(settings: Settings) -> dict:
    """Fetch the dataset's named graphs from the store into the mirror file; its record.
    Raises `StoreUnavailable`, `StoreRefused` (an answer that cannot be read too),
    `BadStoreAddress`, `LoadError` (nothing of the dataset there)."""
    started = time.perf_counter()
    store = RemoteStore(settings.store, connect_timeout=settings.store_connect_timeout)
    graphs = names(settings.base_iri).named_graphs
    engine = RemoteEngine(store, (str(g) for g in graphs), timeout=max(60.0, settings.query_timeout))
    quads: list[ox.Quad] = []
    counts: dict[str, int] = {}
    try:
        for graph in graphs:
            name = ox.NamedNode(str(graph))
            rows = engine.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
            try:
                n = int(str(rows[0]["n"]))
            except (IndexError, KeyError, ValueError):
                raise StoreRefused(f"the store did not count the triples of <{graph}> (it answered "
                                   f"{rows[:1]!r})") from None
            if not n:
                continue
            answer = engine.answer(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                                   results_format=None, graph_format=formats.by_name("ntriples"))
            try:
                got = {ox.Triple(q.subject, q.predicate, q.object)
                       for q in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)}
            except SyntaxError as exc:
                raise StoreRefused(f"the store's copy of <{graph}> could not be read: {exc}") from None
            if len(got) != n:
                raise StoreRefused(f"the store gave {len(got):,} of the {n:,} triples of <{graph}>: its "
                                   "answers are cut (Virtuoso: raise ResultSetMaxRows)")
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in got)
            counts[str(graph)] = n
    finally:
        store.close()
    if not quads:
        raise LoadError(f"the store at {settings.store} holds none of the dataset's graphs; "
                        "fill it with `graph-service load --into`")
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert nquads is not None
    record = {"store": settings.store,
              "fetched": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
              "content_sha256": content_hash(quads), "graphs": counts,
              "seconds": round(time.perf_counter() - started, 3)}
    documents.ensure_folder(settings.snapshot_dir, "GRAPH_SERVICE_SNAPSHOT_DIR")
    documents.write_atomically(mirror_path(settings), nquads)
    documents.write_atomically(mirror_record_path(settings), (json.dumps(record, indent=2) + "\n").encode())
    return record


def mirror(settings: Settings) -> Path:
    """The mirror file, fetched now when there is none yet."""
    path = mirror_path(settings)
    if not path.exists() or not mirror_record_path(settings).exists():
        refresh_mirror(settings)
    return path


def mirror_record(settings: Settings) -> dict:
    mirror(settings)
    record: dict = json.loads(mirror_record_path(settings).read_text(encoding="utf-8"))
    return record

