"""`graph-service export`: write what an external triple store loads (Virtuoso, Fuseki, QLever,
GraphDB): every named graph in N-Quads, TriG or JSON-LD, or the asserted facts in Turtle.

The same bytes as the service's `/dumps/liberation.<ext>`.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import click

from graph_service.cli.errors import Failure, load_or_fail
from graph_service.cli.options import output_option, setting_options
from graph_service.config import Settings
from graph_service.graph import Dump, dump_bytes, dumps, load_index, write_atomically

_CHOICES = tuple(d.fmt.name for d in dumps.DUMPS)


@click.command()
@click.option("--format", "fmt", type=click.Choice(_CHOICES), default=None,
              help="nquads, trig, jsonld: every named graph; turtle: the asserted facts only.  "
                   "[default: from --output's extension (.nq, .trig, .jsonld, .ttl; before a .gz), "
                   "else nquads]")
@click.option("--gzip", "compress", is_flag=True,
              help="gzip the output (as stores' bulk loaders read it); implied by an output name ending .gz.")
@output_option("File to write, replaced only once the export is complete")
@setting_options("base_iri")
def export(fmt: str | None, compress: bool, output: Path | None, base_iri: str | None) -> None:
    """Export the built graph for loading into another triple store."""
    dump = _dump(fmt, output)
    quads = load_or_fail(lambda: load_index(Settings.from_env(base_iri=base_iri)))
    data = dump_bytes(quads, dump)
    if compress or (output is not None and output.suffix == ".gz"):
        data = gzip.compress(data, mtime=0)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        write_atomically(output, data)
    except OSError as exc:
        raise Failure(f"{output}: {exc.strerror or exc}") from None
    gz = ", gzip" if data[:2] == b"\x1f\x8b" else ""
    click.echo(f"{output}: {len(data):,} bytes ({dump.fmt.label}{gz}; {dump.description})", err=True)


def _dump(name: str | None, output: Path | None) -> Dump:
    """The dump `--format` names, or the one `--output`'s extension names: a `.ttl` file holding
    N-Quads loads nowhere, so the two must agree."""
    suffix = ""
    if output is not None:
        suffix = (output.with_suffix("") if output.suffix == ".gz" else output).suffix
    by_suffix = dumps.by_format(suffix.lstrip(".")) if suffix else None
    if name is None:
        if suffix and by_suffix is None:
            raise Failure(f"{output}: no export format for {suffix!r}; give --format ({', '.join(_CHOICES)}) "
                          "or name the file .nq, .trig, .jsonld or .ttl")
        name = by_suffix.fmt.name if by_suffix is not None else "nquads"
    dump = dumps.by_format(name)
    assert dump is not None, name
    if by_suffix is not None and by_suffix != dump:
        raise Failure(f"{output}: its extension says {by_suffix.fmt.label}, --format says {dump.fmt.label}; "
                      "make them agree")
    return dump
