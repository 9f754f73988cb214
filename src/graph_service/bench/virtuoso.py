"""A private Virtuoso (Debian's `virtuoso-opensource`) on loopback, for tests and the benchmark.

`virtuoso_server(workdir)` starts `virtuoso-t` with its own `virtuoso.ini` and database in
`workdir`, on free loopback ports, and yields a `VirtuosoServer`: the SPARQL endpoint
(`sparql_url`, anonymous and read-only), the authenticated SPARQL endpoint for updates
(`update_url`), the SPARQL 1.1 Graph Store HTTP Protocol endpoint (`graph_store_url`, digest
authentication), and the `dba` credentials (a fresh random password per instance).
`stop()` and `start()` take it down and bring it back on the same ports and data (an outage).

Creating a Virtuoso database costs about 4.5 s (it compiles its built-in procedures); opening a
copy of an empty one about 2 s. So where an empty database has been prepared once per machine
(`template_dir()`, under the project's `build/`: `python -m graph_service.bench.virtuoso`, which
`make test-slow` and the benchmark run first) every instance starts from a copy of it; where none
has, an instance creates its own (the default test run starts one Virtuoso: preparing a template
first would cost it more than it saves).

Installed where missing by `make virtuoso` (part of `make system-test`); `unavailable()` says
why it cannot run here, in one line, for a test to skip with.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from graph_service.config import PROJECT_ROOT

SERVER = "virtuoso-t"
ISQL = "isql-vt"
#: The database files `virtuoso-t` writes besides the ini (copied from the template).
_DB_FILES = ("virtuoso.db", "virtuoso-temp.db")
#: Rows or triples Virtuoso returns at most in one answer. Its default (10 000) would silently cut
#: a CONSTRUCT of a whole graph; the service applies its own result limit anyway.
MAX_ROWS = 2_000_000

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 20
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}, {load_dirs}
TransactionAfterImageLimit = 500000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 20
ServerThreads = 20
EnabledDavVSP = 0
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxConstructTriples = {max_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


def unavailable() -> str | None:
    """Why Virtuoso cannot run here (one line), or None when it can."""
    missing = [exe for exe in (SERVER, ISQL) if shutil.which(exe) is None]
    if missing:
        return (f"Virtuoso is not installed ({', '.join(missing)} not found): `make virtuoso` "
                "installs Debian's virtuoso-opensource (as root with apt)")
    return None


def template_dir() -> Path:
    """Where the empty database every instance starts from is kept."""
    return PROJECT_ROOT / "build" / "virtuoso-template"


@dataclass
class VirtuosoServer:
    """One `virtuoso-t` process over the database in `workdir` (see the module's docstring)."""

    workdir: Path
    sql_port: int
    http_port: int
    password: str
    user: str = "dba"
    load_dirs: tuple[Path, ...] = ()
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """The anonymous SPARQL endpoint: queries only (Virtuoso refuses updates here)."""
        return self.base_url + "/sparql"

    @property
    def update_url(self) -> str:
        """SPARQL with digest authentication: what `graph-service load` switches graphs through."""
        return self.base_url + "/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol, with digest authentication."""
        return self.base_url + "/sparql-graph-crud-auth"

    @property
    def credentials_env(self) -> dict[str, str]:
        """The environment `graph-service load --into` reads its credentials from."""
        return {"GRAPH_SERVICE_STORE_USER": self.user, "GRAPH_SERVICE_STORE_PASSWORD": self.password}

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 60.0) -> None:
        """Start `virtuoso-t` (again) on the same ports and data; returns once SPARQL answers."""
        if self.running:
            return
        (self.workdir / "virtuoso.lck").unlink(missing_ok=True)
        _write_ini(self.workdir, self.sql_port, self.http_port, self.load_dirs)
        log = (self.workdir / "stdout.log").open("ab")
        with log:
            self.process = subprocess.Popen(
                [SERVER, "-c", str(self.workdir / "virtuoso.ini"), "+foreground"],
                cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_until_answering(self, timeout)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server (a clean shutdown with a checkpoint; killed if it hangs)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def isql(self, sql: str, timeout: float = 600.0) -> str:
        """Run SQL statements through Virtuoso's own client; the output, or RuntimeError."""
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", self.user, self.password,
                               "VERBOSE=OFF", "BANNER=OFF", f"exec={sql}"],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {(done.stdout + done.stderr).strip()}")
        return done.stdout

    def bulk_load(self, path: Path, graph: str | None = None) -> None:
        """Load an RDF file (N-Quads keep their graphs; triples go to `graph`) with Virtuoso's
        bulk loader: much faster than HTTP for large files. `path`'s folder must be one of
        `load_dirs`."""
        path = path.resolve()
        target = graph or "urn:graph-service:default"
        self.isql(f"ld_dir('{_sql(str(path.parent))}', '{_sql(path.name)}', '{_sql(target)}'); "
                  "rdf_loader_run(); checkpoint;")
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;")
        if path.name in errors:
            raise RuntimeError(f"Virtuoso could not load {path}: {errors.strip()}")

    def log(self) -> str:
        try:
            return (self.workdir / "virtuoso.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


@contextmanager
def virtuoso_server(workdir: Path, nquads: Path | None = None, graph: str | None = None,
                    ) -> Iterator[VirtuosoServer]:
    """A running Virtuoso over a fresh database in `workdir` (created; emptied if it held one),
    optionally loaded with `nquads` (any RDF file Virtuoso reads; triples into `graph`).
    Stopped at the end. Raises RuntimeError when Virtuoso is missing or does not start."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    template = template_dir()
    copy = _template_ready(template)
    for name in _DB_FILES:
        if copy:
            shutil.copyfile(template / name, workdir / name)
        else:  # `virtuoso-t` creates the database at its first start
            (workdir / name).unlink(missing_ok=True)
    for stale in ("virtuoso.trx", "virtuoso-temp.trx", "virtuoso.lck", "virtuoso.log"):
        (workdir / stale).unlink(missing_ok=True)
    load_dirs = (nquads.resolve().parent,) if nquads else ()
    server = VirtuosoServer(workdir, _free_port(), _free_port(), password="dba", load_dirs=load_dirs)
    try:
        server.start(timeout=180)
        password = secrets.token_urlsafe(16)
        server.isql(f"USER_SET_PASSWORD('dba', '{password}');")
        server.password = password
        if nquads is not None:
            server.bulk_load(nquads, graph)
        yield server
    finally:
        server.stop()


def prepare_template() -> Path:
    """The empty database instances are copied from, created now where there is none."""
    template = template_dir()
    template.mkdir(parents=True, exist_ok=True)
    with open(template / ".lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _template_ready(template):
            return template
        work = template / "making"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        server = VirtuosoServer(work, _free_port(), _free_port(), password="dba")
        try:
            server.start(timeout=180)
        finally:
            server.stop()
        for name in _DB_FILES:
            os.replace(work / name, template / name)
        shutil.rmtree(work, ignore_errors=True)
    return template


def _template_ready(template: Path) -> bool:
    return all((template / name).exists() for name in _DB_FILES)


def _write_ini(workdir: Path, sql_port: int, http_port: int, load_dirs: tuple[Path, ...]) -> None:
    dirs = ", ".join(str(d) for d in load_dirs) or str(workdir)
    (workdir / "virtuoso.ini").write_text(_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port,
                                                      load_dirs=dirs, max_rows=MAX_ROWS))


def _wait_until_answering(server: VirtuosoServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = server.sparql_url + "?query=ASK%7B%7D"
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if server.process is not None and server.process.poll() is not None:
            code = server.process.returncode
            server.process = None
            raise RuntimeError(f"virtuoso-t exited with {code}:\n{server.log()[-2000:]}")
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"virtuoso-t did not answer within {timeout:g} s:\n{server.log()[-2000:]}")
        time.sleep(0.1)


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sql(text: str) -> str:
    return text.replace("'", "''")


if __name__ == "__main__":  # `make test`: prepare the template ahead of the tests, never fail them
    reason = unavailable()
    if reason is None:
        try:
            reason = f"virtuoso: empty database ready in {prepare_template()}"
        except (RuntimeError, OSError) as exc:
            reason = f"virtuoso: could not prepare an empty database ({exc}); the tests will say so"
    print(reason)
