"""Run code where it can be stopped: in a child process forked from the caller.

Neither pyoxigraph nor rdflib can interrupt a query from Python, so a query (or a user's SHACL
validation) runs in a child forked from the caller. The child shares the caller's loaded store
copy-on-write, cannot open Internet sockets (`network_guard`), may be given an address-space
limit, and sends back its return value (or exception) through a pipe. On timeout the caller kills
it and is free at once.

Three shapes:
- `run_isolated(fn, ...)`: one child per call, killed and reaped before the call returns. About
  3-4 ms per call on the development machine (fork, pipe, kill, reap), whatever `fn` does.
- `IsolatedWorker(handler)`: one long-lived child serving calls over a pipe (about 0.02 ms per
  call), replaced after a timeout or crash. The SPARQL endpoint uses it, because pyoxigraph
  answers most queries in well under a millisecond.
- `IsolatedPool(handler)`: such children for the threads of a process, one per call under way,
  kept for the next: for work that keeps nothing from one call to the next (reading a user's
  document) and comes more often than a fork is worth.

Forking copies only the calling thread. The endpoint forks query processes from request threads
(gunicorn gthread workers): the child then runs only the engine (pyoxigraph, rdflib's parser),
which takes no lock another thread of the parent could hold; CPython re-creates its own locks
(imports, logging) in the child.

Two guards do not depend on the parent: each call in a long-lived child runs under an alarm
(`SIGALRM` at its time limit plus a margin, whose default action ends the process even inside
Rust code), so a child whose parent was killed outright cannot run on; and a call that has used
`demote_after` seconds of CPU has the child's thread that runs it moved to the lowest CPU
priority (nice 19), so runaways yield the cores to new queries and to the HTTP front (CPU time,
not time waited: on a busy machine a short query may wait long without being a runaway). A
demoted thread ends after its call, and a fresh one at the normal priority takes the next (it
could not be raised back without privileges): the child is not forked again.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import faulthandler
import gc
import math
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import pickle
import resource
import select
import signal
import socket
import stat
import struct
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, ForkServerContext
from typing import Any, TypeVar

from graph_service.graph.query.network_guard import GuardUnavailable, deny_network

T = TypeVar("T")

_FORK = ForkContext()
#: Seconds past its time limit after which a long-lived child's own alarm ends it, should its
#: parent not have (the parent was killed, or is stuck).
_ALARM_MARGIN = 5.0
#: How often a running call's CPU time is looked at (for `demote_after`).
_WATCH = 0.02
#: Seconds a query process may take to start the thread that follows a demoted one.
_RENEW_WAIT = 1.0
#: How often an `IsolatedPool`'s kept children are looked at for one that died.
_SWEEP = 1.0
#: Seconds `IsolatedWorker.retire` waits for a call or a replacement under way to let go of it.
_RETIRE_WAIT = 0.5
#: Seconds to wait for another thread to record the exit status of a child it reaped.
_RECORD_WAIT = 1.0
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: Seconds a call runs on its caller's CPU (`keep_to_one_cpu`) before it may use them all.
_SPREAD_AFTER = 0.02
#: The CPUs a process kept to one (`keep_to_one_cpu`) had, which long calls get back.
_all_cpus: frozenset[int] | None = None


class QueryTimeout(TimeoutError):
    """The call ran past its time limit and was stopped."""


class IsolatedError(RuntimeError):
    """The child failed in a way that cannot be re-raised as it was: it crashed, ran out of
    memory, or raised an exception that cannot cross a process boundary."""


class OverMemory(IsolatedError):
    """The child went over its memory limit (or, aborted or killed with one set, most likely did):
    a limit of the work's, as the time limit is, not a fault of the machinery."""


def keep_to_one_cpu(index: int, processes: int) -> int | None:
    """Keep the calling thread (a gunicorn worker's only one, as it is forked), the threads and
    children it starts from now on, to the `index`-th of the CPUs it may use, counting round them,
    as one of `processes` alike (a server's workers); which CPU. None, and nothing done, where
    there is one CPU, where the processes cannot be shared evenly among the CPUs (one would carry
    more of the work than another; with fewer processes than CPUs, some CPUs would answer no short
    query), or where the system refuses.

    A call to a query process is a round trip between two processes: on this project's 2-core VM,
    one that crossed CPUs cost its two processes 620 µs of CPU where on one CPU it cost 390 µs
    (caches and the wake-up of an idle CPU), and a client asking one query after another got
    12-28% more answers a second. A call still running after `_SPREAD_AFTER` seconds may run on
    any CPU again, whichever is free, rather than only on its caller's; so may a child made for
    one piece of work (`run_isolated`: validations)."""
    global _all_cpus
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2 or processes % len(cpus):
        return None
    cpu = cpus[index % len(cpus)]
    try:
        os.sched_setaffinity(0, (cpu,))
    except OSError:  # the CPUs changed meanwhile, or a sandbox forbids it: serve as it was
        return None
    _all_cpus = frozenset(cpus)
    return cpu


def _place(thread: int, cpus: Iterable[int]) -> None:
    """Let a thread (0: this one) run on `cpus`, unless it has gone or the CPUs changed meanwhile."""
    with contextlib.suppress(OSError):
        os.sched_setaffinity(thread, cpus)


def run_isolated(fn: Callable[..., T], *args: Any, timeout: float, allow_network: bool = False,
                 memory_limit: int | None = None, fresh: bool = False, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a forked child; its result must be picklable.

    Raises `QueryTimeout` after `timeout` seconds (the child is killed), the child's own exception
    (re-raised here, without its traceback), or `IsolatedError`. `memory_limit` caps the bytes the
    child may allocate beyond what it inherits. `fresh` forks the child from a clean process
    (multiprocessing's fork server) instead of the caller, for work that must not inherit the
    state of the caller's native libraries; `fn` and its arguments must then be picklable.
    """
    context: ForkContext | ForkServerContext = _fresh_context() if fresh else _FORK
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(writer, fn, args, kwargs, allow_network, memory_limit,
                                                      gc.get_threshold(), _all_cpus),
                            daemon=True, name=f"isolated {getattr(fn, '__name__', 'call')}")
    try:
        child.start()
        writer.close()
        # poll() also returns when the child dies without answering: recv() then raises EOFError.
        if not reader.poll(timeout):
            raise QueryTimeout(f"stopped after the time limit of {timeout:g} s")
        try:
            ok, payload = _receive(reader)
        except EOFError:
            raise _death(_exit_status(child, 1), memory_limit) from None
    finally:
        reader.close()
        writer.close()
        _reap(child)
    if ok:
        return payload
    raise payload


@dataclass(frozen=True)
class Late:
    """A check of a call that is still running after `after` seconds (`IsolatedWorker.call`):
    `check(seconds_run)` raises to have it stopped."""

    after: float
    check: Callable[[float], None]


class IsolatedWorker:
    """A long-lived child, forked on first use, that runs `handler(*args)` for each `call`.

    For hot paths where forking per call costs more than the work: the child inherits whatever
    `handler` closes over (e.g. the loaded store) once, and each call is a pipe round trip. A
    call that overruns its time limit kills the child; the next call forks a fresh one from the
    caller's pristine state. So does a crash, an out-of-memory error, and every `max_calls`
    calls (which bounds what one child can accumulate).
    """

    def __init__(self, handler: Callable[..., Any], *, allow_network: bool = False,
                 memory_limit: int | None = None, max_calls: int = 20_000,
                 demote_after: float | None = None, on_start: Callable[[], Any] | None = None) -> None:
        self._handler = handler
        self._demote_after = demote_after
        self._on_start = on_start
        self._allow_network = allow_network
        self._memory_limit = memory_limit
        self._max_calls = max_calls
        self._child: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        #: The kernel's id of the child's thread that runs the calls (its first message says it).
        self._thread: int | None = None
        # The pipe's readiness, asked of the kernel directly: multiprocessing's own poll() builds
        # and tears down a selector on every call, which showed in the endpoint's profile.
        self._poller: select.poll | None = None
        #: CPU seconds the child had used when it last answered (it idles between calls).
        self._cpu_done: float | None = None
        self._calls = 0
        self._owner = os.getpid()
        self._lock = threading.Lock()
        #: Set by `retire`: no child is forked or kept any more.
        self._retired = False

    def call(self, *args: Any, timeout: float, late: Late | None = None, **kwargs: Any) -> Any:
        """`handler(*args, **kwargs)` in the child; raises like `run_isolated`. `late`: a check
        made here once the call has run for its seconds without answering; should it raise, the
        child is stopped and the call raises that."""
        with self._lock:
            conn = self._ensure_child()
            demoted = False
            try:
                # CPU time is counted from here: the child has served other calls before (and
                # said how much CPU they took, so no /proc read is needed on the way in).
                cpu_base = 0.0
                if self._demote_after is not None:
                    cpu_base = self._cpu_done if self._cpu_done is not None else _cpu_seconds(self.pid)
                _send(conn, (args, kwargs, timeout + _ALARM_MARGIN))
                started = time.monotonic()
                deadline = started + timeout
                late_at = started + late.after if late is not None else math.inf
                spread_at = started + _SPREAD_AFTER if _all_cpus is not None else math.inf
                spread = False
                while True:
                    now = time.monotonic()
                    # A child forked for this call runs it once it says it is ready (its thread).
                    wait = (deadline if self._thread is None else min(deadline, late_at, spread_at)) - now
                    if self._demote_after is not None and not demoted:
                        wait = min(wait, _WATCH)
                    if self._readable(max(0.0, wait)):
                        if self._thread is None:  # the child's first message: its thread's id
                            self._thread = _receive(conn)
                            started = time.monotonic()
                            if late is not None and late_at != math.inf:
                                late_at = started + late.after
                            if spread_at != math.inf:
                                spread_at = started + _SPREAD_AFTER
                            continue
                        break
                    now = time.monotonic()
                    if now >= deadline:
                        self.close()
                        raise QueryTimeout(f"stopped after the time limit of {timeout:g} s")
                    if now >= spread_at and self._thread is not None and _all_cpus is not None:
                        spread_at, spread = math.inf, True
                        _place(self._thread, _all_cpus)
                    if late is not None and now >= late_at and self._thread is not None:
                        late_at = math.inf
                        try:
                            late.check(now - started)
                        except BaseException:
                            if not self._readable(0):
                                self.close()
                                raise
                            # It answered while being checked: the answer stands.
                    watching = self._demote_after is not None and not demoted
                    if watching and _cpu_seconds(self.pid) - cpu_base >= (self._demote_after or 0):
                        demoted = self._demote()
                ok, payload, self._cpu_done, renewed, grown = _receive(conn)
            except (EOFError, BrokenPipeError, ConnectionResetError):
                # Read how the child ended before close() releases the process object.
                child = self._child
                exitcode = _exit_status(child, 1) if child is not None else None
                self.close()
                raise _death(exitcode, self._memory_limit) from None
            except BaseException:
                # Anything else (an answer too large to read into memory, say) leaves the child
                # out of step with the pipe: its next answer would be read as the next call's.
                self.close()
                raise
            self._calls += 1
            spent = self._retired or self._calls >= self._max_calls or grown
            if renewed:  # a demoted call's thread ended: the next one says its id first
                self._thread = self._next_thread(conn)
            elif spread and self._thread is not None:
                _place(self._thread, os.sched_getaffinity(0))  # the caller's, for the next call
            # Demoted as it answered, too late for its thread to see, or no thread to follow the
            # demoted one: the child goes.
            if ((demoted and not renewed) or (renewed and self._thread is None) or spent
                    or isinstance(payload, IsolatedError)):
                self.close()
        if ok:
            return payload
        raise payload

    def _next_thread(self, conn: Connection) -> int | None:
        """The id of the thread that follows a demoted one; None when the child could not start
        it (no room left under its memory cap for another stack) or did not say in time."""
        try:
            return _receive(conn) if self._readable(_RENEW_WAIT) else None
        except (EOFError, OSError):
            return None

    def _demote(self) -> bool:
        # The thread running the call: on Linux a nice value is a thread's, and the process's
        # main thread only waits for it.
        pid = self._thread or self.pid
        if pid is None:
            return False
        try:
            os.setpriority(os.PRIO_PROCESS, pid, 19)
        except OSError:  # already gone: the poll that follows sees it
            return False
        return True

    def start(self) -> None:
        """Fork the child now rather than on the first call."""
        with self._lock:
            self._ensure_child()

    def replace_if_dead(self) -> bool:
        """Reap a child that died while idle (killed from outside: until then it stays a zombie)
        and fork its replacement, unless a call holds the worker; whether it did. For sweepers,
        which must go on sweeping: a replacement that cannot be forked now (memory short), or a
        worker retired meanwhile, is left to the next sweep or call."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            child = self._child
            if self._retired or child is None or os.getpid() != self._owner:
                return False
            if child.exitcode is None and not self._idle_pipe_readable():
                return False
            self.close()
            self._ensure_child()
            return True
        except (OSError, IsolatedError):
            return False
        finally:
            self._lock.release()

    def retire(self) -> None:
        """Stop the child for good: no later call or replacement forks another. A call under way
        keeps its child until it has answered (then stops it); a replacement under way is waited
        for, briefly, and stopped. At interpreter exit this matters: multiprocessing stops the
        daemonic children, then waits for every child, so one forked by a sweeper meanwhile
        would be waited for forever."""
        self._retired = True
        if self._lock.acquire(timeout=_RETIRE_WAIT):
            try:
                self.close()
            finally:
                self._lock.release()

    @property
    def pid(self) -> int | None:
        """The child's process id, while one runs."""
        return self._child.pid if self._child is not None else None

    def close(self) -> None:
        """Stop the child (a later call starts a new one)."""
        if self._conn is not None:
            self._conn.close()
        if self._child is not None and os.getpid() == self._owner:
            _reap(self._child)
        self._child, self._conn, self._poller, self._calls = None, None, None, 0
        self._thread = None

    def _readable(self, timeout: float) -> bool:
        """Whether the child's end has written (or closed) within `timeout` seconds."""
        assert self._poller is not None  # set with the pipe
        return bool(self._poller.poll(math.ceil(timeout * 1000)))

    def _idle_pipe_readable(self) -> bool:
        """An idle child writes nothing but its first message (its thread's id): anything else
        readable is its end of file, the child has exited even where its exit status is not yet
        known."""
        try:
            if self._conn is None:
                return False
            if self._thread is None and self._readable(0):
                self._thread = _receive(self._conn)
            return self._readable(0)
        except (OSError, EOFError):
            return True

    def _ensure_child(self) -> Connection:
        if self._retired:
            raise IsolatedError("the query processes were stopped (the service is shutting down)")
        if self._child is not None and self._child.pid is not None and os.getpid() != self._owner:
            # We were forked (e.g. gunicorn preloading): that child belongs to our parent.
            self._child, self._conn = None, None
        if self._child is not None and self._idle_pipe_readable():
            # Died while idle (killed from outside, say): replace it rather than fail the call.
            # Its end of the pipe closed with it, which the kernel says at once; its exit status
            # may not be known yet (and asking costs a system call on every call).
            self.close()
        if self._child is None or self._conn is None:
            parent_end, child_end = _FORK.Pipe(duplex=True)
            # A long-lived child must not outlive a parent that is killed outright (a gunicorn
            # worker past its own timeout): the kernel kills it then. The signal follows the
            # forking *thread*, so only a main thread may ask for it.
            tied = threading.current_thread() is threading.main_thread()
            child = _FORK.Process(target=_serve, daemon=True, name="isolated worker",
                                  args=(child_end, self._handler, self._allow_network,
                                        self._memory_limit, tied, self._on_start))
            child.start()
            child_end.close()
            self._poller = select.poll()
            self._poller.register(parent_end.fileno(), select.POLLIN)
            self._child, self._conn, self._calls, self._owner = child, parent_end, 0, os.getpid()
            self._cpu_done, self._thread = None, None
        return self._conn


class IsolatedPool:
    """`IsolatedWorker`s running `handler`, shared by the threads of a process: a call takes an
    idle one, or forks another when every one is busy; at most `keep` stay idle after their call.

    For work that keeps nothing from one call to the next, such as reading a document someone
    sent: a fork of a serving process costs it 10-20 ms of CPU on the development machine, a call
    to a child already there a fraction of a millisecond. A call that times out or crashes takes
    its child with it, as with `IsolatedWorker`. A process forked from this one starts with none:
    the children it would inherit are its parent's."""

    def __init__(self, handler: Callable[..., Any], *, keep: int = 1, memory_limit: int | None = None,
                 allow_network: bool = False, max_calls: int = 1_000) -> None:
        self._handler = handler
        self._keep = keep
        self._options = {"memory_limit": memory_limit, "allow_network": allow_network,
                         "max_calls": max_calls}
        self._idle: list[IsolatedWorker] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sweeping: int | None = None  # the process whose sweeper runs
        _POOLS.add(self)

    def call(self, *args: Any, timeout: float, **kwargs: Any) -> Any:
        """`handler(*args, **kwargs)` in an idle child (or a new one); raises as
        `IsolatedWorker.call` does."""
        with self._lock:
            worker = self._idle.pop() if self._idle else None
            if self._sweeping != os.getpid():  # started here once per process (threads do not cross a fork)
                self._sweeping = os.getpid()
                self._closed = threading.Event()
                threading.Thread(target=self._sweep, args=(self._closed,), daemon=True,
                                 name="isolated pool sweeper").start()
        if worker is None:
            worker = IsolatedWorker(self._handler, **self._options)  # type: ignore[arg-type]
        try:
            return worker.call(*args, timeout=timeout, **kwargs)
        finally:
            with self._lock:
                kept = len(self._idle) < self._keep
                if kept:
                    self._idle.append(worker)
            if not kept:
                worker.retire()

    def close(self) -> None:
        """Stop the idle children (a later call forks another)."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._closed.set()
            self._sweeping = None
        for worker in idle:
            worker.retire()

    def _sweep(self, closed: threading.Event) -> None:
        """Reap and replace a kept child that died while idle (killed from outside), as the query
        slots' sweeper does, rather than leave it a zombie until the next call."""
        while not closed.wait(_SWEEP):
            with self._lock:
                idle = list(self._idle)
            for worker in idle:
                worker.replace_if_dead()

    def _forget_after_fork(self) -> None:
        # The idle children are the parent's: let go of their pipes without stopping them, and of
        # a lock another thread of the parent may have held.
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sweeping = None
        for worker in self._idle:
            worker.close()
        self._idle = []


_POOLS: weakref.WeakSet[IsolatedPool] = weakref.WeakSet()


def _forget_pools() -> None:
    for pool in list(_POOLS):
        pool._forget_after_fork()


os.register_at_fork(after_in_child=_forget_pools)


@atexit.register
def _close_pools() -> None:
    # Before multiprocessing's own exit handler (registered earlier, so it runs later), which
    # stops the daemonic children and then waits for each.
    for pool in list(_POOLS):
        pool.close()


def _serve(conn: Connection, handler: Callable[..., Any], allow_network: bool,
           memory_limit: int | None, tied_to_parent: bool,
           on_start: Callable[[], Any] | None = None) -> None:
    try:
        _become_child(conn, allow_network, tied_to_parent)
        if on_start is not None:
            # Ready before the first call (opening a store, say), not during it. A failure here
            # is left for the first call to meet again and report.
            try:
                on_start()
            except Exception:
                pass
    except GuardUnavailable as exc:  # fail closed: answer the call with why, run nothing
        try:
            _send(conn, threading.get_native_id())
            conn.recv_bytes()
            _answer(conn, (False, IsolatedError(f"the work was not run: {exc}")), time.process_time(), False,
                    False)
        except (EOFError, OSError):
            pass
        return

    renew = True
    capped_at: int | None = None  # the size the memory cap was counted from
    peak_at_cap = 0  # the peak resident size then, in KiB

    def calls() -> None:
        # One thread's calls. A thread the parent moved to the lowest priority (a runaway's)
        # answers, then ends, and a fresh one at the normal priority takes the next call: a
        # nice value is a thread's, and without privileges it cannot be raised back.
        nonlocal renew
        renew = False
        try:
            _send(conn, threading.get_native_id())
        except OSError:
            return
        while not renew:
            try:
                args, kwargs, alarm = _receive(conn)
            except (EOFError, OSError):  # the parent closed the pipe or died: nothing more to do
                return
            signal.setitimer(signal.ITIMER_REAL, alarm)
            outcome = _outcome(handler, args, kwargs, memory_limit)
            signal.setitimer(signal.ITIMER_REAL, 0)
            renew = os.getpriority(os.PRIO_PROCESS, 0) > 0  # on Linux, this thread's
            # With the CPU time used so far, which the parent counts the next call's from; and
            # whether this process has kept a quarter of its memory cap or more since it started
            # (freed memory the allocators hold on to), which would leave the next call (another
            # user's) less than its cap: the parent then replaces it.
            grown = capped_at is not None and memory_limit is not None and _grown(
                capped_at, peak_at_cap, memory_limit // 4)
            _answer(conn, outcome, time.process_time(), renew, grown)

    def first() -> None:
        nonlocal capped_at, peak_at_cap
        capped_at = _limit_memory(memory_limit)  # with this thread's stack; a later one replaces it
        peak_at_cap = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        calls()

    _on_big_stack(first)
    while renew:
        try:
            _on_big_stack(calls)
        except RuntimeError:  # no thread could start (its stack over the memory cap): a fork will
            try:
                _send(conn, None)
            except OSError:
                pass
            return


def _cpu_seconds(pid: int | None) -> float:
    """CPU time a process has used (Linux); 0 where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _reap(child: multiprocessing.process.BaseProcess) -> None:
    """Kill (it has answered, or must stop) and wait for the child, so no zombie or orphan stays."""
    if child.pid is None:  # fork itself failed
        return
    if child.exitcode is None:
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if _exit_status(child, None) is not None:
        child.close()


def _exit_status(child: multiprocessing.process.BaseProcess, timeout: float | None) -> int | None:
    """The child's exit code once it has ended (waiting up to `timeout` seconds; None: for good),
    or None.

    `Process.start()` in any other thread first polls every child of this process
    (multiprocessing's `_cleanup`), and may reap this one while `join()` here waits for it:
    `join()` then returns before that thread has recorded the status, which lands a moment
    later. Without waiting for it, `close()` refused the "running" process: one concurrent
    validation in twenty failed so."""
    child.join(timeout)
    if child.exitcode is None and multiprocessing.connection.wait([child.sentinel], 0):
        deadline = time.monotonic() + _RECORD_WAIT  # it has ended: another thread holds its status
        while child.exitcode is None and time.monotonic() < deadline:
            time.sleep(0.001)
    return child.exitcode


def _death(exitcode: int | None, memory_limit: int | None) -> IsolatedError:
    """Why a child that died without answering did: `OverMemory` where that is the likely cause
    (Rust aborts when an allocation fails)."""
    if exitcode is not None and exitcode < 0:
        sig = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGSEGV:
            over = f", or it went over its memory limit of {memory_limit // 2**20} MiB" \
                if memory_limit else ""
            return IsolatedError(f"the work crashed ({sig}): most likely its input nests too deeply{over}")
        if memory_limit and -exitcode in (signal.SIGABRT, signal.SIGKILL):
            return OverMemory(f"the work stopped abnormally ({sig}), most likely over its memory limit "
                              f"of {memory_limit // 2**20} MiB")
        return IsolatedError(f"the work stopped abnormally ({sig})")
    return IsolatedError(f"the work ended without an answer (exit code {exitcode})")


#: Held while a process lets go of its fork server and tracker, and by every fork: a thread that
#: forked meanwhile gave its child descriptor numbers already closed here, which the child closed
#: again (another pipe of the child's by then, or nothing, leaving the tracker's pipe open in it).
#: Reentrant: a signal handler that forks, on the thread that holds it, is not stopped for good.
_LETTING_GO = threading.RLock()


def stop_fork_server() -> None:
    """Let go of the fork server this process started (see `_fresh_context`), if any, and of the
    resource tracker multiprocessing started with it. A serving process builds as it starts (and
    as it reloads), and the server would hold some 40 MiB for as long as it lives (a later build
    starts another). Both exit once the pipes closed here were their last, and are waited for (a
    fifth of a second, after a build only): left to exit by themselves, the tracker stayed a
    child of gunicorn's master for as long as it served, beside the workers.

    Every forked process lets go at once, without waiting (`_after_fork_in_child`): it inherits
    its parent's by reference only and cannot wait for them (not its children: `ensure_running`
    fails with ECHILD, as in a gunicorn worker whose master built the store), and holding the
    pipes would keep the parent's alive as long as the child."""
    server, tracker = _multiprocessing_helpers()
    with _LETTING_GO:
        started = [server._forkserver_pid, tracker._pid]
        _let_go(server, tracker)
    deadline = time.monotonic() + 5
    for pid in filter(None, started):
        # Bounded: should another process still hold a pipe, the process is left to its reaper.
        with contextlib.suppress(ChildProcessError):
            while not os.waitpid(pid, os.WNOHANG)[0] and time.monotonic() < deadline:
                time.sleep(0.01)


def _multiprocessing_helpers() -> tuple[Any, Any]:
    # Their state is private to multiprocessing's modules.
    return multiprocessing.forkserver._forkserver, multiprocessing.resource_tracker._resource_tracker


def _let_go(server: Any, tracker: Any) -> None:
    for fd in (server._forkserver_alive_fd, tracker._fd):
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
    server._forkserver_address = server._forkserver_alive_fd = server._forkserver_pid = None
    server._inherited_fds = None
    tracker._fd = tracker._pid = None


def _after_fork_in_child() -> None:
    global _LETTING_GO
    _LETTING_GO = threading.RLock()  # the parent's is held, by the thread that forked
    server, tracker = _multiprocessing_helpers()
    server._lock = threading.Lock()
    tracker._lock = threading.RLock()
    _let_go(server, tracker)


# By name, not the lock's bound methods: a child has a lock of its own, for its own forks.
os.register_at_fork(before=lambda: _LETTING_GO.acquire(), after_in_parent=lambda: _LETTING_GO.release(),
                    after_in_child=_after_fork_in_child)


def _fresh_context() -> ForkServerContext:
    """The fork server: started once per process, from a new interpreter (not forked from us), so
    what it forks holds no lock of another thread of ours. RocksDB (under pyoxigraph's stores on
    disk) keeps a timer thread with a mutex in every process with a store open: a child forked
    while it held it hung for good in its first `Store(path)` (seen in the test suite)."""
    context = ForkServerContext()
    # Its children run this package's code: imported once by the server, not by each of them.
    context.set_forkserver_preload(["graph_service.graph.query.store"])
    return context


def _child_main(writer: Connection, fn: Callable[..., Any], args: tuple, kwargs: dict,
                allow_network: bool, memory_limit: int | None, thresholds: tuple[int, ...],
                cpus: frozenset[int] | None) -> None:
    # A child of the fork server is a new interpreter's: it has the collector's thresholds of the
    # caller (`config.COLLECTOR_THRESHOLDS`) only if told; a forked child has them already. A
    # forked child keeps to its caller's CPU (`keep_to_one_cpu`), a fork server's to the fork
    # server's: told the CPUs, either may use them all for its one piece of work.
    gc.set_threshold(*thresholds)
    if cpus:
        _place(0, cpus)
    try:
        _become_child(writer, allow_network)
    except GuardUnavailable as exc:  # fail closed: say why, run nothing
        _answer(writer, (False, IsolatedError(f"the work was not run: {exc}")))
    else:
        def call() -> None:
            _limit_memory(memory_limit)
            _answer(writer, _outcome(fn, args, kwargs, memory_limit))

        _on_big_stack(call)
    writer.close()


def _become_child(conn: Connection, allow_network: bool, tied_to_parent: bool = False) -> None:
    if tied_to_parent:
        die_with_parent()
    # The parent's handlers (e.g. a gunicorn worker's) must not run here; the parent kills us.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
                signal.SIGUSR2, signal.SIGWINCH, signal.SIGCHLD, signal.SIGALRM):
        signal.signal(sig, signal.SIG_DFL)
    # Nor a fault handler the parent enabled (pytest does): a child aborted over its memory cap
    # wrote every thread's stack, a hundred lines, where the parent reports the cause in one.
    faulthandler.disable()
    _close_inherited_sockets(keep=conn.fileno())
    _first_to_go()
    if not allow_network:
        deny_network()


def _first_to_go() -> None:
    """Ask the kernel to kill this process first should memory run out: each child's own limit
    is a share of what the machine has, but all the slots at their limits may be more than all of
    it, and then a query or a validation must go, not the server."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")
    except OSError:  # not Linux; raising the score needs no privilege where it exists
        pass


def _outcome(fn: Callable[..., Any], args: tuple, kwargs: dict,
             memory_limit: int | None) -> tuple[bool, Any]:
    try:
        return True, fn(*args, **kwargs)
    except MemoryError:
        limit = f" (limit {memory_limit // 2**20} MiB)" if memory_limit else ""
        return False, OverMemory(f"the work ran out of memory{limit}")
    except BaseException as exc:
        return False, _portable(exc)


def _answer(conn: Connection, outcome: tuple[bool, Any], *extra: Any) -> None:
    """Send `outcome` (and `extra` after it, in the same message)."""
    try:
        _send(conn, (*outcome, *extra))
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        _send(conn, (False, IsolatedError(f"the result cannot be sent back: {exc}"), *extra))


# pickle's own functions (C), not the connection's send() and recv(): multiprocessing makes a
# ForkingPickler for every message, copying its table of reducers (a share of a worker's time
# under load). What crosses the pipe is plain data: arguments, answers, exceptions.
#
# Written and read with the system calls themselves, in the connection's framing (a 4-byte
# length, then the bytes): its send_bytes() and recv_bytes() are Python around the same calls,
# half the cost of a round trip between two processes on one CPU (40 µs against 27, 5,000 small
# messages each way).
_LENGTH = struct.Struct("!i")


def _send(conn: Connection, message: Any) -> None:
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    if len(data) > 0x7FFFFFFF:  # the connection's own framing for sizes a 4-byte length cannot say
        conn.send_bytes(data)
        return
    fd = conn.fileno()
    sent = os.writev(fd, (_LENGTH.pack(len(data)), data))
    rest = memoryview(data)[max(0, sent - _LENGTH.size):]
    if sent < _LENGTH.size:  # interrupted within the length: rare enough to copy
        rest = memoryview(_LENGTH.pack(len(data))[sent:] + data)
    while rest:
        rest = rest[os.write(fd, rest):]


def _receive(conn: Connection) -> Any:
    fd = conn.fileno()
    (size,) = _LENGTH.unpack(_read_exactly(fd, _LENGTH.size))
    if size == -1:
        (size,) = struct.unpack("!Q", _read_exactly(fd, 8))
    return pickle.loads(_read_exactly(fd, size))


def _read_exactly(fd: int, size: int) -> bytes | bytearray:
    """`size` bytes from `fd`; EOFError if it ends first (the other process has gone)."""
    first = os.read(fd, size)
    if len(first) == size:
        return first
    if not first and size:
        raise EOFError
    data = bytearray(size)
    data[:len(first)] = first
    view, got = memoryview(data), len(first)
    while got < size:
        read = os.readv(fd, (view[got:],))
        if not read:
            raise EOFError
        got += read
    return data


def _close_inherited_sockets(keep: int) -> None:
    """Close the parent's sockets (its listener, the client it is answering): a child that
    outlives the request must not hold the client's connection open."""
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux
        return
    for fd in fds:
        if fd <= 2 or fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:  # the descriptor listdir itself used, already gone
            pass


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else an IsolatedError with its message."""
    exc.__traceback__ = None
    exc.__context__ = exc.__cause__ = None
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return IsolatedError(f"{type(exc).__name__}: {exc}")
    return exc


def network_guard_problem() -> str | None:
    """Why work could not be cut off from the network on this machine, or None when it can:
    tried in a disposable child, which then tries to open an Internet socket."""
    try:
        return run_isolated(_open_internet_socket, timeout=10)
    except (IsolatedError, QueryTimeout) as exc:
        return str(exc)


def _open_internet_socket() -> str | None:
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return None
    return "an Internet socket could still be opened under the filter"


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send `sig` to this process when the thread that forked it ends
    (prctl PR_SET_PDEATHSIG); elsewhere, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass


#: The stack the child's work runs on. pyoxigraph's parser and optimiser recurse once per level of
#: a query's nesting: under the usual 8 MiB, 1,000 nested CONCAT( or 3,000 nested groups (a 7 KB
#: query) overflow it and the child dies of SIGSEGV; with this, no query within the length limit
#: does.
CHILD_STACK_BYTES = 128 << 20


def _on_big_stack(work: Callable[[], None]) -> None:
    """Run `work` on a thread with a stack of CHILD_STACK_BYTES, and wait for it. A child forked
    from a request thread (gthread workers, the slots' refills) runs on that thread's fixed-size
    stack, which no RLIMIT_STACK can grow; a thread of its own can have any size. Threads inherit
    the seccomp filter installed before they start."""
    previous = threading.stack_size(CHILD_STACK_BYTES)
    try:
        worker = threading.Thread(target=work, name="work", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()


def _limit_memory(extra: int | None) -> int | None:
    """Cap the address space at what the child has now (its work's stack included) plus `extra`
    bytes, and return that size; None: no cap."""
    size = _address_space() if extra else None
    if size is None or not extra:  # not Linux: no cheap way to know the current size, so no cap
        return None
    resource.setrlimit(resource.RLIMIT_AS, (size + extra, size + extra))
    return size


def _grown(capped_at: int, peak_at_cap: int, by: int) -> bool:
    """Whether the address space has grown by more than `by` bytes since it was `capped_at`. Asked
    after every call, on the queries' path: reading /proc costs 34 µs, so it is read only once
    the peak resident size (one system call, 1 µs) has itself grown that much."""
    if (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_at_cap) * 1024 <= by:
        return False
    return (_address_space() or 0) - capped_at > by


def _address_space() -> int | None:
    """This process's address space in bytes (what RLIMIT_AS caps), where Linux says it."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None
