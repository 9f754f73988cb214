"""Whole-dataset dumps: what an external triple store loads (`graph-service export`, `/dumps/...`).

Dataset formats (N-Quads, TriG, JSON-LD) hold every named graph, so a store that loads them can
still tell asserted facts from inferred ones. Turtle has no graphs, so its dump holds the
asserted facts only: the union would mix the OWL closure and the shapes into the facts. Data
that is not the project's graph (a user's files, `serve FILE`) has none of its graphs: its dumps
are described by what they hold (`dumps_for(..., project=False)`), its Turtle dump being its
default graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from graph_service.config import Settings
from graph_service.graph.publish import layout
from graph_service.graph.query import QuadSource
from graph_service.graph.rdf import formats, known_bases, names, serialize


@dataclass(frozen=True)
class Dump:
    fmt: formats.Format
    #: True: every named graph; False: the asserted facts only (the default graph of data that
    #: has no facts graph).
    all_graphs: bool
    description: str
    #: What the files are called: the dataset's name.
    stem: str = layout.DUMP_STEM

    @property
    def filename(self) -> str:
        return f"{self.stem}.{self.fmt.extension}"

    @property
    def path(self) -> str:
        """The dump's path relative to the base IRI (and to the service's root)."""
        return layout.DUMPS + self.filename


def _dump(name: str, all_graphs: bool, description: str) -> Dump:
    fmt = formats.by_name(name)
    assert fmt is not None, name
    return Dump(fmt, all_graphs, description)


DUMPS: tuple[Dump, ...] = (
    _dump("nquads", True, "every named graph: ontology, facts, inferred triples, the quote behind each "
                          "statement (provenance), shapes, GeoNames coordinates, description"),
    _dump("trig", True, "every named graph, in TriG"),
    _dump("jsonld", True, "every named graph, in JSON-LD (one @graph per named graph)"),
    _dump("turtle", False, "the asserted facts only (no ontology, inferences, per-statement quotes, "
                           "shapes or GeoNames coordinates)"),
)
#: The same dumps of data that is not the project's graph, described by what they hold.
FILE_DUMPS: tuple[Dump, ...] = (
    _dump("nquads", True, "every graph of the served data: its default graph and each named graph"),
    _dump("trig", True, "every graph of the served data, in TriG"),
    _dump("jsonld", True, "every graph of the served data, in JSON-LD (one @graph per named graph)"),
    _dump("turtle", False, "the default graph of the served data only (the triples in no named graph)"),
)


def dataset_stem(settings: Settings) -> str:
    """What the dumps of the served dataset are called: the project's graph `liberation`, a user's
    file (`serve FILE`) after that file (`my-data.ttl` -> `my-data.nq`)."""
    if not settings.serve_files:
        return layout.DUMP_STEM
    stem = re.sub(r"[^a-z0-9]+", "-", Path(settings.serve_files[0]).stem.lower()).strip("-")
    return stem or "dataset"


def dumps_for(stem: str = layout.DUMP_STEM, *, project: bool = True) -> tuple[Dump, ...]:
    """The dumps, named `stem`; described as the project's graph's, or (not `project`) by what
    any data's hold."""
    chosen = DUMPS if project else FILE_DUMPS
    return chosen if stem == layout.DUMP_STEM else tuple(replace(d, stem=stem) for d in chosen)


def by_format(name: str, stem: str = layout.DUMP_STEM) -> Dump | None:
    """The dump in the format called `name` (short name, extension or media type)."""
    fmt = formats.by_name(name)
    return next((d for d in dumps_for(stem) if d.fmt == fmt), None)


def by_filename(filename: str, stem: str = layout.DUMP_STEM) -> Dump | None:
    return next((d for d in dumps_for(stem) if d.filename == filename), None)


def dump_quads(store: QuadSource, dump: Dump) -> list[ox.Quad]:
    if dump.all_graphs:
        return list(store)
    facts = [q for base in known_bases()
             for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(names(base).facts_graph)))]
    if facts:
        return facts
    # A store of a user's own files (`serve FILE`) has no facts graph: its default graph is the data.
    return list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def dump_bytes(store: QuadSource, dump: Dump) -> bytes:
    return serialize.write(dump_quads(store, dump), dump.fmt, named_graphs=dump.all_graphs)
