"""The real server, started in the background: for the tests, the benchmark and the load runs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from graph_service.graph import die_with_parent


class BackgroundServer:
    """`graph-service serve` started as a separate process on a free loopback port, for tests and
    the benchmark: the real command, gunicorn and all. Use as a context manager, or `stop()`."""

    def __init__(self, files: tuple[str, ...] = (), options: tuple[str, ...] = (),
                 env: dict[str, str] | None = None, startup_timeout: float = 120.0) -> None:
        command = [sys.executable, "-m", "graph_service.cli", "serve", *map(str, files),
                   "--host", "127.0.0.1", "--port", "0", *options]
        # Output goes to a file: a pipe nobody reads would stall gunicorn's access log.
        self.log = Path(tempfile.mkstemp(prefix="graph-service-", suffix=".log")[1])
        with self.log.open("wb") as out:
            # The server stops (gracefully) if we die without stopping it.
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, **(env or {})}, start_new_session=True,
                                            preexec_fn=lambda: die_with_parent(signal.SIGTERM))
        deadline = time.monotonic() + startup_timeout
        self.url = ""
        while not self.url:
            if self.process.poll() is not None:
                raise RuntimeError(f"graph-service serve exited with {self.process.returncode}:\n"
                                   + self.output())
            if time.monotonic() > deadline:
                said = self.output()  # read before `stop`, which deletes the log
                self.stop()
                raise RuntimeError("graph-service serve did not start:\n" + said)
            self.url = _announced_url(self.output())
            time.sleep(0.05)
        self._wait_ready(deadline)

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def _wait_ready(self, deadline: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(self.sparql + "?query=ASK%7B%7D", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                said = self.output()
                self.stop()
                raise RuntimeError("graph-service serve did not answer:\n" + said)
            time.sleep(0.1)

    def stop(self) -> None:
        """Graceful stop (SIGTERM to gunicorn's master), then a kill of the group if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> BackgroundServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _announced_url(output: str) -> str:
    match = re.search(r"^graph-service: serving .* at (http://\S+/) \(", output, re.MULTILINE)
    return match.group(1) if match else ""
