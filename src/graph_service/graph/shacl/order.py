"""SPARQL's `<` and `<=` for `sh:lessThan` and `sh:lessThanOrEquals` (SHACL 4.5.3, 4.5.4).

A pair the operator cannot compare (a date and an integer, two IRIs, a blank node, an ill-typed
literal) does not hold, so the pair is a validation result. Numbers (with XSD's promotion to
double where a float or double is one of them), plain strings, booleans, and dates and dateTimes
in their plainest form (no time zone, no fraction of a second) are compared here, as SPARQL 1.1's
operator mapping compares them; pairs of other literals (other dateTimes, times, durations,
language-tagged strings, other datatypes), and a pair of one of them with one compared here, are
left to pyoxigraph's operators, each distinct value loaded once. (pyoxigraph 0.5.13 makes
`false < true` an error, where SPARQL 1.1 compares booleans; two booleans are never sent to it,
and a boolean beside another kind compares as false there as here.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, Literal
from rdflib.term import Node

from graph_service.graph.rdf import from_rdflib
from graph_service.graph.shacl import lexical

_INTEGERS = frozenset(XSD[name] for name in (
    "integer", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger"))
_FLOATS = frozenset((XSD.float, XSD.double))
#: Dates and dateTimes with a four-digit year, no fraction of a second and no time zone (and no
#: hour 24, which is the next day's 00): these compare as their text does.
_PLAIN = {XSD.date: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
          XSD.dateTime: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")}
#: A pair's verdict: it holds, it does not (or cannot be compared), or pyoxigraph decides.
_UNDECIDED = None


def failing(values: Sequence[Node], others: Sequence[Node], operator: str) -> list[tuple[Node, Node]]:
    """The pairs of `values` and `others` (each value with each other) for which `value operator
    other` (`<` or `<=`) is not true as SPARQL evaluates it, in that order."""
    left, right = [_value(v) for v in values], [_value(o) for o in others]  # each term read once
    failed, undecided = [], []
    for i, x in enumerate(left):
        for j, y in enumerate(right):
            verdict = _decided(x, y, operator)
            if verdict is _UNDECIDED:
                undecided.append((i, j))
            elif not verdict:
                failed.append((i, j))
    if undecided:
        held = _by_pyoxigraph([(values[i], others[j]) for i, j in undecided], operator)
        failed = sorted(failed + [pair for pair, true in zip(undecided, held, strict=True) if not true])
    return [(values[i], others[j]) for i, j in failed]


def _decided(x: tuple[str, Any] | None, y: tuple[str, Any] | None, operator: str) -> bool | None:
    if x is _UNDECIDED or y is _UNDECIDED:
        # One pyoxigraph must read ("2024-01-01Z", a fraction of a second) beside one read here
        # ("2020-01-01"): a date with a date all the same, which pyoxigraph compares; such pairs
        # were failed unasked. Beside what no operator compares, there is nothing to ask.
        known = y if x is _UNDECIDED else x
        return False if known is not _UNDECIDED and known[0] == "none" else _UNDECIDED
    if x[0] == "none" or y[0] == "none":
        return False  # no value any operator compares
    (kind_x, u), (kind_y, v) = x, y
    if {kind_x, kind_y} <= {"decimal", "float"}:
        if "float" in (kind_x, kind_y):
            u, v = float(u), float(v)  # XSD's type promotion; NaN compares false
    elif kind_x != kind_y:
        return False
    return bool(u < v) if operator == "<" else bool(u <= v)


def _value(term: Node) -> tuple[str, Any] | None:
    """A term's kind and a Python value that compares as SPARQL compares it; ("none", None) for
    what no operator compares (an IRI, a blank node, an ill-typed literal); None where pyoxigraph
    is to decide."""
    if not isinstance(term, Literal):
        return "none", None
    if term.language:
        return _UNDECIDED
    datatype, text = term.datatype or XSD.string, str(term)
    if datatype == XSD.string:
        return "string", text
    if datatype in _PLAIN:
        # (A form the pattern takes may still be ill-formed: 2021-02-30.)
        plain = _PLAIN[datatype].fullmatch(text) and lexical.well_formed(term)
        return (str(datatype), text) if plain else _UNDECIDED
    if datatype not in _INTEGERS and datatype not in _FLOATS and datatype not in (XSD.decimal, XSD.boolean):
        return _UNDECIDED
    if not lexical.well_formed(term):
        return "none", None
    if datatype == XSD.boolean:
        return "boolean", text in ("true", "1")
    if datatype in _FLOATS:
        return "float", float(text)  # INF, -INF and NaN read as Python reads them
    try:
        return "decimal", Decimal(text)
    except InvalidOperation:
        return "none", None


def _by_pyoxigraph(pairs: Sequence[tuple[Node, Node]], operator: str) -> list[bool]:
    """The pairs' verdicts from pyoxigraph's operator: every distinct term loaded once on its
    side, and the pairs that hold found in one query."""
    store, ids = ox.Store(), dict[Node, ox.NamedNode]()
    sides = ox.NamedNode("urn:x-order:left"), ox.NamedNode("urn:x-order:right")
    for side, terms in zip(sides, ({a for a, _ in pairs}, {b for _, b in pairs}), strict=True):
        for term in terms:
            node = ids.setdefault(term, ox.NamedNode(f"urn:x-order:{len(ids)}"))
            value = from_rdflib(term)
            assert isinstance(value, ox.Literal)  # IRIs and blank nodes are decided before
            store.add(ox.Quad(node, side, value))
    rows = store.query(
        f"SELECT ?a ?b WHERE {{ ?a {sides[0]} ?x . ?b {sides[1]} ?y FILTER(?x {operator} ?y) }}")
    assert isinstance(rows, ox.QuerySolutions)
    true = {(row["a"], row["b"]) for row in rows}
    return [(ids[a], ids[b]) in true for a, b in pairs]
