"""Two replicas of the service over one Virtuoso, behind Debian's nginx on loopback: a bounded load
run (GET queries and pages, which are idempotent, so nginx may retry them on the other replica:
`proxy_next_upstream`) loses no request while one replica is stopped and started again.

Needs Virtuoso and nginx (`make test` installs both); a short run in the default suite (about
10 s: the store's start and load, two replicas, four seconds of load around the restart).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from graph_service.bench.virtuoso import VirtuosoServer, unavailable, virtuoso_server
from graph_service.config import Settings
from graph_service.graph import LIB, ensure_snapshot, load_into, read_quads
from graph_service.web.server import BackgroundServer

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = [
    pytest.mark.skipif(unavailable() is not None, reason=unavailable() or ""),
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make test installs nginx-light)"),
]
SETTINGS = Settings.from_env()
#: Seconds of load; the replica is stopped a third of the way in and started again at once.
RUN_SECONDS = 4.0

CONFIG = """
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
  upstream replicas {{
    server 127.0.0.1:{a} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:{b} max_fails=1 fail_timeout=2s;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://replicas;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
    }}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[VirtuosoServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        load_into(read_quads(ensure_snapshot(SETTINGS)), server.graph_store_url, update_url=server.update_url,
                  user=server.user, password=server.password)
        yield server


def replica(store: VirtuosoServer, port: int, snapshot_dir: Path) -> BackgroundServer:
    """A replica over the store, its copy of the graphs in `snapshot_dir` (the test's own)."""
    return BackgroundServer(options=("--store", store.sparql_url, "--port", str(port), "--workers", "1"),
                            env={"GRAPH_SERVICE_SNAPSHOT_DIR": str(snapshot_dir)})


def test_no_request_is_lost_while_a_replica_restarts(store, tmp_path):
    ports = [_free_port(), _free_port()]
    replicas = [replica(store, p, tmp_path / "snapshot") for p in ports]
    front = _free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(CONFIG.format(dir=tmp_path, port=front, a=ports[0], b=ports[1]))
    nginx = subprocess.Popen([str(NGINX), "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{front}/"
    paths = ["sparql?query=" + requests.utils.quote(
        f"SELECT ?c WHERE {{ ?c a <{LIB}CapitalCity> }} ORDER BY ?c"),
             "doc/city/paris.ttl", "search?q=warsaw&format=json", "readyz"]
    outcomes: Counter[str] = Counter()
    stop = threading.Event()

    def client(n: int) -> None:
        session = requests.Session()
        i = n
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            try:
                resp = session.get(base + path, headers={"Accept": "application/sparql-results+json"},
                                   timeout=20)
                outcomes["ok" if resp.status_code == 200 else f"status {resp.status_code}"] += 1
            except requests.RequestException as exc:
                outcomes[type(exc).__name__] += 1

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(base + "healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(RUN_SECONDS / 3)
        replicas[0].stop()  # graceful: in-flight requests finish, new ones go to the other replica
        stopped = sum(outcomes.values())
        replicas[0] = replica(store, ports[0], tmp_path / "snapshot")
        restarted = sum(outcomes.values())
        time.sleep(RUN_SECONDS / 3)
        stop.set()
        for t in threads:
            t.join(30)
    finally:
        stop.set()
        nginx.terminate()
        nginx.wait(10)
        for r in replicas:
            r.stop()
    total = sum(outcomes.values())
    print(f"replicas: {total} requests, {dict(outcomes)}; {restarted - stopped} while one replica was down")
    assert total > 50 and restarted > stopped
    assert outcomes == Counter({"ok": total})
