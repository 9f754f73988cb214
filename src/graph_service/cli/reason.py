"""`graph-service reason`: what the ontology and the facts imply (the inferred graph), without a build.

Exit status: 0 with the inferred graph on stdout (or in --output), 1 when the sources are
inconsistent (each offending triple named on stderr), 2 when a source cannot be read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pyoxigraph as ox

from graph_service.cli.errors import Failure, Rejected, load_or_fail
from graph_service.cli.options import output_option, setting_options
from graph_service.config import DEFAULT_BASE, Settings
from graph_service.graph import (
    Inconsistency,
    Progress,
    Rebase,
    bind_prefixes,
    formats,
    infer,
    load_sources,
    quad_from_rdflib,
    quads_to_graph,
    write_atomically,
)

_GRAPH_FORMATS = [f.name for f in formats.of_kinds(("graph",))]


@click.command()
@click.option("--format", "fmt", type=click.Choice(_GRAPH_FORMATS), default=None,
              help="RDF format of the output  [default: from --output's extension, else turtle]")
@output_option("File to write the inferred graph to")
@setting_options("base_iri")
def reason(fmt: str | None, output: Path | None, base_iri: str | None) -> None:
    """Print the inferred graph: the OWL 2 RL closure of ontology + facts, minus what they assert,
    minus noise (see README, "Reasoning"). Counts go to stderr."""
    target = _output_format(fmt, output)
    if output is not None and not output.parent.is_dir():  # before the closure's seconds, not after
        what = "is not a directory" if output.parent.exists() else "no such directory"
        raise Failure(f"{output}: {output.parent} {what}")
    settings = Settings.from_env(base_iri=base_iri)
    sources = load_or_fail(lambda: load_sources(settings))
    try:
        inference = infer(sources.ontology, sources.facts, Progress(), settings.reasoner)
    except Inconsistency as exc:
        click.echo(str(exc), err=True)
        raise Rejected(exc.summary()) from None

    assert target.rdflib_name is not None  # every graph format of the registry has one
    inferred = inference.inferred
    if settings.base_iri != DEFAULT_BASE:
        # Under the base the graph is published under, as `build`, `query` and `export` give it (it
        # was printed under the canonical one whatever GRAPH_SERVICE_BASE_IRI said).
        move = Rebase(settings.base_iri)
        inferred = quads_to_graph(move.quads(quad_from_rdflib(*t, ox.DefaultGraph()) for t in inferred))
        bind_prefixes(inferred, settings.base_iri)
    data = inferred.serialize(format=target.rdflib_name, encoding="utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            write_atomically(output, data)  # a reader never sees half a graph
        except OSError as exc:
            raise Failure(f"{output}: {exc.strerror or exc}") from None
    closure = inference.closure
    noise = ", ".join(f"{rule} {n:,}" for rule, n in inference.dropped.most_common()) or "nothing"
    click.echo(f"asserted: {len(closure.asserted):,} triples "
               f"(ontology {len(sources.ontology):,}, facts {len(sources.facts):,}); "
               f"inferred: {len(inference.inferred):,} triples; dropped as noise: {noise}; "
               f"{inference.engine} {closure.seconds:.2f} s", err=True)


def _output_format(name: str | None, output: Path | None) -> formats.Format:
    """The format `--format` names, or the one `--output`'s extension names: the two must agree
    (Turtle in a file named .nt reads as broken N-Triples), as `export` has them."""
    suffix = output.suffix if output is not None else ""
    if suffix == ".gz":
        raise Failure(f"{output}: reason writes no gzip; name the file without .gz, or pipe the output "
                      "through gzip")
    by_suffix = formats.by_extension(suffix, ("graph",)) if suffix else None
    if suffix and by_suffix is None and name is None:
        raise Failure(f"{output}: no RDF graph format for {suffix!r}; "
                      f"give --format ({', '.join(_GRAPH_FORMATS)})")
    fmt = formats.by_name(name, ("graph",)) if name is not None else by_suffix or formats.by_name("turtle")
    assert fmt is not None
    if by_suffix is not None and by_suffix != fmt:
        raise Failure(f"{output}: its extension says {by_suffix.label}, --format says {fmt.label}; "
                      "make them agree")
    return fmt
