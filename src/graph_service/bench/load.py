"""Load generation for throughput figures: Debian's `wrk`, or a Python fallback said to be one.

`run_wrk(url, query, threads=2, connections=8, seconds=10)` POSTs the query (application/
sparql-query) over keep-alive connections as fast as the server answers, and returns the
requests per second, latency percentiles and failures. wrk (C, event loop) is not the bottleneck
at the rates a Python service reaches; the fallback (one Python thread per connection) may be,
so its results carry `tool="python"` and should be read as a lower bound.

`vary=True` makes every request's text distinct (a comment with the run's own random mark and a
counter), so an answer cache cannot serve it: the figure then measures answering, not looking up.
The mark is new at each run: with the counter alone, a second run against the same server asked
the first run's texts again, and a service that keeps answers served them from its cache.
"""

from __future__ import annotations

import http.client
import json
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_ACCEPT = "application/sparql-results+json"

# wrk's Lua hooks: every thread POSTs the same body (or, with vary, a numbered one); `done` prints
# the summary as one JSON line that `run_wrk` reads back.
_SCRIPT = r"""
local body = io.open(os.getenv("WRK_BODY_FILE")):read("*a")
local vary = os.getenv("WRK_VARY") == "1"
local form = os.getenv("WRK_FORM") == "1"
local accept = os.getenv("WRK_ACCEPT")
local run = os.getenv("WRK_RUN")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = form and "application/x-www-form-urlencoded" or "application/sparql-query"
  wrk.headers["Accept"] = accept
end

function request()
  if vary then
    counter = counter + 1
    local nl, hash = "\n", "# "
    if form then nl, hash = "%0A", "%23+" end
    return wrk.format(nil, nil, nil, body .. nl .. hash .. run .. "-" .. id .. "-" .. counter .. nl)
  end
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write("WRK_JSON ", string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max), "\n")
end
"""


@dataclass(frozen=True)
class LoadResult:
    requests_per_s: float
    #: Latency percentiles, milliseconds.
    p50: float
    p95: float
    p99: float
    #: Requests that failed: socket errors, timeouts, and answers with a status other than 2xx/3xx.
    errors: int
    requests: int
    seconds: float
    #: "wrk", or "python" (the fallback, which may itself be the bottleneck).
    tool: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, query: str, *, threads: int = 2, connections: int = 8, seconds: float = 10,
            accept: str = DEFAULT_ACCEPT, vary: bool = False, timeout: float = 30,
            form: bool = False) -> LoadResult:
    """POST `query` to the endpoint `url` for `seconds` over `connections` keep-alive connections
    (wrk with `threads` threads; the Python fallback when wrk is not installed, or for a run
    shorter than wrk's whole second: the quick mode's, whose figures nobody reads). `form` POSTs it
    as an HTML form (`query=...`), for servers without `application/sparql-query` (Virtuoso 7.2)."""
    wrk = shutil.which("wrk")
    if wrk is None or seconds < 1:
        return run_python(url, query, connections=connections, seconds=seconds, accept=accept, vary=vary,
                          timeout=timeout, form=form)
    with tempfile.TemporaryDirectory(prefix="wrk-") as tmp:
        script, body = Path(tmp) / "post.lua", Path(tmp) / "body.rq"
        script.write_text(_SCRIPT, encoding="utf-8")
        body.write_text(urllib.parse.urlencode({"query": query}) if form else query, encoding="utf-8")
        command = [wrk, f"-t{threads}", f"-c{max(connections, threads)}", f"-d{max(1, round(seconds))}s",
                   f"--timeout={max(1, round(timeout))}s", "-s", str(script), url]
        env = {"WRK_BODY_FILE": str(body), "WRK_VARY": "1" if vary else "0", "WRK_ACCEPT": accept,
               "WRK_FORM": "1" if form else "0", "WRK_RUN": secrets.token_hex(8)}
        done = subprocess.run(command, capture_output=True, text=True, env=env,
                              timeout=seconds + timeout + 30)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary (exit {done.returncode}): "
                           f"{done.stderr.strip() or done.stdout.strip()}")
    s = json.loads(line.removeprefix("WRK_JSON "))
    duration = s["duration_us"] / 1e6
    errors = s["connect"] + s["read"] + s["write"] + s["status"] + s["timeout"]
    return LoadResult(round(s["requests"] / duration, 1), s["p50_us"] / 1e3, s["p95_us"] / 1e3,
                      s["p99_us"] / 1e3, errors, s["requests"], round(duration, 3), "wrk")


def run_python(url: str, query: str, *, connections: int = 8, seconds: float = 10,
               accept: str = DEFAULT_ACCEPT, vary: bool = False, timeout: float = 30,
               form: bool = False) -> LoadResult:
    """The fallback: one thread per keep-alive connection (http.client), same requests as wrk's."""
    target = urllib.parse.urlsplit(url)
    path = target.path + (f"?{target.query}" if target.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.perf_counter() + seconds
    run = secrets.token_hex(8)

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=timeout)
        count = 0
        while time.perf_counter() < stop_at:
            count += 1
            text = f"{query}\n# {run}-{n}-{count}\n" if vary else query
            body = urllib.parse.urlencode({"query": text}) if form else text
            media = "application/x-www-form-urlencoded" if form else "application/sparql-query"
            start = time.perf_counter()
            try:
                conn.request("POST", path, body.encode(), {"Content-Type": media, "Accept": accept})
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 400:
                    errors[n] += 1
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
            latencies[n].append(time.perf_counter() - start)
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    duration = time.perf_counter() - started
    ordered = sorted(x for per in latencies for x in per)
    if not ordered:
        raise RuntimeError("no request completed")

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1e3, 3)

    return LoadResult(round(len(ordered) / duration, 1), pct(50), pct(95), pct(99), sum(errors),
                      len(ordered), round(duration, 3), "python")
