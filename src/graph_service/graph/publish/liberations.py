"""The liberations of the capitals as the timeline and the map show them, asked of the served store
with SPARQL (through a query `Engine`), never written down twice.

One `Liberation` per capital: the event that freed it (or, for Berlin, took it), every date the
article gives for it with its precision (a day, a month, an interval such as "early 1945"; Paris
has two days, both kept; Luxembourg City and Berlin none), the kinds of reception it met, the forces
that liberated, supported or conquered it, and where the capital lies (from the coordinates graph,
when the store has one).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from graph_service.graph.publish.dates import date_of_label
from graph_service.graph.query import Engine, ResultTerm
from graph_service.graph.rdf import CANONICAL, Names

_EVENTS = """
SELECT DISTINCT ?capital ?capitalLabel ?event ?eventLabel ?span ?spanLabel ?dateText ?onDate ?inMonth
                ?notBefore ?notAfter ?reading ?disputed
WHERE {
  ?capital a lib:CapitalCity ; rdfs:label ?capitalLabel .
  # a liberation, or a conquest (Berlin; Warsaw is both, hence DISTINCT)
  ?event lib:liberationOf|lib:conquestOf ?capital ; rdfs:label ?eventLabel .
  OPTIONAL {
    ?event lib:hasTimeSpan ?span .
    OPTIONAL { ?span rdfs:label ?spanLabel
               FILTER(LANGMATCHES(LANG(?spanLabel), "en") || LANG(?spanLabel) = "") }
    OPTIONAL { ?span lib:dateText ?dateText }
    OPTIONAL { ?span lib:onDate ?onDate }
    OPTIONAL { ?span lib:inMonth ?inMonth }
    OPTIONAL { ?span lib:notBefore ?notBefore }
    OPTIONAL { ?span lib:notAfter ?notAfter }
    # The project's reading, where the link or one of the span's bounds carries a note (Amsterdam's
    # month is that of the Germans' surrender; Warsaw's "early 1945" ends where the project says).
    BIND(EXISTS { { ?said rdf:subject ?event ; rdf:predicate lib:hasTimeSpan ; rdf:object ?span }
                  UNION { ?said rdf:subject ?span }
                  ?said lib:editorialNote ?why } AS ?reading)
    # The article's date, where other accounts give another (a bound's statement says so).
    BIND(EXISTS { ?said rdf:subject ?span ; lib:otherAccounts ?otherwise } AS ?disputed)
  }
  FILTER(LANGMATCHES(LANG(?capitalLabel), "en") || LANG(?capitalLabel) = "")
  FILTER(LANGMATCHES(LANG(?eventLabel), "en") || LANG(?eventLabel) = "")
}
"""

_RECEPTIONS = """
SELECT DISTINCT ?event ?kind ?kindLabel ?reading WHERE {
  ?capital a lib:CapitalCity .
  ?event lib:liberationOf|lib:conquestOf ?capital ; lib:hasReception ?reception .
  ?reception lib:receptionKind ?kind .
  BIND(EXISTS { ?said rdf:subject ?reception ; rdf:predicate lib:receptionKind ; rdf:object ?kind ;
                      lib:editorialNote ?why } AS ?reading)
  OPTIONAL { ?kind skos:prefLabel ?prefLabel FILTER(LANGMATCHES(LANG(?prefLabel), "en")) }
  OPTIONAL { ?kind rdfs:label ?plainLabel FILTER(LANGMATCHES(LANG(?plainLabel), "en")) }
  BIND(COALESCE(?prefLabel, ?plainLabel, STR(?kind)) AS ?kindLabel)
}
"""

#: The roles that say who freed or took a capital (a participant's other roles are not forces).
_FORCES = """
SELECT DISTINCT ?event ?force ?forceLabel ?role ?roleLabel ?reading ?disputed WHERE {
  VALUES ?role { lib:role-liberating-force lib:role-supporting-force lib:role-conquering-force }
  ?capital a lib:CapitalCity .
  # The event's own participations or its parts' (Paris's Allied forces are in its approach), as
  # the build's lib:liberatedBy has them.
  ?event lib:liberationOf|lib:conquestOf ?capital ; lib:hasSubEvent*/lib:hasParticipation ?participation .
  ?participation lib:role ?role ; lib:participant ?force .
  ?force rdfs:label ?forceLabel FILTER(LANGMATCHES(LANG(?forceLabel), "en") || LANG(?forceLabel) = "")
  ?role rdfs:label ?roleLabel FILTER(LANGMATCHES(LANG(?roleLabel), "en"))
  BIND(EXISTS { { ?said rdf:subject ?participation ; rdf:predicate lib:role ; rdf:object ?role }
                UNION { ?said rdf:subject ?participation ; rdf:predicate lib:participant ; rdf:object ?force }
                ?said lib:editorialNote ?why } AS ?reading)
  # The article's claim, where other accounts name another force (Luxembourg City's).
  BIND(EXISTS { { ?said rdf:subject ?participation ; rdf:predicate lib:role ; rdf:object ?role }
                UNION { ?said rdf:subject ?participation ; rdf:predicate lib:participant ; rdf:object ?force }
                ?said lib:otherAccounts ?otherwise } AS ?disputed)
}
"""

#: `GRAPH_` stands for the coordinates graph's IRI under the served base.
_COORDINATES = """
SELECT ?place ?lat ?long WHERE {
  GRAPH <GRAPH_> { ?place geo:lat ?lat ; geo:long ?long }
}
"""

#: Follows a date, a reception or a force that is the project's reading of the article.
READING_MARK = "*"
#: Follows a date or a force that rests on a claim of the article other accounts dispute (not a
#: dagger, which beside a name reads as "died").
DISPUTED_MARK = "‡"

#: The order a liberation's several reception kinds are named in: the welcome first.
RECEPTION_ORDER = ("jubilant", "warm-welcome", "relieved", "seen-as-liberation", "mixed", "muted",
                   "marred-by-violence", "no-welcome", "seen-as-conquest", "feared-as-conquest")


@dataclass(frozen=True)
class DateClaim:
    """One date the article gives for a liberation, at its precision."""

    #: "day", "month" or "interval".
    precision: str
    #: The article's words ("August 25, 1944", "early 1945").
    text: str
    #: The first and the last day it may be (the same day for a day).
    start: date
    end: date
    #: The project's reading of the article, not its words (the graph's notes say why).
    reading: bool = False
    #: The article's date, where other accounts give another (the graph's notes say which).
    disputed: bool = False
    #: The date as the time-span's label gives it ("7 May 1945", where the words are "the 7th of
    #: May"); the words where it has no label.
    shown: str = ""

    @property
    def said(self) -> str:
        return (self.shown or self.text) + READING_MARK * self.reading + DISPUTED_MARK * self.disputed


@dataclass(frozen=True)
class Reception:
    iri: str
    label: str
    reading: bool = False

    @property
    def said(self) -> str:
        return self.label + READING_MARK * self.reading

    @property
    def key(self) -> tuple[str, ...]:
        return self.iri, self.label

    def joined(self, other: Reception) -> Reception:
        """The same reception said by another statement: a reading where both are."""
        return replace(self, reading=self.reading and other.reading)

    @property
    def slug(self) -> str:
        """The kind's name in the ontology without its `reception-` prefix (`jubilant`)."""
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1].removeprefix("reception-")


@dataclass(frozen=True)
class Force:
    iri: str
    label: str
    role: str
    reading: bool = False
    #: The article's claim, where other accounts name another force (the graph's notes say which).
    disputed: bool = False

    @property
    def key(self) -> tuple[str, ...]:
        return self.iri, self.label, self.role

    def joined(self, other: Force) -> Force:
        """The same force in the same role said by another statement: a reading where both are,
        disputed where either is."""
        return replace(self, reading=self.reading and other.reading, disputed=self.disputed or other.disputed)


_Said = TypeVar("_Said", Force, Reception)


def _merge(found: list[_Said], said: _Said) -> None:
    """Add what one statement says to what others said of the same liberation: a force in a role
    (or a reception) said by several is listed once, a reading only where every statement of it
    is one (Prague's Red Army, liberating force by its caption and by the project's reading of
    its arrival, was listed twice, once marked), disputed where any is."""
    for i, other in enumerate(found):
        if other.key == said.key:
            found[i] = other.joined(said)
            return
    found.append(said)


@dataclass
class Liberation:
    capital: str
    capital_label: str
    event: str
    event_label: str
    dates: list[DateClaim] = field(default_factory=list)
    receptions: list[Reception] = field(default_factory=list)
    forces: list[Force] = field(default_factory=list)
    #: WGS84 latitude and longitude, from the coordinates graph (None where it has none).
    position: tuple[float, float] | None = None

    @property
    def precision(self) -> str:
        """"undated", "contested" (the article gives more than one date), or the one date's precision."""
        if not self.dates:
            return "undated"
        return "contested" if len(self.dates) > 1 else self.dates[0].precision

    @property
    def start(self) -> date | None:
        return min((d.start for d in self.dates), default=None)

    @property
    def end(self) -> date | None:
        return max((d.end for d in self.dates), default=None)

    @property
    def date_text(self) -> str:
        """The date as shown ("7 May 1945"); "undated"; or both dates of a contested one."""
        if not self.dates:
            return "undated in the article"
        texts = [d.said for d in self.dates]
        if len(texts) > 1:
            return " or ".join(texts) + " (the article gives both)"
        return texts[0]

    @property
    def forces_text(self) -> str:
        if not self.forces:
            return "no liberating force named by the article"
        # One force in two roles is named once, as its page does: "Red Army (liberating force,
        # conquering force)*", not the Red Army twice.
        roles: dict[tuple[str, str, bool, bool], list[str]] = {}
        for f in self.forces:
            roles.setdefault((f.iri, f.label, f.reading, f.disputed), []).append(f.role)
        return "; ".join(f"{label} ({', '.join(named)}){READING_MARK * reading}{DISPUTED_MARK * disputed}"
                         for (_, label, reading, disputed), named in roles.items())

    @property
    def readings(self) -> bool:
        """Whether a date, a reception or a force shown for it is the project's reading."""
        return (any(d.reading for d in self.dates) or any(r.reading for r in self.receptions)
                or any(f.reading for f in self.forces))

    @property
    def disputes(self) -> bool:
        """Whether a date or a force shown for it is the article's claim where other accounts differ."""
        return any(d.disputed for d in self.dates) or any(f.disputed for f in self.forces)


def liberations(engine: Engine, names: Names = CANONICAL) -> list[Liberation]:
    """Every capital's liberation (or conquest), the dated in order of their earliest day, then
    the undated by name; `names`: the project's names under the base the store is served under."""
    found: dict[str, Liberation] = {}
    for row in _rows(engine, _EVENTS, names):
        key = str(row["event"])
        lib = found.setdefault(key, Liberation(str(row["capital"]), str(row["capitalLabel"]), key,
                                               str(row["eventLabel"])))
        claim = _claim(row)
        # One date whatever its labels (a time-span labelled twice came out as two claims, shown
        # as if disputed); the first label in order stands, so every process shows the same.
        same = next((d for d in lib.dates if replace(d, shown="") == replace(claim, shown="")), None) \
            if claim is not None else None
        if claim is not None and same is None:
            lib.dates.append(claim)
        elif claim is not None and same is not None and claim.shown < same.shown:
            lib.dates[lib.dates.index(same)] = claim
    for row in _rows(engine, _RECEPTIONS, names):
        received = found.get(str(row["event"]))
        reception = Reception(str(row["kind"]), str(row["kindLabel"]), _true(row, "reading"))
        if received is not None:
            _merge(received.receptions, reception)
    for row in _rows(engine, _FORCES, names):
        freed = found.get(str(row["event"]))
        force = Force(str(row["force"]), str(row["forceLabel"]), str(row["roleLabel"]), _true(row, "reading"),
                      _true(row, "disputed"))
        if freed is not None:
            _merge(freed.forces, force)
    positions = {str(row["place"]): (float(str(row["lat"])), float(str(row["long"])))
                 for row in _rows(engine, _COORDINATES, names)}
    for lib in found.values():
        lib.dates.sort(key=lambda d: (d.start, d.end))
        lib.receptions.sort(key=lambda r: (_rank(r.slug), r.label))
        lib.forces.sort(key=lambda f: (f.role != "liberating force", f.label.lower()))
        lib.position = positions.get(lib.capital)
    return sorted(found.values(), key=lambda lib: (lib.start is None, lib.start or date.max,
                                                   lib.end or date.max, lib.capital_label))


def _rows(engine: Engine, query: str, names: Names) -> list[dict[str, ResultTerm]]:
    text = names.sparql_prologue() + query.replace("GRAPH_", str(names.coordinates_graph))
    return engine.query(text).rows


def _claim(row: dict[str, ResultTerm]) -> DateClaim | None:
    if "span" not in row:
        return None
    text, reading, disputed = str(row.get("dateText", "")), _true(row, "reading"), _true(row, "disputed")
    shown = date_of_label(str(row["spanLabel"])) if "spanLabel" in row else ""
    if "onDate" in row:
        day = date.fromisoformat(str(row["onDate"])[:10])
        return DateClaim("day", text or day.isoformat(), day, day, reading, disputed, shown)
    if "inMonth" in row:
        year, month = (int(part) for part in str(row["inMonth"])[:7].split("-"))
        last = calendar.monthrange(year, month)[1]
        return DateClaim("month", text, date(year, month, 1), date(year, month, last), reading, disputed,
                         shown)
    if "notBefore" in row or "notAfter" in row:
        start = date.fromisoformat(str(row.get("notBefore") or row["notAfter"])[:10])
        end = date.fromisoformat(str(row.get("notAfter") or row["notBefore"])[:10])
        return DateClaim("interval", text, start, end, reading, disputed, shown)
    return None


def _true(row: dict[str, ResultTerm], name: str) -> bool:
    return str(row.get(name, "")) in ("true", "1")


def _rank(slug: str) -> int:
    return RECEPTION_ORDER.index(slug) if slug in RECEPTION_ORDER else len(RECEPTION_ORDER)
