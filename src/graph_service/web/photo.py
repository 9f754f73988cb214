"""What a photograph's page shows first, in order of importance: its caption, its credit and
licence, who and what it depicts, where and when it was taken, and the event it belongs to.
The generic list of statements follows on the page, as for every resource.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF

from graph_service.graph import LIB, Description, QuadSource, is_inferred, labels_of
from graph_service.web.urls import Urls

_TYPE = ox.NamedNode(str(RDF.type))
_PHOTOGRAPH = ox.NamedNode(str(LIB.Photograph))
_CREDIT = ox.NamedNode(str(LIB.credit))
_CREDITED_TO = ox.NamedNode(str(LIB.creditedTo))
_LICENSE = ox.NamedNode(str(DCTERMS.license))
_DEPICTS = ox.NamedNode(str(LIB.depicts))
_HAS_PLACE = ox.NamedNode(str(LIB.hasPlace))
_PART_OF = ox.NamedNode(str(LIB.partOf))
_IN_AREA = ox.NamedNode(str(LIB.inArea))
_HAS_TIME_SPAN = ox.NamedNode(str(LIB.hasTimeSpan))
_DATE_TEXT = ox.NamedNode(str(LIB.dateText))

#: How depicted things are grouped, by the class they are an instance of (asserted or inferred),
#: in the order the page lists the groups.
GROUPS: tuple[tuple[str, ox.NamedNode], ...] = (
    ("who", ox.NamedNode(str(LIB.Actor))),
    ("event", ox.NamedNode(str(LIB.Event))),
    ("where", ox.NamedNode(str(LIB.Place))),
)
_CC = re.compile(r"^https?://creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/([0-9.]+)/?")

Link = tuple[str, str | None]


@dataclass
class PhotoSummary:
    caption: str | None = None
    credits: list[str] = field(default_factory=list)
    credited_to: list[Link] = field(default_factory=list)
    licences: list[Link] = field(default_factory=list)
    #: The credit as shown: each credit text, linked to whom it names.
    credit: list[Link] = field(default_factory=list)
    #: People, groups and forces it shows.
    who: list[Link] = field(default_factory=list)
    #: Everything else it shows (equipment, objects), places it shows apart.
    what: list[Link] = field(default_factory=list)
    shows_places: list[Link] = field(default_factory=list)
    #: Where it was taken, each with the places that contain it ("Champs-Élysées, Paris, France").
    where: list[tuple[Link, list[Link]]] = field(default_factory=list)
    #: When, in the caption's words.
    when: list[str] = field(default_factory=list)
    #: The events it belongs to.
    events: list[Link] = field(default_factory=list)


def is_photograph(d: Description) -> bool:
    return _PHOTOGRAPH in d.types()


def summary(d: Description, store: QuadSource, urls: Urls) -> PhotoSummary:
    photo = d.iri
    s = PhotoSummary(caption=d.caption(photo))

    def link(term: ox.NamedNode) -> Link:
        return (_label(d, store, term), urls.href(term.value))

    for q in d.outgoing(photo):
        if is_inferred(q):
            continue  # the asserted statements: an inferred one repeats them in other words
        o = q.object
        if q.predicate == _CREDIT and isinstance(o, ox.Literal):
            s.credits.append(o.value)
        elif q.predicate == _CREDITED_TO and isinstance(o, ox.NamedNode):
            s.credited_to.append(link(o))
        elif q.predicate == _LICENSE and isinstance(o, ox.NamedNode):
            s.licences.append((licence_name(o.value, d.labels.get(o)), o.value))
        elif q.predicate == _DEPICTS and isinstance(o, ox.NamedNode):
            group = _group(store, o)
            target = {"who": s.who, "event": s.events, "where": s.shows_places}.get(group, s.what)
            target.append(link(o))
        elif q.predicate == _HAS_PLACE and isinstance(o, ox.NamedNode):
            s.where.append((link(o), [link(p) for p in _containers(store, o)]))
        elif q.predicate == _HAS_TIME_SPAN and isinstance(o, ox.NamedNode | ox.BlankNode):
            text = next((t.object.value for t in store.quads_for_pattern(o, _DATE_TEXT, None, None)
                         if isinstance(t.object, ox.Literal)), None)
            s.when.append(text or d.label(o))
    # The credit as printed, linked to whom it names where the graph has them.
    named = {name.lower(): (name, href) for name, href in s.credited_to}
    s.credit = [(text, named.pop(text.lower(), (text, None))[1]) for text in s.credits]
    s.credit += list(named.values())
    for values in (s.who, s.what, s.shows_places, s.events, s.credited_to):
        values[:] = sorted(dict.fromkeys(values), key=lambda v: v[0].lower())
    where_places = {place for place, _ in s.where}
    s.shows_places = [p for p in s.shows_places if p not in where_places]
    return s


def licence_name(iri: str, label: str | None = None) -> str:
    """A licence's usual name: "CC BY-SA 3.0" for a Creative Commons licence IRI."""
    m = _CC.match(iri)
    if m:
        code = "CC0" if m.group(2) == "zero" else "CC " + m.group(2).upper()
        return f"{code} {m.group(3)}"
    return label or iri


def _group(store: QuadSource, node: ox.NamedNode) -> str:
    types = {q.object for q in store.quads_for_pattern(node, _TYPE, None, None)}
    return next((name for name, cls in GROUPS if cls in types), "what")


def _containers(store: QuadSource, place: ox.NamedNode, limit: int = 6) -> list[ox.NamedNode]:
    """The places that contain `place`, nearest first (lib:partOf, or lib:inArea for a place the
    article puts in a city without making it part of it)."""
    found: list[ox.NamedNode] = []
    current = place
    for _ in range(limit):
        # Asserted links only: lib:partOf is transitive, and the inferred ones skip the steps between.
        links = (q for p in (_PART_OF, _IN_AREA) for q in store.quads_for_pattern(current, p, None, None))
        up = next((q.object for q in links if not is_inferred(q) and isinstance(q.object, ox.NamedNode)
                   and q.object not in found and q.object != place), None)
        if up is None:
            break
        found.append(up)
        current = up
    return found


def _label(d: Description, store: QuadSource, term: ox.NamedNode) -> str:
    if term in d.labels:
        return d.labels[term]
    return labels_of(store, [term]).get(term) or d.label(term)
