"""The serving store: a pyoxigraph store holding the snapshot's named graphs (or a user's files)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from . import build, sources


def load_store(settings: Settings) -> ox.Store:
    """An in-memory store with the project's snapshot, or the files given to `serve`.

    Triples from a plain-triples file go to the default graph; TriG/N-Quads keep their named graphs.
    """
    store = ox.Store()
    if settings.serve_files:
        for path in settings.serve_files:
            store.extend(sources.read_quads(Path(path)))
    else:
        store.bulk_load(path=str(build.ensure_snapshot(settings)), format=ox.RdfFormat.N_QUADS)
    return store


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph ("" for the default graph)."""
    counts: dict[str, int] = {}
    for q in store:
        key = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        counts[key] = counts.get(key, 0) + 1
    return counts
