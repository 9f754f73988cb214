"""Cold start on the project's graph: a full build, a rebuild with the sources unchanged, and
`graph-service serve` from its start to the first answered query with a current snapshot: the first
start after the build (which prepares the snapshot's store on disk) and a later one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from graph_service.bench.memory import tree_pss_mib
from graph_service.web import BackgroundServer


def run(workdir: Path, cap: float = 120.0) -> dict[str, Any]:
    snapshot_dir = workdir / "coldstart-snapshot"
    env = {"GRAPH_SERVICE_SNAPSHOT_DIR": str(snapshot_dir)}
    out: dict[str, Any] = {"full_build": timed_build(env, cap, force=True),
                           "unchanged_rebuild": timed_build(env, cap, force=False)}
    # The first start after a build also prepares the snapshot's store on disk; every later one
    # reopens it. Both are timed.
    for key in ("serve_to_first_answer_s", "serve_again_to_first_answer_s"):
        started = time.perf_counter()
        try:
            with BackgroundServer((), (), env=env, startup_timeout=cap):
                out[key] = round(time.perf_counter() - started, 3)
                out["serve_memory_mib"] = tree_pss_mib()
        except RuntimeError as exc:
            out["serve_error"] = str(exc).splitlines()[0][:300]
            break
    return out


def timed_build(env: dict[str, str], cap: float, *, force: bool) -> dict[str, Any]:
    """`graph-service build` in a process of its own (the environment `env` added), timed and
    stopped at `cap` seconds: its seconds, or where it stopped, or its last line of error."""
    started = time.perf_counter()
    try:
        command = [sys.executable, "-m", "graph_service.cli", "build", *(["--force"] if force else [])]
        done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return {"stopped_after_s": cap}
    seconds = round(time.perf_counter() - started, 3)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:300], "seconds": seconds}
    return {"seconds": seconds}
