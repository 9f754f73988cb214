"""load -> validate -> reason -> describe -> snapshot, cached by the content hash of the sources.

The snapshot is two files in `Settings.snapshot_dir`:

``snapshot.nq``
    N-Quads with the named graphs ONTOLOGY_GRAPH, FACTS_GRAPH, INFERRED_GRAPH, SHAPES_GRAPH,
    VOID_GRAPH and PROVENANCE_GRAPH: what the service loads.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from .. import __version__
from ..config import PROJECT_ROOT, Settings
from ..namespace import (
    FACTS_GRAPH,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
    SHAPES_GRAPH,
    VOID_GRAPH,
)
from . import sources
from .progress import Progress
from .terms import from_rdflib

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
        lines.append(f"  {'total':<{width}}  {sum(i['triples'] for i in graphs.values()):>7,} triples")
        reasoning = r["reasoning"]
        dropped = ", ".join(f"{rule} {n:,}" for rule, n in reasoning["dropped"].items()) or "nothing"
        lines.append(f"reasoning: {reasoning['asserted']:,} asserted triples imply {reasoning['derived']:,} "
                     f"more; {graphs['inferred']['triples']:,} kept, dropped as noise: {dropped}")
        validation = r["validation"]
        lines.append("validation: " + (", ".join(f"{n} {k.lower()}" for k, n in validation["results"].items())
                                       or "conforms"))
        lines.append("timings: " + ", ".join(f"{step} {s:.2f} s" for step, s in r["timings"].items()))
        return "\n".join(lines)


def snapshot_path(settings: Settings) -> Path:
    return settings.snapshot_dir / SNAPSHOT_NAME


def record_path(settings: Settings) -> Path:
    return settings.snapshot_dir / RECORD_NAME


def ensure_snapshot(settings: Settings, *, progress: Progress | None = None) -> Path:
    """The path of a current snapshot (N-Quads, all named graphs), building one if needed.

    Raises `BuildError` when the sources fail validation or are inconsistent, and
    `sources.RdfSyntaxError` when one cannot be read; the previous snapshot stays either way.
    """
    return build_snapshot(settings, progress=progress).path


def build_snapshot(settings: Settings, *, force: bool = False,
                   progress: Progress | None = None) -> BuildResult:
    """Reuse the snapshot when it is current (unless `force`), else build it."""
    started = time.perf_counter()
    progress = progress if progress is not None else Progress()
    settings.snapshot_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(settings.snapshot_dir / _LOCK_NAME):
        fingerprint = source_fingerprint(settings)
        if not force:
            record = current_record(settings, fingerprint["key"])
            if record is not None:
                return BuildResult(snapshot_path(settings), record, True, time.perf_counter() - started)
        record = _build(settings, fingerprint, progress)
    return BuildResult(snapshot_path(settings), record, False, time.perf_counter() - started)


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
    from .reasoning import FILTER_VERSION

    files = {name: {"path": _shown(path), "sha256": _file_sha256(path)}
             for name, path in _source_paths(settings).items()}
    code = {"graph-service": __version__, "reasoning-filter": FILTER_VERSION,
            **{lib: _version(lib) for lib in ("owlrl", "rdflib", "pyshacl", "pyoxigraph")},
            "modules": _modules_sha256()}
    material = {"sources": {name: f["sha256"] for name, f in files.items()}, "code": code,
                "base_iri": settings.base_iri, "format": RECORD_FORMAT}
    key = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return {"key": key, "sources": files, "code": code, "base_iri": settings.base_iri}


def _build(settings: Settings, fingerprint: dict, progress: Progress) -> dict:
    from .reasoning import Inconsistency, check_consistency, compute_closure, select_inferred
    from .validation import ValidationError, validate
    from .void import describe_dataset

    with progress.step("load"):
        ontology = sources.load_ontology(settings)
        facts = sources.load_facts(settings)
        provenance = sources.load_provenance(settings)
        shapes = sources.load_shapes(settings)

    with progress.step("validate"):
        try:
            outcome = validate(facts, shapes, ontology=ontology)
        except ValidationError as exc:
            raise BuildError(f"{_shown(settings.shapes_path)}: the shapes cannot be used: {exc}") from None
        results = outcome.counts()
        violations = results.get("Violation", 0)
        if violations:
            plural = "s" if violations != 1 else ""
            raise BuildError(f"{_shown(settings.data_path)} does not conform to "
                             f"{_shown(settings.shapes_path)} ({violations} violation{plural}; "
                             "graph-service validate lists them)", details=outcome.text().rstrip())

    with progress.step("reason") as step:
        closure = compute_closure(ontology, facts, on_cycle=lambda n, size: step.update(
            f"OWL 2 RL rules, round {n}, {size:,} triples"))

    with progress.step("check"):
        try:
            check_consistency(closure)
        except Inconsistency as exc:
            raise BuildError(exc.summary(), details=str(exc) if len(exc.findings) > 1 else "") from None
        inferred, dropped = select_inferred(closure)

    graphs: dict[str, Graph] = {"ontology": ontology, "facts": facts, "inferred": inferred, "shapes": shapes,
                                "provenance": provenance}
    with progress.step("describe"):
        counts = {str(g.identifier): len(g) for g in graphs.values()}
        asserted = Graph()
        asserted += ontology
        asserted += facts
        graphs["void"] = describe_dataset(settings, counts, sources=asserted)

    with progress.step("write"):
        nquads = _nquads(graphs)
        _replace(snapshot_path(settings), nquads)

    named = {"ontology": ONTOLOGY_GRAPH, "facts": FACTS_GRAPH, "inferred": INFERRED_GRAPH,
             "shapes": SHAPES_GRAPH, "void": VOID_GRAPH, "provenance": PROVENANCE_GRAPH}
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
                      "owlrl_seconds": round(closure.seconds, 3)},
        "validation": {"results": results},
        "timings": {step: round(s, 3) for step, s in progress.timings.items()},
        "snapshot": {"path": SNAPSHOT_NAME, "sha256": hashlib.sha256(nquads).hexdigest(),
                     "bytes": len(nquads)},
    }
    _replace(record_path(settings), (json.dumps(record, indent=2) + "\n").encode())
    return record


def _nquads(graphs: dict[str, Graph]) -> bytes:
    quads = []
    for g in graphs.values():
        name = from_rdflib(g.identifier)
        quads.extend(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), name) for s, p, o in g)
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def _replace(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
            "shapes": Path(settings.shapes_path)}


def _file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise sources.RdfSyntaxError(str(path), exc.strerror or str(exc)) from None


def _modules_sha256() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for module in sorted([*here.glob("*.py"), here.parent / "namespace.py"]):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
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
