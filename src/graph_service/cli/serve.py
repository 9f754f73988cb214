"""`graph-service serve`: the SPARQL endpoint, linked-data pages and validation under gunicorn."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import Settings
from . import Failure, load_or_fail, main


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--host", help="Address to listen on.  [default: 127.0.0.1]")
@click.option("--port", type=click.IntRange(0, 65535), help="Port (0: any free port).  [default: 8000]")
@click.option("--workers", type=click.IntRange(min=1), help="gunicorn worker processes.  [default: 2]")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]),
              help="Query engine (rdflib is the slow reference).  [default: oxigraph]")
@click.option("--query-timeout", type=click.FloatRange(min=0.1),
              help="Seconds a query may run.  [default: 10]")
@click.option("--result-limit", type=click.IntRange(min=1),
              help="Rows or triples at most in one answer.  [default: 10000]")
def serve(files: tuple[Path, ...], host: str | None, port: int | None, workers: int | None,
          engine: str | None, query_timeout: float | None, result_limit: int | None) -> None:
    """Serve the project's graph, or the RDF FILEs given, on http://127.0.0.1:8000.

    FILEs may be Turtle, N-Triples, RDF/XML, JSON-LD, TriG or N-Quads; named graphs from TriG and
    N-Quads are kept, plain triples go to the default graph.
    """
    from ..graph.store import load_store
    from ..web.server import GraphServiceApplication, listen, url_of

    settings = Settings.from_env(host=host, port=port, workers=workers, engine=engine,
                                 query_timeout=query_timeout, result_limit=result_limit,
                                 serve_files=tuple(files) or None)
    # Load once here, so a bad file (or a stale snapshot to rebuild) is dealt with before any
    # worker starts; each worker then loads its own copy.
    load_or_fail(lambda: load_store(settings))
    try:
        listener = listen(settings.host, settings.port)
    except OSError as exc:
        raise Failure(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    what = ", ".join(str(f) for f in settings.serve_files) or "the project's graph"
    click.echo(f"graph-service: serving {what} at {url_of(listener)} "
               f"({settings.workers} workers, {settings.engine} engine)", nl=True)
    GraphServiceApplication(settings, listener).run()
