"""`graph-service export`: write what an external triple store loads (Virtuoso, Fuseki, QLever,
GraphDB): every named graph in N-Quads, TriG or JSON-LD, or the asserted facts in Turtle.

The same bytes as the service's `/dumps/liberation.<ext>`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from ..config import Settings
from . import Failure, load_or_fail, main

_CHOICES = ("nquads", "trig", "turtle", "jsonld")


@main.command()
@click.option("--format", "fmt", type=click.Choice(_CHOICES), default="nquads", show_default=True,
              help="nquads, trig, jsonld: every named graph; turtle: the asserted facts only.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced only once the export is complete); default: stdout.")
def export(fmt: str, output: Path | None) -> None:
    """Export the built graph for loading into another triple store."""
    from ..graph.dumps import by_format, dump_bytes
    from ..graph.quad_index import load_index

    dump = by_format(fmt)
    assert dump is not None, fmt
    quads = load_or_fail(lambda: load_index(Settings.from_env()))
    data = dump_bytes(quads, dump)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    _write_atomically(output, data)
    click.echo(f"{output}: {len(data):,} bytes ({dump.fmt.label}; {dump.description})", err=True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a dump."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise Failure(f"{path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise Failure(f"{path}: {exc.strerror or exc}") from None
