"""The sandbox: work in a forked child that can be stopped, cannot reach the network, and leaves
nothing behind."""

from __future__ import annotations

import ctypes
import errno
import gc
import json
import multiprocessing
import os
import platform
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph_service.cli import main
from graph_service.cli import serve as serve_command
from graph_service.graph.query import network_guard, sandbox
from graph_service.graph.query.engine import OxigraphEngine, _unsupported_as_error
from graph_service.graph.query.safety import UnsafeQuery
from graph_service.graph.query.sandbox import (
    IsolatedError,
    IsolatedPool,
    IsolatedWorker,
    QueryTimeout,
    network_guard_problem,
    run_isolated,
)

LOADED = {"store": list(range(1000))}  # stands for a store loaded before the fork


def total() -> int:
    return sum(LOADED["store"])


def spin() -> None:
    while True:
        pass


def fail(message: str) -> None:
    raise ValueError(message)


def die() -> None:
    os.kill(os.getpid(), 9)


def unpicklable() -> object:
    return threading.Lock()


def my_pid() -> int:
    return os.getpid()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it has no command line any more.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # reaped meanwhile, or while being read
        return False


def test_returns_the_result_computed_from_inherited_state():
    assert run_isolated(total, timeout=10) == sum(range(1000))


def test_a_fresh_child_collects_garbage_as_its_caller_does():
    """The fork server is a new interpreter, with Python's thresholds (700): its children built
    stores with the collector walking them again and again, where forked children did not."""
    before = gc.get_threshold()
    try:
        gc.set_threshold(12_345, 11, 12)
        assert run_isolated(gc.get_threshold, timeout=30, fresh=True) == (12_345, 11, 12)
        assert run_isolated(gc.get_threshold, timeout=10) == (12_345, 11, 12)
    finally:
        gc.set_threshold(*before)


def test_runs_in_another_process_which_is_gone_afterwards():
    pid = run_isolated(my_pid, timeout=10)
    assert pid != os.getpid()
    assert not alive(pid)


def test_calls_from_many_threads_at_once_all_answer_and_leave_no_child():
    # Each call's start() polls the other calls' children and may reap one of them first
    # (multiprocessing's bookkeeping): that once failed one call in twenty with a ValueError.
    before = set(_children())

    def calls(_: int) -> list[int]:
        return [run_isolated(total, timeout=30) for _ in range(15)]

    with ThreadPoolExecutor(8) as pool:
        answers = [a for batch in pool.map(calls, range(8)) for a in batch]
    assert answers == [sum(range(1000))] * 120
    assert set(_children()) == before
    assert _deaths_in_threads(4) == ["SIGKILL"] * 20


def _deaths_in_threads(threads: int) -> list[str]:
    """Each of `threads` threads runs five children that die by SIGKILL: the error each call
    raises names the signal, even when another thread reaped the child."""
    def deaths(_: int) -> list[str]:
        found = []
        for _ in range(5):
            with pytest.raises(IsolatedError) as caught:
                run_isolated(die, timeout=30)
            found.append("SIGKILL" if "SIGKILL" in str(caught.value) else str(caught.value))
        return found

    with ThreadPoolExecutor(threads) as pool:
        return [d for batch in pool.map(deaths, range(threads)) for d in batch]


def test_reraises_the_childs_exception():
    with pytest.raises(ValueError, match="not like this"):
        run_isolated(fail, "not like this", timeout=10)


def test_timeout_kills_the_child():
    before = set(_children())
    with pytest.raises(QueryTimeout, match="time limit of 0.3 s"):
        run_isolated(spin, timeout=0.3)
    assert set(_children()) == before


def test_a_crash_is_a_clean_error():
    with pytest.raises(IsolatedError, match="SIGKILL"):
        run_isolated(die, timeout=10)


def test_an_aborted_child_writes_no_stacks_where_its_parent_enabled_a_fault_handler():
    # pytest enables one: each child aborted over its memory cap wrote a hundred lines of stacks
    # into the test run's output, where the error says the cause in one line.
    script = ("import faulthandler, os, sys\n"
              "from graph_service.graph.query.sandbox import IsolatedError, run_isolated\n"
              "faulthandler.enable(file=sys.stderr)\n"
              "try:\n    run_isolated(os.abort, timeout=10)\n"
              "except IsolatedError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "SIGABRT" in done.stdout and done.stderr == "", done.stderr[-500:]


def test_an_unpicklable_result_is_a_clean_error():
    with pytest.raises(IsolatedError, match="cannot be sent back"):
        run_isolated(unpicklable, timeout=10)


def test_memory_limit():
    def hog() -> int:
        return len(bytearray(1 << 30))

    with pytest.raises(IsolatedError, match="memory"):
        run_isolated(hog, timeout=20, memory_limit=64 << 20)


def test_no_internet_sockets_unless_allowed():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def connect() -> str:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return "connected"

    try:
        with pytest.raises(PermissionError):
            run_isolated(connect, timeout=10)
        assert run_isolated(connect, timeout=10, allow_network=True) == "connected"
    finally:
        server.close()


def test_a_service_that_meets_the_guard_is_refused_as_unsafe_not_an_engine_failure():
    """Were a SERVICE to get past the checks (two parsers reading one text two ways, as a lone
    carriage return once did), the guard stops it: said as a refusal (400), not a crash (500)."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def unvetted() -> str:
        engine = OxigraphEngine(ox.Store())
        try:
            with _unsupported_as_error():
                engine._query(f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
                              None, None, None)
        except UnsafeQuery as exc:
            return str(exc)
        return "answered"

    try:
        assert run_isolated(unvetted, timeout=10) == ("the query tried to reach the network, which "
                                                      "queries here may not do (SERVICE is refused)")
    finally:
        server.close()


def test_isolated_worker_reuses_its_child_and_replaces_it_after_a_timeout():
    def handler(kind: str) -> int:
        if kind == "spin":
            spin()
        return os.getpid()

    worker = IsolatedWorker(handler)
    try:
        first = worker.call("pid", timeout=10)
        assert worker.call("pid", timeout=10) == first != os.getpid()
        with pytest.raises(QueryTimeout):
            worker.call("spin", timeout=0.3)
        assert not alive(first)
        second = worker.call("pid", timeout=10)
        assert second != first and alive(second)
    finally:
        worker.close()
    assert not alive(second)


class Refused(Exception):
    pass


def test_a_late_check_that_refuses_stops_the_call_and_its_child():
    # The endpoint's cost estimate of a short query that is still running after 20 ms.
    seen: list[float] = []

    def refuse(ran: float) -> None:
        seen.append(ran)
        raise Refused(f"stopped after {ran * 1000:.0f} ms")

    worker = IsolatedWorker(lambda kind: spin() if kind == "spin" else os.getpid())
    try:
        first = worker.call("pid", timeout=10)
        with pytest.raises(Refused):  # not QueryTimeout: stopped by the check, not at the limit
            worker.call("spin", timeout=10, late=sandbox.Late(0.05, refuse))
        assert len(seen) == 1 and 0.05 <= seen[0] < 5
        assert not alive(first) and worker.pid is None
        # A call that answers before its time meets no check.
        assert worker.call("pid", timeout=10, late=sandbox.Late(5, refuse)) != first
        assert len(seen) == 1
    finally:
        worker.close()


def test_an_answer_that_comes_while_the_late_check_runs_stands():
    def slow_refusal(ran: float) -> None:
        time.sleep(1)  # the child answers meanwhile
        raise Refused("too late to refuse")

    worker = IsolatedWorker(lambda seconds: time.sleep(seconds) or os.getpid())
    try:
        pid = worker.call(0, timeout=10)
        assert worker.call(0.1, timeout=10, late=sandbox.Late(0.02, slow_refusal)) == pid
        assert worker.pid == pid  # kept
    finally:
        worker.close()


def test_a_child_forked_for_the_call_is_given_its_time_from_when_it_is_ready():
    # Forking a query process and opening its store may take longer than the time a late check
    # waits: the call has not run until the child says it is ready.
    def refuse(ran: float) -> None:
        raise Refused("checked")

    worker = IsolatedWorker(lambda: os.getpid(), on_start=lambda: time.sleep(0.5))
    try:
        assert worker.call(timeout=10, late=sandbox.Late(0.4, refuse)) != os.getpid()
    finally:
        worker.close()


def _nice_once_busy(seconds: float) -> tuple[int, int]:
    """Burn CPU until this thread's nice value rises or `seconds` of CPU pass; the process's id
    and the thread's nice value then."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        if os.getpriority(os.PRIO_PROCESS, 0) > 0:  # on Linux, the calling thread's
            break
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, 0)


def test_a_call_past_its_cpu_share_runs_at_the_lowest_priority_and_the_next_does_not():
    """Demotion reaches the thread that runs the query, not only the child's idle main thread
    (a nice value is a thread's on Linux): a runaway yields the cores to the others. The next
    call runs at the normal priority again, in the same process (a fresh thread, not a fork)."""
    worker = IsolatedWorker(_nice_once_busy, demote_after=0.05)
    try:
        child, nice = worker.call(0.01, timeout=10)
        assert nice == 0  # a short call keeps its priority
        assert worker.call(3.0, timeout=10) == (child, 19)
        assert worker.call(0.01, timeout=10) == (child, 0)
        assert worker.call(3.0, timeout=10) == (child, 19)  # and again
        assert worker.call(0.01, timeout=10) == (child, 0)
    finally:
        worker.close()


#: Run in a process of its own: `keep_to_one_cpu` keeps the process that calls it to one CPU.
_ONE_CPU = """
import json, os, time
from graph_service.graph.query.sandbox import IsolatedWorker, keep_to_one_cpu, run_isolated

def cpus_after(seconds):
    time.sleep(seconds)
    return sorted(os.sched_getaffinity(0))  # the calling thread's

cpu = keep_to_one_cpu(1, len(os.sched_getaffinity(0)))
worker = IsolatedWorker(cpus_after)
try:
    print(json.dumps({"cpu": cpu, "short": worker.call(0, timeout=10), "long": worker.call(0.3, timeout=10),
                      "next": worker.call(0, timeout=10), "isolated": run_isolated(cpus_after, 0, timeout=10),
                      "caller": sorted(os.sched_getaffinity(0))}))
finally:
    worker.close()
"""


def test_keeping_to_one_cpu_needs_two_and_processes_that_share_them_evenly(monkeypatch):
    """On four CPUs (as the system is made to say here: nothing is kept for real)."""
    kept: list[set[int]] = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(os, "sched_setaffinity", lambda pid, cpus: kept.append(set(cpus)))
    monkeypatch.setattr(sandbox, "_all_cpus", None)
    assert sandbox.keep_to_one_cpu(1, 5) is None  # one CPU would carry more than the others
    assert sandbox.keep_to_one_cpu(1, 2) is None  # two CPUs would answer no short query
    assert kept == [] and sandbox._all_cpus is None
    assert sandbox.keep_to_one_cpu(5, 8) == 1  # the sixth of eight workers: the second CPU
    assert kept == [{1}] and sandbox._all_cpus == {0, 1, 2, 3}

    def refused(pid: int, cpus: object) -> None:
        raise PermissionError("not allowed here")
    monkeypatch.setattr(os, "sched_setaffinity", refused)
    monkeypatch.setattr(sandbox, "_all_cpus", None)
    assert sandbox.keep_to_one_cpu(0, 4) is None and sandbox._all_cpus is None  # served as it was
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})
    assert sandbox.keep_to_one_cpu(0, 1) is None  # one CPU: nothing to choose


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU here: nothing to keep a process to")
def test_a_process_kept_to_one_cpu_keeps_short_calls_there_and_lets_long_work_use_every_cpu():
    every = sorted(os.sched_getaffinity(0))
    done = subprocess.run([sys.executable, "-c", _ONE_CPU], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    one = [every[1]]  # the second CPU, as asked
    assert seen["cpu"] == every[1] and seen["caller"] == one
    assert seen["short"] == one  # the query process shares its caller's CPU
    assert seen["long"] == every  # past 20 ms, a call may use them all
    assert seen["next"] == one  # and the next call is back
    assert seen["isolated"] == every  # a child made for one piece of work may use them all


def _busy_where_no_thread_can_start(seconds: float) -> tuple[int, int]:
    """`_nice_once_busy`, in a query process that can start no further thread (as under a memory
    cap with no room left for another stack)."""

    def no_room(work: object) -> None:
        raise RuntimeError("can't start new thread")

    sandbox._on_big_stack = no_room  # in the query process only
    return _nice_once_busy(seconds)


def test_when_no_thread_can_follow_a_demoted_one_the_next_call_gets_a_fresh_process():
    worker = IsolatedWorker(_busy_where_no_thread_can_start, demote_after=0.05)
    try:
        child, nice = worker.call(3.0, timeout=10)
        assert nice == 19
        # Answered, at the normal priority, by a process forked for it: not "the work ended".
        fresh, nice = worker.call(0.0, timeout=10)
        assert nice == 0 and fresh != child
    finally:
        worker.close()


def test_an_idle_child_killed_from_outside_is_replaced_and_a_live_one_kept():
    worker = IsolatedWorker(lambda: os.getpid())
    try:
        worker.start()
        time.sleep(0.5)  # it has said which thread runs its calls, and waits for the first
        assert not worker.replace_if_dead()
        first = worker.call(timeout=10)
        assert worker.call(timeout=10) == first
        os.kill(first, signal.SIGKILL)
        # The service's sweeper asks this of idle children; the death shows once every thread
        # of the child has ended (its main thread is a zombie a little earlier).
        deadline = time.monotonic() + 5
        while not worker.replace_if_dead():
            assert time.monotonic() < deadline, "the dead child was not noticed"
            time.sleep(0.01)
        second = worker.call(timeout=10)
        assert second != first and alive(second) and not alive(first)
    finally:
        worker.close()


def test_isolated_worker_reraises_and_keeps_serving():
    worker = IsolatedWorker(fail)
    try:
        for _ in range(3):
            with pytest.raises(ValueError, match="again"):
                worker.call("again", timeout=10)
    finally:
        worker.close()


def _echo(data: bytes) -> bytes:
    return data[::-1]


def test_messages_larger_than_the_pipe_holds_cross_whole_both_ways():
    # Larger than a socket's buffer, so each side writes and reads it in pieces.
    data = os.urandom(3 * 2**20 + 7)
    worker = IsolatedWorker(_echo)
    try:
        assert worker.call(data, timeout=30) == data[::-1]
        assert worker.call(b"short", timeout=30) == b"trohs"  # still in step
    finally:
        worker.close()


def test_a_message_cut_off_by_its_writer_going_is_the_end_of_the_channel():
    ours, theirs = multiprocessing.Pipe(duplex=True)
    framed = (1000).to_bytes(4, "big") + b"x" * 10  # a length, then a tenth of what it said
    os.write(theirs.fileno(), framed)
    theirs.close()
    with pytest.raises(EOFError):
        sandbox._receive(ours)
    ours.close()


def _pid_after(kind: str, seconds: float = 0.0) -> int:
    if kind == "spin":
        spin()
    time.sleep(seconds)
    return os.getpid()


def test_a_pool_keeps_a_child_for_the_next_call_and_forks_one_per_call_under_way():
    pool = IsolatedPool(_pid_after, keep=1)
    try:
        first = pool.call("pid", timeout=10)
        assert pool.call("pid", timeout=10) == first != os.getpid()
        # Three at once: the kept child and two more, of which none stays after its call.
        with ThreadPoolExecutor(3) as threads:
            pids = list(threads.map(lambda _: pool.call("hold", 1.5, timeout=10), range(3)))
        assert len(set(pids)) == 3 and first in pids
        kept = [pid for pid in pids if alive(pid)]
        assert len(kept) == 1, pids
        assert pool.call("pid", timeout=10) == kept[0]
        # A call past its time limit takes its child with it; the next call forks another.
        with pytest.raises(QueryTimeout):
            pool.call("spin", timeout=0.3)
        assert not alive(kept[0])
        replaced = pool.call("pid", timeout=10)
        assert replaced not in pids and alive(replaced)
        # One killed from outside while kept is reaped (no zombie left) and replaced, unasked.
        os.kill(replaced, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while replaced in _children() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert replaced not in _children()
        last = pool.call("pid", timeout=10)
        assert last != replaced and alive(last)
    finally:
        pool.close()
    assert not alive(last)



_KEPT: list[bytearray] = []


def _keep(mib: int) -> int:
    _KEPT.append(bytearray(mib << 20))  # memory the process holds on to after the call
    return os.getpid()


def test_a_child_that_kept_a_quarter_of_its_memory_cap_is_replaced_after_its_call():
    # Memory a call leaves behind (allocators hold on to what they freed) would come off the next
    # call's cap, another user's: past a quarter of the cap, the next call gets a fresh process.
    worker = IsolatedWorker(_keep, memory_limit=400 << 20)
    try:
        first = worker.call(10, timeout=10)
        assert worker.call(10, timeout=10) == first  # 20 MiB kept: the same process
        assert worker.call(120, timeout=10) == first  # past 100 MiB now: it answers, then goes
        assert not alive(first)
        assert worker.call(10, timeout=10) != first
    finally:
        worker.close()

def test_a_process_forked_from_a_pools_holder_starts_without_its_children():
    pool = IsolatedPool(_pid_after, keep=1)
    try:
        parents = pool.call("pid", timeout=10)
        # A forked process (a gunicorn worker from its master) neither uses nor stops its
        # parent's child: it forks its own, even where another thread of the parent held the
        # pool at that moment (a lock copied held would be held in the fork for good).
        reader, writer = os.pipe()
        taken, forked_yet = threading.Event(), threading.Event()

        def hold() -> None:
            with pool._lock:
                taken.set()
                forked_yet.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        taken.wait(10)
        forked = os.fork()
        if forked == 0:
            try:
                os.write(writer, str(pool.call("pid", timeout=10)).encode())
                pool.close()
            finally:
                os._exit(0)
        forked_yet.set()
        holder.join()
        os.close(writer)
        answered = select.select([reader], [], [], 15)[0]
        own = int(os.read(reader, 100) or 0) if answered else 0
        os.close(reader)
        if not answered:
            os.kill(forked, signal.SIGKILL)
        os.waitpid(forked, 0)
        assert answered, "the forked process's call never answered"
        assert own not in (0, parents) and not alive(own)
        assert alive(parents) and pool.call("pid", timeout=10) == parents
    finally:
        pool.close()


def _children() -> list[int]:
    me = str(os.getpid())
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if f.read().split(") ")[1].split()[1] == me:
                        out.append(int(entry))
            except (OSError, IndexError):  # gone meanwhile: ENOENT, or ESRCH while being read
                pass
    return out


# --- the network guard ----------------------------------------------------------------------------

def _socket_families() -> dict[str, str]:
    """What each kind of socket gives under the guard: "open" or the error's name."""
    found = {}
    for name in ("AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK", "AF_UNIX"):
        family = getattr(socket, name, None)
        if family is None:
            continue
        try:
            socket.socket(family, socket.SOCK_DGRAM).close()
            found[name] = "open"
        except OSError as exc:
            found[name] = type(exc).__name__
    return found


def _io_uring_setup() -> int:
    """errno of io_uring_setup(2) (number 425 on x86-64 and AArch64): an io_uring can create
    sockets without a system call the filter sees."""
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)
    libc.syscall(425, 4, params)
    return ctypes.get_errno()


def _x32_socket() -> str:
    """socket(2) through the x32 ABI (syscall number with bit 30 set), which the filter was not
    built for: the kernel must kill the process rather than let it past."""
    ctypes.CDLL(None, use_errno=True).syscall(0x40000000 | 41, socket.AF_INET, socket.SOCK_STREAM, 0)
    return "survived"


def test_the_guard_allows_unix_sockets_only():
    assert run_isolated(_socket_families, timeout=10) == {
        name: ("open" if name == "AF_UNIX" else "PermissionError") for name in _socket_families()}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"),
                    reason="the system call number is that of x86-64 and AArch64")
def test_the_guard_refuses_io_uring():
    assert run_isolated(_io_uring_setup, timeout=10) == errno.EACCES


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the x32 ABI exists on x86-64 only")
def test_the_guard_kills_a_process_calling_through_another_abi():
    with pytest.raises(IsolatedError, match="SIGSYS"):
        run_isolated(_x32_socket, timeout=10)


def test_without_the_guard_nothing_runs(monkeypatch, tmp_path):
    """Fail closed: when the filter cannot be installed, the work is not run at all."""
    monkeypatch.setattr(network_guard, "seccomp", None)
    marker = tmp_path / "ran"
    with pytest.raises(IsolatedError, match="not run: libseccomp"):
        run_isolated(marker.touch, timeout=10)
    worker = IsolatedWorker(lambda: marker.touch())
    try:
        with pytest.raises(IsolatedError, match="not run"):
            worker.call(timeout=10)
    finally:
        worker.close()
    assert not marker.exists()
    assert "libseccomp" in (network_guard_problem() or "")


def test_the_guard_is_there_on_this_machine():
    assert network_guard_problem() is None


def test_serve_refuses_to_start_without_the_guard(monkeypatch):
    monkeypatch.setattr(serve_command, "network_guard_problem", lambda: "libseccomp cannot be loaded")
    run = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert run.exit_code == 2
    assert run.stderr.startswith("graph-service: queries cannot be cut off from the network here")
    assert "--no-network-guard" in run.stderr and run.stderr.count("\n") == 1


def _oom_score_adj() -> str:
    return Path("/proc/self/oom_score_adj").read_text().strip()


@pytest.mark.skipif(not Path("/proc/self/oom_score_adj").exists(), reason="not Linux: no OOM score to set")
def test_a_child_is_the_first_the_kernel_kills_when_memory_runs_out() -> None:
    assert run_isolated(_oom_score_adj, timeout=10) == "1000"
    assert _oom_score_adj() != "1000"  # and this process, the server, is not
