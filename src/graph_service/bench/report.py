"""The benchmark's results as Markdown tables and plots (PNG and SVG, matplotlib: the `bench` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The peer every ratio is taken against.
REFERENCE = "graph-service"


def _isolation(iso: dict[str, Any]) -> list[str]:
    trivial, mem = iso["trivial"], iso["memory_mib"]
    return [
        "## This service under runaways from many clients", "",
        f"A trivial `ASK {{}}` (a distinct text each time) asked in a loop while {iso['runaways']} runaway "
        f"queries (time limit {iso['limit_s']:g} s) run, each from its own loopback address: "
        f"{trivial['requests']} requests, {trivial['failed']} failed, p50 {trivial.get('p50_ms')} ms, "
        f"p95 {trivial.get('p95_ms')} ms, p99 {trivial.get('p99_ms')} ms. Runaways answered "
        f"{iso['runaway_statuses']} after {iso['runaway_answered_after_s']['min']:.2f}-"
        f"{iso['runaway_answered_after_s']['max']:.2f} s (within the limit + 1 s: "
        f"{'yes' if iso['runaways_within_limit_plus_1s'] else 'NO'}). Memory (MiB, RSS / PSS summed "
        f"over the processes): before {mem['before']['rss']} / {mem['before']['pss']}, during "
        f"{mem['during']['rss']} / {mem['during']['pss']}, after {mem['after']['rss']} / "
        f"{mem['after']['pss']}.",
        "",
    ]


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Benchmark: this service beside its peers, and at scale",
        "",
        f"Generated {report['generated']} by `{report['command']}`"
        + (" (**quick mode: machinery only, figures meaningless**)" if report.get("quick") else "") + ".",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB, {m['platform']}, "
        f"Python {m['python']}; load generator: {m['load_tool']}.",
        "",
    ]
    peers = report.get("peers")
    if peers:
        lines += _peers(report, peers)
    if report.get("interleaved"):
        lines += _interleaved(report["interleaved"], report["plan"]["clients"])
    if report.get("isolation"):
        lines += _isolation(report["isolation"])
    if report.get("coldstart"):
        lines += _coldstart(report["coldstart"])
    if report.get("scale"):
        lines += _scale(report["scale"], report["cap_s"])
    for name, files in report.get("plots", {}).items():
        lines.append(f"![{name}]({files[0]})")
    return "\n".join(lines) + "\n"


def _peers(report: dict[str, Any], peers: dict[str, Any]) -> list[str]:
    plan = report["plan"]
    lines = ["## Peers", "",
             f"Each loaded with the same N-Quads file ({report['data']}, {report['data_quads']:,} quads), "
             f"{report['setup']['workers']} workers or threads each where the peer has the setting, a "
             f"time limit of {report['setup']['timeout']:g} s per query where it has one; "
             f"{plan['seconds']:g} s of load per query and client count. Figures: requests per second, "
             "p50 / p99 latency in ms, and CPU time per request in ms.", "",
             "| peer | version | started in | memory (PSS) | default graph |", "|---|---|---:|---:|---|"]
    for name, r in peers.items():
        if "missing" in r:
            lines.append(f"| {name} | {r['version']} | **missing**: {r['missing']} | | |")
        else:
            memory = f"{r['memory_mib']:.0f} MiB" if "memory_mib" in r else ""
            failed = f" **failed**: {r['failed']}" if "failed" in r else ""
            lines.append(f"| {name} | {r['version']} | {r['startup_s']:.2f} s | {memory} | "
                         f"{r.get('default_graph', '')}{failed} |")
    running = {n: r for n, r in peers.items() if "queries" in r}
    for clients in plan["clients"]:
        lines += ["", f"### {clients} client{'s' if clients != 1 else ''}", "",
                  "| query | " + " | ".join(running) + " |", "|---|" + "---:|" * len(running)]
        names = list(next(iter(running.values()))["queries"]) if running else []
        for q in names:
            cells = []
            for peer, r in running.items():
                e = r["queries"].get(q, {})
                res = e.get(str(clients))
                if res is None:
                    cells.append(f"HTTP {e.get('check', {}).get('status', '?')}")
                    continue
                ratio = _ratio(running, peer, q, clients)
                cpu = res.get("cpu_ms_per_request")
                cells.append(f"{res['requests_per_s']:g}/s, {res['p50']:.1f} / {res['p99']:.1f}"
                             + (f" ({ratio})" if ratio else "")
                             + (f", CPU {cpu:.2f}" if cpu is not None else "")
                             + (f", {res['errors']} errors" if res["errors"] else ""))
            lines.append(f"| {q} | " + " | ".join(cells) + " |")
    lines += ["", f"Ratios in brackets: throughput of {REFERENCE} over the peer's. CPU: milliseconds of "
              "CPU time (user and system) the peer's processes spent per answered request, summed over "
              "its process tree; steadier than requests per second when other work shares the machine.", "",
              "### Runaway isolation", "",
              f"A trivial query (`ASK {{}}`) at one client while {report['runaways']} runaway queries (a "
              "five-way cross product) run; alone for comparison.", "",
              "| peer | trivial query alone | during the runaways | runaways answered |", "|---|---|---|---|"]
    for name, r in running.items():
        if "runaway" not in r:  # the peer stopped answering before (said in the table above)
            lines.append(f"| {name} | | failed before: {r.get('failed', '?')} | |")
            continue
        iso = r["runaway"]
        alone = iso["alone"]
        lines.append(f"| {name} | " + (f"p50 {alone['p50']:.2f} ms" if alone["requests"] else "no answer")
                     + f" | {iso['summary']} | "
                     + f"{', '.join(_status(s) for s in iso['runaway_status']) or 'none'} |")
    return lines + [""]


def _interleaved(pair: dict[str, Any], clients: list[int]) -> list[str]:
    lines = ["## This service over the bare app, measured in turns", ""]
    if "missing" in pair:
        return lines + [f"Not measured: {pair['missing']}", ""]
    lines += [f"Both running, each query and client count measured {pair['rounds']} times in turns "
              f"({pair['seconds']:g} s each: this service, the bare app, this service, ...), so that "
              "a slower spell of the machine weighs on both sides of a ratio. Throughput ratio (the "
              "median of the turns, then every turn's), and each side's median requests per second "
              "and CPU milliseconds per request. Their difference, the last column, is what this service "
              "spends on a request beyond the bare app: the hop to the query process that can be stopped "
              "at its time limit, the checks and the negotiation, and whatever its engine does otherwise "
              "(a CONSTRUCT written as Turtle, where the bare app writes N-Triples). A cost of the same "
              "size weighs most on the shortest queries.", "",
              "| query | clients | ratio | turns | graph-service | bare | CPU beyond the bare app |",
              "|---|---:|---:|---|---:|---:|---:|"]
    for query, by_clients in pair["queries"].items():
        for n in clients:
            e = by_clients.get(str(n))
            if e is None:
                continue
            sides = [f"{side['requests_per_s']:g}/s, CPU {side['cpu_ms_per_request']:.2f}"
                     + (f", {side['errors']} errors" if side["errors"] else "")
                     for side in (e["graph-service"], e["bare"])]
            beyond = e["graph-service"]["cpu_ms_per_request"] - e["bare"]["cpu_ms_per_request"]
            lines.append(f"| {query} | {n} | {e['ratio']}x | {', '.join(f'{r:.2f}' for r in e['ratios'])} | "
                         + " | ".join(sides) + f" | {_cpu_difference(beyond)} |")
    return lines + [""]


def _cpu_difference(ms: float) -> str:
    """A difference of CPU time per request, signed: in µs, or in ms from 10 ms up."""
    return f"{ms:+.1f} ms" if abs(ms) >= 10 else f"{ms * 1000:+.0f} µs"


def _status(status: str) -> str:
    return "no answer" if status == "0" else f"HTTP {status}"


def _ratio(running: dict[str, Any], peer: str, query: str, clients: int) -> str:
    if peer == REFERENCE or REFERENCE not in running:
        return ""
    ours = running[REFERENCE]["queries"].get(query, {}).get(str(clients))
    theirs = running[peer]["queries"][query].get(str(clients))
    if not ours or not theirs or not theirs["requests_per_s"]:
        return ""
    return f"{ours['requests_per_s'] / theirs['requests_per_s']:.2f}x"


def _coldstart(c: dict[str, Any]) -> list[str]:
    return ["## Cold start (the project's graph)", "",
            f"- full build: {_step(c['full_build'])}",
            f"- rebuild with unchanged sources: {_step(c['unchanged_rebuild'])}",
            "- `graph-service serve` to its first answered query, snapshot current: "
            + (f"{c['serve_to_first_answer_s']:.2f} s the first time after the build (which prepares "
               "the snapshot's store on disk)"
               + (f", {c['serve_again_to_first_answer_s']:.2f} s every later time"
                  if "serve_again_to_first_answer_s" in c else "")
               + f" ({c['serve_memory_mib']:.0f} MiB, PSS over every process)"
               if "serve_to_first_answer_s" in c else f"failed: {c.get('serve_error')}"), ""]


def _step(s: dict[str, Any]) -> str:
    if "stopped_after_s" in s:
        return f"stopped at {s['stopped_after_s']:g} s"
    if "error" in s:
        return f"failed after {s.get('seconds', 0):.1f} s: {s['error']}"
    return f"{s['seconds']:.2f} s"


def _scale(rows: list[dict[str, Any]], cap: float) -> list[str]:
    lines = ["## Scale (synthetic graphs shaped like the article's)", "",
             f"Each step in a process of its own, stopped at {cap:g} s (not counting the reading of "
             "the sources before a step's clock starts). Triples: facts and provenance as the build "
             "serves them (before reasoning). Reasoning: closure, consistency check and inferred graph, "
             "by owlrl (the reference) and by reasonable completed with property chains (the build's "
             "engine; the same inferred graph on the project's graph, see the README's Reasoning). "
             "Memory: PSS summed over the server's processes. First answer: `graph-service serve` from "
             "its start, on the snapshot when the build finished, else `serve FILE` on the synthetic "
             "file (no reasoning). First page: the lookup's resource page in a browser, the first "
             "one a worker serves (it reads what every page shows, such as the dataset's description); "
             "memory after pages: once pages were asked from twice as many clients as workers.", "",
             "| triples | load | validation | reasoning (owlrl) | reasoning (reasonable) | full build | "
             "first answer | memory (PSS) | lookup p50 | join p50 | first page | memory after pages |",
             "|---:" * 12 + "|"]
    for r in rows:
        serve = r.get("serve", {})
        q = serve.get("queries", {})
        first = (f"{serve['startup_s']:.2f} s ({'snapshot' if serve['from'] == 'snapshot' else 'serve FILE'})"
                 if "startup_s" in serve else f"failed: {serve.get('error', '?')}")
        lines.append(" | ".join([
            f"| {r['triples']:,}", _step(r["load"]), _step(r["validate"]), _step(r["reason"]),
            _step(r["reason_reasonable"]), _step(r["build"]), first,
            f"{serve['memory_mib']:.0f} MiB" if "memory_mib" in serve else "",
            f"{q['lookup']['p50']:.2f} ms" if "lookup" in q else "",
            f"{q['join']['p50']:.2f} ms" if "join" in q else "",
            _first_page(serve),
            f"{serve['memory_after_pages_mib']:.0f} MiB" if "memory_after_pages_mib" in serve else "",
        ]) + " |")
    return lines + [""]


def _first_page(serve: dict[str, Any]) -> str:
    page = serve.get("first_page")
    if page is None:
        return ""
    said = f"{page['seconds']:.2f} s"
    return said if page["status"] == 200 else f"{said}, HTTP {page['status']}"


_STEPS = {"load": "load", "validate": "validation", "reason": "reasoning (owlrl)",
          "reason_reasonable": "reasonable's closure alone", "build": "full build"}


def plots(report: dict[str, Any], out_dir: Path) -> dict[str, list[str]]:
    """Latency and build time against graph size, throughput per peer; {} without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}
    made: dict[str, list[str]] = {}

    def save(fig: Any, name: str) -> None:
        fig.tight_layout()
        made[name] = []
        for ext in ("png", "svg"):
            fig.savefig(out_dir / f"{name}.{ext}")
            made[name].append(f"{name}.{ext}")
        plt.close(fig)

    rows = report.get("scale") or []
    if rows:
        sizes = [r["triples"] for r in rows]
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for step, label in _STEPS.items():
            pts = [(n, r[step]["seconds"]) for n, r in zip(sizes, rows, strict=True)
                   if "seconds" in r[step] and "error" not in r[step]]
            line = ax.plot(*zip(*pts, strict=True), marker="o", label=label)[0] if pts else None
            stopped = [n for n, r in zip(sizes, rows, strict=True) if "stopped_after_s" in r[step]]
            if stopped:  # a step stopped at the cap shows there, as a cross
                ax.plot(stopped, [report["cap_s"]] * len(stopped), "x", markersize=10,
                        color=line.get_color() if line else None,
                        label=None if line else f"{label} (stopped)")
        ax.axhline(report["cap_s"], color="grey", linestyle=":", label="stopped here")
        ax.set(xscale="log", yscale="log", xlabel="triples", ylabel="seconds",
               title="Build steps against size")
        ax.legend()
        save(fig, "build-time")
        fig, ax = plt.subplots(figsize=(7, 4.5))
        queries = list(next((r["serve"]["queries"] for r in rows if r.get("serve", {}).get("queries")), {}))
        for q in queries:
            pts = [(n, r["serve"]["queries"][q]["p50"]) for n, r in zip(sizes, rows, strict=True)
                   if q in r.get("serve", {}).get("queries", {})]
            ax.plot(*zip(*pts, strict=True), marker="o", label=q)
        ax.set(xscale="log", yscale="log", xlabel="triples", ylabel="p50 latency (ms), one client",
               title="Query latency against size")
        ax.legend()
        save(fig, "latency")
    running = {n: r for n, r in (report.get("peers") or {}).items() if "queries" in r}
    if running:
        clients = str(max(report["plan"]["clients"]))
        queries = [q for q in ("lookup", "join", "aggregate", "construct")
                   if any(q in r["queries"] for r in running.values())]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        width = 0.8 / len(running)
        for i, (peer, r) in enumerate(running.items()):
            values = [r["queries"].get(q, {}).get(clients, {}).get("requests_per_s", 0) for q in queries]
            ax.bar([j + i * width for j in range(len(queries))], values, width, label=peer)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(queries))], queries)
        ax.set(yscale="log", ylabel=f"requests/s at {clients} clients", title="Throughput per peer")
        ax.legend(fontsize="small")
        save(fig, "throughput")
    return made
