"""Peers side by side: each started on the same file, each query under load at 1 and 8 clients,
and the latency of a trivial query while four runaway queries run.

Throughput and latency come from `load.run_wrk` (Debian's wrk: a C event loop, far from being the
bottleneck at these rates). Each request's text is made distinct (a numbered comment), so no
server's answer cache serves it: the figures are answering, not looking up. Before a query is put
under load it is sent once and its status and size recorded, so a peer that refuses a query or
answers it differently shows in the results instead of a throughput of errors.
"""

from __future__ import annotations

import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from graph_service.bench import load
from graph_service.bench.cpu import tree_cpu_seconds
from graph_service.bench.memory import tree_pss_mib
from graph_service.bench.peers import PEERS, Endpoint, PeerFailed, Setup
from graph_service.bench.workload import RUNAWAY, SELECT_ACCEPT, TRIVIAL, Query

#: Runaway queries sent at once in the isolation measurement.
RUNAWAYS = 4
#: The peers whose ratio is a target (issue #13: this service over the bare app), measured in turns.
PAIR = ("graph-service", "bare")


@dataclass(frozen=True)
class Plan:
    clients: tuple[int, ...] = (1, 8)
    seconds: float = 5.0
    #: Seconds the trivial query is timed for while the runaways run.
    runaway_seconds: float = 5.0
    #: Turns of the interleaved measurement of PAIR (0: none).
    rounds: int = 3


def run(names: Sequence[str], setup: Setup, queries: Sequence[Query], plan: Plan,
        progress: Callable[[str], None] = print,
        then: Mapping[str, Callable[[Endpoint], None]] | None = None) -> dict[str, Any]:
    """Every peer in `names`: its version, start-up, memory, each query's load figures and the
    runaway isolation; a peer that is not installed or fails to start has `missing` instead.
    `then[name](endpoint)`, where given, measures more on that peer once this is done, before it
    is stopped (a peer started once for both)."""
    results: dict[str, Any] = {}
    for name in names:
        peer = PEERS[name]
        record: dict[str, Any] = {"title": peer.title, "version": peer.version()}
        results[name] = record
        problem = peer.missing()
        if problem:
            record["missing"] = problem
            progress(f"{name}: missing: {problem}")
            continue
        progress(f"{name}: starting on {setup.nquads.name}")
        with ExitStack() as stack:
            started = time.perf_counter()
            try:
                endpoint = stack.enter_context(peer.start(setup))
            except (PeerFailed, RuntimeError, OSError) as exc:
                record["missing"] = f"did not start: {exc}"
                progress(f"{name}: did not start: {exc}")
                continue
            record["startup_s"] = round(time.perf_counter() - started, 3)
            try:
                _measure(name, endpoint, record, queries, plan, setup, progress)
                if then and name in then:
                    then[name](endpoint)
            except (RuntimeError, OSError) as exc:
                # A peer that stops answering mid-run is a finding, not the end of the benchmark.
                record["failed"] = f"stopped answering: {exc}"
                progress(f"{name}: failed: {exc}")
    return results


def interleaved(setup: Setup, queries: Sequence[Query], plan: Plan,
                progress: Callable[[str], None] = print) -> dict[str, Any]:
    """PAIR's throughput ratio, each query and client count measured in turns (this service, the
    bare app, this service, ...) while both run: a machine that slows down for a while (shared,
    throttled) then weighs on both sides of each ratio, which one peer after the other does not
    guarantee. Per query and client count: every turn's ratio, their median, and each side's
    median requests per second and CPU time per request."""
    ours, bare = (PEERS[name] for name in PAIR)
    problem = ours.missing() or bare.missing()
    if problem:
        return {"missing": problem}
    out: dict[str, Any] = {"rounds": plan.rounds, "seconds": plan.seconds, "queries": {}}
    with ours.start(setup) as first, bare.start(setup) as second:
        for query in queries:
            if check(first, query)["status"] != 200 or check(second, query)["status"] != 200:
                continue
            for clients in plan.clients:
                turns: dict[str, list[tuple[float, float, int]]] = {name: [] for name in PAIR}
                for _ in range(plan.rounds):
                    for name, endpoint in zip(PAIR, (first, second), strict=True):
                        result, cpu = _turn(endpoint, query, clients, plan.seconds)
                        turns[name].append((result.requests_per_s, cpu or 0.0, result.errors))
                ratios = [a[0] / b[0] for a, b in zip(turns[PAIR[0]], turns[PAIR[1]], strict=True) if b[0]]
                entry: dict[str, Any] = {"ratios": [round(r, 3) for r in ratios],
                         "ratio": round(statistics.median(ratios), 3) if ratios else None}
                for name in PAIR:
                    rates, cpus, errors = zip(*turns[name], strict=True)
                    entry[name] = {"requests_per_s": round(statistics.median(rates), 1),
                                   "cpu_ms_per_request": round(statistics.median(cpus), 3),
                                   "errors": sum(errors)}
                out["queries"].setdefault(query.name, {})[str(clients)] = entry
                progress(f"{PAIR[0]} / {PAIR[1]}, in turns: {query.name} x{clients}: "
                         f"{entry['ratio']}x (turns: {', '.join(f'{r:.2f}' for r in ratios)})")
    return out


def _turn(endpoint: Endpoint, query: Query, clients: int,
          seconds: float) -> tuple[load.LoadResult, float | None]:
    """One run of load, and the CPU milliseconds per answered request (None: none answered).
    Only this peer works meanwhile, so the CPU time of every process under the benchmark is
    counted as its own."""
    cpu_before = tree_cpu_seconds()
    result = load.run_wrk(endpoint.url, query.text, threads=min(clients, 2), connections=clients,
                          seconds=seconds, accept=query.accept, vary=True, form=endpoint.form)
    cpu = tree_cpu_seconds() - cpu_before
    return result, (round(cpu * 1000 / result.requests, 3) if result.requests else None)


def _measure(name: str, endpoint: Endpoint, record: dict[str, Any], queries: Sequence[Query], plan: Plan,
             setup: Setup, progress: Callable[[str], None]) -> None:
    record["default_graph"] = endpoint.default_graph
    record["queries"] = {}
    for query in queries:
        record["queries"][query.name] = entry = {"check": check(endpoint, query)}
        if entry["check"]["status"] != 200:
            progress(f"{name}: {query.name}: HTTP {entry['check']['status']}, not put under load")
            continue
        for clients in plan.clients:
            result, cpu = _turn(endpoint, query, clients, plan.seconds)
            entry[str(clients)] = figures = result.as_dict()
            if cpu is not None:
                figures["cpu_ms_per_request"] = cpu
            progress(f"{name}: {query.name} x{clients}: {result.requests_per_s:g}/s, "
                     f"p50 {result.p50:.2f} ms, p99 {result.p99:.2f} ms, {result.errors} errors, "
                     f"{figures.get('cpu_ms_per_request', '?')} ms CPU per request")
    record["memory_mib"] = tree_pss_mib()
    record["runaway"] = isolation(endpoint, plan.runaway_seconds, setup.timeout)
    progress(f"{name}: trivial query during {RUNAWAYS} runaways: {record['runaway']['summary']}")


def check(endpoint: Endpoint, query: Query, timeout: float = 60) -> dict[str, Any]:
    """One request: its status, size, time and the Content-Type answered. A refusal that says
    when to come back (429 or 503 with Retry-After: the requests of the load just measured still
    hold the slots while they drain) is asked again, every half second within that time."""
    started = time.monotonic()
    out = _check_once(endpoint, query, timeout)
    wait = out.pop("retry_after", None)
    if out["status"] not in (429, 503) or wait is None:
        return out
    deadline = started + min(wait, _RETRY_AT_MOST)
    while out["status"] in (429, 503) and time.monotonic() < deadline:
        time.sleep(_RETRY_EVERY)
        out = _check_once(endpoint, query, timeout)
        out.pop("retry_after", None)
        out["retried_after_s"] = round(time.monotonic() - started, 1)
    return out


#: Seconds of a Retry-After that `check` asks again within, and how often.
_RETRY_AT_MOST = 30
_RETRY_EVERY = 0.5


def _check_once(endpoint: Endpoint, query: Query, timeout: float) -> dict[str, Any]:
    if endpoint.form:
        body = urllib.parse.urlencode({"query": query.text}).encode()
        media = "application/x-www-form-urlencoded"
    else:
        body, media = query.text.encode(), "application/sparql-query"
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": media, "Accept": query.accept})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            body, status, media = resp.read(), resp.status, resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body, status, media = exc.read(), exc.code, exc.headers.get("Content-Type", "")
        retry = exc.headers.get("Retry-After", "")
    except OSError as exc:
        return {"status": 0, "error": str(exc), "seconds": round(time.perf_counter() - started, 3)}
    else:
        retry = ""
    out: dict[str, Any] = {"status": status, "bytes": len(body), "media_type": media.split(";")[0],
                           "seconds": round(time.perf_counter() - started, 3)}
    if retry.isdigit():
        out["retry_after"] = int(retry)
    if status != 200:
        out["error"] = body[:300].decode("utf-8", "replace")
    return out


def isolation(endpoint: Endpoint, seconds: float, limit: float) -> dict[str, Any]:
    """The trivial query's latency alone, then while RUNAWAYS runaway queries run."""
    url = endpoint.url
    alone = load.run_wrk(url, TRIVIAL, threads=1, connections=1, seconds=seconds / 2,
                         accept=SELECT_ACCEPT, vary=True, form=endpoint.form)
    statuses: list[str] = []

    def runaway() -> None:
        statuses.append(str(check(endpoint, _runaway_query(), timeout=seconds + limit + 10).get("status", 0)))

    threads = [threading.Thread(target=runaway, daemon=True) for _ in range(RUNAWAYS)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the runaways are running before the trivial query is timed
    during = load.run_wrk(url, TRIVIAL, threads=1, connections=1, seconds=seconds, accept=SELECT_ACCEPT,
                          vary=True, timeout=seconds, form=endpoint.form)
    for t in threads:
        t.join(limit + 5)
    # wrk counts a request that failed (refused connection, error status) among its errors, and
    # only a completed one among its requests: both are said as they are.
    errors = f", {during.errors} errors" if during.errors else ""
    if during.requests:
        summary = (f"{during.requests} answers in {during.seconds:g} s{errors}, p50 {during.p50:.2f} ms, "
                   f"p99 {during.p99:.2f} ms")
    else:
        summary = f"no answer in {during.seconds:g} s{errors}"
    return {"alone": alone.as_dict(), "during": during.as_dict(), "runaway_status": sorted(statuses),
            "summary": summary}


def _runaway_query() -> Query:
    return Query("runaway", RUNAWAY)
