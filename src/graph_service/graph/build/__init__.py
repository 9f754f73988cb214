"""From sources to snapshot: validate (pySHACL), reason (reasonable; owlrl the reference),
describe, write; cached by the content hash of the sources. Also the validation service's
machinery, which the build uses."""

from graph_service.graph.build.pipeline import (
    IN_MEMORY_INDEX_QUADS,
    BuildError,
    BuildResult,
    Inference,
    Served,
    Sources,
    build_snapshot,
    ensure_snapshot,
    infer,
    load_index,
    load_sources,
    load_store,
    record_path,
    served,
    serving_store,
    snapshot_path,
)
from graph_service.graph.build.progress import Progress
from graph_service.graph.build.reasoning import Inconsistency
from graph_service.graph.build.remote import LoadError, LoadReport, load_into, refresh_mirror
from graph_service.graph.build.shapes import (
    census,
    class_hierarchy,
    describe_shapes,
    project_ontology,
    project_shapes,
    value_summary,
)
from graph_service.graph.build.validation import (
    INFERENCE_CHOICES,
    InferenceChoice,
    InputTooCostly,
    UnsafeConstraint,
    ValidationError,
    ValidationOutcome,
    ValidationTimeout,
    inference_choice,
    parse_untrusted,
    path_text,
    severity_name,
    term_name,
    validate,
)

__all__ = [
    "INFERENCE_CHOICES", "build_snapshot", "BuildError", "BuildResult", "census", "class_hierarchy",
    "describe_shapes",
    "ensure_snapshot", "Inconsistency", "infer", "Inference", "inference_choice", "InferenceChoice",
    "IN_MEMORY_INDEX_QUADS", "load_index",
    "load_into", "load_sources", "LoadError", "LoadReport", "refresh_mirror", "load_store",
    "path_text", "Progress", "project_ontology", "project_shapes", "record_path", "Served", "served",
    "severity_name", "snapshot_path", "Sources", "term_name", "UnsafeConstraint", "validate",
    "ValidationError", "ValidationOutcome", "ValidationTimeout", "value_summary", "InputTooCostly",
    "parse_untrusted", "serving_store",
]
