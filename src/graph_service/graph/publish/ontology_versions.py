"""Earlier versions of the ontology, kept as they were published (`ontology/versions/<x.y.z>.ttl`
beside the ontology file), so that each version IRI the current ontology names as
`owl:priorVersion` dereferences to the document it named, not to a later one it may contradict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph_service.graph.publish import layout
from graph_service.graph.rdf import rebase_text

#: A version as the ontology's version IRIs end: `1.2.0`.
VERSION = re.compile(r"\d+\.\d+\.\d+")


@dataclass(frozen=True)
class ArchivedOntology:
    version: str
    #: The file's text, IRIs under the served base: what the Turtle document answers, comments kept.
    turtle: str
    #: Its triples, in the graph named by the version IRI (which TriG and N-Quads keep, so that
    #: they differ from N-Triples), their blank nodes labelled in the file's order.
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
    graph = ox.NamedNode(f"{base}{layout.ONTOLOGY}/{version}")
    # The parser labels blank nodes afresh in each process: each worker wrote other labels, and
    # so another ETag, for the same document.
    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term, ox.BlankNode(f"b{len(labels)}"))
        return term

    quads = tuple(ox.Quad(stable(q.subject), q.predicate, stable(q.object), graph)
                  for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    return ArchivedOntology(version, turtle, quads)
