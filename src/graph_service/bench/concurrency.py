"""This service's runaway isolation, as the issue measures it (the peers' comparison, `compare`,
measures throughput beside the bare app and a trivial query under 4 runaways from one client).

Runaway isolation: `runaways` queries no store can finish (a five-way cross product) are sent at
once, each from its own loopback address (127.0.0.x are all this machine, and the service counts
a client's share of the query slots by address), while a trivial `ASK {}` (a distinct text each
time, so no kept answer serves it) is asked in a loop from 127.0.0.1. Reported: the trivial
query's latency percentiles, when each runaway was answered and how (it must be stopped within
its limit plus one second), and the service's memory (RSS and PSS summed over its processes)
before, during and after.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Sequence
from typing import Any

from graph_service.bench.memory import tree_memory
from graph_service.bench.peers import Endpoint
from graph_service.bench.workload import RUNAWAY

ACCEPT = "application/sparql-results+json"


def runaway_isolation(endpoint: Endpoint, *, runaways: int = 8, limit: float, seconds: float = 5.0,
                      settle: float = 1.0) -> dict[str, Any]:
    """The trivial query's latency while `runaways` run; see the module's description. The memory
    "after" is measured `settle` seconds after the last runaway was answered."""
    if endpoint.pid is None:
        raise ValueError("the runaway isolation measures a server the benchmark started")
    pid = endpoint.pid
    port = urllib.parse.urlsplit(endpoint.url).port or 80
    before = memory(pid)
    outcomes: list[dict[str, Any]] = []

    def runaway(n: int) -> None:
        started = time.perf_counter()
        status = _get(port, RUNAWAY + f" # runaway {n}", source=f"127.0.0.{10 + n}",
                      timeout=limit + 60)[0]
        outcomes.append({"status": status, "answered_after_s": round(time.perf_counter() - started, 3)})

    threads = [threading.Thread(target=runaway, args=(n,), daemon=True) for n in range(runaways)]
    for t in threads:
        t.start()
    latencies, failures, n = [], 0, 0
    stop = time.perf_counter() + seconds
    during = None
    while time.perf_counter() < stop:
        n += 1
        started = time.perf_counter()
        status = _get(port, f"ASK {{}} # trivial {n}", timeout=60)[0]
        latencies.append(time.perf_counter() - started)
        failures += status != 200
        if during is None and time.perf_counter() > stop - seconds / 2:
            during = memory(pid)
        time.sleep(0.01)
    for t in threads:
        t.join()
    time.sleep(settle)  # replacements of the stopped query processes settle
    after = memory(pid)
    stopped = [o["answered_after_s"] for o in outcomes]
    return {
        "runaways": runaways, "limit_s": limit,
        "trivial": {"requests": len(latencies), "failed": failures, **percentiles(latencies)},
        "runaway_statuses": sorted({o["status"] for o in outcomes}),
        "runaway_answered_after_s": {"min": min(stopped), "max": max(stopped)},
        "runaways_within_limit_plus_1s": all(s <= limit + 1 for s in stopped),
        "memory_mib": {"before": before, "during": during or after, "after": after},
    }


def memory(root: int) -> dict[str, float]:
    """PSS and RSS (MiB) summed over a process and its descendants (see `memory.tree_memory`)."""
    found = tree_memory(root)
    return {"processes": found.processes, "rss": found.rss_mib, "pss": found.pss_mib}


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    if not ordered:
        return {}

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1e3, 2)

    return {"p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99), "max_ms": round(ordered[-1] * 1e3, 2)}


def _get(port: int, sparql: str, *, source: str = "127.0.0.1", timeout: float) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": sparql}),
                     headers={"Accept": ACCEPT})
        resp = conn.getresponse()
        return resp.status, resp.read()
    except OSError:
        return 0, b""
    finally:
        conn.close()
