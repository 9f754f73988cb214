"""`graph-service serve`: the SPARQL endpoint, linked-data pages and validation under gunicorn."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

import click

from graph_service.cli.errors import Failure, load_or_fail, one_line
from graph_service.cli.options import setting_options
from graph_service.config import Settings, answered_bases
from graph_service.graph import (
    BadStoreAddress,
    LoadError,
    StoreRefused,
    StoreUnavailable,
    load_serving,
    network_guard_problem,
    refresh_mirror,
    stop_fork_server,
)
from graph_service.web import GraphServiceApplication, listen, missing, url_of


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@setting_options("base_iri", "host", "port", "workers", "engine", "store", "query_timeout", "query_slots",
                 "query_queue", "client_share", "result_limit", "validation_timeout",
                 "validation_result_limit", "proxies", "network_guard")
def serve(files: tuple[Path, ...], **options: object) -> None:
    """Serve the project's graph, or the RDF FILEs given, on http://127.0.0.1:8000.

    FILEs may be Turtle, N-Triples, RDF/XML, JSON-LD, TriG or N-Quads; named graphs from TriG and
    N-Quads are kept, plain triples go to the default graph. With --store URL, queries go to that
    SPARQL endpoint (filled by `graph-service load --into`), and pages read a copy of its graphs
    fetched once at start-up.
    """
    settings = Settings.from_env(serve_files=tuple(files) or None, **options)
    if settings.store and settings.serve_files:
        raise Failure("serve either FILEs or a --store, not both")
    if settings.network_guard:
        problem = network_guard_problem()
        if problem is not None:
            raise Failure(f"queries cannot be cut off from the network here ({problem}); install "
                          "libseccomp (Debian: libseccomp2), or serve with --no-network-guard")
    # Prepare the store on disk once here (a bad file, a stale snapshot to rebuild or a remote
    # store to mirror is dealt with before any worker starts); workers and query processes then
    # only open it.
    if settings.store:
        try:
            refresh_mirror(settings)
        except (StoreUnavailable, StoreRefused, BadStoreAddress, LoadError) as exc:
            raise Failure(one_line(exc)) from None
    # Loaded once here, for every worker gunicorn forks (see `GraphServiceApplication`).
    try:
        loaded = load_or_fail(lambda: load_serving(settings))
    except OSError as exc:  # a snapshot to build or rebuild where it cannot be written
        said, setting = str(exc.strerror or exc), "GRAPH_SERVICE_SNAPSHOT_DIR"
        hint = "" if setting in said else f" ({setting} names another folder)"
        where = exc.filename or settings.snapshot_dir
        raise Failure(f"cannot write the snapshot: {where}: {said}{hint}") from None
    if settings.serve_files and not loaded.store.has_subjects_under(answered_bases(settings.base_iri)):
        click.echo(f"graph-service: warning: no subject in the files is under the base IRI "
                   f"{settings.base_iri}, so none can be looked up here; give --base-iri the "
                   "beginning their IRIs share", err=True)
    for part in missing():
        click.echo(f"graph-service: warning: {part}", err=True)
    stop_fork_server()  # its build is done; the workers only open the store
    try:
        listener = listen(settings.host, settings.port)
    except OSError as exc:
        raise Failure(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}") from None
    what = ", ".join(str(f) for f in settings.serve_files) or (
        f"the dataset in {settings.store}" if settings.store else "the project's graph")
    guard = "" if settings.network_guard else "; NO network guard"
    engine = "remote" if settings.store else settings.engine
    workers = f"{settings.workers} worker{'' if settings.workers == 1 else 's'}"
    # On stderr, with gunicorn's own log: stdout holds the access log's JSON lines and nothing else.
    click.echo(f"graph-service: serving {what} at {url_of(listener)} ({workers}, {engine} engine{guard})",
               err=True)
    try:
        GraphServiceApplication(settings, listener, loaded).run()
    except SystemExit as stop:
        # gunicorn's master ends with sys.exit, and so does each worker forked from it (up through
        # this same call), once its requests are done and gunicorn has cleaned up after it.
        _leave_at_once(stop.code)


def _leave_at_once(code: object) -> None:
    """Exit with `code` as sys.exit would, its exit handlers run (the query processes stopped, the
    logs flushed), but without tearing the interpreter down: freeing every object of a process
    that holds the app and its libraries costs a fifth of a CPU-second, in the master and in
    each worker, for memory the kernel takes back at once anyway."""
    atexit._run_exitfuncs()
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code or 0)
