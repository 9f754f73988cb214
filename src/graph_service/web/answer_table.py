"""A query's answer as the rows of cells of an HTML table (the query page shows it): IRIs as
prefixed names linking to the service's pages, literals with their language or datatype.

`lay_out` makes the table's HTML where it can be stopped, in a child process (`run_isolated`):
laying out 10,000 rows takes the best part of a second of Python, which in the web worker held
its interpreter lock against every other request it was answering."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox
from jinja2 import Template
from markupsafe import Markup

from graph_service.graph import Answer, short
from graph_service.web.urls import Urls

#: Cells (rows x columns) the HTML table shows at most: 10,000 rows of 5 columns, more than a
#: browser's reader scrolls through. An unbound cell costs nothing in the engine's answer (SPARQL
#: JSON leaves it out) but a `<td>` on the page and an object while it is laid out, here in the
#: web worker, outside any query slot: a 3 KB query selecting 500 variables it never binds made
#: 10,000 rows a 127 MB page and 1.9 GB of the worker's memory (red team); at 200,000 cells a page
#: was still 28 MB and 250 MB of memory.
MAX_CELLS = 50_000


class TableTooLarge(ValueError):
    """An answer too large to lay out as an HTML table; `str()` says why and what to ask instead."""


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    kind: str = "literal"
    note: str = ""
    #: A literal's base direction (ltr, rtl), for the browser to lay its text out by.
    direction: str | None = None


def lay_out(answer: Answer, urls: Urls, template: Template) -> dict[str, object]:
    """The answer's table: `boolean` for an ASK, else `count` (rows) and `html` (the table's head
    and rows, written by `template` from `header` and `rows`). `TableTooLarge` beyond MAX_CELLS."""
    table = answer_table(answer, urls)
    if "boolean" in table:
        return table
    rows = table["rows"]
    assert isinstance(rows, list)
    return {"count": len(rows), "html": Markup(template.render(table=table))}


def answer_table(answer: Answer, urls: Urls) -> dict[str, object]:
    """Header and rows of cells for the HTML table (escaped by the template)."""
    if answer.form == "ask":
        return {"boolean": json.loads(answer.body)["boolean"]}
    if answer.form == "graph":
        _within(answer.body.count(b"\n"), 3)
        triples = ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
        return {"header": ["subject", "predicate", "object"],
                "rows": [[_cell(t, urls) for t in (tr.subject, tr.predicate, tr.object)] for tr in triples]}
    doc = json.loads(answer.body)
    header = doc["head"]["vars"]
    bindings = doc["results"]["bindings"]
    _within(len(bindings), len(header))
    return {"header": header, "rows": [[_json_cell(b.get(v), urls) for v in header] for b in bindings]}


def _within(rows: int, columns: int) -> None:
    """`TableTooLarge` before any cell is made when the table would have over `MAX_CELLS`."""
    if rows * columns > MAX_CELLS:
        raise TableTooLarge(
            f"the answer has {rows:,} rows of {columns:,} columns, {rows * columns:,} cells; a table on "
            f"this page shows at most {MAX_CELLS:,}: select fewer variables or rows (LIMIT), or ask for "
            "the answer as JSON, CSV or TSV (format=json, csv or tsv)")


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, urls: Urls) -> Cell:
    if isinstance(term, ox.NamedNode):
        return _iri_cell(term.value, urls)
    if isinstance(term, ox.BlankNode):
        return Cell(f"_:{term.value}", kind="bnode")
    if isinstance(term, ox.Literal):
        return _literal_cell(term.value, term.language, term.datatype.value,
                             str(term.direction) if term.direction is not None else None)
    return Cell(str(term), kind="triple")


def _json_cell(binding: dict | None, urls: Urls) -> Cell:
    if binding is None:
        return Cell("", kind="unbound")
    if binding["type"] == "uri":
        return _iri_cell(binding["value"], urls)
    if binding["type"] == "bnode":
        return Cell(f"_:{binding['value']}", kind="bnode")
    if binding["type"] == "literal":
        return _literal_cell(binding["value"], binding.get("xml:lang"), binding.get("datatype"),
                             binding.get("its:dir"))
    return Cell(json.dumps(binding["value"]), kind="triple")


def _iri_cell(iri: str, urls: Urls) -> Cell:
    href = urls.href(iri)
    # Only web links become links: a `javascript:` IRI in the data must not be clickable.
    if not href or not href.startswith(("http://", "https://", "/")):
        href = None
    return Cell(short(ox.NamedNode(iri)), href=href, kind="iri", note=iri)


def _literal_cell(value: str, language: str | None, datatype: str | None,
                  direction: str | None = None) -> Cell:
    # An empty string is marked (the stylesheet shows it) apart from an unbound variable.
    kind = "literal" if value else "literal empty"
    if language:
        note = f"@{language}--{direction}" if direction else f"@{language}"  # as Turtle writes them
        return Cell(value, kind=kind, note=note, direction=direction)
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Cell(value, kind=kind, note=short(ox.NamedNode(datatype)))
    return Cell(value, kind=kind)
