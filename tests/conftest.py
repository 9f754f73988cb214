"""Shared fixtures.

In process, through Flask's test client (the HTTP surface without a network):
- `project_app` / `project_client`: the project's built graph, one app for the whole session;
- `sparql_app`: the SPARQL tests' dataset, as an `inprocess.InProcess` (requests-style calls).

The REAL server (`graph-service serve`, gunicorn and all) on a free loopback port, for the
end-to-end tests that need one (concurrency, real clients, gunicorn's own handling of requests):
- `live_server`: the project's graph, started once per test session.
- `serve_files(*paths, options=(...))`: a server for the given RDF files (and `serve` options such
  as `--query-timeout 1.5`), started once per distinct call per session.

Both give a `BackgroundServer`: `.url` (`http://127.0.0.1:PORT/`), `.sparql` (the endpoint), and
`.output()` (what the server logged). Every server is stopped at the end of the session.
"""

from __future__ import annotations

import fcntl
import gc
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from inprocess import InProcess

from graph_service.config import COLLECTOR_THRESHOLDS, Settings
from graph_service.graph import Inference, infer, load_sources
from graph_service.web import BackgroundServer, create_app

TESTS = Path(__file__).resolve().parent
#: The SPARQL tests' own small dataset (named graphs, a default graph, awkward literals).
SPARQL_DATASET = TESTS / "sparql_data" / "dataset.trig"

T = TypeVar("T")


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot directory for a module whose apps serve the same file: the first builds its
    store (in a child process, about half a CPU-second), the others open it."""
    return tmp_path_factory.mktemp("snapshots")


@pytest.fixture(scope="session")
def serve_files() -> Iterator[Callable[..., BackgroundServer]]:
    servers: dict[tuple, BackgroundServer] = {}

    def start(*files: str | Path, options: tuple[str, ...] = ()) -> BackgroundServer:
        key = (tuple(str(f) for f in files), tuple(options))
        if key not in servers:
            servers[key] = BackgroundServer(key[0], key[1])
        return servers[key]

    yield start
    # Side by side: a graceful stop waits out idle keep-alive connections (2 s and more each).
    with ThreadPoolExecutor(max(1, len(servers))) as pool:
        list(pool.map(BackgroundServer.stop, servers.values()))


@pytest.fixture(scope="session")
def live_server(serve_files: Callable[..., BackgroundServer]) -> BackgroundServer:
    """The project's own graph, as `make serve` serves it."""
    return serve_files()


@pytest.fixture(scope="session")
def sparql_server(serve_files: Callable[..., BackgroundServer]) -> BackgroundServer:
    """The SPARQL tests' dataset on the default (oxigraph) engine."""
    return serve_files(SPARQL_DATASET)


@pytest.fixture(scope="session")
def project_app() -> Flask:
    """The app on the project's graph, built once (and reused by hash, as `serve` does)."""
    return kept(create_app(Settings.from_env()))


@pytest.fixture(scope="session")
def project_client(project_app: Flask) -> FlaskClient:
    return project_app.test_client()


@pytest.fixture(scope="session")
def project_inference(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Inference:
    """One run of owlrl, the reference, over the project's ontology and facts, shared by the tests
    that read it (owlrl takes 5 s): computed once per run, and handed to the other xdist workers
    pickled. (The build's engine, reasonable, is held to it in tests/test_reasoning_engines.py.)"""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # each worker has its own directory below the run's
        shared = shared.parent
    shared_file = shared / "project-inference.pickle"
    with open(shared / "project-inference.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if shared_file.exists():
            return kept(pickle.loads(shared_file.read_bytes()))
        sources = load_sources(Settings.from_env())
        inference = infer(sources.ontology, sources.facts, reasoner="owlrl")
        shared_file.write_bytes(pickle.dumps(inference))
        return kept(inference)


@pytest.fixture(scope="session")
def sparql_app(tmp_path_factory: pytest.TempPathFactory) -> InProcess:
    """The SPARQL tests' dataset in an app of this process."""
    settings = Settings.from_env(serve_files=(SPARQL_DATASET,),
                                 snapshot_dir=tmp_path_factory.mktemp("sparql-build"))
    return kept(InProcess(create_app(settings)))


#: Tests the default run leaves to `make test-slow`: the slow engine on the heaviest example query
#: (rdflib takes 5-8 s on query 26, which oxigraph and the HTTP route answer in the default run).
_SLOW_CASES = ("[rdflib-26-which-sentence-says]", "[queries/26-which-sentence-says]")


def pytest_configure(config: pytest.Config) -> None:
    # The thresholds every command runs with (`config.COLLECTOR_THRESHOLDS`): at Python's 700
    # the collector took 12 of the test workers' CPU-seconds walking graphs the tests keep.
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


# What the session keeps to its end (the imported libraries, the collected tests, the session's
# apps, graphs and owlrl's closure: millions of objects) is moved out of the garbage collector's
# sight once made (`kept`): each full collection walked all of it again, over a tenth of the time
# of a worker that holds the closure. (Cyclic garbage that exists at that moment is kept too: little.)
def pytest_collection_finish(session: pytest.Session) -> None:
    gc.freeze()


def children_of(pid: int) -> list[int]:
    """The processes `pid` has forked (and not yet reaped): a child is listed under the thread that
    forked it, so every thread's list is read (a thread gone meanwhile lists none)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def kept(value: T) -> T:
    """`value`, made by a session fixture: from now on not looked at by the garbage collector."""
    gc.freeze()
    return value


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.endswith(_SLOW_CASES):
            item.add_marker(pytest.mark.slow)
