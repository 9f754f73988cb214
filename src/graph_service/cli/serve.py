"""`graph-service serve`: the SPARQL endpoint, linked-data pages and validation under gunicorn."""

from __future__ import annotations

from pathlib import Path

import click

from graph_service.cli.errors import Failure, load_or_fail
from graph_service.cli.options import setting_options
from graph_service.config import Settings
from graph_service.graph import network_guard_problem, serving_store
from graph_service.web.server import GraphServiceApplication, listen, url_of


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@setting_options("base_iri", "host", "port", "workers", "engine", "query_timeout", "query_slots",
                 "query_queue", "client_share", "result_limit", "validation_timeout", "proxies",
                 "network_guard")
def serve(files: tuple[Path, ...], **options: object) -> None:
    """Serve the project's graph, or the RDF FILEs given, on http://127.0.0.1:8000.

    FILEs may be Turtle, N-Triples, RDF/XML, JSON-LD, TriG or N-Quads; named graphs from TriG and
    N-Quads are kept, plain triples go to the default graph.
    """
    settings = Settings.from_env(serve_files=tuple(files) or None, **options)
    if settings.network_guard:
        problem = network_guard_problem()
        if problem is not None:
            raise Failure(f"queries cannot be cut off from the network here ({problem}); install "
                          "libseccomp (Debian: libseccomp2), or serve with --no-network-guard")
    # Prepare the store on disk once here (a bad file, or a stale snapshot to rebuild, is dealt
    # with before any worker starts); workers and query processes then only open it.
    load_or_fail(lambda: serving_store(settings))
    try:
        listener = listen(settings.host, settings.port)
    except OSError as exc:
        raise Failure(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    what = ", ".join(str(f) for f in settings.serve_files) or "the project's graph"
    guard = "" if settings.network_guard else "; NO network guard"
    click.echo(f"graph-service: serving {what} at {url_of(listener)} "
               f"({settings.workers} workers, {settings.engine} engine{guard})", nl=True)
    GraphServiceApplication(settings, listener).run()
