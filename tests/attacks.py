"""What the attack tests share: a listener that counts connections, a content hash of what the
endpoint serves, and a generator of SPARQL from the grammar's corners.

`corner_queries()` is systematic rather than a list of known cases: every builtin function with
too few, too many and ill-typed arguments, every aggregate with and without DISTINCT over mixed
values, every property-path form, the combinations of VALUES, BIND, OPTIONAL, MINUS, subqueries
and EXISTS, literals at the edges of their datatypes, very long literals and IRIs, and each nesting
construct nested deep. What it found (tests/test_attack_engine.py holds the service to it):
- an extension function pyoxigraph does not implement raised RuntimeError, a bare 500 (fixed: 400);
- 1,000 nested CONCAT( (7 KB), 1,000 nested EXISTS, 3,000 nested groups, 10,000 UNIONs or a
  30,000-term sum overflowed the query process's 8 MiB stack (SIGSEGV), and the crash then
  surfaced as a bare 500 (fixed: the child's stack may grow to 128 MiB, and a crash is a 500
  naming it);
- nested collections `((((?o))))` and nested blank-node property lists take pyoxigraph's parser
  exponential time (220 levels: over 20 s): a runaway stopped at the time limit (503);
- 10,000 nested parentheses of a property path (20 KB) took the service's own cost estimate 1.6 s,
  quadratic in the depth, so a query the engine answers in milliseconds was stopped at the limit
  (fixed: the estimate is linear).
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: SPARQL 1.1 builtin calls (and SPARQL 1.2's triple-term functions): name -> the arities the
#: grammar allows (None: any number).
BUILTINS: dict[str, tuple[int, ...] | None] = {
    "STR": (1,), "LANG": (1,), "LANGMATCHES": (2,), "DATATYPE": (1,), "BOUND": (1,), "IRI": (1,),
    "URI": (1,), "BNODE": (0, 1), "RAND": (0,), "ABS": (1,), "CEIL": (1,), "FLOOR": (1,),
    "ROUND": (1,), "CONCAT": None, "STRLEN": (1,), "UCASE": (1,), "LCASE": (1,),
    "ENCODE_FOR_URI": (1,), "CONTAINS": (2,), "STRSTARTS": (2,), "STRENDS": (2,), "STRBEFORE": (2,),
    "STRAFTER": (2,), "YEAR": (1,), "MONTH": (1,), "DAY": (1,), "HOURS": (1,), "MINUTES": (1,),
    "SECONDS": (1,), "TIMEZONE": (1,), "TZ": (1,), "NOW": (0,), "UUID": (0,), "STRUUID": (0,),
    "MD5": (1,), "SHA1": (1,), "SHA256": (1,), "SHA384": (1,), "SHA512": (1,), "COALESCE": None,
    "IF": (3,), "STRLANG": (2,), "STRDT": (2,), "sameTerm": (2,), "isIRI": (1,), "isURI": (1,),
    "isBLANK": (1,), "isLITERAL": (1,), "isNUMERIC": (1,), "REGEX": (2, 3), "SUBSTR": (2, 3),
    "REPLACE": (3, 4), "TRIPLE": (3,), "SUBJECT": (1,), "PREDICATE": (1,), "OBJECT": (1,),
    "isTRIPLE": (1,), "LANGDIR": (1,), "STRLANGDIR": (3,), "hasLANG": (1,), "hasLANGDIR": (1,),
}
AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Arguments of every kind, edge values of the datatypes among them.
VALUES = (
    "1", "-0", "1.5", "1e308", "-1e-308", "'NaN'^^xsd:double", "'INF'^^xsd:float", "'abc'",
    "'abc'@en", "'x'^^xsd:integer", "'99999999999999999999999999999999'^^xsd:integer",
    "9223372036854775807", "-9223372036854775808", "'2024-02-30'^^xsd:date",
    "'-999999999-01-01T00:00:00Z'^^xsd:dateTime", "'9999999999-12-31T23:59:60+14:00'^^xsd:dateTime",
    "'P9999999999Y'^^xsd:duration", "'-PT0S'^^xsd:dayTimeDuration", "'--02-29'^^xsd:gMonthDay",
    "''", "'\\u0000'", "'\\U0010FFFF'", "true", "<http://example.org/a>", "<>", "?unbound", "?s",
    "BNODE()", "<<( <http://example.org/a> <http://example.org/p> 1 )>>", "'.*'", "'(a+)+$'",
    "'['", "'i'", "'xyz'",
)
PATHS = (
    "<{p}>", "^<{p}>", "<{p}>*", "<{p}>+", "<{p}>?", "<{p}>/<{p}>", "<{p}>|^<{p}>", "!<{p}>",
    "!(<{p}>|^<{p}>)", "!^<{p}>", "(<{p}>|<{q}>)*", "((<{p}>/<{q}>)+)*", "(^<{p}>/<{p}>)*",
    "(!<{p}>)+", "!(^<{q}>)", "a", "(a|!a)*", "<{p}>{{2}}",
)
PROLOGUE = f"PREFIX xsd: <{XSD}>\n"


def builtin_calls(values_per_arity: int | None = None) -> Iterator[str]:
    """Each builtin at every allowed arity with each kind of argument (or only `values_per_arity`
    of them, a different few for each builtin), and once with one argument too few and too many."""
    for index, (name, arities) in enumerate(BUILTINS.items()):
        allowed = arities if arities is not None else (0, 1, 3)
        for n in allowed:
            chosen = VALUES if values_per_arity is None else \
                [VALUES[(index * 7 + i) % len(VALUES)] for i in range(values_per_arity)]
            for value in chosen if n else ("",):
                yield f"{name}({', '.join([value] * n)})"
            if n >= 2:
                yield f"{name}({', '.join(VALUES[(index + i) % len(VALUES)] for i in range(n))})"
        if arities is not None:
            for n in sorted({min(arities) - 1, max(arities) + 1} - {-1}):
                yield f"{name}({', '.join(VALUES[(index + i) % len(VALUES)] for i in range(n))})"


#: Corners that run until the time limit stops them (tests/test_attack_runaways.py has its own).
RUNAWAY_CORNERS = frozenset({"deep-optional", "chain-sum", "chain-union"})


def corner_queries(sample: bool = False) -> Iterator[tuple[str, str]]:
    """(kind, query) from every corner of the grammar; the queries are legal or not, deliberately.
    Every one is ~2,500 queries; `sample` takes ~200 of them: half the builtin calls with one kind
    of argument per arity, every fifth ill-formed call (those take the slow path of explaining a
    syntax error), every third combination, half the paths, and no runaway."""
    for i, call in enumerate(builtin_calls(1 if sample else None)):
        if sample and (i % 2 or call.count("(") == 1 and i % 5 and _wrong_arity(call)):
            continue
        if i // 2 % 2:
            yield "builtin", PROLOGUE + f"SELECT ({call} AS ?x) WHERE {{ OPTIONAL {{ ?s ?p ?o }} }} LIMIT 2"
        else:
            yield "builtin-filter", PROLOGUE + f"ASK {{ ?s ?p ?o FILTER({call}) }}"
    for agg in AGGREGATES:
        for distinct in ("", "DISTINCT "):
            arg = "*" if agg == "COUNT" else "?v"
            for sep in ("", "; separator='|'") if agg == "GROUP_CONCAT" else ("",):
                values = " ".join(VALUES[:20])
                yield "aggregate", PROLOGUE + (f"SELECT ?g ({agg}({distinct}{arg}{sep}) AS ?x) WHERE {{ "
                                               f"VALUES ?v {{ {values} }} BIND(isIRI(?v) AS ?g) }} "
                                               f"GROUP BY ?g HAVING({agg}({distinct}{arg}{sep}) != 0)")
                yield "aggregate", PROLOGUE + f"SELECT ({agg}({distinct}{arg}{sep}) AS ?x) WHERE {{}}"
        yield "aggregate-misuse", f"SELECT ?s ({agg}(?o) AS ?x) WHERE {{ ?s ?p ?o }}"
        yield "aggregate-misuse", f"SELECT * WHERE {{ ?s ?p ?o FILTER({agg}(?o)) }}"
    for path in PATHS:
        p = path.format(p="http://www.w3.org/2000/01/rdf-schema#label",
                        q="https://w3id.org/liberation-kg/ontology#place")
        ends = (("?s", "?o"), ("<https://w3id.org/liberation-kg/id/city/paris>", "?o"), ("?s", "?s"),
                ("?s", "'Paris'@en"))
        for s, o in ends[:2] if sample else ends:
            yield "path", f"SELECT * WHERE {{ {s} {p} {o} }} LIMIT 5"
    blocks = ("VALUES ?a {{ 1 UNDEF }}", "BIND(1 AS ?a)", "OPTIONAL {{ ?a ?p ?o }}", "MINUS {{ ?a ?p ?o }}",
              "{{ SELECT ?a WHERE {{ ?a ?p ?o }} LIMIT 2 }}", "FILTER EXISTS {{ ?a ?p ?o }}",
              "FILTER NOT EXISTS {{ ?a ?p ?o }}", "{{ ?a ?p ?o }} UNION {{ BIND(2 AS ?a) }}",
              "GRAPH ?g {{ ?a ?p ?o }}", "SERVICE <http://127.0.0.1:9/> {{ ?a ?p ?o }}")
    for i, (first, second) in enumerate((a, b) for a in blocks for b in blocks):
        if not sample or i % 3 == 0:
            yield "combination", "SELECT * WHERE { " + first.format() + " " + second.format() + " } LIMIT 3"
    for modifier in ("ORDER BY ?a", "ORDER BY DESC(?nothing)", "LIMIT 0", "OFFSET 18446744073709551615",
                     "LIMIT 18446744073709551616", "GROUP BY ?a", "GROUP BY (?a + 1)", "ORDER BY RAND()"):
        yield "modifier", f"SELECT ?a WHERE {{ ?a ?p ?o }} {modifier}"
    for size in (10_000, 99_000):
        yield "long", f"SELECT ('{'a' * size}' AS ?x) {{}}"
        yield "long", f"ASK {{ <http://example.org/{'a' * size}> ?p ?o }}"
        yield "long", f"SELECT * WHERE {{ VALUES ?x {{ {' '.join(str(i) for i in range(size // 6))} }} }}"
    for kind, query in deep_queries(max_length=99_000):
        if not (sample and kind in RUNAWAY_CORNERS):
            yield kind, query
    for form in ("DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 3", "DESCRIBE <urn:x> <>", "DESCRIBE *",
                 "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
                 "CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o } LIMIT 3",  # literal subjects: dropped
                 "CONSTRUCT { <<( ?s ?p ?o )>> <urn:p> 1 } WHERE { ?s ?p ?o } LIMIT 3",
                 "ASK { ?s ?p ?o } LIMIT 0"):
        yield "form", form


def _wrong_arity(call: str) -> bool:
    name, args = call[:-1].split("(", 1)
    arities = BUILTINS[name]
    count = 0 if not args else args.count(", ") + 1
    return arities is not None and count not in arities


#: Constructs that nest, as (opening, innermost, closing) for one level.
NESTING = {
    "parentheses": ("SELECT (", "(", "1", ")", " AS ?x) {}"),
    "groups": ("SELECT * WHERE ", "{", "?s ?p ?o", "}", ""),
    "optional": ("SELECT * WHERE { ?s ?p ?o ", "OPTIONAL { ?s ?p ?o ", "", "}", "}"),
    "subqueries": ("SELECT * WHERE ", "{ SELECT * WHERE ", "{ ?s ?p ?o }", "}", ""),
    "exists": ("ASK { FILTER(", "EXISTS { FILTER(", "true", ") }", ") }"),
    "concat": ("SELECT (", "CONCAT(", "'a'", ")", " AS ?x) {}"),
    "not": ("SELECT (", "!", "true", "", " AS ?x) {}"),
    "paths": ("SELECT * { ?s ", "(", "<urn:p>", ")", " ?o }"),
}
#: Constructs whose flat repetition builds a deep tree in the engine.
CHAINS = {
    "union": ("SELECT * { ", "{?s ?p ?o} UNION ", "{?s ?p ?o}", " }"),
    "sum": ("SELECT (", "1 + ", "1", " AS ?x) {}"),
    "and": ("ASK { FILTER(", "true && ", "true", ") }"),
}


def deep_queries(max_length: int) -> Iterator[tuple[str, str]]:
    """Each nesting construct 1,000 and 10,000 levels deep and each chain 5,000, 10,000 and 30,000
    long, as far as `max_length` characters allow."""
    for name, (head, opening, inner, closing, tail) in NESTING.items():
        for depth in (1_000, 10_000):
            query = head + opening * depth + inner + closing * depth + tail
            if len(query) <= max_length:
                yield f"deep-{name}", query
    for name, (head, link, last, tail) in CHAINS.items():
        for length in (5_000, 10_000, 30_000):
            query = head + link * length + last + tail
            if len(query) <= max_length:
                yield f"chain-{name}", query


class Listener:
    """A TCP listener on a free loopback port that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() in the thread
        self.sock.close()
        self._thread.join(timeout=2)


#: Every quad the endpoint serves, as text, in a fixed order; NOW() keeps the answer out of the
#: endpoint's answer cache, so the store is read each time.
CONTENT_QUERY = """
SELECT (COUNT(*) AS ?n) (SHA256(GROUP_CONCAT(?line; separator="\\n")) AS ?hash) WHERE {
  { SELECT ?line WHERE {
      { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o }
      BIND(CONCAT(COALESCE(STR(?g), "-"), " ", IF(isBLANK(?s), "_", STR(?s)), " ", STR(?p), " ",
                  IF(isBLANK(?o), "_", STR(?o)), " ", COALESCE(LANG(?o), ""), " ",
                  COALESCE(STR(DATATYPE(?o)), "")) AS ?line)
      FILTER(NOW() = NOW())
    } ORDER BY ?line }
}"""


def content_hash(ask: Callable[[str], Any]) -> tuple[int, str]:
    """(quads, sha256) of the whole dataset as the endpoint serves it (every named graph and the
    default graph); `ask(query)` sends a query to the endpoint and returns its SPARQL JSON."""
    row = ask(CONTENT_QUERY)["results"]["bindings"][0]
    count = int(row["n"]["value"])
    assert count > 0
    return count, hashlib.sha256(row["hash"]["value"].encode()).hexdigest()
