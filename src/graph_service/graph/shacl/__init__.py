"""SHACL: pySHACL behind one function, `validate`, safe to run on other people's data and shapes;
the project's own shapes, loaded once per version and described for people. The build checks its
sources with it; `graph-service validate` and `POST /validate` check a user's."""

from graph_service.graph.shacl.shapes import (
    census,
    describe_shapes,
    file_version,
    project_ontology,
    project_shapes,
    value_summary,
)
from graph_service.graph.shacl.validation import (
    INFERENCE_CHOICES,
    InferenceChoice,
    InputTooCostly,
    ReadAllowance,
    UnsafeConstraint,
    Untrusted,
    ValidationError,
    ValidationOutcome,
    ValidationTimeout,
    holds_shapes,
    inference_choice,
    parse_untrusted_all,
    path_text,
    severity_name,
    term_name,
    validate,
)

__all__ = [
    "census", "file_version", "describe_shapes", "holds_shapes", "INFERENCE_CHOICES",
    "inference_choice",
    "InferenceChoice", "InputTooCostly", "parse_untrusted_all", "ReadAllowance",
    "path_text", "project_ontology",
    "project_shapes", "severity_name", "term_name", "UnsafeConstraint", "Untrusted", "validate",
    "ValidationError", "ValidationOutcome", "ValidationTimeout", "value_summary",
]
