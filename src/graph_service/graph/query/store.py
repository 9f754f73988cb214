"""The serving store: pyoxigraph stores holding named graphs, in memory or on disk.

In memory (`open_store`): for the command line, tests and the reference engine.

On disk (`disk_store`): what the service answers from. Built once per content (the snapshot's or
the served files' hash names its directory) and then opened read-only by every query process, so
memory does not grow with the number of processes: the data stays on disk and in the kernel's
page cache, which all processes share. A later start only opens it. The store is prepared for the
engine: its default graph already holds the union of all graphs (see `engine.OxigraphEngine`),
and its counts are kept beside it (`summary.json`), so nothing has to scan it at start.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_service.graph.query.sandbox import run_isolated

#: Bump when what a disk store holds changes: older ones are then rebuilt.
DISK_FORMAT = 1
SUMMARY_NAME = "summary.json"
#: Seconds a build of a store may take (10^7 triples load in minutes).
_BUILD_TIMEOUT = 3600.0


def open_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store with these quads (triples in the default graph stay there)."""
    store = ox.Store()
    store.extend(quads)
    return store


def bulk_load(store: ox.Store, whole: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, *,
              by_line: bytes = b"", base_iri: str | None = None) -> None:
    """Bulk-load RDF into `store`: `whole` in one piece, and `by_line` (N-Triples or N-Quads
    without blank nodes) in pieces side by side (see `ParallelLoad`)."""
    with ParallelLoad(store, fmt, base_iri=base_iri) as load:
        load.whole(whole)
        load.by_line(by_line)


class ParallelLoad:
    """Bulk loads into one store, each started as soon as its data is given, on every core.

    pyoxigraph's bulk loader parses, then writes each million statements, on one thread (and on
    two cores does not parse in parallel), and names the blank nodes it reads anew on each load:
    so data holding blank nodes is loaded `whole`, and N-Triples or N-Quads without them may be
    cut at lines (`by_line`) and the pieces loaded side by side. Leaving the `with` block waits
    for every load; a syntax error is raised with its position in the data as given (as one load
    would say), whichever piece it was in. `lenient` skips checking IRIs and literals again (for
    N-Triples pyoxigraph wrote from what it had parsed)."""

    def __init__(self, store: ox.Store, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, *,
                 base_iri: str | None = None, lenient: bool = False) -> None:
        self._store, self._fmt, self._base_iri, self._lenient = store, fmt, base_iri, lenient
        self._cores = len(os.sched_getaffinity(0))
        # pyoxigraph lets go of the GIL while it loads; RocksDB takes in the files each load writes.
        self._pool = ThreadPoolExecutor(self._cores, thread_name_prefix="bulk-load")
        self._loads: list[Future[None]] = []
        self._cut: list[bytes] = []

    def whole(self, data: bytes) -> None:
        if data:
            self._loads.append(self._pool.submit(self._load, self._store, data))

    def by_line(self, data: bytes) -> None:
        share = max(1, len(data) // self._cores)
        start = 0
        while start < len(data):
            end = data.find(b"\n", start + share)
            end = len(data) if end < 0 else end + 1
            self.whole(data[start:end])
            if start == 0 and end < len(data):
                self._cut.append(data)
            start = end

    def _load(self, store: ox.Store, data: bytes) -> None:
        # From a reader: given bytes on four cores or more, pyoxigraph cuts N-Triples itself, and
        # renames blank nodes per cut.
        store.bulk_load(io.BytesIO(data), format=self._fmt, base_iri=self._base_iri, lenient=self._lenient)

    def __enter__(self) -> ParallelLoad:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            for load in self._loads:
                failure = load.exception()  # waits: the store is not to be closed under a load
                if failure is not None and kind is None:
                    if isinstance(failure, (SyntaxError, ValueError)):
                        for data in self._cut:
                            # A position in a piece is not the data's: loaded in one piece (into a
                            # store thrown away) it says where. The caller's store is thrown away too.
                            self._load(ox.Store(), data)
                    raise failure
        finally:
            self._pool.shutdown(wait=True)


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph ("" for the default graph)."""
    counts: dict[str, int] = {}
    for q in store:
        key = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        counts[key] = counts.get(key, 0) + 1
    return counts


def content_hash(quads: Iterable[ox.Quad]) -> str:
    """sha256 of the quads as a set, blank nodes relabelled canonically (W3C RDFC-1.0): the same
    for the same dataset whatever the order, duplicates or blank node labels, so a store's copy
    can be checked against what was sent to it."""
    dataset = ox.Dataset(quads)
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in dataset):
        # Only blank nodes need it, and it is most of the cost (0.25 s for 17 000 quads).
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(str(q) for q in dataset)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b" .\n")
    return digest.hexdigest()
@dataclass(frozen=True)
class DiskStore:
    """A prepared store on disk, and what it holds."""

    path: Path
    #: Quads as loaded (before the union was added to the default graph).
    quads: int
    #: Triples per graph as loaded ("" for the default graph).
    graphs: dict[str, int]
    #: Distinct triples of the union default graph: what `SELECT * { ?s ?p ?o }` counts.
    triples: int
    #: sha256 of what it was built from (the snapshot, or the served files in order).
    source_sha256: str

    @property
    def graph_names(self) -> frozenset[str]:
        return frozenset(g for g in self.graphs if g)

    def has_subjects_under(self, bases: Iterable[str], sample: int = 100_000) -> bool:
        """Whether a subject among the first `sample` triples is an IRI under one of `bases`:
        else, most likely, none of the data's resources can be looked up where the service serves
        them (its paths are the bases'). A sample, as it is asked at every start: a store of
        millions of triples with no match took seconds to read whole."""
        store = open_read_only(self.path)
        # The literals written by pyoxigraph, so each base is escaped as SPARQL reads it.
        under = " || ".join(f"STRSTARTS(STR(?s), {ox.Literal(base)})" for base in bases) or "false"
        found = store.query(f"ASK {{ {{ SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {int(sample)} }} "
                            f"FILTER(isIRI(?s) && ({under})) }}")
        return bool(found)


def disk_store(directory: Path, load: Callable[[ox.Store], None], source_sha256: str, *,
               union: bool = True) -> DiskStore:
    """The prepared store in `directory`, built first (if it is not there) by `load`, which fills
    a fresh store from the data whose hash is `source_sha256`; with `union`, its default graph
    then also holds the union of its graphs (what queries see). The caller makes sure no two
    processes build the same one at once; a build that fails leaves nothing behind.

    The build runs in a child process (errors are re-raised here): what loading takes in memory
    goes with it, rather than staying with a server that only opens the result. It is forked from
    a clean process, not the caller (see `sandbox._fresh_context`): `load` must be picklable."""
    if not (directory / SUMMARY_NAME).exists():
        run_isolated(_build, directory, load, source_sha256, union, timeout=_BUILD_TIMEOUT,
                     allow_network=True, fresh=True)
        _prune(directory.parent, keep=directory)
    try:
        os.utime(directory)  # last used: what pruning goes by
    except OSError:  # a read-only place: nothing is pruned there either
        pass
    return _read(directory)


#: Stores kept beside a new one however old they are, and how long any other is kept after its
#: last use (a server started from it then may still be reading it).
_KEEP_RECENT = 3
_KEEP_DAYS = 7


def _prune(stores: Path, keep: Path) -> None:
    """Each build of new data makes a new store (about 15 MB for the article's graph; hundreds
    for large files): those not used for a week, beyond the few used last, go."""
    others = sorted((d for d in stores.glob("store-*")
                     if d.is_dir() and d != keep and ".building-" not in d.name),
                    key=lambda d: d.stat().st_mtime, reverse=True)
    horizon = time.time() - _KEEP_DAYS * 86400
    for old in others[_KEEP_RECENT:]:
        if old.stat().st_mtime < horizon:
            shutil.rmtree(old, ignore_errors=True)


def _build(directory: Path, load: Callable[[ox.Store], None], source_sha256: str, union: bool) -> None:
    building = directory.with_name(directory.name + f".building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        store = ox.Store(str(building))
        load(store)
        counts = _counts(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        # Without named graphs every quad is a triple of the default graph: counted by the store's
        # length, without a second pass of SPARQL over them (a second at 10^6).
        counts[""] = _counts(store, "SELECT ('' AS ?g) (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").get("", 0) \
            if counts else len(store)
        triples = counts[""]
        if union and len(counts) > 1:
            # The dataset's default graph is the RDF merge of its graphs: each triple once.
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
            triples = _counts(store, "SELECT ('' AS ?g) (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").get("", 0)
        store.flush()
        del store
        graphs = {g: n for g, n in sorted(counts.items()) if n or not g}
        (building / SUMMARY_NAME).write_text(json.dumps(
            {"format": DISK_FORMAT, "source_sha256": source_sha256, "quads": sum(graphs.values()),
             "graphs": graphs, "triples": triples}, indent=1), encoding="utf-8")
        try:
            os.replace(building, directory)
        except OSError:
            if not (directory / SUMMARY_NAME).exists():
                raise
            shutil.rmtree(building, ignore_errors=True)  # built by another process meanwhile
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def open_read_only(path: Path) -> ox.Store:
    return ox.Store.read_only(str(path))


def _read(directory: Path) -> DiskStore:
    data = json.loads((directory / SUMMARY_NAME).read_text(encoding="utf-8"))
    return DiskStore(directory, int(data["quads"]), {str(g): int(n) for g, n in data["graphs"].items()},
                     int(data["triples"]), str(data["source_sha256"]))


def _counts(store: ox.Store, sparql: str) -> dict[str, int]:
    answer = store.query(sparql)
    assert isinstance(answer, ox.QuerySolutions)
    return {(s["g"].value if s["g"] is not None else ""): int(s["n"].value) for s in answer}
