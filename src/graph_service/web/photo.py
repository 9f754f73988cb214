"""What a photograph's page shows first, in order of importance: its caption, its credit and
licence, who and what it depicts, where and when it was taken, and the event it belongs to.
The generic list of statements follows on the page, as for every resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from graph_service.graph import (
    RDF_TYPE,
    Description,
    Names,
    QuadSource,
    has_note,
    is_inferred,
    labels_of,
    licence_name,
    listed,
    shown_date,
)
from graph_service.web.urls import Urls

_LICENSE = ox.NamedNode(str(DCTERMS.license))


@dataclass(frozen=True)
class _Terms:
    """The ontology's terms a photograph's summary reads, under the base the graph is served under."""

    photograph: ox.NamedNode
    credit: ox.NamedNode
    credited_to: ox.NamedNode
    depicts: ox.NamedNode
    depicts_instance_of: ox.NamedNode
    has_place: ox.NamedNode
    part_of: ox.NamedNode
    in_area: ox.NamedNode
    has_time_span: ox.NamedNode
    date_text: ox.NamedNode
    model: ox.NamedNode
    editorial_note: ox.NamedNode
    other_accounts: ox.NamedNode
    #: A time-span's dates (its day, month or bounds).
    dates: tuple[ox.NamedNode, ...]
    #: How depicted things are grouped, by the class they are an instance of (asserted or
    #: inferred), in the order the page lists the groups.
    groups: tuple[tuple[str, ox.NamedNode], ...]
    country: ox.NamedNode


@cache
def _terms(names: Names) -> _Terms:
    def t(name: str) -> ox.NamedNode:
        return ox.NamedNode(str(names.lib[name]))

    return _Terms(t("Photograph"), t("credit"), t("creditedTo"), t("depicts"), t("depictsInstanceOf"),
                  t("hasPlace"), t("partOf"),
                  t("inArea"), t("hasTimeSpan"), t("dateText"), t("model"), t("editorialNote"),
                  t("otherAccounts"), tuple(t(n) for n in ("onDate", "inMonth", "notBefore", "notAfter")),
                  (("who", t("Actor")), ("event", t("Event")), ("where", t("Place"))), t("Country"))

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
    #: Where it was taken, each with the places that contain it, nearest first, a step at a time
    #: ("Champs-Élysées" in Paris, in France; a junction in both its streets, in Warsaw).
    where: list[tuple[Link, list[list[Link]]]] = field(default_factory=list)
    #: When, in the caption's words.
    when: list[str] = field(default_factory=list)
    #: The events it belongs to.
    events: list[Link] = field(default_factory=list)
    #: When those were, for a photograph not dated itself (their time-spans' names).
    events_when: list[str] = field(default_factory=list)
    #: What the box shows that is the project's reading of the caption, not its words, each said
    #: as the link that is read ("that it shows the liberation of Rome", of a caption that names
    #: no event; "its date, 5 June 1944", a heading's date): the value alone read as though the
    #: caption's own words were not, where the caption prints "June 5, 1944".
    readings: list[str] = field(default_factory=list)
    #: Whether other accounts dispute the photograph's date as the caption gives it (luxembourg-01's
    #: 25 December 1944, when Wiltz was in German hands).
    date_disputed: bool = False


def _dated_with(store: QuadSource, span: ox.NamedNode | ox.BlankNode, terms: _Terms,
                note: ox.NamedNode) -> bool:
    """Whether a statement of the time-span's date (its day, month or bounds) carries `note`."""
    return any(has_note(store, span, p, v.object, note)
               for p in terms.dates for v in store.quads_for_pattern(span, p, None, None))


def is_photograph(d: Description, names: Names) -> bool:
    return _terms(names).photograph in d.types()


def summary(d: Description, store: QuadSource, urls: Urls, names: Names) -> PhotoSummary:
    terms = _terms(names)
    photo = d.iri
    s = PhotoSummary(caption=d.caption(photo))
    # What is the project's reading, by what is read: its date, what it shows, where it was
    # taken, and a place's place in another (said in that order, each kind once).
    dates_read: list[str] = []
    shown_read: list[str] = []
    placed_read: list[str] = []
    within_read: list[str] = []
    states: set[Link] = set()  # of the places it was taken in

    def link(term: ox.NamedNode) -> Link:
        return (_label(d, store, term), urls.href(term.value))

    # A model shown beside an item of it (warsaw-05's pistol and "Vis pistol") is named once, by
    # the item, which links to its model.
    depicted = [q.object for q in d.outgoing(photo)
                if q.predicate == terms.depicts and isinstance(q.object, ox.NamedNode)]
    shown_items_of = {m.object for o in depicted for m in store.quads_for_pattern(o, terms.model, None, None)}
    for q in d.outgoing(photo):
        if is_inferred(q) or (q.predicate == terms.depicts_instance_of and q.object in shown_items_of):
            continue  # the asserted statements: an inferred one repeats them in other words
        o = q.object
        shows = q.predicate in (terms.depicts, terms.depicts_instance_of)
        if (shows or q.predicate == terms.has_place) and isinstance(o, ox.NamedNode) and has_note(
                store, photo, q.predicate, o, terms.editorial_note):
            label = _label(d, store, o)
            (shown_read if shows else placed_read).append(label)
        if q.predicate == terms.credit and isinstance(o, ox.Literal):
            s.credits.append(o.value)
        elif q.predicate == terms.credited_to and isinstance(o, ox.NamedNode):
            s.credited_to.append(link(o))
        elif q.predicate == _LICENSE and isinstance(o, ox.NamedNode):
            s.licences.append((licence_name(o.value, d.labels.get(o)), o.value))
        elif q.predicate == terms.depicts and isinstance(o, ox.NamedNode):
            group = _group(store, o, terms)
            target = {"who": s.who, "event": s.events, "where": s.shows_places}.get(group, s.what)
            target.append(link(o))
            if group == "event":
                s.events_when += [_label(d, store, t.object) for t in store.quads_for_pattern(
                    o, terms.has_time_span, None, None) if isinstance(t.object, ox.NamedNode)]
        elif q.predicate == terms.depicts_instance_of and isinstance(o, ox.NamedNode):
            s.what.append(link(o))
        elif q.predicate == terms.has_place and isinstance(o, ox.NamedNode):
            steps = _containers(store, o, terms)
            s.where.append((link(o), [[link(p) for p in step] for step in steps]))
            if any(store.quads_for_pattern(o, RDF_TYPE, terms.country, None)):
                states.add(link(o))
            # A step up that is the project's reading (the caption names the Champs-Élysées, not
            # Paris) is said as the box's other readings are.
            within_read += [f"that “{_label(d, store, part)}” is in “{_label(d, store, whole)}”"
                           for below, step in zip([[o], *steps], steps, strict=False)
                           for whole in step for part in below
                           if any(has_note(store, part, p, whole, terms.editorial_note)
                                  for p in (terms.part_of, terms.in_area))]
        elif q.predicate == terms.has_time_span and isinstance(o, ox.NamedNode | ox.BlankNode):
            words = next((t.object.value for t in store.quads_for_pattern(o, terms.date_text, None, None)
                          if isinstance(t.object, ox.Literal)), None)
            text = shown_date(d.labels.get(o), words) or d.label(o)
            s.when.append(text)
            # prague-03's "May 1945", the liberation's; warsaw-02's "August 2, 1944", which could
            # be the capture's (a note on the date itself)
            if has_note(store, photo, q.predicate, o, terms.editorial_note) or _dated_with(
                    store, o, terms, terms.editorial_note):
                dates_read.append(text)
            s.date_disputed = s.date_disputed or _dated_with(store, o, terms, terms.other_accounts)
    # The credit as printed, linked to whom it names where the graph has them.
    named = {name.lower(): (name, href) for name, href in s.credited_to}
    s.credit = [(text, named.pop(text.lower(), (text, None))[1]) for text in s.credits]
    s.credit += list(named.values())
    # Each name in quotes: a name's own comma or "and" ran on into the list's.
    places, shown = ([f"“{name}”" for name in sorted(set(read), key=str.lower)]
                     for read in (placed_read, shown_read))
    s.readings = [*(f"its date, {text}" for text in dict.fromkeys(dates_read)),
                  *([f"that it shows {listed(shown)}"] if shown else []),
                  *([f"its place{'s' if len(places) > 1 else ''}, {listed(places)}"] if places else []),
                  *sorted(set(within_read), key=str.lower)]
    for values in (s.who, s.what, s.shows_places, s.events, s.credited_to):
        values[:] = sorted(dict.fromkeys(values), key=lambda v: v[0].lower())
    # A state after the places in it, whatever order the quads came in: prague-01 read "Prague;
    # Czech Republic" and prague-02, of the same caption, "Czech Republic; Prague".
    s.where.sort(key=lambda w: (w[0] in states, w[0][0].lower()))
    where_places = {place for place, _ in s.where}
    s.shows_places = [p for p in s.shows_places if p not in where_places]
    return s


def _group(store: QuadSource, node: ox.NamedNode, terms: _Terms) -> str:
    types = {q.object for q in store.quads_for_pattern(node, RDF_TYPE, None, None)}
    return next((name for name, cls in terms.groups if cls in types), "what")


def _containers(store: QuadSource, place: ox.NamedNode, terms: _Terms,
                limit: int = 6) -> list[list[ox.NamedNode]]:
    """The places that contain `place`, nearest first, a step at a time: up lib:partOf (every
    place of a step: a junction is in both its streets, and showing one said it lay in that one
    alone), and at most one lib:inArea step, which ends the climb (a place the article puts in a
    city's area without making it part of it: St Peter's Square in Rome says nothing of Italy).
    A place in the areas of several names none of them here: which one a photograph's time falls
    in is not the page's to guess (the data places Prague's events in the state of their time)."""
    found: list[ox.NamedNode] = []
    steps: list[list[ox.NamedNode]] = []

    def above(node: ox.NamedNode, prop: ox.NamedNode) -> list[ox.NamedNode]:
        # Asserted links only: lib:partOf is transitive, and the inferred ones skip the steps between.
        return [q.object for q in store.quads_for_pattern(node, prop, None, None)
                if not is_inferred(q) and isinstance(q.object, ox.NamedNode)
                and q.object not in found and q.object != place]

    current = [place]
    for _ in range(limit):
        parts = sorted(dict.fromkeys(p for node in current for p in above(node, terms.part_of)), key=str)
        # A place another of the step lies in comes at the next step, not beside it ("Warsaw and
        # Wola" were one street in the city and the other in a district of it).
        parts = [p for p in parts if not any(p in above(other, terms.part_of) for other in parts)]
        if parts:
            found.extend(parts)
            steps.append(parts)
            current = parts
            continue
        areas = list(dict.fromkeys(a for node in current for a in above(node, terms.in_area)))
        if len(areas) == 1:
            steps.append(areas)
        break
    return steps


def _label(d: Description, store: QuadSource, term: ox.NamedNode) -> str:
    if term in d.labels:
        return d.labels[term]
    return labels_of(store, [term]).get(term) or d.label(term)
