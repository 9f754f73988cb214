"""What one connection may take of a worker, and the answers past it: seconds for a request to
arrive, bytes held for unfinished requests and for answers clients read slowly, and the
refusals (written as whole HTTP responses: they are sent before any app has the request)."""

from __future__ import annotations

from graph_service.web.headers import OPEN_ANSWER_HEADERS

#: Seconds a client has to send a request's head (request line and headers) once it has begun,
#: and then its body (both waited for by the poller: see `reading.request_arrived`).
HEAD_SECONDS = 10
BODY_SECONDS = 60
#: Bytes of a request head at most (gunicorn's limits allow more, no client sends it): 431 beyond,
#: or 414 where its request line is over `FIELD_BYTES`; the same for a chunked body's trailer fields.
HEAD_BYTES = 65536
#: Bytes of one header line at most (gunicorn's limit on one), and so of a chunk's size line (with
#: its extensions); a head over `HEAD_BYTES` whose request line is longer is a URL too long (414).
FIELD_BYTES = 8190
CHUNK_LINE = FIELD_BYTES
#: Bytes of unfinished requests a worker's poller holds at most, all connections together: a
#: connection whose request would take it past that is answered 503. Without it a thousand slow
#: uploads, each under the size limit, would hold gigabytes.
HELD_BYTES = 64 << 20
#: Seconds a closing connection lingers for the client to hang up (RFC 9112 9.6), and bytes of what
#: it still sends read meanwhile: on the poller, holding no thread.
CLOSE_LINGER = 1.0
CLOSE_DRAIN = 1 << 20
#: Bytes of answers a worker holds for clients that read them slower than they come (the poller
#: sends them as they read), in all and per client address; and seconds a client may read none of
#: it before its connection is closed.
SPILL_BYTES = 256 << 20
SPILL_PER_CLIENT = 32 << 20
SEND_SECONDS = 30
#: Threads of a worker that may wait for one client to read once its share of the held bytes is
#: full (large downloads to a slow reader go on), and for all clients: a quarter of its threads.
WAITING_PER_CLIENT = 4
#: Bytes a second at least that a client must read of what waits for it, on average over
#: `SEND_SECONDS`: one that empties a small buffer every 20 s (300 B/s) counted as reading, and
#: twenty such addresses held a worker's queue full for good.
MIN_SEND_RATE = 1024
TOO_SLOW = "the client reads its answers too slowly"
#: A client address's share of `HELD_BYTES`: one address cannot fill it for everyone.
HELD_PER_CLIENT = HELD_BYTES // 4


def _refusal(status: str, message: str, retry_after: int | None = None) -> bytes:
    body = f"{status}: {message}\n".encode()
    retry = b"Retry-After: %d\r\n" % retry_after if retry_after else b""
    # Readable by a script of any origin, as the routes' own answers are: without it a browser's
    # query editor saw a network error, not why.
    opened = "".join(f"{name}: {value}\r\n" for name, value in OPEN_ANSWER_HEADERS).encode()
    return (b"HTTP/1.1 %s\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"%s%sContent-Length: %d\r\n\r\n%s" % (status.encode(), opened, retry, len(body), body))


HEAD_TOO_SLOW = _refusal("408 Request Timeout", f"the request's head did not arrive within {HEAD_SECONDS} s")
BODY_TOO_SLOW = _refusal("408 Request Timeout", f"the request's body did not arrive within {BODY_SECONDS} s")
HEAD_TOO_LARGE = _refusal("431 Request Header Fields Too Large",
                          f"the request's head is over {HEAD_BYTES // 1024} KiB")
LINE_TOO_LONG = _refusal("414 URI Too Long", f"the request's head is over {HEAD_BYTES // 1024} KiB, most of "
                         "it the request line (a query that long goes by POST: application/sparql-query "
                         "or a form)")


def too_large(head: bytes) -> bytes:
    """The refusal of a head over `HEAD_BYTES` (its first bytes, at least up to the limit)."""
    line_end = head.find(b"\n", 0, HEAD_BYTES)
    return LINE_TOO_LONG if line_end < 0 or line_end > FIELD_BYTES else HEAD_TOO_LARGE
CHUNK_LINE_TOO_LONG = _refusal("400 Bad Request", f"a chunk's size line is over {CHUNK_LINE // 1024} KiB")
TRAILERS_TOO_LARGE = _refusal("431 Request Header Fields Too Large",
                              f"the trailer fields after the last chunk are over {HEAD_BYTES // 1024} KiB")
TOO_MANY_CONNECTIONS = _refusal("503 Service Unavailable", "the server holds as many connections as it "
                                "can, this address the most; send the request again", retry_after=5)
HELD_TOO_MUCH = _refusal("503 Service Unavailable", "the server holds as many unfinished requests as "
                         "it can; send this one again in a few seconds", retry_after=5)
