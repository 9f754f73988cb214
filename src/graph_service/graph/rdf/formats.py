"""The one registry of media types the project reads and writes.

Content negotiation (web), the CLI's `--format`, dumps and uploads all pick from here, so a format
is added in exactly one place. Each entry says which library names it: rdflib's plugin name and
pyoxigraph's format, so callers hand data to whichever library does the work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

Kind = Literal["graph", "dataset", "results", "page"]


@dataclass(frozen=True)
class Format:
    #: Short name used by `format=` and `--format` (e.g. "turtle", "json").
    name: str
    media_type: str
    extension: str
    #: "graph": triples; "dataset": quads (or a CONSTRUCT's triples, in the default graph:
    #: `TRIPLES_KINDS`); "results": SPARQL SELECT/ASK results; "page": HTML.
    kind: Kind
    label: str
    rdflib_name: str | None = None
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    #: Other media types that mean the same (e.g. application/json for SPARQL JSON results).
    aliases: tuple[str, ...] = ()
    #: Other names people type for it (`format=ttl`, `--format json-ld`).
    names: tuple[str, ...] = ()
    #: Other file extensions read as this format (`.owl` for RDF/XML).
    extensions: tuple[str, ...] = ()
    #: Results written as `oxigraph` (TSV) and then laid out as a text table (`results.text_table`).
    table: bool = False

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with a charset for textual formats."""
        if self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml")) or (
            self.media_type in {"application/n-triples", "application/n-quads", "application/trig"}
        ):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    def __reduce__(self) -> tuple[object, tuple[str]]:
        # By its name in the registry, as an enum member pickles: pyoxigraph's formats do not
        # pickle, and a format crosses to the processes that read users' documents.
        return _registered, (self.name,)


FORMATS: tuple[Format, ...] = (
    # RDF graphs (CONSTRUCT/DESCRIBE answers, resource descriptions, dumps, uploads)
    # N3 clients read Turtle, a subset of N3 (Jena answers them so too).
    # `n3` is read as Turtle (the N3 that RDF tools exchange), as files named .n3 are.
    Format("turtle", "text/turtle", "ttl", "graph", "Turtle", "turtle", ox.RdfFormat.TURTLE,
           ("application/x-turtle", "text/n3"), names=("n3",), extensions=("turtle", "n3")),
    Format("ntriples", "application/n-triples", "nt", "graph", "N-Triples", "nt",
           ox.RdfFormat.N_TRIPLES, ("text/plain",), names=("n-triples",)),
    Format("jsonld", "application/ld+json", "jsonld", "graph", "JSON-LD", "json-ld",
           ox.RdfFormat.JSON_LD, ("application/json",), names=("json-ld",), extensions=("json",)),
    Format("rdfxml", "application/rdf+xml", "rdf", "graph", "RDF/XML", "xml",
           ox.RdfFormat.RDF_XML, ("application/xml", "text/xml"), names=("rdf+xml",),
           extensions=("owl", "xml")),
    # RDF datasets (named graphs kept; a CONSTRUCT's triples in the default graph). The older
    # x- and text/ names are what Jena still reads and some clients still send.
    Format("trig", "application/trig", "trig", "dataset", "TriG", "trig", ox.RdfFormat.TRIG,
           ("application/x-trig",)),
    Format("nquads", "application/n-quads", "nq", "dataset", "N-Quads", "nquads",
           ox.RdfFormat.N_QUADS, ("text/x-nquads", "text/nquads"), names=("n-quads",)),
    # SPARQL SELECT/ASK results
    Format("json", "application/sparql-results+json", "srj", "results", "SPARQL JSON",
           "json", ox.QueryResultsFormat.JSON, ("application/json",)),
    Format("xml", "application/sparql-results+xml", "srx", "results", "SPARQL XML", "xml",
           ox.QueryResultsFormat.XML, ("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv", "results", "CSV", "csv", ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", "results", "TSV", "tsv",
           ox.QueryResultsFormat.TSV),
    # A table for people at a terminal (Fuseki's `output=text`): TSV's terms, in aligned columns.
    Format("text", "text/plain", "txt", "results", "Text table", "tsv", ox.QueryResultsFormat.TSV,
           names=("table",), table=True),
    # For people
    Format("html", "text/html", "html", "page", "HTML", None, None, ("application/xhtml+xml",)),
)

_BY_NAME = {f.name: f for f in FORMATS}
# A format's extension names it too (`format=ttl`, `format=rdf`), where no format has that name.
_BY_NAME.update({f.extension: f for f in FORMATS if f.extension not in _BY_NAME})
_BY_NAME.update({name: f for f in FORMATS for name in f.names})


def _registered(name: str) -> Format:
    return next(f for f in FORMATS if f.name == name)


def by_name(name: str, kinds: tuple[Kind, ...] | None = None) -> Format | None:
    """The format called `name` (a short name, file extension or media type), if of `kinds`."""
    key = name.strip().lower()
    fmt = _BY_NAME.get(key) or by_media_type(key, kinds)
    if fmt is None or (kinds is not None and fmt.kind not in kinds):
        return None
    return fmt


def named(name: str) -> Format:
    """The format with this short name (`"turtle"`): for a module's constants, where a missing
    format is a bug (KeyError), not a request to refuse."""
    return _BY_NAME[name]


def by_media_type(media_type: str, kinds: tuple[Kind, ...] | None = None) -> Format | None:
    """The format for a media type (parameters such as charset are ignored)."""
    mt = media_type.split(";")[0].strip().lower()
    for fmt in of_kinds(kinds):
        if mt == fmt.media_type or mt in fmt.aliases:
            return fmt
    return None


def by_extension(extension: str, kinds: tuple[Kind, ...] | None = None) -> Format | None:
    ext = extension.lower().lstrip(".")
    return next((f for f in of_kinds(kinds) if ext == f.extension or ext in f.extensions), None)


#: How a document of each format commonly opens: a parse that failed on a document opening as
#: another does was most likely given the wrong format (JSON-LD pasted where Turtle is assumed).
#: A JSON-LD object opens with a key (`{"@context"`), never a Turtle or TriG document, whose `[`
#: opens a blank node and whose `{` a graph (`[] a ex:T .`, `{ <a> <b> <c> . }`).
_OPENINGS = (("jsonld", re.compile(rb'\[?\s*\{\s*"')), ("rdfxml", re.compile(rb"<\?xml|<rdf:RDF")),
             ("turtle", re.compile(rb"(?i)@?prefix\s|@?base\s")))


_LEADING = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s+|#[^\n]*(?:\n|\Z))*")


#: What only the format with named graphs of a pair has, told from the one without: a graph's
#: `{` (not an annotation's `{|`) before any quote or comment on its line, for TriG read as
#: Turtle; a fourth term on an N-Triples line, for N-Quads read as N-Triples.
_TERM = rb'(?:<[^>\s]*>|_:[^\s.]+(?:\.[^\s.]+)*)'
_GRAPH_OF = {
    "turtle": ("trig", re.compile(rb"(?m)^[^\"'#\n]*\{(?!\|)")),
    "ntriples": ("nquads", re.compile(rb'(?m)^[ \t]*' + _TERM + rb'[ \t]+<[^>\s]*>[ \t]+(?:' + _TERM
                                      + rb'|"(?:[^"\\\n]|\\.)*"(?:@[\w-]+|\^\^<[^>\s]*>)?)[ \t]+'
                                      + _TERM + rb'[ \t]*\.')),
}


def looks_like(body: bytes, read_as: Format) -> Format | None:
    """The format a document that failed to parse as `read_as` looks like, by how it opens,
    where that is another (TriG reads Turtle's openings), or by the named graph it holds (TriG
    read as Turtle, N-Quads as N-Triples); None when it looks like nothing else."""
    if b"\x00" in body[:4096] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # no text (UTF-16 aside): a binary file looks like no format of RDF
    # After a byte-order mark, blank lines and comment lines (a Turtle file often opens with some).
    opening = _LEADING.sub(b"", body[:4096])[:200]
    guess = next((name for name, start in _OPENINGS if start.match(opening)), None)
    if guess in (None, "turtle") and read_as.name in _GRAPH_OF:  # JSON-LD opens with a brace too
        other, holds_graph = _GRAPH_OF[read_as.name]
        # Not a brace in a long string: a SPARQL constraint's WHERE { on its second line.
        if holds_graph.search(_without_long_strings(body[:1_000_000])):
            return named(other)
    if guess is None or guess == read_as.name or (guess == "turtle" and read_as.name == "trig"):
        return None
    return named(guess)


def of_kinds(kinds: tuple[Kind, ...] | None) -> tuple[Format, ...]:
    return tuple(f for f in FORMATS if kinds is None or f.kind in kinds)


#: Formats that can be parsed as RDF input (uploads, `serve FILE`, `validate --data`).
RDF_INPUT_KINDS: tuple[Kind, ...] = ("graph", "dataset")
#: Formats a CONSTRUCT or DESCRIBE answers in: the graph formats, and the dataset formats with
#: the triples in the default graph (Fuseki and Oxigraph's server offer both; a client that
#: loads everything as N-Quads need not convert).
TRIPLES_KINDS: tuple[Kind, ...] = ("graph", "dataset")

#: What clients mean by format words where a graph is answered and no SPARQL results are
#: (SPARQLWrapper sends format=xml for RDF/XML, format=json for JSON-LD, format=n3 for Turtle;
#: Fuseki's output=text is N-Triples, as text/plain is).
GRAPH_FORMAT_WORDS = {"xml": "rdfxml", "rdf": "rdfxml", "json": "jsonld", "n3": "turtle", "text": "ntriples"}


def graph_format(name: str, kinds: tuple[Kind, ...] = TRIPLES_KINDS) -> Format | None:
    """The format of `kinds` that `name` means where a graph is meant: a registry name, or a
    SPARQL client's word for one (`GRAPH_FORMAT_WORDS`: `xml` is RDF/XML, `text` N-Triples)."""
    key = name.strip().lower()
    return by_name(GRAPH_FORMAT_WORDS.get(key, key), kinds)


def for_answer(name: str, form: str) -> Format | None:
    """The format the word `name` means for a query's answer of `form` ("select", "ask" or
    "graph"): `text` is a text table for a SELECT and N-Triples for a CONSTRUCT, as the endpoint's
    negotiation reads `format=` (the command line's `query --format`)."""
    return graph_format(name) if form == "graph" else by_name(name, ("results",))


def _without_long_strings(text: bytes) -> bytes:
    """`text` without Turtle's long strings (\"\"\"...\"\"\", '''...'''), which may hold braces on lines of
    their own; an unterminated one to the end. One pass with `find`, each kind's next opening
    looked for again only once passed: a regular expression for them, or a search for both at
    every step, took time quadratic in a text of many openings (`\"\"\"\\` or `'''\\'` repeated)."""
    kept, at = [], 0
    following = {quote: text.find(quote) for quote in (b'"""', b"'''")}
    while True:
        for quote, found in following.items():
            if 0 <= found < at:
                following[quote] = text.find(quote, at)
        starts = [(found, quote) for quote, found in following.items() if found >= 0]
        if not starts:
            kept.append(text[at:])
            return b"".join(kept)
        start, quote = min(starts)
        kept.append(text[at:start])
        end = start + 3
        while True:
            close = text.find(quote, end)
            if close < 0:
                return b"".join(kept)
            backslashes = 0
            while close - backslashes - 1 >= end and text[close - backslashes - 1] == 0x5C:
                backslashes += 1
            if backslashes % 2 == 0:  # not an escaped quote
                break
            end = close + 1
        at = close + 3
