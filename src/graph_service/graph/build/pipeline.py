"""load -> validate -> reason -> describe -> snapshot, cached by the content hash of the sources.

The snapshot is two files in `Settings.snapshot_dir`:

``snapshot.nq``
    N-Quads with the named graphs ONTOLOGY_GRAPH, FACTS_GRAPH, INFERRED_GRAPH, SHAPES_GRAPH,
    VOID_GRAPH, PROVENANCE_GRAPH and COORDINATES_GRAPH: what the service loads.
``snapshot.json``
    The record: the sha256 of each source and of the code that shapes the output (the cache
    key), triples per graph, what the noise filter dropped, timings per step, when it was made,
    and the sha256 of ``snapshot.nq`` itself.

`ensure_snapshot` reuses the snapshot when the record's key is the key of the current sources
and code, and ``snapshot.nq`` is the file the record describes: that is reading and hashing a
few files, milliseconds, so a server starts without reasoning or validating. Otherwise it
builds. A build writes each file under a temporary name and renames it into place, so a build
that fails (violations, an inconsistency, a crash) leaves the previous snapshot as it was.
Concurrent builders (several server workers starting at once) take turns on a lock file, and
the second finds the first one's snapshot current.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from graph_service import __version__
from graph_service.config import DEFAULT_BASE, PROJECT_ROOT, Settings
from graph_service.graph.build import reasoning, remote
from graph_service.graph.build.progress import Progress
from graph_service.graph.build.reasoning import (
    Closure,
    Inconsistency,
    check_consistency,
    compute_closure,
    select_inferred,
)
from graph_service.graph.publish import describe_dataset
from graph_service.graph.query import (
    DISK_FORMAT,
    DiskStore,
    ParallelLoad,
    QuadIndex,
    QuadSource,
    VerbatimStore,
    bulk_load,
    disk_store,
    open_store,
    wrap_lines,
    wrap_quad,
)
from graph_service.graph.rdf import (
    COORDINATES_GRAPH,
    FACTS_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
    SHAPES_GRAPH,
    VOID_GRAPH,
    Rebase,
    documents,
    from_rdflib,
    provenance,
    quad_from_rdflib,
)
from graph_service.graph.shacl import ValidationError, validate

SNAPSHOT_NAME = "snapshot.nq"
RECORD_NAME = "snapshot.json"
_LOCK_NAME = ".build.lock"
#: The record's layout; a record of another layout is never reused.
RECORD_FORMAT = 1


class BuildError(Exception):
    """The sources do not pass the build's checks. `str()` is one line; `details` says it all."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True)
class BuildResult:
    path: Path
    record: dict
    reused: bool
    #: Seconds this call took (checking the cache, and building when it was stale).
    seconds: float

    def summary(self) -> str:
        """What a person wants to know after `graph-service build`."""
        r = self.record
        if self.reused:
            head = (f"snapshot {_shown(self.path)}: reused, sources unchanged since {r['created']} "
                    f"(checked in {self.seconds:.2f} s)")
        else:
            head = f"snapshot {_shown(self.path)}: rebuilt in {self.seconds:.2f} s"
        lines = [head]
        graphs = r["graphs"]
        width = max(len(name) for name in graphs)
        for name, info in graphs.items():
            lines.append(f"  {name:<{width}}  {info['triples']:>7,} triples  <{info['iri']}>")
        lines.append(f"  {'total':<{width}}  {sum(i['triples'] for i in graphs.values()):>7,} triples "
                     "(all named graphs; the dataset description's void:triples)")
        reasoning = r["reasoning"]
        dropped = ", ".join(f"{rule} {n:,}" for rule, n in reasoning["dropped"].items()) or "nothing"
        lines.append(f"reasoning: {reasoning['asserted']:,} asserted triples imply {reasoning['derived']:,} "
                     f"more; {graphs['inferred']['triples']:,} kept, dropped as noise: {dropped}")
        if reasoning.get("fallback"):
            lines.append(f"reasoner: owlrl, not reasonable as asked: {reasoning['fallback']}")
        validation = r["validation"]
        lines.append("validation: " + (", ".join(f"{n} {k.lower()}{'' if n == 1 else 's'}"
                                                 for k, n in validation["results"].items())
                                       or "conforms"))
        lines.append("timings: " + ", ".join(f"{step} {s:.2f} s" for step, s in r["timings"].items()))
        return "\n".join(lines)


@dataclass(frozen=True)
class Sources:
    """The project's source files, parsed, each in its named graph; the facts' per-statement
    sources (their annotations, expanded by `rdf.provenance`) in a graph of their own; the
    coordinates, which come from another source than the article, in theirs."""

    ontology: Graph
    facts: Graph
    shapes: Graph
    provenance: Graph
    coordinates: Graph

    def data(self) -> Graph:
        """What the shapes validate: the facts and the coordinates together (a shape may relate
        a place to its coordinates), each still kept in its own graph in the snapshot."""
        data = Graph()
        data += self.facts
        data += self.coordinates
        return data


def load_sources(settings: Settings) -> Sources:
    """Raises `documents.RdfSyntaxError` naming the file that cannot be read or parsed, the
    fact statements of the data that have no quote, a quote the article does not hold where
    its lib:occurrence says, or a coordinates file that does not say where its statements come
    from and under which licence.

    Data held to per-statement provenance has its quotes placed in the article (`settings.
    article_path`): where each begins and ends goes to the provenance graph."""
    expansion = provenance.expand(documents.read_quads(settings.data_path, annotations=True))
    positions: list[ox.Quad] = []
    try:
        provenance.check(expansion)
        if expansion.annotated:
            positions = provenance.locate_quotes(expansion.facts, _article(settings))
    except provenance.ProvenanceError as exc:
        raise documents.RdfSyntaxError(str(settings.data_path), str(exc)) from None
    # The coordinates rest on their source as a whole (GeoNames), not on sentences of the article:
    # the per-statement rule is the article's; this graph is held to naming its source and licence.
    coordinates = documents.read_quads(settings.coordinates_path)
    try:
        provenance.check_attributed(coordinates, ox.NamedNode(str(COORDINATES_GRAPH)))
    except provenance.ProvenanceError as exc:
        raise documents.RdfSyntaxError(str(settings.coordinates_path), str(exc)) from None
    return Sources(documents.read_graph(settings.ontology_path, ONTOLOGY_GRAPH),
                   documents.quads_to_graph(expansion.facts, FACTS_GRAPH),
                   documents.read_graph(settings.shapes_path, SHAPES_GRAPH),
                   documents.quads_to_graph(expansion.provenance + positions, PROVENANCE_GRAPH),
                   documents.quads_to_graph(coordinates, COORDINATES_GRAPH))


def _article(settings: Settings) -> str:
    try:
        return Path(settings.article_path).read_text(encoding="utf-8")
    except OSError as exc:
        raise documents.RdfSyntaxError(str(settings.article_path), f"the article's text, where every "
                                       f"quote is placed, cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise documents.RdfSyntaxError(str(settings.article_path), f"the article's text, where every "
                                       f"quote is placed, is not UTF-8 (byte {exc.start})") from None


@dataclass(frozen=True)
class Inference:
    """What reasoning over the sources gives: the closure, the inferred graph to serve, and how
    many derived triples each noise rule dropped."""

    closure: Closure
    inferred: Graph
    dropped: Counter[str]
    #: The engine that computed the closure, and why it is not the one asked for (if it is not).
    engine: str = "owlrl"
    fallback: str | None = None


def infer(ontology: Graph, facts: Graph, progress: Progress | None = None,
          reasoner: str = "owlrl") -> Inference:
    """The OWL 2 RL closure, checked for consistency, and the inferred graph (the build's
    "reason" and "check" steps). `reasoner="reasonable"` uses reasonable where it computes owlrl's
    closure, and owlrl otherwise (`Inference.fallback` says why). Raises
    `reasoning.Inconsistency`, and ValueError for a reasoner that is not one of REASONERS."""
    if reasoner not in reasoning.REASONERS:
        raise ValueError(f"unknown reasoner {reasoner!r} (choose one of {', '.join(reasoning.REASONERS)})")
    progress = progress if progress is not None else Progress.quiet()
    fallback = reasoning.reasonable_problem(ontology, facts) if reasoner == "reasonable" else None
    engine = "owlrl" if reasoner == "owlrl" or fallback else "reasonable"
    with progress.step("reason") as step:
        if engine == "reasonable":
            def said(n: int, size: int) -> None:
                step.update(f"reasonable, then the property chains, round {n}, {size:,} triples")
            closure = reasoning.compute_closure_reasonable(ontology, facts, on_cycle=said)
        else:
            closure = compute_closure(ontology, facts, on_cycle=lambda n, size: step.update(
                f"OWL 2 RL rules, round {n}, {size:,} triples"))
    with progress.step("check"):
        if engine == "reasonable" and (closure.blocked_merges or reasoning.find_inconsistencies(closure)):
            # An inconsistent closure is never served: owlrl, the reference, names the problem in its
            # terms (reasonable applies the owl:sameAs merges owlrl declines, which blurs the account).
            closure = compute_closure(ontology, facts)
            engine, fallback = "owlrl", "the sources are inconsistent; owlrl, the reference, names why"
        check_consistency(closure)
        inferred, dropped = select_inferred(closure)
    return Inference(closure, inferred, dropped, engine, fallback)


def load_store(settings: Settings) -> ox.Store:
    """The store the service answers queries from: the project's snapshot (built when the
    sources changed), or the files given to `serve`. Triples from a plain-triples file go to
    the default graph; TriG/N-Quads keep their named graphs."""
    if settings.serve_files:
        return open_store(documents.read_apart(map(Path, settings.serve_files)))
    store = ox.Store()
    source = remote.mirror(settings) if settings.store else ensure_snapshot(settings)
    store.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    return store


def serving_store(settings: Settings, *, verbatim: bool = False) -> DiskStore:
    """The store the service answers queries from, on disk: the project's snapshot (built when
    the sources changed) or the files given to `serve`, prepared once per content and reopened
    read-only by every later start and every query process (see `query.store`). `verbatim`: the
    same quads as written, for the documents of data too large to index in memory (see
    `query.verbatim`; no union in its default graph, and no SPARQL on it)."""
    if settings.serve_files:
        key, load = _files_digest(settings.serve_files), partial(_load_files, settings.serve_files)
    elif settings.store:
        # A remote store answers the queries; its copy here names the graphs, feeds the pages.
        mirror = remote.mirror(settings)
        key, load = _files_digest((mirror,)), partial(_load_snapshot, mirror)
    else:
        snapshot = ensure_snapshot(settings)
        key = json.loads(record_path(settings).read_text(encoding="utf-8"))["snapshot"]["sha256"]
        load = partial(_load_snapshot, snapshot)
    stores = _stores_dir(settings)
    name = f"store-{DISK_FORMAT}-{_version('pyoxigraph')}-{key[:32]}" + ("-verbatim" if verbatim else "")
    with _exclusive(stores / _LOCK_NAME):
        return disk_store(stores / name, partial(load, verbatim=verbatim), key, union=not verbatim)


def _stores_dir(settings: Settings) -> Path:
    stores = settings.snapshot_dir / "stores"
    try:
        stores.mkdir(parents=True, exist_ok=True)
        if os.access(stores, os.W_OK):
            return stores
    except OSError:
        pass
    # A read-only snapshot directory (a deployed image): the store goes to a private temporary place.
    fallback = Path(tempfile.gettempdir()) / f"graph-service-stores-{os.getuid()}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback


def _load_snapshot(snapshot: Path, store: ox.Store, *, verbatim: bool = False) -> None:
    data = snapshot.read_bytes()
    if verbatim:
        data = wrap_lines(data)
    if b"_:" in data:
        bulk_load(store, data, ox.RdfFormat.N_QUADS)
    else:
        bulk_load(store, b"", ox.RdfFormat.N_QUADS, by_line=data)


def _load_files(paths: tuple[Path, ...], store: ox.Store, *, verbatim: bool = False) -> None:
    # `verbatim`: every typed literal wrapped (see `query.verbatim`), as text where the format is
    # N-Triples or N-Quads, else quad by quad as parsed.
    lines = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    if len(paths) > 1 and any(_may_label_blank_nodes(Path(p)) for p in paths):
        # Files whose blank nodes have labels are merged quad by quad, their blank nodes kept apart
        # (the loaders below would make one node of two files' `_:b0`).
        apart = documents.read_apart(map(Path, paths))
        store.bulk_extend(map(wrap_quad, apart) if verbatim else apart)
        return
    for path in map(Path, paths):
        fmt = documents.format_for_path(path)
        try:
            data = documents.without_bom(path.read_bytes())  # as every reader of documents does
        except OSError as exc:
            raise documents.RdfSyntaxError(str(path), exc.strerror or str(exc)) from None
        base = path.resolve().as_uri()
        if fmt.oxigraph in _MARKS and not any(mark in data for mark in _MARKS[fmt.oxigraph]):
            # No triple term to expand or refuse: as written, straight to pyoxigraph's bulk loader
            # (lines without blank nodes in pieces side by side).
            assert isinstance(fmt.oxigraph, ox.RdfFormat)
            written = data  # as the file has it: `wrap_lines` rewrites the text for the verbatim store
            try:
                if verbatim and fmt.oxigraph not in lines:
                    store.bulk_extend(map(wrap_quad, ox.parse(data, format=fmt.oxigraph, base_iri=base)))
                    continue
                if verbatim:
                    data = wrap_lines(data)
                if fmt.oxigraph in lines and b"_:" not in data:
                    bulk_load(store, b"", fmt.oxigraph, by_line=data, base_iri=base)
                else:
                    bulk_load(store, data, fmt.oxigraph, base_iri=base)
            except (SyntaxError, ValueError) as exc:
                documents.require_utf8(written, fmt, str(path))
                raise documents.RdfSyntaxError(str(path), str(exc)) from None
        elif fmt.oxigraph in documents.TRIPLES_ONLY:
            # Annotations expanded by pyoxigraph, not in Python, and loaded as each part is ready.
            with ParallelLoad(store, lenient=True) as load:
                documents.parse_expanded(data, fmt, str(path), base, whole=load.whole, by_line=load.by_line,
                                         each=wrap_quad if verbatim else None)
        else:
            quads = documents.read_quads(path)
            store.bulk_extend(map(wrap_quad, quads) if verbatim else quads)


def _may_label_blank_nodes(path: Path) -> bool:
    # `_:x` in the text formats, rdf:nodeID in RDF/XML; a read that fails is left to the loader.
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return b"_:" in data or b"nodeID" in data


#: What a document of these formats holds wherever it has a triple term: the line formats write
#: one as `<<( ... )>>`; Turtle and TriG also make one of a reified triple (`<< ... >>`), an
#: annotation (`{| ... |}`) or a reifier (`~`).
_MARKS: dict[ox.RdfFormat | ox.QueryResultsFormat | None, tuple[bytes, ...]] = {
    ox.RdfFormat.N_TRIPLES: (b"<<",), ox.RdfFormat.N_QUADS: (b"<<",),
    ox.RdfFormat.TURTLE: (b"<<", b"{|", b"~"), ox.RdfFormat.TRIG: (b"<<", b"{|", b"~"),
}


def _files_digest(paths: tuple[Path, ...]) -> str:
    """sha256 over the served files, in order."""
    digest = hashlib.sha256()
    for path in paths:
        try:
            with open(path, "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
        except OSError as exc:
            raise documents.RdfSyntaxError(str(path), exc.strerror or str(exc)) from None
    return digest.hexdigest()


#: Quads up to which each serving process holds the dataset in memory: descriptions and dumps
#: read it there (`QuadIndex`: milliseconds and megabytes at the article's size), and queries run
#: on a copy there (the query processes share the worker's). Above it, both read stores on disk
#: that every process shares (`VerbatimStore`, the served store).
IN_MEMORY_INDEX_QUADS = 200_000


def load_index(settings: Settings, served: DiskStore | None = None) -> QuadSource:
    """The same quads as `load_store`, as written (see `query.quad_index`): what descriptions,
    the ontology reference and the dumps read. `served`: the serving store, when there is one;
    when it holds more than `IN_MEMORY_INDEX_QUADS`, the quads are read from disk."""
    if served is not None and served.quads > IN_MEMORY_INDEX_QUADS:
        written = serving_store(settings, verbatim=True)
        return VerbatimStore(written.path, written.quads)
    if settings.serve_files:
        return QuadIndex(documents.read_apart(map(Path, settings.serve_files)))
    if settings.store:
        return QuadIndex(documents.read_quads(remote.mirror(settings)))
    return QuadIndex(documents.read_quads(ensure_snapshot(settings)))


@dataclass(frozen=True)
class Loaded:
    """What a serving process reads the data from: the prepared store on disk and, for data small
    enough to hold in memory, a copy in memory that queries run on (none with a remote store: it
    answers them) and the quads as written that documents are made of (`load_index`); and what it
    is (`served`), as read when it was loaded, not as the snapshot's record says later (a build
    meanwhile writes a new one, which only a reload serves)."""

    store: DiskStore
    served: Served
    memory: ox.Store | None = None
    index: QuadSource | None = None


def load_serving(settings: Settings) -> Loaded:
    """What `settings` serve, loaded. A server loads it once, before it forks its workers, which
    then share it copy-on-write (each loading its own took 0.8 s of CPU on the article's graph,
    and as much memory again); above `IN_MEMORY_INDEX_QUADS` only the store on disk is named
    here, which every process opens itself."""
    store = serving_store(settings)
    what = served(settings, store)
    if store.quads > IN_MEMORY_INDEX_QUADS:
        return Loaded(store, what)
    if settings.store:
        return Loaded(store, what, None, load_index(settings, store))
    # pyoxigraph lets go of the GIL while it loads: the index is read meanwhile.
    with ThreadPoolExecutor(1, thread_name_prefix="load-store") as pool:
        memory = pool.submit(load_store, settings)
        index = load_index(settings, store)
        return Loaded(store, what, memory.result(), index)


@dataclass(frozen=True)
class Served:
    """What a serving process has loaded, as a load balancer or an operator asks about it."""

    #: sha256 of the snapshot (N-Quads) or of the files served, in order.
    sha256: str
    #: Quads in the store.
    quads: int
    #: When the snapshot was built (ISO 8601), or when the newest served file was written.
    built: str
    #: "snapshot" (the project's graph), "files" (`serve FILE ...`) or "store" (`serve --store`:
    #: then `sha256` is the content hash of the store's copy, `built` when it was fetched).
    source: str


def served(settings: Settings, store: ox.Store | DiskStore) -> Served:
    """A summary of what `load_store(settings)` loaded into `store` (or `serving_store` prepared)."""
    quads = store.quads if isinstance(store, DiskStore) else len(store)
    if settings.serve_files:
        newest = max(Path(p).stat().st_mtime for p in settings.serve_files)
        built = datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        digest = store.source_sha256 if isinstance(store, DiskStore) else _files_digest(settings.serve_files)
        return Served(digest, quads, built, "files")
    if settings.store:
        mirrored = remote.mirror_record(settings)
        return Served(mirrored["content_sha256"], quads, mirrored["fetched"], "store")
    record = json.loads(record_path(settings).read_text(encoding="utf-8"))
    return Served(record["snapshot"]["sha256"], quads, record["created"], "snapshot")


def snapshot_path(settings: Settings) -> Path:
    return settings.snapshot_dir / _for_base(SNAPSHOT_NAME, settings.base_iri)


def record_path(settings: Settings) -> Path:
    return settings.snapshot_dir / _for_base(RECORD_NAME, settings.base_iri)


def _for_base(name: str, base: str) -> str:
    """One snapshot per base: the canonical one as `name`, another base's beside it."""
    if base == DEFAULT_BASE:
        return name
    stem, dot, suffix = name.partition(".")
    return f"{stem}-{hashlib.sha256(base.encode()).hexdigest()[:12]}{dot}{suffix}"


def ensure_snapshot(settings: Settings, *, progress: Progress | None = None) -> Path:
    """The path of a current snapshot (N-Quads, all named graphs), building one if needed.

    Raises `BuildError` when the sources fail validation or are inconsistent, and
    `documents.RdfSyntaxError` when one cannot be read; the previous snapshot stays either way.
    """
    return build_snapshot(settings, progress=progress).path


def build_snapshot(settings: Settings, *, force: bool = False,
                   progress: Progress | None = None) -> BuildResult:
    """Reuse the snapshot when it is current (unless `force`), else build it.

    The graph is always built under the canonical base; under another base, the snapshot is the
    canonical one rebased (`rdf.rebase`), kept beside it, so each base is built once.
    """
    started = time.perf_counter()
    progress = progress if progress is not None else Progress()
    documents.ensure_folder(settings.snapshot_dir, "GRAPH_SERVICE_SNAPSHOT_DIR")
    canonical = replace(settings, base_iri=DEFAULT_BASE)
    with _exclusive(settings.snapshot_dir / _LOCK_NAME):
        fingerprint = source_fingerprint(canonical)
        record = None if force else current_record(canonical, fingerprint["key"])
        reused = record is not None
        if record is None:
            record = _build(canonical, fingerprint, progress)
        if settings.base_iri != DEFAULT_BASE:
            key = hashlib.sha256(f"{fingerprint['key']} {settings.base_iri}".encode()).hexdigest()
            rebased = None if not reused else current_record(settings, key)
            reused = rebased is not None
            if rebased is None:
                with progress.step("rebase"):
                    rebased = _rebase(settings, record, key)
            record = rebased
    return BuildResult(snapshot_path(settings), record, reused, time.perf_counter() - started)


def _rebase(settings: Settings, record: dict, key: str) -> dict:
    """The canonical snapshot, every IRI moved under `settings.base_iri`, with its record."""
    canonical = replace(settings, base_iri=DEFAULT_BASE)
    move = Rebase(settings.base_iri)
    quads = move.quads(documents.read_quads(snapshot_path(canonical)))
    nquads = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS)
    assert nquads is not None
    documents.write_atomically(snapshot_path(settings), nquads)
    record = {**record, "key": key, "base_iri": settings.base_iri,
              "graphs": {name: {**g, "iri": move.iri(g["iri"])} for name, g in record["graphs"].items()},
              "snapshot": {"path": snapshot_path(settings).name,
                           "sha256": hashlib.sha256(nquads).hexdigest(), "bytes": len(nquads)}}
    documents.write_atomically(record_path(settings), (json.dumps(record, indent=2) + "\n").encode())
    return record


def current_record(settings: Settings, key: str) -> dict | None:
    """The snapshot's record when it was built under `key` and the snapshot file is intact."""
    try:
        record = json.loads(record_path(settings).read_text(encoding="utf-8"))
        snapshot = snapshot_path(settings).read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT or record.get("key") != key:
        return None
    if record.get("snapshot", {}).get("sha256") != hashlib.sha256(snapshot).hexdigest():
        return None
    return record


def source_fingerprint(settings: Settings) -> dict:
    """Everything the snapshot's content depends on, and its digest `key`.

    The sources by content (not by path or date), the base IRI, and the code: the package and
    filter versions, the versions of the libraries that compute it, and a digest of the modules
    that produce it, so an edited filter rebuilds even when nobody bumped a version.
    """
    files = {name: {"path": _shown(path), "sha256": _file_sha256(path)}
             for name, path in _source_paths(settings).items()}
    code = {"graph-service": __version__, "reasoning-filter": reasoning.FILTER_VERSION,
            **{lib: _version(lib) for lib in ("owlrl", "reasonable", "rdflib", "pyshacl", "pyoxigraph")},
            "modules": _modules_sha256()}
    material = {"sources": {name: f["sha256"] for name, f in files.items()}, "code": code,
                "base_iri": settings.base_iri, "reasoner": settings.reasoner, "format": RECORD_FORMAT}
    key = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return {"key": key, "sources": files, "code": code, "base_iri": settings.base_iri}


def _build(settings: Settings, fingerprint: dict, progress: Progress) -> dict:
    with progress.step("load"):
        loaded = load_sources(settings)
        ontology, facts, shapes, provenance = loaded.ontology, loaded.facts, loaded.shapes, loaded.provenance

    with progress.step("validate"):
        try:
            outcome = validate(loaded.data(), shapes, ontology=ontology)
        except ValidationError as exc:
            raise BuildError(f"{_shown(settings.shapes_path)}: the shapes cannot be used: {exc}") from None
        results = outcome.counts()
        violations = results.get("Violation", 0)
        if violations:
            plural = "s" if violations != 1 else ""
            raise BuildError(f"{_shown(settings.data_path)} does not conform to "
                             f"{_shown(settings.shapes_path)} ({violations} violation{plural}; "
                             "graph-service validate lists them)", details=outcome.text().rstrip())

    try:
        inference = infer(ontology, facts, progress, settings.reasoner)
    except Inconsistency as exc:
        raise BuildError(exc.summary(), details=str(exc) if len(exc.findings) > 1 else "") from None
    except ValueError as exc:
        raise BuildError(f"GRAPH_SERVICE_REASONER: {exc}") from None
    closure, inferred, dropped = inference.closure, inference.inferred, inference.dropped
    provenance += reasoning.shortcut_statements(ontology, facts, provenance, inferred)
    provenance += reasoning.closure_statements(ontology, provenance, inferred)

    # The coordinates are not reasoned over: the inferred graph stays what the article's facts
    # imply (the ontology would derive from them only schema:sameAs, from lib:geonames; the
    # README says so).
    graphs: dict[str, Graph] = {"ontology": ontology, "facts": facts, "inferred": inferred, "shapes": shapes,
                                "provenance": provenance, "coordinates": loaded.coordinates}
    with progress.step("describe"):
        counts = {str(g.identifier): len(g) for g in graphs.values()}
        asserted = Graph()
        asserted += ontology
        asserted += facts
        asserted += loaded.coordinates
        graphs["void"] = describe_dataset(settings, counts, sources=asserted)

    with progress.step("write"):
        nquads = _nquads(graphs)
        documents.write_atomically(snapshot_path(settings), nquads)

    named = {"ontology": ONTOLOGY_GRAPH, "facts": FACTS_GRAPH, "inferred": INFERRED_GRAPH,
             "shapes": SHAPES_GRAPH, "void": VOID_GRAPH, "provenance": PROVENANCE_GRAPH,
             "coordinates": COORDINATES_GRAPH}
    record = {
        "format": RECORD_FORMAT,
        "key": fingerprint["key"],
        "created": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "sources": fingerprint["sources"],
        "code": fingerprint["code"],
        "base_iri": fingerprint["base_iri"],
        "graphs": {name: {"iri": str(named[name]), "triples": len(g)} for name, g in graphs.items()},
        "reasoning": {"asserted": len(closure.asserted),
                      "derived": len(closure.graph) - len(closure.asserted),
                      "dropped": dict(sorted(dropped.items(), key=lambda kv: -kv[1])),
                      "engine": inference.engine,
                      **({"fallback": inference.fallback} if inference.fallback else {}),
                      "closure_seconds": round(closure.seconds, 3)},
        "validation": {"results": results},
        "timings": {step: round(s, 3) for step, s in progress.timings.items()},
        "snapshot": {"path": snapshot_path(settings).name, "sha256": hashlib.sha256(nquads).hexdigest(),
                     "bytes": len(nquads)},
    }
    documents.write_atomically(record_path(settings), (json.dumps(record, indent=2) + "\n").encode())
    return record


def _nquads(graphs: dict[str, Graph]) -> bytes:
    quads: list[ox.Quad] = []
    for g in graphs.values():
        name = from_rdflib(g.identifier)
        quads.extend(quad_from_rdflib(s, p, o, name) for s, p, o in g)
    nquads = ox.serialize(reproducible(quads), format=ox.RdfFormat.N_QUADS)
    assert nquads is not None  # no `output`: the document is returned (the stubs lack the overload)
    return nquads


def reproducible(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads in a fixed order, the blank nodes named as RDF Dataset Canonicalization (RDFC-1.0,
    pyoxigraph's) names them: the same sources make the same bytes from one build to the next.
    Each build named the blank nodes anew (rdflib's random names) and wrote the quads in another
    order, so every document, page and dump of an unchanged graph had new bytes and a new ETag
    after a release, and every cache fetched it all again."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    try:
        lock = open(lock_path, "a+b")  # held open (and locked) for the whole block
    except OSError:
        # A read-only snapshot directory (a deployed image): a current snapshot is still served,
        # and a build would fail on writing with a message naming the directory.
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _source_paths(settings: Settings) -> dict[str, Path]:
    return {"ontology": Path(settings.ontology_path), "data": Path(settings.data_path),
            "shapes": Path(settings.shapes_path), "coordinates": Path(settings.coordinates_path),
            "article": Path(settings.article_path)}


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise documents.RdfSyntaxError(str(path), exc.strerror or str(exc)) from None


def _modules_sha256() -> str:
    graph = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for module in sorted(graph.rglob("*.py")):
        digest.update(str(module.relative_to(graph)).encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _shown(path: Path) -> str:
    """A path relative to the project when it lies inside it (shorter in messages)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
