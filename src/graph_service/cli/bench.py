"""`graph-service bench`: latency of the example queries through HTTP, on each engine."""

from __future__ import annotations

import json
from pathlib import Path

import click

from graph_service.bench import harness
from graph_service.cli.errors import Failure, one_line
from graph_service.config import PROJECT_ROOT, Settings
from graph_service.graph import load_examples


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib", "both"]), default="both",
              show_default=True)
@click.option("--repeat", type=click.IntRange(min=1), default=20, show_default=True,
              help="Requests per query (after a few to warm up).")
@click.option("--queries", "query_dirs", type=click.Path(path_type=Path, file_okay=False), multiple=True,
              help="Folders of .rq files.  [default: queries/ and bench/queries/]")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              default=PROJECT_ROOT / "bench" / "results.json", show_default=True,
              help="Where to write the results (JSON; a Markdown table beside it).")
@click.option("--concurrency/--no-concurrency", "concurrent", default=True, show_default=True,
              help="Also measure runaway isolation and throughput beside the bare app (needs wrk "
                   "for figures that hold; without it a Python load generator, said as such).")
@click.option("--quick", is_flag=True,
              help="A short run that checks every part works (for CI): the figures mean little.")
def bench(files: tuple[Path, ...], engine: str, repeat: int, query_dirs: tuple[Path, ...],
          output: Path, concurrent: bool, quick: bool) -> None:
    """Run every example query through HTTP against a real server on each engine.

    Serves the project's graph, or the RDF FILEs given. Prints median and 95th-percentile latency
    per query and engine, a trivial query's latency while runaway queries run, and throughput
    beside a bare Flask + pyoxigraph app; writes them to bench/results.json and bench/results.md.
    """
    dirs = query_dirs or (Settings.from_env().queries_dir, PROJECT_ROOT / "bench" / "queries")
    examples = load_examples(*dirs)
    if not examples:
        raise Failure("no .rq files in " + ", ".join(str(d) for d in dirs))
    engines = ["oxigraph", "rdflib"] if engine == "both" else [engine]
    try:
        report = harness.run(examples, engines, 2 if quick else repeat, files,
                             progress=lambda m: click.echo(m, err=True), concurrent=concurrent, quick=quick)
    except (OSError, ValueError, RuntimeError) as exc:
        raise Failure(f"benchmark failed: {one_line(exc)}") from None
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    table = harness.markdown(report)
    output.with_suffix(".md").write_text(table, encoding="utf-8")
    click.echo(table)
    click.echo(f"results: {output} and {output.with_suffix('.md')}")
