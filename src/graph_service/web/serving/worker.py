"""gunicorn's gthread worker, changed where a public service needs it: requests read and answers
sent by the poller, connections shared among the workers, and threads kept for every slot."""

from __future__ import annotations

import contextlib
import fcntl
import select
import selectors
import socket
import struct
import termios
import threading
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import Future
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers import gthread

from graph_service.web.serving.limits import (
    BODY_SECONDS,
    CLOSE_DRAIN,
    CLOSE_LINGER,
    HELD_BYTES,
    HELD_PER_CLIENT,
    HELD_TOO_MUCH,
    MIN_SEND_RATE,
    SEND_SECONDS,
    TOO_MANY_CONNECTIONS,
    TOO_SLOW,
)
from graph_service.web.serving.reading import close_after, murder_pending_with_408, refuse, request_arrived
from graph_service.web.serving.sending import ClientSocket, Spill
from graph_service.web.serving.shares import ConnectionShares, network_of, peer_of

#: Seconds a thread that has answered waits for the connection's next request before handing the
#: connection back to its worker's poller.
_LINGER = 0.002
#: How long a worker holding more connections than another lets new ones wait for that other,
#: and how often it looks again meanwhile (a busy or stuck peer must not leave them waiting).
_YIELD_FOR, _YIELD_STEP = 0.02, 0.002

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
        if ready is gthread._DEFER and (self._held > HELD_BYTES
                                        or self._held_by[peer_of(conn)] > HELD_PER_CLIENT):
            ready = refuse(conn, HELD_TOO_MUCH)
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
        heaviest = Counter(network_of(peer_of(c)) for c in waiting).most_common(1)[0][0]
        theirs = [c for c in waiting if network_of(peer_of(c)) == heaviest]
        conn = next((c for c in theirs if not getattr(c, "held", 0)), theirs[0])
        (self.keepalived_conns if conn in self.keepalived_conns else self.pending_conns).remove(conn)
        if getattr(conn, "held", 0):
            refuse(conn, TOO_MANY_CONNECTIONS)
        self._hold(conn, 0)
        self._closed(conn)

    def _hold(self, conn: Any, size: int) -> None:
        """Count `size` bytes of unfinished request as what the poller holds for `conn`."""
        change = size - getattr(conn, "held", 0)
        conn.held = size
        self._held += change
        peer = peer_of(conn)
        self._held_by[peer] += change
        if not self._held_by[peer]:
            del self._held_by[peer]

    def handle_request(self, req: Any, conn: Any) -> Any:
        # The poller (`request_arrived`) has sent 100 Continue where a body within the limit was
        # to come. gunicorn's own, sent as it reads the head, came after that body, or before a
        # 413 the head had already decided (RFC 9110 10.1.1: the final status, at once).
        req._expected_100_continue = False
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
        return peer_of(conn)

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
        conn.timeout, conn.drained = time.monotonic() + CLOSE_LINGER, 0
        self._closing.append(conn)

    def _on_closing_readable(self, conn: Any, client: Any) -> None:
        try:
            data = socket.socket.recv(conn.sock, 65536, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.drained += len(data)
        if not data or conn.drained > CLOSE_DRAIN:
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
            elif conn.mark[1] - left >= MIN_SEND_RATE * max(1.0, now - conn.mark[0]):
                conn.mark = (now, left)  # keeping pace: a new window
            elif now - conn.mark[0] > SEND_SECONDS:
                self._writing.discard(conn)  # its client has read too little for that long
                conn.sock.discard(cut=TOO_SLOW)
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
            conn.sock.on_expiry = lambda: close_after(conn)
            conn.sock.spill = self._spill
            conn.sock.client = peer_of(conn)
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


def _finished(result: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(result)
    return done

