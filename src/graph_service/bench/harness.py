"""The benchmark behind `graph-service bench`: example queries through HTTP, on each engine.

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

from graph_service.config import PROJECT_ROOT, Settings
from graph_service.graph import Example, IsolatedWorker, formats, load_store, make_engine, run_isolated
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
        progress: Callable[[str], None] = print) -> dict[str, Any]:
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
    return report


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
    return "\n".join(lines)
