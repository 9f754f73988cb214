"""The CPU time of a process tree, as the benchmark reports it per answered request.

Requests per second on a shared machine move with whatever else runs; the CPU a server spends per
answer moves far less, and it says where a gap between two servers comes from (the bare app and
this service answer the same query with the same engine). Counted: user and system time of every
process below the benchmark (the servers it started), including what their exited children used
(`cutime`, `cstime`: a query process retired mid-run). The load generator's own time is not
counted: it is the benchmark's child, not a server's, and it has exited when the figure is read.
"""

from __future__ import annotations

import os

from graph_service.bench.memory import descendants

_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int | None = None) -> float:
    """CPU seconds used so far by the processes below `root` (default: below this process)."""
    total = 0
    for pid in descendants(os.getpid() if root is None else root):
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile: its time is in its parent's cutime from now on
        # After ")": state is field 0, so utime, stime, cutime and cstime are fields 11 to 14.
        total += sum(int(v) for v in fields[11:15])
    return total / _TICKS
