"""A query's answer as the rows of cells of an HTML table (the query page shows it): IRIs as
prefixed names linking to the service's pages, literals with their language or datatype."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from graph_service.graph import Answer, short
from graph_service.web.urls import current


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    kind: str = "literal"
    note: str = ""


def answer_table(answer: Answer) -> dict[str, object]:
    """Header and rows of cells for the HTML table (escaped by the template)."""
    if answer.form == "ask":
        return {"boolean": json.loads(answer.body)["boolean"]}
    if answer.form == "graph":
        triples = ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
        return {"header": ["subject", "predicate", "object"],
                "rows": [[_cell(t) for t in (tr.subject, tr.predicate, tr.object)] for tr in triples]}
    doc = json.loads(answer.body)
    header = doc["head"]["vars"]
    return {"header": header,
            "rows": [[_json_cell(b.get(v)) for v in header] for b in doc["results"]["bindings"]]}


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _iri_cell(term.value)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}", kind="bnode")
    if isinstance(term, ox.Literal):
        return _literal_cell(term.value, term.language, term.datatype.value)
    return Cell(str(term), kind="triple")


def _json_cell(binding: dict | None) -> Cell:
    if binding is None:
        return Cell("")
    if binding["type"] == "uri":
        return _iri_cell(binding["value"])
    if binding["type"] == "bnode":
        return Cell(f"_:{binding['value']}", kind="bnode")
    if binding["type"] == "literal":
        return _literal_cell(binding["value"], binding.get("xml:lang"), binding.get("datatype"))
    return Cell(json.dumps(binding["value"]), kind="triple")


def _iri_cell(iri: str) -> Cell:
    href = current().href(iri)
    # Only web links become links: a `javascript:` IRI in the data must not be clickable.
    if not href or not href.startswith(("http://", "https://", "/")):
        href = None
    return Cell(short(ox.NamedNode(iri)), href=href, kind="iri", note=iri)


def _literal_cell(value: str, language: str | None, datatype: str | None) -> Cell:
    if language:
        return Cell(value, note=f"@{language}")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Cell(value, note=short(ox.NamedNode(datatype)))
    return Cell(value)
