"""The service's own writers of SELECT results (`graph.rdf.results`), which answer a cut answer, a
SELECT * whose columns pyoxigraph orders otherwise, every CSV answer and the reference engine's
rows: read back by pyoxigraph's own readers, they give the terms written, as pyoxigraph's writers'
answers do; CSV as the SPARQL 1.2 CSV format says (RFC 4180 quoting, triple terms in <<( )>>)."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from graph_service.graph.query.engine import OxigraphEngine
from graph_service.graph.rdf import formats, write_solutions

F = ox.QueryResultsFormat
#: Terms each writer must keep: IRIs (one holding a comma), a blank node, literals plain, tagged,
#: with a base direction, typed, with a newline, quotes and a comma, and nested triple terms.
TERMS = {
    "iri": ox.NamedNode("http://example.org/a,b"),
    "bnode": ox.BlankNode("b0"),
    "plain": ox.Literal("plain"),
    "tagged": ox.Literal("chat", language="fr"),
    "directed": ox.Literal("x", language="ar", direction=ox.BaseDirection.RTL),
    "typed": ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    "decimal": ox.Literal("0.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    "boolean": ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
    "unwritten": ox.Literal("abc", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    "awkward": ox.Literal('line\nbreak, "quoted"'),
    "padded": ox.Literal(" \t\npadded \n"),
    "blank": ox.Literal(" \n"),
    "triple": ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://b"),
                        ox.Triple(ox.NamedNode("http://d"), ox.NamedNode("http://c"),
                                  ox.Literal('x,"y"', language="en"))),
}
VARIABLES = list(TERMS)


@pytest.mark.parametrize("fmt", [F.JSON, F.XML, F.TSV], ids=["json", "xml", "tsv"])
def test_what_the_service_writes_pyoxigraph_reads_back_term_for_term(fmt) -> None:
    rows = [tuple(TERMS.values()), (None,) * len(TERMS)]
    read = ox.parse_query_results(write_solutions(VARIABLES, rows, fmt), format=fmt)
    assert isinstance(read, ox.QuerySolutions)
    assert [v.value for v in read.variables] == VARIABLES
    got = [tuple(solution[v] for v in VARIABLES) for solution in read]
    assert got == rows


def test_tsv_is_what_pyoxigraph_writes_byte_for_byte() -> None:
    values = " ".join(str(t) if not isinstance(t, ox.Triple) else _tsv_triple(t) for t in TERMS.values()
                      if not isinstance(t, ox.BlankNode))
    names = [n for n in VARIABLES if n != "bnode"]
    selected = " ".join("?" + n for n in names)
    answer = ox.Store().query(f"SELECT {selected} WHERE {{ VALUES ({selected}) {{ ({values}) }} }}")
    assert isinstance(answer, ox.QuerySolutions)
    theirs = answer.serialize(format=F.TSV)
    rows = [tuple(TERMS[n] for n in names)]
    assert write_solutions(names, rows, F.TSV) == theirs


def _tsv_triple(t: ox.Triple) -> str:
    def term(x):
        return _tsv_triple(x) if isinstance(x, ox.Triple) else str(x)
    return f"<<( {term(t.subject)} {term(t.predicate)} {term(t.object)} )>>"


def test_csv_quotes_every_field_that_needs_it_and_writes_triple_terms_as_sparql_1_2_says() -> None:
    body = write_solutions(VARIABLES, [tuple(TERMS.values()), (None,) * len(TERMS)], F.CSV).decode()
    assert body.split("\r\n", 1)[0] == ",".join(VARIABLES)  # the header, without "?"
    header, row, unbound = csv.reader(io.StringIO(body))
    assert row == ["http://example.org/a,b", "_:b0", "plain", "chat", "x", "1", "0.5", "true", "abc",
                   'line\nbreak, "quoted"', " \t\npadded \n", " \n",
                   '<<( http://a http://b <<( http://d http://c "x,""y""" )>> )>>']
    assert unbound == [""] * len(VARIABLES)


def test_a_csv_answer_runs_its_query_once() -> None:
    # The service writes CSV itself: from the solutions in hand, not by asking the query again.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.NamedNode("http://c,d")))
    engine = OxigraphEngine(store)
    runs = []
    run = engine._run

    def counted(*args, **kwargs):
        runs.append(args)
        return run(*args, **kwargs)

    engine._run = counted  # type: ignore[method-assign]
    answer = engine.answer("SELECT ?o WHERE { ?s ?p ?o }", results_format=formats.by_name("csv"),
                           graph_format=None)
    assert answer.body == b'o\r\n"http://c,d"\r\n' and len(runs) == 1


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("rows", [48, 49, 50])
def test_an_answer_whose_text_looks_like_rows_is_cut_exactly_at_the_limit(fmt, rows) -> None:
    # 48, 49 or 50 rows against a limit of 49, long enough that the answer's size cannot rule out
    # more: two rows bind a text holding what marks a row in each format (`"type":` and `{}` in
    # JSON, `<result>` in XML, line breaks in TSV), the others bind nothing.
    store = ox.Store()
    text = ox.Literal('{}"type":{} <result></result>\n' * 40)
    for s in ("http://example.org/a", "http://example.org/b"):
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode("http://example.org/p"), text))
    values = " ".join(str(n) for n in range(rows - 2))
    query = f"SELECT ?s ?o WHERE {{ {{ ?s ?p ?o }} UNION {{ VALUES ?n {{ {values} }} }} }}"
    answer = OxigraphEngine(store).answer(query, results_format=formats.named(fmt), graph_format=None,
                                          limit=49)
    assert answer.truncated == (rows > 49)
    written = list(ox.parse_query_results(answer.body, format=formats.named(fmt).oxigraph))
    assert len(written) == min(rows, 49)
    assert [r["o"] for r in written if r["o"] is not None] == [text, text]
