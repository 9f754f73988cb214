"""Clients' shares of a worker's connections: who a full worker turns away first, and how the
workers share out connections opened at once."""

from __future__ import annotations

import contextlib
import ipaddress
import multiprocessing
from collections.abc import Iterable
from functools import lru_cache
from typing import Any


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


def peer_of(conn: Any) -> str:
    """The client's address, for its shares; an IPv6 client's /64 (one host may have all of it)."""
    return share_of(str(conn.client[0] if isinstance(conn.client, tuple) else conn.client))


@lru_cache(maxsize=4096)
def share_of(address: str) -> str:
    # Cached: a full worker counts its thousand connections by address at every accept
    # (`worker.ThreadWorker._evict_idle`), and making an IPv6 /64 a thousand times took 10 ms of
    # the poller's thread.
    if ":" in address:
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return address


@lru_cache(maxsize=4096)
def network_of(share: str) -> str:
    """Whose connections go first when a worker is full: an IPv6 client's /48, wider than its
    share's /64, as one holder of many /64s (a /48 has 65,536) could keep each at one waiting
    connection and make a NAT's address, with two, the heaviest."""
    if ":" in share:
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(share, strict=False).supernet(new_prefix=48))
    return share
