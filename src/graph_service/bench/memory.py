"""The memory of a process tree as the benchmark reports it: PSS (proportional set size) summed
over the processes, from /proc/PID/smaps_rollup.

RSS summed over forked processes counts every shared page once per process (the gunicorn
master's imports, a store opened read-only by each query process), which multiplies what a
forking service holds by its process count. PSS divides each shared page among the processes
that map it, so the sum is what the tree takes from the machine. RSS is kept beside it for
comparison.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class TreeMemory:
    processes: int
    pss_mib: float
    rss_mib: float


def tree_memory(root: int | None = None) -> TreeMemory:
    """PSS and RSS (MiB) summed over `root` and every process below it; without `root`, over the
    processes below this one (the servers the benchmark started, not itself)."""
    pids = descendants(os.getpid()) if root is None else [root, *descendants(root)]
    pss = rss = 0
    counted = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # exited meanwhile, or not ours to read
        counted += 1
    return TreeMemory(counted, round(pss / 1024, 1), round(rss / 1024, 1))


def tree_pss_mib(root: int | None = None) -> float:
    """What the benchmark reports as a service's memory: `tree_memory(root).pss_mib`."""
    return tree_memory(root).pss_mib


def descendants(root: int) -> list[int]:
    """Every process below `root` (children of any of its threads, and theirs), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found: list[int] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        for child in children.get(pid, ()):
            if child not in found:
                found.append(child)
                frontier.append(child)
    return found
