"""Shared fixtures: the REAL server (`graph-service serve`, gunicorn and all) on a free loopback port.

- `live_server`: the project's graph, started once per test session.
- `serve_files(*paths, options=(...))`: a server for the given RDF files (and `serve` options such
  as `--query-timeout 1.5`), started once per distinct call per session.

Both give a `BackgroundServer`: `.url` (`http://127.0.0.1:PORT/`), `.sparql` (the endpoint), and
`.output()` (what the server logged). Every server is stopped at the end of the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graph_service.web.server import BackgroundServer

TESTS = Path(__file__).resolve().parent
#: The SPARQL tests' own small dataset (named graphs, a default graph, awkward literals).
SPARQL_DATASET = TESTS / "sparql_data" / "dataset.trig"


@pytest.fixture(scope="session")
def serve_files() -> Iterator[Callable[..., BackgroundServer]]:
    servers: dict[tuple, BackgroundServer] = {}

    def start(*files: str | Path, options: tuple[str, ...] = ()) -> BackgroundServer:
        key = (tuple(str(f) for f in files), tuple(options))
        if key not in servers:
            servers[key] = BackgroundServer(key[0], key[1])
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def live_server(serve_files: Callable[..., BackgroundServer]) -> BackgroundServer:
    """The project's own graph, as `make serve` serves it."""
    return serve_files()


@pytest.fixture(scope="session")
def sparql_server(serve_files: Callable[..., BackgroundServer]) -> BackgroundServer:
    """The SPARQL tests' dataset on the default (oxigraph) engine."""
    return serve_files(SPARQL_DATASET)
