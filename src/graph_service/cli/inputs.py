"""What the commands read from files and standard input: never more than their limit.

A file or a stream was read whole before any limit applied: `validate --data /dev/zero` held 12 GB
after 7 s and never stopped, and so did `query /dev/zero`, `yes | graph-service query -`, or a
mistyped device. The service bounds what a request may send; here, what a command may read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from graph_service.cli.errors import Failure

#: Bytes read at a time, so that what is over the limit is never held whole.
_CHUNK = 1 << 20


def read_bounded(path: Path | None, limit: int | None, too_much: str) -> bytes:
    """The bytes of the file at `path` (None: standard input), or `Failure` saying `too_much`
    once they are more than `limit` (None: no limit)."""
    name = str(path) if path is not None else "standard input"
    try:
        if path is None:
            return _read(sys.stdin.buffer, limit, f"{name}: {too_much}")
        if limit is not None and path.is_file() and path.stat().st_size > limit:
            raise Failure(f"{name}: {too_much}")  # said before a byte of it is read
        with path.open("rb") as stream:
            return _read(stream, limit, f"{name}: {too_much}")
    except OSError as exc:
        raise Failure(f"{name}: {exc.strerror or exc}") from None


def _read(stream: IO[bytes], limit: int | None, too_much: str) -> bytes:
    if limit is None:
        return stream.read()
    chunks, total = [], 0
    while chunk := stream.read(min(_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise Failure(too_much)
    return b"".join(chunks)
