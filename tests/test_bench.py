"""The benchmark's machinery: synthetic graphs the build accepts, and `graph-service bench --quick`
writing every output (its figures are not looked at: no timed tests)."""

from __future__ import annotations

import http.server
import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_service.bench import compare, load, report
from graph_service.bench.cpu import tree_cpu_seconds
from graph_service.bench.harness import article_nquads, machine
from graph_service.bench.memory import tree_memory, tree_pss_mib
from graph_service.bench.peers import Endpoint, Setup
from graph_service.bench.synthetic import generate
from graph_service.bench.virtuoso import unavailable as virtuoso_unavailable
from graph_service.bench.workload import Query, core_queries
from graph_service.cli import main
from graph_service.config import Settings
from graph_service.graph import LIB, load_sources, validate


@pytest.mark.parametrize("triples", [1_000, 10_000])  # parts of the article: 0.09 and 0.91 of it
def test_a_synthetic_graph_smaller_than_the_article_is_part_of_it_and_conforms(tmp_path: Path,
                                                                               triples: int) -> None:
    # At 10,000 a time-span was kept without the photograph it dates: the build refused the graph.
    graph = generate(tmp_path / "small.ttl", triples)
    sources = load_sources(Settings.from_env(data_path=graph.path))  # every statement has its quote
    assert triples / 2 < len(sources.facts) + len(sources.provenance) < triples * 2
    outcome = validate(sources.facts, sources.shapes, ontology=sources.ontology)
    assert "Violation" not in outcome.counts(), outcome.text()
    assert any(str(s) == graph.lookup for s in sources.facts.subjects())


@pytest.mark.slow  # about 10 s: two copies of the article validated
def test_copies_are_further_resources_each_with_its_own_photograph_numbers(tmp_path: Path) -> None:
    one = load_sources(Settings.from_env(data_path=generate(tmp_path / "1.ttl", 10_000).path))
    two = load_sources(Settings.from_env(data_path=generate(tmp_path / "2.ttl", 20_000).path))
    assert len(set(two.facts.subjects())) == 2 * len(set(one.facts.subjects()))
    assert len(two.provenance) == 2 * len(one.provenance)
    numbers = list(two.facts.objects(None, LIB.sequenceNumber))
    assert len(numbers) == len(set(numbers)) == 2 * len(list(one.facts.objects(None, LIB.sequenceNumber)))


def test_quick_run_writes_results_tables_and_plots(tmp_path: Path) -> None:
    # CI's run of the benchmark (`--quick`): the machinery on this service alone; its scale step
    # (a synthetic graph built, reasoned over and served) is the slow test below.
    result = CliRunner().invoke(main, ["bench", "--quick", "--sizes", "", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert list(results["peers"]) == ["graph-service"]
    _assert_measured(results["peers"]["graph-service"])
    # The runaway isolation of this service: runaways from as many clients, each stopped (503).
    isolation = results["isolation"]
    assert isolation["runaways"] == 2 and isolation["runaway_statuses"] == [503], isolation
    assert isolation["trivial"]["requests"] > 0 and {"p95_ms", "p99_ms"} <= set(isolation["trivial"])
    assert {"before", "during", "after"} <= set(isolation["memory_mib"])
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "quick mode" in text and "| graph-service |" in text
    assert "## This service under runaways from many clients" in text
    assert (tmp_path / "throughput.png").stat().st_size > 0 and (tmp_path / "throughput.svg").exists()


@pytest.mark.slow  # a synthetic graph loaded, validated, reasoned over, built and served: 5 CPU-s
def test_quick_run_with_its_scale_step_writes_its_table_and_plots(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "--quick", "--peers", "", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    row = results["scale"][0]
    assert {"load", "validate", "reason", "build", "serve"} <= set(row)
    assert row["serve"]["from"] == "snapshot", row
    assert "## Scale" in (tmp_path / "results.md").read_text(encoding="utf-8")
    for name in ("build-time", "latency"):
        assert (tmp_path / f"{name}.png").stat().st_size > 0 and (tmp_path / f"{name}.svg").exists()


@pytest.mark.parametrize("sizes, said", [
    ("0", "--sizes: '0': must be at least 100"), ("300,-5", "--sizes: '-5': must be at least 100"),
    ("abc", "--sizes: 'abc' is not a whole number of triples"),
    ("1e3", "--sizes: '1e3' is not a whole number"),
    ("99999999999", "--sizes: '99999999999': must be at most 2,147,483,647"),
    ("--seconds=0.5", None),
])
def test_the_benchmarks_bad_numbers_are_one_line_each_before_anything_runs(tmp_path: Path, sizes: str,
                                                                            said: str | None) -> None:
    # A graph too small to hold a resource to look up was a traceback from deep in the generator.
    args = ["bench", "--quick", "--peers", "", "--output-dir", str(tmp_path)]
    args += [sizes] if said is None else ["--sizes", sizes]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("graph-service: ") and (said or "'0.5': must be at least 1") in line, line
    assert not list(tmp_path.iterdir())


@pytest.mark.slow  # a private Virtuoso is installed, loaded and started
def test_quick_run_measures_this_service_in_front_of_virtuoso(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["bench", "--quick", "--peers", "graph-service-virtuoso", "--sizes", "",
                                       "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert "scale" not in results  # --sizes '' given: no scale step
    remote = results["peers"]["graph-service-virtuoso"]
    if virtuoso_unavailable():
        assert remote["missing"] == virtuoso_unavailable()
    else:
        _assert_measured(remote)
    assert "| graph-service-virtuoso |" in (tmp_path / "results.md").read_text(encoding="utf-8")


def _assert_measured(peer: dict) -> None:
    assert "missing" not in peer
    assert {q: e["check"]["status"] for q, e in peer["queries"].items()} == {
        "lookup": 200, "join": 200, "aggregate": 200, "construct": 200}
    assert all(peer["queries"][q]["1"]["requests"] > 0 for q in peer["queries"])
    assert all(peer["queries"][q]["1"]["cpu_ms_per_request"] > 0 for q in peer["queries"])


def test_memory_is_pss_over_the_tree_so_forked_copies_of_shared_pages_count_once() -> None:
    # A parent that touches 64 MiB, then forks three children that only keep the pages it shares.
    script = ("import os, time\nblock = bytearray(64 << 20)\n"
              "for i in range(0, len(block), 4096):\n    block[i] = 1\n"
              "for _ in range(3):\n    if os.fork() == 0:\n        time.sleep(30)\n        os._exit(0)\n"
              "print('ready', flush=True)\ntime.sleep(30)")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        found = tree_memory(parent.pid)
        assert found.processes == 4
        # RSS counts the shared 64 MiB four times; PSS divides it among the four.
        assert found.rss_mib > 4 * 60
        assert 60 < found.pss_mib < 2 * 64
        assert tree_pss_mib() >= found.pss_mib  # below this process: the same tree
    finally:
        parent.kill()
        parent.wait()


def test_cpu_is_counted_over_the_tree_with_the_children_that_exited() -> None:
    # A server-like child whose own child burns CPU and exits (reaped): its time stays counted.
    script = ("import os, time\nif os.fork() == 0:\n    end = time.process_time() + 0.4\n"
              "    while time.process_time() < end:\n        pass\n    os._exit(0)\nos.wait()\n"
              "print('done', flush=True)\ntime.sleep(30)")
    before = tree_cpu_seconds()
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "done"
        assert tree_cpu_seconds(parent.pid) == 0  # nothing below the parent now
        assert tree_cpu_seconds() - before >= 0.35
    finally:
        parent.kill()
        parent.wait()


@pytest.mark.slow  # two servers, six seconds of load
def test_this_service_and_the_bare_app_are_measured_in_turns_and_the_median_ratio_reported(
        tmp_path: Path) -> None:
    nquads, _ = article_nquads(tmp_path)
    lookup = [q for q in core_queries() if q.name == "lookup"]
    said: list[str] = []
    pair = compare.interleaved(Setup(nquads, tmp_path), lookup,
                               compare.Plan(clients=(1,), seconds=1, rounds=3), progress=said.append)
    entry = pair["queries"]["lookup"]["1"]
    ours, bare = entry["graph-service"], entry["bare"]
    assert ours["errors"] == bare["errors"] == 0
    assert ours["requests_per_s"] > 0 and bare["requests_per_s"] > 0
    assert ours["cpu_ms_per_request"] > 0 and bare["cpu_ms_per_request"] > 0
    # Three turns each, and the ratio said is their median (not a mean a slow spell would pull).
    assert len(entry["ratios"]) == 3 and entry["ratio"] == sorted(entry["ratios"])[1]
    assert said == [f"graph-service / bare, in turns: lookup x1: {entry['ratio']}x (turns: "
                    + ", ".join(f"{r:.2f}" for r in entry["ratios"]) + ")"]
    text = report.markdown({"generated": "now", "command": "test", "machine": machine(),
                            "plan": {"clients": [1]}, "interleaved": pair})
    assert "## This service over the bare app, measured in turns" in text
    assert f"| lookup | 1 | {entry['ratio']}x | " in text
    row = text.split(f"| lookup | 1 | {entry['ratio']}x | ", 1)[1].split("\n", 1)[0]
    beyond = row.rsplit(" | ", 1)[1].rstrip(" |")
    assert beyond[0] in "+-" and beyond.endswith(("µs", "ms"))  # this service's CPU over the bare app's


def test_the_table_of_turns_gives_each_querys_cpu_beyond_the_bare_apps() -> None:
    def side(rate: float, cpu_ms: float) -> dict:
        return {"requests_per_s": rate, "cpu_ms_per_request": cpu_ms, "errors": 0}

    def entry(ours_ms: float, bare_ms: float) -> dict:
        return {"ratio": 0.8, "ratios": [0.8, 0.8, 0.8], "graph-service": side(800, ours_ms),
                "bare": side(1000, bare_ms)}

    pair = {"rounds": 3, "seconds": 2, "queries": {"lookup": {"1": entry(0.61, 0.44)},
                                                   "09": {"1": entry(7.84, 7.871)},
                                                   "28": {"8": entry(333.0, 165.9)}}}
    text = report.markdown({"generated": "now", "command": "test", "machine": machine(),
                            "plan": {"clients": [1, 8]}, "interleaved": pair})
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert rows["lookup"].endswith("| +170 µs |")
    assert rows["09"].endswith("| -31 µs |")  # this service's CPU below the bare app's: said so
    assert rows["28"].endswith("| +167.1 ms |")


def test_a_check_refused_with_retry_after_is_asked_again_within_that_time() -> None:
    # Refused twice, then answered; then refused with a Retry-After of 1 s and ever after.
    answers = itertools.chain(
        [(429, {"Retry-After": "2"}), (429, {}), (200, {}), (503, {"Retry-After": "1"})],
        itertools.repeat((503, {})))

    with _answering(lambda body: next(answers)) as url:
        endpoint = Endpoint(url, "")
        query = Query("ask", "ASK {}")
        first = compare.check(endpoint, query)
        assert first["status"] == 200 and 0.9 <= first["retried_after_s"] < 2  # the third asking
        # Not past the time it gave: the refusal then stands.
        again = compare.check(endpoint, query)
        assert again["status"] == 503 and 1 <= again["retried_after_s"] < 2
        # A 503 without Retry-After (a query past its time limit) is not asked again.
        assert "retried_after_s" not in compare.check(endpoint, query)


@pytest.mark.parametrize("generator", ["wrk", "python"])
def test_varied_requests_of_two_runs_never_repeat_a_text(generator: str) -> None:
    """`vary` defeats an answer cache in every run, not only the first: with a counter alone, a
    second run asked the first run's texts again, and this service answered them from its cache
    (its figures then measured lookups, not answers)."""
    if generator == "wrk" and not load.wrk_available():
        pytest.skip("wrk is not installed (`make peers` installs it)")
    seen: list[bytes] = []

    def record(body: bytes) -> tuple[int, dict[str, str]]:
        seen.append(body)
        return 200, {}

    run = load.run_wrk if generator == "wrk" else load.run_python
    with _answering(record) as url:
        for _ in range(2):  # wrk runs whole seconds
            result = run(url, "ASK {}", connections=2, seconds=1 if generator == "wrk" else 0.3, vary=True)
            # A few requests a run are enough to show it: a busy machine (the rest of the suite)
            # let the Python generator send 10 in 0.3 s.
            assert result.tool == generator and result.errors == 0 and result.requests > 2
    assert all(text.startswith(b"ASK {}\n# ") for text in seen)
    assert len(set(seen)) == len(seen) > 5


@contextmanager
def _answering(respond: Callable[[bytes], tuple[int, dict[str, str]]]) -> Iterator[str]:
    """A loopback HTTP server answering each POST with the status and headers `respond(body)`
    gives, and `{}`; its /sparql URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            status, headers = respond(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json", "Content-Length": "2"}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
