"""Earlier versions of the ontology, kept as they were published (`ontology/versions/<x.y.z>.ttl`
beside the ontology file), so that each version IRI the current ontology names as
`owl:priorVersion` dereferences to the document it named, not to a later one it may contradict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_service.graph.rdf import rebase_text

#: A version as the ontology's version IRIs end: `1.2.0`.
VERSION = re.compile(r"\d+\.\d+\.\d+")


@dataclass(frozen=True)
class ArchivedOntology:
    version: str
    #: The file's text, IRIs under the served base: what the Turtle document answers, comments kept.
    turtle: str
    #: Its triples, in the default graph.
    quads: tuple[ox.Quad, ...]


def versions_dir(ontology_path: Path) -> Path:
    return Path(ontology_path).parent / "versions"


def archived_version(ontology_path: Path, version: str, base: str) -> ArchivedOntology | None:
    """Version `version` of the ontology as published, its IRIs moved under `base`; None where
    none is kept (or `version` is no version number, which keeps it from naming another file)."""
    if not VERSION.fullmatch(version):
        return None
    path = versions_dir(ontology_path) / f"{version}.ttl"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    turtle = rebase_text(text, base)
    return ArchivedOntology(version, turtle, tuple(ox.parse(turtle, format=ox.RdfFormat.TURTLE)))
