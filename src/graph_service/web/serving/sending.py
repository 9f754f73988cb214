"""Sending answers to clients that read slowly, without a thread: the bytes held for them, and
the socket whose writes never wait."""

from __future__ import annotations

import contextlib
import errno
import logging
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

from graph_service.web.errors import SlowRequest
from graph_service.web.serving.limits import (
    BODY_SECONDS,
    MIN_SEND_RATE,
    SEND_SECONDS,
    SPILL_BYTES,
    SPILL_PER_CLIENT,
    TOO_SLOW,
    WAITING_PER_CLIENT,
)

#: gunicorn's error log (its logger's name), for what happens after a request's access line.
_ERRORS = logging.getLogger("gunicorn.error")


class Spill:
    """Bytes of answers written to connections faster than their clients read them, held for the
    worker's poller to send: at most `SPILL_BYTES` in all and `SPILL_PER_CLIENT` per client.
    Past either, a thread waits for its client to read (as a blocking write would), but at most
    `WAITING_PER_CLIENT` threads per client and `max_waiting` in all, and none for a client
    reading under `MIN_SEND_RATE` for `SEND_SECONDS`: then the connection is closed, the
    answer cut."""

    def __init__(self, max_waiting: int = 8) -> None:
        self.held = 0
        self.by_client: dict[str, int] = {}
        self.waiting: dict[str, int] = {}
        self.max_waiting = max_waiting
        self._lock = threading.Lock()

    def take(self, client: str, size: int) -> bool:
        with self._lock:
            mine = self.by_client.get(client, 0)
            if self.held + size > SPILL_BYTES or mine + size > SPILL_PER_CLIENT:
                return False
            self.held += size
            self.by_client[client] = mine + size
            return True

    def give(self, client: str, size: int) -> None:
        with self._lock:
            self.held -= size
            left = self.by_client.get(client, 0) - size
            if left > 0:
                self.by_client[client] = left
            else:
                self.by_client.pop(client, None)

    @contextlib.contextmanager
    def waiting_for(self, client: str) -> Iterator[bool]:
        """Whether a thread may wait for `client` to read (and counted as waiting meanwhile)."""
        with self._lock:
            allowed = (self.waiting.get(client, 0) < WAITING_PER_CLIENT
                       and sum(self.waiting.values()) < self.max_waiting)
            if allowed:
                self.waiting[client] = self.waiting.get(client, 0) + 1
        try:
            yield allowed
        finally:
            if allowed:
                with self._lock:
                    self.waiting[client] -= 1
                    if not self.waiting[client]:
                        del self.waiting[client]


class ClientSocket(socket.socket):
    """A client's socket whose reads stop at `deadline` (a request's body must arrive by then:
    `SlowRequest`, answered 408), and whose writes never wait for the client: what the kernel
    does not take at once goes to `outbox`, which the worker's poller sends as the client reads
    (`worker.ThreadWorker`). A client that asked for large answers and read none held a thread each for
    as long as it kept the connection open: a hundred such connections, every thread."""

    deadline: float | None = None
    #: Called as a read gives up at the deadline.
    on_expiry: Any = None
    #: Where the bytes of answers not yet sent are counted, and for whom; None: writes block.
    spill: Spill | None = None
    client: str = ""
    outbox: deque[bytes]

    @classmethod
    def adopt(cls, sock: socket.socket) -> ClientSocket:
        adopted = cls(sock.family, sock.type, sock.proto, fileno=sock.detach())
        adopted.outbox = deque()
        return adopted

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        return self._by_deadline(flags, lambda: super(ClientSocket, self).recv(bufsize, flags))

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        return self._by_deadline(flags, lambda: super(ClientSocket, self).recv_into(buffer, nbytes, flags))

    def sendall(self, data: Any, flags: int = 0) -> None:
        if self.spill is None:
            return super().sendall(data, flags)
        sent = 0
        if not self.outbox:  # else after what waits, in order
            with contextlib.suppress(BlockingIOError, InterruptedError):
                sent = super().send(data, flags | socket.MSG_DONTWAIT)
        if sent == len(data):
            return None
        rest = data[sent:] if isinstance(data, bytes) else bytes(data[sent:])
        if self.spill.take(self.client, len(rest)):
            self.outbox.append(rest)
            return None
        with self.spill.waiting_for(self.client) as allowed:
            if allowed and self._sent_waiting(rest):
                return None
        # Nothing of what waits is sent after this: the client sees the answer cut short of its
        # Content-Length, and the connection closed.
        self.discard(cut=TOO_SLOW, beyond=len(rest))
        raise BrokenPipeError(errno.EPIPE, TOO_SLOW)

    def _sent_waiting(self, rest: bytes) -> bool:
        """Send what waits and then `rest` on this thread, as the client reads; False once the
        client has read less than `MIN_SEND_RATE` for `SEND_SECONDS`."""
        mark, drained = time.monotonic(), 0
        ready = select.poll()
        ready.register(self, select.POLLOUT)
        while self.outbox or rest:
            left = mark + SEND_SECONDS - time.monotonic()
            if left <= 0 or not ready.poll(left * 1000):
                return False
            before = self.queued() + len(rest)
            try:
                if self.outbox:
                    self.sent()
                else:
                    rest = rest[super().send(rest, socket.MSG_DONTWAIT):]
            except (BlockingIOError, InterruptedError):
                continue
            drained += before - self.queued() - len(rest)
            if drained >= MIN_SEND_RATE * max(1.0, time.monotonic() - mark):
                mark, drained = time.monotonic(), 0  # keeping pace: a new window
        return True

    def queued(self) -> int:
        return sum(len(chunk) for chunk in self.outbox)

    def sent(self) -> bool:
        """Send what waits in `outbox`, as far as the client takes it now; whether all is sent.
        OSError when the client has gone."""
        assert self.spill is not None
        while self.outbox:
            chunk = self.outbox[0]
            try:
                count = super().send(chunk, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                return False
            self.spill.give(self.client, count)
            if count < len(chunk):
                self.outbox[0] = chunk[count:]
                return False
            self.outbox.popleft()
        return True

    def discard(self, cut: str = "", beyond: int = 0) -> None:
        """Forget what waits in `outbox` (the connection is being closed). An answer `cut` for a
        slow reader is logged with what it lacked: the access line, written as the answer left
        the app, counts it whole."""
        unsent = self.queued()
        if self.spill is not None:
            self.spill.give(self.client, unsent)
        self.outbox.clear()
        if cut:
            _ERRORS.warning("an answer was cut %d bytes short: %s", unsent + beyond, cut)

    def _by_deadline(self, flags: int, read: Any) -> Any:
        if self.deadline is None or flags & socket.MSG_DONTWAIT:
            return read()
        left = self.deadline - time.monotonic()
        if left > 0:
            before = self.gettimeout()  # a shorter one the caller set stands (a graceful close's)
            self.settimeout(left if before is None else min(left, before))
            try:
                return read()
            except TimeoutError:
                if before is not None and before < left:
                    raise
            finally:
                self.settimeout(before)
        if self.on_expiry is not None:
            self.on_expiry()
        raise SlowRequest(f"the request did not arrive within {BODY_SECONDS} s")
