"""`graph-service bench` in one run: the peers side by side on the article's graph (`compare`),
cold start (`coldstart`) and the growth of every cost with the graph (`scale`), written to
results.json, results.md and plots (`report`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graph_service.bench import coldstart, compare, concurrency, report, scale
from graph_service.bench.load import wrk_available
from graph_service.bench.peers import PEERS, Endpoint, Setup
from graph_service.bench.workload import core_queries, example_queries
from graph_service.config import Bounds, Settings
from graph_service.graph import dump_bytes, dumps, load_examples, load_index, write_atomically


@dataclass(frozen=True)
class Options:
    peers: tuple[str, ...] = tuple(PEERS)
    sizes: tuple[int, ...] = scale.SIZES
    plan: compare.Plan = field(default_factory=compare.Plan)
    examples: bool = True
    cap: float = scale.CAP
    scale_seconds: float = 3.0
    workers: int = 2
    timeout: float = 10.0
    coldstart: bool = True
    quick: bool = False


#: CI's run: every part of the machinery, on tiny sizes and short durations (not timed).
QUICK = Options(peers=("graph-service",), sizes=(300,), plan=compare.Plan(clients=(1,), seconds=0.2,
                runaway_seconds=0.5, rounds=3), examples=False, cap=60, scale_seconds=0.2, workers=1,
                timeout=0.5, coldstart=False, quick=True)


def run(options: Options, workdir: Path, command: str,
        progress: Callable[[str], None] = print) -> dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command, "quick": options.quick, "machine": machine(),
        "options": {k: v for k, v in asdict(options).items() if k != "plan"},
        "plan": asdict(options.plan), "cap_s": options.cap, "runaways": compare.RUNAWAYS,
    }
    if options.peers:
        nquads, out["data_quads"] = article_nquads(workdir)
        out["data"] = "the project's graph (graph-service export)"
        setup = Setup(nquads, workdir, workers=options.workers, timeout=options.timeout)
        out["setup"] = {"workers": setup.workers, "timeout": setup.timeout}
        queries = core_queries()
        if options.examples:
            queries += example_queries(load_examples(Settings.from_env().queries_dir))

        def isolation(endpoint: Endpoint) -> None:
            out["isolation"] = _isolation(endpoint, setup, options.quick, progress)

        out["peers"] = compare.run(options.peers, setup, queries, options.plan, progress,
                                   then={"graph-service": isolation})
        if set(compare.PAIR) <= set(options.peers) and options.plan.rounds:
            out["interleaved"] = compare.interleaved(setup, queries, options.plan, progress)
    if options.coldstart:
        progress("cold start: full build, unchanged rebuild, serve to first answer")
        out["coldstart"] = coldstart.run(workdir, options.cap)
    if options.sizes:
        out["scale"] = scale.run(options.sizes, workdir, cap=options.cap, seconds=options.scale_seconds,
                                 workers=options.workers, progress=progress)
    return out


def article_nquads(workdir: Path) -> tuple[Path, int]:
    """The project's graph as the N-Quads file every peer loads (the bytes `graph-service export`
    writes), in `workdir`; and its number of quads."""
    nquads = workdir / "article.nq"
    index = load_index(Settings.from_env())
    dump = dumps.by_format("nquads")
    assert dump is not None  # a dump the project always offers
    write_atomically(nquads, dump_bytes(index, dump))
    return nquads, len(index)


def _isolation(endpoint: Endpoint, setup: Setup, quick: bool,
               progress: Callable[[str], None]) -> dict[str, Any]:
    """This service's own runaway isolation (`bench.concurrency`): 8 runaways from 8 clients, on
    the server the peers' comparison started (its queries measured)."""
    found = concurrency.runaway_isolation(endpoint, runaways=2 if quick else 8, limit=setup.timeout,
                                          seconds=0.5 if quick else 6.0, settle=0.3 if quick else 1.0)
    progress(f"graph-service: trivial query p95 {found['trivial'].get('p95_ms')} ms, p99 "
             f"{found['trivial'].get('p99_ms')} ms during {found['runaways']} runaways from as many clients")
    return found


def write_results(results: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    results["plots"] = report.plots(results, out_dir)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out_dir / "results.md").write_text(report.markdown(results), encoding="utf-8")
    return [out_dir / "results.json", out_dir / "results.md",
            *(out_dir / f for files in results["plots"].values() for f in files)]


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), model)
    except OSError:
        pass
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        memory = 0.0
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": memory,
            "python": platform.python_version(), "platform": platform.platform(),
            "load_tool": "wrk" if wrk_available() else "Python threads (wrk not installed)",
            "wrk": shutil.which("wrk") or ""}


#: The smallest synthetic graph worth timing: below it a fraction of the article may hold no
#: labelled resource to look up.
MIN_SIZE = 100


def parse_sizes(value: str) -> tuple[int, ...]:
    """Comma-separated graph sizes in triples ('' for none); ValueError naming the first bad one."""
    sizes = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            size = int(part)
        except ValueError:
            raise ValueError(f"--sizes: {part!r} is not a whole number of triples") from None
        problem = Bounds(low=MIN_SIZE, high=2**31 - 1).problem(size)
        if problem:
            raise ValueError(f"--sizes: {part!r}: {problem}")
        sizes.append(size)
    return tuple(sizes)


def parse_names(value: str, known: Sequence[str]) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown peer {unknown[0]!r} (known: {', '.join(known)})")
    return names
