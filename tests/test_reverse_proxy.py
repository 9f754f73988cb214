"""Behind a real reverse proxy: Debian's nginx on loopback, terminating "TLS" for the public host
kg.example.org and mounting the service under /kg/, in front of the real server (`serve
--proxies 1`). Redirects, Link headers, the service description and page links must name the public
address; following the 303 from a resource IRI through the proxy lands on its description.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph_service.config import DEFAULT_BASE
from graph_service.graph import SD

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make test installs "
                                                      "Debian's nginx-light where it can)")
PUBLIC = "https://kg.example.org/kg/"

CONFIG = """
worker_processes 1;
user root;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location /kg/ {{
      proxy_pass http://127.0.0.1:{upstream}/;
      proxy_redirect off;
      proxy_set_header Host kg.example.org;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-Host kg.example.org;
      proxy_set_header X-Forwarded-Prefix /kg;
    }}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def proxy(serve_files, tmp_path_factory) -> Iterator[str]:
    """The local address of nginx's /kg/ (what kg.example.org/kg/ stands for here)."""
    upstream = serve_files(options=("--proxies", "1"))
    directory = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    conf = directory / "nginx.conf"
    upstream_port = upstream.url.rsplit(":", 1)[1].strip("/")
    conf.write_text(CONFIG.format(dir=directory, port=port, upstream=upstream_port))
    process = subprocess.Popen([str(NGINX), "-p", str(directory), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("nginx did not start: " + process.stderr.read().decode(errors="replace")
                            if process.stderr else "")
            time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/kg/"
    finally:
        process.terminate()
        process.wait(10)


def local(public_url: str, proxy: str) -> str:
    """Where a public URL of the service is reached on this machine: through the proxy."""
    assert public_url.startswith(PUBLIC), public_url
    return proxy + public_url[len(PUBLIC):]


def test_the_303_names_the_public_address_and_leads_to_the_description(proxy):
    resp = requests.get(proxy + "id/city/paris", headers={"Accept": "text/turtle"}, allow_redirects=False,
                        timeout=30)
    assert resp.status_code == 303
    assert resp.headers["Location"] == PUBLIC + "doc/city/paris.ttl"
    assert f"<{PUBLIC}doc/city/paris.ttl>" in resp.headers["Link"]
    doc = requests.get(local(resp.headers["Location"], proxy), timeout=30)
    assert doc.status_code == 200 and doc.headers["Content-Type"].startswith("text/turtle")
    paris = URIRef(DEFAULT_BASE + "id/city/paris")
    g = Graph().parse(data=doc.text, format="turtle")
    assert len(list(g.predicate_objects(paris))) > 3
    alternates = [v for v in doc.headers["Link"].split(", ") if 'rel="alternate"' in v]
    assert alternates and all(v.startswith(f"<{PUBLIC}doc/city/paris.") for v in alternates)


def test_the_service_description_names_the_public_endpoint(proxy):
    resp = requests.get(proxy + "sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert resp.status_code == 200
    g = Graph().parse(data=resp.text, format="turtle")
    assert (URIRef(PUBLIC + "sparql"), RDF.type, SD.Service) in g
    assert (URIRef(PUBLIC + "sparql"), SD.endpoint, URIRef(PUBLIC + "sparql")) in g


def test_pages_link_under_the_prefix(proxy):
    for path in ("doc/city/paris.html", "", "sparql"):
        page = requests.get(proxy + path, headers={"Accept": "text/html"}, timeout=30).text
        local = re.findall(r'(?:href|src)="(/[^"]*)"', page)
        assert local and [u for u in local if not u.startswith("/kg/")] == [], path
    query = requests.get(proxy + "sparql", params={"query": "ASK {}"}, headers={"Accept": "application/json"},
                         timeout=30)
    assert query.status_code == 200 and query.json()["boolean"] is True
