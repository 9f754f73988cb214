"""`graph-service bench`: this service beside its peers, cold start, and every cost against size."""

from __future__ import annotations

import shlex
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import click
from click.core import ParameterSource

from graph_service.bench import PEERS, QUICK, Options, Plan, parse_names, parse_sizes, run, write_results
from graph_service.cli.errors import Failure, one_line
from graph_service.cli.options import bounded
from graph_service.config import PROJECT_ROOT, Bounds


@click.command()
@click.option("--quick", is_flag=True, help="CI's run: the machinery on tiny sizes and short durations "
              "(figures meaningless; written to a temporary folder unless --output-dir is given).")
@click.option("--peers", "peer_names", default=",".join(PEERS), show_default=True,
              help="Peers to measure, comma-separated ('' for none); with --quick, only when given "
                   "(else this service alone).")
@click.option("--sizes", default=",".join(str(s) for s in Options().sizes), show_default=True,
              help="Synthetic graph sizes in triples, comma-separated ('' for none); with --quick, "
                   "only when given.")
@click.option("--seconds", type=bounded(Bounds(low=1, high=3600)), default=Plan().seconds, show_default=True,
              help="Seconds of load per query, peer and client count.")
@click.option("--cap", type=bounded(Bounds(low=1, high=86_400)), default=Options().cap, show_default=True,
              help="Seconds after which a scale step is stopped (and said to be).")
@click.option("--no-examples", is_flag=True, help="Only the lookup, join, aggregate and CONSTRUCT, "
              "not queries/*.rq.")
@click.option("--no-coldstart", is_flag=True, help="Skip the cold-start measurements.")
@click.option("--output-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where results.json, results.md and the plots go.  [default: bench/]")
def bench(quick: bool, peer_names: str, sizes: str, seconds: float, cap: float, no_examples: bool,
          no_coldstart: bool, output_dir: Path | None) -> None:
    """Measure this service beside its peers (Oxigraph's server, Virtuoso, rdflib-endpoint,
    Comunica, a bare Flask + pyoxigraph app, and this service in front of Virtuoso), its cold
    start, and how each cost grows with the graph.

    Peers come from `make peers`; one that is not installed is reported as missing.
    """
    try:
        names = parse_names(peer_names, list(PEERS))
        size_list = parse_sizes(sizes)
    except ValueError as exc:
        raise Failure(one_line(exc)) from None
    if quick:
        options = QUICK
        given = click.get_current_context().get_parameter_source
        if given("peer_names") is ParameterSource.COMMANDLINE:
            options = replace(options, peers=names)  # e.g. the remote engine's column, checked quickly
        if given("sizes") is ParameterSource.COMMANDLINE:
            options = replace(options, sizes=size_list)
        if output_dir is None:
            output_dir = Path(tempfile.mkdtemp(prefix="graph-service-bench-"))
    else:
        options = Options(peers=names, sizes=size_list, plan=Plan(seconds=seconds, runaway_seconds=15.0),
                          examples=not no_examples, cap=cap, coldstart=not no_coldstart)
        options = replace(options, plan=replace(options.plan, runaway_seconds=options.timeout + 5))
    out_dir = output_dir or PROJECT_ROOT / "bench"
    command = "graph-service bench " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    with tempfile.TemporaryDirectory(prefix="graph-service-bench-work-") as work:
        try:
            results = run(options, Path(work), command.strip(), progress=lambda m: click.echo(m, err=True))
        except (OSError, ValueError, RuntimeError) as exc:
            raise Failure(f"benchmark failed: {one_line(exc)}") from None
    written = write_results(results, out_dir)
    click.echo("results: " + ", ".join(str(p) for p in written))
