"""Query slots: slow queries occupy slots, not the front; admission is fair and immediate.

The real server (gunicorn) with one worker, two slots, a queue of one, a client share of half the
slots and a short time limit: runaway queries from distinct loopback addresses (127.0.0.x are
all this machine) fill the slots while health checks, pages and kept answers are still served,
and the requests beyond the slots, the queue or a client's share are refused at once.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import SPARQL_DATASET, children_of

from graph_service.graph import ClientGone, OverShare, QueueFull, SlotBudget
from graph_service.graph.query import QuerySlots
from graph_service.web import BackgroundServer

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(5)) + " }"
TIMEOUT = 1.5
OPTIONS = ("--workers", "1", "--query-slots", "2", "--query-queue", "1", "--client-share", "0.5",
           "--query-timeout", str(TIMEOUT), "--validation-timeout", str(TIMEOUT))
#: Data holding its own shapes, whose SPARQL constraint runs until the validation's time limit.
RUNAWAY_VALIDATION = ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                      + " ".join(f"ex:n{i} ex:p ex:n{i + 1} ." for i in range(200))
                      + '\nex:S sh:targetNode ex:n0 ; sh:sparql [ sh:select """SELECT $this WHERE { '
                      + " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(5)) + ' FILTER(?c0 = 1) }""" ] .')


def get(server: BackgroundServer, path: str, *, source: str = "127.0.0.1",
        timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    port = urllib.parse.urlsplit(server.url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def post_validation(server: BackgroundServer, turtle: str, *,
                    source: str) -> tuple[int, dict[str, str], bytes]:
    port = urllib.parse.urlsplit(server.url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", "/validate", body=turtle.encode(),
                     headers={"Content-Type": "text/turtle", "Accept": "text/turtle"})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def query_path(sparql: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": sparql})


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server did not get there in time"
        time.sleep(0.02)


def query_processes(server: BackgroundServer) -> list[int]:
    """The query processes: children of gunicorn's workers (grandchildren of the master)."""
    return [c for worker in children_of(server.process.pid) for c in children_of(worker)]


def _dead(pid: int) -> bool:
    """Gone, or a zombie whose every thread has exited: only then are its files (the pipe) closed.
    The main thread shows "Z" while the query thread may still be exiting."""
    try:
        zombie = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
        return zombie and os.listdir(f"/proc/{pid}/task") == [str(pid)]
    except OSError:
        return True


@pytest.fixture(scope="module")
def server() -> BackgroundServer:
    with BackgroundServer((str(SPARQL_DATASET),), OPTIONS) as running:
        yield running


def test_the_front_answers_while_every_slot_is_busy_and_refuses_at_once(server, tmp_path) -> None:
    kept = query_path("ASK { ?s ?p ?o }")
    assert get(server, kept)[0] == 200  # answered once, kept for the next time
    with ThreadPoolExecutor(max_workers=4) as pool:
        first: Future = pool.submit(get, server, query_path(RUNAWAY + " # a1"), source="127.0.0.2")
        wait_until(lambda: len(query_processes(server)) >= 1)
        time.sleep(0.2)
        # The same client again: over its share (one of two slots), refused at once.
        started = time.monotonic()
        status, headers, body = get(server, query_path(RUNAWAY + " # a2"), source="127.0.0.2")
        assert status == 429 and time.monotonic() - started < 1.5
        assert int(headers["retry-after"]) >= 1 and "share" in json.loads(body)["message"]
        second: Future = pool.submit(get, server, query_path(RUNAWAY + " # b"), source="127.0.0.3")
        time.sleep(0.3)
        queued: Future = pool.submit(get, server, query_path("ASK { ?s ?p ?o } # c"), source="127.0.0.4")
        time.sleep(0.3)
        # Both slots busy, the queue full: refused at once, with Retry-After.
        started = time.monotonic()
        status, headers, body = get(server, query_path("ASK {} # d"), source="127.0.0.5")
        assert status == 503 and time.monotonic() - started < 1.5
        assert int(headers["retry-after"]) >= 1 and "busy" in json.loads(body)["message"]
        # Meanwhile the front answers health checks, pages and kept answers.
        for path in ("/healthz", "/readyz", kept, "/sparql"):
            started = time.monotonic()
            assert get(server, path)[0] == 200, path
            assert time.monotonic() - started < 1.5, path
        # The runaways stop at their limit; the queued query then gets its slot and its answer.
        assert first.result()[0] == 503 and second.result()[0] == 503
        status, _, body = queued.result()
        assert status == 200 and json.loads(body)["boolean"] is True


def test_a_queued_request_whose_client_left_gives_up_its_place(server) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        busy = [pool.submit(get, server, query_path(RUNAWAY + f" # left {i}"), source=f"127.0.0.{20 + i}")
                for i in range(2)]
        time.sleep(0.4)
        # A client queues, then hangs up.
        port = urllib.parse.urlsplit(server.url).port
        leaving = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.30", 0))
        leaving.sendall(f"GET {query_path('ASK {} # left')} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(0.3)
        assert get(server, query_path("ASK {} # full"), source="127.0.0.31")[0] == 503
        leaving.close()
        time.sleep(0.4)
        # Its place in the queue is free again: the next one waits for a slot instead of a 503.
        waiting = pool.submit(get, server, query_path("ASK {} # next"), source="127.0.0.32")
        assert waiting.result()[0] == 200
        assert [f.result()[0] for f in busy] == [503, 503], [f.result()[2][:300] for f in busy]


def _ran(marker: str) -> str:
    Path(marker).write_text("ran")
    return "answered"


def test_a_request_whose_client_left_before_it_ran_is_not_run(tmp_path) -> None:
    # A slot free at once, but the client gone meanwhile (its request waited for a thread).
    marker = tmp_path / "ran"
    slots = QuerySlots(_ran, SlotBudget(1, queue=0, per_client=1), timeout=5)
    try:
        with pytest.raises(ClientGone):
            slots.call(str(marker), client="a", gone=lambda: True)
        assert not marker.exists() and slots.budget.busy == 0
        assert slots.call(str(marker), client="a", gone=lambda: False) == "answered" and marker.exists()
    finally:
        slots.close()


def test_a_killed_query_process_is_replaced(server) -> None:
    assert get(server, query_path("ASK { ?s ?p ?o } # warm 1"))[0] == 200
    before = query_processes(server)
    assert before
    for pid in before:
        os.kill(pid, signal.SIGKILL)
    wait_until(lambda: all(_dead(pid) for pid in before))
    for i in range(3):
        status, _, body = get(server, query_path(f"ASK {{ ?s ?p ?o }} # after kill {i}"))
        assert status == 200 and json.loads(body)["boolean"] is True, body
    assert set(query_processes(server)) - set(before)  # a new process answered


def test_a_query_process_killed_while_idle_is_reaped_and_replaced_without_a_query(server) -> None:
    assert get(server, query_path("ASK { ?s ?p ?o } # warm 2"))[0] == 200
    before = query_processes(server)
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    # No query is sent: the worker reaps it (no zombie stays) and starts its successor by itself.
    wait_until(lambda: not Path(f"/proc/{victim}").exists()
               and bool(set(query_processes(server)) - set(before)), seconds=10)
    assert victim not in query_processes(server)


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_queries_arriving_together_are_answered_by_few_warm_query_processes() -> None:
    """With one young query at a time for this process (its share of the CPUs: one, here), six
    short queries asked at once wait for one another and are answered by the processes that have
    just answered, not by six processes taking turns at the CPUs with cold caches."""
    budget = SlotBudget(6, queue=6, per_client=6, processes=os.cpu_count() or 1)
    slots = QuerySlots(_pid_after, budget, timeout=5, prestart=6)
    try:
        slots.call(0, client="a")  # every process forked and ready
        ready = threading.Barrier(6)

        def ask(_: int) -> int:
            ready.wait()
            return slots.call(0.001, client="a")

        with ThreadPoolExecutor(max_workers=6) as pool:
            answered_by = list(pool.map(ask, range(6)))
        assert len(set(answered_by)) <= 4, answered_by
    finally:
        slots.close()


def test_a_long_query_holds_the_next_back_for_no_longer_than_its_youth() -> None:
    budget = SlotBudget(2, queue=2, per_client=2, processes=os.cpu_count() or 1)
    slots = QuerySlots(_pid_after, budget, timeout=5, prestart=2)
    try:
        slots.call(0, client="a")
        with ThreadPoolExecutor(max_workers=1) as pool:
            long = pool.submit(slots.call, 2.0, client="a")
            time.sleep(0.2)  # the long query is of age: it no longer counts
            started = time.monotonic()
            short = slots.call(0, client="a")
            assert time.monotonic() - started < 1.0
            assert short != long.result()
    finally:
        slots.close()


def test_admission_counts_are_shared_and_bounded() -> None:
    budget = SlotBudget(2, queue=1, per_client=1)
    assert budget.enter("a", 3) is True
    with pytest.raises(OverShare) as over:
        budget.enter("a", 3)
    assert over.value.retry_after == 3 and over.value.status == 429
    assert budget.enter("b", 3) is True
    assert budget.enter("c", 3) is False  # waits
    with pytest.raises(QueueFull) as full:
        budget.enter("d", 3)
    assert full.value.status == 503
    budget.leave("a", held=True)
    assert budget.take_waiting() is True
    assert (budget.busy, budget.waiting) == (2, 0)


def test_what_a_dead_process_held_is_given_back_and_its_lock_does_not_outlive_it() -> None:
    budget = SlotBudget(2, queue=1, per_client=2)
    budget.enter("a", 3)  # this process counts in its own row from now on
    budget.leave("a", held=True)
    holder = os.fork()
    if holder == 0:  # holds both slots, then dies without leaving them
        budget.enter("a", 3)
        budget.enter("a", 3)
        os._exit(0)
    os.waitpid(holder, 0)
    assert (budget.busy, budget.waiting) == (2, 0)
    with pytest.raises(OverShare):
        budget.enter("a", 3)
    assert budget.release(holder) == 2  # what gunicorn's master does as it reaps a worker
    assert (budget.busy, budget.waiting) == (0, 0)
    assert budget.enter("a", 3) is True
    budget.leave("a", held=True)
    # Killed while it held the lock between processes: the next process to count is not stuck.
    locker = os.fork()
    if locker == 0:
        budget._lock()  # and dies holding it
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(locker, 0)
    outcome: Future = ThreadPoolExecutor(max_workers=1).submit(budget.enter, "b", 3)
    assert outcome.result(timeout=5) is True


def test_a_killed_worker_leaves_no_slot_taken(tmp_path) -> None:
    with BackgroundServer((str(SPARQL_DATASET),), OPTIONS) as own, ThreadPoolExecutor(max_workers=2) as pool:
        running = [pool.submit(get, own, query_path(RUNAWAY + f" # killed {i}"), source=f"127.0.0.{40 + i}")
                   for i in range(2)]
        wait_until(lambda: len(query_processes(own)) >= 2)
        time.sleep(0.3)  # both queries hold their slots
        (worker,) = children_of(own.process.pid)
        os.kill(worker, signal.SIGKILL)
        for lost in running:  # their connection closed under them, or a 5xx: either is fair
            try:
                lost.result()
            except (OSError, http.client.HTTPException):
                pass
        # The replacement has every slot, and each client its share: before, the dead worker's
        # two queries stayed counted for good, and these were refused (429, then 503).
        wait_until(lambda: get(own, "/readyz")[0] == 200, seconds=60)
        assert get(own, query_path("ASK { ?s ?p ?o } # after the worker"), source="127.0.0.40")[0] == 200
        with ThreadPoolExecutor(max_workers=2) as again:
            both = [again.submit(get, own, query_path(RUNAWAY + f" # again {i}"), source=f"127.0.0.{50 + i}")
                    for i in range(2)]
            time.sleep(0.5)
            assert get(own, query_path("ASK {} # queued"), source="127.0.0.60")[0] == 200
            assert [f.result()[0] for f in both] == [503, 503]
        assert "query slots are free again" in own.output()


# A process that leaves its slots open when it exits (a script, a test run): many query processes,
# whose sweepers keep looking for dead ones while multiprocessing stops and waits for them all.
_EXITING = """
import time
from graph_service.graph.query.slots import QuerySlots, SlotBudget
def double(x):
    return 2 * x
if __name__ == "__main__":
    kept = []
    for _ in range(30):  # started apart, so that some sweeper looks while the exit handler runs
        kept.append(QuerySlots(double, SlotBudget(2, queue=0, per_client=2), timeout=5, prestart=2))
        assert kept[-1].call(21, client="a") == 42
        time.sleep(0.037)
    print(" ".join(str(w.pid) for slots in kept for w in slots._all if w.pid), flush=True)
"""


def test_a_process_exiting_with_open_slots_stops_every_query_process_cleanly(tmp_path: Path) -> None:
    script = tmp_path / "exiting.py"
    script.write_text(_EXITING, encoding="utf-8")
    # Before: a sweeper reaped a child that multiprocessing's exit handler was about to wait for
    # ("process object is closed", the other children left unwaited), or forked a new one that
    # it then waited for forever.
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    pids = [int(p) for p in done.stdout.split()]
    assert len(pids) == 60
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids), seconds=5)


# --- kept-alive connections: a thread answers a connection's next request, but hogs no thread ---

def test_requests_back_to_back_on_one_connection_are_each_answered(server) -> None:
    port = urllib.parse.urlsplit(server.url).port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for i in range(40):
            conn.request("GET", query_path(f"ASK {{ ?s ?p ?o }} # {i}") if i % 2 else "/healthz",
                         headers={"Accept": "application/sparql-results+json"})
            resp = conn.getresponse()
            body = json.loads(resp.read())
            assert resp.status == 200 and (body["boolean"] is True if i % 2 else body["status"] == "ok")
            assert resp.getheader("Connection", "keep-alive").lower() != "close"
    finally:
        conn.close()
    # Two requests sent at once (pipelined): the second is read along with the first.
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        sock.sendall(request + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        answers = b""
        while chunk := sock.recv(65536):
            answers += chunk
    assert answers.count(b"HTTP/1.1 200 OK") == 2 and answers.count(b'"ok"') == 2


def test_connections_asking_back_to_back_leave_threads_for_other_connections(server) -> None:
    """More connections than the worker has threads, each keeping a second request queued behind
    the one being answered (pipelined, so a thread always finds the next one waiting): connections
    that come later are still answered at once."""
    port = urllib.parse.urlsplit(server.url).port
    threads = 2 + 1 + 8  # the server's slots, queue and spare threads (one worker)
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    stop = time.monotonic() + 3.0

    def ask_pipelined() -> tuple[int, float | None]:
        """Answers got, and seconds to the first one (None: none came)."""
        started, first, answered, buffer = time.monotonic(), None, 0, b""
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(request * 2)
            try:
                while time.monotonic() < stop:
                    while b"\r\n\r\n" not in buffer:
                        buffer += sock.recv(65536)
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    length = int(re.search(rb"Content-Length: (\d+)", head, re.IGNORECASE).group(1))
                    while len(buffer) < length:
                        buffer += sock.recv(65536)
                    buffer = buffer[length:]
                    assert head.startswith(b"HTTP/1.1 200")
                    answered += 1
                    first = first if first is not None else time.monotonic() - started
                    sock.sendall(request)
            except TimeoutError:
                pass
        return answered, first

    with ThreadPoolExecutor(max_workers=threads + 4) as pool:
        early = [pool.submit(ask_pipelined) for _ in range(threads)]
        time.sleep(0.5)  # every thread of the worker now has a connection that always asks again
        late = [pool.submit(ask_pipelined) for _ in range(4)]
        answers = [f.result() for f in early + late]
    assert all(answered > 0 for answered, _ in answers), answers
    assert all(first is not None and first < 1.0 for _, first in answers[threads:]), answers


def test_validations_take_the_same_slots_and_share_as_queries(server) -> None:
    # Each validation may use the memory limit: what bounds how many run at once is the slots.
    with ThreadPoolExecutor(max_workers=2) as pool:
        running: Future = pool.submit(post_validation, server, RUNAWAY_VALIDATION, source="127.0.0.6")
        wait_until(lambda: len(query_processes(server)) >= 1)
        time.sleep(0.3)
        # The same client's query, and its next validation: over its share, refused at once.
        status, headers, body = get(server, query_path("ASK { ?s ?p ?o } # v1"), source="127.0.0.6")
        assert status == 429 and int(headers["retry-after"]) >= 1, body
        started = time.monotonic()
        status, headers, body = post_validation(server, RUNAWAY_VALIDATION, source="127.0.0.6")
        assert status == 429 and time.monotonic() - started < 1.5 and int(headers["retry-after"]) >= 1
        assert "share" in body.decode()
        assert running.result()[0] == 503  # stopped at its time limit
    # Its slot is given back.
    assert get(server, query_path("ASK { ?s ?p ?o } # v2"), source="127.0.0.6")[0] == 200


def _cpus(pid: int) -> list[int]:
    """The CPUs every thread of a process may run on (Linux's `Cpus_allowed_list`: "0-1,3"), if
    they are the same for all (an error names the threads otherwise)."""
    seen: dict[str, list[int]] = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for line in (task / "status").read_text().splitlines():
            if line.startswith("Cpus_allowed_list:"):
                cpus: list[int] = []
                for part in line.split(":", 1)[1].strip().split(","):
                    first, _, last = part.partition("-")
                    cpus += range(int(first), int(last or first) + 1)
                seen[task.name] = cpus
    assert seen and all(cpus == next(iter(seen.values())) for cpus in seen.values()), seen
    return next(iter(seen.values()))


def test_each_worker_keeps_to_a_cpu_of_its_own_with_its_query_processes(sparql_server) -> None:
    """Where the two workers (the default) share the CPUs evenly (two CPUs, as on CI): each on
    one, a different one, with every thread of its query processes (the one that ran a query
    too); elsewhere every worker may use every CPU."""
    # The server answers once one worker has started; the other may still be starting.
    wait_until(lambda: len(children_of(sparql_server.process.pid)) == 2, seconds=30)  # the default
    workers = children_of(sparql_server.process.pid)
    every = sorted(os.sched_getaffinity(0))
    # gunicorn's post_fork keeps a worker to its CPU a moment after the fork (after the worker's
    # log line), so a worker just forked may not be kept yet: up to 10 s are given for it.
    if len(every) == 2:
        with contextlib.suppress(AssertionError):  # the assertion below says what was found
            wait_until(lambda: all(len(_cpus(worker)) == 1 for worker in workers), seconds=10)
    kept = [_cpus(worker) for worker in workers]
    if len(every) == 2:
        assert all(len(cpus) == 1 for cpus in kept) and kept[0] != kept[1], kept
    else:
        assert kept == [every, every], kept
    # Connections opened at once are shared among the workers, which start query processes.
    with ThreadPoolExecutor(8) as pool:
        asked = [f"ASK {{ ?s ?p ?o }} # cpu {i} {time.monotonic()}" for i in range(8)]
        answers = list(pool.map(lambda q: get(sparql_server, query_path(q)), asked))
    assert all(status == 200 for status, _, _ in answers)
    wait_until(lambda: all(children_of(worker) for worker in workers))
    for worker, cpus in zip(workers, kept, strict=True):
        assert all(_cpus(p) == cpus for p in children_of(worker)), (worker, cpus)


def test_a_worker_forked_takes_the_cpu_the_fewest_live_workers_keep_to(monkeypatch) -> None:
    """gunicorn's master, forking workers on two CPUs: also after a reload (new workers forked
    while the old still run) a replacement keeps to the CPU of the worker it replaces."""
    from types import SimpleNamespace

    from graph_service.web.serving.application import GraphServiceApplication
    from graph_service.web.serving.shares import ConnectionShares

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    app = SimpleNamespace(connection_shares=ConnectionShares(6))
    arbiter = SimpleNamespace(WORKERS={})

    def fork() -> SimpleNamespace:
        worker = SimpleNamespace()
        GraphServiceApplication._before_forking(app, arbiter, worker)
        arbiter.WORKERS[id(worker)] = worker
        return worker

    first, second = fork(), fork()
    assert (first.cpu_index, second.cpu_index) == (0, 1)
    third, fourth = fork(), fork()  # a reload
    assert (third.cpu_index, fourth.cpu_index) == (0, 1)
    del arbiter.WORKERS[id(first)], arbiter.WORKERS[id(second)]
    del arbiter.WORKERS[id(fourth)]  # the new worker on the second CPU crashes
    assert fork().cpu_index == 1
