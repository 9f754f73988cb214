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
        # Literals may hold the base as text or, in a regular expression, escaped: the way people
        # write it (only what a regex needs escaped: the dots, for the canonical base) or the way
        # `re.escape` does. A Turtle file or a query, as written, doubles those backslashes. Each
        # spelling moves to the same spelling of the new base, so a pattern is not rewritten into
        # another escaping of the same text (`liberation-kg` into `liberation\-kg`).
        regex = [(_escape(source), _escape(base)), (re.escape(source), re.escape(base))]
        pairs = [(source, base), *regex,
                 *((old.replace("\\", "\\\\"), new.replace("\\", "\\\\")) for old, new in regex)]
        self._text: dict[str, str] = {}
        for old, new in pairs:  # a spelling that is two of these (no `-` in it) stays the first
            self._text.setdefault(old, new)
        # One pass, longest spelling first: what one substitution wrote is never read by another
        # (a base under the source, `<source>mirror/`, would otherwise move twice).
        self._spelling = re.compile("|".join(re.escape(old) for old in sorted(self._text, key=len,
                                                                               reverse=True)))

    @property
    def identity(self) -> bool:
        return self.source == self.base

    def iri(self, iri: str) -> str:
        return self.base + iri[len(self.source):] if iri.startswith(self.source) else iri

    def text(self, text: str) -> str:
        if self.identity:  # the sources' own base: the text as written
            return text
        return self._spelling.sub(lambda m: self._text[m[0]], text)

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


def _escape(text: str) -> str:
    """`text` as a regular expression matching it, escaping only what a regex needs escaped."""
    return re.sub(r"[\\.^$*+?()\[\]{}|]", lambda m: "\\" + m[0], text)


def rebase_text(text: str, base: str, source: str = DEFAULT_BASE) -> str:
    """A query or other text that names the graph's IRIs, moved under `base`."""
    return Rebase(base, source).text(text)
