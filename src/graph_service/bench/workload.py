"""What the benchmark asks every peer: a lookup, a join, an aggregate, a CONSTRUCT and the example
queries, each with the answer format a client would ask for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph_service.graph import ID, LIB, Example

SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "text/turtle, application/n-triples;q=0.9"
ANY_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
_RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
_LIB = f"PREFIX lib: <{LIB}>\n"

#: The article's graph: what a lookup asks for by default.
ARTICLE_LOOKUP = f"{ID}city/paris"

#: A trivial query, for latency while runaway queries run.
TRIVIAL = "ASK { }"
#: A cross product no store answers: five unconstrained patterns (this service stops six or more
#: early, see `graph.check_cost`).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(5)) + " }"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str = SELECT_ACCEPT
    #: "core" (the four kinds) or "example" (queries/*.rq).
    group: str = "core"


def core_queries(lookup: str = ARTICLE_LOOKUP) -> list[Query]:
    return [
        Query("lookup", f"{_RDFS}SELECT ?label WHERE {{ <{lookup}> rdfs:label ?label }}"),
        Query("join", f"{_RDFS}SELECT ?s ?l ?o ?l2 WHERE {{ ?s rdfs:label ?l . ?s ?p ?o . "
                      "?o rdfs:label ?l2 } LIMIT 100"),
        Query("aggregate", "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } "
                           "GROUP BY ?class ORDER BY DESC(?n) ?class LIMIT 20"),
        Query("construct", f"{_RDFS}{_LIB}CONSTRUCT {{ ?photo lib:depicts ?x . ?x rdfs:label ?label }} "
                           "WHERE { ?photo a lib:Photograph ; lib:depicts ?x . ?x rdfs:label ?label } "
                           "LIMIT 200", GRAPH_ACCEPT),
    ]


def example_queries(examples: Sequence[Example]) -> list[Query]:
    # One Accept for any form: each server picks the results or graph format that fits.
    return [Query(ex.name, ex.text, ANY_ACCEPT, "example") for ex in examples]
