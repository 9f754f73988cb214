"""The serving store: a pyoxigraph store holding named graphs."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def open_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store with these quads (triples in the default graph stay there)."""
    store = ox.Store()
    store.extend(quads)
    return store


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph ("" for the default graph)."""
    counts: dict[str, int] = {}
    for q in store:
        key = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        counts[key] = counts.get(key, 0) + 1
    return counts
