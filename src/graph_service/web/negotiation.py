"""Content negotiation: pick a format from the one registry (`graph.formats`).

A `format=` parameter (or Fuseki's `output=`) wins over the Accept header; otherwise werkzeug's
Accept parsing (q-values, wildcards, specificity) chooses among the formats the route offers, in
the route's order of preference for ties.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest, NotAcceptable
from werkzeug.http import dump_options_header, parse_list_header, parse_options_header
from werkzeug.wrappers import Request

from graph_service.graph import Format, Kind, formats

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def offered(kinds: Sequence[Kind]) -> list[Format]:
    """The formats of these kinds, the first kind's first format being the default."""
    return [f for kind in kinds for f in formats.FORMATS if f.kind == kind]


#: The parameters naming a format, the first given winning: `format=`, and `output=` as Fuseki
#: (and Joseki before it) reads it, which its users and `s-query --output=csv` send.
_PARAMETERS = ("format", "output")


def format_parameter(req: Request | None = None, *, read_form: bool = True) -> str | None:
    """The `format=` (or `output=`) of `req` (by default the current request: its query string,
    or a posted form, unless `read_form` is false), as given; 400 where two of them name
    different formats (`format=json&output=xml`), which would otherwise be settled by the order
    of the parameters, without a word."""
    req = req if req is not None else request
    form = req.form if read_form and req.mimetype in _FORMS else None
    words = []
    for key in _PARAMETERS:
        # `in` first: werkzeug's get() makes and catches an exception for a missing key.
        if key in req.args:
            words += [(key, w) for w in req.args.getlist(key)]
        if form is not None and key in form:
            words += [(key, w) for w in form.getlist(key)]
    if not words:
        return None
    if len(words) > 1 and not _one_format([w for _, w in words]):
        raise BadRequest("the request names different formats: " + ", ".join(f"{k}={w}" for k, w in words)
                         + "; give one")
    return words[0][1]


def _one_format(words: list[str]) -> bool:
    """Whether the words name one format, read as a results format or as a graph format
    (`json` and `application/sparql-results+json`; `xml` and `application/rdf+xml` for a graph).
    A word naming no format is left out: SPARQLWrapper repeats a word (`json-ld`) as its Accept
    header's list, which names none."""
    readings = [[read(w) for w in words] for read in (formats.by_name, formats.graph_format)]
    naming = [i for i in range(len(words)) if any(reading[i] is not None for reading in readings)]
    # One reading must name one format for every such word: `format=csv&format=json` reads as
    # JSON-LD alone where "csv", no graph format, was left out of the graph reading.
    return not naming or any(None not in (named := {reading[i] for i in naming}) and len(named) == 1
                             for reading in readings)


def negotiate(kinds: Sequence[Kind], default: Format | None = None) -> Format:
    """The best format of `kinds` for the current request, or 406 Not Acceptable.

    `default` (else the first offered format) answers a request without Accept or with `*/*`.
    Where graph formats and no SPARQL results are offered, `formats.GRAPH_FORMAT_WORDS` read as the formats
    they name.
    """
    found = _choose(tuple(kinds), default, format_parameter(), request.headers.get("Accept"))
    if isinstance(found, str):
        raise NotAcceptable(found)
    return found


# Clients send few distinct Accept headers, each request one: choosing once per header (and
# format word) spares parsing and matching it on every request. Bounded, as headers are anyone's.
@lru_cache(maxsize=1024)
def _choose(kinds: tuple[Kind, ...], default: Format | None, name: str | None,
            header: str | None, tried: frozenset[str] = frozenset()) -> Format | str:
    """The format, or why none fits (the 406's message); `tried`: names of formats that could not
    hold the answer, left out."""
    choices = [f for f in offered(kinds) if f.name not in tried]
    if not choices:
        return "no other format is offered here"
    if default is None:
        default = choices[0]
    if name:
        # SPARQL clients' words for graph formats, where they can mean nothing else: on every route
        # that answers a graph and no SPARQL results (descriptions, CONSTRUCT answers, linked data).
        words_for_graphs = "graph" in kinds and "results" not in kinds
        fmt = formats.graph_format(name, kinds) if words_for_graphs else formats.by_name(name, kinds)
        if fmt is None:
            words = [f.name for f in choices]
            if words_for_graphs:
                words += [w for w in formats.GRAPH_FORMAT_WORDS if w not in words]
            return f"the format {name!r} is not offered here; use one of " + ", ".join(words)
        return fmt
    accept = parse_accept(header)
    if refusal := charset_refusal(header):
        return refusal
    if not accept or accept.best in (None, "*/*") and accept["*/*"] >= max((q for _, q in accept), default=0):
        # No Accept header, or one that prefers nothing in particular: the route's default.
        if not accept or accept.quality(default.media_type) > 0:
            return default
    by_type: dict[str, Format] = {}
    ordered = [default] + [f for f in choices if f is not default]
    # Main media types before aliases, so that a wildcard (text/*) picks a format whose own
    # type matches it (text/csv), not one that merely has a matching alias (text/xml).
    # A format whose own type the header names with q=0 is not sent through an alias either:
    # `application/json, application/ld+json;q=0` was answered with the JSON-LD it refused. Only
    # N-Triples is labelled with the alias it was asked for (text/plain: `prefers_plain_text`).
    refused = {f.name for f in ordered if _refused(accept, f.media_type)}
    for f in ordered:
        if f.name not in refused:
            by_type.setdefault(f.media_type, f)
    for f in ordered:
        for mt in f.aliases:
            if f.name not in refused or (f.name, mt) == _LABELLED_AS_ASKED:
                by_type.setdefault(mt, f)
    best = accept.best_match(list(by_type))
    if best is None:
        return ("none of the media types in Accept is offered here; offered: "
                + ", ".join(f.media_type for f in choices))
    return by_type[best]


#: The one alias a format is labelled with when asked for by it.
_LABELLED_AS_ASKED = ("ntriples", "text/plain")


def _refused(accept: MIMEAccept, media_type: str) -> bool:
    """Whether `accept` names `media_type` itself with q=0 only (RFC 9110 12.4.2: not acceptable).
    A wildcard at q=0 (`application/json, */*;q=0`) says no more than its absence, which leaves
    an alias its format."""
    named = [quality for value, quality in accept if value.lower() == media_type]
    return bool(named) and not any(named)


@lru_cache(maxsize=1024)
def prefers_plain_text(header: str | None) -> bool:
    """Whether N-Triples, asked for by this Accept header, is to be labelled text/plain: it names
    text/plain above application/n-triples (N-Triples is plain text by its own registration)."""
    accept = parse_accept(header)
    return accept.quality("text/plain") > accept.quality("application/n-triples") and (
        "text/plain" in [mt for mt, _ in accept])


def parse_accept(header: str | None) -> MIMEAccept:
    """The Accept header's media ranges by type alone. werkzeug matches a range that has
    parameters only to an offer with the same ones, and the registry's offers have none: a
    client asking for `text/turtle; charset=utf-8` or for JSON-LD with a `profile` was refused
    (406). Every answer here is UTF-8, so a range asking for another charset is left out; other
    parameters refine a range in ways this service does not act on (RFC 9110, 12.5.1)."""
    return _ranges(header)[0]


def foreign_charset(req: Request) -> str | None:
    """The charset a request's body declares, where it is not read as UTF-8 (US-ASCII is a part
    of it); None for UTF-8 or none declared. Queries, Turtle, N-Triples and JSON-LD are UTF-8."""
    charset = (req.mimetype_params.get("charset") or "utf-8").lower()
    return None if charset in ("utf-8", "utf8", "us-ascii") else charset


def charset_refusal(header: str | None) -> str | None:
    """Why nothing can be answered to `header`, when it asks only for charsets other than UTF-8
    (the ranges `parse_accept` leaves out), as a 406's message; else None."""
    accept, elsewhere = _ranges(header)
    if accept or not elsewhere:
        return None
    return "every answer here is UTF-8, and Accept asks only for another charset: " + ", ".join(elsewhere)


# Clients send few distinct Accept headers: each is read once (bounded, as headers are anyone's).
@lru_cache(maxsize=1024)
def _ranges(header: str | None) -> tuple[MIMEAccept, tuple[str, ...]]:
    """The header's ranges in UTF-8 by type alone, and those (refusing nothing: q above 0) that ask
    for another charset, as given."""
    ranges: list[tuple[str, float]] = []
    elsewhere: list[str] = []
    for value in parse_list_header(header or ""):
        media_type, parameters = parse_options_header(value)  # quoted values may hold ";"
        if not media_type:
            continue
        if media_type == "*":
            # Not a media range, but Java's HttpURLConnection sends it (`*; q=.2`) meaning */*.
            media_type = "*/*"
        quality = _quality(parameters.get("q"))
        if parameters.get("charset", "utf-8").lower() in ("utf-8", "utf8"):
            ranges.append((media_type, quality))
        elif quality > 0:
            asked = {name: value for name, value in parameters.items() if name != "q"}
            elsewhere.append(dump_options_header(media_type, asked))
    return MIMEAccept(ranges), tuple(elsewhere)


def _quality(said: str | None) -> float:
    """A range's q, 1 where it has none; one outside 0 to 1 (RFC 9110 12.4.2), or no number, is
    read as the nearest it can mean rather than dropped: werkzeug left `text/turtle;q=2` out, and
    an RDF-only client was sent the HTML page, a type it never named."""
    if said is None:
        return 1.0
    try:
        quality = float(said)  # 1e-3 too
    except ValueError:
        number = _LEADING_NUMBER.match(said)  # "0.1x" meant a low preference, not the highest
        quality = float(number[0]) if number else 1.0
    return 1.0 if quality != quality else min(1.0, max(0.0, quality))  # NaN: as if none


_LEADING_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)")


def acceptable(kinds: Sequence[Kind], req: Request | None = None) -> Format | None:
    """`negotiate` for `req` (by default the current request), or None where nothing of `kinds`
    is acceptable (the caller tries other kinds)."""
    req = req if req is not None else request
    return chosen(tuple(kinds), format_parameter(req), req.headers.get("Accept"))


def chosen(kinds: tuple[Kind, ...], word: str | None, accept_header: str | None,
           tried: frozenset[str] = frozenset()) -> Format | None:
    """`acceptable` for a request whose format word and Accept header are these; `tried` names
    formats to leave out (they could not hold the answer: the request's next choice is wanted)."""
    found = _choose(kinds, None, word, accept_header, tried)
    return None if isinstance(found, str) else found


def prefers(kinds: Sequence[Kind], others: Sequence[Kind]) -> bool:
    """Whether the current request's Accept names a format of `kinds` by its own type (not an
    alias, not a wildcard) above any format of `others`, counting their own types as the header
    rates them (wildcards included), and on a tie their aliases: results asked for by
    `application/sparql-results+xml, text/xml;q=0.9` or SPARQLWrapper's
    `application/sparql-results+json,application/json`, whose text/xml and application/json
    would take RDF/XML and JSON-LD too; not by a browser's `text/html,...,application/xml;q=0.9`,
    nor by an `application/json` that names either as much."""
    accept = parse_accept(request.headers.get("Accept"))
    named: dict[str, float] = {}
    for value, quality in accept:
        if "*" not in value:
            named[value.lower()] = max(quality, named.get(value.lower(), 0))
    asked = max((named.get(f.media_type, 0) for f in formats.of_kinds(tuple(kinds))), default=0)
    other = formats.of_kinds(tuple(others))
    own = max((accept.quality(f.media_type) for f in other), default=0)
    alias = max((named.get(mt, 0) for f in other for mt in f.aliases), default=0)
    return asked > own and asked >= alias


def problem_type(word: str | None, media_types: tuple[str, ...], header: str | None) -> str:
    """Of an error's forms (`media_types`), the one for a request whose `format=` word is `word`:
    JSON where it names a JSON format (a client that asked format=json reads JSON best, whatever
    its Accept, such as curl's */*), a page where it names HTML; else the one Accept prefers."""
    fmt = formats.by_name(word) if word else None
    if fmt is not None:
        if fmt.kind == "page" and "text/html" in media_types:
            return "text/html"
        if "json" in fmt.media_type and "application/json" in media_types:
            return "application/json"
    return best_of(media_types, header)


def best_media_type(media_types: Sequence[str]) -> str:
    """Of plain media types (not in the registry, such as an error's text/plain or JSON), the one
    the current request prefers; the first when it prefers none (curl's `*/*`)."""
    return best_of(tuple(media_types), request.headers.get("Accept"))


def acceptable_media_type(media_types: Sequence[str]) -> str | None:
    """`best_media_type`, or None when the request's Accept takes none of `media_types` (nor, for
    a JSON one, any JSON dialect): the 406 of a route that offers only these."""
    header = request.headers.get("Accept")
    if parse_accept(header):
        return _matched(tuple(media_types), header)
    return None if charset_refusal(header) else media_types[0]


@lru_cache(maxsize=1024)
def best_of(media_types: tuple[str, ...], header: str | None) -> str:
    """`best_media_type` for the Accept header `header`."""
    return _matched(media_types, header) or media_types[0]


def _matched(media_types: tuple[str, ...], header: str | None) -> str | None:
    best = (accept := parse_accept(header)).best_match(media_types)
    # A client that asks for a JSON dialect (SPARQL results, JSON-LD) reads JSON best, at the
    # dialect's quality: YASGUI's and Comunica's `application/sparql-results+json,*/*;q=0.9` got
    # its errors as text/plain, which the wildcard matched first.
    dialect = max((q for value, q in accept if "json" in value.lower()), default=0)
    plain_json = next((mt for mt in media_types if mt.endswith("json")), None)
    if plain_json is not None and dialect > (accept.quality(best) if best else 0):
        return plain_json
    return best
