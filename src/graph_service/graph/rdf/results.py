"""Writing SPARQL SELECT results in the W3C formats (JSON, XML, CSV, TSV).

pyoxigraph writes JSON, XML and TSV itself (in Rust, many times faster than Python), but only for
a whole `QuerySolutions` iterator, while the endpoint must stop at the result limit and say so.
`write_within` has pyoxigraph write a whole answer when `writes_natively` says it can and it is
within the limit (most are), and says when it is not; `write_solutions` writes rows one by one here, for a
cut answer, for CSV (pyoxigraph 0.5.13 leaves a field holding a comma unquoted when it is an IRI
or a triple term, which shifts the row's columns) and for the reference engine's rows, straight
from pyoxigraph terms (no rdflib), following the W3C specifications (SPARQL 1.2's for a literal's
base direction and for triple terms):
  JSON https://www.w3.org/TR/sparql11-results-json/   XML https://www.w3.org/TR/rdf-sparql-XMLres/
  CSV and TSV https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: W3C Internationalization Tag Set, whose `its:dir` the SPARQL 1.2 results formats use for a
#: literal's base direction (as pyoxigraph writes it).
_ITS = "http://www.w3.org/2005/11/its"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


def write_solutions(variables: Sequence[str], rows: Iterable[Row], fmt: ox.QueryResultsFormat) -> bytes:
    """SELECT results: `rows` hold one term (or None when unbound) per variable, in order."""
    if fmt == ox.QueryResultsFormat.JSON:
        return _json(variables, rows)
    if fmt == ox.QueryResultsFormat.XML:
        return _xml(variables, rows)
    if fmt == ox.QueryResultsFormat.CSV:
        return _csv(variables, rows)
    if fmt == ox.QueryResultsFormat.TSV:
        return _tsv(variables, rows)
    raise ValueError(f"unsupported results format {fmt}")


#: The fewest bytes pyoxigraph writes per row in each format it writes here (JSON `{},`, XML
#: `<result></result>`, TSV LF): an answer shorter than `limit` times this has fewer than `limit` rows.
_MIN_ROW_BYTES = {ox.QueryResultsFormat.JSON: 3, ox.QueryResultsFormat.XML: 17, ox.QueryResultsFormat.TSV: 1}
_JSON_HEAD = b'{"head":{"vars":['


class _TooLarge(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """What pyoxigraph writes, refused past `cap` bytes (pyoxigraph stops with the error)."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.cap:
            raise _TooLarge
        return super().write(data)


def writes_natively(fmt: ox.QueryResultsFormat, columns: Sequence[str], natural: Sequence[str]) -> bool:
    """Whether pyoxigraph can write an answer in `fmt` with its columns in the order `columns` gives
    (`natural`: its own): not CSV (see above), and in another order only in JSON, whose head alone
    says the order."""
    if fmt not in _MIN_ROW_BYTES:
        return False
    return list(columns) == list(natural) or fmt == ox.QueryResultsFormat.JSON


def write_within(solutions: ox.QuerySolutions, fmt: ox.QueryResultsFormat, columns: Sequence[str],
                 limit: int | None, *, bounded: bool, cap: int) -> bytes | None:
    """The whole answer as pyoxigraph writes it, where `writes_natively` says it can, with its
    columns in the order `columns` gives; None when it cannot be had so: more than `limit` rows (unless
    `bounded`: the query's own LIMIT keeps it within) or more than `cap` bytes. `solutions` is
    consumed."""
    reorder = list(columns) != [v.value for v in solutions.variables]
    out = _CappedBuffer(cap)
    try:
        solutions.serialize(out, format=fmt)
    except _TooLarge:
        return None
    body = out.getvalue()
    if not bounded and limit is not None and len(body) >= _MIN_ROW_BYTES[fmt] * limit \
            and _most_rows(body, fmt, limit) > limit:
        # Read back only as far as one past the limit: pyoxigraph's parser, rows not looked into.
        rows = ox.parse_query_results(body, format=fmt)
        assert isinstance(rows, ox.QuerySolutions)  # read back from a SELECT's answer
        if len(list(itertools.islice(rows, limit + 1))) > limit:
            return None
    if reorder:
        # JSON names every binding's variable, so only the head says the order of the columns;
        # a variable name holds neither `"` nor `]`.
        if not body.startswith(_JSON_HEAD):
            return None
        end = body.index(b"]}", len(_JSON_HEAD))
        body = _JSON_HEAD + ",".join(f'"{c}"' for c in columns).encode() + body[end:]
    return body


def _most_rows(body: bytes, fmt: ox.QueryResultsFormat, limit: int) -> int:
    """At least as many as the rows of `body` as pyoxigraph writes it, counted at C speed: reading
    the rows back cost 6 µs a row (1.8 ms of query 28's 12). In JSON each row is an object (a `{`,
    counted fastest), or, closer, binds a term (`"type":`, whose quotes a string escapes) or is
    `{}`; in XML each row is a `<result>` (text escapes `<`); in TSV a line (literals escape their
    line breaks) after the header."""
    if fmt == ox.QueryResultsFormat.JSON:
        braces = body.count(b"{")  # 80 µs on query 28's 218 KB, where the closer count took 350
        return braces if braces <= limit else body.count(b'"type":') + body.count(b"{}")
    if fmt == ox.QueryResultsFormat.XML:
        return body.count(b"<result>")
    return body.count(b"\n") - 1


def write_boolean(value: bool, fmt: ox.QueryResultsFormat) -> bytes:
    """ASK results. CSV and TSV define no boolean form; the bare word is what Oxigraph writes
    (Jena writes a header first, `_askResult`, which a reader of SELECT tables takes for a
    variable)."""
    word = "true" if value else "false"
    if fmt == ox.QueryResultsFormat.JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == ox.QueryResultsFormat.XML:
        return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{word}</boolean></sparql>\n").encode()
    if fmt in (ox.QueryResultsFormat.CSV, ox.QueryResultsFormat.TSV):
        return word.encode()
    raise ValueError(f"unsupported results format {fmt}")


def json_term(t: Term) -> dict[str, object]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
            if t.direction is not None:  # RDF 1.2's base direction, keyed as SPARQL 1.2 does
                out["its:dir"] = str(t.direction)
        elif t.datatype.value != _XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    # RDF 1.2 triple terms, as the SPARQL 1.2 results format writes them
    return {"type": "triple", "value": {"subject": json_term(t.subject),
                                         "predicate": json_term(t.predicate),
                                         "object": json_term(t.object)}}


def with_link(body: bytes, fmt: ox.QueryResultsFormat, link: str) -> bytes:
    """SELECT results as `write_solutions` writes them, with `link` in their head (a reference
    "for further information": Query Results JSON 3.1, XML 2.2), after the variables. CSV and TSV
    have no place for one: unchanged."""
    if fmt == ox.QueryResultsFormat.JSON and body.startswith(_JSON_HEAD):
        end = body.index(b"]", len(_JSON_HEAD)) + 1  # no variable's name holds a "]"
        return body[:end] + b',"link":' + json.dumps([link]).encode() + body[end:]
    if fmt == ox.QueryResultsFormat.XML and (at := body.find(b"</head>")) >= 0:
        return body[:at] + f"<link href={quoteattr(link)}/>\n".encode() + body[at:]
    return body


def _json(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(t: Term) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            direction = "" if t.direction is None else (
                f' its:dir="{t.direction}" xmlns:its="{_ITS}" its:version="2.0"')
            return f"<literal xml:lang={quoteattr(t.language)}{direction}>{_xml_text(t.value)}</literal>"
        if t.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{_xml_text(t.value)}</literal>"
        return f"<literal>{_xml_text(t.value)}</literal>"
    return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}"
            f"</predicate><object>{_xml_term(t.object)}</object></triple>")


_XML_SPACE = " \t\n\r"


def _xml_text(value: str) -> str:
    """`value` as the text of an element, its leading and trailing white space as character
    references, as pyoxigraph writes it: pyoxigraph's reader trims white space that stands at
    either end of a text as written (it read `a\n` back as `a`)."""
    lead = len(value) - len(value.lstrip(_XML_SPACE))
    trail = max(lead, len(value.rstrip(_XML_SPACE)))
    if lead == 0 and trail == len(value):
        return escape(value)
    return _references(value[:lead]) + escape(value[lead:trail]) + _references(value[trail:])


def _references(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def _xml(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True) if t is not None]
        out.append("</result>")
    out.append("</results>\n</sparql>\n")
    return "\n".join(out).encode()


def _csv_value(t: Term | None) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    if isinstance(t, ox.NamedNode | ox.Literal):
        return t.value
    # A triple term's own terms written as fields are, recursively, with its object literal in
    # quotation marks; the csv writer then quotes the whole field.
    inner = (_csv_value(t.object) if not isinstance(t.object, ox.Literal)
             else '"' + t.object.value.replace('"', '""') + '"')
    return f"<<( {_csv_value(t.subject)} {_csv_value(t.predicate)} {inner} )>>"


def _csv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(variables)
    w.writerows([_csv_value(t) for t in row] for row in rows)
    return buf.getvalue().encode()


#: Turtle's short forms of numbers and booleans (its grammar's INTEGER, DECIMAL, DOUBLE), by
#: datatype: a literal whose lexical form is one is written bare in TSV, as pyoxigraph writes it.
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {_XSD + "integer": re.compile(r"[+-]?[0-9]+"),
         _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
         _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
         _XSD + "boolean": re.compile(r"true|false")}


def _tsv_term(t: Term) -> str:
    # pyoxigraph's str() of a term is its N-Triples form, which is valid Turtle as TSV requires;
    # a triple term's is its three terms alone, without the <<( )>> that TSV writes around them.
    if isinstance(t, ox.Triple):
        return f"<<( {_tsv_term(t.subject)} {_tsv_term(t.predicate)} {_tsv_term(t.object)} )>>"
    if isinstance(t, ox.Literal) and (bare := _BARE.get(t.datatype.value)) and bare.fullmatch(t.value):
        return t.value
    return str(t)


def _tsv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else _tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


class TableTooLarge(ValueError):
    """A text table over the size it may have; `size` says how large it would be."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the table would be {size:,} bytes")
        self.size = size


_DECLARATION = re.compile(r"(?<![\w:-])@?(?:PREFIX\s+([\w.-]*):|(BASE))\s*<([^<>\s]*)>", re.IGNORECASE)


def query_prefixes(sparql: str) -> dict[str, str]:
    """The prefixes a query declares, by name: what its text table writes IRIs under; or a Turtle
    or TriG document's (`@prefix` too), read from its text. A relative namespace is resolved
    against the BASE declared before it, as the parser resolves the names written with it."""
    prefixes: dict[str, str] = {}
    base = ""
    for name, is_base, iri in _DECLARATION.findall(sparql):
        if is_base:
            base = urljoin(base, iri)
        else:
            prefixes[name] = urljoin(base, iri)
    return prefixes


def text_table(tsv: bytes, prefixes: Mapping[str, str] | None = None, cap: int | None = None) -> bytes:
    """SPARQL TSV results (or an ASK's bare word) as a table of aligned columns, as Jena's
    `output=text` lays them out: the terms in their TSV (Turtle) form, IRIs under one of
    `prefixes` (the query's own, as Jena does) written as prefixed names, an unbound one blank.
    `TableTooLarge` before it is laid out when it would be over `cap` bytes (each cell is padded to
    its column's widest: one long value in 10,000 rows makes a table of gigabytes)."""
    text = tsv.decode("utf-8")
    if text in ("true", "false"):
        return f"Ask => {'Yes' if text == 'true' else 'No'}\n".encode()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = [name.lstrip("?") for name in lines[0].split("\t")] if lines and lines[0] else []
    # Each IRI is looked up by its beginnings of the namespaces' lengths, longest first, and each
    # distinct cell once: trying every prefix on every cell took 10 s for a query of 5,000
    # prefixes over 10,000 rows (laid out in the web worker for a remote store).
    by_namespace: dict[str, str] = {}
    for name, namespace in (prefixes or {}).items():
        if namespace:
            by_namespace.setdefault(namespace, name)
    lengths = sorted({len(namespace) for namespace in by_namespace}, reverse=True)
    shortened: dict[str, str] = {}

    def short(cell: str) -> str:
        if not (cell.startswith("<") and cell.endswith(">")):
            return cell
        if cell not in shortened:
            iri, shortened[cell] = cell[1:-1], cell
            for length in lengths:
                name = by_namespace.get(iri[:length]) if length <= len(iri) else None
                if name is not None and _LOCAL.fullmatch(iri[length:]):
                    shortened[cell] = f"{name}:{iri[length:]}"
                    break
        return shortened[cell]

    rows = [[short(cell) for cell in line.split("\t")] for line in lines[1:]]
    widths = [max([len(name), *(len(row[i]) for row in rows if i < len(row))])
              for i, name in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)) + " |"

    size = (sum(widths) + 3 * len(widths) + 2) * (len(rows) + 4)
    if cap is not None and size > cap:
        raise TableTooLarge(size)
    head = line(header)
    rule = "-" * len(head)  # as wide as a row, with no column too (`SELECT * {}`: "|  |")
    out = [rule, head, "=" * len(rule), *(line(row) for row in rows), rule]
    return ("\n".join(out) + "\n").encode()


#: A local name written without escapes (letters, digits, "_", "-"; not starting with "-").
_LOCAL = re.compile(r"(?:[^\W-][\w-]*)?")
