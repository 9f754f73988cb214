"""`graph-service query`: run SPARQL over the built graph and print a table or a results format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Settings
from ..graph import formats
from . import Failure, load_or_fail, main, one_line


@main.command()
@click.argument("source", required=False)
@click.argument("text", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv", "xml", "turtle",
              "ntriples", "jsonld", "rdfxml"]), default="table", show_default=True,
              help="table for people; a SPARQL results format or an RDF format for programs.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
def query(source: str | None, text: str | None, fmt: str, engine: str) -> None:
    """Run a SPARQL query over the built graph.

    SOURCE is a .rq file, or `--` followed by the query text: graph-service query -- 'ASK {}'.
    """
    from ..graph.engine import make_engine
    from ..graph.store import load_store
    from ..output import table

    sparql = _query_text(source, text)
    settings = Settings.from_env(engine=engine)
    store = load_or_fail(lambda: load_store(settings))
    try:
        result = make_engine(engine, store).query(sparql)
    except SyntaxError as exc:
        raise Failure(f"bad query: {exc}") from None
    except Exception as exc:  # rdflib raises ParseException and friends
        raise Failure(f"query failed: {one_line(exc)}") from None
    if fmt == "table":
        click.echo(table(result), nl=False)
        return
    target = formats.by_name(fmt)
    assert target is not None
    try:
        sys.stdout.buffer.write(result.serialize(target))
    except ValueError as exc:
        raise Failure(str(exc)) from None


def _query_text(source: str | None, text: str | None) -> str:
    """The query: SOURCE names a file, or is the text itself (click consumes a `--` before it,
    so `query -- 'ASK {}'` arrives as SOURCE alone)."""
    if source is None:
        raise Failure("give a .rq file, or -- followed by the query text")
    if text is not None:
        raise Failure("give one query: a .rq file or the query text, not both")
    path = Path(source)
    if not (path.suffix in {".rq", ".sparql"} or path.is_file()):
        return source
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise Failure(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise Failure(f"{path}: not UTF-8 text") from None


