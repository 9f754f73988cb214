"""Moving the graph from the canonical base IRI to the one a deployment serves it under.

The sources name everything under `config.DEFAULT_BASE`. A deployment that publishes the graph
under its own address (`Settings.base_iri`) gets the same quads with that base instead, IRIs and
text alike: a shape's `sh:pattern` and a comment that spell out the IRI form must agree with the
IRIs they describe. Nothing else changes, so counts, hashes of statements and answers are the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from graph_service.config import DEFAULT_BASE
from graph_service.graph.rdf.namespace import names

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph


class Rebase:
    """The rewriting of one base into another, for IRIs, literals and text."""

    def __init__(self, base: str, source: str = DEFAULT_BASE) -> None:
        self.source = source
        self.base = base
        names(base)  # prefixed names and descriptions know the project's terms under it
        # Literals may hold the base as text or, in a regular expression, escaped (both the way
        # people write it, dots only, and the way `re.escape` does); a Turtle file, as written,
        # doubles those backslashes.
        regex = [(source.replace(".", "\\."), re.escape(base)), (re.escape(source), re.escape(base))]
        self._text = [(source, base), *regex,
                      *((old.replace("\\", "\\\\"), new.replace("\\", "\\\\")) for old, new in regex)]

    @property
    def identity(self) -> bool:
        return self.source == self.base

    def iri(self, iri: str) -> str:
        return self.base + iri[len(self.source):] if iri.startswith(self.source) else iri

    def text(self, text: str) -> str:
        for old, new in self._text:
            if old in text:
                text = text.replace(old, new)
        return text

    def term(self, term: Term) -> Term:
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.iri(term.value)) if term.value.startswith(self.source) else term
        if isinstance(term, ox.Literal):
            value = self.text(term.value)
            if value == term.value:
                return term
            if term.language:
                return ox.Literal(value, language=term.language)
            return ox.Literal(value, datatype=term.datatype)
        if isinstance(term, ox.Triple):
            return ox.Triple(self.term(term.subject), self.term(term.predicate),  # type: ignore[arg-type]
                             self.term(term.object))  # type: ignore[arg-type]
        return term

    def quads(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        if self.identity:
            yield from quads
            return
        for q in quads:
            yield ox.Quad(self.term(q.subject), self.term(q.predicate),  # type: ignore[arg-type]
                          self.term(q.object), self.term(q.graph_name))  # type: ignore[arg-type]


def rebase_quads(quads: Iterable[ox.Quad], base: str, source: str = DEFAULT_BASE) -> Iterator[ox.Quad]:
    """`quads` with every IRI (and every mention in text) under `source` moved under `base`."""
    return Rebase(base, source).quads(quads)


def rebase_text(text: str, base: str, source: str = DEFAULT_BASE) -> str:
    """A query or other text that names the graph's IRIs, moved under `base`."""
    return Rebase(base, source).text(text)
