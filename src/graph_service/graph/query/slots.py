"""Query slots: a fixed number of sandboxed query processes, and who may wait for one.

A slot is one long-lived query process (`sandbox.IsolatedWorker`). A request takes a free slot,
or waits in a bounded queue for one; the front (the HTTP server's threads) stays free to answer
pages, health checks and cached answers whatever the slots are doing.

The count is the service's, not a worker's: every gunicorn worker keeps its own query processes,
but they draw on one `SlotBudget` in memory shared by all workers (created before gunicorn forks
them), so `size` queries run at once in all, however the connections fall among the workers. What a
worker that dies holding slots (killed by the kernel, say) had taken is given back as gunicorn's
master reaps it (`SlotBudget.release`).
Admission is decided at once, never by letting a request hang:

- one client (its remote address) may hold or wait for at most `per_client` slots: beyond that,
  `OverShare` (HTTP 429); clients are counted in hashed buckets, so two clients that share a
  bucket share a share (stricter, never looser);
- when every slot is busy and `queue` requests already wait: `QueueFull` (HTTP 503);
- a request that waited a whole time limit without a slot freeing (it cannot happen unless slots
  are stuck) gets `QueueFull` too;
- a waiting request whose client has gone away (`gone()` says so) is dropped (`ClientGone`)
  rather than run; it is checked again just before its query is sent.

Both refusals carry `retry_after`, the seconds after which a slot has surely freed (every query
stops at its time limit).
"""

from __future__ import annotations

import atexit
import fcntl
import math
import multiprocessing
import multiprocessing.util
import os
import tempfile
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from graph_service.graph.query.sandbox import IsolatedWorker, Late

#: How often a waiting request looks for a free slot, and whether its client is still there.
_RECHECK = 0.02
#: How often the idle slots are looked at for a query process that died (killed from outside).
_SWEEP = 1.0
#: Seconds a query counts as young (see `_YoungQueries`).
_YOUNG = 0.02


class _YoungQueries:
    """At most `limit` queries of this process younger than `_YOUNG` seconds: one more waits until
    one of them ends or comes of age (never longer than that), then takes its slot.

    Each query process has its own memory and caches: the same query ran up to twice as slowly
    when eight processes took turns at two CPUs as when one per CPU answered them one after the
    other (the aggregate at 8 clients: 665 answers a second against 1,046; the bare app, 1,132).
    Slots are taken most recently freed first, so queries that wait here are answered by the
    processes that have just answered, warm. A long query (a runaway) holds no one back for more
    than `_YOUNG` seconds: once of age it no longer counts, and the next query goes to another
    process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._started: list[float] = []
        self._changed = threading.Condition()

    def enter(self) -> float:
        """Wait for a place; the token `leave` takes."""
        with self._changed:
            while True:
                now = time.monotonic()
                self._started = [t for t in self._started if now - t < _YOUNG]
                if len(self._started) < self.limit:
                    self._started.append(now)
                    return now
                self._changed.wait(_YOUNG - (now - self._started[0]))

    def leave(self, token: float) -> None:
        with self._changed:
            if token in self._started:
                self._started.remove(token)
                self._changed.notify()


class Busy(RuntimeError):
    """No slot for this request now; `str()` says why, `retry_after` when to try again."""

    status = 503

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after)
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class OverShare(Busy):
    """The client already holds (or waits for) its share of the slots."""

    status = 429


class QueueFull(Busy):
    """Every slot is busy and the queue for them is full."""


class ClientGone(RuntimeError):
    """The client closed its connection while its request waited: nothing was run."""


_BUCKETS = 4096
# Rows of counts: slots taken, requests waiting, then slots taken or awaited per client bucket.
# The first row is the service's totals; each serving process also counts in a row of its own,
# headed by its pid, so that what a dead process held can be taken off the totals.
_OWNER, _BUSY, _WAITING, _CLIENTS = 0, 1, 2, 3
_ROW = _CLIENTS + _BUCKETS
#: Rows beyond the processes the budget is made for (a worker being replaced, say).
_SPARE_ROWS = 4


class SlotBudget:
    """The service's slot counts in shared memory: slots taken, requests waiting, and slots taken
    or awaited per client. Create it before forking the processes that share it (`processes` of
    them at once at most, beside spares).

    What a process that dies holding slots had counted (a worker killed by the kernel's OOM
    killer, by its own time limit, by an operator) is given back by `release(pid)`, which
    gunicorn's master calls as it reaps a worker; until then it would stay taken for good, and
    the service would refuse queries with less and less cause. The lock between processes is a
    record lock on a shared file, which the kernel drops when its holder dies: a semaphore held
    by a killed process would stay held, and every request would wait for it forever."""

    def __init__(self, size: int, *, queue: int, per_client: int, processes: int = 1) -> None:
        if size < 1:
            raise ValueError("at least one query slot is needed")
        self.size = size
        #: The serving processes that draw on it.
        self.processes = max(1, processes)
        self.queue = max(0, queue)
        self.per_client = max(1, per_client)
        self._end = (1 + max(1, processes) + _SPARE_ROWS) * _ROW
        self._counts: Any = multiprocessing.get_context("fork").RawArray("l", self._end)
        self._file = tempfile.TemporaryFile(prefix="graph-service-slots-")
        self._thread_lock = threading.Lock()
        self._row: int | None = None
        _BUDGETS.add(self)

    def enter(self, client: str, retry_after: int) -> bool:
        """Count the client in: True with a slot taken, False when it must wait (it is counted as
        waiting); `OverShare` / `QueueFull` when it may do neither."""
        bucket = _CLIENTS + zlib.crc32(client.encode("utf-8", "replace")) % _BUCKETS
        c = self._lock()
        try:
            mine = self._own_row(c)
            if c[bucket] >= self.per_client:
                held = c[bucket]
                raise OverShare(f"this client already has {held} {'query' if held == 1 else 'queries'} "
                                "(or validations) running or waiting, its share of the "
                                f"{self.size} query slots; try again when one has "
                                "finished", retry_after)
            if c[_BUSY] < self.size:
                counted = _BUSY
            elif c[_WAITING] >= self.queue:
                waiting = c[_WAITING]
                raise QueueFull(f"all {self.size} query slots are busy and {waiting} "
                                f"{'request' if waiting == 1 else 'requests'} already "
                                f"{'waits' if waiting == 1 else 'wait'} for one; try again shortly",
                                retry_after)
            else:
                counted = _WAITING
            for row in (0, mine):
                c[row + counted] += 1
                c[row + bucket] += 1
            return counted == _BUSY
        finally:
            self._unlock()

    def take_waiting(self) -> bool:
        """For a waiting request: take a slot if one is free."""
        c = self._lock()
        try:
            if c[_BUSY] >= self.size:
                return False
            for row in (0, self._own_row(c)):
                c[row + _BUSY] += 1
                c[row + _WAITING] -= 1
            return True
        finally:
            self._unlock()

    def leave(self, client: str, *, held: bool) -> None:
        """Count the client out, from a slot (`held`) or from the queue."""
        bucket = _CLIENTS + zlib.crc32(client.encode("utf-8", "replace")) % _BUCKETS
        counted = _BUSY if held else _WAITING
        c = self._lock()
        try:
            for row in (0, self._own_row(c)):
                c[row + counted] -= 1
                c[row + bucket] -= 1
        finally:
            self._unlock()

    def release(self, pid: int) -> int:
        """Give back what process `pid` held or waited for (it has exited); how many slots and
        queue places that was."""
        c = self._lock()
        try:
            for row in range(_ROW, self._end, _ROW):
                if c[row + _OWNER] == pid:
                    return self._give_back(c, row)
            return 0
        finally:
            self._unlock()

    @property
    def busy(self) -> int:
        return int(self._counts[_BUSY])

    @property
    def waiting(self) -> int:
        return int(self._counts[_WAITING])

    def _own_row(self, c: Any) -> int:
        """This process's row, claimed on its first count: a free one, or one whose process has
        gone without being released (what it held is given back first)."""
        if self._row is not None:
            return self._row
        pid = os.getpid()
        for row in range(_ROW, self._end, _ROW):
            owner = c[row + _OWNER]
            if owner == 0 or owner == pid or not _alive(owner):
                self._give_back(c, row)
                c[row + _OWNER] = pid
                self._row = row
                return row
        raise RuntimeError(f"more than {self._end // _ROW - 1} processes share the query slots")

    @staticmethod
    def _give_back(c: Any, row: int) -> int:
        freed = c[row + _BUSY] + c[row + _WAITING]
        if freed:
            for i in range(_BUSY, _ROW):
                c[i] -= c[row + i]
        c[row:row + _ROW] = _EMPTY_ROW
        return int(freed)

    def _lock(self) -> Any:
        # Threads of a process first (a record lock is the process's, whichever thread takes it).
        self._thread_lock.acquire()
        try:
            fcntl.lockf(self._file, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        return self._counts

    def _unlock(self) -> None:
        fcntl.lockf(self._file, fcntl.LOCK_UN)
        self._thread_lock.release()

    def _reset_after_fork(self) -> None:
        # A fork copies the lock as it was (perhaps held by a thread that the child does not
        # have) and the parent's row, neither of which is the child's.
        self._thread_lock = threading.Lock()
        self._row = None


_EMPTY_ROW = [0] * _ROW
_BUDGETS: weakref.WeakSet[SlotBudget] = weakref.WeakSet()


def _after_fork() -> None:
    for budget in list(_BUDGETS):
        budget._reset_after_fork()


os.register_at_fork(after_in_child=_after_fork)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process now has that pid: ours is gone
        return False
    return True


class QuerySlots:
    """This process's query processes (as many as the budget's slots, each forked on first use),
    admitted by `budget`; see the module's description."""

    def __init__(self, handler: Callable[..., Any], budget: SlotBudget, *, timeout: float,
                 memory_limit: int | None = None, allow_network: bool = False,
                 demote_after: float | None = 0.1, on_start: Callable[[], Any] | None = None,
                 prestart: int = 0) -> None:
        self.budget = budget
        self.timeout = timeout
        self.retry_after = max(1, math.ceil(timeout))
        self._free = [IsolatedWorker(handler, memory_limit=memory_limit, allow_network=allow_network,
                                     demote_after=demote_after, on_start=on_start)
                      for _ in range(budget.size)]
        # This process's share of the machine's CPUs: as many young queries at once.
        self._young = _YoungQueries(max(1, math.ceil((os.cpu_count() or 1) / budget.processes)))
        self._all = list(self._free)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._sweeping: int | None = None  # the process whose sweeper runs
        # The slots used first (the free list is taken from its end) start ready.
        for worker in self._free[-prestart:] if prestart else ():
            worker.start()
        self._start_sweeper()
        _LIVE.add(self)

    def call(self, *args: Any, client: str, gone: Callable[[], bool] | None = None,
             late: Late | None = None, timeout: float | None = None) -> Any:
        """`handler(*args)` in a free slot within the time limit, or within `timeout` seconds where
        that is shorter (and `late`'s check, see `IsolatedWorker.call`); raises `OverShare`,
        `QueueFull`, `ClientGone`, or what `IsolatedWorker.call` raises."""
        limit = self.limit(timeout)
        with self.admitted(client, hold=limit, gone=gone):
            return self.run(*args, late=late, timeout=limit)

    def limit(self, timeout: float | None) -> float:
        """The time limit of a call that asks for `timeout` seconds: never above the slots' own."""
        return self.timeout if timeout is None else min(timeout, self.timeout)

    def run(self, *args: Any, late: Late | None = None, timeout: float | None = None) -> Any:
        """`handler(*args)` in a free slot (within `limit(timeout)`), for a caller `admitted`
        holds: the slot is not given back when it returns, so that what the caller does next with
        its answer (a remote store's fetch) still counts against the slots and its client's share."""
        young = self._young.enter()
        try:
            with self._lock:
                # The budget never lets more calls in than this process has workers.
                worker = self._free.pop()
            try:
                return worker.call(*args, timeout=self.limit(timeout), late=late)
            finally:
                if worker.pid is None:
                    # Its process was stopped (time limit, crash): the replacement starts now, beside
                    # this request's answer, rather than during the next one (which waits for it).
                    threading.Thread(target=worker.start, daemon=True, name="query slot start").start()
                with self._lock:
                    self._free.append(worker)
        finally:
            self._young.leave(young)

    @contextmanager
    def admitted(self, client: str, *, hold: float, gone: Callable[[], bool] | None = None) -> Iterator[None]:
        """Hold one of the service's slots while other work runs (a user's validation in a process
        of its own, stopped at `hold` seconds; a remote store's answer, fetched within the query's
        time limit): admitted as a query is, so that it counts against the same slots, queue and
        per-client share; raises `OverShare`, `QueueFull`, `ClientGone`."""
        if self._sweeping != os.getpid():
            self._start_sweeper()
        self._admit(client, gone, retry_after=max(self.retry_after, math.ceil(hold)))
        try:
            if gone is not None and gone():
                raise ClientGone("the client went away before its request ran")
            yield
        finally:
            self.budget.leave(client, held=True)

    def pids(self) -> list[int]:
        """Process ids of the slots' running processes (a slot forks its process on first use)."""
        return [w.pid for w in self._all if w.pid is not None]

    def close(self) -> None:
        self._closed.set()
        for worker in self._all:
            worker.retire()

    def _start_sweeper(self) -> None:
        # Started with the slots, and again by the first call in a process forked since (threads
        # do not cross a fork).
        with self._lock:
            if self._sweeping == os.getpid():
                return
            self._sweeping = os.getpid()
        threading.Thread(target=self._sweep, daemon=True, name="query slot sweeper").start()

    def _sweep(self) -> None:
        """Replace query processes that died while idle: reaped at once rather than left as
        zombies until their slot is next used, and ready before that use."""
        while not self._closed.wait(_SWEEP):
            for worker in self._all:
                if worker.pid is not None and not self._closed.is_set():
                    worker.replace_if_dead()

    def _admit(self, client: str, gone: Callable[[], bool] | None, retry_after: int | None = None) -> None:
        retry_after = retry_after or self.retry_after
        if self.budget.enter(client, retry_after):
            return
        deadline = time.monotonic() + self.timeout + 1
        while True:
            time.sleep(_RECHECK)
            if self.budget.take_waiting():
                return
            if gone is not None and gone():
                self.budget.leave(client, held=False)
                raise ClientGone("the client went away while its query waited for a slot")
            if time.monotonic() > deadline:
                self.budget.leave(client, held=False)
                raise QueueFull(f"no query slot freed within {self.timeout:g} s; try again shortly",
                                retry_after)


#: The slots of this process not yet closed, closed at its exit: before multiprocessing's own exit
#: handler (registered earlier, by the import above, so it runs later) stops and waits for the
#: children, and so that no sweeper forks a new one while it does.
_LIVE: weakref.WeakSet[QuerySlots] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for slots in list(_LIVE):
        slots.close()
