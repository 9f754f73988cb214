"""How each cost grows with the graph: synthetic graphs shaped like the article's (`synthetic`) at
several sizes, each through the build's steps and the server.

Per size: reading the sources, SHACL validation, OWL 2 RL reasoning (owlrl, the reference, and
reasonable completed with property chains, the build's engine), the full build (`graph-service
build`), then the server's start-up to its first answer and its memory (PSS), and the latency of
the same queries. Each step runs in a process of its own and is stopped at `cap` seconds (the
steps that read the sources before their clock starts: `cap` plus the time reading them took);
the results say so
(`{"stopped_after_s": cap}`), and a server that cannot start from a snapshot (its build did not
finish) is started on the synthetic file itself (`serve FILE`) instead, which the results name.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from graph_service.bench import load
from graph_service.bench.coldstart import timed_build
from graph_service.bench.memory import tree_pss_mib
from graph_service.bench.synthetic import article_quads, generate
from graph_service.bench.workload import Query, core_queries
from graph_service.config import Settings
from graph_service.graph import IsolatedError as _IsolatedError
from graph_service.graph import (
    QueryTimeout,
    infer,
    load_sources,
    run_isolated,
    validate,
)
from graph_service.web import BackgroundServer

SIZES = (1_000, 10_000, 100_000, 1_000_000)
CAP = 120.0


def run(sizes: Sequence[int], workdir: Path, *, cap: float = CAP, seconds: float = 3.0, workers: int = 2,
        progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    template = article_quads()
    rows = []
    for size in sizes:
        graph = generate(workdir / f"synthetic-{size}.ttl", size, template)
        settings = Settings.from_env(data_path=graph.path, snapshot_dir=workdir / f"snapshot-{size}")
        row: dict[str, Any] = {"size": size, "source_quads": graph.quads, "triples": graph.triples,
                               "copies": graph.copies}
        rows.append(row)
        steps: dict[str, Callable[[], dict[str, Any]]] = {
            "load": partial(_load, settings),
            "validate": partial(_validate, settings),
            "reason": partial(_reason, settings),
            "reason_reasonable": partial(_reason, settings, "reasonable"),
        }
        for name, step in steps.items():
            # (`load` ran first; a failed or stopped one leaves no "seconds")
            reading = row["load"].get("seconds", 0.0) if name != "load" else 0.0
            row[name] = _capped(step, cap + reading)
            if "stopped_after_s" in row[name]:
                row[name]["stopped_after_s"] = cap
            progress(f"scale {size:,}: {name}: {_said(row[name])}")
        row["build"] = _build(settings, cap)
        progress(f"scale {size:,}: build: {_said(row['build'])}")
        row["serve"] = _serve(settings, row, core_queries(graph.lookup), cap, seconds, workers, graph.lookup)
        progress(f"scale {size:,}: serve: {_said(row['serve'])}")
    return rows


def _said(step: dict[str, Any]) -> str:
    if "stopped_after_s" in step:
        return f"stopped at {step['stopped_after_s']:g} s"
    if "error" in step:
        return f"failed: {step['error']}"
    if "startup_s" in step:
        return f"first answer after {step['startup_s']} s ({step['from']}), {step['memory_mib']} MiB"
    return f"{step.get('seconds', '?')} s"


def _capped(step: Callable[[], dict[str, Any]], cap: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        return run_isolated(step, timeout=cap)
    except QueryTimeout:
        return {"stopped_after_s": cap}
    except (_IsolatedError, OSError, ValueError, TypeError, RuntimeError, ImportError) as exc:
        return {"error": str(exc).splitlines()[0][:300], "seconds": round(time.perf_counter() - started, 3)}


def _load(settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    sources = load_sources(settings)
    return {"seconds": round(time.perf_counter() - started, 3), "facts": len(sources.facts),
            "provenance": len(sources.provenance)}


def _validate(settings: Settings) -> dict[str, Any]:
    sources = load_sources(settings)
    started = time.perf_counter()
    outcome = validate(sources.facts, sources.shapes, ontology=sources.ontology)
    return {"seconds": round(time.perf_counter() - started, 3), "results": outcome.counts()}


def _reason(settings: Settings, reasoner: str = "owlrl") -> dict[str, Any]:
    """The build's reasoning step (closure, consistency check, inferred graph) by one engine;
    the sources are read before the clock starts."""
    sources = load_sources(settings)
    started = time.perf_counter()
    inference = infer(sources.ontology, sources.facts, reasoner=reasoner)
    out = {"seconds": round(time.perf_counter() - started, 3), "inferred": len(inference.inferred),
           "engine": inference.engine}
    return {**out, "fallback": inference.fallback} if inference.fallback else out


def _build(settings: Settings, cap: float) -> dict[str, Any]:
    return timed_build({"GRAPH_SERVICE_DATA_PATH": str(settings.data_path),
                        "GRAPH_SERVICE_SNAPSHOT_DIR": str(settings.snapshot_dir)}, cap, force=True)


def _serve(settings: Settings, row: dict[str, Any], queries: Sequence[Query], cap: float,
           seconds: float, workers: int, lookup: str) -> dict[str, Any]:
    """Start-up to the first answer, memory, and each query's latency at one client: on the
    snapshot, or (no build finished) `serve FILE` on the synthetic file itself, whose annotations
    the server reads as the same reified statements (facts and provenance, no ontology). Then the
    page of the lookup's resource: the first one (a worker's first page reads what pages share, such
    as the dataset's description), then from as many clients as workers twice over, and the memory
    after them."""
    snapshot = "error" not in row["build"] and "stopped_after_s" not in row["build"]
    env = {"GRAPH_SERVICE_DATA_PATH": str(settings.data_path),
           "GRAPH_SERVICE_SNAPSHOT_DIR": str(settings.snapshot_dir)}
    files = () if snapshot else (str(settings.data_path),)
    started = time.perf_counter()
    try:
        server = BackgroundServer(files, ("--workers", str(workers)), env=env, startup_timeout=cap)
    except RuntimeError as exc:
        return {"error": str(exc).splitlines()[0][:300], "from": "snapshot" if snapshot else "serve FILE"}
    with server:
        out: dict[str, Any] = {"from": "snapshot" if snapshot else "serve FILE (the sources, no build)",
                               "startup_s": round(time.perf_counter() - started, 3),
                               "memory_mib": tree_pss_mib(), "queries": {}}
        for query in queries:
            result = load.run_wrk(server.sparql, query.text, threads=1, connections=1, seconds=seconds,
                                  accept=query.accept, vary=True)
            out["queries"][query.name] = result.as_dict()
        page = server.url + lookup.removeprefix(settings.base_iri)
        started = time.perf_counter()
        out["first_page"] = _page(page, cap)
        out["first_page"]["seconds"] = round(time.perf_counter() - started, 3)
        with ThreadPoolExecutor(2 * workers) as pool:
            pages = pool.map(lambda _: _page(page, cap), range(2 * workers))
            out["pages"] = sorted({p["status"] for p in pages})
        out["memory_after_pages_mib"] = tree_pss_mib()
    return out


def _page(url: str, timeout: float) -> dict[str, Any]:
    """The HTML page a browser gets for a resource's IRI (following the 303)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"}),
                                    timeout=timeout) as resp:
            return {"status": resp.status, "bytes": len(resp.read())}
    except urllib.error.HTTPError as exc:
        return {"status": exc.code}
    except OSError as exc:
        return {"status": 0, "error": str(exc)[:200]}
