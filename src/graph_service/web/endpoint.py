"""What the SPARQL endpoint keeps per serving process (its query runner, the dataset's summary,
the example queries), shared by the protocol (`sparql`), the query editor's page (`workbench`) and
the pages that run the project's own fixed queries (the atlas, the home page)."""

from __future__ import annotations

import select
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask.sansio.app import App

from graph_service.config import Settings
from graph_service.graph import (
    DatasetSummary,
    Engine,
    Example,
    QueryRunner,
    load_examples,
    make_engine,
)


@dataclass
class Endpoint:
    """What the endpoint keeps per serving process."""

    settings: Settings
    runner: QueryRunner
    summary: DatasetSummary
    examples: list[Example]
    #: What the pages' own fixed queries run on (the timeline, the map, the editor's vocabulary):
    #: the runner's engine, or with a remote store the copy of its graphs the pages read, so that
    #: a page neither waits for nor fails with a store that is away.
    pages: Engine
    #: Classes and properties the editor completes, found on first use.
    vocabulary: dict[str, list[str]] | None = None


def setup(app: App) -> None:
    """Make the endpoint of `app`'s serving process: its query runner (and query slots), the
    dataset's summary and the example queries."""
    service = app.extensions["graph_service"]
    # A small dataset is answered from memory (queries run faster there; the query processes
    # share the worker's copy); a large one from the store on disk, which no process copies.
    source = service.loaded.memory or service.store
    runner = QueryRunner.from_settings(service.settings, source, service.slot_budget, service.served.sha256)
    app.extensions["sparql"] = Endpoint(
        settings=service.settings,
        runner=runner,
        pages=make_engine("oxigraph", service.store) if service.settings.store else runner.engine,
        summary=DatasetSummary(service.store.triples, {g: n for g, n in service.store.graphs.items() if g},
                               union_of_named=not service.store.graphs.get("", 0)),
        # The example questions are about the article: a user's own files get none of them.
        examples=(load_examples(service.settings.queries_dir, base=service.settings.base_iri)
                  if service.project_graph else []),
    )


def current_endpoint() -> Endpoint:
    """The endpoint of the running app."""
    return endpoint_of(current_app)


def endpoint_of(app: App) -> Endpoint:
    """The endpoint of `app` (made as its SPARQL blueprint was registered)."""
    return app.extensions["sparql"]


def engine() -> Engine:
    """The serving process's query engine, for the pages' own fixed queries (the timeline, the
    map): trusted text, so run here rather than in the sandbox users' queries go to."""
    return current_endpoint().pages


def examples() -> list[Example]:
    """The example queries (`queries/*.rq`), for the home page's gallery."""
    return current_endpoint().examples


def client_gone(environ: dict[str, Any] | None = None) -> Callable[[], bool] | None:
    """For the request of `environ` (by default the current one): whether its client has closed
    the connection, a peek that reads end-of-file (a client that sent more, such as its next
    request, is still there); None where that cannot be told (not under gunicorn: the test
    client)."""
    sock: socket.socket | None = (request.environ if environ is None else environ).get("gunicorn.socket")
    if sock is None:
        return None

    def gone() -> bool:
        # Asked of the kernel without reading first: a connection with nothing new on it (the
        # common case) costs one poll, where the peek raised and caught an exception each time.
        try:
            ready = select.poll()  # not select(): descriptors past 1024 are common here
            ready.register(sock, select.POLLIN)
            if not ready.poll(0):
                return False
            return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:  # reset by the peer, or the socket closed under us
            return True

    return gone
