"""The bare limit: Flask + pyoxigraph on gunicorn, with nothing of the service around the engine.

What "the same engine with no service around it" can do on this machine, measured side by side
with the service (issues #13 and #15): no safety checks, no sandbox, no content negotiation, no
answer cache, no access log. A query (GET `?query=`, POST `application/sparql-query` or a form)
runs on an in-memory pyoxigraph store loaded from an RDF file (N-Quads, N-Triples, Turtle, TriG),
whose default graph is the union of its graphs; SELECT/ASK answers are SPARQL JSON written by
pyoxigraph's own serialiser, CONSTRUCT/DESCRIBE answers N-Triples.

    with bare_server(Path("data.nq"), workers=2) as url:
        ...  # url + "sparql" is the endpoint

The server is `gunicorn` (its defaults: sync workers, unless `worker_class` says otherwise) on
a free loopback port, each worker loading its own store, as a simple deployment would.
"""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, Response, request

from graph_service.config import BARE_DATA_ENV, COLLECTOR_THRESHOLDS
from graph_service.graph import die_with_parent


def create_app(path: str | None = None) -> Flask:
    """The bare app over the RDF file `path` (default: `$GRAPH_SERVICE_BARE_DATA`)."""
    # As the service runs (its workers inherit them from `graph-service serve`): the comparison
    # is of what each does per request, not of the collector's settings.
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    data = Path(path or os.environ[BARE_DATA_ENV])
    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.from_extension(data.suffix.lstrip(".")))
    app = Flask("graph_service.bench.bare")

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql() -> Response:
        if request.mimetype == "application/sparql-query":
            query = request.get_data(as_text=True)
        else:
            query = request.values.get("query", "")
        try:
            answer = store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            return Response(str(exc), status=400, mimetype="text/plain")
        if isinstance(answer, ox.QueryTriples):
            return Response(answer.serialize(format=ox.RdfFormat.N_TRIPLES),
                            mimetype="application/n-triples")
        return Response(answer.serialize(format=ox.QueryResultsFormat.JSON),
                        mimetype="application/sparql-results+json")

    return app


@contextmanager
def bare_server(data: Path, workers: int = 2, *, worker_class: str = "sync", threads: int = 1,
                startup_timeout: float = 300.0) -> Iterator[str]:
    """The bare app over `data` under gunicorn on 127.0.0.1 (a free port), `workers` processes;
    yields its base URL (`http://127.0.0.1:PORT/`) once it answers, stops it on exit."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=2048)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{fd}", "--workers", str(workers),
               "--worker-class", worker_class, "--threads", str(threads), "--log-level", "warning",
               "--timeout", "120", "graph_service.bench.bare:create_app()"]
    log = Path(tempfile.mkstemp(prefix="bare-app-", suffix=".log")[1])
    with log.open("wb") as out:
        # gunicorn stops (gracefully) if we die without stopping it.
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, pass_fds=(fd,),
                                   env={**os.environ, BARE_DATA_ENV: str(Path(data).resolve())},
                                   start_new_session=True,
                                   preexec_fn=lambda: die_with_parent(signal.SIGTERM))
    listener.close()  # gunicorn holds its own copy
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_ready(url, process, log, time.monotonic() + startup_timeout)
        yield url
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


def _wait_ready(url: str, process: subprocess.Popen, log: Path, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the bare app did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
