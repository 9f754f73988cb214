"""load -> validate -> reason -> snapshot.

PLACEHOLDER: this first version only loads the sources into their named graphs and writes the
snapshot; validation, reasoning and content-hash caching are issue #4's work.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..namespace import FACTS_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH
from . import sources

SNAPSHOT_NAME = "snapshot.nq"


def snapshot_path(settings: Settings) -> Path:
    return settings.snapshot_dir / SNAPSHOT_NAME


def ensure_snapshot(settings: Settings) -> Path:
    """The path of a current snapshot (N-Quads, all named graphs), building one if needed."""
    path = snapshot_path(settings)
    quads: list[ox.Quad] = []
    for src, graph in ((settings.ontology_path, ONTOLOGY_GRAPH), (settings.data_path, FACTS_GRAPH),
                       (settings.shapes_path, SHAPES_GRAPH)):
        if not Path(src).exists():
            continue
        g = ox.NamedNode(str(graph))
        quads.extend(ox.Quad(q.subject, q.predicate, q.object, g) for q in sources.read_quads(src))
    path.parent.mkdir(parents=True, exist_ok=True)
    ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    return path
