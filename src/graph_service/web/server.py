"""Production serving: the app under gunicorn, threaded workers in front of query slots.

`graph-service serve` binds the listening socket itself (so a port in use is a one-line error,
and port 0 means "any free port"), then hands it to gunicorn, whose workers each create the app:
each worker opens the store and keeps its own query slots (`graph.query.runner`, `graph.query.slots`).

Workers are gthread workers (`ThreadWorker`): connections are kept alive, and every request runs
on a thread of its worker. A query holds a thread while it waits for or occupies a slot; the slots
and the queue are the service's (`graph.SlotBudget`, shared by the workers), and each worker has a
thread for each of them plus `_SPARE_THREADS`, so that however busy the slots are, threads remain
for pages, health checks and answers already kept. A stuck query is stopped by its own time limit
long before gunicorn's worker timeout would kill the worker.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import gc
import ipaddress
import logging
import multiprocessing
import os
import re
import resource
import select
import selectors
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import urllib.request
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from json.encoder import encode_basestring  # C, where built
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn import glogging, util
from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread

from graph_service.config import Settings
from graph_service.graph import die_with_parent, slot_budget
from graph_service.web.app import create_app
from graph_service.web.errors import SlowRequest

#: Seconds gunicorn allows a worker beyond the longest time limit of a request before killing it.
_WORKER_SLACK = 30
#: Threads of a worker beyond those its query slots and queue may hold.
_SPARE_THREADS = 8
#: Seconds an idle kept-alive connection stays open.
_KEEPALIVE = 5
#: Seconds a thread that has answered waits for the connection's next request before handing the
#: connection back to its worker's poller.
_LINGER = 0.002
#: Seconds a client has to send a request's head (request line and headers) once it has begun,
#: and then its body (both waited for by the poller: see `request_arrived`).
HEAD_SECONDS = 10
BODY_SECONDS = 60
#: Bytes of a request head at most (gunicorn's limits allow more, no client sends it): 431 beyond;
#: the same for a chunked body's trailer fields.
_HEAD_BYTES = 65536
#: Bytes of a chunk's size line (with its extensions) at most: gunicorn's limit on a header line.
_CHUNK_LINE = 8190
#: Bytes of unfinished requests a worker's poller holds at most, all connections together: a
#: connection whose request would take it past that is answered 503. Without it a thousand slow
#: uploads, each under the size limit, would hold gigabytes.
_HELD_BYTES = 64 << 20
#: Seconds a closing connection lingers for the client to hang up (RFC 9112 9.6), and bytes of what
#: it still sends read meanwhile: on the poller, holding no thread.
_CLOSE_LINGER = 1.0
_CLOSE_DRAIN = 1 << 20
#: Bytes of answers a worker holds for clients that read them slower than they come (the poller
#: sends them as they read), in all and per client address; and seconds a client may read none of
#: it before its connection is closed.
_SPILL_BYTES = 256 << 20
_SPILL_PER_CLIENT = 32 << 20
_SEND_SECONDS = 30
#: Threads of a worker that may wait for one client to read once its share of the held bytes is
#: full (large downloads to a slow reader go on), and for all clients: a quarter of its threads.
_WAITING_PER_CLIENT = 4
#: Bytes a second at least that a client must read of what waits for it, on average over
#: `_SEND_SECONDS`: one that empties a small buffer every 20 s (300 B/s) counted as reading, and
#: twenty such addresses held a worker's queue full for good.
_MIN_SEND_RATE = 1024
_TOO_SLOW = "the client reads its answers too slowly"
#: gunicorn's error log (its logger's name), for what happens after a request's access line.
_ERRORS = logging.getLogger("gunicorn.error")
#: Rows for workers beyond `--workers` (a worker being replaced while its successor starts).
_SPARE_ROWS = 4
#: How long a worker holding more connections than another lets new ones wait for that other,
#: and how often it looks again meanwhile (a busy or stuck peer must not leave them waiting).
_YIELD_FOR, _YIELD_STEP = 0.02, 0.002
#: A client address's share of `_HELD_BYTES`: one address cannot fill it for everyone.
_HELD_PER_CLIENT = _HELD_BYTES // 4


def _refusal(status: str, message: str, retry_after: int | None = None) -> bytes:
    body = f"{status}: {message}\n".encode()
    retry = b"Retry-After: %d\r\n" % retry_after if retry_after else b""
    return (b"HTTP/1.1 %s\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"%sContent-Length: %d\r\n\r\n%s" % (status.encode(), retry, len(body), body))


_HEAD_TOO_SLOW = _refusal("408 Request Timeout", f"the request's head did not arrive within {HEAD_SECONDS} s")
_BODY_TOO_SLOW = _refusal("408 Request Timeout", f"the request's body did not arrive within {BODY_SECONDS} s")
_HEAD_TOO_LARGE = _refusal("431 Request Header Fields Too Large",
                           f"the request's head is over {_HEAD_BYTES // 1024} KiB")
_CHUNK_LINE_TOO_LONG = _refusal("400 Bad Request", f"a chunk's size line is over {_CHUNK_LINE // 1024} KiB")
_TRAILERS_TOO_LARGE = _refusal("431 Request Header Fields Too Large",
                               f"the trailer fields after the last chunk are over {_HEAD_BYTES // 1024} KiB")
_TOO_MANY_CONNECTIONS = _refusal("503 Service Unavailable", "the server holds as many connections as it "
                                 "can, this address the most; send the request again", retry_after=5)
_HELD_TOO_MUCH = _refusal("503 Service Unavailable", "the server holds as many unfinished requests as "
                          "it can; send this one again in a few seconds", retry_after=5)


def threads_per_worker(settings: Settings) -> int:
    """Enough threads for every slot and queue place (a worker may get all of them), and spares."""
    return settings.query_slots + settings.query_queue + _SPARE_THREADS


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def _json_number(value: float | None) -> str:
    return "null" if value is None else repr(value)  # what json writes for a number


class JsonAccessLog(glogging.Logger):
    """gunicorn's logger, writing one JSON object per request: when, the method and route (the path,
    without the query string, which may hold a query), the status, the duration and the size of
    the answer. No request body and no query is ever logged."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # Read once: gunicorn's settings are looked up anew at each reading.
        self._on = bool(cfg.accesslog or cfg.logconfig or cfg.logconfig_dict or cfg.syslog)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self._on:
            return
        method, route = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
        # As json.dumps writes the same object ({"time": ..., "method": ..., "route": ...,
        # "status": ..., "duration_ms": ..., "bytes": ...}), at a third of its cost.
        text = (f'{{"time": "{datetime.now(UTC).isoformat(timespec="milliseconds")[:-6]}Z", '
                f'"method": {_json_text(method)}, "route": {_json_text(route)}, '
                f'"status": {int(str(resp.status).split()[0])}, '
                f'"duration_ms": {_json_number(round(request_time.total_seconds() * 1000, 3))}, '
                f'"bytes": {_json_number(getattr(resp, "sent", None))}}}')
        # A stream's handler is written to directly: logging's record (its caller lookup, its
        # time and thread fields, none of which the line uses) was an eighth of a worker's
        # Python time per request in a profile under load.
        for handler in self.access_log.handlers:
            if isinstance(handler, logging.StreamHandler):
                # As logging's own handler would, a closed or broken stream loses the line
                # rather than the answer.
                with handler.lock or contextlib.nullcontext(), contextlib.suppress(OSError, ValueError):
                    handler.stream.write(text + handler.terminator)
                    handler.flush()
            else:
                handler.handle(self.access_log.makeRecord(
                    self.access_log.name, logging.INFO, "", 0, text, (), None))


class ConnectionShares:
    """How many connections each worker holds, in memory shared by gunicorn's master and its
    workers, so that a worker holding more than another lets the other accept the next one.

    Every worker waits on the one listening socket, and whichever wakes first takes a new
    connection; a client's kept-alive connections then stay with it. Eight connections opened at
    once fell 8/0 between two workers about one time in six: one worker did all the work, behind
    one interpreter lock, at half the service's throughput (the join: 1,079 answers a second
    against 1,950 with a 5/3 or 7/1 split). A row per worker holds its count, or -1 while it does
    not accept (starting, full, stopping, gone); rows are handed out by the master as it forks."""

    def __init__(self, rows: int) -> None:
        self._counts: Any = multiprocessing.get_context("fork").RawArray("l", [-1] * rows)

    def assign(self, worker: Any, others: Iterable[Any]) -> None:
        """In the master, before forking `worker`: a row no live worker has (none if all are
        taken: that worker then neither yields nor is yielded to)."""
        taken = {getattr(other, "connection_row", None) for other in others}
        worker.connection_row = next((row for row in range(len(self._counts)) if row not in taken), None)
        self.withdraw(worker)

    def withdraw(self, worker: Any) -> None:
        """`worker` takes no connection (any more): no one yields to it."""
        self.publish(worker, -1)

    def publish(self, worker: Any, count: int) -> None:
        row = getattr(worker, "connection_row", None)
        if row is not None:
            self._counts[row] = count

    def others_hold_fewer(self, worker: Any, count: int) -> bool:
        """Whether a worker other than `worker` that accepts holds fewer than `count`."""
        row = getattr(worker, "connection_row", None)
        return row is not None and any(
            0 <= held < count for other, held in enumerate(self._counts) if other != row)


class ThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker, with these changes.

    A thread that has answered on a kept-alive connection serves the connection's next request
    too when it comes within `_LINGER` seconds and no other connection waits for a thread. In
    gthread every request of a kept-alive connection crosses two threads: the worker's poller
    sees the connection readable and hands it to a pool thread, which hands it back once it has
    answered. For a client that asks back to back (a script, a harvester, a benchmark) those
    hand-overs were a fifth of the cost of a small query (the join at 8 clients: 0.53x of the
    bare app's throughput with them, 0.66x without). Fairness stays the poller's: a thread lets go
    of its connection as soon as another connection waits for a thread.

    A thread takes a connection only once its request has arrived whole (`request_arrived`); what
    of its answer the client does not take at once is sent by the poller (`ClientSocket`); and a
    connection is closed on the poller too: a slow client holds no thread.

    A worker that holds more connections than another leaves a new one to the other
    (`ConnectionShares`), for a moment.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiting = 0  # connections handed to the pool, not yet taken by a thread
        self._waiting_lock = threading.Lock()
        self._held = 0  # bytes of unfinished requests in the poller's connections
        self._held_by: defaultdict[str, int] = defaultdict(int)  # the same by client address
        self._closing: deque[Any] = deque()  # closing connections, in the order of their timeouts
        self._spill = Spill(max_waiting=max(1, self.cfg.threads // 4))
        self._writing: set[Any] = set()  # connections whose answers the poller is sending
        self._is_ssl = self.cfg.is_ssl  # gunicorn's settings are looked up anew at each reading
        self._shares: ConnectionShares | None = getattr(self.app, "connection_shares", None)
        # While new connections are left to a peer: since when, and until when this time.
        self._yielding_since = self._yield_until = 0.0

    # gunicorn counts the connections in `nr_conns` wherever it opens or closes one; each change
    # is also published to the other workers.
    @property
    def nr_conns(self) -> int:
        return self._nr_conns

    @nr_conns.setter
    def nr_conns(self, count: int) -> None:
        self._nr_conns = count
        shares = getattr(self, "_shares", None)  # None while gunicorn's __init__ runs
        if shares is not None and self._accepting:
            shares.publish(self, count)

    def set_accept_enabled(self, enabled: bool) -> None:
        if enabled and time.monotonic() < self._yield_until:
            return  # gunicorn's loop asks again at each turn; the yield ends at its own time
        super().set_accept_enabled(enabled)
        if self._shares is not None:
            if enabled:
                self._shares.publish(self, self.nr_conns)
            else:
                self._shares.withdraw(self)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # Back in time for the end of a yield: gunicorn's loop then listens again.
        left = self._yield_until - time.monotonic()
        super().wait_for_and_dispatch_events(min(timeout, left) if left > 0 else timeout)

    @property
    def body_limit(self) -> int:
        return int(self.app.settings.max_request_bytes)

    def on_client_socket_readable(self, conn: Any, client: Any) -> None:
        if conn.sock.fileno() == -1:
            return  # evicted (`_evict_idle`) after the poller found it readable, in the same batch
        super().on_client_socket_readable(conn, client)

    def on_pending_socket_readable(self, conn: Any, client: Any) -> None:
        if conn.sock.fileno() == -1:
            # Evicted (`_evict_idle`) after the poller found it readable, in the same batch of
            # events: its callback raised on the closed socket, out of the worker's loop.
            return
        # What has come of a request is read here, on the poller's thread: a connection still
        # short of a whole request stays in the poller. Handing it to a pool thread at every
        # packet and back cost some 30 µs each: 50 connections sending a byte a millisecond kept
        # more than a core busy.
        ready = request_arrived(conn, self.body_limit)
        self._hold(conn, conn.received if ready is gthread._DEFER else 0)
        if ready is gthread._DEFER and (self._held > _HELD_BYTES
                                        or self._held_by[_peer(conn)] > _HELD_PER_CLIENT):
            ready = _refuse(conn, _HELD_TOO_MUCH)
            self._hold(conn, 0)
        if ready is gthread._DEFER:
            conn.timeout = time.monotonic() + self.cfg.keepalive  # it is still sending
            self.pending_conns.remove(conn)
            self.pending_conns.append(conn)  # kept in the order of their timeouts
            return
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        if ready is False:  # refused (408, 431, 503)
            self._close_lingering(conn)
            return
        conn.data_ready = conn.arrived = True
        self.enqueue_req(conn)

    def accept(self, listener: Any) -> None:
        if self._shares is not None and self._shares.others_hold_fewer(self, self.nr_conns):
            now = time.monotonic()
            if now - self._yield_until > _YIELD_STEP:  # not just back from yielding: a new wait
                self._yielding_since = now
            if now - self._yielding_since < _YIELD_FOR:
                # Not accepting for a moment: the other worker, woken by the same connection,
                # takes it; if it has not by then, this one looks again.
                self._yield_until = now + _YIELD_STEP
                gthread.ThreadWorker.set_accept_enabled(self, False)
                return
        super().accept(listener)
        if self.nr_conns >= self.worker_connections:
            self._evict_idle()

    def _evict_idle(self) -> None:
        """Make room for new clients by closing a connection that waits in the poller (kept alive
        between requests, or still sending its request), of the address holding the most: its
        oldest idle one, else its oldest still sending (answered 503). gunicorn stops accepting
        once a worker holds `worker_connections`: 2,000 connections that sent nothing, opened
        again every 4 s from one address, kept everyone else out; and so did 2,060 that had sent
        a byte, or a head and then a byte of body a second, while only connections that had sent
        nothing were closed. A client that means to ask sends its request within a round trip,
        and an evicted kept-alive client connects again."""
        waiting = [*self.keepalived_conns, *self.pending_conns]
        if not waiting:
            return  # every connection is being served: stop accepting, as gunicorn does
        heaviest = Counter(_network(_peer(c)) for c in waiting).most_common(1)[0][0]
        theirs = [c for c in waiting if _network(_peer(c)) == heaviest]
        conn = next((c for c in theirs if not getattr(c, "held", 0)), theirs[0])
        (self.keepalived_conns if conn in self.keepalived_conns else self.pending_conns).remove(conn)
        if getattr(conn, "held", 0):
            _refuse(conn, _TOO_MANY_CONNECTIONS)
        self._hold(conn, 0)
        self._closed(conn)

    def _hold(self, conn: Any, size: int) -> None:
        """Count `size` bytes of unfinished request as what the poller holds for `conn`."""
        change = size - getattr(conn, "held", 0)
        conn.held = size
        self._held += change
        peer = _peer(conn)
        self._held_by[peer] += change
        if not self._held_by[peer]:
            del self._held_by[peer]

    def handle_request(self, req: Any, conn: Any) -> Any:
        if getattr(conn, "unread_body", False):
            req.must_close = True  # so the answer says `Connection: close`, as it will be
        conn.sock.client = self._client_of(req, conn)
        return super().handle_request(req, conn)

    def _client_of(self, req: Any, conn: Any) -> str:
        """Who the answer goes to, for the held bytes' shares: behind `--proxies` proxies, the
        address they forward for (as the app reads it), not the proxy's own."""
        proxies = int(self.app.settings.proxies)
        if proxies:
            forwarded = [v.strip() for name, value in req.headers if name == "X-FORWARDED-FOR"
                         for v in value.split(",")]
            if len(forwarded) >= proxies:
                return forwarded[-proxies]
        return _peer(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        result = None if fs.cancelled() or fs.exception() else fs.result()
        if result is _WRITING:
            conn.mark = None
            try:
                conn.sock.setblocking(False)
                self.poller.register(conn.sock, selectors.EVENT_WRITE, partial(self._on_writable, conn))
            except (OSError, ValueError, KeyError):  # gone meanwhile: as gunicorn's own errors here
                self._closed(conn)
                return
            self._writing.add(conn)
            return
        if not result:
            if conn.sock.fileno() == -1:  # closed already, by gunicorn's `handle`
                self.nr_conns -= 1
            else:
                self._close_lingering(conn)
            return
        if result is gthread._DEFER and not self.alive:
            # gunicorn takes a deferral of a stopping worker for a kept-alive connection, and
            # with a request begun in its buffer hands it straight back to a thread: a spin.
            self._close_lingering(conn)
            return
        super().finish_request(conn, fs)

    def _on_writable(self, conn: Any, client: Any) -> None:
        try:
            done = conn.sock.sent()
        except OSError:  # the client has gone
            done = None
        if done is False:
            return
        self.poller.unregister(conn.sock)
        self._writing.discard(conn)
        if done is None:
            self._closed(conn)
        elif conn.keepalive:
            super().finish_request(conn, _finished(True))
        else:
            self._close_lingering(conn)

    def _close_lingering(self, conn: Any) -> None:
        """Close as RFC 9112 9.6 asks (our side first, then what the client still sends is read
        until it hangs up, so that the kernel does not reset the connection and lose the answer),
        on the poller: gunicorn lingered up to 2 s on its one poller thread (a client that never
        hung up stopped the worker answering anyone), and a pool thread lingering instead held a
        thread per closing connection."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_closing_readable, conn))
        except (OSError, ValueError, KeyError):
            self._closed(conn)
            return
        conn.timeout, conn.drained = time.monotonic() + _CLOSE_LINGER, 0
        self._closing.append(conn)

    def _on_closing_readable(self, conn: Any, client: Any) -> None:
        try:
            data = socket.socket.recv(conn.sock, 65536, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.drained += len(data)
        if not data or conn.drained > _CLOSE_DRAIN:
            self._closing.remove(conn)
            self._closed(conn)

    def _closed(self, conn: Any) -> None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            self.poller.unregister(conn.sock)
        if isinstance(conn.sock, ClientSocket):
            conn.sock.discard()
        util.close(conn.sock)
        self.nr_conns -= 1

    def murder_pending(self) -> None:
        now = time.monotonic()
        while self._closing and self._closing[0].timeout <= now:
            self._closed(self._closing.popleft())
        for conn in list(self._writing):
            # What is left counts the kernel's unsent bytes too: it says the socket is writable
            # only once a third of its buffer (megabytes) has gone, which a client reading 40 KB/s
            # takes half a minute to reach, reading all along.
            left = conn.sock.queued() + (_unsent(conn.sock) or 0)
            if getattr(conn, "mark", None) is None:
                conn.mark = (now, left)
            elif conn.mark[1] - left >= _MIN_SEND_RATE * max(1.0, now - conn.mark[0]):
                conn.mark = (now, left)  # keeping pace: a new window
            elif now - conn.mark[0] > _SEND_SECONDS:
                self._writing.discard(conn)  # its client has read too little for that long
                conn.sock.discard(cut=_TOO_SLOW)
                self._closed(conn)
        for conn in self.pending_conns:
            if conn.timeout > now:
                break
            self._hold(conn, 0)
        murder_pending_with_408(self)
        super().murder_pending()

    def enqueue_req(self, conn: Any) -> None:
        with self._waiting_lock:
            self._waiting += 1
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        with self._waiting_lock:
            self._waiting -= 1
        if not isinstance(conn.sock, ClientSocket):
            conn.sock = ClientSocket.adopt(conn.sock)
            conn.sock.on_expiry = lambda: _close_after(conn)
            conn.sock.spill = self._spill
            conn.sock.client = _peer(conn)
        return self._serve(conn)

    def _keepalive_after(self, conn: Any, keepalive: Any) -> Any:
        # A body past the size limit is refused unread (413): the connection closes rather than
        # have this thread read the rest of it, at whatever pace the client likes, to reuse it.
        if getattr(conn, "unread_body", False):
            return False
        return super()._keepalive_after(conn, keepalive)

    def _serve(self, conn: Any) -> Any:
        poller: select.poll | None = None
        while True:
            # What the poller found whole is not read and scanned again (nor its 100 Continue sent).
            ready = True if getattr(conn, "arrived", False) else request_arrived(conn, self.body_limit)
            conn.arrived = False
            if ready is not True:
                return ready
            conn.sock.deadline = time.monotonic() + BODY_SECONDS
            try:
                keepalive = super().handle(conn)
            finally:
                conn.sock.deadline = None
            if conn.sock.outbox:
                if conn.sock.fileno() == -1:  # closed by gunicorn: what waits is lost with it
                    conn.sock.discard()
                    return False
                # The rest of the answer goes out from the poller; the next request waits for it.
                conn.keepalive = keepalive is True and self.alive
                return _WRITING
            if keepalive is not True or not self.alive or self._is_ssl or self._waiting:
                return keepalive
            # Bytes of the next request read along with this one do not make the socket readable.
            if not conn.parser.unreader.buf.getvalue():
                if poller is None:  # once per connection handed over, not per request
                    poller = select.poll()  # not select(): descriptors past 1024 are common here
                    poller.register(conn.sock, select.POLLIN)
                if not poller.poll(_LINGER * 1000):
                    return keepalive


def _unsent(sock: socket.socket) -> int | None:
    """Bytes the kernel holds for the socket's client, not yet acknowledged (Linux's SIOCOUTQ)."""
    try:
        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except (OSError, ValueError):
        return None


#: What a thread returns for a connection whose answer the poller is to finish sending.
_WRITING = object()


def _peer(conn: Any) -> str:
    """The client's address, for its shares; an IPv6 client's /64 (one host may have all of it)."""
    return _share_of(str(conn.client[0] if isinstance(conn.client, tuple) else conn.client))


@lru_cache(maxsize=4096)
def _share_of(address: str) -> str:
    # Cached: a full worker counts its thousand connections by address at every accept
    # (`_evict_idle`), and making an IPv6 /64 a thousand times took 10 ms of the poller's thread.
    if ":" in address:
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


@lru_cache(maxsize=4096)
def _network(share: str) -> str:
    """Whose connections go first when a worker is full: an IPv6 client's /48, wider than its
    share's /64, as one holder of many /64s (a /48 has 65,536) could keep each at one waiting
    connection and make a NAT's address, with two, the heaviest."""
    if ":" in share:
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(share, strict=False).supernet(new_prefix=48))
    return share


def _finished(result: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(result)
    return done


def request_arrived(conn: Any, body_limit: int) -> Any:
    """True when the connection's next request has arrived whole: its head and its body (of a
    Content-Length, or chunked), or as much of the body as shows it is over `body_limit` bytes
    (the app refuses it, 413; `conn.unread_body` says so), or the client has gone (gunicorn then
    reads and answers as it always does); else the connection goes back to the poller (gthread's
    `_DEFER`) without holding a thread. What has come is read into gunicorn's buffer for the
    request (`conn.received` bytes), so that the poller waits for more, not for what it has seen.
    A head not come within `HEAD_SECONDS` of its first byte, or a body within `BODY_SECONDS` of
    its head, is answered 408; a head over `_HEAD_BYTES`, 431. What gunicorn would refuse (a
    malformed length or chunk) goes to it at once.

    A slow client (one byte now, one later: slowloris; or a head, then a body that never comes)
    held a thread for as long as it liked, and some eighty such connections, all the threads of
    both workers: nothing was answered."""
    conn.init()  # gunicorn's parser, whose buffer the bytes read here go to
    try:
        data = socket.socket.recv(conn.sock, _HEAD_BYTES, socket.MSG_DONTWAIT)  # more: next time
    except (BlockingIOError, InterruptedError):
        data = None
    except OSError:
        return True
    if data == b"":  # the client has closed (gunicorn reads what it sent, then sees that)
        return True
    # Appended, and only what is new looked at: copying what had come at every packet cost a
    # millisecond a packet with a megabyte waiting, on the poller's own thread.
    buffer = conn.parser.unreader.buf
    size = buffer.seek(0, os.SEEK_END)
    if data:
        size += buffer.write(data)
    conn.received = size
    if not size:  # nothing yet: the poller waits for it (gunicorn's keep-alive timeout)
        return gthread._DEFER
    now = time.monotonic()
    if getattr(conn, "body", None) is None:
        scanned = max(0, getattr(conn, "scanned", 0) - 3)  # a blank line may straddle two packets
        with buffer.getbuffer() as view:
            found = _head_end(bytes(view[scanned:size]))
            head = bytes(view[:scanned + found]) if found is not None else b""
        if found is None:
            conn.scanned = size
            if size >= _HEAD_BYTES:
                return _refuse(conn, _HEAD_TOO_LARGE)
            conn.head_since = getattr(conn, "head_since", None) or now
            return _refuse(conn, _HEAD_TOO_SLOW) if now - conn.head_since > HEAD_SECONDS else gthread._DEFER
        conn.head_since, conn.body_since = None, now
        conn.body = Body.framed_by(head, scanned + found, body_limit)
        # HTTP/1.1 only: a 1.0 client must never get a 1xx (gunicorn sends its own later too,
        # which a client reads past, RFC 9110 15.2).
        http11 = head.split(b"\n", 1)[0].rstrip().endswith(b"/1.1")
        if conn.body.expected and http11 and _expects_continue(head):
            with contextlib.suppress(OSError):  # the client waits for it before sending the body
                socket.socket.send(conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n", socket.MSG_DONTWAIT)
    with buffer.getbuffer() as view:
        whole = conn.body.arrived(view, size)
    if isinstance(whole, bytes):
        return _refuse(conn, whole)
    if whole:
        conn.unread_body = conn.body.over
        conn.body = None
        conn.scanned = 0
        return True
    return _refuse(conn, _BODY_TOO_SLOW) if now - conn.body_since > BODY_SECONDS else gthread._DEFER


class Body:
    """What the poller knows of a request's body, from its head and what has come of it: whether
    it has arrived whole, or enough of it to tell that it is over the limit."""

    def __init__(self, start: int, length: int | None, chunked: bool, limit: int) -> None:
        self.at = start  # where the body, then the next chunk's size line, begins in the buffer
        self.length, self.chunked, self.limit = length, chunked, limit
        self.data = 0  # bytes of the body in the chunks that have arrived whole
        self.over = length is not None and length > limit

    @classmethod
    def framed_by(cls, head: bytes, start: int, limit: int) -> Body:
        codings = b",".join(_header(head, b"transfer-encoding"))
        lengths = _header(head, b"content-length")
        if codings:
            last = codings.rsplit(b",", 1)[-1].strip().lower()
            # Any other coding, or a length beside it, is gunicorn's to refuse, at once.
            return cls(start, None, last == b"chunked" and not lengths, limit)
        if len(lengths) == 1 and lengths[0].isdigit():
            return cls(start, int(lengths[0]), False, limit)
        return cls(start, None, False, limit)  # none (no body), or malformed: gunicorn's to say

    @property
    def expected(self) -> bool:
        """Whether a body is to come that the poller waits for."""
        return not self.over and (self.chunked or bool(self.length))

    def arrived(self, view: memoryview, size: int) -> bool | bytes:
        """True when the body has come whole, or enough of it to be over the limit, or framing
        that gunicorn refuses as soon as it reads it (a size that is not hexadecimal): a thread
        then takes it and does not wait; False while more is to come; an answer (400, 431) for
        framing too long to wait for. Never True for a body that a thread would read on."""
        if self.over or not self.expected:
            return True
        if not self.chunked:
            return size - self.at >= (self.length or 0)
        while True:  # chunk by chunk, each size line read once (1-byte chunks are cheap too)
            window = bytes(view[self.at:min(size, self.at + _CHUNK_LINE + 2)])
            line_end = window.find(b"\n")
            if line_end < 0:
                return _CHUNK_LINE_TOO_LONG if len(window) > _CHUNK_LINE else False
            digits = window[:line_end].split(b";", 1)[0].strip()
            if not re.fullmatch(rb"[0-9A-Fa-f]+", digits):
                return True  # a whole line that is no size: gunicorn refuses it at once
            chunk, data_at = int(digits, 16), self.at + line_end + 1
            if chunk == 0:  # the last chunk: then trailer lines, if any, and a blank line
                rest = bytes(view[data_at:min(size, data_at + _HEAD_BYTES + 4)])
                if rest.startswith((b"\r\n", b"\n")) or b"\r\n\r\n" in rest or b"\n\n" in rest:
                    return True
                return _TRAILERS_TOO_LARGE if len(rest) > _HEAD_BYTES else False
            if self.data + min(chunk, size - data_at) > self.limit:
                self.over = True  # the app reads past the limit from what is here, and refuses it
                return True
            if data_at + chunk + 2 > size:  # the chunk's data and the line end after it
                return False
            self.data += chunk
            self.at = data_at + chunk + 2


def _head_end(received: bytes) -> int | None:
    """Where the request's head ends (after its blank line), if it has."""
    ends = [i + len(mark) for mark in (b"\r\n\r\n", b"\n\n") if (i := received.find(mark)) >= 0]
    return min(ends) if ends else None


def _header(head: bytes, name: bytes) -> list[bytes]:
    found = []
    for line in head.split(b"\n")[1:]:
        key, colon, value = line.partition(b":")
        if colon and key.strip().lower() == name:
            found.append(value.strip())
    return found


def _expects_continue(head: bytes) -> bool:
    return any(v.lower() == b"100-continue" for v in _header(head, b"expect"))


def _refuse(conn: Any, answer: bytes) -> bool:
    with contextlib.suppress(OSError):
        socket.socket.send(conn.sock, answer, socket.MSG_DONTWAIT)  # small: the kernel takes it whole
    return False


def _close_after(conn: Any) -> None:
    """Have gunicorn close the connection after the answer to the request being read (and say
    so: `Connection: close`), whose body did not come in time: what is left of it is unread."""
    request = getattr(conn.parser, "mesg", None)
    if request is not None:
        request.must_close = True


def murder_pending_with_408(worker: Any) -> None:
    """Before gunicorn closes the connections waiting for a request that did not come within
    its keep-alive timeout, answer 408 to those that had begun one."""
    now = time.monotonic()
    for conn in worker.pending_conns:
        if conn.timeout > now:
            break
        received = conn.parser.unreader.buf.getvalue() if conn.parser is not None else b""
        if received:
            answer = _HEAD_TOO_SLOW if _head_end(received) is None else _BODY_TOO_SLOW
            with contextlib.suppress(OSError):
                socket.socket.send(conn.sock, answer, socket.MSG_DONTWAIT)


class Spill:
    """Bytes of answers written to connections faster than their clients read them, held for the
    worker's poller to send: at most `_SPILL_BYTES` in all and `_SPILL_PER_CLIENT` per client.
    Past either, a thread waits for its client to read (as a blocking write would), but at most
    `_WAITING_PER_CLIENT` threads per client and `max_waiting` in all, and none for a client
    reading under `_MIN_SEND_RATE` for `_SEND_SECONDS`: then the connection is closed, the
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
            if self.held + size > _SPILL_BYTES or mine + size > _SPILL_PER_CLIENT:
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
            allowed = (self.waiting.get(client, 0) < _WAITING_PER_CLIENT
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
    (`ThreadWorker`). A client that asked for large answers and read none held a thread each for
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
        self.discard(cut=_TOO_SLOW, beyond=len(rest))
        raise BrokenPipeError(errno.EPIPE, _TOO_SLOW)

    def _sent_waiting(self, rest: bytes) -> bool:
        """Send what waits and then `rest` on this thread, as the client reads; False once the
        client has read less than `_MIN_SEND_RATE` for `_SEND_SECONDS`."""
        mark, drained = time.monotonic(), 0
        ready = select.poll()
        ready.register(self, select.POLLOUT)
        while self.outbox or rest:
            left = mark + _SEND_SECONDS - time.monotonic()
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
            if drained >= _MIN_SEND_RATE * max(1.0, time.monotonic() - mark):
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


def _all_open_files() -> None:
    """As many open files as the system lets the process have (workers inherit it): a worker
    holds up to gunicorn's 1,000 connections, over a common soft limit of 1,024 with its pipes,
    store and query processes, and a full worker must still accept (to close an idle one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


class GraphServiceApplication(BaseApplication):
    """gunicorn configured in code: no config file, no command line of its own."""

    def __init__(self, settings: Settings, listener: socket.socket) -> None:
        self.settings = settings
        # gunicorn adopts (and closes) the descriptor; our socket object must let go of it.
        self.fd = listener.detach()
        # Made here, in gunicorn's master, so that every worker forked from it shares the counts.
        self.budget = slot_budget(settings)
        self.connection_shares = ConnectionShares(settings.workers + _SPARE_ROWS)
        _all_open_files()
        super().__init__()

    def load_config(self) -> None:
        longest = max(self.settings.query_timeout, self.settings.validation_timeout)
        options = {
            "bind": [f"fd://{self.fd}"],
            "workers": self.settings.workers,
            "worker_class": ThreadWorker,
            "threads": threads_per_worker(self.settings),
            "keepalive": _KEEPALIVE,
            "timeout": int(longest + _WORKER_SLACK),
            "graceful_timeout": 10,
            # The longest request line gunicorn allows: GET queries up to ~8 KB; POST longer ones.
            "limit_request_line": 8190,
            "accesslog": "-",
            "logger_class": JsonAccessLog,
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "graph-service",
            # gunicorn's runtime control (worker counts, reload, stop) over a socket at a path
            # shared by every gunicorn of the user: nothing this service offers.
            "control_socket_disable": True,
            # Static files too are written through `ClientSocket`, not sent by the kernel from the
            # file on a thread that waits for the client.
            "sendfile": False,
            # Forwarded headers are trusted by the app alone, from `--proxies` proxies: gunicorn's
            # own trust of loopback peers let any client behind a local proxy set its mount
            # path (a `SCRIPT_NAME` header: pages cached per mount path, links wherever it said).
            "forwarded_allow_ips": "",
            "forwarder_headers": "",
            "preload_app": False,
            "pre_fork": lambda arbiter, worker: self.connection_shares.assign(
                worker, arbiter.WORKERS.values()),
            "child_exit": self._worker_exited,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def _worker_exited(self, arbiter: Any, worker: Any) -> None:
        # In the master, as it reaps a worker, before it forks the replacement.
        self.connection_shares.withdraw(worker)
        freed = self.budget.release(worker.pid)
        if freed:
            arbiter.log.warning("worker %s ended with %s queries running or waiting: their query "
                                "slots are free again", worker.pid, freed)

    def load(self) -> Flask:
        # Runs in each worker after the fork: every worker has its own app, store and query child.
        app = create_app(self.settings, self.budget)
        # What the app has built lives as long as the worker. Left to the collector, a full
        # collection walked all of it (80 ms of CPU) at the worker's first requests, and again
        # every so often under load: the worker then neither answered nor accepted. (Collected
        # first, it freed none of its 282,000 objects: the collection is not worth its time.)
        gc.freeze()
        return app


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free port); OSError if that is impossible."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


def url_of(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class BackgroundServer:
    """`graph-service serve` started as a separate process on a free loopback port, for tests and
    the benchmark: the real command, gunicorn and all. Use as a context manager, or `stop()`."""

    def __init__(self, files: tuple[str, ...] = (), options: tuple[str, ...] = (),
                 env: dict[str, str] | None = None, startup_timeout: float = 120.0) -> None:
        command = [sys.executable, "-m", "graph_service.cli", "serve", *map(str, files),
                   "--host", "127.0.0.1", "--port", "0", *options]
        # Output goes to a file: a pipe nobody reads would stall gunicorn's access log.
        self.log = Path(tempfile.mkstemp(prefix="graph-service-", suffix=".log")[1])
        with self.log.open("wb") as out:
            # The server stops (gracefully) if we die without stopping it.
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, **(env or {})}, start_new_session=True,
                                            preexec_fn=lambda: die_with_parent(signal.SIGTERM))
        deadline = time.monotonic() + startup_timeout
        self.url = ""
        while not self.url:
            if self.process.poll() is not None:
                raise RuntimeError(f"graph-service serve exited with {self.process.returncode}:\n"
                                   + self.output())
            if time.monotonic() > deadline:
                said = self.output()  # read before `stop`, which deletes the log
                self.stop()
                raise RuntimeError("graph-service serve did not start:\n" + said)
            self.url = _announced_url(self.output())
            time.sleep(0.05)
        self._wait_ready(deadline)

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def _wait_ready(self, deadline: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(self.sparql + "?query=ASK%7B%7D", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                said = self.output()
                self.stop()
                raise RuntimeError("graph-service serve did not answer:\n" + said)
            time.sleep(0.1)

    def stop(self) -> None:
        """Graceful stop (SIGTERM to gunicorn's master), then a kill of the group if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> BackgroundServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _announced_url(output: str) -> str:
    match = re.search(r"^graph-service: serving .* at (http://\S+/) \(", output, re.MULTILINE)
    return match.group(1) if match else ""
