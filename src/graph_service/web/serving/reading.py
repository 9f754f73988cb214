"""Reading a request on the worker's poller, without a thread: whether its head and body have
arrived, and what to answer one that does not come in time."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from typing import Any

from gunicorn.workers import gthread

from graph_service.web.serving.limits import (
    BODY_SECONDS,
    BODY_TOO_SLOW,
    CHUNK_LINE,
    CHUNK_LINE_TOO_LONG,
    HEAD_BYTES,
    HEAD_SECONDS,
    HEAD_TOO_SLOW,
    TRAILERS_TOO_LARGE,
    too_large,
)


def request_arrived(conn: Any, body_limit: int) -> Any:
    """True when the connection's next request has arrived whole: its head and its body (of a
    Content-Length, or chunked), or as much of the body as shows it is over `body_limit` bytes
    (the app refuses it, 413; `conn.unread_body` says so), or the client has gone (gunicorn then
    reads and answers as it always does); else the connection goes back to the poller (gthread's
    `_DEFER`) without holding a thread. What has come is read into gunicorn's buffer for the
    request (`conn.received` bytes), so that the poller waits for more, not for what it has seen.
    A head not come within `HEAD_SECONDS` of its first byte, or a body within `BODY_SECONDS` of
    its head, is answered 408; a head over `HEAD_BYTES`, 431 (414 where its request line is the
    long part). What gunicorn would refuse (a malformed length or chunk) goes to it at once.

    A slow client (one byte now, one later: slowloris; or a head, then a body that never comes)
    held a thread for as long as it liked, and some eighty such connections, all the threads of
    both workers: nothing was answered."""
    conn.init()  # gunicorn's parser, whose buffer the bytes read here go to
    try:
        data = socket.socket.recv(conn.sock, HEAD_BYTES, socket.MSG_DONTWAIT)  # more: next time
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
            if size >= HEAD_BYTES:
                with buffer.getbuffer() as view:
                    return refuse(conn, too_large(view[:HEAD_BYTES].tobytes()))
            conn.head_since = getattr(conn, "head_since", None) or now
            return refuse(conn, HEAD_TOO_SLOW) if now - conn.head_since > HEAD_SECONDS else gthread._DEFER
        if scanned + found > HEAD_BYTES:  # its end came in the read that took it past the limit
            return refuse(conn, too_large(head))
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
        return refuse(conn, whole)
    if whole:
        conn.unread_body = conn.body.over
        conn.body = None
        conn.scanned = 0
        return True
    return refuse(conn, BODY_TOO_SLOW) if now - conn.body_since > BODY_SECONDS else gthread._DEFER


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
            window = bytes(view[self.at:min(size, self.at + CHUNK_LINE + 2)])
            line_end = window.find(b"\n")
            if line_end < 0:
                return CHUNK_LINE_TOO_LONG if len(window) > CHUNK_LINE else False
            digits = window[:line_end].split(b";", 1)[0].strip()
            if not re.fullmatch(rb"[0-9A-Fa-f]+", digits):
                return True  # a whole line that is no size: gunicorn refuses it at once
            chunk, data_at = int(digits, 16), self.at + line_end + 1
            if chunk == 0:  # the last chunk: then trailer lines, if any, and a blank line
                rest = bytes(view[data_at:min(size, data_at + HEAD_BYTES + 4)])
                if rest.startswith((b"\r\n", b"\n")) or b"\r\n\r\n" in rest or b"\n\n" in rest:
                    return True
                return TRAILERS_TOO_LARGE if len(rest) > HEAD_BYTES else False
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


def refuse(conn: Any, answer: bytes) -> bool:
    with contextlib.suppress(OSError):
        socket.socket.send(conn.sock, answer, socket.MSG_DONTWAIT)  # small: the kernel takes it whole
    return False


def close_after(conn: Any) -> None:
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
            answer = HEAD_TOO_SLOW if _head_end(received) is None else BODY_TOO_SLOW
            with contextlib.suppress(OSError):
                socket.socket.send(conn.sock, answer, socket.MSG_DONTWAIT)
