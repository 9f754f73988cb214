"""Writing SPARQL SELECT results in the W3C formats (JSON, XML, CSV, TSV) from engine-neutral rows.

The formats are small and fully specified; pyoxigraph writes them when it produced the rows, but
rows from the reference engine (or cut by the result limit) need this writer.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def write_solutions(variables: list[str], rows: list[dict[str, Identifier]],
                    fmt: ox.QueryResultsFormat) -> bytes:
    if fmt == ox.QueryResultsFormat.JSON:
        return _json(variables, rows)
    if fmt == ox.QueryResultsFormat.XML:
        return _xml(variables, rows)
    if fmt == ox.QueryResultsFormat.CSV:
        return _csv(variables, rows)
    if fmt == ox.QueryResultsFormat.TSV:
        return _tsv(variables, rows)
    raise ValueError(f"unsupported results format {fmt}")


def _json_term(t: Identifier) -> dict[str, str]:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    assert isinstance(t, Literal)
    out = {"type": "literal", "value": str(t)}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype is not None and str(t.datatype) != _XSD_STRING:
        out["datatype"] = str(t.datatype)
    return out


def _json(variables: list[str], rows: list[dict[str, Identifier]]) -> bytes:
    doc = {"head": {"vars": variables},
           "results": {"bindings": [{k: _json_term(v) for k, v in r.items()} for r in rows]}}
    return json.dumps(doc, ensure_ascii=False).encode()


def _xml(variables: list[str], rows: list[dict[str, Identifier]]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>")
    for r in rows:
        out.append("<result>")
        for k, t in r.items():
            if isinstance(t, URIRef):
                inner = f"<uri>{escape(str(t))}</uri>"
            elif isinstance(t, BNode):
                inner = f"<bnode>{escape(str(t))}</bnode>"
            else:
                attrs = ""
                if t.language:
                    attrs = f" xml:lang={quoteattr(t.language)}"
                elif t.datatype is not None and str(t.datatype) != _XSD_STRING:
                    attrs = f" datatype={quoteattr(str(t.datatype))}"
                inner = f"<literal{attrs}>{escape(str(t))}</literal>"
            out.append(f"<binding name={quoteattr(k)}>{inner}</binding>")
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


def _csv(variables: list[str], rows: list[dict[str, Identifier]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    for r in rows:
        w.writerow(["_:" + str(r[v]) if isinstance(r.get(v), BNode) else str(r.get(v, ""))
                    for v in variables])
    return buf.getvalue().encode()


def _tsv_term(t: Identifier | None) -> str:
    if t is None:
        return ""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, BNode):
        return f"_:{t}"
    return ox.Literal(str(t), language=t.language).__str__() if t.language else str(
        ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype))) if t.datatype else ox.Literal(str(t))
    )


def _tsv(variables: list[str], rows: list[dict[str, Identifier]]) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(_tsv_term(r.get(v)) for v in variables) for r in rows]
    return ("\n".join(lines) + "\n").encode()
