"""Load: a bounded run against the real server (gunicorn, its workers and their query processes)
mixing queries, page views, validations and a few runaway queries.

Asserted: no normal request fails; the memory of all the service's processes (PSS, so pages
shared after forking count once) stays under `MEMORY_BOUND`; a query process killed mid-run is
replaced, failing at most the request it was serving; so is a gunicorn worker.

The default run is short (1.5 s then 1 s, 8 clients, one of them looping a runaway); `-m slow` runs the
full one (60 s, 32 clients, 4 of them runaways). No latency is asserted here: the benchmark
(`graph-service bench`) measures it.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests

from graph_service.config import Settings
from graph_service.web import BackgroundServer

QUERY_TIMEOUT = 1.0
#: What all the service's processes may hold together: two workers with the project's graph and
#: their query processes, under load (measured: 325 MiB in the short run).
MEMORY_BOUND = 1024 * 2**20
QUERY_SLOTS = Settings().query_slots  # the default, for the whole service
PROLOGUE = "@prefix ex: <http://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .\n"
SHAPES = PROLOGUE + "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(5)) + " }"
QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s ?l ?o ?l2 WHERE { ?s rdfs:label ?l . ?s ?p ?o . ?o rdfs:label ?l2 } LIMIT 100",
    "SELECT ?c ?l WHERE { ?c a lib:CapitalCity ; rdfs:label ?l } ORDER BY ?l",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "DESCRIBE <https://w3id.org/liberation-kg/id/city/paris>",
]
PAGES = ["/", "/doc/city/paris.html", "/id/city/", "/search?q=war", "/doc/city/warsaw.ttl", "/void",
         "/ontology", "/sparql", "/healthz", "/readyz"]


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    with BackgroundServer(options=("--workers", "2", "--query-timeout", str(QUERY_TIMEOUT)),
                          env={"GRAPH_SERVICE_VALIDATION_TIMEOUT": "5"}) as running:
        yield running


# --- the service's processes ----------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(") ", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return "gone"


def front_memory(server: BackgroundServer) -> int:
    """gunicorn's master and workers, without the query processes below them."""
    return sum(pss(p) for p in [server.process.pid, *workers_of(server)])


def service_memory(server: BackgroundServer) -> int:
    root = server.process.pid
    return sum(pss(p) for p in [root, *descendants(root)])


def workers_of(server: BackgroundServer) -> list[int]:
    """gunicorn's workers: `serve` runs gunicorn's master in its own process."""
    return children(server.process.pid)


def query_processes(server: BackgroundServer) -> list[int]:
    """The processes below the gunicorn workers: query processes (and a validation's, briefly).
    Today each worker has one query process; the serving work on #13 (a pool of query processes)
    may place them elsewhere below the server."""
    return [p for w in workers_of(server) for p in descendants(w)]


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    runaways: Counter = field(default_factory=Counter)
    peak_memory: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, ok: bool, detail: str) -> None:
        with self.lock:
            self.counts[kind] += 1
            if not ok:
                self.failures.append(f"{kind}: {detail}")


def one_request(session: requests.Session, base: str, rng: random.Random) -> tuple[str, bool, str]:
    kind = rng.choices(["query", "page", "validation"], weights=[6, 3, 1])[0]
    try:
        if kind == "query":
            query = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" \
                    "PREFIX lib: <https://w3id.org/liberation-kg/ontology#>\n" + rng.choice(QUERIES)
            # Distinct text each time, so that every request is answered, not looked up.
            resp = session.get(base + "sparql", timeout=60, params={"query": f"{query}\n# {rng.random()}"},
                               headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"})
        elif kind == "page":
            resp = session.get(base + rng.choice(PAGES).lstrip("/"), timeout=60,
                               headers={"Accept": "text/html"})
        else:
            resp = session.post(base + "validate", timeout=60, headers={"Accept": "text/turtle"}, data={
                "data": PROLOGUE + f"ex:a ex:p ex:b{rng.randint(0, 9)} .", "shapes": SHAPES})
    except requests.RequestException as exc:
        return kind, False, f"{type(exc).__name__}: {exc}"
    return kind, resp.status_code == 200, f"{resp.status_code} {resp.text[:120]}"


def run_load(server: BackgroundServer, *, seconds: float, clients: int, runaway_clients: int,
             kill_at: dict[str, float] | None = None) -> Outcome:
    outcome = Outcome()
    stop = time.monotonic() + seconds

    def normal_client(seed: int) -> None:
        rng = random.Random(seed)
        with requests.Session() as session:
            while time.monotonic() < stop:
                outcome.record(*one_request(session, server.url, rng))

    def runaway_client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop:
                status: int | str
                try:
                    status = session.get(server.sparql, params={"query": RUNAWAY}, timeout=60).status_code
                except requests.ConnectionError:  # its worker was killed under it
                    status = "connection lost"
                with outcome.lock:
                    outcome.runaways[status] += 1

    def watcher() -> None:
        started = time.monotonic()
        pending = dict(kill_at or {})
        while time.monotonic() < stop:
            outcome.peak_memory = max(outcome.peak_memory, service_memory(server))
            for what, at in list(pending.items()):
                if time.monotonic() - started >= at:
                    # A long-lived one: a validation's process comes and goes within a request.
                    seen = set(query_processes(server) if what == "query process" else workers_of(server))
                    time.sleep(0.1)
                    now = query_processes(server) if what == "query process" else workers_of(server)
                    for victim in (p for p in now if p in seen):
                        try:
                            os.kill(victim, signal.SIGKILL)
                        except ProcessLookupError:
                            continue
                        outcome.counts[f"killed {what}"] += 1
                        del pending[what]
                        break
            time.sleep(0.25)

    with ThreadPoolExecutor(clients + 1) as pool:
        futures = [pool.submit(normal_client, seed) for seed in range(clients - runaway_clients)]
        futures += [pool.submit(runaway_client) for _ in range(runaway_clients)]
        futures.append(pool.submit(watcher))
        for future in futures:
            future.result()
    return outcome


def warm_up(server: BackgroundServer) -> None:
    """Every kind of request a few times, so that each worker has its query process, its pages'
    caches and pySHACL loaded before memory is measured; then as many at once as the run has
    clients, so the pool of query processes has reached the size the run keeps it at."""
    rng = random.Random(0)
    with requests.Session() as session:
        for _ in range(12):
            kind, ok, detail = one_request(session, server.url, rng)
            assert ok, (kind, detail)

    def burst(seed: int) -> None:
        with requests.Session() as session:
            for _ in range(3):
                kind, ok, detail = one_request(session, server.url, random.Random(seed))
                assert ok, (kind, detail)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(burst, range(8)))


def check(outcome: Outcome, server: BackgroundServer, kills: int) -> None:
    normal = sum(outcome.counts[k] for k in ("query", "page", "validation"))
    assert normal > 20 and outcome.counts["validation"] > 0, outcome.counts
    # A killed process may take down the one request it was serving (a 500 naming the signal when a
    # query process dies under a runaway, a lost connection when its worker does), nothing more;
    # every other runaway is stopped at its limit.
    assert set(outcome.runaways) <= {503, 500, "connection lost"}, outcome.runaways
    lost = len(outcome.failures) + outcome.runaways[500] + outcome.runaways["connection lost"]
    # The server's log names the cause of an unexpected failure (its traceback, for a 500).
    assert lost <= kills, (outcome.failures[:5], outcome.runaways, server.output()[-3000:])
    assert outcome.peak_memory < MEMORY_BOUND, f"{outcome.peak_memory / 2**20:.0f} MiB"
    after = requests.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.status_code == 200


def holders(server: BackgroundServer, clients: list[socket.socket]) -> list[int | None]:
    """The gunicorn worker holding the server's end of each client connection (from /proc: the
    server's sockets in /proc/net/tcp by their peer's port, and whose descriptors name them)."""
    port = urllib.parse.urlsplit(server.url).port
    by_peer = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # ESTABLISHED
                    by_peer[int(fields[2].rsplit(":", 1)[1], 16)] = f"socket:[{fields[9]}]"
    worker_of = {}
    for worker in workers_of(server):
        for fd in os.listdir(f"/proc/{worker}/fd"):
            with contextlib.suppress(OSError):
                worker_of[os.readlink(f"/proc/{worker}/fd/{fd}")] = worker
    return [worker_of.get(by_peer.get(c.getsockname()[1], "")) for c in clients]


def answered_connections(server: BackgroundServer, count: int, *,
                         one_by_one: bool = False) -> list[socket.socket]:
    """`count` connections, each asked for /healthz and answered (so each has been accepted by
    a worker), kept alive: opened in one burst, each asking at once as a benchmark's or a
    crawler's connections do, or `one_by_one`, each answered before the next is opened."""
    address = (urllib.parse.urlsplit(server.url).hostname, urllib.parse.urlsplit(server.url).port)
    connections = []
    for _ in range(count):
        connections.append(socket.create_connection(address))
        connections[-1].sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        if one_by_one:
            assert connections[-1].recv(65536).startswith(b"HTTP/1.1 200")
    if not one_by_one:
        for c in connections:
            assert c.recv(65536).startswith(b"HTTP/1.1 200")
    return connections


def splits_of(server: BackgroundServer, count: int, *, one_by_one: bool = False) -> list[int | None]:
    """The worker holding each of `count` new connections, in their order; closed after."""
    connections = answered_connections(server, count, one_by_one=one_by_one)
    try:
        return holders(server, connections)
    finally:
        for c in connections:
            c.close()
        time.sleep(0.2)  # for the workers to count the closed connections out


def test_connections_opened_at_once_are_shared_among_the_workers(server: BackgroundServer) -> None:
    """A worker that holds more connections than another lets the other take the next. Opened in
    one burst, as a benchmark or a crawler opens them, kept-alive connections fell unevenly
    between two workers without it: 32 as 8/24, 12/20 or 13/19 (and 15/17, or even, as often),
    wrk's 8 as 8/0 one run in six (one worker, behind one interpreter lock, then did all the work
    at half the throughput). With it, 16/16 or 15/17."""
    # Both workers accept once both have loaded the app: a second connection made while one is
    # held goes to the other worker from then on.
    deadline = time.monotonic() + 60
    while True:
        first, second = splits_of(server, 2)
        if first is not None and second is not None and first != second:
            break
        assert time.monotonic() < deadline, "the second worker never took a connection"
    # Each attempt may be spoiled by the scheduler: a worker yields a new connection for 20 ms at
    # most, and while the rest of the suite holds both CPUs the other is not always woken within
    # that (once 18/14 in a whole run, once 19/13). So each check is the best of three.
    #
    # One by one, the rule itself: after every connection the two hold as many, or one more.
    # Without it, 16 connections fell as 1111010101101101 (a lead of 6) and never stayed even.
    attempts = []
    for _ in range(3):
        order = splits_of(server, 16, one_by_one=True)
        lead = max(abs(sum(1 if w == order[0] else -1 for w in order[:n])) for n in range(1, 17))
        attempts.append(order)
        if None not in order and len(set(order)) == 2 and lead <= 1:
            break
    else:
        raise AssertionError(f"connections opened one by one fell unevenly, three times: {attempts}")
    # In one burst, the outcome a benchmark sees.
    attempts = []
    for _ in range(3):
        held = Counter(splits_of(server, 32))
        attempts.append(dict(held))
        if None not in held and len(held) == 2 and max(held.values()) - min(held.values()) <= 4:
            break
    else:
        raise AssertionError(f"three bursts of 32 connections fell unevenly: {attempts}")


def test_a_short_mixed_load_with_a_runaway_and_a_killed_query_process(server: BackgroundServer) -> None:
    warm_up(server)
    before = set(query_processes(server))
    outcome = run_load(server, seconds=1.5, clients=8, runaway_clients=1, kill_at={"query process": 0.5})
    assert outcome.counts["killed query process"] == 1
    check(outcome, server, kills=1)
    assert outcome.runaways[503] >= 1
    # The killed one is gone and the workers have query processes again.
    now = set(query_processes(server))
    assert now and now != before
    # Runaways stopped and killed processes leave nothing behind: the same load again does not grow
    # the front (master and workers) beyond their answer caches (32 MiB each at most), and below
    # the workers are only live query processes, no more than the slots. The pool itself may still
    # grow to its working size in either run (a slot forks its process on first use), so its
    # processes are counted, not weighed.
    front = front_memory(server)
    again = run_load(server, seconds=1.0, clients=8, runaway_clients=1, kill_at={"query process": 0.4})
    check(again, server, kills=1)
    assert front_memory(server) < front + 2 * 32 * 2**20
    wait_until_settled = time.monotonic() + 5  # a validation's own process ends with its request
    # (and a query process killed while idle is reaped within a second, by its worker's sweeper)
    while time.monotonic() < wait_until_settled and (
            len(query_processes(server)) > QUERY_SLOTS
            or any(state(p) == "Z" for p in query_processes(server))):
        time.sleep(0.1)
    below = query_processes(server)
    assert len(below) <= QUERY_SLOTS and not [p for p in below if state(p) == "Z"], below


@pytest.mark.slow
def test_a_full_mixed_load_with_runaways_and_killed_processes(server: BackgroundServer) -> None:
    outcome = run_load(server, seconds=60, clients=32, runaway_clients=4,
                       kill_at={"query process": 15.0, "worker": 35.0})
    assert outcome.counts["killed query process"] == 1 and outcome.counts["killed worker"] == 1
    check(outcome, server, kills=2)
    print(f"load: {dict(outcome.counts)}, runaways {dict(outcome.runaways)}, "
          f"peak memory {outcome.peak_memory / 2**20:.0f} MiB")


def test_a_trivial_query_is_answered_while_runaways_hold_every_worker(server: BackgroundServer) -> None:
    with ThreadPoolExecutor(4) as pool:
        runaways = [pool.submit(requests.get, server.sparql, params={"query": RUNAWAY + f" # {i}"},
                                timeout=60) for i in range(4)]
        time.sleep(0.2)  # the runaways are in the workers
        try:
            # Well under the 1 s query limit: answered at once, or held up behind a runaway.
            trivial = requests.get(server.sparql, params={"query": "ASK {}"}, timeout=0.9)
        finally:
            assert {r.result().status_code for r in runaways} == {503}
    assert trivial.status_code == 200
