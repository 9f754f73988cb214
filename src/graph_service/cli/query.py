"""`graph-service query`: run SPARQL over the built graph and print a table or a results format."""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from pathlib import Path

import click

from graph_service.cli.errors import Failure, load_or_fail, one_line
from graph_service.cli.inputs import read_bounded
from graph_service.cli.options import setting_options
from graph_service.config import Settings
from graph_service.graph import (
    DiskStore,
    Engine,
    IsolatedWorker,
    QueryResult,
    QueryTimeout,
    TooCostly,
    check_cost,
    explain_syntax,
    formats,
    late_cost_check,
    make_engine,
    not_utf8,
    query_prefixes,
    serving_store,
    short,
    slow_shape_advice,
)

_BOM = "\ufeff"


@click.command()
@click.argument("source", required=False)
@click.argument("text", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", *(f.name for f in formats.of_kinds(("results",
              *formats.TRIPLES_KINDS))), *(w for w in formats.GRAPH_FORMAT_WORDS if w not in ("xml", "json",
              "text"))]), default="table", show_default=True,
              help="table for people (values as plain text: an empty string and an unbound value, or "
                   "\"8\" and 8, look alike; text writes each term as TSV does); a SPARQL results format "
                   "or an RDF format for programs, named as the endpoint's format= names them (rdf and n3 "
                   "too, for a CONSTRUCT).")
@setting_options("engine", "query_timeout")
def query(source: str | None, text: str | None, fmt: str, engine: str | None,
          query_timeout: float | None) -> None:
    """Run a SPARQL query over the built graph.

    SOURCE is a .rq file, `-` for standard input, or `--` followed by the query text:
    graph-service query -- 'ASK {}'.
    """
    settings = Settings.from_env(engine=engine, query_timeout=query_timeout)
    sparql = _query_text(source, text, settings.max_query_length)
    if not sparql.strip():
        raise Failure("the query is empty")
    # The store the service prepared on disk (built once per snapshot), opened read-only by the
    # query's process: loading the snapshot into memory took 0.15 s of every call.
    store = load_or_fail(lambda: serving_store(settings))
    # In a child stopped at the time limit: pyoxigraph returns to Python only once a row is done
    # (no signal handler runs meanwhile), so a runaway run here held the terminal for good, Ctrl-C
    # included. Its cost is estimated as the endpoint estimates it: a short query that answers
    # within 20 ms is answered (an ASK over a product finds its first row at once), not refused.
    answerer = _ChildEngine(settings.engine, store)
    worker = IsolatedWorker(answerer.query, on_start=answerer.start, memory_limit=settings.query_memory_bytes,
                            allow_network=True)
    try:
        most, deepest = settings.query_max_product, settings.query_max_nesting
        late = late_cost_check(sparql, max_product=most, max_nesting=deepest)
        if late is None:
            check_cost(sparql, max_product=most, max_nesting=deepest)
        result = worker.call(sparql, timeout=settings.query_timeout, late=late)
    except TooCostly as exc:  # "refused before it ran: ..." or "stopped after 20 ms: ..."
        raise Failure(f"query {exc}") from None
    except QueryTimeout:
        advice = slow_shape_advice(sparql) if settings.engine == "oxigraph" else None
        raise Failure(f"query stopped after its time limit of {settings.query_timeout:g} s "
                      "(--query-timeout or GRAPH_SERVICE_QUERY_TIMEOUT sets it)"
                      + (f"; {advice}" if advice else "")) from None
    except SyntaxError as exc:  # explained as the service explains it, in one line
        syntax = explain_syntax(sparql, str(exc))
        raise Failure(f"bad query: {syntax if syntax is not None else one_line(exc)}") from None
    except Exception as exc:  # rdflib raises ParseException and friends; IsolatedError for a crash
        raise Failure(f"query failed: {one_line(exc)}") from None
    finally:
        worker.close()
    if fmt == "table":
        click.echo(table(result), nl=False)
        return
    # As the endpoint reads format=: `--format text` or `json` asked of a CONSTRUCT is N-Triples
    # or JSON-LD, not a refusal.
    target = formats.for_answer(fmt, result.form)
    kinds = formats.TRIPLES_KINDS if result.form == "graph" else ("results",)
    others = [f.name for f in formats.of_kinds(kinds) if f != target]
    if target is None:
        raise Failure(f"--format {fmt} cannot hold the answer of this query; use one of " + ", ".join(others))
    try:
        body = result.serialize(target, query_prefixes(sparql))
    except ValueError as exc:  # SPARQL XML or RDF/XML, and what XML cannot hold
        # The formats that hold this form of answer (csv and tsv were offered for a CONSTRUCT).
        raise Failure(f"{exc}; give another --format: {', '.join(others)}") from None
    # A terminal's prompt must not follow on the answer's last line (JSON and XML end without a
    # line break); the formats all allow a final one.
    sys.stdout.buffer.write(body if body.endswith(b"\n") else body + b"\n")


class _ChildEngine:
    """The engine, made in the query's process once it has started: its store is opened there
    (`start`, before the 20 ms of the cost estimate count), never in this one."""

    def __init__(self, name: str, store: DiskStore) -> None:
        self._name, self._store = name, store
        self._engine: Engine | None = None

    def start(self) -> None:
        self._engine = make_engine(self._name, self._store)
        warm = getattr(self._engine, "warm", None)
        if warm is not None:
            warm()

    def query(self, sparql: str) -> QueryResult:
        if self._engine is None:  # `start` failed: meet its error here, where it is reported
            self.start()
        assert self._engine is not None
        return self._engine.query(sparql)


def table(result: QueryResult) -> str:
    """An answer as a text table, IRIs as prefixed names, with the number of rows below."""
    if result.form == "ask":
        return ("yes" if result.boolean else "no") + "\n"
    if result.form == "graph":
        rows = [[_cell(short(s)), _cell(short(p)), _cell(short(o))] for s, p, o in result.triples]
        header = ["subject", "predicate", "object"]
    else:
        header = result.variables
        rows = [[_cell(short(r.get(v))) for v in header] for r in result.rows]
        if not header:  # `SELECT * {}`: solutions with no variable, which a table cannot draw
            return f"(no columns) {len(rows)} row{'' if len(rows) == 1 else 's'}\n"
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows]
    out.append(line)
    noun = "row" if result.form == "select" else "triple"
    out.append(f"{len(rows)} {noun}{'' if len(rows) == 1 else 's'}")
    return "\n".join(out) + "\n"


# A value's line breaks and tabs would break its row across lines or out of its column, its other
# control characters would ring the terminal's bell or start an escape sequence (ESC [31m colours
# what follows), and the marks that turn text's direction (U+202E) or break a line (U+2028) would
# reorder or split the row: each is written as an escape, its own backslashes doubled, so a typed
# "\n" is not read as a line break.
_ESCAPES = str.maketrans({
    **{chr(c): f"\\u{c:04X}" for c in (*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F,
                                        *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)},
    "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _cell(value: str) -> str:
    return value.translate(_ESCAPES)


def _width(text: str) -> int:
    """The columns a terminal gives `text`: two for a wide character (日), none for a combining
    mark (the accent of e\u0301), else one."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


# What query text can begin with (after comments): anything else given as SOURCE is a file's name.
_QUERY_START = re.compile(r"\s*(?:#[^\n]*\n\s*)*(?:SELECT|CONSTRUCT|ASK|DESCRIBE|PREFIX|BASE)\b",
                          re.IGNORECASE)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name longer than a file's can be (ENAMETOOLONG): query text, not a file
        return False


#: What a query file or standard input longer than any query taken is told.
_TOO_LONG = "longer than the longest query taken (GRAPH_SERVICE_MAX_QUERY_LENGTH)"


def _query_text(source: str | None, text: str | None, longest: int) -> str:
    """The query: SOURCE names a file, or is the text itself (click consumes a `--` before it,
    so `query -- 'ASK {}'` arrives as SOURCE alone); at most `longest` characters, as the
    endpoint takes (a file or standard input is read no further: `query /dev/zero` filled the
    memory)."""
    text = _read_query_text(source, text, 4 * longest + 3)  # UTF-8, and a byte-order mark
    if len(text) > longest:
        raise Failure(f"the query has {len(text):,} characters; the limit is {longest:,} "
                      "(GRAPH_SERVICE_MAX_QUERY_LENGTH)")
    return text


def _read_query_text(source: str | None, text: str | None, most_bytes: int) -> str:
    if source is None:
        raise Failure("give a .rq file, - for standard input, or -- followed by the query text")
    if text is not None:
        raise Failure("give one query: a .rq file or the query text, not both")
    if source == "-":
        # The bytes, decoded here: a text stdin may decode with surrogateescape (a C locale),
        # which lets bytes that are not UTF-8 through to fail later, far from their cause.
        data = read_bounded(None, most_bytes, _TOO_LONG)
        problem = not_utf8(data, "a SPARQL query")
        if problem is not None:
            raise Failure(f"standard input: {problem}")
        return data.decode("utf-8-sig")
    source = source.removeprefix(_BOM)
    if not source.strip():
        return source  # `query -- ''`: the empty query, not the current directory
    path = Path(source)
    if not (path.suffix in {".rq", ".sparql"} or _exists(path)):
        if _QUERY_START.match(source) or "{" in source:
            # Text given as an argument arrives as the terminal's bytes, decoded with
            # surrogateescape: one that is not UTF-8 is named as in a file.
            problem = not_utf8(os.fsencode(source), "a SPARQL query")
            if problem is not None:
                raise Failure(f"the query text: {problem}")
            return source
        # click takes `--` before it sees SOURCE, so whether one was given is not known here.
        raise Failure(f"{source}: no such file, nor a query (a query begins with SELECT, CONSTRUCT, "
                      "ASK, DESCRIBE, PREFIX or BASE; text that begins with - goes after --)")
    if path.is_dir():
        raise Failure(f"{path}: is a directory; give a .rq file")
    data = read_bounded(path, most_bytes, _TOO_LONG)
    problem = not_utf8(data, "a SPARQL query")
    if problem is not None:
        raise Failure(f"{path}: {problem}")
    # utf-8-sig: a byte-order mark (Windows editors write one) is not part of the query.
    return data.decode("utf-8-sig")
