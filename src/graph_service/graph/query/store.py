"""The serving store: a pyoxigraph store holding named graphs."""

from __future__ import annotations

import hashlib
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


def content_hash(quads: Iterable[ox.Quad]) -> str:
    """sha256 of the quads as a set, blank nodes relabelled canonically (W3C RDFC-1.0): the same
    for the same dataset whatever the order, duplicates or blank node labels, so a store's copy
    can be checked against what was sent to it."""
    dataset = ox.Dataset(quads)
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in dataset):
        # Only blank nodes need it, and it is most of the cost (0.25 s for 17 000 quads).
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(str(q) for q in dataset)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b" .\n")
    return digest.hexdigest()
