"""`graph-service export`: write what an external triple store loads (Virtuoso, Fuseki, QLever,
GraphDB): every named graph in N-Quads, TriG or JSON-LD, or the asserted facts in Turtle.

The same bytes as the service's `/dumps/liberation.<ext>`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph_service.cli.errors import Failure, load_or_fail
from graph_service.cli.options import setting_options
from graph_service.config import Settings
from graph_service.graph import dump_bytes, dumps, load_index, write_atomically

_CHOICES = ("nquads", "trig", "turtle", "jsonld")


@click.command()
@click.option("--format", "fmt", type=click.Choice(_CHOICES), default="nquads", show_default=True,
              help="nquads, trig, jsonld: every named graph; turtle: the asserted facts only.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced only once the export is complete); default: stdout.")
@setting_options("base_iri")
def export(fmt: str, output: Path | None, base_iri: str | None) -> None:
    """Export the built graph for loading into another triple store."""
    dump = dumps.by_format(fmt)
    assert dump is not None, fmt
    quads = load_or_fail(lambda: load_index(Settings.from_env(base_iri=base_iri)))
    data = dump_bytes(quads, dump)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        write_atomically(output, data)
    except OSError as exc:
        raise Failure(f"{output}: {exc.strerror or exc}") from None
    click.echo(f"{output}: {len(data):,} bytes ({dump.fmt.label}; {dump.description})", err=True)
