"""Finding things without SPARQL: `/search?q=` looks names up across the dataset's resources.

    GET /search?q=konev        an HTML page of matches, grouped by kind (people, units, places...)
    GET /search?q=zoska        case and accents aside: "zoska" finds "Zośka"
    GET /search?q=Patton's     and typography: "Patton's" finds "Patton’s", "St Peters" finds
                               "St Peter’s", "Zoska Battalion" finds "“Zośka” Battalion",
                               "Champs-Elysees" finds "Champs Élysées"; a possessive finds its
                               owner after what it owns (Patton's army, then Patton)
    GET /search?q=Parris       nothing: "did you mean paris?", a near spelling that finds something
    GET /search?q=...&format=json (or Accept: application/json)   the same for scripts

A name is any label of a resource under `id/` (but of the nodes that only qualify others'
facts: participations, time-spans, quotes...) (rdfs:label, skos:prefLabel and alternative labels,
schema:name, foaf:name) and a photograph's caption. A name that is the query comes first, then
names that start with it, then those where a word starts with it, then the rest; within each, the
shorter name first (the query is more of it), then by name. The page lists the kind of the best match first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, NotAcceptable

from graph_service.graph import fold, formats, spelt_nearly
from graph_service.web.documents import cached, quads, require_utf8_escapes, respond
from graph_service.web.negotiation import acceptable_media_type, charset_refusal, format_parameter
from graph_service.web.urls import current

bp = Blueprint("search", __name__)

_NAME_PREDICATES = frozenset(ox.NamedNode(iri) for iri in (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
))
#: Kinds of node that only qualify another resource's facts (a participation, a time-span, a
#: quote...): found through the resource they qualify, not by name.
QUALIFYING_KINDS = frozenset({"participation", "timespan", "quote", "reception", "casualties",
                              "succession", "contested", "statement"})
#: The longest query looked up, and the most matches shown.
MAX_QUERY = 200
MAX_RESULTS = 200


@dataclass(frozen=True)
class Match:
    label: str
    iri: str
    kind: str
    href: str
    #: The name that matched, when it is not the label (an alternative name, a caption).
    matched: str | None = None


@bp.get("/search")
def search() -> Response:
    require_utf8_escapes(request.query_string, "the URL's query string", frozenset({b"q"}))
    words = request.args.getlist("q")
    if len(words) > 1:
        raise BadRequest(f"q= is given {len(words)} times; give the words to search for once")
    query = " ".join((words[0] if words else "").split())
    if len(query) > MAX_QUERY:
        raise BadRequest(f"the search is longer than {MAX_QUERY} characters")
    word = (format_parameter() or "").lower() or None
    if word not in (None, "json", "html"):
        raise NotAcceptable(f"format={word!r} is not offered here; use format=json or format=html")
    # HTML by its alias too, as the pages negotiate it (formats' registry).
    offered = ["text/html", "application/json", "application/xhtml+xml"]
    chosen = word or acceptable_media_type(offered)
    if chosen is None:
        raise NotAcceptable(charset_refusal(request.headers.get("Accept"))
                            or "the search's answer is offered as text/html or application/json")
    wants_json = chosen in ("json", "application/json")
    matches = find(query) if query else []
    instead = suggestion(query) if query and not matches else None
    if wants_json:
        resp = jsonify({"query": query, "results": [asdict(m) for m in matches],
                        **({"suggestion": instead} if instead else {})})
        resp.vary.add("Accept")
        return resp
    groups: dict[str, list[Match]] = {}
    for m in matches:
        groups.setdefault(m.kind, []).append(m)
    # The kind of the best match first ("zoska": the battalion before the tank it captured).
    page = render_template("search.html", query=query, groups=list(groups.items()), count=len(matches),
                           limit=MAX_RESULTS, suggestion=instead)
    return respond(page, formats.named("html"), negotiated=True)


# The labels are typeset (’ “ ” –) where a keyboard types ' and " and -: both sides are read
# with one apostrophe, no quotation marks, and a space for a hyphen or dash.
_TYPOGRAPHY = str.maketrans({**dict.fromkeys("’‘`´ʼ", "'"), **dict.fromkeys("“”„‟\"«»", None),
                             **dict.fromkeys("-‐‑–—", " ")})


# An apostrophe that opens or closes a word quotes it ('Zoska'); inside one it is part of it.
_QUOTING_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")


# The apostrophe of a possessive, which a query typed in haste leaves out ("St Peters"); an
# elision's stays ("d'Arc": "arc" begins a word of it).
_POSSESSIVE_APOSTROPHE = re.compile(r"(?<=\w)'(?=s\b)")
# A query ending in a possessive asks for its owner too: "Patton's" finds General Patton after his army.
_POSSESSIVE = re.compile(r"(?<=\w)'s\s*$")


def _searchable(text: str) -> str:
    """`text` as searched: case, accents and typography aside, "." too ("St. Peter's"), and a
    possessive's apostrophe ("St Peters")."""
    plain = _QUOTING_APOSTROPHE.sub(" ", fold(text).translate(_TYPOGRAPHY).replace(".", " "))
    return " ".join(_POSSESSIVE_APOSTROPHE.sub("", plain).split())


def find(query: str) -> list[Match]:
    """The resources whose names contain `query`, case, accents and typography aside, best
    first; for a query that ends in a possessive, then those where a word begins with its owner."""
    typed = fold(query).translate(_TYPOGRAPHY)
    found = _found(_searchable(typed))
    owner = _POSSESSIVE.sub("", typed)
    if owner != typed:
        shown = {match.iri for match in found}
        found += [match for match in _found(_searchable(owner), word_start=True) if match.iri not in shown]
    return found[:MAX_RESULTS]


def suggestion(query: str) -> str | None:
    """For a query that finds nothing, the nearest spelling that finds something, or None: the
    whole query as the nearest name, spaces aside ("Saint Peter": "st peters"), else each word no
    name holds as the nearest word of the names ("Parris": "paris", "Koniev": "konev", "degaulle":
    "gaulle")."""
    wanted = _searchable(fold(query).translate(_TYPOGRAPHY))
    words, squashed = _vocabulary()
    if not wanted or len(wanted) > 60:  # difflib's time grows with the lengths compared
        return None
    candidates = []
    whole = _nearest(wanted.replace(" ", ""), squashed)
    if whole is not None:
        candidates.append(squashed[whole])
    near = []
    for word in wanted.split():
        if any(word in known for known in words):
            near.append(word)
        else:
            near.append(_nearest(word, words) or word)
    candidates.append(" ".join(near))
    return next((c for c in candidates if c != wanted and _found(c)), None)


def _nearest(word: str, pool: Iterable[str]) -> str | None:
    """The word of `pool` nearest `word` (`spelt_nearly`: "Stalin" found "talking" among all)."""
    if (near := spelt_nearly(word, pool)) is not None:
        return near
    # Two words run together ("degaulle"): the longest word of the names inside it.
    inside = [w for w in pool if len(w) >= 5 and w in word]
    return max(inside, key=len) if inside else None


def _vocabulary() -> tuple[list[str], dict[str, str]]:
    """The words of every searchable name, and each name without its spaces (to the name)."""
    def compute() -> tuple[list[str], dict[str, str]]:
        names = [folded for folded, *_ in _names()]
        words = sorted({w.strip("'") for name in names for w in name.split() if len(w.strip("'")) > 2})
        return words, {name.replace(" ", ""): name for name in sorted(names, key=len) if len(name) <= 60}
    return cached("search vocabulary", compute)


def _found(wanted: str, *, word_start: bool = False) -> list[Match]:
    """The resources whose searchable names (`_searchable`) contain `wanted` (`word_start`: where a
    word begins with it), best first."""
    if not wanted:  # only quotation marks or dashes: nothing to look for
        return []
    # Each resource by its best name: the best rank, its label before its other names (so the
    # answer does not depend on the order the quads were loaded in: a remote store's copy has its
    # own), then the shorter name.
    best: dict[str, tuple[tuple[int, bool, int, str], str, Match]] = {}
    for folded, label, iri, kind, matched in _names():
        at = folded.find(wanted)
        if at < 0:
            continue
        # The name itself, then a name that starts with the query (quotation marks aside), then a
        # word of it, then the rest.
        bare = folded.strip("' ")
        rank = (0 if bare == wanted else 1 if not folded[:at].strip("' ")
                else 2 if not folded[at - 1].isalnum() else 3)
        if word_start and rank == 3:
            continue  # "US's": "us" in "Brussels" is no owner
        key = (rank, matched is not None, len(folded), matched or "")
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, label, Match(label, iri, kind, current().href(iri) or iri, matched))
    # Within a rank, the resource whose name the query is more of first, as a text index's length
    # norm has it: "de gaulle" finds Charles de Gaulle before the banners in his support.
    ordered = sorted(best.items(), key=lambda item: (item[1][0][0], item[1][0][2], fold(item[1][1]), item[0]))
    return [match for _, (_, _, match) in ordered]


def _names() -> list[tuple[str, str, str, str, str | None]]:
    """(folded name, label, IRI, kind, the name when it is not the label) of every resource."""
    def compute() -> list[tuple[str, str, str, str, str | None]]:
        urls = current()
        index = quads()
        labels: dict[str, str] = {}
        names: list[tuple[str, str, str, str]] = []
        # By predicate, which a large dataset's store looks up rather than reading every quad.
        naming = [p for p in index.predicates() if p in _NAME_PREDICATES or p.value.endswith("#caption")]
        for q in (q for p in naming for q in index.quads_for_pattern(None, p, None)):
            subject = q.subject
            if not (isinstance(subject, ox.NamedNode) and isinstance(q.object, ox.Literal)):
                continue
            parts = urls.kind_and_slug(subject.value)
            if parts is None or parts[0] in QUALIFYING_KINDS:
                continue
            if q.predicate.value.endswith("#label") and q.predicate in _NAME_PREDICATES:
                labels.setdefault(subject.value, q.object.value)
            names.append((subject.value, parts[0], q.predicate.value, q.object.value))
        rows = []
        for iri, kind, _predicate, name in dict.fromkeys(names):
            label = labels.get(iri, name)
            rows.append((_searchable(name), label, iri, kind, None if name == label else name))
        return rows

    return cached("search names", compute)
