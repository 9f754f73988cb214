"""A source's page: its text, paragraph by paragraph, each passage the graph quotes marked where
the build placed it (`lib:beginIndex`, `lib:endIndex`) and linked to its quote, whose page lists
what rests on it. A reader sees the article in its own order, what the graph takes from it, and
what it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.namespace import PROV

from graph_service.graph import QuadSource, labels_of, quote_span
from graph_service.web.urls import Urls

_QUOTED_FROM = ox.NamedNode(str(PROV.wasQuotedFrom))


@dataclass(frozen=True)
class Segment:
    text: str
    #: The page of the quote this passage is (the shortest, where quotes overlap); None: unquoted.
    href: str | None = None
    title: str | None = None
    #: The ids (`anchors`) of the quotes marked where this passage begins: a quote's page links to
    #: its place here, though a shorter quote inside it may take its first words.
    anchors: tuple[str, ...] = ()
    #: The ids of every quote whose words this passage is: a quote reached by its link is lit
    #: whole, where a shorter quote inside it cuts it into several passages.
    within: tuple[str, ...] = ()


def anchors(store: QuadSource, source: ox.NamedNode,
            text: list[tuple[int, str]]) -> dict[ox.NamedNode, tuple[int, str]]:
    """Where each quote of `source` is marked on its page, and the id it is marked with: the first
    place in a paragraph its words cover (a span may open on the space before a paragraph), and
    `quote-` with its IRI's last segment, `-2`, `-3`... after it where another quote's ends the
    same. A quote that covers no paragraph has none."""
    return _marks(_spans(store, source), text)


def quoted_from(store: QuadSource, quote: ox.NamedNode) -> list[ox.NamedNode]:
    """The sources a quote is quoted from (`prov:wasQuotedFrom`)."""
    return list(dict.fromkeys(q.object for q in store.quads_for_pattern(quote, _QUOTED_FROM, None, None)
                              if isinstance(q.object, ox.NamedNode)))


def _marks(spans: list[tuple[int, int, ox.NamedNode]],
           text: list[tuple[int, str]]) -> dict[ox.NamedNode, tuple[int, str]]:
    found: dict[ox.NamedNode, tuple[int, str]] = {}
    taken: set[str] = set()
    for at, to, quote in sorted(spans, key=lambda s: s[2].value):
        start = next((max(at, begin) for begin, paragraph in text
                      if begin < to and begin + len(paragraph) > at), None)
        if start is None:
            continue
        name = base = "quote-" + quote.value.rstrip("/").rsplit("/", 1)[-1]
        n = 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        found[quote] = (start, name)
    return found


def _spans(store: QuadSource, source: ox.NamedNode) -> list[tuple[int, int, ox.NamedNode]]:
    """Each quote of `source` with a place in its text: (begin, end, quote)."""
    spans = []
    for q in store.quads_for_pattern(None, _QUOTED_FROM, source, None):
        quote = q.subject
        if isinstance(quote, ox.NamedNode):
            span = quote_span(store.quads_for_pattern(quote, None, None, None))
            if span is not None and span[0] < span[1]:
                spans.append((*span, quote))
    return spans


#: What may end a passage without being a passage of its own.
_TRAILING = " .,;:!?”’\"')"


def paragraphs(store: QuadSource, source: ox.NamedNode, text: list[tuple[int, str]],
               urls: Urls) -> list[list[Segment]]:
    """The paragraphs of `text` (each with where it starts in the source's text) cut into quoted
    and unquoted passages; none when no quote of `source` has a place in it."""
    spans = _spans(store, source)
    if not spans:
        return []
    labels = labels_of(store, {quote for _, _, quote in spans})
    marks = _marks(spans, text)
    begins: dict[int, list[str]] = {}
    for at, name in marks.values():
        begins.setdefault(at, []).append(name)
    out: list[list[Segment]] = []
    for start, paragraph in text:
        stop = start + len(paragraph)
        inside = [(max(at, start), min(to, stop), quote) for at, to, quote in spans
                  if at < stop and to > start]
        cuts = sorted({start, stop} | {x for at, to, _ in inside for x in (at, to)})
        segments: list[Segment] = []
        for lo, hi in zip(cuts, cuts[1:], strict=False):
            covering = [s for s in inside if s[0] <= lo and hi <= s[1]]
            piece = paragraph[lo - start:hi - start]
            starting = tuple(begins.get(lo, ()))
            if covering:
                quote = min(covering, key=lambda s: s[1] - s[0])[2]
                within = tuple(sorted(marks[s[2]][1] for s in covering if s[2] in marks))
                segment = Segment(piece, urls.href(quote.value), labels.get(quote), starting, within)
            else:
                segment = Segment(piece, anchors=starting)
            if segments and not starting and ((segments[-1].href, segments[-1].within) == (
                    segment.href, segment.within) or (
                    segment.href and segments[-1].href and not piece.strip(_TRAILING))):
                # A full stop that only the wider of two quotes takes was a link of its own, one
                # character wide: it goes with the passage it ends.
                last = segments.pop()
                segment = Segment(last.text + piece, last.href, last.title, last.anchors, last.within)
            segments.append(segment)
        out.append(segments)
    return out

