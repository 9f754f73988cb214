"""The benchmark behind `graph-service bench`: example queries through HTTP, on each engine, then
runaway isolation and throughput beside the bare limit app (`bench.concurrency`).

For each engine it starts the real server (`graph-service serve` under gunicorn, loopback, free
port), sends every example query `repeat` times as a client would (POST application/sparql-query,
one connection per request), and records median and 95th-percentile latency. For context it also
records each query's time in-process on the bare engine, the cost of the sandbox (a fork per call
against the long-lived query child), and how long a runaway query takes to be stopped.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from graph_service.bench import concurrency
from graph_service.config import PROJECT_ROOT, Settings
from graph_service.graph import (
    Example,
    IsolatedWorker,
    ensure_snapshot,
    formats,
    load_store,
    make_engine,
    run_isolated,
)
from graph_service.web.server import BackgroundServer

ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
#: A cross product no store answers: nine unconstrained patterns.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(9)) + " }"
RUNAWAY_LIMIT = 2.0
# What the in-process timing writes: the same formats the HTTP requests get.
_RESULTS_FORMAT, _GRAPH_FORMAT = formats.named("json"), formats.named("turtle")
# Requests not counted: each gunicorn worker forks its query child on its first query.
_WARM_UP = 4


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Timing:
        ordered = sorted(seconds)
        p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
        return cls(round(statistics.median(ordered) * 1e3, 3), round(p95 * 1e3, 3))


def run(examples: Sequence[Example], engines: Sequence[str], repeat: int, files: Sequence[Path] = (),
        progress: Callable[[str], None] = print, *, concurrent: bool = True,
        quick: bool = False) -> dict[str, Any]:
    settings = Settings.from_env(serve_files=tuple(files) or None)
    store = load_store(settings)
    report: dict[str, Any] = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "data": [str(f) for f in files] or "the project's graph",
        "quads": len(store),
        "repeat": repeat,
        "sandbox": _sandbox_cost(store),
        "engines": {},
    }
    for name in engines:
        progress(f"{name}: starting the server")
        engine = make_engine(name, store)
        options = ("--engine", name, "--query-timeout", str(RUNAWAY_LIMIT), "--workers", "2")
        with BackgroundServer(tuple(str(f) for f in files), options) as server:
            queries = {}
            for example in examples:
                http = _http_timings(server.sparql, example.text, repeat)
                local = [_timed(partial(engine.answer, example.text, results_format=_RESULTS_FORMAT,
                                        graph_format=_GRAPH_FORMAT))
                         for _ in range(repeat)]
                queries[example.name] = {"title": example.title, "file": _shown(example.path),
                                         "http": vars(Timing.of(http["seconds"])),
                                         "in_process": vars(Timing.of(local)),
                                         "status": http["status"], "bytes": http["bytes"]}
                progress(f"{name}: {example.name}: median {queries[example.name]['http']['median_ms']} ms")
            report["engines"][name] = {"queries": queries, "runaway": _runaway(server.sparql)}
    if concurrent:
        report["concurrency"] = _concurrency(settings, examples, files, quick, progress)
    return report


def _concurrency(settings: Settings, examples: Sequence[Example], files: Sequence[Path], quick: bool,
                 progress: Callable[[str], None]) -> dict[str, Any]:
    """Runaway isolation and throughput beside the bare app (`bench.concurrency`), on the one
    file served (or the project's snapshot, served as a file to both)."""
    if len(files) > 1:
        return {"skipped": "the throughput comparison needs one file, the same for the bare app"}
    data = Path(files[0]) if files else ensure_snapshot(settings)
    options = ("--workers", "2", "--query-timeout", str(RUNAWAY_LIMIT))
    progress("concurrency: runaway isolation")
    with BackgroundServer((str(data),), options) as server:
        isolation = concurrency.runaway_isolation(server, runaways=2 if quick else 8, limit=RUNAWAY_LIMIT,
                                                  seconds=1.0 if quick else 6.0)
    progress(f"concurrency: trivial query p95 {isolation['trivial'].get('p95_ms')} ms, "
             f"p99 {isolation['trivial'].get('p99_ms')} ms with {isolation['runaways']} runaways")
    progress("concurrency: throughput beside the bare app")
    chosen = [] if quick else list(examples)
    rates = concurrency.throughput(data, chosen, seconds=1.0 if quick else 5.0, service_options=options,
                                   progress=progress)
    return {"data": _shown(data), "isolation": isolation, "throughput": rates}


def _http_timings(endpoint: str, sparql: str, repeat: int) -> dict[str, Any]:
    seconds, status, size = [], 0, 0
    for i in range(_WARM_UP + repeat):
        # A comment of its own per request: the service keeps answers, and this measures answering.
        text = f"{sparql}\n# request {i}\n"
        request = urllib.request.Request(endpoint, data=text.encode(), method="POST", headers={
            "Content-Type": "application/sparql-query", "Accept": ACCEPT})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as resp:
                body, status = resp.read(), resp.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read(), exc.code
        if i >= _WARM_UP:
            seconds.append(time.perf_counter() - start)
        size = len(body)
    return {"seconds": seconds, "status": status, "bytes": size}


def _runaway(endpoint: str) -> dict[str, Any]:
    url = endpoint + "?" + urllib.parse.urlencode({"query": RUNAWAY})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return {"limit_s": RUNAWAY_LIMIT, "answered_after_s": round(time.perf_counter() - start, 3),
            "status": status}


def _sandbox_cost(store: object, calls: int = 200) -> dict[str, float]:
    def nothing() -> None:
        return None

    worker = IsolatedWorker(lambda: None)
    try:
        worker.call(timeout=10)
        persistent = [_timed(lambda: worker.call(timeout=10)) for _ in range(calls)]
    finally:
        worker.close()
    forked = [_timed(lambda: run_isolated(nothing, timeout=10)) for _ in range(calls)]
    return {"run_isolated_fork_per_call_ms": Timing.of(forked).median_ms,
            "isolated_worker_round_trip_ms": Timing.of(persistent).median_ms}


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def markdown(report: dict[str, Any]) -> str:
    engines = list(report["engines"])
    lines = [
        "# Benchmark: example queries through HTTP",
        "",
        f"Generated {report['generated']} by `graph-service bench --repeat {report['repeat']}` on "
        f"{report['machine']['cpus']} CPUs, Python {report['machine']['python']}; data: "
        f"{report['data']} ({report['quads']} quads). Latency is per request through HTTP "
        "(gunicorn, Flask, the query child, serialisation); \"in-process\" is the bare engine "
        "answering and serialising the same query (no HTTP, no sandbox).",
        "",
        "| query | " + " | ".join(f"{e} median ms | {e} p95 ms | {e} in-process ms" for e in engines) + " |",
        "|---|" + "---:|" * (3 * len(engines)),
    ]
    names = list(next(iter(report["engines"].values()))["queries"]) if engines else []
    for name in names:
        cells = []
        for e in engines:
            q = report["engines"][e]["queries"][name]
            cells += [f"{q['http']['median_ms']:.2f}", f"{q['http']['p95_ms']:.2f}",
                      f"{q['in_process']['median_ms']:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    sandbox = report["sandbox"]
    lines += [
        "",
        f"Sandbox cost per call: {sandbox['run_isolated_fork_per_call_ms']:.2f} ms with a fork per call "
        f"(`run_isolated`), {sandbox['isolated_worker_round_trip_ms']:.3f} ms through the long-lived "
        "query child (`IsolatedWorker`, what the endpoint uses).",
        "",
        "Runaway query (a nine-way cross product) with a time limit of "
        f"{RUNAWAY_LIMIT:g} s: " + "; ".join(
            f"{e}: HTTP {r['runaway']['status']} after {r['runaway']['answered_after_s']:.2f} s"
            for e, r in report["engines"].items()) + ".",
        "",
    ]
    if "concurrency" in report:
        lines += _concurrency_markdown(report["concurrency"])
    return "\n".join(lines)


def _concurrency_markdown(section: dict[str, Any]) -> list[str]:
    if "skipped" in section:
        return ["## Concurrency", "", f"Skipped: {section['skipped']}.", ""]
    iso, rates = section["isolation"], section["throughput"]
    trivial, mem = iso["trivial"], iso["memory_mib"]
    lines = [
        "## Concurrency", "",
        f"Data: {section['data']}. A trivial `ASK {{}}` (distinct text each time) asked in a loop while "
        f"{iso['runaways']} runaway queries (time limit {iso['limit_s']:g} s) run from other clients: "
        f"{trivial['requests']} requests, {trivial['failed']} failed, p50 {trivial.get('p50_ms')} ms, "
        f"p95 {trivial.get('p95_ms')} ms, p99 {trivial.get('p99_ms')} ms, max {trivial.get('max_ms')} ms. "
        f"Runaways answered {iso['runaway_statuses']} after {iso['runaway_answered_after_s']['min']:.2f}-"
        f"{iso['runaway_answered_after_s']['max']:.2f} s (within the limit + 1 s: "
        f"{'yes' if iso['runaways_within_limit_plus_1s'] else 'NO'}). Memory of the service "
        f"(MiB, RSS / PSS over {mem['before']['processes']}-{mem['after']['processes']} processes): before "
        f"{mem['before']['rss']} / {mem['before']['pss']}, during {mem['during']['rss']} / "
        f"{mem['during']['pss']}, after {mem['after']['rss']} / {mem['after']['pss']}.", "",
        f"Throughput with {rates['tool']} -t{rates['threads']} -c{rates['connections']}, "
        f"{rates['seconds']:g} s per run, the service (every check on) beside the bare Flask + "
        "pyoxigraph app on gunicorn over the same file. \"distinct\": each request's text differs "
        "(nothing kept serves it); \"same\": one text again and again (the service's answer cache).", "",
        "| query | bare req/s | service req/s | ratio (distinct) | bare req/s | service req/s "
        "| ratio (same) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rates["queries"].items():
        d, s = row["distinct"], row["same"]
        lines.append(f"| {name} | {d['bare']['requests_per_s']} | {d['service']['requests_per_s']} | "
                     f"{d['ratio']} | {s['bare']['requests_per_s']} | {s['service']['requests_per_s']} | "
                     f"{s['ratio']} |")
    lines.append("")
    return lines
