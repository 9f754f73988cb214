"""The SPARQL servers the benchmark measures side by side: this service and what a user would pick
instead, each loaded with the same N-Quads file and answering on loopback.

    for peer in PEERS.values():
        problem = peer.missing()            # why it cannot run here, or None
        with peer.start(setup) as endpoint:  # started, loaded, answering `ASK {}`
            endpoint.url                     # POST application/sparql-query here

`graph-service-virtuoso` is this service again, in front of a remote store (`serve --store`, a
private Virtuoso): the figures of the remote engine beside the embedded one.

A peer's default graph is made the union of the file's graphs wherever the peer allows, as this
service's is, so the same query sees the same data; `Endpoint.default_graph` says how. Each peer
is installed by `make peers` (into build/peers/, or Debian's packages); one that is not installed
or does not start is reported as missing with the reason, never left out silently.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from graph_service import __version__
from graph_service.bench.bare import bare_server
from graph_service.bench.virtuoso import unavailable as virtuoso_unavailable
from graph_service.bench.virtuoso import virtuoso_server
from graph_service.config import PROJECT_ROOT
from graph_service.graph import die_with_parent
from graph_service.web import BackgroundServer

#: Where `make peers` installs the peers that come from PyPI and npm (their own environments).
PEERS_DIR = PROJECT_ROOT / "build" / "peers"
OXIGRAPH = PEERS_DIR / "oxigraph" / "bin" / "oxigraph"
RDFLIB_ENDPOINT = PEERS_DIR / "rdflib-endpoint" / "bin" / "rdflib-endpoint"
COMUNICA_DIR = PEERS_DIR / "comunica" / "node_modules"
#: npm's `node` package: Comunica 5 needs Node 22 or newer, Debian's is 20.
NODE = COMUNICA_DIR / ".bin" / "node"
COMUNICA = COMUNICA_DIR / "@comunica" / "query-sparql-file" / "bin" / "http.js"
#: Preloaded into Comunica's Node: its server listens on every interface unless told otherwise,
#: and it has no option to say so.
LOOPBACK_JS = Path(__file__).with_name("loopback.cjs")


@dataclass(frozen=True)
class Setup:
    """What every peer is given: the same data, the same number of worker processes or threads
    and the same time limit per query (where the peer has one)."""

    nquads: Path
    workdir: Path
    workers: int = 2
    timeout: float = 10.0
    startup_timeout: float = 600.0


@dataclass(frozen=True)
class Endpoint:
    url: str
    default_graph: str
    #: Queries go as an HTML form (`query=...`): the server does not take application/sparql-query.
    form: bool = False
    #: The server's process, where the benchmark started it as one tree (its memory is that tree's).
    pid: int | None = None


@dataclass(frozen=True)
class Peer:
    name: str
    title: str
    start: Callable[[Setup], AbstractContextManager[Endpoint]]
    version: Callable[[], str]
    missing: Callable[[], str | None]
    #: Whether it stops a query at a time limit of its own (else a runaway runs to its end).
    has_timeout: bool = True


class PeerFailed(RuntimeError):
    """A peer did not start or did not answer; the message says why, in one paragraph."""


# ----------------------------------------------------------------------------------------------
# The peers
# ----------------------------------------------------------------------------------------------


@contextmanager
def _graph_service(setup: Setup) -> Iterator[Endpoint]:
    options = ("--workers", str(setup.workers), "--query-timeout", f"{setup.timeout:g}")
    try:
        server = BackgroundServer((str(setup.nquads),), options, startup_timeout=setup.startup_timeout)
    except RuntimeError as exc:
        raise PeerFailed(_tail(str(exc))) from None
    with server:
        yield Endpoint(server.sparql, "the union of the named graphs (the service's default)",
                       pid=server.process.pid)


@contextmanager
def _graph_service_store(setup: Setup) -> Iterator[Endpoint]:
    # The same service in front of a remote store (`serve --store`): a private Virtuoso loaded
    # with the file by its bulk loader (what a site with its own store would have done), every
    # query sent there through the remote engine; its copy of the graphs in the work folder.
    with virtuoso_server(setup.workdir / "virtuoso-store", setup.nquads) as store:
        options = ("--store", store.sparql_url, "--workers", str(setup.workers),
                   "--query-timeout", f"{setup.timeout:g}")
        env = {"GRAPH_SERVICE_SNAPSHOT_DIR": str(setup.workdir / "store-snapshot")}
        try:
            server = BackgroundServer(options=options, env=env, startup_timeout=setup.startup_timeout)
        except RuntimeError as exc:
            raise PeerFailed(_tail(str(exc))) from None
        with server:
            yield Endpoint(server.sparql, "the union of the named graphs (the service's default, "
                                          "sent to Virtuoso as default-graph-uri)")


@contextmanager
def _bare(setup: Setup) -> Iterator[Endpoint]:
    with bare_server(setup.nquads, setup.workers) as url:
        yield Endpoint(url + "sparql", "the union of the named graphs (use_default_graph_as_union)")


@contextmanager
def _oxigraph(setup: Setup) -> Iterator[Endpoint]:
    store = setup.workdir / "oxigraph-store"
    shutil.rmtree(store, ignore_errors=True)
    _run([str(OXIGRAPH), "load", "--location", str(store), "--file", str(setup.nquads)],
         setup.startup_timeout)
    port = _free_port()
    # No --timeout-s: oxigraph 0.5.13 enforces it with a thread per query that sleeps the whole
    # limit, finished query or not, so at a thousand queries a second and a 10 s limit it holds
    # 10^4 threads, reaches the kernel's limit on memory maps (vm.max_map_count, 65530) and dies
    # ("failed to allocate an alternative stack"). Without it the server stands the load; it then
    # has no time limit, which the runaway measurement shows.
    command = [str(OXIGRAPH), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
    with _server(command, f"http://127.0.0.1:{port}/query", setup) as url:
        yield Endpoint(url, "the union of the named graphs (--union-default-graph); no time limit "
                            "(its --timeout-s keeps a thread per query for the whole limit and "
                            "exhausts the kernel's memory maps under load)")


@contextmanager
def _virtuoso(setup: Setup) -> Iterator[Endpoint]:
    # Virtuoso's default graph holds its own system triples: the quads keep their named graphs and
    # queries name them all with default-graph-uri (the default graph is then their merge).
    graphs = sorted({str(q.graph_name.value) for q in ox.parse(path=str(setup.nquads),
                                                                 format=ox.RdfFormat.N_QUADS)
                     if isinstance(q.graph_name, ox.NamedNode)})
    with virtuoso_server(setup.workdir / "virtuoso", setup.nquads) as server:
        query = urllib.parse.urlencode([("default-graph-uri", g) for g in graphs])
        yield Endpoint(f"{server.sparql_url}?{query}",
                       f"the merge of the file's {len(graphs)} named graphs, via default-graph-uri",
                       # Virtuoso 7.2 waits forever on a POST of application/sparql-query
                       form=True)


@contextmanager
def _rdflib_endpoint(setup: Setup) -> Iterator[Endpoint]:
    port = _free_port()
    command = [str(RDFLIB_ENDPOINT), "serve", "--host", "127.0.0.1", "--port", str(port), str(setup.nquads)]
    with _server(command, f"http://127.0.0.1:{port}/", setup) as url:
        yield Endpoint(url, "the union of the named graphs (rdflib Dataset, default_union)")


@contextmanager
def _comunica(setup: Setup) -> Iterator[Endpoint]:
    port = _free_port()
    command = [str(NODE), str(COMUNICA), str(setup.nquads), "--port", str(port),
               "--workers", str(setup.workers), "--timeout", str(max(1, round(setup.timeout))),
               "--unionDefaultGraph"]
    env = {"NODE_OPTIONS": f"--require={LOOPBACK_JS}"}
    with _server(command, f"http://127.0.0.1:{port}/sparql", setup, env=env) as url:
        yield Endpoint(url, "the union of the named graphs (--unionDefaultGraph)")


def _missing_file(path: Path, how: str = "make peers") -> Callable[[], str | None]:
    return lambda: None if path.exists() else f"{_shown(path)} is not installed ({how} installs it)"


def _pip_version(venv: str, *distributions: str) -> str:
    python = PEERS_DIR / venv / "bin" / "python"
    code = ("import importlib.metadata as m, sys; "
            "print(' '.join(d + ' ' + m.version(d) for d in sys.argv[1:]))")
    return _output([str(python), "-c", code, *distributions]) or "unknown"


def _comunica_version() -> str:
    try:
        package = json.loads((COMUNICA.parents[1] / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "unknown"
    return f"@comunica/query-sparql-file {package.get('version')}, Node {_output([str(NODE), '--version'])}"


def _virtuoso_version() -> str:
    return _output(["dpkg-query", "-W", "-f", "${Version}", "virtuoso-opensource-7-bin"]) or "unknown"


def _own_version() -> str:
    return (f"graph-service {__version__} (gunicorn {_lib('gunicorn')}, Flask {_lib('flask')}, "
            f"pyoxigraph {_lib('pyoxigraph')})")


PEERS: dict[str, Peer] = {p.name: p for p in (
    Peer("graph-service", "this service (graph-service serve: gunicorn, every safety check on)",
         _graph_service, _own_version, lambda: None),
    Peer("graph-service-virtuoso", "this service in front of Virtuoso (graph-service serve --store: "
         "every query answered by the store)", _graph_service_store,
         lambda: f"{_own_version()}, Virtuoso {_virtuoso_version()}", virtuoso_unavailable),
    Peer("bare", "the limit: Flask + pyoxigraph under gunicorn, no checks", _bare,
         lambda: f"Flask {_lib('flask')}, pyoxigraph {_lib('pyoxigraph')}, gunicorn {_lib('gunicorn')}",
         lambda: None),
    Peer("oxigraph", "Oxigraph's own server (oxigraph serve-read-only, on-disk store)", _oxigraph,
         lambda: _output([str(OXIGRAPH), "--version"]) or "unknown", _missing_file(OXIGRAPH)),
    Peer("virtuoso", "Virtuoso open source (Debian's virtuoso-opensource)", _virtuoso,
         _virtuoso_version, virtuoso_unavailable),
    Peer("rdflib-endpoint", "rdflib-endpoint (rdflib's SPARQL engine under uvicorn)", _rdflib_endpoint,
         lambda: _pip_version("rdflib-endpoint", "rdflib-endpoint", "rdflib"), _missing_file(RDFLIB_ENDPOINT),
         has_timeout=False),
    Peer("comunica", "Comunica's SPARQL endpoint over the file (@comunica/query-sparql-file)", _comunica,
         _comunica_version, lambda: _missing_file(NODE)() or _missing_file(COMUNICA)()),
)}


# ----------------------------------------------------------------------------------------------
# Running a server process
# ----------------------------------------------------------------------------------------------


@contextmanager
def _server(command: list[str], url: str, setup: Setup, env: dict[str, str] | None = None) -> Iterator[str]:
    """`command` in a session of its own, output to a log file; yields `url` once it answers
    `ASK {}`, and stops the whole session on the way out."""
    log = Path(tempfile.mkstemp(prefix="bench-peer-", suffix=".log", dir=setup.workdir)[1])
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, **(env or {})}, start_new_session=True,
                                   preexec_fn=lambda: die_with_parent(signal.SIGTERM))
    try:
        deadline = time.monotonic() + setup.startup_timeout
        while not answers(url):
            if process.poll() is not None:
                raise PeerFailed(f"exited with {process.returncode}: "
                                 + _tail(log.read_text(errors="replace")))
            if time.monotonic() > deadline:
                raise PeerFailed(f"no answer after {setup.startup_timeout:g} s: "
                                 + _tail(log.read_text(errors="replace")))
            time.sleep(0.1)
        yield url
    finally:
        stop_session(process)
        log.unlink(missing_ok=True)


def answers(url: str, timeout: float = 5) -> bool:
    """Whether the endpoint answers `ASK {}` with a 200."""
    sep = "&" if "?" in url else "?"
    request = urllib.request.Request(f"{url}{sep}query=ASK%7B%7D",
                                     headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (OSError, urllib.error.HTTPError):
        return False


def stop_session(process: subprocess.Popen) -> None:
    """SIGTERM to the process's session, SIGKILL to what is left after 10 s."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            return
    try:  # workers the leader left behind (a server stuck on a runaway query)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _run(command: list[str], timeout: float) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PeerFailed(f"{Path(command[0]).name} {command[1]} took more than {timeout:g} s") from None
    if done.returncode:
        raise PeerFailed(f"{Path(command[0]).name} {command[1]} failed: {_tail(done.stderr or done.stdout)}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _lib(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
