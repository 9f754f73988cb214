"""Debian's nginx on loopback for the tests that need a real reverse proxy or load balancer: where
it is, a configuration around the `http` block a test writes, a free port, and a running nginx."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
#: Why a test that needs nginx skips.
MISSING = "nginx is not installed (make test installs Debian's nginx-light where it can)"

_AROUND = """
worker_processes 1;
user root;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
{http}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(directory: Path, port: int, http: str) -> Iterator[str]:
    """nginx with its files in `directory`, listening on `port` as the `http` block (upstreams and
    servers) says, until the block ends; yields its address. Fails if it does not start in 20 s."""
    conf = directory / "nginx.conf"
    conf.write_text(_AROUND.format(dir=directory, http=http), encoding="utf-8")
    assert NGINX is not None, MISSING
    process = subprocess.Popen([NGINX, "-p", str(directory), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
                    raise AssertionError("nginx did not start: " + errors) from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(10)
