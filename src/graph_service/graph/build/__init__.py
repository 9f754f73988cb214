"""From sources to snapshot: validate (pySHACL), reason (reasonable; owlrl the reference),
describe, write; cached by the content hash of the sources (validated by `graph.shacl`)."""

from graph_service.graph.build.pipeline import (
    IN_MEMORY_INDEX_QUADS,
    BuildError,
    BuildResult,
    Inference,
    Loaded,
    Served,
    Sources,
    build_snapshot,
    ensure_snapshot,
    infer,
    load_index,
    load_serving,
    load_sources,
    load_store,
    record_path,
    served,
    serving_store,
    snapshot_path,
)
from graph_service.graph.build.progress import Progress
from graph_service.graph.build.reasoning import Inconsistency
from graph_service.graph.build.remote import LoadError, LoadReport, NotLoadable, load_into, refresh_mirror

__all__ = [
    "build_snapshot", "BuildError", "BuildResult", "ensure_snapshot", "Inconsistency", "infer",
    "Inference", "IN_MEMORY_INDEX_QUADS", "Loaded", "load_index", "load_into", "load_serving",
    "load_sources", "LoadError",
    "LoadReport", "NotLoadable", "refresh_mirror", "load_store", "Progress", "record_path", "Served",
    "served", "snapshot_path", "Sources", "serving_store",
]
